//! Where the run stands: branches, head, clock, queue, counts, constants,
//! and what keeps the board from running. Counts are kept between requests
//! and brought up to date from the rows added since, so a status after each
//! step costs a few index lookups however long the run.

use std::collections::BTreeMap;

use squall_model::Kind;
use squall_store::Store;

use super::answer::{BranchInfo, QueuedCommand, RunStatus, StickyCount};
use super::runner::{BoardRef, Engine, Open};
use crate::Error;

/// How many commands wait in the status's queue at most.
const QUEUE_SHOWN: usize = 100;

/// Counts of the current branch, as of its head and the command log's last seq.
#[derive(Debug, Default)]
pub(crate) struct Tally {
    known: Option<Known>,
}

#[derive(Debug)]
struct Known {
    branch: String,
    head: u64,
    last_seq: u64,
    events: BTreeMap<String, u64>,
    commands: u64,
    rejected: u64,
}

impl Tally {
    /// Count again from scratch at the next status: the branch changed, or
    /// a failed step may have left the counts behind.
    pub(crate) fn forget(&mut self) {
        self.known = None;
    }

    fn refresh(&mut self, store: &Store, branch: &str) -> Result<&Known, Error> {
        let head = store.head(branch)?;
        match &mut self.known {
            Some(known) if known.branch == branch && head >= known.head => {
                if head > known.head {
                    for (event_type, n) in store.event_type_counts(branch, known.head)? {
                        *known.events.entry(event_type).or_insert(0) += n;
                    }
                    known.head = head;
                }
                let (all, rejected, last) = store.commands_after(branch, known.last_seq)?;
                known.commands += all;
                known.rejected += rejected;
                known.last_seq = last;
            }
            _ => {
                let last_seq = store.last_command_seq()?;
                let (commands, rejected) = store.command_counts(branch)?;
                self.known = Some(Known {
                    branch: branch.to_owned(),
                    head,
                    last_seq,
                    events: store.event_type_counts(branch, 0)?,
                    commands,
                    rejected,
                });
            }
        }
        self.known.as_ref().ok_or_else(|| Error::CannotRun("the run's counts are missing".into()))
    }
}

/// Where the run of `open` stands.
pub(crate) fn of(open: &mut Open, at: &BoardRef<'_>) -> Result<RunStatus, Error> {
    let branch = open.branch.clone();
    let store = match &open.engine {
        Engine::Running(session) => session.store(),
        Engine::Stopped(store) => store,
    };
    let known = open.tally.refresh(store, &branch)?;
    let event_counts = known
        .events
        .iter()
        .filter_map(|(name, &count)| {
            let sticky = at.board.element_named(Kind::Event, name)?;
            Some(StickyCount { sticky: sticky.id.clone(), count: small(count) })
        })
        .collect();
    let (commands, rejected) = (small(known.commands), small(known.rejected));
    let branches = store
        .branches()?
        .into_iter()
        .map(|b| {
            Ok(BranchInfo {
                head: small(store.head(&b.name)?),
                name: b.name,
                parent: b.parent,
                fork_position: b.fork_position.map(small),
            })
        })
        .collect::<Result<Vec<_>, Error>>()?;
    let queue = store
        .pending_commands(&branch, QUEUE_SHOWN)?
        .into_iter()
        .take(QUEUE_SHOWN)
        .map(|queued| QueuedCommand {
            command_id: queued.command.id,
            name: queued.command.command_type,
            sticky: queued.command.metadata.sticky_id.map(squall_model::Id::new),
            data: queued.command.payload,
            actor: queued.command.metadata.actor,
            correlation_id: queued.command.metadata.correlation_id,
        })
        .collect();
    let now = match &open.engine {
        Engine::Running(session) => session.now(),
        Engine::Stopped(store) => last_time(store)?,
    };
    Ok(RunStatus {
        store: at.path.map(|_| store.location().to_owned()),
        head: small(store.head(&branch)?),
        pending: small(store.pending_count(&branch)?),
        branch,
        branches,
        now,
        queue,
        event_counts,
        commands,
        rejected,
        constants: open.constants.clone(),
        problem: open.problem.clone(),
    })
}

/// The clock of a run that cannot step: where its last step left it.
fn last_time(store: &Store) -> Result<String, Error> {
    let rows = store.query("SELECT max(recorded_at) FROM commands")?;
    Ok(rows
        .rows
        .first()
        .and_then(|row| row.first())
        .and_then(|value| value.as_str().map(str::to_owned))
        .unwrap_or_else(|| squall_sim::Clock::START.to_owned()))
}

/// Counts and positions as the UI takes them; no run reaches 4 billion.
pub(crate) fn small(n: u64) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}
