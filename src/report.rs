//! Human output: lint reports and errors, coloured when the stream is a
//! terminal. `anstream` strips the styles when piped and honours NO_COLOR,
//! so callers always write styled text.

pub mod table;
pub mod trace;

use std::io::{self, IsTerminal, Write};

use anstyle::{AnsiColor, Style};
use squall_model::lint::{Diagnostic, Report, Severity};

const ERROR: Style = AnsiColor::Red.on_default().bold();
const WARNING: Style = AnsiColor::Yellow.on_default().bold();
const INFO: Style = AnsiColor::Cyan.on_default().bold();
const ALLOWED: Style = AnsiColor::Green.on_default();
const CLEAN: Style = AnsiColor::Green.on_default().bold();
const BOLD: Style = Style::new().bold();
const DIM: Style = Style::new().dimmed();

/// Print a failure and its causes on stderr.
pub fn error(err: &anyhow::Error) {
    let mut stderr = anstream::stderr().lock();
    // Nothing sensible is left to do if stderr itself is gone.
    let _ = writeln!(stderr, "{ERROR}error{ERROR:#}: {err}");
    for cause in err.chain().skip(1) {
        let _ = writeln!(stderr, "  {DIM}caused by:{DIM:#} {cause}");
    }
}

/// Print a note on stderr: something the user should know that is not a failure.
pub fn note(text: &str) {
    let mut stderr = anstream::stderr().lock();
    let _ = writeln!(stderr, "{INFO}note{INFO:#}: {text}");
}

/// Whether text written to stderr should carry colours, for writers (like
/// the log) that do not go through `anstream`.
pub fn colours_on_stderr() -> bool {
    let stderr = io::stderr();
    match anstream::AutoStream::choice(&stderr) {
        anstream::ColorChoice::Always | anstream::ColorChoice::AlwaysAnsi => true,
        anstream::ColorChoice::Never => false,
        anstream::ColorChoice::Auto => stderr.is_terminal(),
    }
}

/// The lint report of `file`: errors, warnings, info, then what the board
/// allows and why, and a one-line summary.
pub fn lint(out: &mut impl Write, file: &str, report: &Report) -> io::Result<()> {
    let mut first_group = true;
    for severity in [Severity::Error, Severity::Warning, Severity::Info] {
        let group: Vec<&Diagnostic> = report.diagnostics.iter().filter(|d| d.severity == severity).collect();
        if group.is_empty() {
            continue;
        }
        if !first_group {
            writeln!(out)?;
        }
        first_group = false;
        for diagnostic in group {
            diagnostic_line(out, severity_style(severity), severity.as_str(), diagnostic)?;
        }
    }
    if !report.allowed.is_empty() {
        if !first_group {
            writeln!(out)?;
        }
        for allowed in &report.allowed {
            diagnostic_line(out, ALLOWED, "allowed", &allowed.diagnostic)?;
            writeln!(out, "    {DIM}= reason ({}):{DIM:#} {}", allowed.by, allowed.reason)?;
        }
    }
    if !report.diagnostics.is_empty() || !report.allowed.is_empty() {
        writeln!(out)?;
    }
    writeln!(out, "{}", summary(file, &Counts::of(report)))
}

fn diagnostic_line(out: &mut impl Write, style: Style, label: &str, d: &Diagnostic) -> io::Result<()> {
    write!(out, "{style}{label}[{}]{style:#}{BOLD}:{BOLD:#} {}", d.code.name(), d.message)?;
    if !d.elements.is_empty() {
        let ids: Vec<&str> = d.elements.iter().map(|id| id.as_str()).collect();
        write!(out, " {DIM}[{}]{DIM:#}", ids.join(", "))?;
    }
    writeln!(out)
}

fn severity_style(severity: Severity) -> Style {
    match severity {
        Severity::Error => ERROR,
        Severity::Warning => WARNING,
        Severity::Info => INFO,
    }
}

/// How many findings of each kind a report holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Counts {
    pub errors: usize,
    pub warnings: usize,
    pub info: usize,
    pub allowed: usize,
}

impl Counts {
    pub fn of(report: &Report) -> Self {
        Counts {
            errors: report.count(Severity::Error),
            warnings: report.count(Severity::Warning),
            info: report.count(Severity::Info),
            allowed: report.allowed.len(),
        }
    }
}

/// `bank_account.ron: 0 errors, 0 warnings, 2 info, 1 allowed`, with the
/// counts that matter in colour.
fn summary(file: &str, counts: &Counts) -> String {
    let part = |count: usize, singular: &str, plural: &str, style: Style| {
        let word = if count == 1 { singular } else { plural };
        if count == 0 { format!("{count} {word}") } else { format!("{style}{count} {word}{style:#}") }
    };
    let file_style = if counts.errors == 0 { CLEAN } else { ERROR };
    format!(
        "{file_style}{file}{file_style:#}: {}, {}, {}, {}",
        part(counts.errors, "error", "errors", ERROR),
        part(counts.warnings, "warning", "warnings", WARNING),
        part(counts.info, "info", "info", INFO),
        part(counts.allowed, "allowed", "allowed", ALLOWED),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_summary_counts_in_words_without_colour_when_stripped() {
        let counts = Counts { errors: 1, warnings: 0, info: 2, allowed: 1 };
        let text = anstream::adapter::strip_str(&summary("a.ron", &counts)).to_string();
        assert_eq!(text, "a.ron: 1 error, 0 warnings, 2 info, 1 allowed");
    }
}
