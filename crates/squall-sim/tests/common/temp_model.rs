//! A board written by hand, with its scripts in a temporary model folder.
#![allow(dead_code)]

use std::path::PathBuf;

use squall_model::{Board, Connection, Element, Field, FieldType, Kind, Point};
use squall_sim::{Options, Session};
use squall_store::Store;

/// A board written by hand, with its scripts in a temporary model folder.
pub struct TempModel {
    pub dir: tempfile::TempDir,
    pub board: Board,
}

impl TempModel {
    pub fn new(name: &str) -> Self {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("models")).unwrap();
        std::fs::create_dir_all(dir.path().join("scripts")).unwrap();
        TempModel { dir, board: Board::new(name) }
    }

    pub fn models(&self) -> PathBuf {
        self.dir.path().join("models")
    }

    /// A sticky; `x` spreads them out so the board stays valid to look at.
    pub fn add(&mut self, id: &str, kind: Kind, name: &str, fields: &[&str]) -> &mut Element {
        let x = 200.0 * self.board.elements.len() as f64;
        let mut element = Element::new(id, kind, name, Point { x, y: 0.0 });
        element.fields = fields.iter().map(|f| Field { name: (*f).to_owned(), ty: FieldType::Id }).collect();
        self.board.elements.push(element);
        self.board.elements.last_mut().unwrap()
    }

    /// A scripted sticky whose script is `text`, saved as `scripts/<file>`.
    pub fn scripted(&mut self, id: &str, kind: Kind, name: &str, key: Option<&str>, file: &str, text: &str) {
        std::fs::write(self.dir.path().join("scripts").join(file), text).unwrap();
        let element = self.add(id, kind, name, &[]);
        element.script = Some(format!("../scripts/{file}"));
        element.key = key.map(str::to_owned);
    }

    pub fn arrows(&mut self, pairs: &[(&str, &str)]) {
        for (from, to) in pairs {
            self.board.connections.push(Connection::new(*from, *to));
        }
    }

    pub fn open(&self, options: Options) -> Session {
        let path = self.models().join("board.ron");
        squall_model::save(&path, &self.board).unwrap();
        let board = squall_model::load(&path).unwrap();
        Session::open(board, &self.models(), Store::open_in_memory().unwrap(), options).unwrap()
    }
}

/// Rows in the store's tables: queue, command log, events.
pub fn rows(session: &Session) -> (i64, i64, i64) {
    let result = session
        .store()
        .query("SELECT (SELECT count(*) FROM queue), (SELECT count(*) FROM commands), (SELECT count(*) FROM events)")
        .unwrap();
    let row = &result.rows[0];
    (row[0].as_i64().unwrap(), row[1].as_i64().unwrap(), row[2].as_i64().unwrap())
}

pub fn reason(trace: &squall_sim::Trace) -> &str {
    match &trace.outcome {
        squall_sim::trace::Outcome::Rejected { reason } => reason,
        squall_sim::trace::Outcome::Accepted => panic!("expected a rejection: {trace:?}"),
    }
}

/// An aggregate `Gadget` keyed by `id` that handles `commands`, emitting `events`.
pub fn gadget(model: &mut TempModel, script: &str, commands: &[&str], events: &[&str]) {
    model.add("actor-user", Kind::Actor, "User", &[]);
    model.scripted("agg-gadget", Kind::Aggregate, "Gadget", Some("id"), "gadget.rhai", script);
    for command in commands {
        let id = format!("cmd-{}", command.to_lowercase());
        model.add(&id, Kind::Command, command, &["id"]);
        model.arrows(&[("actor-user", &id), (&id, "agg-gadget")]);
    }
    for event in events {
        let id = format!("evt-{}", event.to_lowercase());
        model.add(&id, Kind::Event, event, &["id"]);
        model.arrows(&[("agg-gadget", &id)]);
    }
}
