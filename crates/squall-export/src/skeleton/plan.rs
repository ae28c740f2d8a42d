//! The board read for code: which module each sticky goes in, what each
//! type, variant, field and function is called, who handles and reacts to
//! what. Both languages write from this one plan, so a Rust and a
//! TypeScript export of a board have the same shape and the same names.

use std::collections::BTreeMap;

use squall_model::{Board, Element, FieldType, GroupKind, Kind, contract};

use super::names::{self, Scope};
use super::rhai;
use super::scripts::Scripts;

/// Names the generated crate's root uses for itself; a bounded context
/// cannot take them as its module name.
const ROOT_MODULES: &[&str] = &["app", "messages", "values", "commands", "events", "index", "scenarios"];
/// Names a context's module uses for its messages.
const CONTEXT_MODULES: &[&str] = &["commands", "events", "index", "mod"];
/// Type names the generated files import or define beside the board's.
const TAKEN_TYPES: &[&str] = &[
    "App",
    "Box",
    "Command",
    "Decimal",
    "Default",
    "Deserialize",
    "Event",
    "Id",
    "Map",
    "Option",
    "Rejection",
    "Result",
    "Run",
    "Serialize",
    "Step",
    "String",
    "Timestamp",
    "Value",
    "Vec",
];
/// Function names of the behaviours' public faces.
const TAKEN_FUNCTIONS: &[&str] =
    &["handle", "apply", "react", "project", "on_command", "on_event", "key", "new"];

/// A bounded context, or the board outside every context: one module.
#[derive(Debug)]
pub struct Context<'b> {
    /// The context's name on the board; `None` for the board outside contexts.
    pub name: Option<&'b str>,
    pub description: Option<&'b str>,
    /// Its module: `banking`.
    pub module: String,
}

/// A command or an event.
#[derive(Debug)]
pub struct Message<'b> {
    pub element: &'b Element,
    /// Index into `Plan::contexts`.
    pub context: usize,
    /// The struct: `DepositMoney`, unique within its context's commands or events.
    pub type_name: String,
    /// The variant of the crate's `Command` or `Event`: the type name, with
    /// the context in front where two contexts share it.
    pub variant: String,
    /// The name Squall stores it under: its own, or `Context/Name` when
    /// another sticky of its kind has the same name.
    pub key: String,
    /// Snake case, for functions about it: `deposit_money`.
    pub snake: String,
    pub fields: Vec<FieldName>,
}

/// A payload field: its name on the board and in code.
#[derive(Debug)]
pub struct FieldName {
    pub name: String,
    /// A valid identifier in both languages, unique in its message.
    pub ident: String,
    pub ty: FieldType,
}

/// One message a behaviour takes, and the function that takes it.
#[derive(Debug)]
pub struct Input {
    /// Index into `Plan::messages`.
    pub message: usize,
    /// The method or function in generated code: `handle_deposit_money`.
    pub function: String,
    /// The Rhai function it stands for: `handle_DepositMoney`.
    pub rhai_function: String,
    /// That function's text in the sticky's script, when it has one.
    pub rule: Option<String>,
}

/// An aggregate, policy, read model or external system.
#[derive(Debug)]
pub struct Behaviour<'b> {
    pub element: &'b Element,
    pub context: usize,
    /// Its module (file) within the context: `bank_account`.
    pub module: String,
    /// Its state or document type: `BankAccount`.
    pub type_name: String,
    /// Its field on the in-memory `App`, unique there: `bank_account`.
    pub app_field: String,
    /// The script's path as the board names it, and its text if it could be read.
    pub script: Option<(&'b str, Option<&'b str>)>,
    /// `initial()` in the script, quoted.
    pub initial: Option<String>,
    /// Aggregate: the commands it handles; external system: the commands it answers.
    pub commands: Vec<Input>,
    /// Aggregate: the events it applies; policy, read model, external system: the events it takes.
    pub events: Vec<Input>,
    /// Indices of the messages it may produce (arrows out).
    pub produces: Vec<usize>,
    /// A policy that keeps state between events (`initial()` or `this`).
    pub keeps_state: bool,
}

