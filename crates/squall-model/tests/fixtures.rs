//! The fixture files under `tests/fixtures/` at the workspace root: one lint
//! fixture per code, each raising exactly its own diagnostic, and load
//! fixtures that must be refused with a message that points at the problem.
//! The command-line tests run the CLI over the same files.

#![allow(clippy::unwrap_used, reason = "test helpers; clippy exempts only #[test] functions")]

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use squall_model::lint::{Code, Options, Report, Severity, lint};
use squall_model::{LoadError, load};

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn lint_dir() -> PathBuf {
    workspace().join("tests/fixtures/lint")
}

fn load_dir() -> PathBuf {
    workspace().join("tests/fixtures/load")
}

/// The `.ron` file stems in `dir`.
fn stems(dir: &Path) -> BTreeSet<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "ron"))
        .map(|path| path.file_stem().unwrap().to_string_lossy().into_owned())
        .collect()
}

/// Lint a fixture the way `squall lint` does: scripts resolve against the
/// model's folder.
fn lint_file(path: &Path) -> Report {
    let board = load(path).unwrap_or_else(|err| panic!("{} must load: {err}", path.display()));
    lint(&board, &Options { model_dir: Some(path.parent().unwrap().to_owned()) })
}

struct LintFixture {
    code: Code,
    severity: Severity,
    /// The ids the diagnostic names, the main element first.
    elements: &'static [&'static str],
    /// Diagnostics the fixture accepts through an `allow` entry: code and the
    /// allowing element.
    allowed: &'static [(Code, &'static str)],
}

const fn fixture(code: Code, severity: Severity, elements: &'static [&'static str]) -> LintFixture {
    LintFixture { code, severity, elements, allowed: &[] }
}

/// One fixture per code; the file is `tests/fixtures/lint/<code>.ron`.
const LINT_FIXTURES: &[LintFixture] = &[
    fixture(Code::ForbiddenConnection, Severity::Error, &["evt-account-opened", "cmd-open-account"]),
    fixture(Code::SelfConnection, Severity::Warning, &["agg-account"]),
    fixture(Code::DuplicateConnection, Severity::Warning, &["actor-customer", "cmd-open-account"]),
    fixture(Code::UnhandledCommand, Severity::Warning, &["cmd-close-account"]),
    fixture(Code::CommandHandledTwice, Severity::Error, &["cmd-open-account", "agg-account", "agg-ledger"]),
    LintFixture {
        code: Code::UnemittedEvent,
        severity: Severity::Warning,
        elements: &["evt-account-closed"],
        allowed: &[(Code::Unreachable, "evt-account-closed")],
    },
    fixture(Code::UnusedEvent, Severity::Info, &["evt-account-frozen"]),
    fixture(Code::IdlePolicy, Severity::Warning, &["pol-welcome"]),
    LintFixture {
        code: Code::UnfedReadModel,
        severity: Severity::Warning,
        elements: &["rm-statistics"],
        allowed: &[(Code::Unreachable, "rm-statistics")],
    },
    fixture(Code::UnknownKeyField, Severity::Error, &["agg-account", "cmd-open-account"]),
    fixture(
        Code::PolicyCycle,
        Severity::Warning,
        &["pol-second-account", "cmd-open-account", "agg-account", "evt-account-opened"],
    ),
    fixture(Code::Unreachable, Severity::Info, &["cmd-close-account"]),
    fixture(Code::DuplicateName, Severity::Error, &["evt-account-opened", "evt-account-opened-again"]),
    fixture(Code::SharedName, Severity::Warning, &["cmd-billing-place-order", "cmd-sales-place-order"]),
    fixture(Code::EmptyName, Severity::Warning, &["actor-unnamed"]),
    fixture(Code::EventNameTense, Severity::Info, &["evt-account-opened"]),
    fixture(Code::CommandNameMood, Severity::Info, &["cmd-open-account"]),
    fixture(Code::MissingScript, Severity::Warning, &["agg-account"]),
    fixture(Code::OpenHotspot, Severity::Info, &["hot-joint-accounts"]),
    // A scenario is not an element; the diagnostic names none.
    fixture(Code::ScenarioUnknownMessage, Severity::Error, &[]),
];

#[test]
fn every_lint_code_has_exactly_one_fixture_and_no_fixture_is_orphaned() {
    let expected: BTreeSet<String> = Code::ALL.iter().map(|code| code.name().to_owned()).collect();
    let tabled: BTreeSet<String> = LINT_FIXTURES.iter().map(|f| f.code.name().to_owned()).collect();
    assert_eq!(tabled, expected, "the table must cover every code once");
    assert_eq!(LINT_FIXTURES.len(), Code::ALL.len(), "a code is in the table twice");
    assert_eq!(stems(&lint_dir()), expected, "tests/fixtures/lint/*.ron must be named after the codes");
}

