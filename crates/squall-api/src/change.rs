//! Primitive changes of a board. Applying one returns its inverse, so undo
//! and redo are the same operation: apply what the stack holds, keep what
//! comes back.
//!
//! Inserts without an index go to the board's canonical place (elements and
//! groups by id, arrows by their ends), so an edited board stays in the
//! order `to_ron` writes and loads back equal to what was saved. Inverses
//! carry the exact index, so undo restores the exact board.

use squall_model::{Board, Connection, Element, Group, Scenario};

use crate::Error;

#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Change {
    InsertElement {
        at: Option<usize>,
        element: Box<Element>,
    },
    RemoveElement {
        id: String,
    },
    ReplaceElement(Box<Element>),
    InsertConnection {
        at: Option<usize>,
        connection: Connection,
    },
    RemoveConnection(Connection),
    InsertGroup {
        at: Option<usize>,
        group: Group,
    },
    RemoveGroup {
        id: String,
    },
    ReplaceGroup(Group),
    Rename(String),
    /// Without an index, at the end of the list.
    InsertScenario {
        at: Option<usize>,
        scenario: Box<Scenario>,
    },
    RemoveScenario {
        name: String,
    },
    ReplaceBoard(Box<Board>),
    /// Applied in order, all or nothing.
    Batch(Vec<Change>),
}

/// Something on the board a change touches: what tells whether a later
/// change by someone else built upon it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Touch {
    Element(String),
    Connection(String, String),
    Group(String),
    Scenario(String),
    /// The board's name.
    Name,
    /// All of it (a board replaced whole).
    Board,
}

impl Touch {
    /// Whether two changes touching these meet: the same thing, an arrow and
    /// one of its ends, or anything and the whole board.
    pub(crate) fn overlaps(&self, other: &Touch) -> bool {
        use Touch::{Board, Connection, Element};
        match (self, other) {
            (Board, _) | (_, Board) => true,
            (Connection(from, to), Element(id)) | (Element(id), Connection(from, to)) => {
                id == from || id == to
            }
            (a, b) => a == b,
        }
    }
}

impl Change {
    /// What applying this touches.
    pub(crate) fn touches(&self) -> Vec<Touch> {
        let mut out = Vec::new();
        self.touch(&mut out);
        out
    }

    fn touch(&self, out: &mut Vec<Touch>) {
        out.push(match self {
            Change::InsertElement { element, .. } => Touch::Element(element.id.0.clone()),
            Change::ReplaceElement(element) => Touch::Element(element.id.0.clone()),
            Change::RemoveElement { id } => Touch::Element(id.clone()),
            Change::InsertConnection { connection, .. } | Change::RemoveConnection(connection) => {
                Touch::Connection(connection.from.0.clone(), connection.to.0.clone())
            }
            Change::InsertGroup { group, .. } | Change::ReplaceGroup(group) => {
                Touch::Group(group.id.0.clone())
            }
            Change::RemoveGroup { id } => Touch::Group(id.clone()),
            Change::Rename(_) => Touch::Name,
            Change::InsertScenario { scenario, .. } => Touch::Scenario(scenario.name.clone()),
            Change::RemoveScenario { name } => Touch::Scenario(name.clone()),
            Change::ReplaceBoard(_) => Touch::Board,
            Change::Batch(changes) => {
                changes.iter().for_each(|c| c.touch(out));
                return;
            }
        });
    }

    /// Whether applying this would change nothing at all.
    pub(crate) fn is_empty(&self) -> bool {
        match self {
            Change::Batch(changes) => changes.iter().all(Change::is_empty),
            _ => false,
        }
    }

