//! `squall test`: run a model's given/when/then scenarios.

use std::fmt::Write as _;
use std::io::Write;
use std::path::PathBuf;

use anstyle::{AnsiColor, Style};
use anyhow::Context as _;
use squall_sim::scenario::{self, ScenarioResult};

use crate::Outcome;
use crate::cmd::open;

const PASS: Style = AnsiColor::Green.on_default().bold();
const FAIL: Style = AnsiColor::Red.on_default().bold();

/// Run a model's scenarios.
#[derive(Debug, clap::Args)]
#[command(
    long_about = "Run a model's scenarios: each on a fresh in-memory store, the given events \
        first, then the when command and everything it sets off, compared with the then \
        (events, a rejection, or a read-model document).\n\n\
        Prints PASS or FAIL for each scenario, with what differs (expected -, actual +) under a \
        failure, and ends with `N passed, N failed`. Exits 1 if any scenario fails.",
    after_help = "Examples:\n  \
        squall test models/bank_account.ron\n  \
        squall test models/bank_account.ron --junit target/scenarios.xml"
)]
pub struct Args {
    /// The model file (RON).
    #[arg(value_name = "MODEL")]
    pub model: PathBuf,

    /// Also write the results as JUnit XML to FILE, for CI.
    #[arg(long, value_name = "FILE")]
    pub junit: Option<PathBuf>,
}

pub fn run(args: &Args) -> anyhow::Result<Outcome> {
    let board = squall_model::load(&args.model)?;
    let results = scenario::run_all(&board, &open::model_dir(&args.model), &open::options(None))
        .with_context(|| format!("{}: cannot run the scenarios", args.model.display()))?;
    let failed = results.iter().filter(|r| !r.passed).count();
    let passed = results.len() - failed;

    let mut out = anstream::stdout().lock();
    for result in &results {
        match &result.failure {
            None => writeln!(out, "{PASS}PASS{PASS:#} {}", result.name),
            Some(failure) => writeln!(out, "{FAIL}FAIL{FAIL:#} {}", result.name)
                .and_then(|()| failure.lines().try_for_each(|line| writeln!(out, "    {line}"))),
        }
        .context("cannot write to stdout")?;
    }
    writeln!(out, "{passed} passed, {failed} failed").context("cannot write to stdout")?;

    if let Some(path) = &args.junit {
        let xml = junit(&args.model.display().to_string(), &results);
        squall_model::write_atomically(path, xml.as_bytes())?;
        tracing::info!("wrote {}", path.display());
    }
    Ok(if failed == 0 { Outcome::Fine } else { Outcome::Findings })
}

/// One `<testsuite>` named after the model file, one `<testcase>` per
/// scenario, the difference inside `<failure>`.
fn junit(suite: &str, results: &[ScenarioResult]) -> String {
    let failures = results.iter().filter(|r| !r.passed).count();
    let mut xml = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    // Writing to a String cannot fail.
    let _ = writeln!(
        xml,
        "<testsuites tests=\"{}\" failures=\"{failures}\">\n  <testsuite name=\"{}\" tests=\"{}\" failures=\"{failures}\" errors=\"0\">",
        results.len(),
        escape(suite),
        results.len()
    );
    for result in results {
        let case = format!("<testcase name=\"{}\" classname=\"{}\"", escape(&result.name), escape(suite));
        match &result.failure {
            None => {
                let _ = writeln!(xml, "    {case}/>");
            }
            Some(failure) => {
                let message = match failure.lines().next() {
                    Some(line) if !line.starts_with("--- ") => line,
                    _ => "what happened differs from what the scenario expects",
                };
                let _ = writeln!(
                    xml,
                    "    {case}>\n      <failure message=\"{}\">{}</failure>\n    </testcase>",
                    escape(message),
                    escape_text(failure)
                );
            }
        }
    }
    xml.push_str("  </testsuite>\n</testsuites>\n");
    xml
}

/// Text as an XML attribute value, where line breaks must be escaped to
/// survive.
fn escape(text: &str) -> String {
    escape_xml(text, true)
}

/// Text as XML character data, where line breaks can stay as they are.
fn escape_text(text: &str) -> String {
    escape_xml(text, false)
}

/// Characters XML 1.0 cannot carry at all (most control characters) become
/// U+FFFD.
fn escape_xml(text: &str, attribute: bool) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' if !attribute => out.push('\n'),
            '\t' | '\r' | '\n' => {
                let _ = write!(out, "&#{};", c as u32);
            }
            c if c.is_control() => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_and_control_characters_are_escaped() {
        assert_eq!(escape("a<b & \"c\"\n"), "a&lt;b &amp; &quot;c&quot;&#10;");
        assert_eq!(escape_text("bell\u{7}\n"), "bell\u{FFFD}\n");
    }

    #[test]
    fn a_failing_scenario_carries_its_diff_and_a_one_line_message() {
        let results = vec![
            ScenarioResult { name: "ok".into(), passed: true, failure: None },
            ScenarioResult { name: "bad".into(), passed: false, failure: Some("--- expected\n- x".into()) },
        ];
        let xml = junit("m.ron", &results);
        assert!(xml.contains(r#"<testsuite name="m.ron" tests="2" failures="1" errors="0">"#), "{xml}");
        assert!(xml.contains("<failure message=\"what happened differs from what the scenario expects\">--- expected\n- x</failure>"), "{xml}");
    }
}
