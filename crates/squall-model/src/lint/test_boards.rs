//! Small boards for the lint's unit tests.

use std::collections::BTreeMap;

use crate::{Board, Connection, Element, Kind, Point};

use super::{Code, Options, lint};

/// A board of `(id, kind, name)` stickies and `(from, to)` arrows, laid out
/// on a line. Scripted kinds get a script path so `missing-script` stays out
/// of the way unless a test wants it.
pub fn board(elements: &[(&str, Kind, &str)], arrows: &[(&str, &str)]) -> Board {
    let mut board = Board::new("test");
    for (i, &(id, kind, name)) in elements.iter().enumerate() {
        let mut element = Element::new(id, kind, name, Point { x: i as f64 * 200.0, y: 0.0 });
        if kind.has_script() {
            element.script = Some(format!("{id}.rhai"));
        }
        board.elements.push(element);
    }
    board.connections = arrows.iter().map(|&(from, to)| Connection::new(from, to)).collect();
    board
}

/// The diagnostics of a board by code, each as its comma-joined element ids.
pub fn codes_of(board: &Board) -> BTreeMap<Code, Vec<String>> {
    let mut map: BTreeMap<Code, Vec<String>> = BTreeMap::new();
    for d in lint(board, &Options::default()).diagnostics {
        let ids: Vec<&str> = d.elements.iter().map(|id| id.as_str()).collect();
        map.entry(d.code).or_default().push(ids.join(","));
    }
    map
}
