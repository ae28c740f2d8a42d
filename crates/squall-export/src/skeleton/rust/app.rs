//! `src/app.rs`: the whole board wired together in memory, routed the way
//! Squall's simulator routes it. This is the one generated file with no
//! rules to write: who handles and reacts to what is on the board.

use squall_model::Kind;

use crate::skeleton::plan::{Behaviour, Plan};
use crate::skeleton::source::Source;

/// Lines are broken past this column, as rustfmt does.
const WIDTH: usize = 100;

pub fn generate(plan: &Plan<'_>) -> String {
    let mut body = Source::new();
    body.line(0, RUN);
    body.blank();
    app_struct(&mut body, plan);
    body.blank();
    body.line(0, "impl App {");
    body.line(0, GIVEN_AND_RUN);
    body.blank();
    decide(&mut body, plan);
    body.blank();
    follow(&mut body, plan);
    body.blank();
    evolve(&mut body, plan);
    body.blank();
    project(&mut body, plan);
    body.blank();
    react(&mut body, plan, false);
    // Only `follow` asks external systems, and only when there are events to follow.
    if plan.events().next().is_some() {
        body.blank();
        react(&mut body, plan, true);
    }
    body.line(0, "}");
    let mut body = body.finish();
    if body.contains("instance_key(") {
        body.push('\n');
        body.push_str(INSTANCE_KEY);
        body.push('\n');
    }
    if body.contains("key_of(") {
        body.push('\n');
        body.push_str(KEY_OF);
        body.push('\n');
    }

    // Import what the body uses, so the crate builds without warnings.
    let mut src = Source::new();
    src.line(0, HEADER);
    src.blank();
    if body.contains("BTreeMap<") {
        src.line(0, "use std::collections::{BTreeMap, VecDeque};");
    } else {
        src.line(0, "use std::collections::VecDeque;");
    }
    src.blank();
    let mut uses: Vec<&str> = plan
        .contexts
        .iter()
        .map(|c| c.module.as_str())
        .filter(|m| super::mentions_module(&body, m))
        .collect();
    uses.extend(["Command", "Event", "Rejection"]);
    src.line(0, super::use_line("crate", &uses).unwrap_or_default());
    src.blank();
    let mut text = src.finish();
    text.push('\n');
    text.push_str(&body);
    text
}

fn path(plan: &Plan<'_>, behaviour: &Behaviour<'_>) -> String {
    format!("{}::{}", plan.contexts[behaviour.context].module, behaviour.module)
}

fn app_struct(src: &mut Source, plan: &Plan<'_>) {
    src.line(0, "/// The board's aggregates, read models and policies, all in memory.");
    src.line(0, "#[derive(Clone, Debug, Default)]");
    let holds_state = plan.behaviours.iter().any(|b| {
        matches!(b.element.kind, Kind::Aggregate | Kind::ReadModel)
            || (b.element.kind == Kind::Policy && b.keeps_state)
    });
    if !holds_state {
        src.line(0, "pub struct App {}");
        return;
    }
    src.line(0, "pub struct App {");
    for behaviour in &plan.behaviours {
        let ty = format!("{}::{}", path(plan, behaviour), behaviour.type_name);
        match behaviour.element.kind {
            Kind::Aggregate => {
                let key = behaviour.element.key.as_deref().unwrap_or("id");
                src.line(1, format!("/// `{}` instances by `{key}`.", behaviour.element.name));
                src.line(1, format!("pub {}: BTreeMap<String, {ty}>,", behaviour.app_field));
            }
            Kind::ReadModel => {
                match &behaviour.element.key {
                    Some(key) => {
                        src.line(1, format!("/// `{}` documents by `{key}`.", behaviour.element.name));
                    }
                    None => {
                        src.line(1, format!("/// The `{}` document, under `all`.", behaviour.element.name));
                    }
                }
                src.line(1, format!("pub {}: BTreeMap<String, {ty}>,", behaviour.app_field));
            }
            Kind::Policy if behaviour.keeps_state => {
                src.line(1, format!("/// What `{}` remembers.", behaviour.element.name));
                src.line(1, format!("pub {}: {ty},", behaviour.app_field));
            }
            _ => {}
        }
    }
    src.line(0, "}");
}

