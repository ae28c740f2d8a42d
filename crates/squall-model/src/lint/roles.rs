//! Each sticky plays its part: commands are handled, events are emitted and
//! used, policies act, read models are fed, keys exist.

use petgraph::Direction::{Incoming, Outgoing};

use super::{Code, Options, Sink, quoted};
use crate::Element;
use crate::Kind::{self, Aggregate, Command, Event, ExternalSystem, Policy, ReadModel};
use crate::contract;
use crate::flow::Flow;
use crate::naming::Naming;

pub(super) fn check(flow: &Flow, options: &Options, sink: &mut Sink) {
    for (node, command) in flow.of_kind(&[Command]) {
        let handlers: Vec<_> = flow.neighbours(node, Outgoing, &[Aggregate, ExternalSystem]).collect();
        let mut aggregates: Vec<_> =
            handlers.iter().map(|&n| flow.element(n)).filter(|e| e.kind == Aggregate).collect();
        aggregates.sort_by(|a, b| a.id.cmp(&b.id));
        // An arrow drawn twice is `duplicate-connection`, not a second handler.
        aggregates.dedup_by_key(|a| &a.id);
        if handlers.is_empty() {
            sink.report(
                Code::UnhandledCommand,
                format!("command {} is handled by no aggregate or external system", quoted(command)),
                &[command],
            );
        } else if aggregates.len() > 1 {
            let names: Vec<String> = aggregates.iter().map(|a| quoted(a)).collect();
            let mut involved = vec![command];
            involved.extend(aggregates.iter().copied());
            sink.report(
                Code::CommandHandledTwice,
                format!(
                    "command {} is handled by {} aggregates ({}); a command targets exactly one",
                    quoted(command),
                    aggregates.len(),
                    names.join(", ")
                ),
                &involved,
            );
        }
    }

    for (node, event) in flow.of_kind(&[Event]) {
        if flow.neighbours(node, Incoming, &[Aggregate, ExternalSystem]).next().is_none() {
            sink.report(
                Code::UnemittedEvent,
                format!("event {} is emitted by no aggregate or external system", quoted(event)),
                &[event],
            );
        }
        if flow.neighbours(node, Outgoing, &[Policy, ReadModel, ExternalSystem]).next().is_none() {
            sink.report(
                Code::UnusedEvent,
                format!(
                    "event {} triggers no policy and feeds no read model or external system",
                    quoted(event)
                ),
                &[event],
            );
        }
    }

    for (node, policy) in flow.of_kind(&[Policy]) {
        if flow.neighbours(node, Outgoing, &[Command]).next().is_none() {
            sink.report(Code::IdlePolicy, format!("policy {} issues no command", quoted(policy)), &[policy]);
        }
    }

    for (node, read_model) in flow.of_kind(&[ReadModel]) {
        if flow.neighbours(node, Incoming, &[Event]).next().is_none() {
            sink.report(
                Code::UnfedReadModel,
                format!("read model {} is fed by no event", quoted(read_model)),
                &[read_model],
            );
        }
    }

    check_keys(flow, sink, Aggregate, Command, "id field", |_, _| false);
    // A read model whose script lists an event's documents itself needs no key field in it.
    let naming = Naming::new(flow.board);
    check_keys(flow, sink, ReadModel, Event, "key", |read_model, event| {
        lists_keys(options, &naming, read_model, event)
    });
}

/// Whether the read model's script defines `keys_<Event>` (`contract::keys`).
fn lists_keys(options: &Options, naming: &Naming, read_model: &Element, event: &Element) -> bool {
    let (Some(dir), Some(script)) = (&options.model_dir, &read_model.script) else { return false };
    let Ok(text) = std::fs::read_to_string(dir.join(script)) else { return false };
    let function = contract::keys(&naming.key(event));
    text.lines().any(|line| {
        let line = line.trim_start();
        let rest = line.strip_prefix("private ").unwrap_or(line);
        rest.strip_prefix("fn ").is_some_and(|rest| {
            rest.strip_prefix(function.as_str()).is_some_and(|after| after.trim_start().starts_with('('))
        })
    })
}

