//! Arrows the grammar forbids, and arrows drawn in a way that means nothing.

use std::collections::HashSet;

use super::{Code, Sink, quoted};
use crate::flow::Flow;
use crate::grammar::{self, Verdict};

pub(super) fn check(flow: &Flow, sink: &mut Sink) {
    let mut seen = HashSet::new();
    for connection in &flow.board.connections {
        let (Some(from), Some(to)) = (flow.node(connection.from.as_str()), flow.node(connection.to.as_str()))
        else {
            continue;
        };
        let (from, to) = (flow.element(from), flow.element(to));
        if from.id == to.id {
            sink.report(Code::SelfConnection, format!("{} points at itself", from.describe()), &[from]);
            continue;
        }
        if !seen.insert((&connection.from, &connection.to)) {
            sink.report(
                Code::DuplicateConnection,
                format!("the arrow {} → {} is drawn more than once", quoted(from), quoted(to)),
                &[from, to],
            );
            continue;
        }
        if let Verdict::Forbidden { reason } = grammar::judge(from.kind, to.kind) {
            sink.report(
                Code::ForbiddenConnection,
                format!(
                    "{} ({}) → {} ({}): {reason}",
                    quoted(from),
                    from.kind.label().to_lowercase(),
                    quoted(to),
                    to.kind.label().to_lowercase()
                ),
                &[from, to],
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_boards::{board, codes_of};
    use crate::Kind::*;
    use crate::lint::Code;

    #[test]
    fn an_event_pointing_at_a_command_is_forbidden_naming_both_kinds() {
        let b = board(&[("e", Event, "MoneyDeposited"), ("c", Command, "SendEmail")], &[("e", "c")]);
        let report = crate::lint::lint(&b, &Default::default());
        let d = report.diagnostics.iter().find(|d| d.code == Code::ForbiddenConnection).unwrap();
        assert_eq!(d.elements, vec!["e".into(), "c".into()]);
        assert!(d.message.contains("(event)") && d.message.contains("(command)"), "{}", d.message);
        assert!(d.message.contains("put a policy between them"));
    }

    #[test]
    fn notes_attach_to_anything() {
        let b = board(&[("n", Note, "why?"), ("c", Command, "Open")], &[("n", "c"), ("c", "n")]);
        assert!(!codes_of(&b).contains_key(&Code::ForbiddenConnection));
    }

    #[test]
    fn twice_drawn_and_self_arrows_are_reported() {
        let b = board(
            &[("a", Actor, "Owner"), ("c", Command, "Open"), ("n", Note, "x")],
            &[("a", "c"), ("a", "c"), ("n", "n")],
        );
        let codes = codes_of(&b);
        assert_eq!(codes[&Code::DuplicateConnection], vec!["a,c"]);
        assert_eq!(codes[&Code::SelfConnection], vec!["n"]);
    }
}