/// The whole board, named for code.
#[derive(Debug)]
pub struct Plan<'b> {
    pub board: &'b Board,
    /// The package's name in snake case: `bank_account`.
    pub crate_name: String,
    pub contexts: Vec<Context<'b>>,
    /// Commands, then events, each in board order.
    pub messages: Vec<Message<'b>>,
    /// Aggregates, policies, read models, external systems, each in board order.
    pub behaviours: Vec<Behaviour<'b>>,
    /// Per message: for a command, the behaviour that handles it; for an
    /// event, the aggregate that emits it (indices into `behaviours`).
    routes: Vec<Option<usize>>,
}

impl<'b> Plan<'b> {
    /// Name everything on `board` for code.
    pub fn new(board: &'b Board, scripts: &'b Scripts) -> Self {
        let crate_name = match names::snake(&board.name, "board").as_str() {
            "serde" | "serde_json" | "rust_decimal" | "std" | "core" | "alloc" | "test" | "proc_macro" => {
                format!("{}_model", names::snake(&board.name, "board"))
            }
            name => name.trim_end_matches('_').to_owned(),
        };
        let membership = context_of_each(board);
        let exported = |e: &Element| matches!(e.kind, Kind::Command | Kind::Event) || e.kind.has_script();

        // Contexts in board order, then the board outside them, each only
        // when it holds something to export.
        let mut root = Scope::with(ROOT_MODULES);
        let mut contexts = Vec::new();
        let mut context_index: BTreeMap<Option<&str>, usize> = BTreeMap::new();
        let used: Vec<Option<&str>> = board
            .groups
            .iter()
            .filter(|g| g.kind == GroupKind::BoundedContext)
            .map(|g| Some(g.id.as_str()))
            .chain([None])
            .filter(|group| {
                board.elements.iter().any(|e| exported(e) && membership.get(e.id.as_str()).copied() == *group)
            })
            .collect();
        for group_id in used {
            let group = group_id.and_then(|id| board.group(id));
            let module = root.claim(&names::snake(group.map_or("board", |g| g.name.as_str()), "context"));
            context_index.insert(group_id, contexts.len());
            contexts.push(Context {
                name: group.map(|g| g.name.as_str()),
                description: group.and_then(|g| g.description.as_deref()),
                module,
            });
        }
        let context_of = |e: &Element| context_index[&membership.get(e.id.as_str()).copied()];

        let messages = name_messages(board, &contexts, &context_of);
        let behaviours = name_behaviours(board, scripts, &contexts, &messages, &context_of);
        let routes = route(board, &messages, &behaviours);
        Plan { board, crate_name, contexts, messages, behaviours, routes }
    }

    pub fn commands(&self) -> impl Iterator<Item = (usize, &Message<'b>)> {
        self.messages.iter().enumerate().filter(|(_, m)| m.element.kind == Kind::Command)
    }

    pub fn events(&self) -> impl Iterator<Item = (usize, &Message<'b>)> {
        self.messages.iter().enumerate().filter(|(_, m)| m.element.kind == Kind::Event)
    }

