//! The board read for running: who handles each command, who reacts to
//! each event, what each sticky may emit or issue. Built once from the
//! flow graph, so a step never searches the board.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use petgraph::Direction::{Incoming, Outgoing};
use squall_model::flow::Flow;
use squall_model::lint::{self, Severity};
use squall_model::naming::{Naming, Unresolved};
use squall_model::{Board, Element, Field, Kind};

use crate::error::SimError;
use crate::script::{Readable, Reader};
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
    /// `apply_<Event>`, `on_<Event>`, `project_<Event>` and `keys_<Event>`.
    pub applier_fn: String,
    pub reaction_fn: String,
    pub projection_fn: String,
    pub keys_fn: String,
}

/// A board prepared for simulation.
#[derive(Debug)]
pub struct RunModel {
    pub board: Board,
    /// The folder the model file is in; scripts resolve against it.
    pub dir: PathBuf,
    /// Elements by index (all of them, in board order).
    pub elements: Vec<Element>,
    /// Each element's key (`squall_model::naming`): the name the store,
    /// traces and script functions know it by, qualified where ambiguous.
    keys: Vec<String>,
    /// Each key as an identifier: the stream prefix of aggregates and external systems.
    streams: Vec<String>,
    /// Commands and events by key.
    pub commands: HashMap<String, CommandSpec>,
    pub events: HashMap<String, EventSpec>,
    /// For aggregates, policies and external systems: the events or
    /// commands they have an arrow to — all a script may produce.
    pub may_produce: HashMap<Sticky, Vec<Sticky>>,
    /// For policies: the read models with an arrow to them — all a policy
    /// may read with `document()` — and the names that mean each.
    pub readers: HashMap<Sticky, Arc<Reader>>,
    /// The keys of the read models, whose checkpoints every step moves.
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
        let naming = Naming::new(&board);
        let keys: Vec<String> = elements.iter().map(|e| naming.key(e)).collect();
        let index: HashMap<&str, Sticky> =
            elements.iter().enumerate().map(|(i, e)| (e.id.as_str(), i)).collect();
        let flow = Flow::new(&board);
        let sticky = |node| index[flow.element(node).id.as_str()];