    /// Apply to `board` and return the change that undoes it. On error the
    /// board is as it was.
    pub(crate) fn apply(self, board: &mut Board) -> Result<Change, Error> {
        Ok(match self {
            Change::InsertElement { at, element } => {
                let at = at.unwrap_or_else(|| board.elements.partition_point(|e| e.id < element.id));
                if at > board.elements.len() {
                    return Err(inconsistent("element index"));
                }
                let id = element.id.0.clone();
                board.elements.insert(at, *element);
                Change::RemoveElement { id }
            }
            Change::RemoveElement { id } => {
                let at =
                    element_index(board, &id).ok_or_else(|| Error::UnknownElement(id.as_str().into()))?;
                let element = board.elements.remove(at);
                Change::InsertElement { at: Some(at), element: Box::new(element) }
            }
            Change::ReplaceElement(element) => {
                let at = element_index(board, element.id.as_str())
                    .ok_or_else(|| Error::UnknownElement(element.id.clone()))?;
                let old = std::mem::replace(&mut board.elements[at], *element);
                Change::ReplaceElement(Box::new(old))
            }
            Change::InsertConnection { at, connection } => {
                let key = |c: &Connection| (c.from.clone(), c.to.clone(), c.label.clone());
                let at = at.unwrap_or_else(|| {
                    let new = key(&connection);
                    board.connections.partition_point(|c| key(c) < new)
                });
                if at > board.connections.len() {
                    return Err(inconsistent("connection index"));
                }
                board.connections.insert(at, connection.clone());
                Change::RemoveConnection(connection)
            }
            Change::RemoveConnection(connection) => {
                let at = board.connections.iter().position(|c| *c == connection).ok_or_else(|| {
                    Error::NoConnection { from: connection.from.clone(), to: connection.to.clone() }
                })?;
                let connection = board.connections.remove(at);
                Change::InsertConnection { at: Some(at), connection }
            }
            Change::InsertGroup { at, group } => {
                let at = at.unwrap_or_else(|| board.groups.partition_point(|g| g.id < group.id));
                if at > board.groups.len() {
                    return Err(inconsistent("group index"));
                }
                let id = group.id.0.clone();
                board.groups.insert(at, group);
                Change::RemoveGroup { id }
            }
            Change::RemoveGroup { id } => {
                let at = board
                    .groups
                    .iter()
                    .position(|g| g.id.as_str() == id)
                    .ok_or_else(|| Error::UnknownGroup(id.as_str().into()))?;
                let group = board.groups.remove(at);
                Change::InsertGroup { at: Some(at), group }
            }
            Change::ReplaceGroup(group) => {
                let slot = board
                    .groups
                    .iter_mut()
                    .find(|g| g.id == group.id)
                    .ok_or_else(|| Error::UnknownGroup(group.id.clone()))?;
                Change::ReplaceGroup(std::mem::replace(slot, group))
            }
            Change::Rename(name) => Change::Rename(std::mem::replace(&mut board.name, name)),
            Change::InsertScenario { at, scenario } => {
                let at = at.unwrap_or(board.scenarios.len());
                if at > board.scenarios.len() {
                    return Err(inconsistent("scenario index"));
                }
                let name = scenario.name.clone();
                board.scenarios.insert(at, *scenario);
                Change::RemoveScenario { name }
            }
            Change::RemoveScenario { name } => {
                let at =
                    board.scenarios.iter().position(|s| s.name == name).ok_or_else(|| {
                        Error::Refused(format!("the board has no scenario named \"{name}\""))
                    })?;
                let scenario = board.scenarios.remove(at);
                Change::InsertScenario { at: Some(at), scenario: Box::new(scenario) }
            }
            Change::ReplaceBoard(new) => Change::ReplaceBoard(Box::new(std::mem::replace(board, *new))),
            Change::Batch(changes) => {
                let mut inverses = Vec::with_capacity(changes.len());
                for change in changes {
                    match change.apply(board) {
                        Ok(inverse) => inverses.push(inverse),
                        Err(err) => {
                            // All or nothing: take back what this batch did.
                            for inverse in inverses.into_iter().rev() {
                                let _restored = inverse.apply(board);
                            }
                            return Err(err);
                        }
                    }
                }
                inverses.reverse();
                Change::Batch(inverses)
            }
        })
    }
}

/// Where the element `id` is. The workspace keeps elements sorted by id,
/// so a binary search finds it; a linear scan covers a board that is not.
pub(crate) fn element_index(board: &Board, id: &str) -> Option<usize> {
    match board.elements.binary_search_by(|e| e.id.as_str().cmp(id)) {
        Ok(at) => Some(at),
        Err(_) => board.elements.iter().position(|e| e.id.as_str() == id),
    }
}

/// An index out of range means the history no longer fits the board, which
/// only a bug can cause; refuse rather than panic.
fn inconsistent(what: &str) -> Error {
    Error::Refused(format!("the undo history does not fit the board ({what} out of range)"))
}

#[cfg(test)]
mod tests {
    use squall_model::{Kind, Point};

    use super::*;

    #[test]
    fn a_batch_that_fails_halfway_leaves_the_board_as_it_was() {
        let mut board = Board::new("b");
        board.elements.push(Element::new("evt-a", Kind::Event, "A", Point::default()));
        let before = board.clone();
        let batch = Change::Batch(vec![
            Change::Rename("renamed".into()),
            Change::RemoveElement { id: "evt-a".into() },
            Change::RemoveElement { id: "evt-missing".into() },
        ]);

        let err = batch.apply(&mut board).unwrap_err();

        assert_eq!(err.to_string(), "unknown element `evt-missing`");
        assert_eq!(board, before);
    }

    #[test]
    fn the_inverse_of_an_inverse_redoes_the_change() {
        let mut board = Board::new("b");
        let element = Element::new("evt-b", Kind::Event, "B", Point::default());
        board.elements.push(Element::new("evt-a", Kind::Event, "A", Point::default()));
        board.elements.push(Element::new("evt-c", Kind::Event, "C", Point::default()));
        let before = board.clone();

        let undo = Change::InsertElement { at: None, element: Box::new(element) }.apply(&mut board).unwrap();
        let ids: Vec<&str> = board.elements.iter().map(|e| e.id.as_str()).collect();
        assert_eq!(ids, ["evt-a", "evt-b", "evt-c"], "inserted in canonical order");
        let after = board.clone();
        let redo = undo.apply(&mut board).unwrap();
        assert_eq!(board, before);
        redo.apply(&mut board).unwrap();
        assert_eq!(board, after);
    }
}
