//! The board: stickies, the arrows between them, and the frames around them.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::field::Field;
use crate::kind::Kind;
use crate::scenario::Scenario;

/// The file format this build writes, and the newest it reads.
pub const FORMAT_VERSION: u32 = 1;

/// A stable element id. It survives renames and is never reused, so files
/// diff well and scripts, scenarios and the event store can refer to it.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(type = "string"))]
#[serde(transparent)]
pub struct Id(pub String);

impl Id {
    pub fn new(text: impl Into<String>) -> Self {
        Id(text.into())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Ids are written by hand in files, so keep them to characters that need
    /// no escaping anywhere: in RON, JSON, SQL literals, URLs and file names.
    pub fn is_well_formed(&self) -> bool {
        !self.0.is_empty()
            && self.0.len() <= 128
            && self.0.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b':'))
    }
}

impl fmt::Display for Id {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::borrow::Borrow<str> for Id {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl From<&str> for Id {
    fn from(text: &str) -> Self {
        Id(text.to_owned())
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Point {
    pub x: f64,
    pub y: f64,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Size {
    pub width: f64,
    pub height: f64,
}

/// A sticky on the board.
///
/// One struct for every kind keeps the file flat and the UI's property panel
/// generic; the loader refuses kind-specific data on the wrong kind.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct Element {
    pub id: Id,
    pub kind: Kind,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    pub position: Point,
    /// Zero means "the kind's default size"; saving fills it in.
    #[serde(default)]
    pub size: Size,
    /// Overrides the kind's colour (CSS colour).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub colour: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    /// Payload schema of a command or event.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<Field>,
    /// Rhai script of an aggregate, policy, read model or external system,
    /// relative to the model file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub script: Option<String>,
    /// Aggregate: the command field that carries the aggregate's id.
    /// Read model: the event field that keys its documents.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    /// Hotspot: the question has been answered.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub resolved: bool,
    /// Lint codes accepted on this element, each with the reason why.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub allow: BTreeMap<String, String>,
}

impl Element {
    /// A sticky of `kind` with the kind's default size and nothing else set.
    pub fn new(id: impl Into<String>, kind: Kind, name: impl Into<String>, position: Point) -> Self {
        Element {
            id: Id(id.into()),
            kind,
            name: name.into(),
            description: None,
            position,
            size: kind.default_size(),
            colour: None,
            tags: Vec::new(),
            fields: Vec::new(),
            script: None,
            key: None,
            resolved: false,
            allow: BTreeMap::new(),
        }
    }

    /// "event `MoneyDeposited` (evt-deposited)": how messages name an element.
    pub fn describe(&self) -> String {
        format!("{} `{}` ({})", self.kind.label().to_lowercase(), self.name, self.id)
    }
}

/// An arrow from one element to another.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct Connection {
    pub from: Id,
    pub to: Id,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
}

impl Connection {
    pub fn new(from: impl Into<String>, to: impl Into<String>) -> Self {
        Connection { from: Id(from.into()), to: Id(to.into()), label: None }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum GroupKind {
    /// A named frame whose names and language belong together.
    BoundedContext,
    /// A horizontal lane, e.g. one per actor or subdomain.
    Swimlane,
}

/// A frame drawn around elements. Membership is explicit, so moving a frame
/// on the board moves exactly its members.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct Group {
    pub id: Id,
    pub kind: GroupKind,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    pub position: Point,
    pub size: Size,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub colour: Option<String>,
    #[serde(default)]
    pub members: Vec<Id>,
}

/// A whole event-storming board: the unit saved in one RON file.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct Board {
    pub format_version: u32,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default)]
    pub elements: Vec<Element>,
    #[serde(default)]
    pub connections: Vec<Connection>,
    #[serde(default)]
    pub groups: Vec<Group>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub scenarios: Vec<Scenario>,
}

impl Board {
    /// An empty board of the current format.
    pub fn new(name: impl Into<String>) -> Self {
        Board {
            format_version: FORMAT_VERSION,
            name: name.into(),
            description: None,
            elements: Vec::new(),
            connections: Vec::new(),
            groups: Vec::new(),
            scenarios: Vec::new(),
        }
    }

    pub fn element(&self, id: &str) -> Option<&Element> {
        self.elements.iter().find(|e| e.id.as_str() == id)
    }