        let mut commands = HashMap::new();
        let mut events = HashMap::new();
        let mut may_produce: HashMap<Sticky, Vec<Sticky>> = HashMap::new();
        let mut readers: HashMap<Sticky, Arc<Reader>> = HashMap::new();
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
                    let key = &keys[me];
                    commands.insert(
                        key.clone(),
                        CommandSpec {
                            element: me,
                            handler,
                            handler_fn: contract::handler(key),
                            reaction_fn: contract::reaction(key),
                        },
                    );
                }
                Kind::Event => {
                    let by_kind = |kind| {
                        let mut reacting = outgoing(&[kind]);
                        reacting.sort_by(|&a, &b| timeline(&elements[a], &elements[b]));
                        reacting
                    };
                    let key = &keys[me];
                    events.insert(
                        key.clone(),
                        EventSpec {
                            element: me,
                            policies: by_kind(Kind::Policy),
                            read_models: by_kind(Kind::ReadModel),
                            externals: by_kind(Kind::ExternalSystem),
                            applier_fn: contract::applier(key),
                            reaction_fn: contract::reaction(key),
                            projection_fn: contract::projection(key),
                            keys_fn: contract::keys(key),
                        },
                    );
                }
                Kind::Aggregate | Kind::ExternalSystem => {
                    may_produce.insert(me, outgoing(&[Kind::Event]));
                }
                Kind::Policy => {
                    may_produce.insert(me, outgoing(&[Kind::Command]));
                    let mut models: Vec<Readable> = flow
                        .neighbours(node, Incoming, &[Kind::ReadModel])
                        .map(sticky)
                        .map(|rm| Readable {
                            sticky: rm,
                            key: keys[rm].clone(),
                            qualified: naming.qualified(&elements[rm]),
                            name: elements[rm].name.clone(),
                        })
                        .collect();
                    models.sort_by_key(|m| m.sticky);
                    models.dedup_by_key(|m| m.sticky);
                    readers.insert(me, Arc::new(Reader { who: element.describe(), models }));
                }
                _ => {}
            }
        }
        let read_model_names = (0..elements.len())
            .filter(|&i| elements[i].kind == Kind::ReadModel)
            .map(|i| keys[i].clone())
            .collect();
        let streams = keys.iter().map(|key| contract::identifier(key)).collect();
        Ok(RunModel {
            dir: dir.to_owned(),
            elements,
            keys,
            streams,
            commands,
            events,
            may_produce,
            readers,
            read_model_names,
            board,
        })
    }

    /// The name the store and traces know a sticky by (`squall_model::naming`).
    pub fn key(&self, sticky: Sticky) -> &str {
        &self.keys[sticky]
    }

    /// The stream prefix of an aggregate or external system: `Account`, or
    /// `Sales_Account` when another context has an `Account` too.
    pub fn stream(&self, sticky: Sticky) -> &str {
        &self.streams[sticky]
    }

    /// The sticky of `kind` a name means: its key, its qualified name, or
    /// its plain name while unambiguous.
    fn resolve(&self, kind: Kind, name: &str) -> Result<Sticky, Unresolved> {
        let element = Naming::new(&self.board).resolve(kind, name)?;
        // The board and `elements` are the same list.
        Ok(self.elements.iter().position(|e| e.id == element.id).unwrap_or_default())
    }

    pub fn fields(&self, sticky: Sticky) -> &[Field] {
        &self.elements[sticky].fields
    }

    /// The command sticky called `name` (see [`RunModel::key`]), or an error
    /// listing the commands or the qualified names to choose from.
    pub fn command(&self, name: &str) -> Result<&CommandSpec, SimError> {
        if let Some(spec) = self.commands.get(name) {
            return Ok(spec);
        }
        match self.resolve(Kind::Command, name) {
            Ok(sticky) => self.commands.get(&self.keys[sticky]),
            Err(ambiguous @ Unresolved::Ambiguous { .. }) => return Err(SimError::Ambiguous(ambiguous)),
            Err(Unresolved::Unknown { .. }) => None,
        }
        .ok_or_else(|| SimError::UnknownCommand {
            name: name.to_owned(),
            known: sorted(self.commands.keys()),
        })
    }

    /// The event sticky called `name`, by key or as [`RunModel::command`] resolves.
    pub fn event(&self, name: &str) -> Option<&EventSpec> {
        self.events.get(name).or_else(|| {
            let sticky = self.resolve(Kind::Event, name).ok()?;
            self.events.get(&self.keys[sticky])
        })
    }

    /// The read model called `name`, or an error listing the read models.
    pub fn read_model(&self, name: &str) -> Result<Sticky, SimError> {
        match self.resolve(Kind::ReadModel, name) {
            Ok(sticky) => Ok(sticky),
            Err(ambiguous @ Unresolved::Ambiguous { .. }) => Err(SimError::Ambiguous(ambiguous)),
            Err(Unresolved::Unknown { .. }) => Err(SimError::UnknownReadModel {
                name: name.to_owned(),
                known: sorted(self.read_model_names.iter()),
            }),
        }
    }

    /// The aggregate called `name`, or an error listing the aggregates.
    pub fn aggregate(&self, name: &str) -> Result<Sticky, SimError> {
        match self.resolve(Kind::Aggregate, name) {
            Ok(sticky) => Ok(sticky),
            Err(ambiguous @ Unresolved::Ambiguous { .. }) => Err(SimError::Ambiguous(ambiguous)),
            Err(Unresolved::Unknown { .. }) => Err(SimError::UnknownAggregate {
                name: name.to_owned(),
                known: sorted(self.scripted(Kind::Aggregate).map(|(i, _)| &self.keys[i])),
            }),
        }
    }

    /// What a script of `by` means by `name` among the stickies it has an
    /// arrow to (`targets`): a plain name is enough when it is unique there.
    pub fn resolve_among(&self, targets: &[Sticky], kind: Kind, name: &str) -> Result<Sticky, Unresolved> {
        // Scripts mostly name what they produce by its key, which no other sticky has; naming
        // the whole board again for every event a step emits cost a tenth of a batch run.
        if let Some(&target) =
            targets.iter().find(|&&t| self.keys[t] == name && self.elements[t].kind == kind)
        {
            return Ok(target);
        }
        let naming = Naming::new(&self.board);
        let element = naming.resolve_among(targets.iter().map(|&t| &self.elements[t]), kind, name)?;
        Ok(targets.iter().copied().find(|&t| self.elements[t].id == element.id).unwrap_or_default())
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
