//! What the simulator, scenarios, inputs and scripts call each sticky.
//!
//! A name is unique within its bounded context (the lint says so), but two
//! contexts may both have a `PlaceOrder`. Such a name is ambiguous on its
//! own, so the sticky's *key* — the name stored in the event store, shown in
//! traces and used for script functions — is then qualified with its
//! context: `Sales/PlaceOrder`. A name used in one context only keeps its
//! plain key, so most boards never see a slash.
//!
//! Anyone naming a sticky may always write the qualified name, and the plain
//! name while it is unambiguous.

use std::collections::HashMap;

use crate::Kind;
use crate::board::{Board, Element, GroupKind, Id};

/// Separates a bounded context from a name in a qualified name.
pub const SEPARATOR: char = '/';

/// The names of one board's stickies, computed once.
#[derive(Debug)]
pub struct Naming<'b> {
    board: &'b Board,
    /// The bounded context each element is a member of (the first one
    /// listing it, in board order).
    context: HashMap<&'b Id, &'b str>,
    /// How many stickies of a kind carry each name, as [`same_name`] compares names.
    count: HashMap<(Kind, String), usize>,
}

/// Why a name names no single sticky.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Unresolved {
    #[error("no {kind} is called `{name}`")]
    Unknown { kind: String, name: String },
    #[error("{count} {kind}s are called `{name}`; name one of them: {}", .candidates.join(", "))]
    Ambiguous { kind: String, name: String, count: usize, candidates: Vec<String> },
}

impl<'b> Naming<'b> {
    pub fn new(board: &'b Board) -> Self {
        let mut context = HashMap::new();
        for group in board.groups.iter().filter(|g| g.kind == GroupKind::BoundedContext) {
            for member in &group.members {
                context.entry(member).or_insert(group.name.as_str());
            }
        }
        let mut count = HashMap::new();
        for element in &board.elements {
            *count.entry((element.kind, same_name(&element.name))).or_insert(0) += 1;
        }
        Naming { board, context, count }
    }

    /// The bounded context the element belongs to, if any.
    pub fn context(&self, element: &Element) -> Option<&'b str> {
        self.context.get(&element.id).copied()
    }

    /// `Context/Name`, or the plain name outside every bounded context.
    pub fn qualified(&self, element: &Element) -> String {
        match self.context(element) {
            Some(context) => format!("{context}{SEPARATOR}{}", element.name),
            None => element.name.clone(),
        }
    }

    /// Whether another sticky of the same kind has the same name.
    pub fn is_shared(&self, element: &Element) -> bool {
        self.count.get(&(element.kind, same_name(&element.name))).is_some_and(|&n| n > 1)
    }

    /// The one name the simulator knows the sticky by: the plain name,
    /// qualified when another sticky of its kind shares it.
    pub fn key(&self, element: &Element) -> String {
        if self.is_shared(element) { self.qualified(element) } else { element.name.clone() }
    }

    /// The sticky of `kind` that `name` means: its key, its qualified name,
    /// or its plain name when only one sticky of the kind has it.
    pub fn resolve(&self, kind: Kind, name: &str) -> Result<&'b Element, Unresolved> {
        resolve_among(self, self.board.elements.iter().filter(|e| e.kind == kind), kind, name)
    }

    /// [`Naming::resolve`] among some stickies only, e.g. those a script's
    /// sticky has an arrow to: a plain name is enough when it is unique there.
    pub fn resolve_among<'a>(
        &self,
        candidates: impl IntoIterator<Item = &'a Element>,
        kind: Kind,
        name: &str,
    ) -> Result<&'a Element, Unresolved> {
        resolve_among(self, candidates, kind, name)
    }
}

/// Case, spaces and punctuation do not make two names different: `Place
/// order` and `PlaceOrder` are one script function, one stream, one name.
pub fn same_name(name: &str) -> String {
    name.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect()
}