    pub fn group(&self, id: &str) -> Option<&Group> {
        self.groups.iter().find(|g| g.id.as_str() == id)
    }

    /// The element of `kind` that `name` means: its plain name while no other
    /// element of the kind shares it, or `Context/Name` (see [`crate::naming`]).
    pub fn element_named(&self, kind: Kind, name: &str) -> Option<&Element> {
        crate::naming::Naming::new(self).resolve(kind, name).ok()
    }

    /// Put the board in its one canonical order, so that saving is
    /// deterministic and a diff shows only what changed: elements, groups and
    /// members by id, connections by their ends, positions on whole pixels.
    pub fn canonicalize(&mut self) {
        self.format_version = FORMAT_VERSION;
        for element in &mut self.elements {
            element.position = whole(element.position);
            // Round before checking: a sub-pixel size rounds to zero, and
            // must get the default now rather than on the next save.
            element.size = whole_size(element.size);
            if element.size.width <= 0.0 || element.size.height <= 0.0 {
                element.size = element.kind.default_size();
            }
            element.tags.sort();
            element.tags.dedup();
        }
        self.elements.sort_by(|a, b| a.id.cmp(&b.id));
        self.connections.sort_by(|a, b| (&a.from, &a.to, &a.label).cmp(&(&b.from, &b.to, &b.label)));
        for group in &mut self.groups {
            group.position = whole(group.position);
            group.size = whole_size(group.size);
            group.members.sort();
            group.members.dedup();
        }
        self.groups.sort_by(|a, b| a.id.cmp(&b.id));
    }

    /// A fresh id for a new element of `kind`: the kind's prefix and a random
    /// suffix. Random rather than counted, so two people adding stickies on
    /// two git branches do not mint the same id, and a deleted id does not
    /// come back (36^8 suffixes make that vanishingly unlikely).
    pub fn fresh_id(&self, kind: Kind) -> Id {
        const ALPHABET: &[u8] = b"0123456789abcdefghijklmnopqrstuvwxyz";
        loop {
            let suffix: String =
                (0..8).map(|_| char::from(ALPHABET[fastrand::usize(..ALPHABET.len())])).collect();
            let candidate = format!("{}-{suffix}", kind.id_prefix());
            let taken = self.elements.iter().any(|e| e.id.as_str() == candidate)
                || self.groups.iter().any(|g| g.id.as_str() == candidate);
            if !taken {
                return Id(candidate);
            }
        }
    }
}

/// Sub-pixel positions carry no meaning on a board and make diffs noisy.
fn whole(point: Point) -> Point {
    Point { x: point.x.round(), y: point.y.round() }
}

fn whole_size(size: Size) -> Size {
    Size { width: size.width.round(), height: size.height.round() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fresh_ids_carry_the_kind_and_are_well_formed_and_distinct() {
        let board = Board::new("b");
        let ids: std::collections::HashSet<Id> = (0..1000).map(|_| board.fresh_id(Kind::Event)).collect();
        assert_eq!(ids.len(), 1000);
        assert!(ids.iter().all(|id| id.as_str().starts_with("evt-") && id.is_well_formed()));
    }

    #[test]
    fn canonical_order_is_by_id_and_positions_are_whole() {
        let mut board = Board::new("b");
        board.elements.push(Element::new("b", Kind::Event, "B", Point { x: 1.4, y: 2.6 }));
        board.elements.push(Element::new("a", Kind::Event, "A", Point::default()));
        board.canonicalize();
        assert_eq!(board.elements[0].id.as_str(), "a");
        assert_eq!(board.elements[1].position, Point { x: 1.0, y: 3.0 });
    }

    #[test]
    fn a_size_that_rounds_to_nothing_gets_the_default_at_once() {
        let mut board = Board::new("b");
        let mut element = Element::new("a", Kind::Actor, "A", Point::default());
        element.size = Size { width: 0.4, height: 50.0 };
        board.elements.push(element);
        board.canonicalize();
        assert_eq!(board.elements[0].size, Kind::Actor.default_size());
    }

    #[test]
    fn ids_are_checked_for_safe_characters() {
        assert!(Id::from("evt-money_deposited.v2").is_well_formed());
        assert!(!Id::from("").is_well_formed());
        assert!(!Id::from("has space").is_well_formed());
        assert!(!Id::from("quote\"").is_well_formed());
    }
}
