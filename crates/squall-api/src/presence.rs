//! Who is on the board with you: participants with a name, a colour and a
//! role, where their pointer is, what they have selected and what they look
//! at. Presence is not the board: it is never saved, undone or linted, and
//! a host keeps it apart from the workspace so a cursor never waits for an
//! edit.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use squall_model::{Id, Point};
use ts_rs::TS;

use crate::Error;

/// What a participant may do. A host decides it from how they came in
/// (`squall serve` hands out one link per role); the desktop app's single
/// user is the facilitator.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Runs the workshop: may lock the board and present.
    Facilitator,
    /// Edits the board and runs it.
    Participant,
    /// Watches: sees everything live, changes nothing.
    Viewer,
}

impl Role {
    pub fn may_edit(self) -> bool {
        self != Role::Viewer
    }
}

/// Who sent a request: a participant's id (their own undo history) and role.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Who {
    pub id: String,
    pub role: Role,
}

impl Who {
    /// The one person at the desktop app, or a script talking to the API.
    pub fn local() -> Who {
        Who { id: LOCAL.to_owned(), role: Role::Facilitator }
    }
}

/// The participant id of requests that name none.
pub const LOCAL: &str = "local";

/// Where a participant looks: the board's viewport and which mode it shows.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
pub struct View {
    /// The viewport's offset and zoom, as the board's canvas keeps them.
    pub x: f64,
    pub y: f64,
    pub zoom: f64,
    /// `design` or `run`.
    pub mode: String,
}

/// One person on the board, as everyone sees them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
pub struct Participant {
    pub id: String,
    pub name: String,
    /// A CSS colour, e.g. `#e91e63`.
    pub colour: String,
    pub role: Role,
    /// The pointer on the board, in board coordinates; none while it is off the board.
    pub cursor: Option<Point>,
    pub selection: Vec<Id>,
    pub view: Option<View>,
    /// A facilitator presenting: everyone following sees this view.
    pub presenting: bool,
}

/// What a client says about itself, over its WebSocket. Fields left out
/// stay as they were.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum PresenceMessage {
    /// Come in under a name and colour; the answer is `Push::Joined`. A
    /// page coming back (a reload, a dropped connection) asks to `resume` the
    /// id it had, and so its undo history: granted while nobody else holds it.
    Join {
        name: String,
        colour: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[ts(optional)]
        resume: Option<String>,
    },
    /// Where the pointer is, what is selected, what is in view.
    Update {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[ts(optional)]
        cursor: Option<Option<Point>>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[ts(optional)]
        selection: Option<Vec<Id>>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[ts(optional)]
        view: Option<View>,
        /// Facilitators only.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[ts(optional)]
        presenting: Option<bool>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[ts(optional)]
        name: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[ts(optional)]
        colour: Option<String>,
    },
}

/// Everyone on the board, and whether that changed since last told.
#[derive(Debug, Default)]
pub struct Room {
    participants: BTreeMap<String, Participant>,
    next: u64,
    changed: bool,
}

/// Names and colours are shown to everyone; keep them short and plain.
const MAX_NAME: usize = 40;
const MAX_SELECTION: usize = 10_000;

impl Room {
    pub fn new() -> Self {
        Room::default()
    }

    /// A new participant: the id it asks to resume when nobody holds it,
    /// otherwise a fresh one.
    pub fn join(
        &mut self,
        role: Role,
        name: &str,
        colour: &str,
        resume: Option<&str>,
    ) -> Result<Participant, Error> {
        let (name, colour) = (checked_name(name)?, checked_colour(colour)?);
        let resumed = resume
            .and_then(|id| Some((id, id.strip_prefix('p')?.parse::<u64>().ok()?)))
            .filter(|(id, _)| !self.participants.contains_key(*id));
        let id = match resumed {
            Some((id, n)) => {
                self.next = self.next.max(n);
                id.to_owned()
            }
            None => {
                self.next += 1;
                format!("p{}", self.next)
            }
        };
        let participant = Participant {
            id,
            name,
            colour,
            role,
            cursor: None,
            selection: Vec::new(),
            view: None,
            presenting: false,
        };
        self.participants.insert(participant.id.clone(), participant.clone());
        self.changed = true;
        Ok(participant)
    }

    /// Apply what `id` says about itself; `Join` is for new participants.
    pub fn update(&mut self, id: &str, message: PresenceMessage) -> Result<(), Error> {
        let PresenceMessage::Update { cursor, selection, view, presenting, name, colour } = message else {
            return Err(Error::BadRequest("already joined: send updates".into()));
        };
        let participant = self
            .participants
            .get_mut(id)
            .ok_or_else(|| Error::BadRequest(format!("no participant `{id}` is on the board")))?;
        if presenting == Some(true) && participant.role != Role::Facilitator {
            return Err(Error::Refused("only the facilitator presents".into()));
        }
        if let Some(name) = name {
            participant.name = checked_name(&name)?;
        }
        if let Some(colour) = colour {
            participant.colour = checked_colour(&colour)?;
        }
        if let Some(cursor) = cursor {
            participant.cursor = cursor.filter(|p| p.x.is_finite() && p.y.is_finite());
        }
        if let Some(mut selection) = selection {
            selection.truncate(MAX_SELECTION);
            participant.selection = selection;
        }
        if let Some(view) = view {
            participant.view =
                (view.x.is_finite() && view.y.is_finite() && view.zoom.is_finite()).then_some(view);
        }
        if let Some(presenting) = presenting {
            participant.presenting = presenting;
        }
        self.changed = true;
        Ok(())
    }

