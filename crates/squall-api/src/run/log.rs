//! The event log: pages of events with the chain of messages that caused
//! each, and the steps of one cascade. Event ids are `<command id>.<n>`; a
//! command a policy issued has the event it reacted to as its causation id
//! and `policy:<sticky id>` as its actor, so a chain is walked back from an
//! event to the user's command through the command log.

use std::collections::HashMap;

use squall_model::{Board, Id, Kind};
use squall_store::{LoggedCommand, RecordedEvent, Store};

use super::answer::{CascadeEvent, CascadeStep, ChainLink, EventPage, LoggedEvent};
use super::request::EventFilter;
use super::runner::Open;
use super::status::small;
use crate::Error;

/// How many events a page holds at most, whatever the request says.
const MAX_PAGE: u32 = 1_000;
/// A chain longer than this is cut: a cascade is stopped long before.
const MAX_CHAIN: usize = 200;

/// A page of the current branch's events, each with its chain.
pub(crate) fn page(
    open: &Open,
    board: &Board,
    filter: &EventFilter,
    offset: u32,
    limit: u32,
) -> Result<EventPage, Error> {
    let store = open.store();
    let wanted = squall_store::EventFilter {
        stream: filter.stream.clone(),
        event_type: filter.event_type.clone(),
        correlation_id: filter.correlation_id.clone(),
        up_to: filter.up_to.map(u64::from),
    };
    let page = store.event_page(&open.branch, &wanted, u64::from(offset), u64::from(limit.min(MAX_PAGE)))?;
    let mut chains = Chains { store, branch: &open.branch, board, commands: HashMap::new() };
    let events = page
        .events
        .into_iter()
        .map(|event| {
            let chain = chains.of(&event)?;
            Ok(LoggedEvent {
                position: small(event.position),
                sticky: event_sticky(board, &event.event_type),
                event_id: event.metadata.event_id,
                stream_id: event.stream_id,
                stream_version: small(event.stream_version),
                name: event.event_type,
                data: event.payload,
                recorded_at: event.recorded_at,
                correlation_id: event.metadata.correlation_id,
                chain,
            })
        })
        .collect::<Result<_, Error>>()?;
    Ok(EventPage { total: small(page.total), offset, events })
}

/// Every processed command of one cascade, in order, with its events.
pub(crate) fn cascade(open: &Open, board: &Board, correlation_id: &str) -> Result<Vec<CascadeStep>, Error> {
    let store = open.store();
    let commands = store.cascade_commands(&open.branch, correlation_id)?;
    let filter =
        squall_store::EventFilter { correlation_id: Some(correlation_id.to_owned()), ..Default::default() };
    let events = store.event_page(&open.branch, &filter, 0, u64::MAX)?.events;
    let by_id: HashMap<&str, &RecordedEvent> =
        events.iter().map(|e| (e.metadata.event_id.as_str(), e)).collect();
    Ok(commands
        .into_iter()
        .map(|logged| {
            let sticky = logged.command.metadata.sticky_id.as_deref().map(Id::from);
            let issued_by = policy_of(&logged);
            let caused_by_event = logged
                .command
                .metadata
                .causation_id
                .as_deref()
                .and_then(|cause| by_id.get(cause))
                .map(|event| small(event.position));
            let rejected = match &logged.outcome {
                squall_store::Outcome::Rejected { reason } => Some(reason.clone()),
                squall_store::Outcome::Accepted => None,
            };
            let mine: Vec<&RecordedEvent> =
                events.iter().filter(|e| e.metadata.command_id == logged.command.id).collect();
            let handled_by = mine
                .first()
                .and_then(|e| e.metadata.sticky_id.as_deref().map(Id::from))
                .or_else(|| sticky.as_ref().and_then(|s| handler_of(board, s)));
            CascadeStep {
                command_id: logged.command.id.clone(),
                name: logged.command.command_type.clone(),
                sticky,
                handled_by,
                issued_by,
                caused_by_event,
                rejected,
                events: mine
                    .into_iter()
                    .map(|e| CascadeEvent {
                        position: small(e.position),
                        name: e.event_type.clone(),
                        sticky: event_sticky(board, &e.event_type),
                    })
                    .collect(),
            }
        })
        .collect())
}

/// Walks chains back through the command log, remembering the commands
/// it met: the events of one page mostly share them.
struct Chains<'a> {
    store: &'a Store,
    branch: &'a str,
    board: &'a Board,
    commands: HashMap<String, Option<LoggedCommand>>,
}

impl Chains<'_> {
    fn command(&mut self, id: &str) -> Result<Option<LoggedCommand>, Error> {
        if let Some(found) = self.commands.get(id) {
            return Ok(found.clone());
        }
        let found = self.store.find_command(self.branch, id)?;
        self.commands.insert(id.to_owned(), found.clone());
        Ok(found)
    }

    /// From the user's command down to the command whose step appended `event`.
    fn of(&mut self, event: &RecordedEvent) -> Result<Vec<ChainLink>, Error> {
        let mut links = Vec::new();
        let mut command_id = event.metadata.command_id.clone();
        let mut handled_by = event.metadata.sticky_id.as_deref().map(Id::from);
        while links.len() < MAX_CHAIN {
            let Some(logged) = self.command(&command_id)? else { break };
            let metadata = &logged.command.metadata;
            links.push(ChainLink::Command {
                command_id: logged.command.id.clone(),
                name: logged.command.command_type.clone(),
                sticky: metadata.sticky_id.as_deref().map(Id::from),
                handled_by: handled_by.take(),
                actor: metadata.actor.clone(),
            });
            let (Some(policy), Some(cause)) = (policy_of(&logged), metadata.causation_id.as_deref()) else {
                break;
            };
            let name =
                self.board.element(policy.as_str()).map_or_else(|| policy.to_string(), |e| e.name.clone());
            links.push(ChainLink::Policy { sticky: policy, name });
            // `<command id>.<n>`: the n-th event of that command's step.
            let Some((cause_command, n)) = cause.rsplit_once('.') else { break };
            let Ok(n) = n.parse::<u64>() else { break };
            let Some(first) = self.command(cause_command)?.and_then(|c| c.positions).map(|(first, _)| first)
            else {
                break;
            };
            let Some(cause_event) = self.store.event_at(self.branch, first + n - 1)? else { break };
            links.push(ChainLink::Event {
                position: small(cause_event.position),
                sticky: event_sticky(self.board, &cause_event.event_type),
                name: cause_event.event_type,
            });
            handled_by = cause_event.metadata.sticky_id.as_deref().map(Id::from);
            command_id = cause_command.to_owned();
        }
        links.reverse();
        Ok(links)
    }
}

/// The policy that issued a command, from its actor `policy:<sticky id>`.
fn policy_of(logged: &LoggedCommand) -> Option<Id> {
    logged.command.metadata.actor.as_deref()?.strip_prefix("policy:").map(Id::from)
}

fn event_sticky(board: &Board, name: &str) -> Option<Id> {
    board.element_named(Kind::Event, name).map(|e| e.id.clone())
}

/// The aggregate or external system a command sticky has its arrow to.
fn handler_of(board: &Board, command: &Id) -> Option<Id> {
    board
        .connections
        .iter()
        .filter(|c| &c.from == command)
        .filter_map(|c| board.element(c.to.as_str()))
        .find(|e| matches!(e.kind, Kind::Aggregate | Kind::ExternalSystem))
        .map(|e| e.id.clone())
}
