//! Names: unique within a bounded context, and in the conventional grammar —
//! events in the past tense, commands in the imperative.

use std::collections::HashMap;

use super::{Code, Sink, quoted};
use crate::Kind;
use crate::board::{Board, Element};
use crate::naming::{Naming, same_name};

pub(super) fn check(board: &Board, sink: &mut Sink) {
    check_duplicates(board, sink);
    for element in &board.elements {
        if element.name.trim().is_empty() && element.kind != Kind::Note {
            sink.report(
                Code::EmptyName,
                format!("{} ({}) has no name", element.kind.with_article(), element.id),
                &[element],
            );
            continue;
        }
        let words = words(&element.name);
        match element.kind {
            Kind::Event if !words.iter().any(|w| is_past(w)) => sink.report(
                Code::EventNameTense,
                format!("event {} is not in the past tense; events record what happened, e.g. `MoneyDeposited`", quoted(element)),
                &[element],
            ),
            Kind::Command if !is_imperative(&words) => sink.report(
                Code::CommandNameMood,
                format!("command {} does not read as an imperative; commands ask for something, e.g. `DepositMoney`", quoted(element)),
                &[element],
            ),
            _ => {}
        }
    }
}

/// Kinds whose duplicates are ambiguous. Actors, hotspots and notes are
/// routinely repeated along a timeline, so they may share names.
const UNIQUE_KINDS: [Kind; 6] =
    [Kind::Command, Kind::Aggregate, Kind::Event, Kind::Policy, Kind::ReadModel, Kind::ExternalSystem];

fn check_duplicates(board: &Board, sink: &mut Sink) {
    // Elements outside every bounded context share the board's own context.
    let naming = Naming::new(board);
    let mut seen: HashMap<(Option<&str>, Kind, String), Vec<&Element>> = HashMap::new();
    let mut contexts: HashMap<(Kind, String), Vec<&Element>> = HashMap::new();
    for element in board.elements.iter().filter(|e| UNIQUE_KINDS.contains(&e.kind)) {
        let name = same_name(&element.name);
        if name.is_empty() {
            continue;
        }
        seen.entry((naming.context(element), element.kind, name.clone())).or_default().push(element);
        if NAMED_BY_PEOPLE.contains(&element.kind) {
            contexts.entry((element.kind, name)).or_default().push(element);
        }
    }
    let mut duplicates: Vec<_> = seen.into_iter().filter(|(_, elements)| elements.len() > 1).collect();
    duplicates.sort_by(|a, b| a.1[0].id.cmp(&b.1[0].id));
    for ((context, kind, _), elements) in duplicates {
        let ids: Vec<&str> = elements.iter().map(|e| e.id.as_str()).collect();
        let place = context.map_or_else(
            || "outside any bounded context".to_owned(),
            |c| format!("in bounded context `{c}`"),
        );
        sink.report(
            Code::DuplicateName,
            format!(
                "{} {}s are named {} {place} ({}); rename one, or move it to another bounded context",
                elements.len(),
                kind.label().to_lowercase(),
                quoted(elements[0]),
                ids.join(", ")
            ),
            &elements,
        );
    }
    let mut shared: Vec<_> = contexts
        .into_values()
        .filter(|elements| {
            let mut places: Vec<Option<&str>> = elements.iter().map(|e| naming.context(e)).collect();
            places.sort_unstable();
            places.dedup();
            places.len() > 1
        })
        .collect();
    shared.sort_by(|a, b| a[0].id.cmp(&b[0].id));
    for elements in shared {
        let mut qualified: Vec<String> =
            elements.iter().map(|e| format!("`{}`", naming.qualified(e))).collect();
        qualified.sort();
        qualified.dedup();
        sink.report(
            Code::SharedName,
            format!(
                "{} {} is in several bounded contexts: inputs, scenarios and scripts must name it {}",
                elements[0].kind.label().to_lowercase(),
                quoted(elements[0]),
                qualified.join(" or ")
            ),
            &elements,
        );
    }
}

/// The kinds people name in inputs, scenarios and scripts.
const NAMED_BY_PEOPLE: [Kind; 3] = [Kind::Command, Kind::Event, Kind::ReadModel];

/// "MoneyDeposited" → money, deposited; "Send thank-you email" → send, thank, you, email.
fn words(name: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut current = String::new();
    let mut previous_lower = false;
    for c in name.chars() {
        if !c.is_alphanumeric() {
            previous_lower = false;
            if !current.is_empty() {
                words.push(std::mem::take(&mut current));
            }
            continue;
        }
        if c.is_uppercase() && previous_lower && !current.is_empty() {
            words.push(std::mem::take(&mut current));
        }
        previous_lower = c.is_lowercase() || c.is_ascii_digit();
        current.extend(c.to_lowercase());
    }
    if !current.is_empty() {
        words.push(current);
    }
    words
}