    pub fn leave(&mut self, id: &str) {
        if self.participants.remove(id).is_some() {
            self.changed = true;
        }
    }

    pub fn get(&self, id: &str) -> Option<&Participant> {
        self.participants.get(id)
    }

    /// Everyone, in the order they came in.
    pub fn participants(&self) -> Vec<Participant> {
        let mut all: Vec<Participant> = self.participants.values().cloned().collect();
        all.sort_by_key(|p| p.id[1..].parse::<u64>().unwrap_or(u64::MAX));
        all
    }

    /// Whether anything changed since the last call: a host pushes presence
    /// at most this often, however fast pointers move.
    pub fn take_changed(&mut self) -> bool {
        std::mem::take(&mut self.changed)
    }
}

fn checked_name(name: &str) -> Result<String, Error> {
    let name: String = name.chars().filter(|c| !c.is_control()).collect();
    let name = name.trim();
    if name.is_empty() || name.chars().count() > MAX_NAME {
        return Err(Error::BadRequest(format!("a name has 1 to {MAX_NAME} characters")));
    }
    Ok(name.to_owned())
}

/// `#rgb` or `#rrggbb`: a colour a page can show and nothing else.
fn checked_colour(colour: &str) -> Result<String, Error> {
    let hex = colour.strip_prefix('#').unwrap_or_default();
    if matches!(hex.len(), 3 | 6) && hex.chars().all(|c| c.is_ascii_hexdigit()) {
        Ok(colour.to_ascii_lowercase())
    } else {
        Err(Error::BadRequest(format!("`{colour}` is not a colour like #e91e63")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn given_two_people_joining_then_each_gets_an_id_and_everyone_sees_both_in_order() {
        let mut room = Room::new();
        let ann = room.join(Role::Facilitator, " Ann ", "#E91E63", None).unwrap();
        let bob = room.join(Role::Participant, "Bob", "#0a0", None).unwrap();

        assert_eq!((ann.name.as_str(), ann.colour.as_str()), ("Ann", "#e91e63"));
        assert_ne!(ann.id, bob.id);
        let names: Vec<String> = room.participants().into_iter().map(|p| p.name).collect();
        assert_eq!(names, ["Ann", "Bob"]);
        assert!(room.take_changed());
        assert!(!room.take_changed());
    }

    #[test]
    fn given_a_participant_when_they_move_and_select_then_the_room_says_so() {
        let mut room = Room::new();
        let bob = room.join(Role::Participant, "Bob", "#00aa00", None).unwrap();
        room.take_changed();

        let update = PresenceMessage::Update {
            cursor: Some(Some(Point { x: 10.0, y: 20.0 })),
            selection: Some(vec![Id::new("cmd-deposit-money")]),
            view: None,
            presenting: None,
            name: None,
            colour: None,
        };
        room.update(&bob.id, update).unwrap();

        let seen = room.get(&bob.id).unwrap();
        assert_eq!(seen.cursor, Some(Point { x: 10.0, y: 20.0 }));
        assert_eq!(seen.selection, vec![Id::new("cmd-deposit-money")]);
        assert!(room.take_changed());
        room.leave(&bob.id);
        assert!(room.participants().is_empty());
    }

    #[test]
    fn given_a_page_coming_back_when_it_resumes_its_id_then_it_gets_it_unless_someone_holds_it() {
        let mut room = Room::new();
        let ann = room.join(Role::Facilitator, "Ann", "#e91e63", None).unwrap();
        room.leave(&ann.id);

        let back = room.join(Role::Facilitator, "Ann", "#e91e63", Some(&ann.id)).unwrap();
        let twin = room.join(Role::Participant, "Ann again", "#e91e63", Some(&ann.id)).unwrap();
        let newcomer = room.join(Role::Participant, "Cy", "#123456", None).unwrap();

        assert_eq!(back.id, ann.id, "the same id, so the same undo history");
        assert_ne!(twin.id, ann.id, "held by someone: a fresh id");
        assert!(![&back.id, &twin.id].contains(&&newcomer.id));
        assert_ne!(room.join(Role::Viewer, "Vi", "#000", Some("not-an-id")).unwrap().id, "not-an-id");
    }

    #[test]
    fn only_the_facilitator_presents_and_bad_names_or_colours_are_refused() {
        let mut room = Room::new();
        let bob = room.join(Role::Participant, "Bob", "#00aa00", None).unwrap();
        let present = PresenceMessage::Update {
            cursor: None,
            selection: None,
            view: None,
            presenting: Some(true),
            name: None,
            colour: None,
        };
        assert!(room.update(&bob.id, present).unwrap_err().to_string().contains("only the facilitator"));
        assert!(room.join(Role::Participant, "  ", "#000", None).is_err());
        assert!(room.join(Role::Participant, "Eve", "red; background: url(x)", None).is_err());
    }
}
