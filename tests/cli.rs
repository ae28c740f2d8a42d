//! The `squall` command line as a user runs it: exit codes, what it prints,
//! what it writes.

// The whole file is tests; its helpers may fail loudly like the tests do.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use assert_cmd::cargo::cargo_bin_cmd;
use predicates::prelude::*;
use serde_json::Value;
use squall_model::lint::{Code, Severity};

const BANK_ACCOUNT: &str = "models/bank_account.ron";

/// `squall` run from the repository root, with colours and logging off so
/// output is the same everywhere.
fn squall() -> Command {
    let mut cmd = cargo_bin_cmd!("squall");
    cmd.current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1")
        .env_remove("CLICOLOR_FORCE")
        .env_remove("RUST_LOG");
    cmd
}

fn stdout_of(assert: &assert_cmd::assert::Assert) -> String {
    String::from_utf8(assert.get_output().stdout.clone()).unwrap()
}

fn stderr_of(assert: &assert_cmd::assert::Assert) -> String {
    String::from_utf8(assert.get_output().stderr.clone()).unwrap()
}

/// The `.ron` files of a fixture folder, relative to the repository root, sorted.
fn ron_files(dir: &str) -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files: Vec<PathBuf> = fs::read_dir(root.join(dir))
        .unwrap_or_else(|err| panic!("{dir}: {err}"))
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "ron"))
        .map(|path| path.strip_prefix(root).unwrap().to_owned())
        .collect();
    files.sort();
    files
}

fn json_check(model: &Path) -> (Value, i32) {
    let output = squall().args(["check", "--json"]).arg(model).output().unwrap();
    let json = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|err| panic!("{}: stdout is not JSON ({err})", model.display()));
    (json, output.status.code().unwrap())
}

// ---- check ----

#[test]
fn given_the_bank_account_example_when_checked_then_it_is_clean_apart_from_info_and_allowances() {
    let assert = squall().args(["check", BANK_ACCOUNT]).assert().success();
    let stdout = stdout_of(&assert);
    assert!(
        stdout.ends_with("models/bank_account.ron: 0 errors, 0 warnings, 2 info, 1 allowed\n"),
        "{stdout}"
    );
    assert!(!stdout.contains('\u{1b}'), "piped output must carry no colour codes");
    insta::assert_snapshot!("check_bank_account", stdout);
}

#[test]
fn given_the_bank_account_example_when_checked_as_json_then_codes_are_kebab_case_and_counted() {
    let assert = squall().args(["check", "--json", BANK_ACCOUNT]).assert().success();
    let stdout = stdout_of(&assert);
    let json: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(json["file"], BANK_ACCOUNT);
    assert_eq!(json["summary"], serde_json::json!({"errors": 0, "warnings": 0, "info": 2, "allowed": 1}));
    assert_eq!(json["allowed"][0]["code"], "policy-cycle");
    assert_eq!(json["allowed"][0]["by"], "pol-ceo-bonus");
    assert!(json["allowed"][0]["reason"].as_str().unwrap().starts_with("Deliberate"));
    insta::assert_snapshot!("check_bank_account_json", stdout);
}

#[test]
fn each_lint_fixture_reports_its_code_and_exits_by_the_code_s_severity() {
    let fixtures = ron_files("tests/fixtures/lint");
    assert!(!fixtures.is_empty(), "no lint fixtures");
    for fixture in &fixtures {
        let stem = fixture.file_stem().unwrap().to_str().unwrap();
        let code = Code::from_name(stem)
            .unwrap_or_else(|| panic!("{}: the file stem is not a lint code", fixture.display()));
        let severity = code.severity();
        let expected_exit = if severity == Severity::Error { 1 } else { 0 };

        let (json, exit) = json_check(fixture);
        assert_eq!(exit, expected_exit, "{}: exit status", fixture.display());
        let found = json["diagnostics"].as_array().unwrap().iter().any(|d| {
            d["code"] == stem && d["severity"] == severity.as_str() && d["message"].as_str().is_some()
        });
        assert!(found, "{}: no {stem} diagnostic in {json:#}", fixture.display());

        squall()
            .arg("check")
            .arg(fixture)
            .assert()
            .code(expected_exit)
            .stdout(predicate::str::contains(format!("{}[{stem}]:", severity.as_str())));
    }
}

