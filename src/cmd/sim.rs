//! `squall sim`: step through a model interactively.

mod line;

use std::io::{self, BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context as _, anyhow, bail};
use squall_sim::{Session, Source};
use squall_store::Store;

use crate::cmd::{branch, open};
use crate::{Outcome, report};
use line::Input;

/// Step through a model interactively.
#[derive(Debug, clap::Args)]
#[command(
    long_about = "Step through a model interactively: submit commands and watch each step (the \
        handler, its events, the documents changed, the commands policies issue), look at \
        events, read models and aggregate states, rewind, branch and compare what-ifs, and save \
        a run as a scenario in the model file. Type `help` for the commands.\n\n\
        Without --db the store is in memory and gone when you quit. When standard input is not \
        a terminal, commands are read from it line by line, and the exit status is 1 if any \
        of them failed.",
    after_help = "Examples:\n  \
        squall sim models/bank_account.ron\n  \
        squall sim models/bank_account.ron --db bank.db\n  \
        printf 'OpenAccount account_id=a1 owner=Ada\\nview AccountOverview a1\\n' | squall sim models/bank_account.ron"
)]
pub struct Args {
    /// The model file (RON).
    #[arg(value_name = "MODEL")]
    pub model: PathBuf,

    /// The store file, created when missing; in memory when left out.
    #[arg(long, value_name = "FILE")]
    pub db: Option<PathBuf>,

    /// Seed of `random()` in scripts.
    #[arg(long, value_name = "N")]
    pub seed: Option<u64>,
}

/// Cascades are bounded by the session's cascade limit.
const UNBOUNDED: usize = usize::MAX;

pub fn run(args: &Args) -> anyhow::Result<Outcome> {
    let model = open::Model::load(&args.model)?;
    let store = match &args.db {
        Some(path) => open::writable(path)?,
        None => Store::open_in_memory()?,
    };
    let session = model.session(store, open::options(args.seed))?;
    let mut repl = Repl { session, model: args.model.clone(), last_submitted: None };
    if io::stdin().is_terminal() {
        interactive(&mut repl)?;
        Ok(Outcome::Fine)
    } else {
        scripted(&mut repl)
    }
}

/// Line editing and history on a terminal. Ctrl-C drops the line, Ctrl-D
/// leaves.
fn interactive(repl: &mut Repl) -> anyhow::Result<()> {
    use rustyline::error::ReadlineError;

    let mut editor = rustyline::DefaultEditor::new().context("cannot set up line editing")?;
    let history = history_file();
    if let Some(path) = &history {
        // A first run has no history yet.
        let _ = editor.load_history(path);
    }
    let mut banner = format!(
        "{} on {} — type `help` for the commands, `quit` to leave",
        repl.session.board().name,
        repl.session.store().location()
    );
    let pending = repl.session.pending()?;
    if pending > 0 {
        banner.push_str(&format!(
            "\n{} queued from an earlier run; `run` processes them",
            plural_commands(pending)
        ));
    }
    writeln!(anstream::stdout(), "{banner}").context("cannot write to stdout")?;
    loop {
        let prompt = format!("{}> ", repl.session.branch());
        match editor.readline(&prompt) {
            Ok(line) => {
                if !line.trim().is_empty() {
                    let _ = editor.add_history_entry(line.as_str());
                }
                match repl.execute(&line) {
                    Ok(Flow::Quit) => break,
                    Ok(Flow::Continue) => {}
                    Err(error) => report::error(&error),
                }
            }
            Err(ReadlineError::Interrupted) => {}
            Err(ReadlineError::Eof) => break,
            Err(error) => return Err(error).context("cannot read the terminal"),
        }
    }
    if let Some(path) = &history {
        if let Some(dir) = path.parent() {
            let _ = std::fs::create_dir_all(dir);
        }
        // Losing the history is no reason to fail the session.
        if let Err(error) = editor.save_history(path) {
            tracing::warn!("cannot save the history to {}: {error}", path.display());
        }
    }
    Ok(())
}