/// Irregular past forms that differ from the verb's base form.
const IRREGULAR_PAST: &[&str] = &[
    "begun",
    "bought",
    "bound",
    "broken",
    "brought",
    "built",
    "caught",
    "chosen",
    "dealt",
    "done",
    "drawn",
    "eaten",
    "fallen",
    "felt",
    "fought",
    "found",
    "forgotten",
    "frozen",
    "given",
    "gone",
    "got",
    "gotten",
    "grown",
    "heard",
    "held",
    "hidden",
    "hung",
    "kept",
    "known",
    "laid",
    "led",
    "left",
    "lent",
    "lost",
    "made",
    "meant",
    "met",
    "overdrawn",
    "paid",
    "rebuilt",
    "resent",
    "risen",
    "said",
    "seen",
    "sent",
    "shown",
    "sold",
    "spent",
    "spoken",
    "stolen",
    "stood",
    "struck",
    "stuck",
    "taken",
    "taught",
    "thought",
    "thrown",
    "told",
    "torn",
    "understood",
    "undone",
    "upheld",
    "withdrawn",
    "withheld",
    "won",
    "worn",
    "written",
    "woken",
];

/// Verbs whose past form equals the base form: past for an event, but an
/// imperative in a command ("ResetPassword").
const SAME_IN_PAST: &[&str] = &[
    "bet", "bid", "burst", "cast", "cost", "cut", "forecast", "hit", "hurt", "let", "put", "quit", "read",
    "reset", "run", "set", "shed", "shut", "split", "spread", "upset",
];

/// Words ending in -ed that are not past forms.
const NOT_PAST: &[&str] = &[
    "bed", "bleed", "breed", "embed", "exceed", "feed", "need", "proceed", "red", "seed", "speed", "succeed",
    "shred", "weed",
];

fn is_past(word: &str) -> bool {
    (word.len() > 3 && word.ends_with("ed") && !NOT_PAST.contains(&word))
        || IRREGULAR_PAST.contains(&word)
        || SAME_IN_PAST.contains(&word)
}

/// A command is an imperative when no word is plainly past and it does not
/// start with a gerund ("OpeningAccount").
fn is_imperative(words: &[String]) -> bool {
    let plainly_past = |w: &String| is_past(w) && !SAME_IN_PAST.contains(&w.as_str());
    let gerund = words.first().is_some_and(|w| w.len() > 5 && w.ends_with("ing"));
    !words.iter().any(plainly_past) && !gerund
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::test_boards::{board, codes_of};
    use crate::{Group, GroupKind, Kind::*, Point, Size};

    #[test]
    fn names_split_into_words() {
        assert_eq!(words("MoneyDeposited"), ["money", "deposited"]);
        assert_eq!(words("Send thank-you email"), ["send", "thank", "you", "email"]);
        assert_eq!(words("HTTPRequestSent"), ["httprequest", "sent"]);
    }

    #[test]
    fn event_names_in_the_past_tense_pass() {
        for name in ["AccountOpened", "MoneyWithdrawn", "ThankYouEmailSent", "Password reset", "OwnerChanged"]
        {
            assert!(words(name).iter().any(|w| is_past(w)), "{name}");
        }
        for name in ["OpenAccount", "Deposit", "Feed"] {
            assert!(!words(name).iter().any(|w| is_past(w)), "{name}");
        }
    }

    #[test]
    fn command_names_in_the_imperative_pass() {
        for name in ["OpenAccount", "DepositMoney", "ResetPassword", "Send thank-you email", "ChangeOwner"] {
            assert!(is_imperative(&words(name)), "{name}");
        }
        for name in ["AccountOpened", "MoneyWithdrawn", "OpeningAccount"] {
            assert!(!is_imperative(&words(name)), "{name}");
        }
    }

    #[test]
    fn duplicates_count_within_a_context_only() {
        let mut b = board(
            &[
                ("e1", Event, "Opened"),
                ("e2", Event, "opened"),
                ("e3", Event, "Opened"),
                ("u1", Actor, "Owner"),
                ("u2", Actor, "Owner"),
            ],
            &[],
        );
        b.groups.push(Group {
            id: "ctx".into(),
            kind: GroupKind::BoundedContext,
            name: "Banking".into(),
            description: None,
            position: Point::default(),
            size: Size { width: 100.0, height: 100.0 },
            colour: None,
            members: vec!["e1".into(), "e2".into()],
        });
        assert_eq!(codes_of(&b)[&Code::DuplicateName], vec!["e1,e2"]);
        assert_eq!(codes_of(&b)[&Code::SharedName], vec!["e1,e2,e3"]);
    }
}
