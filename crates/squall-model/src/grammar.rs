//! The flow grammar of event storming: which sticky may point at which.
//!
//! Defined once, here, as data. The lint, the simulator and the board UI all
//! ask this module; nothing else spells the rules out again.

use serde::Serialize;

use crate::kind::Kind;

/// One arrow the grammar allows, and how it reads aloud.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Rule {
    pub from: Kind,
    pub to: Kind,
    /// The arrow read as a sentence: "Actor issues Command".
    pub reads: &'static str,
    /// Whether the simulator follows this arrow on its own (as opposed to a
    /// person deciding, like an actor reading a read model).
    pub automatic: bool,
}

const fn rule(from: Kind, reads: &'static str, to: Kind, automatic: bool) -> Rule {
    Rule { from, to, reads, automatic }
}

/// Every arrow between flow stickies that the grammar allows.
pub const RULES: &[Rule] = &[
    rule(Kind::Actor, "issues", Kind::Command, false),
    rule(Kind::ReadModel, "informs", Kind::Actor, false),
    rule(Kind::Command, "is handled by", Kind::Aggregate, true),
    rule(Kind::Command, "is sent to", Kind::ExternalSystem, true),
    rule(Kind::Aggregate, "emits", Kind::Event, true),
    rule(Kind::ExternalSystem, "emits", Kind::Event, true),
    rule(Kind::Event, "triggers", Kind::Policy, true),
    rule(Kind::Event, "is projected into", Kind::ReadModel, true),
    rule(Kind::Event, "is sent to", Kind::ExternalSystem, true),
    rule(Kind::Policy, "issues", Kind::Command, true),
    // An automation reading its todo list (event modelling): the policy may
    // read the read model's documents. Reading sets nothing off, so the
    // simulator does not follow it and it closes no policy cycle.
    rule(Kind::ReadModel, "is read by", Kind::Policy, false),
];

/// What the grammar says about an arrow from one kind to another.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(tag = "verdict", rename_all = "snake_case")]
pub enum Verdict {
    /// A flow arrow.
    Flow { rule: Rule },
    /// A hotspot or note attached to something; not part of the flow.
    Annotation,
    /// Not allowed, with the reason in words a workshop understands.
    Forbidden { reason: String },
}

impl Verdict {
    pub fn is_allowed(&self) -> bool {
        !matches!(self, Verdict::Forbidden { .. })
    }
}

/// Judge an arrow from a `from` sticky to a `to` sticky.
pub fn judge(from: Kind, to: Kind) -> Verdict {
    if from.is_annotation() || to.is_annotation() {
        return Verdict::Annotation;
    }
    if let Some(rule) = flow_rule(from, to) {
        return Verdict::Flow { rule: *rule };
    }
    Verdict::Forbidden { reason: refusal(from, to) }
}

/// The rule for a flow arrow, if the grammar has one.
pub fn flow_rule(from: Kind, to: Kind) -> Option<&'static Rule> {
    RULES.iter().find(|r| r.from == from && r.to == to)
}

/// The kinds a `from` sticky may point at, annotations aside.
pub fn targets(from: Kind) -> impl Iterator<Item = Kind> {
    RULES.iter().filter(move |r| r.from == from).map(|r| r.to)
}

fn refusal(from: Kind, to: Kind) -> String {
    use Kind::*;
    let hint = match (from, to) {
        (Event, Command) => "an event cannot trigger a command directly; put a policy between them",
        (Command, Event) => {
            "a command does not turn into an event by itself; an aggregate or external system decides which events follow"
        }
        (Actor, Aggregate | Event | Policy | ExternalSystem) => {
            "an actor acts through a command; put a command between them"
        }
        (Command, Command) => {
            "a command cannot issue another command; let an aggregate emit an event and a policy react to it"
        }
        (Aggregate, Command) => {
            "an aggregate does not issue commands; it emits events, and a policy may react with a command"
        }
        (Aggregate, Aggregate) => {
            "aggregates do not call each other; connect them through an event, a policy and a command"
        }
        (Event, Aggregate) => {
            "an event does not go into an aggregate; a policy can react to it with a command for that aggregate"
        }
        (Event, Event) => {
            "one event does not cause another directly; put a policy and a command between them"
        }
        (Policy, Event | Aggregate | ExternalSystem | Policy) => {
            "a policy reacts by issuing a command; point it at a command"
        }
        (ReadModel, Command | Aggregate) => {
            "a read model informs an actor, who then decides on a command, or is read by a policy"
        }
        _ => "",
    };
    if !hint.is_empty() {
        return hint.to_owned();
    }
    if let Some(reverse) = flow_rule(to, from) {
        return format!(
            "the arrow points the wrong way: {} {} {}; draw it from the {} to the {}",
            reverse.from.with_article(),
            reverse.reads,
            to_lower(reverse.to),
            to_lower(reverse.from),
            to_lower(reverse.to),
        );
    }
    let allowed: Vec<String> = targets(from).map(to_lower).collect();
    let options =
        if allowed.is_empty() { "nothing but hotspots and notes".to_owned() } else { allowed.join(", ") };
    format!("{} cannot point at {}; it may point at: {options}", from.with_article(), to.with_article())
}

fn to_lower(kind: Kind) -> String {
    kind.label().to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_issue_s_grammar_is_allowed() {
        use Kind::*;
        let allowed = [
            (Actor, Command),
            (ReadModel, Actor),
            (Command, Aggregate),
            (Command, ExternalSystem),
            (Aggregate, Event),
            (ExternalSystem, Event),
            (Event, Policy),
            (Event, ReadModel),
            (Event, ExternalSystem),
            (Policy, Command),
            (ReadModel, Policy),
        ];
        for from in Kind::ALL {
            for to in Kind::ALL {
                let verdict = judge(from, to);
                let expected = allowed.contains(&(from, to)) || from.is_annotation() || to.is_annotation();
                assert_eq!(verdict.is_allowed(), expected, "{from:?} -> {to:?}: {verdict:?}");
            }
        }
    }

    #[test]
    fn an_event_to_a_command_asks_for_a_policy() {
        let Verdict::Forbidden { reason } = judge(Kind::Event, Kind::Command) else {
            panic!("event -> command must be forbidden");
        };
        assert!(reason.contains("put a policy between them"), "{reason}");
    }

    #[test]
    fn a_reversed_arrow_is_called_reversed() {
        let Verdict::Forbidden { reason } = judge(Kind::Actor, Kind::ReadModel) else {
            panic!("actor -> read model must be forbidden");
        };
        assert_eq!(
            reason,
            "the arrow points the wrong way: a read model informs actor; draw it from the read model to the actor"
        );
    }

    #[test]
    fn every_forbidden_arrow_has_a_reason() {
        for from in Kind::ALL {
            for to in Kind::ALL {
                if let Verdict::Forbidden { reason } = judge(from, to) {
                    assert!(reason.len() > 20, "{from:?} -> {to:?}");
                }
            }
        }
    }
}