#[test]
fn given_a_lint_fixture_when_linted_then_exactly_its_diagnostic_names_the_expected_elements() {
    for expected in LINT_FIXTURES {
        let name = expected.code.name();
        let report = lint_file(&lint_dir().join(format!("{name}.ron")));
        let found: Vec<(Code, Severity, Vec<&str>)> = report
            .diagnostics
            .iter()
            .map(|d| (d.code, d.severity, d.elements.iter().map(|id| id.as_str()).collect()))
            .collect();
        assert_eq!(
            found,
            vec![(expected.code, expected.severity, expected.elements.to_vec())],
            "{name}.ron: {:#?}",
            report.diagnostics
        );
        let allowed: Vec<(Code, &str)> =
            report.allowed.iter().map(|a| (a.diagnostic.code, a.by.as_str())).collect();
        assert_eq!(allowed, expected.allowed, "{name}.ron: allowed diagnostics");
        assert!(
            report.allowed.iter().all(|a| !a.reason.trim().is_empty()),
            "{name}.ron: an allow without reason"
        );
    }
}

#[test]
fn lint_fixtures_explain_themselves_in_the_board_description() {
    for expected in LINT_FIXTURES {
        let name = expected.code.name();
        let board = load(&lint_dir().join(format!("{name}.ron"))).unwrap();
        let description = board.description.unwrap_or_default();
        assert!(description.contains(&format!("`{name}`")), "{name}.ron: {description:?}");
    }
}

#[test]
fn the_severities_in_the_table_are_the_codes_own() {
    // The table spells severities out so a change of weight is a visible
    // decision; this keeps the table honest against the code list.
    for expected in LINT_FIXTURES {
        assert_eq!(expected.severity, expected.code.severity(), "{}", expected.code.name());
    }
}

#[test]
fn given_the_bank_account_example_when_linted_then_it_has_no_errors_or_warnings() {
    let report = lint_file(&workspace().join("models/bank_account.ron"));
    assert_eq!(report.count(Severity::Error), 0, "{:#?}", report.diagnostics);
    assert_eq!(report.count(Severity::Warning), 0, "{:#?}", report.diagnostics);
    let allowed: Vec<(Code, &str)> =
        report.allowed.iter().map(|a| (a.diagnostic.code, a.by.as_str())).collect();
    assert_eq!(allowed, [(Code::PolicyCycle, "pol-ceo-bonus")]);
    assert!(report.allowed[0].reason.starts_with("Deliberate:"), "{}", report.allowed[0].reason);
}

/// What a load fixture's error must say.
enum Refusal {
    /// `origin:line:col: …` from the RON parser, with a fragment of the message.
    Syntax {
        line: usize,
        col: usize,
        says: &'static str,
    },
    /// `origin:line:col: …` from the structural checks, naming these ids.
    Invalid {
        line: usize,
        col: usize,
        ids: &'static [&'static str],
        says: &'static [&'static str],
    },
    NotText {
        line: usize,
        col: usize,
    },
    NewerFormat {
        found: u32,
    },
}

const LOAD_FIXTURES: &[(&str, Refusal)] = &[
    ("malformed-ron", Refusal::Syntax { line: 16, col: 17, says: "Expected colon" }),
    (
        "unknown-kind",
        Refusal::Syntax {
            line: 16,
            col: 19,
            says: "unknown element kind `Sticker`; expected one of Actor, Command,",
        },
    ),
    (
        "dangling-connection",
        Refusal::Invalid {
            line: 30,
            col: 17,
            ids: &["actor-customer", "evt-missing"],
            says: &["unknown id `evt-missing`", "the other end is actor `Customer` (actor-customer)"],
        },
    ),
    (
        "duplicate-id",
        Refusal::Invalid {
            line: 15,
            col: 17,
            ids: &["shared-id"],
            says: &[
                "duplicate id `shared-id`",
                "actor `Customer` (shared-id) and command `OpenAccount` (shared-id)",
            ],
        },
    ),
    ("newer-format", Refusal::NewerFormat { found: 99 }),
    (
        "fields-on-actor",
        Refusal::Invalid {
            line: 8,
            col: 17,
            ids: &["actor-customer"],
            says: &["actor `Customer` (actor-customer) has fields, but only commands and events do"],
        },
    ),
    (
        "unknown-allow-code",
        Refusal::Invalid {
            line: 15,
            col: 17,
            ids: &["cmd-open-account"],
            says: &["allows unknown lint code `no-such-code`", "known codes: forbidden-connection,"],
        },
    ),
    (
        "missing-field",
        // RON notices the missing field where the element's parenthesis closes.
        Refusal::Syntax { line: 20, col: 9, says: "missing field named `name` in `Element`" },
    ),
    // The file ends on line 18, in the middle of a position.
    ("truncated", Refusal::Syntax { line: 18, col: 27, says: "Expected" }),
    ("not-utf8", Refusal::NotText { line: 17, col: 24 }),
    (
        "member-unknown",
        Refusal::Invalid {
            line: 36,
            col: 61,
            ids: &["ctx-accounts", "evt-ghost"],
            says: &["group `Accounts` (ctx-accounts) lists unknown element `evt-ghost`"],
        },
    ),
];

