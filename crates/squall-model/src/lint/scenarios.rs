//! Scenarios refer to commands, events and read models by name; those names
//! must be on the board.

use super::{Code, Sink};
use crate::naming::{Naming, Unresolved};
use crate::{Board, Kind, Outcome};

pub(super) fn check(board: &Board, sink: &mut Sink) {
    if board.scenarios.is_empty() {
        return;
    }
    let naming = Naming::new(board);
    for scenario in &board.scenarios {
        let mut missing = Vec::new();
        let mut need = |kind: Kind, name: &str| match naming.resolve(kind, name) {
            Ok(_) => {}
            Err(Unresolved::Unknown { .. }) => {
                missing.push(format!(
                    "names {} `{name}`, which is not on the board",
                    kind.label().to_lowercase()
                ));
            }
            Err(ambiguous @ Unresolved::Ambiguous { .. }) => {
                missing.push(format!("is ambiguous: {ambiguous}"));
            }
        };
        for event in &scenario.given {
            need(Kind::Event, &event.name);
        }
        need(Kind::Command, &scenario.when.name);
        let mut outcomes = vec![&scenario.then];
        while let Some(outcome) = outcomes.pop() {
            match outcome {
                Outcome::Events(events) | Outcome::EventsInAnyOrder(events) => {
                    events.iter().for_each(|e| need(Kind::Event, &e.name));
                }
                Outcome::ReadModel { name, .. } => need(Kind::ReadModel, name),
                Outcome::CommandRejected { name, .. } => need(Kind::Command, name),
                Outcome::All(all) => outcomes.extend(all),
                Outcome::Rejected(_) => {}
            }
        }
        for what in missing {
            sink.diagnostics.push(super::Diagnostic {
                code: Code::ScenarioUnknownMessage,
                severity: Code::ScenarioUnknownMessage.severity(),
                message: format!("scenario `{}` {what}", scenario.name),
                elements: Vec::new(),
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::super::test_boards::board;
    use crate::Kind::*;
    use crate::lint::{Code, Options, lint};
    use crate::{Message, Outcome, Scenario};

    #[test]
    fn a_scenario_naming_a_missing_event_is_an_error() {
        let mut b = board(&[("c", Command, "Deposit")], &[]);
        b.scenarios.push(Scenario {
            name: "deposit".into(),
            description: None,
            given: vec![],
            when: Message::new("Deposit", json!({})),
            then: Outcome::Events(vec![Message::new("Deposited", json!({}))]),
        });
        let report = lint(&b, &Options::default());
        let d = report.diagnostics.iter().find(|d| d.code == Code::ScenarioUnknownMessage).unwrap();
        assert_eq!(d.message, "scenario `deposit` names event `Deposited`, which is not on the board");
    }

    /// Issue 11, item 1: a name two bounded contexts share must be qualified in a scenario.
    #[test]
    fn a_scenario_naming_a_shared_command_plainly_is_told_the_qualified_names() {
        let mut b = board(&[("c1", Command, "PlaceOrder"), ("c2", Command, "PlaceOrder")], &[]);
        for (id, name, member) in [("g1", "Sales", "c1"), ("g2", "Billing", "c2")] {
            b.groups.push(crate::Group {
                id: id.into(),
                kind: crate::GroupKind::BoundedContext,
                name: name.into(),
                description: None,
                position: crate::Point::default(),
                size: crate::Size { width: 100.0, height: 100.0 },
                colour: None,
                members: vec![member.into()],
            });
        }
        let scenario = |when: &str| Scenario {
            name: "order".into(),
            description: None,
            given: vec![],
            when: Message::new(when, json!({})),
            then: Outcome::Rejected("no".into()),
        };
        b.scenarios.push(scenario("PlaceOrder"));
        let messages: Vec<String> = lint(&b, &Options::default())
            .diagnostics
            .into_iter()
            .filter(|d| d.code == Code::ScenarioUnknownMessage)
            .map(|d| d.message)
            .collect();
        assert_eq!(
            messages,
            [
                "scenario `order` is ambiguous: 2 commands are called `PlaceOrder`; name one of them: Billing/PlaceOrder, Sales/PlaceOrder"
            ]
        );

        b.scenarios[0] = scenario("Billing/PlaceOrder");
        assert!(
            !lint(&b, &Options::default()).diagnostics.iter().any(|d| d.code == Code::ScenarioUnknownMessage)
        );
    }
}