    pub fn of_kind(&self, kind: Kind) -> impl Iterator<Item = &Behaviour<'b>> {
        self.behaviours.iter().filter(move |b| b.element.kind == kind)
    }

    /// Behaviours of `kind` in the board's timeline order (left to right, then
    /// top down): the order Squall's simulator lets them react in.
    pub fn in_timeline(&self, kind: Kind) -> Vec<&Behaviour<'b>> {
        let mut found: Vec<&Behaviour<'b>> = self.of_kind(kind).collect();
        found.sort_by(|a, b| {
            let (a, b) = (a.element, b.element);
            a.position
                .x
                .total_cmp(&b.position.x)
                .then(a.position.y.total_cmp(&b.position.y))
                .then_with(|| a.id.cmp(&b.id))
        });
        found
    }

    /// The message of `kind` a scenario means by `name`: its key (`Name` or
    /// `Context/Name`), or its plain name.
    pub fn message_named(&self, kind: Kind, name: &str) -> Option<usize> {
        let of_kind = || self.messages.iter().enumerate().filter(|(_, m)| m.element.kind == kind);
        of_kind()
            .find(|(_, m)| m.key == name)
            .or_else(|| of_kind().find(|(_, m)| self.qualified(m) == name))
            .or_else(|| of_kind().find(|(_, m)| m.element.name == name))
            .map(|(i, _)| i)
    }

    /// `Context/Name`, or the plain name outside every context.
    fn qualified(&self, message: &Message<'_>) -> String {
        match self.contexts[message.context].name {
            Some(context) => format!("{context}/{}", message.element.name),
            None => message.element.name.clone(),
        }
    }

    /// The handler of a command: the first aggregate or external system it
    /// has an arrow to, as the simulator routes it.
    pub fn handler_of(&self, command: usize) -> Option<&Behaviour<'b>> {
        self.routes[command].map(|b| &self.behaviours[b])
    }

    /// The aggregate whose instances an event belongs to: the first
    /// aggregate with an arrow to it.
    pub fn emitter_of(&self, event: usize) -> Option<&Behaviour<'b>> {
        self.routes[event].map(|b| &self.behaviours[b])
    }

    /// The read model a scenario names.
    pub fn read_model_named(&self, name: &str) -> Option<&Behaviour<'b>> {
        let read_models = || self.of_kind(Kind::ReadModel);
        read_models().find(|b| b.element.name == name).or_else(|| {
            read_models().find(|b| {
                self.contexts[b.context].name.is_some_and(|c| format!("{c}/{}", b.element.name) == name)
            })
        })
    }
}

/// Who handles each command and emits each event, in connection order,
/// looked up once: a board of thousands of stickies asks for each many times.
fn route(board: &Board, messages: &[Message<'_>], behaviours: &[Behaviour<'_>]) -> Vec<Option<usize>> {
    let behaviour_of: BTreeMap<&str, usize> =
        behaviours.iter().enumerate().map(|(i, b)| (b.element.id.as_str(), i)).collect();
    let message_of: BTreeMap<&str, usize> =
        messages.iter().enumerate().map(|(i, m)| (m.element.id.as_str(), i)).collect();
    let mut routes = vec![None; messages.len()];
    for connection in &board.connections {
        let (from, to) = (connection.from.as_str(), connection.to.as_str());
        // Command → aggregate or external system: its handler.
        if let (Some(&m), Some(&b)) = (message_of.get(from), behaviour_of.get(to))
            && messages[m].element.kind == Kind::Command
            && matches!(behaviours[b].element.kind, Kind::Aggregate | Kind::ExternalSystem)
        {
            routes[m].get_or_insert(b);
        }
        // Aggregate → event: its emitter.
        if let (Some(&b), Some(&m)) = (behaviour_of.get(from), message_of.get(to))
            && messages[m].element.kind == Kind::Event
            && behaviours[b].element.kind == Kind::Aggregate
        {
            routes[m].get_or_insert(b);
        }
    }
    routes
}

/// Each element's bounded context: the first in board order that lists it.
fn context_of_each(board: &Board) -> BTreeMap<&str, &str> {
    let mut membership = BTreeMap::new();
    for group in board.groups.iter().filter(|g| g.kind == GroupKind::BoundedContext) {
        for member in &group.members {
            membership.entry(member.as_str()).or_insert(group.id.as_str());
        }
    }
    membership
}