#[test]
fn every_lint_code_has_a_fixture() {
    let stems: Vec<String> = ron_files("tests/fixtures/lint")
        .iter()
        .map(|f| f.file_stem().unwrap().to_str().unwrap().to_owned())
        .collect();
    let missing: Vec<&str> =
        Code::ALL.iter().map(|c| c.name()).filter(|n| !stems.iter().any(|s| s == n)).collect();
    assert!(missing.is_empty(), "lint codes without a fixture: {missing:?}");
}

#[test]
fn each_load_fixture_exits_2_and_says_where_the_problem_is() {
    let fixtures = ron_files("tests/fixtures/load");
    assert!(!fixtures.is_empty(), "no load fixtures");
    for fixture in &fixtures {
        let path = fixture.display().to_string();
        let assert = squall().arg("check").arg(fixture).assert().code(2).stdout("");
        let stderr = stderr_of(&assert);
        assert!(!stderr.contains("panicked"), "{stderr}");
        if fixture.file_stem().unwrap() == "newer-format" {
            assert!(stderr.contains(&format!("{path}: ")), "{stderr}");
            assert!(stderr.contains("format_version 99") && stderr.contains("update Squall"), "{stderr}");
        } else {
            let located = predicate::str::is_match(format!(r"{}:\d+:\d+: ", regex_escape(&path))).unwrap();
            assert!(located.eval(&stderr), "{path}: stderr names no line and column: {stderr}");
        }
    }
}

fn regex_escape(text: &str) -> String {
    text.chars().flat_map(|c| if c.is_alphanumeric() || c == '/' { vec![c] } else { vec!['\\', c] }).collect()
}

#[test]
fn a_json_check_of_a_broken_file_prints_no_json_and_exits_2() {
    squall()
        .args(["check", "--json", "tests/fixtures/load/duplicate-id.ron"])
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains("duplicate id `shared-id`"));
}

#[test]
fn a_missing_model_exits_2_naming_the_path() {
    for command in ["check", "fmt", "graph"] {
        squall()
            .args([command, "models/no-such-model.ron"])
            .assert()
            .code(2)
            .stderr(predicate::str::contains("models/no-such-model.ron"))
            .stderr(predicate::str::contains("panicked").not());
    }
}

#[test]
fn a_folder_given_as_model_exits_2() {
    squall().args(["check", "models"]).assert().code(2).stderr(predicate::str::contains("models"));
}

#[test]
fn colours_appear_only_when_asked_for_or_on_a_terminal() {
    let plain = squall().args(["check", "tests/fixtures/lint/forbidden-connection.ron"]).assert().code(1);
    assert!(!stdout_of(&plain).contains('\u{1b}'));
    let coloured = squall()
        .env_remove("NO_COLOR")
        .args(["--color", "always", "check", "tests/fixtures/lint/forbidden-connection.ron"])
        .assert()
        .code(1);
    assert!(stdout_of(&coloured).contains("\u{1b}["), "{}", stdout_of(&coloured));
}

#[test]
fn verbose_logs_go_to_stderr_and_leave_stdout_alone() {
    let assert = squall().args(["-vv", "check", "--json", BANK_ACCOUNT]).assert().success();
    assert!(stderr_of(&assert).contains("checked models/bank_account.ron"), "{}", stderr_of(&assert));
    serde_json::from_str::<Value>(&stdout_of(&assert)).unwrap();
}

// ---- fmt ----

#[test]
fn the_example_models_are_in_canonical_form() {
    let models = ron_files("models");
    assert!(!models.is_empty());
    squall().arg("fmt").arg("--check").args(&models).assert().success().stdout("");
}

/// The bank-account board in another order and layout, with sub-pixel
/// positions: the same board, written differently.
fn scrambled_bank_account() -> String {
    let mut board =
        squall_model::load(Path::new(env!("CARGO_MANIFEST_DIR")).join(BANK_ACCOUNT).as_path()).unwrap();
    board.elements.reverse();
    board.connections.reverse();
    for element in &mut board.elements {
        element.position.x += 0.3;
    }
    for group in &mut board.groups {
        group.members.reverse();
    }
    ron::ser::to_string_pretty(&board, ron::ser::PrettyConfig::default()).unwrap()
}

#[test]
fn given_a_scrambled_model_when_fmt_checks_then_it_exits_1_and_fmt_restores_the_canonical_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bank_account.ron");
    let scrambled = scrambled_bank_account();
    fs::write(&path, &scrambled).unwrap();

    squall()
        .args(["fmt", "--check"])
        .arg(&path)
        .assert()
        .code(1)
        .stdout(predicate::str::contains(format!("would reformat {}", path.display())));
    assert_eq!(fs::read_to_string(&path).unwrap(), scrambled, "--check must not write");

    squall().arg("fmt").arg(&path).assert().success();
    let original = fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join(BANK_ACCOUNT)).unwrap();
    assert_eq!(fs::read(&path).unwrap(), original);

    squall().args(["fmt", "--check"]).arg(&path).assert().success().stdout("");
}

