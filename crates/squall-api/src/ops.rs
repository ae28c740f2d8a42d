//! Turning an [`Op`] into a [`Change`]: every check is made here, against
//! the board as it is, before anything is touched.

use std::collections::{BTreeSet, HashMap, HashSet};

use squall_model::grammar::{self, Verdict};
use squall_model::lint::Code;
use squall_model::{Board, Connection, Element, Group, GroupKind, Id, Kind, Point, Size};

use crate::Error;
use crate::change::{Change, element_index};
use crate::request::{ElementPatch, GroupPatch, Move, Op};

/// A checked edit, ready to apply, and the ids it mints.
#[derive(Debug)]
pub(crate) struct Planned {
    pub change: Change,
    pub created: Vec<Id>,
}

impl Planned {
    fn of(change: Change) -> Self {
        Planned { change, created: Vec::new() }
    }
}

pub(crate) fn plan(board: &Board, op: Op) -> Result<Planned, Error> {
    match op {
        Op::AddElement { kind, name, position, group, patch } => {
            add_element(board, kind, name, position, group, patch)
        }
        Op::UpdateElement { id, patch } => {
            let old = element(board, &id)?;
            let mut new = old.clone();
            apply_patch(&mut new, patch)?;
            Ok(Planned::of(if new == *old { Change::Batch(vec![]) } else { replace_element(new) }))
        }
        Op::MoveElements { moves } => move_elements(board, &moves).map(Planned::of),
        Op::Resize { id, size, position } => resize(board, &id, size, position).map(Planned::of),
        Op::DeleteElements { ids } => delete(board, &ids).map(Planned::of),
        Op::Connect { from, to, label } => {
            let connection = Connection { from, to, label: label.filter(|l| !l.trim().is_empty()) };
            check_connection(board, &connection)?;
            Ok(Planned::of(Change::InsertConnection { at: None, connection }))
        }
        Op::Disconnect { from, to } => {
            element(board, &from)?;
            element(board, &to)?;
            let removals: Vec<Change> = board
                .connections
                .iter()
                .filter(|c| c.from == from && c.to == to)
                .map(|c| Change::RemoveConnection(c.clone()))
                .collect();
            if removals.is_empty() {
                return Err(Error::NoConnection { from, to });
            }
            Ok(Planned::of(Change::Batch(removals)))
        }
        Op::AddGroup { kind, name, position, size, members } => {
            let id = fresh_group_id(board, kind);
            let group = Group {
                id: id.clone(),
                kind,
                name,
                description: None,
                position: whole(position)?,
                size: positive(size, "group size")?,
                colour: None,
                members: members_of(board, members)?,
            };
            Ok(Planned { change: Change::InsertGroup { at: None, group }, created: vec![id] })
        }
        Op::UpdateGroup { id, patch } => {
            let old = group(board, &id)?;
            let mut new = old.clone();
            patch_group(&mut new, patch);
            Ok(Planned::of(if new == *old { Change::Batch(vec![]) } else { Change::ReplaceGroup(new) }))
        }
        Op::DeleteGroup { id } => {
            group(board, &id)?;
            Ok(Planned::of(Change::RemoveGroup { id: id.0 }))
        }
        Op::SetGroupMembers { id, members } => {
            let old = group(board, &id)?;
            let members = members_of(board, members)?;
            if members == old.members {
                return Ok(Planned::of(Change::Batch(vec![])));
            }
            Ok(Planned::of(Change::ReplaceGroup(Group { members, ..old.clone() })))
        }
        Op::Paste { elements, connections, offset } => paste(board, elements, connections, offset),
        Op::RenameBoard { name } => Ok(Planned::of(Change::Rename(name))),
        Op::AddScenario { scenario } => {
            let name = scenario.name.trim();
            if name.is_empty() {
                return Err(Error::Refused("a scenario needs a name".into()));
            }
            if board.scenarios.iter().any(|s| s.name == scenario.name) {
                return Err(Error::Refused(format!(
                    "the board already has a scenario named \"{}\"; choose another name",
                    scenario.name
                )));
            }
            Ok(Planned::of(Change::InsertScenario { at: None, scenario }))
        }
        Op::Batch { ops } => batch(board, ops),
    }
}