fn plural_commands(count: u64) -> String {
    report::trace::plural(usize::try_from(count).unwrap_or(usize::MAX), "command is", "commands are")
}

/// Commands from a pipe or a file, one per line, each error reported with
/// its line number.
fn scripted(repl: &mut Repl) -> anyhow::Result<Outcome> {
    let mut failed = false;
    for (number, line) in io::stdin().lock().lines().enumerate() {
        let line = line.context("cannot read standard input")?;
        match repl.execute(&line) {
            Ok(Flow::Quit) => break,
            Ok(Flow::Continue) => {}
            Err(error) => {
                failed = true;
                report::error(&error.context(format!("<stdin>:{}: {}", number + 1, line.trim())));
            }
        }
    }
    Ok(if failed { Outcome::Findings } else { Outcome::Fine })
}

/// `$XDG_CACHE_HOME/squall/sim_history` (or the platform's cache folder);
/// none when the environment names no home.
fn history_file() -> Option<PathBuf> {
    let env = |name| std::env::var_os(name).filter(|v| !v.is_empty()).map(PathBuf::from);
    let cache = if cfg!(windows) {
        env("LOCALAPPDATA")
    } else if cfg!(target_os = "macos") {
        env("HOME").map(|home| home.join("Library/Caches"))
    } else {
        env("XDG_CACHE_HOME").or_else(|| env("HOME").map(|home| home.join(".cache")))
    }?;
    Some(cache.join("squall").join("sim_history"))
}

enum Flow {
    Continue,
    Quit,
}

struct Repl {
    session: Session,
    model: PathBuf,
    /// The command `save-scenario` records when given no id.
    last_submitted: Option<String>,
}

impl Repl {
    fn execute(&mut self, text: &str) -> anyhow::Result<Flow> {
        let input = line::parse(text, self.session.board()).map_err(|problem| anyhow!(problem))?;
        let mut out = anstream::stdout().lock();
        let session = &mut self.session;
        match input {
            Input::Nothing => {}
            Input::Quit => return Ok(Flow::Quit),
            Input::Help => writeln!(out, "{}", line::HELP)?,
            Input::Submit { name, data, run } => {
                let id = session.submit(&name, data, Source::User)?;
                if run {
                    self.last_submitted = Some(id);
                    run_until_quiet(session, &mut out)?;
                } else {
                    writeln!(out, "queued {id} {name}; {}", waiting(session.pending()?))?;
                    self.last_submitted = Some(id);
                }
            }
            Input::Step => match session.step()? {
                Some(trace) => {
                    report::trace::step(&mut out, &trace)?;
                    let pending = session.pending()?;
                    if pending > 0 {
                        writeln!(out, "{}", waiting(pending))?;
                    }
                }
                None => writeln!(out, "nothing is queued")?,
            },
            Input::Run => {
                if session.pending()? == 0 {
                    writeln!(out, "nothing is queued")?;
                } else {
                    run_until_quiet(session, &mut out)?;
                }
            }
            Input::Rewind(position) => {
                let name = session.rewind(position)?;
                writeln!(out, "now on branch {name}, which sees the events up to position {position}")?;
                queued_there(session, &mut out)?;
            }
            Input::Events(stream) => {
                let events = session.events(stream.as_deref())?;
                if events.is_empty() {
                    writeln!(out, "no events in branch {}", session.branch())?;
                } else {
                    let causes = report::table::causes(session.store(), session.branch(), &events)?;
                    report::table::events(&mut out, &events, &causes)?;
                }
            }
            Input::View { name, key: Some(key) } => match session.document(&name, &key)? {
                Some(document) => writeln!(out, "{}", serde_json::to_string_pretty(&document)?)?,
                None => bail!("read model {name} has no document `{key}` in branch {}", session.branch()),
            },
            Input::View { name, key: None } => {
                let documents: serde_json::Map<String, serde_json::Value> =
                    session.documents(&name)?.into_iter().map(|d| (d.key, d.document)).collect();
                writeln!(out, "{}", serde_json::to_string_pretty(&documents)?)?;
            }
            Input::State { aggregate, id } => {
                let state = session.state(&aggregate, &id)?;
                writeln!(out, "{}", serde_json::to_string_pretty(&state)?)?;
            }
            Input::Branch { name, at } => {
                session.fork(&name, at)?;
                writeln!(out, "now on branch {name}")?;
                queued_there(session, &mut out)?;
            }
            Input::Switch(name) => {
                session.switch(&name)?;
                writeln!(out, "now on branch {name}")?;
            }
            Input::Branches => branch::branches(&mut out, session.store(), Some(session.branch()))?,
            Input::Diff { left, right } => {
                let left = left.unwrap_or_else(|| session.branch().to_owned());
                report::trace::diff(&mut out, &session.diff(&left, &right)?)?;
            }
            Input::Advance(by) => {
                session.advance(&by)?;
                writeln!(out, "the clock is at {}", session.now())?;
            }
            Input::Replay => report::trace::replay(&mut out, &session.replay()?)?,
            Input::SaveScenario { name, command_id } => {
                let id = command_id.or_else(|| self.last_submitted.clone()).ok_or_else(|| {
                    anyhow!(
                        "no command to record yet; submit one, or name one: save-scenario NAME COMMAND_ID"
                    )
                })?;
                let summary = save_scenario(session, &self.model, &name, &id)?;
                writeln!(out, "{summary}")?;
            }
        }
        Ok(Flow::Continue)
    }
}

