//! `squall run`: drive a model from a JSON Lines file of commands, every
//! step committed to a store file.

use std::collections::VecDeque;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::num::NonZeroU64;
use std::path::PathBuf;

use anyhow::{Context as _, anyhow};
use serde_json::{Map, Value};
use squall_sim::{RunEnd, Session, SimError, Source, Submission, Trace};
use squall_store::Commits;

use crate::cmd::open;
use crate::{Outcome, report};

/// Run a model on a store file, fed by JSON Lines of commands.
#[derive(Debug, clap::Args)]
#[command(
    long_about = "Run a model on a store file, fed by JSON Lines of commands.\n\n\
        Each line is {\"command\": \"Name\", \"data\": {...}} or {\"advance\": \"1h\"} (moves \
        the virtual clock).\n\n\
        FEEDING THE SAME INPUT AGAIN APPLIES IT AGAIN, unless its lines carry ids: a command line \
        with {\"id\": \"deposit-42\", ...} runs once per branch. The id becomes the command's \
        id, and a line whose id the branch has already processed or queued is skipped with a \
        note, so a resumed run can be fed the whole input again. Ids like c12 are squall's own. \
        `advance` lines have no id and move the clock each time.\n\n\
        After each line the simulation runs until no command is queued, and \
        every step is printed: the command, who handled it, its events with their positions, \
        the documents it changed, the commands policies issued, log lines and errors. Each step \
        is committed to the store in one transaction (a command line's first step together with \
        the command itself), so an interrupted run leaves whole steps; commands it left queued \
        are processed first on the next run.\n\n\
        --batch N commits N lines at a time instead, with their cascades: much faster for \
        loading large inputs, and an interrupted run leaves whole batches (give lines ids to \
        resume by feeding the input again).\n\n\
        Blank lines and lines starting with # or // are skipped. A bad line (not JSON, unknown \
        command, a missing, extra or mistyped field, an unknown key) is reported with its line \
        number and skipped, and nothing is written for it.\n\n\
        Exit status: 0 all lines ran; 1 a line was bad, a step failed in a script, or a runaway \
        cascade was stopped; 2 the model or the store cannot be opened.",
    after_help = "Examples:\n  \
        squall run models/bank_account.ron --db bank.db --input commands.jsonl\n  \
        squall run models/bank_account.ron --db big.db --input history.jsonl --batch 1000 > /dev/null\n  \
        echo '{\"command\":\"OpenAccount\",\"data\":{\"account_id\":\"a1\",\"owner\":\"Ada\"}}' \\\n      \
        | squall run models/bank_account.ron --db bank.db --json | jq .events"
)]
pub struct Args {
    /// The model file (RON).
    #[arg(value_name = "MODEL")]
    pub model: PathBuf,

    /// The store file; created when missing.
    #[arg(long, value_name = "FILE")]
    pub db: PathBuf,

    /// The commands, one JSON object per line; `-` is standard input.
    #[arg(long, short, value_name = "FILE", default_value = "-")]
    pub input: PathBuf,

    /// Print each step as one line of JSON (the simulator's trace) instead of text.
    #[arg(long)]
    pub json: bool,

    /// Seed of `random()` in scripts.
    #[arg(long, value_name = "N")]
    pub seed: Option<u64>,

    /// Commit N input lines (with the steps they set off) per transaction, for loading large
    /// inputs; without it, every step is a transaction of its own.
    #[arg(long, value_name = "N")]
    pub batch: Option<NonZeroU64>,
}

/// Cascades are bounded by the session's cascade limit; a line's run needs
/// no bound of its own.
const UNBOUNDED: usize = usize::MAX;

pub fn run(args: &Args) -> anyhow::Result<Outcome> {
    // The model and the input first: a mistyped path creates no store.
    let model = open::Model::load(&args.model)?;
    let (name, source): (String, Box<dyn Read>) = if args.input.as_os_str() == "-" {
        ("<stdin>".to_owned(), Box::new(io::stdin()))
    } else {
        let file = File::open(&args.input)
            .with_context(|| format!("{}: cannot read the input", args.input.display()))?;
        (args.input.display().to_string(), Box::new(file))
    };
    let reader = BufReader::with_capacity(INPUT_BUFFER, source);
    let mut session = model.session(open::writable(&args.db)?, options(args.seed, args.json))?;
    let mut printer = Printer::new(anstream::stdout().lock(), args.json);
    let fine = feed(&mut session, reader, &name, &mut printer, args.batch)?;
    printer.out.flush().context("cannot write to stdout")?;
    Ok(if fine { Outcome::Fine } else { Outcome::Findings })
}

