//! The cascade guard's words: which command started a runaway cascade, and the loop of the
//! board it went round, read back from the store along the commands' causation.

use squall_model::lint::{self, Code};

use super::Session;

/// One command of a cascade and, when a policy issued it, how: the handler of the command
/// before, the event it emitted, the policy that reacted.
struct Link {
    command: String,
    issued: Option<Hop>,
}

struct Hop {
    handler: String,
    event: String,
    policy: String,
}

impl Session {
    /// `cascade stopped after 100 steps started by command c2 (DepositMoney): it went round
    /// DepositMoney → BankAccount → MoneyDeposited → CEO bonus → DepositMoney; …`, where c2 is
    /// the cascade's first command (its correlation id) and `last` the command whose step hit
    /// the limit.
    pub(super) fn runaway_message(&self, steps: usize, correlation_id: &str, last: &str) -> String {
        let started = match self.store.find_command(&self.branch, correlation_id) {
            Ok(Some(logged)) => format!("{correlation_id} ({})", logged.command.command_type),
            _ => correlation_id.to_owned(),
        };
        let why = match self.loop_taken(last, steps) {
            Some(path) => format!(
                "it went round {}; a policy on that loop keeps issuing commands unless it stops itself",
                path.join(" → ")
            ),
            None => self.board_cycles(),
        };
        format!("cascade stopped after {steps} steps started by command {started}: {why}")
    }

    /// The names along the last loop the cascade went round, from a command back to the same
    /// command; `None` when the chain cannot be read back or repeats no command.
    fn loop_taken(&self, last: &str, steps: usize) -> Option<Vec<String>> {
        let chain = self.chain_to(last, steps)?;
        let (from, to) = (1..chain.len())
            .rev()
            .find_map(|j| (0..j).rev().find(|&i| chain[i].command == chain[j].command).map(|i| (i, j)))?;
        let mut path = Vec::new();
        for (k, link) in chain[from..=to].iter().enumerate() {
            if k > 0 {
                let hop = link.issued.as_ref()?;
                path.extend([hop.handler.clone(), hop.event.clone(), hop.policy.clone()]);
            }
            path.push(link.command.clone());
        }
        Some(path)
    }

    /// The cascade's commands from its first to `last`, following each command's causation
    /// back through the event a policy reacted to; at most `steps` of them.
    fn chain_to(&self, last: &str, steps: usize) -> Option<Vec<Link>> {
        let name_of = |id: &str| {
            self.model
                .elements
                .iter()
                .find(|e| e.id.as_str() == id)
                .map_or_else(|| id.to_owned(), |e| e.name.clone())
        };
        let mut chain = Vec::new();
        let mut id = last.to_owned();
        for _ in 0..steps {
            let command = self.store.find_command(&self.branch, &id).ok()??.command;
            let Some(cause) = &command.metadata.causation_id else {
                chain.push(Link { command: command.command_type, issued: None });
                break;
            };
            let position = self
                .store
                .event_position(&self.branch, &command.metadata.correlation_id, cause, None)
                .ok()??;
            let event = self.store.event_at(&self.branch, position).ok()??;
            let policy = command.metadata.actor.as_deref().and_then(|a| a.strip_prefix("policy:"));
            let hop = Hop {
                handler: event.metadata.sticky_id.as_deref().map(name_of).unwrap_or_default(),
                event: event.event_type,
                policy: policy.map(name_of).unwrap_or_default(),
            };
            chain.push(Link { command: command.command_type, issued: Some(hop) });
            id = event.metadata.command_id;
        }
        chain.reverse();
        Some(chain)
    }

    /// The board's policy cycles as the lint names them, when the cascade's own loop is unknown.
    fn board_cycles(&self) -> String {
        let report = lint::lint(&self.model.board, &lint::Options::default());
        let cycles: Vec<String> = report
            .diagnostics
            .into_iter()
            .chain(report.allowed.into_iter().map(|a| a.diagnostic))
            .filter(|d| d.code == Code::PolicyCycle)
            .map(|d| d.message)
            .collect();
        if cycles.is_empty() { "a policy keeps issuing commands".to_owned() } else { cycles.join("; ") }
    }
}