/// `Command::A(_) | Command::B(_)` as one pattern: on one line when it fits,
/// else one variant a line, the others `deeper` levels further in (rustfmt
/// indents them inside a macro call, not in a match arm).
fn pattern(src: &mut Source, indent: usize, deeper: usize, enum_name: &str, variants: &[&str], end: &str) {
    let alternatives: Vec<String> = variants.iter().map(|v| format!("{enum_name}::{v}(_)")).collect();
    let one_line = format!("{}{end}", alternatives.join(" | "));
    if indent * 4 + one_line.len() <= WIDTH {
        src.line(indent, one_line);
        return;
    }
    for (i, alternative) in alternatives.iter().enumerate() {
        let tail = if i + 1 == alternatives.len() { end } else { "" };
        if i == 0 {
            src.line(indent, format!("{alternative}{tail}"));
        } else {
            src.line(indent + deeper, format!("| {alternative}{tail}"));
        }
    }
}

fn decide(src: &mut Source, plan: &Plan<'_>) {
    src.line(1, "/// The events the command's handler decides on, applied to its aggregate instance.");
    src.line(1, "fn decide(&mut self, command: &Command) -> Result<Vec<Event>, Rejection> {");
    let commands: Vec<usize> = plan.commands().map(|(i, _)| i).collect();
    if commands.is_empty() {
        src.line(2, "match *command {}");
        src.line(1, "}");
        return;
    }
    src.line(2, "match command {");
    let mut handled = 0;
    for behaviour in &plan.behaviours {
        let routed: Vec<&str> = commands
            .iter()
            .filter(|&&c| plan.handler_of(c).is_some_and(|h| h.element.id == behaviour.element.id))
            .map(|&c| plan.messages[c].variant.as_str())
            .collect();
        if routed.is_empty() {
            continue;
        }
        handled += routed.len();
        let module = path(plan, behaviour);
        let field = &behaviour.app_field;
        if behaviour.element.kind != Kind::Aggregate {
            let call = format!("Ok({module}::on_command(command))");
            let alternatives: Vec<String> = routed.iter().map(|v| format!("Command::{v}(_)")).collect();
            let arm = format!("{} => {call},", alternatives.join(" | "));
            if 12 + arm.len() <= WIDTH {
                src.line(3, arm);
            } else {
                pattern(src, 3, 0, "Command", &routed, " => {");
                src.line(4, call);
                src.line(3, "}");
            }
            continue;
        }
        pattern(src, 3, 0, "Command", &routed, " => {");
        {
            let name = format!("{:?}", behaviour.element.name);
            src.line(4, format!("let key = instance_key(command, {module}::KEY, {name})?;"));
            src.line(4, format!("let mut state = self.{field}.get(&key).cloned().unwrap_or_default();"));
            src.line(4, "let events = state.handle(command)?;");
            src.line(4, "for event in &events {");
            src.line(5, "state.apply(event);");
            src.line(4, "}");
            src.line(4, format!("self.{field}.insert(key, state);"));
            src.line(4, "Ok(events)");
            src.line(3, "}");
        }
    }
    if handled < commands.len() {
        src.line(3, "// Nothing on the board handles these: they are accepted and change nothing.");
        src.line(3, "_ => Ok(Vec::new()),");
    }
    src.line(2, "}");
    src.line(1, "}");
}

fn follow(src: &mut Source, plan: &Plan<'_>) {
    src.line(1, "/// Hand each event on, oldest first: read models project it, policies react");
    src.line(1, "/// (their commands join the queue), external systems answer (their events join the step).");
    if plan.events().next().is_none() {
        // A board without events: there is nothing to hand on.
        src.line(
            1,
            "fn follow(&mut self, events: Vec<Event>, _queue: &mut VecDeque<Command>) -> Vec<Event> {",
        );
        src.line(2, "events");
        src.line(1, "}");
        return;
    }
    src.line(
        1,
        "fn follow(&mut self, mut events: Vec<Event>, queue: &mut VecDeque<Command>) -> Vec<Event> {",
    );
    src.line(2, "let mut next = 0;");
    src.line(2, "while next < events.len() {");
    src.line(3, "let event = events[next].clone();");
    src.line(3, "self.project(&event);");
    src.line(3, "queue.extend(self.react(&event));");
    src.line(3, "events.extend(self.answer(&event));");
    src.line(3, "next += 1;");
    src.line(2, "}");
    src.line(2, "events");
    src.line(1, "}");
}