/// Plan each op on a scratch copy of the board as the ones before it left
/// it, so a later op sees an earlier one's result (a frame resized after its
/// members moved), while the real board stays untouched until the whole
/// batch is known to apply.
fn batch(board: &Board, ops: Vec<Op>) -> Result<Planned, Error> {
    if ops.is_empty() {
        return Ok(Planned::of(Change::Batch(vec![])));
    }
    let mut scratch = board.clone();
    let mut changes = Vec::with_capacity(ops.len());
    let mut created = Vec::new();
    for op in ops {
        let planned = plan(&scratch, op)?;
        planned.change.clone().apply(&mut scratch)?;
        changes.push(planned.change);
        created.extend(planned.created);
    }
    Ok(Planned { change: Change::Batch(changes), created })
}

fn add_element(
    board: &Board,
    kind: Kind,
    name: String,
    position: Point,
    group_id: Option<Id>,
    patch: Option<ElementPatch>,
) -> Result<Planned, Error> {
    let id = board.fresh_id(kind);
    let mut new = Element::new(id.0.clone(), kind, name, whole(position)?);
    if let Some(patch) = patch {
        if patch.name.is_some() {
            return Err(Error::bad("add_element takes the name once, outside the patch"));
        }
        apply_patch(&mut new, patch)?;
    }
    let mut changes = vec![Change::InsertElement { at: None, element: Box::new(new) }];
    if let Some(group_id) = group_id {
        let mut frame = group(board, &group_id)?.clone();
        frame.members.push(id.clone());
        frame.members.sort();
        changes.push(Change::ReplaceGroup(frame));
    }
    Ok(Planned { change: Change::Batch(changes), created: vec![id] })
}

/// Set what the patch gives, checking that the element may carry it, so an
/// edit never makes a board that cannot be saved and loaded again.
fn apply_patch(element: &mut Element, patch: ElementPatch) -> Result<(), Error> {
    let ElementPatch { name, description, tags, colour, fields, script, key, resolved, size, allow } = patch;
    if let Some(name) = name {
        element.name = name;
    }
    if let Some(description) = description {
        element.description = non_empty(description);
    }
    if let Some(tags) = tags {
        let tags: BTreeSet<String> =
            tags.iter().map(|t| t.trim()).filter(|t| !t.is_empty()).map(str::to_owned).collect();
        element.tags = tags.into_iter().collect();
    }
    if let Some(colour) = colour {
        element.colour = non_empty(colour);
    }
    if let Some(fields) = fields {
        element.fields = fields;
    }
    if let Some(script) = script {
        element.script = non_empty(script);
    }
    if let Some(key) = key {
        element.key = non_empty(key);
    }
    if let Some(resolved) = resolved {
        element.resolved = resolved;
    }
    if let Some(size) = size {
        element.size = if size.width == 0.0 && size.height == 0.0 {
            element.kind.default_size()
        } else {
            positive(size, "element size")?
        };
    }
    if let Some(allow) = allow {
        element.allow = allow;
    }
    check_element(element)
}

/// What the loader would refuse on this element, as a refusal.
fn check_element(element: &Element) -> Result<(), Error> {
    let kind = element.kind;
    let refuse = |what: &str, kinds: &str| {
        Err(Error::Refused(format!("{} cannot have {what}: only {kinds} do", kind.with_article())))
    };
    if !element.fields.is_empty() && !kind.has_fields() {
        return refuse("fields", "commands and events");
    }
    if element.script.is_some() && !kind.has_script() {
        return refuse("a script", "aggregates, policies, read models and external systems");
    }
    if element.key.is_some() && !matches!(kind, Kind::Aggregate | Kind::ReadModel) {
        return refuse("a key", "aggregates and read models");
    }
    if element.resolved && kind != Kind::Hotspot {
        return refuse("`resolved` set", "hotspots");
    }
    let mut seen = HashSet::new();
    for field in &element.fields {
        if field.name.trim().is_empty() {
            return Err(Error::Refused(format!("{} has a field without a name", element.describe())));
        }
        if !seen.insert(field.name.as_str()) {
            return Err(Error::Refused(format!(
                "{} declares field `{}` twice",
                element.describe(),
                field.name
            )));
        }
    }
    if let Some(code) = element.allow.keys().find(|code| Code::from_name(code).is_none()) {
        return Err(Error::Refused(format!(
            "unknown lint code `{code}`; known codes: {}",
            Code::names().join(", ")
        )));
    }
    Ok(())
}