/// Input read ahead, so that a run knows when the next line is at hand (see [`Input`]).
const INPUT_BUFFER: usize = 64 * 1024;

/// Input lines, and whether the next one is already there: a run waiting for more input
/// commits what it has first, so nothing stays unwritten while a pipe is quiet.
pub trait Input: BufRead {
    /// Whether a whole line can be read without waiting for more input.
    fn has_line(&self) -> bool;
}

impl Input for &[u8] {
    fn has_line(&self) -> bool {
        self.contains(&b'\n')
    }
}

impl<R: Read> Input for BufReader<R> {
    fn has_line(&self) -> bool {
        self.buffer().contains(&b'\n')
    }
}

/// The session options of a run: aggregate states before and after each step are only in
/// the JSON traces (the text shows the documents a step changed, not the states), so text
/// output spares the session two conversions per step.
pub fn options(seed: Option<u64>, json: bool) -> squall_sim::Options {
    squall_sim::Options { detailed_traces: json, ..open::options(seed) }
}

/// Runs every line of `reader` on `session`, printing each step. Without
/// `batch`, a command line is submitted and its first step committed in one
/// transaction, and every further step in one of its own, written by the
/// store's second thread while the next step runs; a step is printed once it
/// is on disk. With `batch`, every `batch` lines share one transaction. False
/// when a line was bad, a step failed in a script, or a runaway cascade was
/// stopped.
pub fn feed<W: Write>(
    session: &mut Session,
    reader: impl Input,
    name: &str,
    printer: &mut Printer<W>,
    batch: Option<NonZeroU64>,
) -> anyhow::Result<bool> {
    let Some(size) = batch else {
        session.begin_pipelined_steps()?;
        printer.hold_until_committed(session.store().commits());
        let fed = feed_lines(session, reader, name, printer, None).and_then(|fine| {
            if session.store().in_batch() {
                session.finish_batch().context("cannot commit the last step")?;
            }
            Ok(fine)
        });
        // What did not commit is not printed; the error says from where.
        let lost = printer.release_settled(session)?;
        return fed.map_err(|error| match lost {
            Some(line) => {
                let from = match line {
                    0 => "of the commands queued before the run".to_owned(),
                    line => format!("from line {line}"),
                };
                error.context(format!(
                    "{name}: the steps {from} on were not written (each step commits on its own; \
                     the steps printed are on disk)"
                ))
            }
            None => error,
        });
    };
    let mut batched = Batched {
        size: size.get(),
        lines: 0,
        first_lines: vec![1],
        committed_before: session.store().batches_committed(),
    };
    session.begin_batch()?;
    let fed = feed_lines(session, reader, name, printer, Some(&mut batched)).and_then(|fine| {
        session.finish_batch().context("cannot commit the last lines")?;
        Ok(fine)
    });
    fed.map_err(|error| match batched.lost_from(session) {
        Some(line) => error.context(format!(
            "{name}: nothing from line {line} on was written (lines are committed {} at a time)",
            batched.size
        )),
        None => error,
    })
}

/// Where a `--batch` run stands.
struct Batched {
    size: u64,
    /// Lines carried out in the open batch.
    lines: u64,
    /// The first input line of each batch so far, the open one last.
    first_lines: Vec<usize>,
    /// The store's count of committed batches when the run began.
    committed_before: u64,
}

impl Batched {
    /// The first line of the first batch that did not commit, if any: a batch's commit runs
    /// while the next lines do, so a failure may take more than the open batch with it.
    fn lost_from(&self, session: &Session) -> Option<usize> {
        // A commit under way finishes first; one that fails has rolled back with the rest.
        let _ = session.store().settle();
        let committed = session.store().batches_committed() - self.committed_before;
        usize::try_from(committed).ok().and_then(|i| self.first_lines.get(i)).copied()
    }
}