fn evolve(src: &mut Source, plan: &Plan<'_>) {
    src.line(1, "/// Apply a past event to the instance of the aggregate that emits it, found by the");
    src.line(1, "/// aggregate's key field in the event.");
    let mut arms = Vec::new();
    for behaviour in plan.of_kind(Kind::Aggregate) {
        let variants: Vec<&str> = plan
            .events()
            .filter(|(i, _)| plan.emitter_of(*i).is_some_and(|e| e.element.id == behaviour.element.id))
            .map(|(_, m)| m.variant.as_str())
            .collect();
        if !variants.is_empty() {
            arms.push((behaviour, variants));
        }
    }
    if arms.is_empty() {
        src.line(1, "fn evolve(&mut self, _event: &Event) {}");
        return;
    }
    src.line(1, "fn evolve(&mut self, event: &Event) {");
    for (n, (behaviour, variants)) in arms.iter().enumerate() {
        if n > 0 {
            src.blank();
        }
        let key = format!("let Some(key) = key_of(&event.data(), {}::KEY)", path(plan, behaviour));
        if variants.len() == plan.events().count() {
            src.line(2, format!("if {key} {{"));
        } else {
            // A let chain, as clippy prefers to nested `if`s, laid out as rustfmt lays them out.
            let alternatives: Vec<String> = variants.iter().map(|v| format!("Event::{v}(_)")).collect();
            let one_line = format!("if matches!(event, {})", alternatives.join(" | "));
            if 8 + one_line.len() <= WIDTH {
                src.line(2, one_line);
                src.line(3, format!("&& {key}"));
            } else {
                // A macro call that spans lines takes the `&&` on its closing line.
                src.line(2, "if matches!(");
                src.line(3, "event,");
                pattern(src, 3, 1, "Event", variants, "");
                src.line(2, format!(") && {key}"));
            }
            src.line(2, "{");
        }
        src.line(3, format!("self.{}.entry(key).or_default().apply(event);", behaviour.app_field));
        src.line(2, "}");
    }
    src.line(1, "}");
}

/// `if matches!(event, Event::A(_) | …) {` around what only these events
/// concern (nothing when they are all the events); the indentation inside.
fn open_guard(src: &mut Source, plan: &Plan<'_>, variants: &[&str]) -> usize {
    if variants.len() == plan.events().count() {
        return 2;
    }
    let alternatives: Vec<String> = variants.iter().map(|v| format!("Event::{v}(_)")).collect();
    let one_line = format!("if matches!(event, {}) {{", alternatives.join(" | "));
    if 8 + one_line.len() <= WIDTH {
        src.line(2, one_line);
    } else {
        src.line(2, "if matches!(");
        src.line(3, "event,");
        pattern(src, 3, 1, "Event", variants, "");
        src.line(2, ") {");
    }
    3
}

fn close_guard(src: &mut Source, plan: &Plan<'_>, variants: &[&str]) {
    if variants.len() < plan.events().count() {
        src.line(2, "}");
    }
}

fn project(src: &mut Source, plan: &Plan<'_>) {
    src.line(1, "/// Each read model that takes the event projects it, in the board's timeline order.");
    let read_models: Vec<&Behaviour<'_>> =
        plan.in_timeline(Kind::ReadModel).into_iter().filter(|b| !b.events.is_empty()).collect();
    if read_models.is_empty() {
        src.line(1, "fn project(&mut self, _event: &Event) {}");
        return;
    }
    src.line(1, "fn project(&mut self, event: &Event) {");
    for (n, behaviour) in read_models.iter().enumerate() {
        if n > 0 {
            src.blank();
        }
        let module = path(plan, behaviour);
        let variants: Vec<&str> =
            behaviour.events.iter().map(|i| plan.messages[i.message].variant.as_str()).collect();
        let indent = open_guard(src, plan, &variants);
        src.line(indent, format!("let key = match {module}::KEY {{"));
        src.line(indent + 1, "Some(field) => key_of(&event.data(), field),");
        src.line(indent + 1, "None => Some(\"all\".to_owned()),");
        src.line(indent, "};");
        src.line(indent, "if let Some(key) = key {");
        src.line(indent + 1, format!("let doc = self.{}.remove(&key);", behaviour.app_field));
        src.line(indent + 1, format!("if let Some(doc) = {module}::project(doc, event) {{"));
        src.line(indent + 2, format!("self.{}.insert(key, doc);", behaviour.app_field));
        src.line(indent + 1, "}");
        src.line(indent, "}");
        close_guard(src, plan, &variants);
    }
    src.line(1, "}");
}