fn move_elements(board: &Board, moves: &[Move]) -> Result<Change, Error> {
    let mut explicit: HashSet<&Id> = HashSet::new();
    for Move { id, .. } in moves {
        if !explicit.insert(id) {
            return Err(Error::bad(format!("`{id}` is moved twice in one move_elements")));
        }
        if element_index(board, id.as_str()).is_none() && board.group(id.as_str()).is_none() {
            return Err(Error::UnknownId(id.clone()));
        }
    }
    let mut new_positions: HashMap<&Id, Point> = HashMap::new();
    let mut groups = Vec::new();
    for Move { id, position } in moves {
        let position = whole(*position)?;
        if let Some(frame) = board.group(id.as_str()) {
            let delta = Point { x: position.x - frame.position.x, y: position.y - frame.position.y };
            for member in frame.members.iter().filter(|m| !explicit.contains(m)) {
                // A member of two moved frames goes along with the first.
                if new_positions.contains_key(member) {
                    continue;
                }
                if let Ok(old) = element(board, member) {
                    let p = old.position;
                    new_positions.insert(member, Point { x: p.x + delta.x, y: p.y + delta.y });
                }
            }
            if frame.position != position {
                groups.push(Change::ReplaceGroup(Group { position, ..frame.clone() }));
            }
        } else {
            new_positions.insert(id, position);
        }
    }
    let mut changes = groups;
    for (id, position) in new_positions {
        let old = element(board, id)?;
        if old.position != position {
            changes.push(replace_element(Element { position, ..old.clone() }));
        }
    }
    Ok(Change::Batch(changes))
}

fn resize(board: &Board, id: &Id, size: Size, position: Option<Point>) -> Result<Change, Error> {
    let size = positive(size, "size")?;
    if let Some(frame) = board.group(id.as_str()) {
        let position = position.map_or(Ok(frame.position), whole)?;
        if (frame.size, frame.position) == (size, position) {
            return Ok(Change::Batch(vec![]));
        }
        return Ok(Change::ReplaceGroup(Group { size, position, ..frame.clone() }));
    }
    let old = element(board, id).map_err(|_| Error::UnknownId(id.clone()))?;
    let position = position.map_or(Ok(old.position), whole)?;
    if (old.size, old.position) == (size, position) {
        return Ok(Change::Batch(vec![]));
    }
    Ok(replace_element(Element { size, position, ..old.clone() }))
}

fn delete(board: &Board, ids: &[Id]) -> Result<Change, Error> {
    let mut elements: HashSet<&Id> = HashSet::new();
    let mut groups: HashSet<&Id> = HashSet::new();
    for id in ids {
        if element_index(board, id.as_str()).is_some() {
            elements.insert(id);
        } else if board.group(id.as_str()).is_some() {
            groups.insert(id);
        } else {
            return Err(Error::UnknownId(id.clone()));
        }
    }
    let mut changes: Vec<Change> = board
        .connections
        .iter()
        .filter(|c| elements.contains(&c.from) || elements.contains(&c.to))
        .map(|c| Change::RemoveConnection(c.clone()))
        .collect();
    for frame in board.groups.iter().filter(|g| !groups.contains(&g.id)) {
        if frame.members.iter().any(|m| elements.contains(m)) {
            let members = frame.members.iter().filter(|m| !elements.contains(m)).cloned().collect();
            changes.push(Change::ReplaceGroup(Group { members, ..frame.clone() }));
        }
    }
    // In board order, so the plan does not depend on hash order.
    changes.extend(
        board
            .elements
            .iter()
            .filter(|e| elements.contains(&e.id))
            .map(|e| Change::RemoveElement { id: e.id.0.clone() }),
    );
    changes.extend(
        board
            .groups
            .iter()
            .filter(|g| groups.contains(&g.id))
            .map(|g| Change::RemoveGroup { id: g.id.0.clone() }),
    );
    Ok(Change::Batch(changes))
}