fn feed_lines<W: Write>(
    session: &mut Session,
    reader: impl Input,
    name: &str,
    printer: &mut Printer<W>,
    mut batched: Option<&mut Batched>,
) -> anyhow::Result<bool> {
    let mut fine = true;
    let pipelined = batched.is_none();

    // Commands an interrupted run left queued go first.
    let place = format!("{name}: queued before the run");
    let mut watch = Watch::new(printer, 0);
    let end = session.run_until_quiet(UNBOUNDED, |trace| watch.step(trace));
    fine &= watch.finish(end.map(Some), &place, session)?;

    let mut lines = Lines::new(reader);
    let mut number = 0;
    loop {
        let waits = pipelined && !lines.reader.has_line() && session.store().in_batch();
        if waits {
            // Nothing stays unwritten, or holds the store's write lock, while the input is quiet.
            session.finish_batch().context("cannot commit the steps before waiting for input")?;
            printer.release()?;
        }
        let Some(line) = lines.next() else { break };
        if waits {
            session.begin_pipelined_steps()?;
        }
        number += 1;
        let line = line.with_context(|| format!("{name}:{number}: cannot read the input"))?;
        let place = format!("{name}:{number}");
        let text = match line {
            Ok(text) => text,
            Err(problem) => {
                bad_line(printer, session, &place, &problem)?;
                fine = false;
                continue;
            }
        };
        let request = match parse(&text) {
            Ok(Some(request)) => request,
            Ok(None) => continue,
            Err(problem) => {
                bad_line(printer, session, &place, &problem)?;
                fine = false;
                continue;
            }
        };
        if let Some(batched) = batched.as_deref_mut() {
            if batched.lines == batched.size {
                session
                    .continue_batch()
                    .with_context(|| format!("{place}: cannot commit the lines before"))?;
                batched.lines = 0;
                batched.first_lines.push(number);
            }
            batched.lines += 1;
        }
        let (id, submission) = match request {
            Request::Advance(by) => {
                if let Err(error) = session.advance(&by) {
                    bad_line(printer, session, &place, &error.to_string())?;
                    fine = false;
                }
                continue;
            }
            Request::Command { name, data, id } => {
                (id.clone(), Submission { id, name, data, source: Source::User })
            }
        };
        let mut watch = Watch::new(printer, number);
        let ran = session.submit_and_run(submission, UNBOUNDED, |trace| watch.step(trace));
        let ran = match ran {
            Err(
                error @ (SimError::UnknownCommand { .. }
                | SimError::InvalidPayload { .. }
                | SimError::InvalidCommandId { .. }),
            ) => {
                bad_line(printer, session, &place, &error.to_string())?;
                fine = false;
                continue;
            }
            Ok(None) => {
                printer.catch_up(session)?;
                report::note(&format!(
                    "{place}: skipped: command {} was already processed or queued on branch {}",
                    id.unwrap_or_default(),
                    session.branch()
                ));
                continue;
            }
            ran => ran,
        };
        fine &= watch.finish(ran.map(|ran| ran.map(|(_, end)| end)), &place, session)?;
    }
    Ok(fine)
}

/// What one input line asks for.
#[derive(Debug, PartialEq)]
enum Request {
    /// `id`: run at most once per branch (see [`Session::submit_once`]).
    Command {
        name: String,
        data: Value,
        id: Option<String>,
    },
    Advance(String),
}

/// A line as a request; `None` for blank lines and comments.
fn parse(line: &str) -> Result<Option<Request>, String> {
    let text = line.trim();
    if text.is_empty() || text.starts_with('#') || text.starts_with("//") {
        return Ok(None);
    }
    const SHAPE: &str =
        r#"{"command": "Name", "data": {...}} (with an optional "id": "...") or {"advance": "1h"}"#;
    let value: Value = serde_json::from_str(text).map_err(|e| format!("not valid JSON: {e}"))?;
    let Value::Object(mut map) = value else {
        return Err(format!("expected an object like {SHAPE}"));
    };
    if let Some(key) = map.keys().find(|k| !["id", "command", "data", "advance"].contains(&k.as_str())) {
        return Err(format!("unknown key `{key}`; a line is {SHAPE}"));
    }
    let id = match map.remove("id") {
        None => None,
        Some(Value::String(id)) => Some(id),
        Some(other) => return Err(format!("`id` takes a text, e.g. \"deposit-42\", got {other}")),
    };
    if id.is_some() && map.contains_key("advance") {
        return Err("`id` belongs to a command; an `advance` line moves the clock each time".to_owned());
    }
    match (map.remove("command"), map.remove("advance")) {
        (Some(_), Some(_)) => Err(format!("a line either runs a command or advances the clock: {SHAPE}")),
        (None, None) => Err(format!("no `command` or `advance`; a line is {SHAPE}")),
        (None, Some(_)) if map.contains_key("data") => {
            Err("`data` belongs to a command; `advance` takes only a duration".to_owned())
        }
        (None, Some(Value::String(by))) => Ok(Some(Request::Advance(by))),
        (None, Some(other)) => Err(format!("`advance` takes a duration like \"1h\", got {other}")),
        (Some(Value::String(name)), None) => {
            let data = map.remove("data").unwrap_or_else(|| Value::Object(Map::new()));
            Ok(Some(Request::Command { name, data, id }))
        }
        (Some(other), None) => Err(format!("`command` takes a command name, got {other}")),
    }
}