/// `react` (policies, in timeline order) or `answer` (external systems taking events).
fn react(src: &mut Source, plan: &Plan<'_>, answer: bool) {
    let (kind, name, ty, what) = if answer {
        (
            Kind::ExternalSystem,
            "answer",
            "Event",
            "/// The events external systems answer an event sent to them with.",
        )
    } else {
        (
            Kind::Policy,
            "react",
            "Command",
            "/// The commands the policies issue on the event, in the board's timeline order.",
        )
    };
    let takers: Vec<&Behaviour<'_>> =
        plan.in_timeline(kind).into_iter().filter(|b| !b.events.is_empty()).collect();
    src.line(1, what);
    if takers.is_empty() {
        src.line(1, format!("fn {name}(&mut self, _event: &Event) -> Vec<{ty}> {{"));
        src.line(2, "Vec::new()");
        src.line(1, "}");
        return;
    }
    src.line(1, format!("fn {name}(&mut self, event: &Event) -> Vec<{ty}> {{"));
    src.line(2, "let mut out = Vec::new();");
    for behaviour in takers {
        let module = path(plan, behaviour);
        let call = match (answer, behaviour.keeps_state) {
            (true, _) => format!("{module}::on_event(event)"),
            (false, true) => format!("self.{}.react(event)", behaviour.app_field),
            (false, false) => format!("{module}::react(event)"),
        };
        src.line(2, format!("out.extend({call});"));
    }
    src.line(2, "out");
    src.line(1, "}");
}

const HEADER: &str = r#"//! The whole board in memory, routed the way Squall's simulator routes it:
//! a command goes to the aggregate (or external system) its arrow points at,
//! the aggregate instance is found by its key field, its events are applied
//! to it, then each event is projected by read models, handed to policies
//! (whose commands queue up behind the current one) and to external systems.
//! Generated from the board's arrows; it has no rules of its own to write."#;

const RUN: &str = r#"/// How many commands one cascade may run before it is taken for a loop, as in Squall.
pub const CASCADE_LIMIT: usize = 100;

/// One command and what came of it.
#[derive(Clone, Debug, PartialEq)]
pub struct Step {
    pub command: Command,
    pub outcome: Result<Vec<Event>, Rejection>,
}

/// A command and every command it set off, in the order they ran.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Run {
    pub steps: Vec<Step>,
    /// The cascade went past `CASCADE_LIMIT` commands and was stopped.
    pub stopped: bool,
}

impl Run {
    /// Every event the run appended, in order.
    pub fn events(&self) -> Vec<Event> {
        self.steps.iter().filter_map(|step| step.outcome.as_ref().ok()).flatten().cloned().collect()
    }

    /// Why the first command was refused, if it was.
    pub fn rejection(&self) -> Option<&Rejection> {
        self.steps.first()?.outcome.as_ref().err()
    }

    /// Why each command called `name` (as Squall names it) was refused.
    pub fn rejections_of(&self, name: &str) -> Vec<&Rejection> {
        self.steps
            .iter()
            .filter(|step| step.command.name() == name)
            .filter_map(|step| step.outcome.as_ref().err())
            .collect()
    }
}"#;

const GIVEN_AND_RUN: &str = r#"    /// Take `event` as history: its aggregate applies it, read models project it and
    /// policies that keep state learn from it; the commands they would issue were
    /// issued back then, so they are dropped.
    pub fn given(&mut self, event: &Event) {
        self.evolve(event);
        self.project(event);
        let _issued_back_then = self.react(event);
    }

    /// Run `command` and everything it sets off, until nothing is left to do.
    pub fn run(&mut self, command: Command) -> Run {
        let mut run = Run::default();
        let mut queue = VecDeque::from([command]);
        while let Some(command) = queue.pop_front() {
            if run.steps.len() == CASCADE_LIMIT {
                run.stopped = true;
                break;
            }
            let outcome = match self.decide(&command) {
                Ok(events) => Ok(self.follow(events, &mut queue)),
                Err(rejection) => Err(rejection),
            };
            run.steps.push(Step { command, outcome });
        }
        run
    }"#;

const INSTANCE_KEY: &str = r#"/// The instance of aggregate `of` a command is for: the value of its `key` field.
fn instance_key(command: &Command, key: &str, of: &str) -> Result<String, Rejection> {
    key_of(&command.data(), key).ok_or_else(|| Rejection::no_key(command, key, of))
}"#;

const KEY_OF: &str = r#"/// The value of `field` in a payload, as the text Squall files instances and documents by.
fn key_of(data: &serde_json::Value, field: &str) -> Option<String> {
    match data.get(field)? {
        serde_json::Value::Null => None,
        serde_json::Value::String(text) => Some(text.clone()),
        other => Some(other.to_string()),
    }
}"#;