#[test]
fn fmt_leaves_a_canonical_file_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bank_account.ron");
    fs::copy(Path::new(env!("CARGO_MANIFEST_DIR")).join(BANK_ACCOUNT), &path).unwrap();
    let before = fs::metadata(&path).unwrap().modified().unwrap();
    std::thread::sleep(std::time::Duration::from_millis(20));
    squall().arg("fmt").arg(&path).assert().success().stdout("");
    assert_eq!(fs::metadata(&path).unwrap().modified().unwrap(), before);
}

#[test]
fn fmt_formats_the_good_files_and_exits_2_for_a_broken_one() {
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("good.ron");
    fs::write(&good, scrambled_bank_account()).unwrap();
    squall()
        .arg("fmt")
        .arg(&good)
        .arg("tests/fixtures/load/malformed-ron.ron")
        .assert()
        .code(2)
        .stderr(predicate::str::is_match(r"tests/fixtures/load/malformed-ron\.ron:\d+:\d+").unwrap());
    let original = fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join(BANK_ACCOUNT)).unwrap();
    assert_eq!(fs::read(&good).unwrap(), original);
}

// ---- new ----

#[test]
fn given_the_bank_account_template_when_new_then_the_model_and_its_scripts_check_clean() {
    let dir = tempfile::tempdir().unwrap();
    squall()
        .args(["new", "shop", "--template", "bank-account", "--dir"])
        .arg(dir.path())
        .assert()
        .success()
        .stdout(predicate::str::contains("models/shop.ron"));

    let model = dir.path().join("models/shop.ron");
    let board = squall_model::load(&model).unwrap();
    assert_eq!(board.name, "shop");
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for element in board.elements.iter().filter(|e| e.script.is_some()) {
        let script = element.script.as_deref().unwrap();
        let file = script.strip_prefix("../scripts/shop/").unwrap_or_else(|| panic!("{script}"));
        assert_eq!(
            fs::read_to_string(dir.path().join("scripts/shop").join(file)).unwrap(),
            fs::read_to_string(root.join("scripts/bank_account").join(file)).unwrap()
        );
    }

    let (json, exit) = json_check(&model);
    assert_eq!(exit, 0);
    assert_eq!(json["summary"]["errors"], 0);
    assert_eq!(json["summary"]["warnings"], 0, "{json:#}");
    squall().args(["fmt", "--check"]).arg(&model).assert().success();
}

#[test]
fn given_the_empty_template_when_new_then_an_empty_board_and_scripts_folder_exist() {
    let dir = tempfile::tempdir().unwrap();
    squall().args(["new", "blank", "--dir"]).arg(dir.path()).assert().success();
    let model = dir.path().join("models/blank.ron");
    assert!(dir.path().join("scripts/blank").is_dir());
    assert_eq!(fs::read_dir(dir.path().join("scripts/blank")).unwrap().count(), 0);
    squall()
        .arg("check")
        .arg(&model)
        .assert()
        .success()
        .stdout(predicate::str::ends_with("blank.ron: 0 errors, 0 warnings, 0 info, 0 allowed\n"));
    squall().args(["fmt", "--check"]).arg(&model).assert().success();
}

#[test]
fn new_refuses_to_overwrite_and_names_the_file() {
    let dir = tempfile::tempdir().unwrap();
    squall().args(["new", "shop", "--dir"]).arg(dir.path()).assert().success();
    let model = dir.path().join("models/shop.ron");
    fs::write(&model, "my work").unwrap();

    for template in ["empty", "bank-account"] {
        squall()
            .args(["new", "shop", "--template", template, "--dir"])
            .arg(dir.path())
            .assert()
            .code(2)
            .stderr(predicate::str::contains(model.display().to_string()))
            .stderr(predicate::str::contains("already exists"));
    }
    assert_eq!(fs::read_to_string(&model).unwrap(), "my work");
}

