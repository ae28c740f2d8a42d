//! `squall export` to code as a user runs it: the skeletons of the example
//! boards build (Rust: `cargo build` and `cargo test --no-run`, offline;
//! TypeScript: `tsc --noEmit`), the same board gives the same bytes, and a
//! file the user changed is never overwritten without `--force`.

// The whole file is tests; its helpers may fail loudly like the tests do.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use assert_cmd::cargo::cargo_bin_cmd;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// `squall` run from the repository root, without colours or logging.
fn squall() -> assert_cmd::Command {
    let mut cmd = cargo_bin_cmd!("squall");
    cmd.current_dir(ROOT).env("NO_COLOR", "1").env_remove("RUST_LOG");
    cmd
}

fn export(model: &str, to: &str, out: &Path) -> assert_cmd::assert::Assert {
    squall().args(["export", model, "--to", to, "--out"]).arg(out).assert()
}

/// Every file of a folder by its path in it, with its bytes.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    fn walk(root: &Path, dir: &Path, into: &mut BTreeMap<PathBuf, Vec<u8>>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(root, &path, into);
            } else {
                into.insert(path.strip_prefix(root).unwrap().to_owned(), std::fs::read(&path).unwrap());
            }
        }
    }
    let mut files = BTreeMap::new();
    walk(dir, dir, &mut files);
    files
}

/// Where generated crates build: beside the workspace's own build, so that
/// serde and rust_decimal are compiled once for all of them and CI's cache
/// keeps them.
fn target_dir() -> PathBuf {
    let shared =
        std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| Path::new(ROOT).join("target"), PathBuf::from);
    shared.join("export-check")
}

/// Run `cargo SUBCOMMAND --offline ARGS` in `dir` and return what it printed
/// on stdout; fail with its output when it fails or warns.
fn cargo(dir: &Path, args: &[&str]) -> String {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let output = Command::new(cargo)
        .arg(args[0])
        .arg("--offline")
        .args(&args[1..])
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", target_dir())
        .env_remove("RUSTFLAGS")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "cargo {} in {} failed:\n{stderr}\n{stdout}",
        args.join(" "),
        dir.display()
    );
    assert!(!stderr.contains("warning:"), "cargo {} warns:\n{stderr}", args.join(" "));
    stdout
}

fn tsc(dir: &Path) {
    let tsc = Path::new(ROOT).join("ui/node_modules/.bin/tsc");
    assert!(tsc.exists(), "{} is missing: run `npm ci` in ui/ first", tsc.display());
    let output = Command::new(tsc).args(["--noEmit", "-p"]).arg(dir).output().unwrap();
    assert!(
        output.status.success(),
        "tsc --noEmit -p {} failed:\n{}",
        dir.display(),
        String::from_utf8_lossy(&output.stdout)
    );
}

fn builds_in_rust(model: &str) {
    let dir = tempfile::tempdir().unwrap();
    export(model, "rust", dir.path()).success();
    cargo(dir.path(), &["build"]);
    cargo(dir.path(), &["test", "--no-run"]);
}

fn type_checks_in_typescript(model: &str) {
    let dir = tempfile::tempdir().unwrap();
    export(model, "typescript", dir.path()).success();
    tsc(dir.path());
}

// ---- the skeletons build ----

#[test]
fn the_bank_account_skeleton_builds_in_rust_and_its_tests_compile() {
    builds_in_rust("models/bank_account.ron");
}

#[test]
fn the_money_transfer_skeleton_builds_in_rust_and_its_tests_compile() {
    builds_in_rust("models/money_transfer.ron");
}

/// One name in two contexts, stickies outside every context, every field
/// type, keywords and digits in names, scenarios naming what is not there.
#[test]
fn a_board_made_to_trip_the_generator_builds_in_rust() {
    builds_in_rust("tests/fixtures/export/tricky.ron");
}

#[test]
fn an_empty_board_builds_in_rust_and_type_checks_in_typescript() {
    builds_in_rust("tests/fixtures/export/empty.ron");
    type_checks_in_typescript("tests/fixtures/export/empty.ron");
}

#[test]
fn the_bank_account_skeleton_type_checks_in_typescript() {
    type_checks_in_typescript("models/bank_account.ron");
}

#[test]
fn the_money_transfer_skeleton_type_checks_in_typescript() {
    type_checks_in_typescript("models/money_transfer.ron");
}

#[test]
fn a_board_made_to_trip_the_generator_type_checks_in_typescript() {
    type_checks_in_typescript("tests/fixtures/export/tricky.ron");
}

