//! `squall export --to svg|png`: pictures of the board that other tools open.

// The whole file is tests; its helpers may fail loudly like the tests do.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;
use std::process::Command as Process;

use assert_cmd::Command;
use assert_cmd::cargo::cargo_bin_cmd;
use predicates::prelude::*;

/// `squall` run from the repository root, with colours and logging off.
fn squall() -> Command {
    let mut cmd = cargo_bin_cmd!("squall");
    cmd.current_dir(env!("CARGO_MANIFEST_DIR")).env("NO_COLOR", "1").env_remove("RUST_LOG");
    cmd
}

/// A PNG's width and height, from its header.
fn png_size(path: &Path) -> (u32, u32) {
    let bytes = std::fs::read(path).unwrap();
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n", "{} is not a PNG", path.display());
    let field = |at: usize| u32::from_be_bytes(bytes[at..at + 4].try_into().unwrap());
    (field(16), field(20))
}

/// The `width` and `height` the SVG declares.
fn svg_size(path: &Path) -> (u32, u32) {
    let text = std::fs::read_to_string(path).unwrap();
    let doc = roxmltree::Document::parse(&text).unwrap();
    let number =
        |name: &str| doc.root_element().attribute(name).unwrap().parse::<f64>().unwrap().ceil() as u32;
    (number("width"), number("height"))
}

/// ImageMagick, which CI installs (`./dev`'s test packages): the SVG must
/// open in a tool that is not a browser.
fn convert(args: &[&str]) -> std::process::Output {
    Process::new("convert").args(args).output().unwrap_or_else(|err| {
        panic!("cannot run ImageMagick's `convert` ({err}); install imagemagick (./dev test does)")
    })
}

#[test]
fn given_the_bank_account_when_exported_as_svg_then_imagemagick_draws_it_in_colour() {
    let dir = tempfile::tempdir().unwrap();
    let svg = dir.path().join("bank.svg");
    let png = dir.path().join("bank.png");

    squall().args(["export", "models/bank_account.ron", "--to", "svg", "--out"]).arg(&svg).assert().success();
    let drawn = convert(&[svg.to_str().unwrap(), png.to_str().unwrap()]);

    assert!(drawn.status.success(), "convert failed: {}", String::from_utf8_lossy(&drawn.stderr));
    assert_eq!(png_size(&png), svg_size(&svg));
    // Stickies in their kinds' colours and text on them, not an empty or black page.
    let colours = convert(&[png.to_str().unwrap(), "-format", "%k", "info:"]);
    let colours: u32 = String::from_utf8_lossy(&colours.stdout).trim().parse().unwrap();
    assert!(colours > 100, "ImageMagick's picture has only {colours} colours");
}

#[test]
fn given_the_money_transfer_when_exported_as_png_then_it_is_the_svg_s_size_times_the_scale() {
    let dir = tempfile::tempdir().unwrap();
    let svg = dir.path().join("transfer.svg");
    let png = dir.path().join("transfer.png");

    squall()
        .args(["export", "models/money_transfer.ron", "--to", "svg", "--out"])
        .arg(&svg)
        .assert()
        .success();
    squall()
        .args(["export", "models/money_transfer.ron", "--to", "png", "--scale", "1.5", "--out"])
        .arg(&png)
        .assert()
        .success();

    let (width, height) = svg_size(&svg);
    let expected = ((f64::from(width) * 1.5).ceil() as u32, (f64::from(height) * 1.5).ceil() as u32);
    let (got_width, got_height) = png_size(&png);
    assert!(
        got_width.abs_diff(expected.0) <= 1 && got_height.abs_diff(expected.1) <= 1,
        "{:?}",
        png_size(&png)
    );
}

#[test]
fn the_same_model_exports_the_same_svg_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let (first, second) = (dir.path().join("1.svg"), dir.path().join("2.svg"));
    for out in [&first, &second] {
        squall()
            .args(["export", "models/bank_account.ron", "--to", "svg", "--out"])
            .arg(out)
            .assert()
            .success();
    }
    assert_eq!(std::fs::read(first).unwrap(), std::fs::read(second).unwrap());
}

#[test]
fn a_scale_that_is_not_positive_exits_2_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let png = dir.path().join("x.png");

    squall()
        .args(["export", "models/bank_account.ron", "--to", "png", "--scale", "0", "--out"])
        .arg(&png)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("scale must be a positive number"));

    assert!(!png.exists());
}

#[test]
fn bench_export_times_svg_and_png_of_a_generated_board() {
    squall()
        .args(["bench", "export", "--elements", "150", "--connections", "300", "--runs", "1"])
        .assert()
        .success()
        .stdout(predicate::str::contains("150 elements, 300 connections"))
        .stdout(predicate::str::is_match(r"png\s+[\d.]+ ms").unwrap());
}
