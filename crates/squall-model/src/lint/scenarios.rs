//! Scenarios refer to commands, events and read models by name; those names
//! must be on the board.

use super::{Code, Sink};
use crate::{Board, Kind, Outcome};

pub(super) fn check(board: &Board, sink: &mut Sink) {
    for scenario in &board.scenarios {
        let mut missing = Vec::new();
        let mut need = |kind: Kind, name: &str| {
            if board.element_named(kind, name).is_none() {
                missing.push(format!("{} `{name}`", kind.label().to_lowercase()));
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
                message: format!("scenario `{}` names {what}, which is not on the board", scenario.name),
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
}