#[test]
fn every_load_fixture_is_in_the_table() {
    let tabled: BTreeSet<String> = LOAD_FIXTURES.iter().map(|(stem, _)| (*stem).to_owned()).collect();
    assert_eq!(stems(&load_dir()), tabled);
}

#[test]
fn given_a_broken_file_when_loaded_then_it_is_refused_saying_where_and_what() {
    for (stem, refusal) in LOAD_FIXTURES {
        let path = load_dir().join(format!("{stem}.ron"));
        let origin = path.display().to_string();
        let Err(err) = load(&path) else { panic!("{stem}.ron must be refused") };
        let shown = err.to_string();
        let at = |line: usize, col: usize| format!("{origin}:{line}:{col}: ");
        match (refusal, &err) {
            (Refusal::Syntax { line, col, says }, LoadError::Syntax { .. }) => {
                assert!(shown.starts_with(&at(*line, *col)), "{stem}: {shown}");
                assert!(shown.contains(says), "{stem}: {shown}");
            }
            (Refusal::Invalid { line, col, ids, says }, LoadError::Invalid { problems, .. }) => {
                assert_eq!(problems.len(), 1, "{stem}: {shown}");
                let found: Vec<&str> = problems[0].ids.iter().map(|id| id.as_str()).collect();
                assert_eq!(found, *ids, "{stem}");
                assert!(shown.starts_with(&at(*line, *col)), "{stem}: {shown}");
                for fragment in *says {
                    assert!(shown.contains(fragment), "{stem}: {shown}\nlacks: {fragment}");
                }
            }
            (Refusal::NotText { line, col }, LoadError::NotText { .. }) => {
                assert_eq!(shown, format!("{}the file is not UTF-8 text", at(*line, *col)), "{stem}");
            }
            (Refusal::NewerFormat { found }, LoadError::NewerFormat { found: actual, supported, .. }) => {
                assert_eq!((actual, supported), (found, &squall_model::FORMAT_VERSION), "{stem}");
                assert!(shown.starts_with(&format!("{origin}: ")), "{stem}: {shown}");
                assert!(
                    shown.contains("format_version 99") && shown.contains("update Squall"),
                    "{stem}: {shown}"
                );
            }
            (_, other) => panic!("{stem}.ron: refused for the wrong reason: {other:?}"),
        }
    }
}

#[test]
fn the_reported_line_of_a_refused_file_is_the_offending_one() {
    // Guards the table against pointing at a line that merely exists: the
    // line named must hold what the fixture is about.
    let offending = [
        ("malformed-ron", "kind Command"),
        ("unknown-kind", "kind: Sticker"),
        ("dangling-connection", "to: \"evt-missing\""),
        ("duplicate-id", "id: \"shared-id\""),
        ("fields-on-actor", "id: \"actor-customer\""),
        ("unknown-allow-code", "id: \"cmd-open-account\""),
        ("member-unknown", "\"evt-ghost\""),
    ];
    for (stem, text) in offending {
        let path = load_dir().join(format!("{stem}.ron"));
        let source = std::fs::read_to_string(&path).unwrap();
        let Some((_, Refusal::Syntax { line, col, .. } | Refusal::Invalid { line, col, .. })) =
            LOAD_FIXTURES.iter().find(|(s, _)| *s == stem)
        else {
            panic!("{stem} has no line in the table");
        };
        let held = source.lines().nth(line - 1).unwrap();
        let Some(start) = held.find(text) else {
            panic!("{stem}: line {line} is {held:?}, expected it to hold {text:?}");
        };
        // The fixtures are ASCII up to the error, so columns are bytes + 1.
        assert!(
            (start + 1..=start + text.len()).contains(col),
            "{stem}: column {col} of {held:?} is not within {text:?}"
        );
    }
}