/// Reports a line that was not run, after the steps of the lines before it.
fn bad_line<W: Write>(
    printer: &mut Printer<W>,
    session: &Session,
    place: &str,
    problem: &str,
) -> anyhow::Result<()> {
    printer.catch_up(session)?;
    report::error(&anyhow!("{place}: {problem}"));
    Ok(())
}

/// Prints the steps of one run and remembers whether any failed.
struct Watch<'p, W: Write> {
    printer: &'p mut Printer<W>,
    /// The input line the steps follow from (0 for commands queued before the run).
    line: usize,
    failed: bool,
    write_error: Option<io::Error>,
}

impl<'p, W: Write> Watch<'p, W> {
    fn new(printer: &'p mut Printer<W>, line: usize) -> Self {
        Watch { printer, line, failed: false, write_error: None }
    }

    fn step(&mut self, trace: &Trace) {
        self.failed |= !trace.errors.is_empty();
        if self.write_error.is_none()
            && let Err(error) = self.printer.step(trace, self.line)
        {
            self.write_error = Some(error);
        }
    }

    /// False when a step failed in a script or a runaway cascade was stopped.
    fn finish(
        self,
        end: Result<Option<RunEnd>, SimError>,
        place: &str,
        session: &Session,
    ) -> anyhow::Result<bool> {
        if let Some(error) = self.write_error {
            return Err(anyhow::Error::new(error).context("cannot write to stdout"));
        }
        let end = end.with_context(|| format!("{place}: the simulation stopped"))?;
        let stopped = end.and_then(|end| end.stopped);
        if let Some(stopped) = &stopped {
            self.printer.catch_up(session)?;
            report::error(&anyhow!("{place}: {stopped}"));
        }
        Ok(!self.failed && stopped.is_none())
    }
}

/// Where steps are printed: as text, or as one line of JSON each.
pub struct Printer<W: Write> {
    pub out: W,
    json: bool,
    /// Steps waiting for their batch to commit, when only steps on disk are printed.
    held: Option<Held>,
}

struct Held {
    commits: Commits,
    steps: VecDeque<HeldStep>,
}

struct HeldStep {
    batch: u64,
    line: usize,
    text: Vec<u8>,
}

impl<W: Write> Printer<W> {
    pub fn new(out: W, json: bool) -> Self {
        Printer { out, json, held: None }
    }

    /// From now on a step is printed once its batch has committed.
    fn hold_until_committed(&mut self, commits: Commits) {
        self.held = Some(Held { commits, steps: VecDeque::new() });
    }

    fn step(&mut self, trace: &Trace, line: usize) -> io::Result<()> {
        let Some(held) = &mut self.held else { return render(&mut self.out, trace, self.json) };
        let mut text = Vec::new();
        render(&mut text, trace, self.json)?;
        held.steps.push_back(HeldStep { batch: held.commits.current(), line, text });
        self.release()
    }

    /// Prints the steps held so far whose batches have committed.
    fn release(&mut self) -> io::Result<()> {
        let Some(held) = &mut self.held else { return Ok(()) };
        while let Some(step) = held.steps.front() {
            if !held.commits.is_committed(step.batch) {
                break;
            }
            self.out.write_all(&step.text)?;
            held.steps.pop_front();
        }
        Ok(())
    }

    /// Waits until every step sent is written, and prints them: before a message about a
    /// later line, so that it comes after them.
    fn catch_up(&mut self, session: &Session) -> anyhow::Result<()> {
        if self.held.as_ref().is_some_and(|held| !held.steps.is_empty()) {
            session.store().settle().context("cannot write the steps before")?;
        }
        self.release().context("cannot write to stdout")
    }