#[test]
fn new_refuses_when_a_script_exists_and_then_creates_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("scripts/shop/bank_account.rhai");
    fs::create_dir_all(script.parent().unwrap()).unwrap();
    fs::write(&script, "// mine").unwrap();
    squall()
        .args(["new", "shop", "--template", "bank-account", "--dir"])
        .arg(dir.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains(script.display().to_string()));
    assert!(!dir.path().join("models/shop.ron").exists());
    assert_eq!(fs::read_to_string(&script).unwrap(), "// mine");
}

#[test]
fn new_refuses_a_name_that_is_not_a_file_stem() {
    let dir = tempfile::tempdir().unwrap();
    for name in ["my shop", "../shop", "shop.ron", ""] {
        squall()
            .args(["new", name, "--dir"])
            .arg(dir.path())
            .assert()
            .code(2)
            .stderr(predicate::str::contains("not a valid model name"));
    }
    assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 0);
}

// ---- graph ----

#[test]
fn graph_draws_dot_and_mermaid_naming_the_elements() {
    for (format, start) in [("dot", "digraph"), ("mermaid", "flowchart LR")] {
        squall()
            .args(["graph", BANK_ACCOUNT, "--format", format])
            .assert()
            .success()
            .stdout(predicate::str::starts_with(start))
            .stdout(predicate::str::contains("BankAccount"));
    }
}

#[test]
fn graph_writes_to_a_file_when_asked() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("bank.mmd");
    squall()
        .args(["graph", BANK_ACCOUNT, "--format", "mermaid", "-o"])
        .arg(&file)
        .assert()
        .success()
        .stdout("");
    let stdout = stdout_of(&squall().args(["graph", BANK_ACCOUNT, "--format", "mermaid"]).assert().success());
    assert_eq!(fs::read_to_string(&file).unwrap(), stdout);
}

// ---- bench ----

#[test]
fn bench_check_times_a_generated_board_of_the_requested_size() {
    squall()
        .args(["bench", "check", "--elements", "300", "--connections", "600", "--runs", "2"])
        .assert()
        .success()
        .stdout(predicate::str::contains("300 elements, 600 connections"))
        .stdout(predicate::str::is_match(r"total\s+[\d.]+ ms\s+[\d.]+ ms\s+[\d.]+ ms").unwrap());
}

#[test]
fn bench_sim_keeps_its_store_in_a_new_file_for_the_app_and_never_over_one() {
    let dir = tempfile::tempdir().unwrap();
    let kept = dir.path().join(".squall/bank_account.sqlite");
    let kept_arg = kept.to_str().unwrap();

    let small = ["bench", "sim", "--interactive", "0", "--runs", "1", "--accounts", "5"];
    squall().args(small).args(["--commands", "60", "--keep", kept_arg]).assert().success();
    let listed = stdout_of(&squall().args(["events", "--db", kept_arg]).assert().success());
    let again = squall().args(small).args(["--commands", "10", "--keep", kept_arg]).assert().failure();

    assert!(listed.contains("AccountOpened") && listed.contains("MoneyDeposited"), "{listed}");
    let stderr = String::from_utf8_lossy(&again.get_output().stderr).into_owned();
    assert!(stderr.contains("a file is already there"), "{stderr}");
}

#[test]
fn bench_sim_runs_the_workload_on_both_sides_and_prints_each_ratio() {
    let args = ["bench", "sim", "--interactive", "20", "--commands", "50", "--accounts", "5", "--runs", "1"];

    let out = stdout_of(&squall().args(args).assert().success());

    for (row, unit) in [("interactive, N=20", "cmd/s"), ("batch, N=50", "cmd/s"), ("replay, N=50", "ev/s")] {
        let line = format!(r"{row}\s+[\d,]+ {unit}\s+[\d,]+ {unit}\s+\d+\.\d\d\s+≥");
        assert!(predicate::str::is_match(line).unwrap().eval(&out), "no {row} row with a ratio in:\n{out}");
    }
}

#[test]
fn bench_check_refuses_zero_runs() {
    squall().args(["bench", "check", "--runs", "0"]).assert().code(2);
}

// ---- help ----

#[test]
fn help_names_every_subcommand_and_each_has_an_example() {
    let assert = squall().arg("--help").assert().success();
    let help = stdout_of(&assert);
    for command in ["check", "fmt", "new", "graph", "bench"] {
        assert!(help.contains(&format!("  {command} ")), "{command} missing from:\n{help}");
        assert!(help.contains(&format!("squall {command} ")), "no example of {command} in:\n{help}");
        squall().args([command, "--help"]).assert().success().stdout(
            predicate::str::contains("Example").and(predicate::str::contains(format!("squall {command}"))),
        );
    }
}