/// The key an aggregate or read model names must be a field of every
/// message it takes in, or the simulator cannot route that message.
fn check_keys(
    flow: &Flow,
    sink: &mut Sink,
    owner_kind: Kind,
    message_kind: Kind,
    what: &str,
    exempt: impl Fn(&Element, &Element) -> bool,
) {
    let message_kinds = [message_kind];
    for (node, owner) in flow.of_kind(&[owner_kind]) {
        let mut messages: Vec<_> =
            flow.neighbours(node, Incoming, &message_kinds).map(|n| flow.element(n)).collect();
        messages.sort_by(|a, b| a.id.cmp(&b.id));
        messages.dedup_by_key(|m| &m.id);
        // An aggregate without a key finds its instance by the command field `id` (the
        // simulator's default); a read model without one files everything under `all`.
        let key = match (&owner.key, owner_kind) {
            (Some(key), _) => key.as_str(),
            (None, Aggregate) => "id",
            (None, _) => continue,
        };
        for message in messages {
            if message.fields.iter().any(|f| f.name == key) || exempt(owner, message) {
                continue;
            }
            let message_text = if owner.key.is_some() {
                format!(
                    "{} {} has {what} `{key}`, but {} {} has no such field",
                    owner.kind.label().to_lowercase(),
                    quoted(owner),
                    message.kind.label().to_lowercase(),
                    quoted(message)
                )
            } else {
                format!(
                    "aggregate {} names no id field and command {} has no `id`; set `key` to the command field that carries the aggregate's id",
                    quoted(owner),
                    quoted(message)
                )
            };
            sink.report(Code::UnknownKeyField, message_text, &[owner, message]);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_boards::{board, codes_of};
    use crate::Kind::*;
    use crate::lint::Code;
    use crate::{Field, FieldType};

    #[test]
    fn given_a_lonely_command_then_it_is_unhandled() {
        let b = board(&[("c", Command, "Open")], &[]);
        assert_eq!(codes_of(&b)[&Code::UnhandledCommand], vec!["c"]);
    }

    #[test]
    fn given_a_command_into_two_aggregates_then_both_are_named() {
        let b = board(
            &[("c", Command, "Open"), ("a1", Aggregate, "Account"), ("a2", Aggregate, "Ledger")],
            &[("c", "a1"), ("c", "a2")],
        );
        assert_eq!(codes_of(&b)[&Code::CommandHandledTwice], vec!["c,a1,a2"]);
    }

    #[test]
    fn a_command_sent_to_an_external_system_is_handled() {
        let b = board(&[("c", Command, "SendEmail"), ("x", ExternalSystem, "Mailer")], &[("c", "x")]);
        assert!(!codes_of(&b).contains_key(&Code::UnhandledCommand));
    }

    #[test]
    fn events_policies_and_read_models_need_their_arrows() {
        let b = board(&[("e", Event, "Opened"), ("p", Policy, "Greet"), ("r", ReadModel, "Overview")], &[]);
        let codes = codes_of(&b);
        assert_eq!(codes[&Code::UnemittedEvent], vec!["e"]);
        assert_eq!(codes[&Code::UnusedEvent], vec!["e"]);
        assert_eq!(codes[&Code::IdlePolicy], vec!["p"]);
        assert_eq!(codes[&Code::UnfedReadModel], vec!["r"]);
    }

    #[test]
    fn an_arrow_drawn_twice_is_one_handler_and_one_missing_key() {
        let mut b = board(&[("c", Command, "Open"), ("a", Aggregate, "Account")], &[("c", "a"), ("c", "a")]);
        b.elements[1].key = Some("account_id".into());
        let codes = codes_of(&b);
        assert!(!codes.contains_key(&Code::CommandHandledTwice), "{codes:?}");
        assert_eq!(codes[&Code::UnknownKeyField], vec!["a,c"]);
        assert_eq!(codes[&Code::DuplicateConnection], vec!["c,a"]);
    }

    /// Issue 11, item 6: the simulator refuses every command whose event a read model cannot
    /// file, so a key the events lack is an error, not a warning.
    #[test]
    fn a_read_model_key_missing_from_an_event_it_projects_is_an_error() {
        let mut b = board(&[("e", Event, "Opened"), ("r", ReadModel, "Overview")], &[("e", "r")]);
        b.elements[1].key = Some("account_id".into());
        let report = crate::lint::lint(&b, &crate::lint::Options::default());
        let found = report.diagnostics.iter().find(|d| d.code == Code::UnknownKeyField).unwrap();
        assert_eq!(found.severity, crate::lint::Severity::Error);
        assert_eq!(
            found.message,
            "read model `Overview` has key `account_id`, but event `Opened` has no such field"
        );
    }

    /// An aggregate without a key finds its instance by the command field `id`; only commands
    /// without one cannot be routed.
    #[test]
    fn an_aggregate_without_a_key_needs_an_id_field_in_its_commands() {
        let mut b = board(&[("c", Command, "Open"), ("a", Aggregate, "Account")], &[("c", "a")]);
        assert_eq!(codes_of(&b)[&Code::UnknownKeyField], vec!["a,c"]);
        b.elements[0].fields.push(Field { name: "id".into(), ty: FieldType::Id });
        assert!(!codes_of(&b).contains_key(&Code::UnknownKeyField));
    }

    #[test]
    fn an_aggregate_key_must_be_a_field_of_its_commands() {
        let mut b = board(&[("c", Command, "Open"), ("a", Aggregate, "Account")], &[("c", "a")]);
        b.elements[1].key = Some("account_id".into());
        assert_eq!(codes_of(&b)[&Code::UnknownKeyField], vec!["a,c"]);
        b.elements[0].fields.push(Field { name: "account_id".into(), ty: FieldType::Id });
        assert!(!codes_of(&b).contains_key(&Code::UnknownKeyField));
    }

    /// Issue 11, item 5: a read model that lists an event's documents with `keys_<Event>`
    /// keys them by any field; its own key need not be in that event.
    #[test]
    fn a_read_model_listing_an_event_s_keys_needs_no_key_field_in_it() {
        let dir = tempfile::tempdir().unwrap();
        let mut b = board(&[("e", Event, "Money transferred"), ("r", ReadModel, "Balances")], &[("e", "r")]);
        b.elements[1].key = Some("account_id".into());
        let options = crate::lint::Options { model_dir: Some(dir.path().to_owned()) };
        let codes = |b: &crate::Board| -> Vec<Code> {
            crate::lint::lint(b, &options).diagnostics.iter().map(|d| d.code).collect()
        };
        std::fs::write(dir.path().join("r.rhai"), "fn project_MoneyTransferred(doc, e) { doc }\n").unwrap();
        assert!(codes(&b).contains(&Code::UnknownKeyField));

        std::fs::write(
            dir.path().join("r.rhai"),
            "fn keys_MoneyTransferred(e) { [e.from, e.to] }\nfn project_MoneyTransferred(doc, e, key) { doc }\n",
        )
        .unwrap();
        assert!(!codes(&b).contains(&Code::UnknownKeyField), "{:?}", codes(&b));
    }
}
