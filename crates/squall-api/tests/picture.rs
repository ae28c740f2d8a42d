//! The open board as a picture: what the app's export buttons and File ▸ Export ask for.

mod support;

use squall_api::{ErrorKind, Picture, PictureFormat, Request, Response, Role, Who};
use support::bank_account;

fn picture(response: Response) -> Picture {
    match response {
        Response::Picture { picture } => *picture,
        other => panic!("a picture request answered {other:?}"),
    }
}

#[test]
fn given_the_bank_account_when_asked_for_an_svg_then_it_is_plain_svg_with_every_sticky_s_name() {
    let mut f = bank_account();

    let svg =
        picture(f.workspace.handle(Request::Picture { format: PictureFormat::Svg, scale: None }).unwrap());

    assert_eq!((svg.file_name.as_str(), svg.media_type.as_str()), ("bank-account.svg", "image/svg+xml"));
    assert!(svg.content.starts_with("<?xml") && !svg.content.contains("foreignObject"));
    // Names are wrapped over lines: read the picture's text as one string, without spaces.
    let text: String = svg
        .content
        .split("</text>")
        .filter_map(|piece| piece.rsplit_once('>').map(|(_, text)| text))
        .flat_map(str::split_whitespace)
        .collect();
    for element in &f.board().elements {
        let name: String = element.name.split_whitespace().collect();
        assert!(text.contains(&name), "{} is not in the picture", element.name);
    }
    assert_eq!(svg.bytes().unwrap(), svg.content.as_bytes());
}

#[test]
fn given_the_bank_account_when_asked_for_a_png_then_its_bytes_come_as_base64() {
    let mut f = bank_account();

    let png = picture(
        f.workspace.handle(Request::Picture { format: PictureFormat::Png, scale: Some(1.0) }).unwrap(),
    );

    assert_eq!(png.file_name, "bank-account.png");
    let bytes = png.bytes().unwrap();
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n");
}

#[test]
fn a_picture_request_reads_as_the_ui_sends_it() {
    let mut f = bank_account();

    let answer = f.workspace.handle_json(r#"{"type": "picture", "format": "svg"}"#).unwrap();

    assert_eq!(picture(answer).format, PictureFormat::Svg);
}

#[test]
fn a_scale_that_is_not_positive_is_a_bad_request_and_changes_nothing() {
    let mut f = bank_account();
    let before = f.board();

    let err =
        f.workspace.handle(Request::Picture { format: PictureFormat::Png, scale: Some(0.0) }).unwrap_err();

    assert_eq!(err.kind(), ErrorKind::BadRequest);
    assert!(err.to_string().contains("scale"), "{err}");
    assert_eq!(f.board(), before);
}

#[test]
fn a_viewer_may_take_a_picture_of_a_locked_board() {
    let mut f = bank_account();
    f.request(Request::Lock { locked: true }).unwrap();
    let viewer = Who { id: "v".into(), role: Role::Viewer };

    let answer = f.workspace.handle_as(&viewer, Request::Picture { format: PictureFormat::Svg, scale: None });

    assert!(answer.is_ok(), "{answer:?}");
}