    /// At the end of a run, whatever happened: prints the steps that committed and drops the
    /// others, returning the input line of the first one dropped.
    fn release_settled(&mut self, session: &Session) -> anyhow::Result<Option<usize>> {
        // A failure here was reported by the call that met it first.
        let _ = session.store().settle();
        self.release().context("cannot write to stdout")?;
        Ok(self.held.as_mut().and_then(|held| held.steps.drain(..).next()).map(|step| step.line))
    }
}

fn render(out: &mut impl Write, trace: &Trace, json: bool) -> io::Result<()> {
    if json {
        serde_json::to_writer(&mut *out, trace)?;
        writeln!(out)
    } else {
        report::trace::step(out, trace)
    }
}

/// Input lines as text, each read on its own so a run follows a pipe as it
/// fills; a line that is not UTF-8 is a bad line, not the end of the run.
struct Lines<R> {
    reader: R,
    buffer: Vec<u8>,
}

impl<R: BufRead> Lines<R> {
    fn new(reader: R) -> Self {
        Lines { reader, buffer: Vec::new() }
    }
}

impl<R: BufRead> Iterator for Lines<R> {
    type Item = io::Result<Result<String, String>>;

    fn next(&mut self) -> Option<Self::Item> {
        self.buffer.clear();
        match self.reader.read_until(b'\n', &mut self.buffer) {
            Ok(0) => None,
            Ok(_) => {
                let bytes = self.buffer.strip_suffix(b"\n").unwrap_or(&self.buffer);
                let bytes = bytes.strip_suffix(b"\r").unwrap_or(bytes);
                Some(Ok(String::from_utf8(bytes.to_vec())
                    .map_err(|e| format!("not UTF-8 text (byte {})", e.utf8_error().valid_up_to() + 1))))
            }
            Err(error) => Some(Err(error)),
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn a_command_line_carries_its_name_and_data() {
        let request = parse(r#"{"command":"DepositMoney","data":{"amount":5}}"#).unwrap();
        assert_eq!(
            request,
            Some(Request::Command { name: "DepositMoney".into(), data: json!({"amount": 5}), id: None })
        );
        let without_data = parse(r#"{"command":"Ping"}"#).unwrap();
        assert_eq!(without_data, Some(Request::Command { name: "Ping".into(), data: json!({}), id: None }));
        let with_id = parse(r#"{"id":"p-1","command":"Ping"}"#).unwrap();
        assert_eq!(
            with_id,
            Some(Request::Command { name: "Ping".into(), data: json!({}), id: Some("p-1".into()) })
        );
        assert_eq!(parse(r#"{"advance":"1h"}"#).unwrap(), Some(Request::Advance("1h".into())));
    }

    #[test]
    fn blank_lines_and_comments_are_skipped() {
        for line in ["", "   ", "# note", "// note", "  # indented"] {
            assert_eq!(parse(line).unwrap(), None, "{line:?}");
        }
    }

    #[test]
    fn each_malformed_line_says_what_is_wrong() {
        let cases = [
            ("{nope", "not valid JSON"),
            ("[1]", "expected an object"),
            (r#"{"command":"A","extra":1}"#, "unknown key `extra`"),
            (r#"{"command":"A","advance":"1h"}"#, "either runs a command or advances"),
            (r#"{"data":{}}"#, "no `command` or `advance`"),
            (r#"{"advance":5}"#, "`advance` takes a duration"),
            (r#"{"command":5}"#, "`command` takes a command name"),
            (r#"{"advance":"1h","data":{}}"#, "`data` belongs to a command"),
            (r#"{"id":5,"command":"A"}"#, "`id` takes a text"),
            (r#"{"id":"x","advance":"1h"}"#, "`id` belongs to a command"),
        ];
        for (line, expected) in cases {
            let problem = parse(line).unwrap_err();
            assert!(problem.contains(expected), "{line}: {problem}");
        }
    }

    #[test]
    fn lines_that_are_not_utf8_are_reported_and_the_rest_still_read() {
        let input: &[u8] = b"a\r\n\xff\xfe\nb";
        let lines: Vec<_> = Lines::new(input).map(|l| l.unwrap()).collect();
        assert_eq!(lines[0], Ok("a".to_owned()));
        assert!(lines[1].as_ref().unwrap_err().contains("not UTF-8"));
        assert_eq!(lines[2], Ok("b".to_owned()));
    }
}