/// Refuse an arrow the board should not get: a missing end, an arrow to
/// itself, one drawn twice, or one the grammar forbids (with its reason).
fn check_connection(board: &Board, connection: &Connection) -> Result<(), Error> {
    let from = element_or_group_error(board, &connection.from)?;
    let to = element_or_group_error(board, &connection.to)?;
    check_arrow(from, to)?;
    if board.connections.iter().any(|c| c.from == connection.from && c.to == connection.to) {
        return Err(Error::Refused(format!(
            "there is already an arrow from {} to {}",
            from.describe(),
            to.describe()
        )));
    }
    Ok(())
}

fn check_arrow(from: &Element, to: &Element) -> Result<(), Error> {
    if from.id == to.id {
        return Err(Error::Refused(format!("an arrow cannot point from {} to itself", from.describe())));
    }
    if let Verdict::Forbidden { reason } = grammar::judge(from.kind, to.kind) {
        return Err(Error::Refused(format!(
            "cannot connect {} to {}: {reason}",
            from.describe(),
            to.describe()
        )));
    }
    Ok(())
}

/// An element by id; a group id gets a message saying arrows join stickies.
fn element_or_group_error<'b>(board: &'b Board, id: &Id) -> Result<&'b Element, Error> {
    element(board, id).map_err(|err| match board.group(id.as_str()) {
        Some(frame) => {
            Error::Refused(format!("`{}` ({id}) is a group; arrows join stickies, not frames", frame.name))
        }
        None => err,
    })
}

fn paste(
    board: &Board,
    elements: Vec<Element>,
    connections: Vec<Connection>,
    offset: Option<Point>,
) -> Result<Planned, Error> {
    let offset = offset.unwrap_or_default();
    let mut fresh: HashMap<Id, Id> = HashMap::new();
    let mut taken: HashSet<Id> = HashSet::new();
    let mut pasted = Vec::with_capacity(elements.len());
    for mut element in elements {
        let id = loop {
            let candidate = board.fresh_id(element.kind);
            if taken.insert(candidate.clone()) {
                break candidate;
            }
        };
        if fresh.insert(element.id.clone(), id.clone()).is_some() {
            return Err(Error::bad(format!("element `{}` is pasted twice", element.id)));
        }
        element.id = id;
        let position = Point { x: element.position.x + offset.x, y: element.position.y + offset.y };
        element.position = whole(position)?;
        // The same tidying as an edit, so the pasted sticky is canonical.
        let patch = ElementPatch {
            tags: Some(std::mem::take(&mut element.tags)),
            size: Some(element.size),
            ..ElementPatch::default()
        };
        apply_patch(&mut element, patch)?;
        pasted.push(element);
    }
    let by_id: HashMap<&Id, &Element> = pasted.iter().map(|e| (&e.id, e)).collect();
    let end = |id: &Id| -> Result<&Element, Error> {
        match fresh.get(id) {
            Some(new) => by_id.get(new).copied().ok_or_else(|| Error::UnknownElement(id.clone())),
            None => element_or_group_error(board, id),
        }
    };
    let mut arrows: Vec<Connection> = Vec::new();
    for connection in connections {
        let (from, to) = (end(&connection.from)?, end(&connection.to)?);
        check_arrow(from, to)?;
        let arrow = Connection { from: from.id.clone(), to: to.id.clone(), label: connection.label };
        let drawn = |c: &Connection| c.from == arrow.from && c.to == arrow.to;
        if !arrows.iter().any(drawn) && !board.connections.iter().any(drawn) {
            arrows.push(arrow);
        }
    }
    let created = pasted.iter().map(|e| e.id.clone()).collect();
    let mut changes: Vec<Change> =
        pasted.into_iter().map(|e| Change::InsertElement { at: None, element: Box::new(e) }).collect();
    changes.extend(arrows.into_iter().map(|c| Change::InsertConnection { at: None, connection: c }));
    Ok(Planned { change: Change::Batch(changes), created })
}