#[test]
fn the_example_skeletons_are_in_rustfmt_s_layout() {
    for model in ["models/bank_account.ron", "models/money_transfer.ron"] {
        let dir = tempfile::tempdir().unwrap();
        export(model, "rust", dir.path()).success();
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
        let output = Command::new(cargo).args(["fmt", "--check"]).current_dir(dir.path()).output().unwrap();
        assert!(
            output.status.success(),
            "{model}: cargo fmt would change:\n{}",
            String::from_utf8_lossy(&output.stdout)
        );
    }
}

// ---- the scenarios pass once the rules are written ----

/// Put the hand-written rules of `tests/fixtures/export/bank_account_rules/<language>/` over the
/// generated files in `<dir>/src/banking/`.
fn write_the_rules(language: &str, dir: &Path) {
    let rules = Path::new(ROOT).join("tests/fixtures/export/bank_account_rules").join(language);
    for entry in std::fs::read_dir(rules).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, dir.join("src/banking").join(path.file_name().unwrap())).unwrap();
    }
}

#[test]
fn given_the_bank_account_rules_written_in_rust_then_the_board_s_scenarios_pass() {
    let dir = tempfile::tempdir().unwrap();
    export("models/bank_account.ron", "rust", dir.path()).success();
    write_the_rules("rust", dir.path());
    let report = cargo(dir.path(), &["test", "--", "--ignored"]);
    assert!(report.contains("test result: ok. 16 passed"), "{report}");
}

#[test]
fn given_the_bank_account_rules_written_in_typescript_then_the_board_s_scenarios_pass() {
    let dir = tempfile::tempdir().unwrap();
    export("models/bank_account.ron", "typescript", dir.path()).success();
    write_the_rules("typescript", dir.path());
    let tsc = Path::new(ROOT).join("ui/node_modules/.bin/tsc");
    let built = Command::new(tsc).arg("-p").arg(dir.path()).output().unwrap();
    assert!(built.status.success(), "tsc: {}", String::from_utf8_lossy(&built.stdout));
    let run = Command::new("node")
        .arg("dist/test/scenarios.js")
        .arg("--pending")
        .current_dir(dir.path())
        .output()
        .unwrap();
    let report = String::from_utf8_lossy(&run.stdout);
    assert!(run.status.success(), "{report}");
    assert_eq!(report.lines().filter(|line| line.starts_with("ok ")).count(), 16, "{report}");
}

// ---- the same board, the same bytes ----

#[test]
fn given_a_board_exported_twice_then_the_files_are_the_same_bytes() {
    for to in ["rust", "typescript"] {
        let (first, second) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        export("models/money_transfer.ron", to, first.path()).success();
        export("models/money_transfer.ron", to, second.path()).success();
        assert_eq!(snapshot(first.path()), snapshot(second.path()), "--to {to}");
    }
}

#[test]
fn given_an_unchanged_export_when_exported_again_then_it_succeeds_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    export("models/bank_account.ron", "rust", dir.path()).success();
    let before = snapshot(dir.path());
    export("models/bank_account.ron", "rust", dir.path()).success();
    assert_eq!(snapshot(dir.path()), before);
}

// ---- the user's changes are safe ----

#[test]
fn given_an_edited_file_when_exported_again_then_it_is_refused_by_name_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    export("models/bank_account.ron", "rust", dir.path()).success();
    let aggregate = dir.path().join("src/banking/bank_account.rs");
    std::fs::write(&aggregate, "// my rules\n").unwrap();
    // A file the export would write again, to see that it does not.
    std::fs::remove_file(dir.path().join("src/values.rs")).unwrap();

    let assert = export("models/bank_account.ron", "rust", dir.path()).code(2);

    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
    assert!(stderr.contains("src/banking/bank_account.rs"), "{stderr}");
    assert!(stderr.contains("--force"), "{stderr}");
    assert!(stderr.contains("nothing was written"), "{stderr}");
    assert_eq!(std::fs::read_to_string(&aggregate).unwrap(), "// my rules\n");
    assert!(!dir.path().join("src/values.rs").exists());
}

#[test]
fn given_an_edited_file_when_exported_with_force_then_it_is_overwritten() {
    let dir = tempfile::tempdir().unwrap();
    export("models/bank_account.ron", "typescript", dir.path()).success();
    let fresh = snapshot(dir.path());
    std::fs::write(dir.path().join("src/app.ts"), "// mine\n").unwrap();

    squall()
        .args(["export", "models/bank_account.ron", "--to", "typescript", "--force", "--out"])
        .arg(dir.path())
        .assert()
        .success();

    assert_eq!(snapshot(dir.path()), fresh);
}

#[test]
fn given_a_model_that_is_not_there_then_export_exits_2_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let assert = export("models/no_such_board.ron", "rust", dir.path()).code(2);
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
    assert!(stderr.contains("models/no_such_board.ron"), "{stderr}");
    assert!(std::fs::read_dir(dir.path()).unwrap().next().is_none(), "nothing is written");
}