fn resolve_among<'a>(
    naming: &Naming<'_>,
    candidates: impl IntoIterator<Item = &'a Element>,
    kind: Kind,
    name: &str,
) -> Result<&'a Element, Unresolved> {
    let mut plain = Vec::new();
    for element in candidates {
        if naming.key(element) == name || naming.qualified(element) == name {
            return Ok(element);
        }
        if element.name == name {
            plain.push(element);
        }
    }
    let kind_word = kind.label().to_lowercase();
    match plain.as_slice() {
        [one] => Ok(one),
        [] => Err(Unresolved::Unknown { kind: kind_word, name: name.to_owned() }),
        many => {
            let mut candidates: Vec<String> = many.iter().map(|e| naming.qualified(e)).collect();
            candidates.sort();
            Err(Unresolved::Ambiguous {
                kind: kind_word,
                name: name.to_owned(),
                count: many.len(),
                candidates,
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::board::{Group, Point, Size};

    /// Two contexts that both have a `PlaceOrder` command, and a `Ship`
    /// command in Sales only.
    fn two_contexts() -> Board {
        let mut board = Board::new("shop");
        for (id, name) in [("c-sales", "PlaceOrder"), ("c-billing", "PlaceOrder"), ("c-ship", "Ship")] {
            board.elements.push(Element::new(id, Kind::Command, name, Point { x: 0.0, y: 0.0 }));
        }
        let frame = |id: &str, name: &str, members: &[&str]| Group {
            id: Id(id.into()),
            kind: GroupKind::BoundedContext,
            name: name.into(),
            description: None,
            position: Point { x: 0.0, y: 0.0 },
            size: Size { width: 100.0, height: 100.0 },
            colour: None,
            members: members.iter().map(|m| Id((*m).into())).collect(),
        };
        board.groups.push(frame("g-sales", "Sales", &["c-sales", "c-ship"]));
        board.groups.push(frame("g-billing", "Billing", &["c-billing"]));
        board
    }

    #[test]
    fn given_a_name_in_two_contexts_then_its_keys_are_qualified_and_a_unique_name_stays_plain() {
        let board = two_contexts();
        let naming = Naming::new(&board);
        let key = |id: &str| naming.key(board.element(id).unwrap());
        assert_eq!(key("c-sales"), "Sales/PlaceOrder");
        assert_eq!(key("c-billing"), "Billing/PlaceOrder");
        assert_eq!(key("c-ship"), "Ship");
        assert_eq!(naming.qualified(board.element("c-ship").unwrap()), "Sales/Ship");
    }

    #[test]
    fn given_a_name_in_two_contexts_when_resolved_then_the_qualified_name_picks_one_and_the_plain_is_refused()
    {
        let board = two_contexts();
        let naming = Naming::new(&board);
        assert_eq!(naming.resolve(Kind::Command, "Billing/PlaceOrder").unwrap().id.as_str(), "c-billing");
        assert_eq!(naming.resolve(Kind::Command, "Sales/Ship").unwrap().id.as_str(), "c-ship");
        assert_eq!(naming.resolve(Kind::Command, "Ship").unwrap().id.as_str(), "c-ship");
        let err = naming.resolve(Kind::Command, "PlaceOrder").unwrap_err();
        assert_eq!(
            err.to_string(),
            "2 commands are called `PlaceOrder`; name one of them: Billing/PlaceOrder, Sales/PlaceOrder"
        );
        assert!(matches!(naming.resolve(Kind::Event, "Ship"), Err(Unresolved::Unknown { .. })));
    }

    #[test]
    fn given_a_few_candidates_when_resolved_among_them_then_a_plain_name_unique_there_is_enough() {
        let board = two_contexts();
        let naming = Naming::new(&board);
        let billing = [board.element("c-billing").unwrap()];
        assert_eq!(
            naming.resolve_among(billing, Kind::Command, "PlaceOrder").unwrap().id.as_str(),
            "c-billing"
        );
    }
}