/// `2 commands are queued; `step` processes the next, `run` all of them`.
fn waiting(pending: u64) -> String {
    format!("{} queued; `step` processes the next, `run` all of them", plural_commands(pending))
}

/// After a rewind or fork: the commands that were waiting at that position wait again.
fn queued_there(session: &Session, out: &mut impl Write) -> anyhow::Result<()> {
    let pending = session.pending()?;
    if pending > 0 {
        let count = usize::try_from(pending).unwrap_or(usize::MAX);
        writeln!(
            out,
            "{} waiting there and queued again; `step` processes the next, `run` all of them",
            report::trace::plural(count, "command was", "commands were")
        )?;
    }
    Ok(())
}

fn run_until_quiet(session: &mut Session, out: &mut impl Write) -> anyhow::Result<()> {
    let mut write_error = None;
    let end = session.run_until_quiet(UNBOUNDED, |trace| {
        if write_error.is_none()
            && let Err(error) = report::trace::step(out, trace)
        {
            write_error = Some(error);
        }
    })?;
    if let Some(error) = write_error {
        return Err(error.into());
    }
    if let Some(stopped) = end.stopped {
        bail!(stopped);
    }
    Ok(())
}

/// Record a command and its cascade as a scenario and append it to the
/// model file, which is re-read first so edits made meanwhile are kept.
fn save_scenario(session: &Session, model: &Path, name: &str, command_id: &str) -> anyhow::Result<String> {
    let scenario = session.record_scenario(name, command_id)?;
    let mut board = squall_model::load(model)?;
    if board.scenarios.iter().any(|s| s.name == name) {
        bail!("{} already has a scenario named \"{name}\"; pick another name", model.display());
    }
    let then = match &scenario.then {
        squall_model::Outcome::Events(events) | squall_model::Outcome::EventsInAnyOrder(events) => {
            report::trace::plural(events.len(), "event", "events")
        }
        squall_model::Outcome::Rejected(reason) => format!("rejected: {reason}"),
        squall_model::Outcome::ReadModel { name, key, .. } => format!("{name}[{key}]"),
        squall_model::Outcome::CommandRejected { name, .. } => format!("{name} rejected"),
        squall_model::Outcome::All(all) => report::trace::plural(all.len(), "expectation", "expectations"),
    };
    let summary = format!(
        "saved scenario \"{name}\" to {}: given {}, when {}, then {then}",
        model.display(),
        report::trace::plural(scenario.given.len(), "event", "events"),
        scenario.when.name
    );
    board.scenarios.push(scenario);
    squall_model::save(model, &board)?;
    Ok(summary)
}