/// Case, spaces and punctuation do not make two names different (as in
/// Squall's simulator): `Place order` and `PlaceOrder` are one name.
fn same_name(name: &str) -> String {
    name.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect()
}

fn name_messages<'b>(
    board: &'b Board,
    contexts: &[Context<'b>],
    context_of: &dyn Fn(&Element) -> usize,
) -> Vec<Message<'b>> {
    let mut shared: BTreeMap<(Kind, String), usize> = BTreeMap::new();
    for element in &board.elements {
        *shared.entry((element.kind, same_name(&element.name))).or_default() += 1;
    }
    let mut messages = Vec::new();
    for kind in [Kind::Command, Kind::Event] {
        let mut type_scopes: BTreeMap<usize, Scope> = BTreeMap::new();
        let elements: Vec<&Element> = board.elements.iter().filter(|e| e.kind == kind).collect();
        // Type names first, so the variants know which are shared.
        let typed: Vec<(&Element, usize, String)> = elements
            .iter()
            .map(|&element| {
                let context = context_of(element);
                let scope = type_scopes.entry(context).or_insert_with(|| Scope::with(TAKEN_TYPES));
                (element, context, scope.claim(&names::pascal(&element.name, element.id.as_str())))
            })
            .collect();
        let mut per_name: BTreeMap<&str, usize> = BTreeMap::new();
        for (_, _, type_name) in &typed {
            *per_name.entry(type_name.as_str()).or_default() += 1;
        }
        let mut variants = Scope::default();
        for (element, context, type_name) in &typed {
            let wanted = match (per_name[type_name.as_str()] > 1, contexts[*context].name) {
                (true, Some(name)) => format!("{}{type_name}", names::pascal(name, "Context")),
                _ => type_name.clone(),
            };
            let is_shared = shared[&(element.kind, same_name(&element.name))] > 1;
            let key = match (is_shared, contexts[*context].name) {
                (true, Some(context)) => format!("{context}/{}", element.name),
                _ => element.name.clone(),
            };
            let mut field_scope = Scope::default();
            let fields = element
                .fields
                .iter()
                .map(|field| FieldName {
                    name: field.name.clone(),
                    ident: field_scope.claim(&names::snake(&field.name, "field")),
                    ty: field.ty.clone(),
                })
                .collect();
            messages.push(Message {
                element,
                context: *context,
                type_name: type_name.clone(),
                variant: variants.claim(&wanted),
                key,
                snake: names::snake(&element.name, element.id.as_str()),
                fields,
            });
        }
    }
    messages
}

