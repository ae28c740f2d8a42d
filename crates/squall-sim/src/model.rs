//! The board read for running: who handles each command, who reacts to
//! each event, what each sticky may emit or issue. Built once from the
//! flow graph, so a step never searches the board.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use petgraph::Direction::Outgoing;
use squall_model::flow::Flow;
use squall_model::lint::{self, Severity};
use squall_model::{Board, Element, Field, Kind};

use crate::error::SimError;
use squall_model::contract;

/// Index of a scripted element in `RunModel::elements`.
pub type Sticky = usize;

/// What handles a command.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Handler {
    Aggregate(Sticky),
    External(Sticky),
}

#[derive(Clone, Debug)]
pub struct CommandSpec {
    pub element: Sticky,
    pub handler: Option<Handler>,
    /// `handle_<Command>` and `on_<Command>`, named once here rather than
    /// formatted on every step.
    pub handler_fn: String,
    pub reaction_fn: String,
}

#[derive(Clone, Debug, Default)]
pub struct EventSpec {
    pub element: Sticky,
    /// The stickies with an arrow from the event, each kind in timeline order (`timeline`).
    pub policies: Vec<Sticky>,
    pub read_models: Vec<Sticky>,
    pub externals: Vec<Sticky>,
    /// `apply_<Event>`, `on_<Event>` and `project_<Event>`.
    pub applier_fn: String,
    pub reaction_fn: String,
    pub projection_fn: String,
}

/// A board prepared for simulation.
#[derive(Debug)]
pub struct RunModel {
    pub board: Board,
    /// The folder the model file is in; scripts resolve against it.
    pub dir: PathBuf,
    /// Elements by index (all of them, in board order).
    pub elements: Vec<Element>,
    pub commands: HashMap<String, CommandSpec>,
    pub events: HashMap<String, EventSpec>,
    /// For aggregates, policies and external systems: the names of the
    /// events or commands they have an arrow to — all a script may produce.
    pub may_produce: HashMap<Sticky, HashSet<String>>,
    /// The names of the read models, whose checkpoints every step moves.
    pub read_model_names: Vec<String>,
}

impl RunModel {
    /// Prepare a board whose file is in `dir`. A board with lint errors
    /// does not run: the errors are returned, each naming its elements.
    pub fn new(board: Board, dir: &Path) -> Result<RunModel, SimError> {
        let report = lint::lint(&board, &lint::Options::default());
        let errors: Vec<String> = report
            .diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .map(|d| format!("[{}] {}", d.code.name(), d.message))
            .collect();
        if !errors.is_empty() {
            return Err(SimError::BoardHasErrors(errors));
        }

        let elements = board.elements.clone();
        let index: HashMap<&str, Sticky> =
            elements.iter().enumerate().map(|(i, e)| (e.id.as_str(), i)).collect();
        let flow = Flow::new(&board);
        let sticky = |node| index[flow.element(node).id.as_str()];

        let mut commands = HashMap::new();
        let mut events = HashMap::new();
        let mut may_produce: HashMap<Sticky, HashSet<String>> = HashMap::new();
        for node in flow.graph.node_indices() {
            let element = flow.element(node);
            let me = sticky(node);
            let outgoing =
                |kinds: &[Kind]| flow.neighbours(node, Outgoing, kinds).map(sticky).collect::<Vec<_>>();
            match element.kind {
                Kind::Command => {
                    let handler =
                        outgoing(&[Kind::Aggregate, Kind::ExternalSystem]).into_iter().next().map(|h| {
                            if elements[h].kind == Kind::Aggregate {
                                Handler::Aggregate(h)
                            } else {
                                Handler::External(h)
                            }
                        });
                    commands.insert(
                        element.name.clone(),
                        CommandSpec {
                            element: me,
                            handler,
                            handler_fn: contract::handler(&element.name),
                            reaction_fn: contract::reaction(&element.name),
                        },
                    );
                }
                Kind::Event => {
                    let by_kind = |kind| {
                        let mut reacting = outgoing(&[kind]);
                        reacting.sort_by(|&a, &b| timeline(&elements[a], &elements[b]));
                        reacting
                    };
                    events.insert(
                        element.name.clone(),
                        EventSpec {
                            element: me,
                            policies: by_kind(Kind::Policy),
                            read_models: by_kind(Kind::ReadModel),
                            externals: by_kind(Kind::ExternalSystem),
                            applier_fn: contract::applier(&element.name),
                            reaction_fn: contract::reaction(&element.name),
                            projection_fn: contract::projection(&element.name),
                        },
                    );
                }
                Kind::Aggregate | Kind::ExternalSystem => {
                    let names =
                        outgoing(&[Kind::Event]).into_iter().map(|e| elements[e].name.clone()).collect();
                    may_produce.insert(me, names);
                }
                Kind::Policy => {
                    let names =
                        outgoing(&[Kind::Command]).into_iter().map(|c| elements[c].name.clone()).collect();
                    may_produce.insert(me, names);
                }
                _ => {}
            }
        }
        let read_model_names =
            elements.iter().filter(|e| e.kind == Kind::ReadModel).map(|e| e.name.clone()).collect();
        Ok(RunModel { dir: dir.to_owned(), elements, commands, events, may_produce, read_model_names, board })
    }

    pub fn fields(&self, sticky: Sticky) -> &[Field] {
        &self.elements[sticky].fields
    }

    /// The command sticky called `name`, or an error listing the commands.
    pub fn command(&self, name: &str) -> Result<&CommandSpec, SimError> {
        self.commands.get(name).ok_or_else(|| SimError::UnknownCommand {
            name: name.to_owned(),
            known: sorted(self.commands.keys()),
        })
    }

    pub fn event(&self, name: &str) -> Option<&EventSpec> {
        self.events.get(name)
    }

    /// The element with id `id`, which must be of `kind`; the error lists those that are.
    pub fn sticky(&self, id: &str, kind: Kind) -> Result<Sticky, SimError> {
        self.elements.iter().position(|e| e.id.as_str() == id && e.kind == kind).ok_or_else(|| {
            let known: Vec<String> = self
                .elements
                .iter()
                .filter(|e| e.kind == kind)
                .map(|e| format!("{} ({})", e.name, e.id))
                .collect();
            SimError::UnknownSticky {
                id: id.to_owned(),
                kind: kind.label().to_lowercase(),
                known: if known.is_empty() { "none".to_owned() } else { known.join(", ") },
            }
        })
    }

    /// Scripted elements of a kind, with their indices.
    pub fn scripted(&self, kind: Kind) -> impl Iterator<Item = (Sticky, &Element)> {
        self.elements.iter().enumerate().filter(move |(_, e)| e.kind == kind)
    }
}

/// The order in which the stickies reacting to one event react: the board's timeline, left to
/// right, then top to bottom — what a modeller sees and arranges, unlike ids, which are random
/// and forever. The id only settles stickies placed exactly on top of each other.
fn timeline(a: &Element, b: &Element) -> std::cmp::Ordering {
    a.position
        .x
        .total_cmp(&b.position.x)
        .then(a.position.y.total_cmp(&b.position.y))
        .then_with(|| a.id.as_str().cmp(b.id.as_str()))
}

pub(crate) fn sorted<'a>(names: impl Iterator<Item = &'a String>) -> String {
    let mut names: Vec<&str> = names.map(String::as_str).collect();
    names.sort_unstable();
    names.join(", ")
}
