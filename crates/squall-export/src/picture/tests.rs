//! The whole picture: what a user opening the file would check.

use squall_model::{Board, Connection, Element, Group, GroupKind, Id, Kind, Point, Size};

use super::*;

fn board() -> Board {
    let mut board = Board::new("Bank <&> \"account\"");
    board.elements.push(Element::new("actor", Kind::Actor, "Account owner", Point { x: 40.0, y: 250.0 }));
    board.elements.push(Element::new("cmd", Kind::Command, "DepositMoney", Point { x: 220.0, y: 200.0 }));
    board.elements.push(Element::new("agg", Kind::Aggregate, "BankAccount", Point { x: 460.0, y: 215.0 }));
    board.elements.push(Element::new(
        "evt",
        Kind::Event,
        "Money <deposited> & \"kept\"",
        Point { x: 760.0, y: 200.0 },
    ));
    board.elements.push(Element::new("rm", Kind::ReadModel, "AccountOverview", Point { x: 900.0, y: 400.0 }));
    board.elements.push(Element::new(
        "hot",
        Kind::Hotspot,
        "What about limits?",
        Point { x: 220.0, y: 500.0 },
    ));
    board.connections = vec![
        Connection::new("actor", "cmd"),
        Connection::new("cmd", "agg"),
        Connection::new("agg", "evt"),
        Connection::new("evt", "rm"),
        Connection::new("rm", "actor"),
        Connection::new("hot", "cmd"),
        Connection { label: Some("when < 0".into()), ..Connection::new("evt", "gone") },
    ];
    board.groups.push(Group {
        id: Id::from("bc"),
        kind: GroupKind::BoundedContext,
        name: "Banking".into(),
        description: None,
        position: Point { x: 0.0, y: 0.0 },
        size: Size { width: 1200.0, height: 700.0 },
        colour: None,
        members: vec![],
    });
    board
}

/// The text of every `<text>` element, unescaped, as a reader shows it.
fn texts(svg: &str) -> Vec<String> {
    let doc = roxmltree::Document::parse(svg).expect("the SVG is well-formed XML");
    doc.descendants().filter(|n| n.has_tag_name("text")).map(|n| n.text().unwrap_or("").to_owned()).collect()
}

#[test]
fn given_a_board_when_drawn_then_every_sticky_s_name_is_written_in_it() {
    let board = board();
    let svg = svg(&board);
    let texts = texts(&svg);
    for element in &board.elements {
        let words: String = element.name.split_whitespace().collect();
        let written: String = texts.iter().flat_map(|t| t.split_whitespace()).collect();
        assert!(written.contains(&words), "{} is missing from {texts:?}", element.name);
    }
    assert!(texts.iter().any(|t| t == "Banking"), "{texts:?}");
}

#[test]
fn markup_in_names_is_escaped() {
    let svg = svg(&board());
    assert!(svg.contains("Bank &lt;&amp;&gt; &quot;account&quot;"), "{svg}");
    assert!(svg.contains("&lt;deposited&gt;"), "{svg}");
    assert!(!svg.contains("<deposited>"));
    assert!(texts(&svg).iter().any(|t| t.contains("<deposited>")));
}

#[test]
fn the_svg_is_plain_no_html_inside() {
    let svg = svg(&board());
    assert!(!svg.contains("foreignObject"));
    assert!(!svg.contains("<style") && !svg.contains("style="), "no CSS a reader may ignore");
    // ImageMagick gives up on a large board whose groups have classes.
    assert!(!svg.contains("class="), "no classes");
    assert!(!svg.contains("<marker"), "arrow heads are shapes");
}

#[test]
fn the_same_board_gives_the_same_bytes() {
    assert_eq!(svg(&board()), svg(&board()));
}

#[test]
fn arrows_are_drawn_in_the_grammar_s_styles() {
    let svg = svg(&board());
    let doc = roxmltree::Document::parse(&svg).expect("well-formed");
    let lines = |style: &str| {
        doc.descendants()
            .filter(|n| n.attribute("data-arrows") == Some(style))
            .map(|g| g.children().filter(|c| c.has_tag_name("polygon")).count())
            .sum::<usize>()
    };
    // actor→cmd and rm→actor are a person's; the hotspot's is an annotation; the arrow to nothing is left out.
    assert_eq!((lines("automatic"), lines("manual"), lines("annotation")), (3, 2, 1));
}

#[test]
fn the_picture_holds_the_whole_board_with_a_margin() {
    let svg = svg(&board());
    let doc = roxmltree::Document::parse(&svg).expect("well-formed");
    let root = doc.root_element();
    // The frame's title tab rises 14 px above it; the frame is 1200 wide.
    assert_eq!(root.attribute("width"), Some("1280"));
    assert_eq!(root.attribute("height"), Some("794"));
}

#[test]
fn an_empty_board_is_a_small_empty_picture() {
    let svg = svg(&Board::new("empty"));
    assert!(svg.contains(r#"width="80" height="80""#), "{svg}");
}

#[test]
fn the_png_is_a_png_of_the_board_s_size_times_the_scale() {
    let png = png(&board(), 2.0).expect("drawn");
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
    let width = u32::from_be_bytes([png[16], png[17], png[18], png[19]]);
    let height = u32::from_be_bytes([png[20], png[21], png[22], png[23]]);
    assert_eq!((width, height), (2560, 1588));
}

#[test]
fn a_huge_board_is_drawn_smaller_rather_than_not_at_all() {
    let mut board = Board::new("huge");
    board.elements.push(Element::new("a", Kind::Event, "A", Point { x: 0.0, y: 0.0 }));
    board.elements.push(Element::new("b", Kind::Event, "B", Point { x: 20_000.0, y: 20_000.0 }));
    let png = png(&board, 2.0).expect("drawn");
    let width = u32::from_be_bytes([png[16], png[17], png[18], png[19]]);
    let height = u32::from_be_bytes([png[20], png[21], png[22], png[23]]);
    assert!(f64::from(width) * f64::from(height) <= MAX_PIXELS * 1.01, "{width} x {height}");
}

#[test]
fn a_scale_that_is_not_a_positive_number_is_refused() {
    for scale in [0.0, -1.0, f32::NAN, f32::INFINITY] {
        assert!(matches!(png(&board(), scale), Err(PictureError::Scale(_))), "{scale}");
    }
}

#[test]
fn a_png_drawn_small_leaves_out_text_too_small_to_read() {
    // At a tenth of its size, 14-pixel names would be 1.4 pixels high.
    let small = draw(&board(), Canvas::for_png(0.1));
    assert!(!small.contains("DepositMoney"), "{small}");
    let sharp = draw(&board(), Canvas::for_png(2.0));
    assert!(sharp.contains("DepositMoney"));
}