fn name_behaviours<'b>(
    board: &'b Board,
    scripts: &'b Scripts,
    contexts: &[Context<'b>],
    messages: &[Message<'b>],
    context_of: &dyn Fn(&Element) -> usize,
) -> Vec<Behaviour<'b>> {
    let mut module_scopes: BTreeMap<usize, Scope> = BTreeMap::new();
    let mut app_fields = Scope::default();
    let kinds = [Kind::Aggregate, Kind::Policy, Kind::ReadModel, Kind::ExternalSystem];
    let all: Vec<&Element> =
        kinds.iter().flat_map(|&k| board.elements.iter().filter(move |e| e.kind == k)).collect();
    // A name two behaviours share on the App is told apart by context.
    let mut per_field: BTreeMap<String, usize> = BTreeMap::new();
    for element in &all {
        *per_field.entry(names::snake(&element.name, element.id.as_str())).or_default() += 1;
    }
    let index: BTreeMap<&str, usize> =
        messages.iter().enumerate().map(|(i, m)| (m.element.id.as_str(), i)).collect();
    let message_of = |id: &str| index.get(id).copied();
    let mut behaviours = Vec::new();
    for element in all {
        let context = context_of(element);
        let snake = names::snake(&element.name, element.id.as_str());
        let scope = module_scopes.entry(context).or_insert_with(|| Scope::with(CONTEXT_MODULES));
        let module = if scope.has(&snake) {
            scope.claim(&format!("{snake}_{}", names::snake(element.kind.label(), "kind")))
        } else {
            scope.claim(&snake)
        };
        let mut type_name = names::pascal(&element.name, element.id.as_str());
        if TAKEN_TYPES.contains(&type_name.as_str()) {
            type_name.push_str(&names::pascal(element.kind.label(), "Kind"));
        }
        let app_field = match contexts[context].name {
            Some(name) if per_field[&snake] > 1 => {
                app_fields.claim(&format!("{}_{snake}", names::snake(name, "context")))
            }
            _ => app_fields.claim(&snake),
        };
        let script = element.script.as_deref().map(|path| (path, scripts.text(&element.id)));
        let text = script.and_then(|(_, text)| text);
        let quote = |function: &str| text.and_then(|t| rhai::function(t, function));

        // Two arrows between the same stickies (labelled differently) are one input.
        let mut incoming: Vec<usize> = board
            .connections
            .iter()
            .filter(|c| c.to == element.id)
            .filter_map(|c| message_of(c.from.as_str()))
            .collect();
        let mut produces: Vec<usize> = board
            .connections
            .iter()
            .filter(|c| c.from == element.id)
            .filter_map(|c| message_of(c.to.as_str()))
            .collect();
        dedup_keeping_order(&mut incoming);
        dedup_keeping_order(&mut produces);

        let mut functions = Scope::with(TAKEN_FUNCTIONS);
        let mut input = |message: usize, prefix: &str| {
            let m = &messages[message];
            let rhai_function = rhai_name(prefix, m);
            // Try the qualified function name first, as the simulator
            // names functions for shared names; then the plain one.
            let rule = quote(&rhai_function)
                .or_else(|| quote(&format!("{prefix}_{}", contract::identifier(&m.element.name))));
            Input {
                message,
                function: functions.claim(&format!("{prefix}_{}", m.snake)),
                rhai_function,
                rule,
            }
        };
        let of = |list: &[usize], kind: Kind| {
            list.iter().copied().filter(|&m| messages[m].element.kind == kind).collect::<Vec<_>>()
        };
        let (commands, events) = match element.kind {
            Kind::Aggregate => (
                of(&incoming, Kind::Command).into_iter().map(|m| input(m, "handle")).collect(),
                of(&produces, Kind::Event).into_iter().map(|m| input(m, "apply")).collect(),
            ),
            Kind::Policy => {
                (Vec::new(), of(&incoming, Kind::Event).into_iter().map(|m| input(m, "on")).collect())
            }
            Kind::ReadModel => {
                (Vec::new(), of(&incoming, Kind::Event).into_iter().map(|m| input(m, "project")).collect())
            }
            _ => (
                of(&incoming, Kind::Command).into_iter().map(|m| input(m, "on")).collect(),
                of(&incoming, Kind::Event).into_iter().map(|m| input(m, "on")).collect(),
            ),
        };
        let produces = match element.kind {
            Kind::Policy => of(&produces, Kind::Command),
            Kind::ReadModel => Vec::new(),
            _ => of(&produces, Kind::Event),
        };
        behaviours.push(Behaviour {
            element,
            context,
            module,
            type_name,
            app_field,
            script,
            initial: quote(contract::INITIAL),
            commands,
            events,
            produces,
            keeps_state: element.kind == Kind::Policy && text.is_some_and(rhai::keeps_state),
        });
    }
    behaviours
}

fn dedup_keeping_order(list: &mut Vec<usize>) {
    let mut seen = std::collections::BTreeSet::new();
    list.retain(|item| seen.insert(*item));
}

/// `handle_DepositMoney`, or `handle_Banking_DepositMoney` for a name two
/// contexts share (the simulator's names for script functions).
fn rhai_name(prefix: &str, message: &Message<'_>) -> String {
    format!("{prefix}_{}", contract::identifier(&message.key))
}
