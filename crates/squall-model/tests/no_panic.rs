//! Whatever is in a file, loading it ends in a board or an error that names
//! the file; it never panics.

#![allow(clippy::unwrap_used, reason = "test helpers; clippy exempts only #[test] functions")]

use std::path::{Path, PathBuf};

use proptest::prelude::*;
use squall_model::{LoadError, load, parse};

const ORIGIN: &str = "boards/fuzzed board.ron";

fn bank_account() -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../models/bank_account.ron");
    std::fs::read_to_string(path).unwrap()
}

/// Parse `text`: whether it is a board, or a complaint when a refusal does
/// not name the origin. A panic fails the test by itself.
fn parse_or_refuse(text: &str) -> Result<bool, String> {
    match parse(text, ORIGIN) {
        Ok(_) => Ok(true),
        Err(err) => {
            let shown = err.to_string();
            if shown.starts_with(ORIGIN) {
                Ok(false)
            } else {
                Err(format!("error does not name the origin: {shown:?}\n--- input:\n{text}"))
            }
        }
    }
}

#[test]
fn every_truncation_of_the_example_is_parsed_or_refused() {
    let text = bank_account();
    // Only the whole board parses, with or without its final newline.
    let complete = text.trim_end().len();
    for (end, _) in text.char_indices() {
        assert_eq!(parse_or_refuse(&text[..end]), Ok(end >= complete), "cut at byte {end}");
    }
}

#[test]
fn every_single_byte_change_of_the_example_is_parsed_or_refused() {
    let original = bank_account().into_bytes();
    // Bytes that matter to RON or to UTF-8, one per position in turn: all of
    // them at every position would take minutes in a debug build.
    let replacements = [b'"', b'(', b']', b',', b'9', b'\\', b':', 0xff];
    for position in 0..original.len() {
        let mut deleted = original.clone();
        deleted.remove(position);
        parse_or_refuse(&String::from_utf8_lossy(&deleted)).unwrap();
        let mut replaced = original.clone();
        replaced[position] = replacements[position % replacements.len()];
        parse_or_refuse(&String::from_utf8_lossy(&replaced)).unwrap();
    }
}

#[test]
fn a_deeply_nested_payload_is_refused_not_a_stack_overflow() {
    let text = bank_account();
    let nested = format!("{}1{}", "[".repeat(100_000), "]".repeat(100_000));
    let deep =
        text.replacen(r#"data: {"account_id": "acc-1", "owner": "Alice"}"#, &format!("data: {nested}"), 1);
    assert_ne!(deep, text);
    let err = parse(&deep, ORIGIN).unwrap_err();
    assert!(matches!(err, LoadError::Syntax { .. }), "{err:?}");
    assert!(err.to_string().starts_with(ORIGIN), "{err}");
}

proptest! {
    #[test]
    fn random_text_is_parsed_or_refused(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        parse_or_refuse(&String::from_utf8_lossy(&bytes)).map_err(TestCaseError::fail)?;
    }

    #[test]
    fn random_text_spliced_into_the_example_is_parsed_or_refused(
        tail in prop::collection::vec(any::<u8>(), 0..256),
        cut in any::<prop::sample::Index>(),
    ) {
        // Random bytes alone rarely get past the first token; splicing them
        // into the example reaches the deeper parts of the parser.
        let text = bank_account();
        let cut = cut.index(text.len());
        let cut = (0..=cut).rev().find(|&i| text.is_char_boundary(i)).unwrap_or(0);
        let spliced = format!("{}{}", &text[..cut], String::from_utf8_lossy(&tail));
        parse_or_refuse(&spliced).map_err(TestCaseError::fail)?;
    }

    #[test]
    fn a_file_of_random_bytes_is_loaded_or_refused_naming_the_file(
        bytes in prop::collection::vec(any::<u8>(), 0..512),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let path: PathBuf = dir.path().join("random.ron");
        std::fs::write(&path, &bytes).unwrap();
        if let Err(err) = load(&path) {
            let shown = err.to_string();
            prop_assert!(shown.starts_with(&path.display().to_string()), "{}", shown);
            if std::str::from_utf8(&bytes).is_err() {
                let is_not_text = matches!(err, LoadError::NotText { .. });
                prop_assert!(is_not_text, "{:?}", err);
            }
        }
    }
}

#[test]
fn a_missing_file_is_refused_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("gone.ron");
    let err = load(&path).unwrap_err();
    assert!(matches!(err, LoadError::Read { .. }), "{err:?}");
    assert!(err.to_string().starts_with(&format!("{}: cannot read the file", path.display())), "{err}");
}