fn patch_group(frame: &mut Group, patch: GroupPatch) {
    let GroupPatch { name, description, colour } = patch;
    if let Some(name) = name {
        frame.name = name;
    }
    if let Some(description) = description {
        frame.description = non_empty(description);
    }
    if let Some(colour) = colour {
        frame.colour = non_empty(colour);
    }
}

/// Members as the file keeps them: existing elements, sorted, once each.
fn members_of(board: &Board, members: Vec<Id>) -> Result<Vec<Id>, Error> {
    for member in &members {
        element_or_group_error(board, member)?;
    }
    let members: BTreeSet<Id> = members.into_iter().collect();
    Ok(members.into_iter().collect())
}

fn fresh_group_id(board: &Board, kind: GroupKind) -> Id {
    const ALPHABET: &[u8] = b"0123456789abcdefghijklmnopqrstuvwxyz";
    let prefix = match kind {
        GroupKind::BoundedContext => "ctx",
        GroupKind::Swimlane => "lane",
    };
    loop {
        let suffix: String =
            (0..8).map(|_| char::from(ALPHABET[fastrand::usize(..ALPHABET.len())])).collect();
        let candidate = format!("{prefix}-{suffix}");
        if board.group(&candidate).is_none() && element_index(board, &candidate).is_none() {
            return Id(candidate);
        }
    }
}

fn element<'b>(board: &'b Board, id: &Id) -> Result<&'b Element, Error> {
    element_index(board, id.as_str())
        .map(|at| &board.elements[at])
        .ok_or_else(|| Error::UnknownElement(id.clone()))
}

fn group<'b>(board: &'b Board, id: &Id) -> Result<&'b Group, Error> {
    board.group(id.as_str()).ok_or_else(|| Error::UnknownGroup(id.clone()))
}

fn replace_element(element: Element) -> Change {
    Change::ReplaceElement(Box::new(element))
}

fn non_empty(text: String) -> Option<String> {
    if text.trim().is_empty() { None } else { Some(text) }
}

/// How far from the origin a board reaches, in pixels: far beyond any real
/// board, and small enough that sums of positions and sizes stay exact and
/// finite (an infinite position would reach clients as `null`).
const BOARD_EDGE: f64 = 10_000_000.0;

/// Positions on whole pixels, as the file keeps them, within the board's edge.
fn whole(point: Point) -> Result<Point, Error> {
    let on_board = |v: f64| v.is_finite() && v.abs() <= BOARD_EDGE;
    if !on_board(point.x) || !on_board(point.y) {
        return Err(Error::bad(format!(
            "position ({}, {}) is off the board: x and y must be numbers between -{BOARD_EDGE} and {BOARD_EDGE}",
            point.x, point.y
        )));
    }
    Ok(Point { x: point.x.round(), y: point.y.round() })
}

/// A size on whole pixels, refused unless both sides are at least one pixel
/// and at most the board's edge.
fn positive(size: Size, what: &str) -> Result<Size, Error> {
    let size = Size { width: size.width.round(), height: size.height.round() };
    if !(size.width <= BOARD_EDGE && size.height <= BOARD_EDGE) {
        return Err(Error::bad(format!(
            "{what} {} by {} is larger than the board: at most {BOARD_EDGE} pixels a side",
            size.width, size.height
        )));
    }
    if size.width >= 1.0 && size.height >= 1.0 {
        Ok(size)
    } else {
        Err(Error::bad(format!(
            "{what} must be at least 1 by 1 pixel, not {} by {}",
            size.width, size.height
        )))
    }
}
