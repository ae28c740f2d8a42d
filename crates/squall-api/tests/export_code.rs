//! File ▸ Export as code (issue 12): the open board's skeleton written into
//! the project, never over a file someone edited.

// The whole file is tests; its helpers may fail loudly like the tests do.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use squall_api::{CodeExport, CodeLanguage, ErrorKind, Options, Request, Response, Role, Who, Workspace};

fn export(workspace: &mut Workspace, force: bool) -> Result<CodeExport, squall_api::Error> {
    match workspace.handle(Request::ExportCode { language: CodeLanguage::Rust, dir: None, force })? {
        Response::CodeExported { export } => Ok(export),
        other => panic!("{other:?}"),
    }
}

#[test]
fn given_the_bank_account_when_exported_as_rust_then_a_crate_lands_beside_the_models_and_edits_are_kept() {
    let (dir, model) = support::runnable_bank_account();
    let mut workspace = Workspace::open(&model, Options::default()).unwrap();

    let first = export(&mut workspace, false).unwrap();

    let crate_dir = dir.path().canonicalize().unwrap().join("export/bank-account-rust");
    assert_eq!(first.dir, crate_dir.display().to_string());
    assert!(first.written > 5, "{first:?}");
    let cargo = std::fs::read_to_string(crate_dir.join("Cargo.toml")).unwrap();
    assert!(cargo.contains("rust_decimal"), "{cargo}");
    let again = export(&mut workspace, false).unwrap();
    assert_eq!((again.written, again.unchanged), (0, first.written), "the same board, the same bytes");

    // Someone starts filling in the skeleton; a later export must not undo their work.
    let lib = crate_dir.join("src/lib.rs");
    let edited = format!("{}\n// my own notes\n", std::fs::read_to_string(&lib).unwrap());
    std::fs::write(&lib, &edited).unwrap();
    let refused = export(&mut workspace, false).unwrap_err();
    assert_eq!(refused.kind(), ErrorKind::Conflict);
    assert!(refused.to_string().contains("src/lib.rs changed since Squall last wrote it"), "{refused}");
    assert_eq!(std::fs::read_to_string(&lib).unwrap(), edited, "nothing was written");

    let forced = export(&mut workspace, true).unwrap();
    assert!(forced.written >= 1);
    assert!(!std::fs::read_to_string(&lib).unwrap().contains("my own notes"));
}

#[test]
fn a_viewer_cannot_export_and_a_board_without_a_file_says_to_save_it() {
    let (_dir, model) = support::runnable_bank_account();
    let mut workspace = Workspace::open(&model, Options::default()).unwrap();
    let viewer = Who { id: "p3".into(), role: Role::Viewer };
    let request = Request::ExportCode { language: CodeLanguage::Typescript, dir: None, force: false };
    assert!(workspace.handle_as(&viewer, request.clone()).is_err());

    let mut unsaved = Workspace::new("Sketch", Options::default());
    let err = unsaved.handle(request).unwrap_err();
    assert_eq!(err.to_string(), "the board has no file yet; save it with save_as");
}
