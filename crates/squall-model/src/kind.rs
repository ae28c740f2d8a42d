//! The kinds of sticky on an event-storming board and what each looks like.

use serde::{Deserialize, Serialize};

use crate::board::Size;

/// What a sticky stands for. The order is the palette's order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum Kind {
    Actor,
    Command,
    Aggregate,
    Event,
    Policy,
    ReadModel,
    ExternalSystem,
    Hotspot,
    Note,
}

/// How a kind is shown and typed: the data the palette and the board need.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct KindInfo {
    pub kind: Kind,
    /// Human label, e.g. "Read model".
    pub label: &'static str,
    /// The conventional event-storming colour, as CSS hex.
    pub colour: &'static str,
    pub default_size: Size,
    /// The palette's keyboard shortcut.
    pub shortcut: char,
    /// Whether stickies of this kind carry a field schema.
    pub has_fields: bool,
    /// Whether stickies of this kind have behaviour in a Rhai script.
    pub has_script: bool,
}

impl Kind {
    /// Every kind, in palette order.
    pub const ALL: [Kind; 9] = [
        Kind::Actor,
        Kind::Command,
        Kind::Aggregate,
        Kind::Event,
        Kind::Policy,
        Kind::ReadModel,
        Kind::ExternalSystem,
        Kind::Hotspot,
        Kind::Note,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Kind::Actor => "Actor",
            Kind::Command => "Command",
            Kind::Aggregate => "Aggregate",
            Kind::Event => "Event",
            Kind::Policy => "Policy",
            Kind::ReadModel => "Read model",
            Kind::ExternalSystem => "External system",
            Kind::Hotspot => "Hotspot",
            Kind::Note => "Note",
        }
    }

    /// The label in running text: "an event", "a read model".
    pub fn with_article(self) -> String {
        let label = self.label().to_lowercase();
        let article = if label.starts_with(['a', 'e', 'i', 'o', 'u']) { "an" } else { "a" };
        format!("{article} {label}")
    }

    pub fn colour(self) -> &'static str {
        match self {
            Kind::Actor => "#fff176",
            Kind::Command => "#90caf9",
            Kind::Aggregate => "#fff9c4",
            Kind::Event => "#ffb74d",
            Kind::Policy => "#ce93d8",
            Kind::ReadModel => "#a5d6a7",
            Kind::ExternalSystem => "#f48fb1",
            Kind::Hotspot => "#ec407a",
            Kind::Note => "#f5f5f5",
        }
    }

    pub fn default_size(self) -> Size {
        let (width, height) = match self {
            Kind::Actor => (90.0, 90.0),
            Kind::Aggregate => (220.0, 180.0),
            Kind::Note => (160.0, 120.0),
            _ => (160.0, 110.0),
        };
        Size { width, height }
    }

    pub fn shortcut(self) -> char {
        match self {
            Kind::Actor => 'U',
            Kind::Command => 'C',
            Kind::Aggregate => 'A',
            Kind::Event => 'E',
            Kind::Policy => 'P',
            Kind::ReadModel => 'R',
            Kind::ExternalSystem => 'X',
            Kind::Hotspot => 'H',
            Kind::Note => 'N',
        }
    }

    /// Prefix of generated ids, so an id hints at its kind in a diff.
    pub fn id_prefix(self) -> &'static str {
        match self {
            Kind::Actor => "actor",
            Kind::Command => "cmd",
            Kind::Aggregate => "agg",
            Kind::Event => "evt",
            Kind::Policy => "pol",
            Kind::ReadModel => "rm",
            Kind::ExternalSystem => "ext",
            Kind::Hotspot => "hot",
            Kind::Note => "note",
        }
    }

    /// Commands and events are messages with a payload schema.
    pub fn has_fields(self) -> bool {
        matches!(self, Kind::Command | Kind::Event)
    }

    /// Kinds whose behaviour lives in a Rhai script.
    pub fn has_script(self) -> bool {
        matches!(self, Kind::Aggregate | Kind::Policy | Kind::ReadModel | Kind::ExternalSystem)
    }

    /// Hotspots and notes annotate; they take no part in the flow.
    pub fn is_annotation(self) -> bool {
        matches!(self, Kind::Hotspot | Kind::Note)
    }

    pub fn info(self) -> KindInfo {
        KindInfo {
            kind: self,
            label: self.label(),
            colour: self.colour(),
            default_size: self.default_size(),
            shortcut: self.shortcut(),
            has_fields: self.has_fields(),
            has_script: self.has_script(),
        }
    }
}

impl std::fmt::Display for Kind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.label())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shortcuts_are_unique() {
        let mut keys: Vec<char> = Kind::ALL.iter().map(|k| k.shortcut()).collect();
        keys.sort_unstable();
        keys.dedup();
        assert_eq!(keys.len(), Kind::ALL.len());
    }

    #[test]
    fn articles_follow_the_sound() {
        assert_eq!(Kind::Event.with_article(), "an event");
        assert_eq!(Kind::ReadModel.with_article(), "a read model");
        assert_eq!(Kind::ExternalSystem.with_article(), "an external system");
    }

    #[test]
    fn actors_are_small_and_aggregates_large() {
        let actor = Kind::Actor.default_size();
        let aggregate = Kind::Aggregate.default_size();
        let event = Kind::Event.default_size();
        assert!(actor.width < event.width && aggregate.width > event.width);
    }
}
