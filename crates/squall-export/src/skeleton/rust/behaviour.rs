//! One file per aggregate, policy, read model and external system: its
//! type, its public face (`handle`/`apply`, `react`, `project`,
//! `on_command`/`on_event`) and one function per message it takes, whose
//! body is the rule to write, quoted from the board's script.

use std::collections::BTreeSet;

use squall_model::Kind;

use super::{message_path, use_line};
use crate::skeleton::plan::{Behaviour, Input, Plan};
use crate::skeleton::source::Source;

/// Lines are broken past this column, as rustfmt does.
const WIDTH: usize = 100;

pub fn generate(plan: &Plan<'_>, behaviour: &Behaviour<'_>) -> String {
    let mut src = Source::new();
    header(&mut src, behaviour);
    imports(&mut src, plan, behaviour);
    match behaviour.element.kind {
        Kind::Aggregate => aggregate(&mut src, plan, behaviour),
        Kind::Policy => policy(&mut src, plan, behaviour),
        Kind::ReadModel => read_model(&mut src, plan, behaviour),
        _ => external_system(&mut src, plan, behaviour),
    }
    src.finish()
}

fn header(src: &mut Source, behaviour: &Behaviour<'_>) {
    let element = behaviour.element;
    src.line(0, format!("//! {} `{}` ({}).", element.kind.label(), element.name, element.id));
    if let Some(description) = &element.description {
        src.line(0, "//!");
        src.comment(0, "//!", description);
    }
    src.line(0, "//!");
    match behaviour.script {
        Some((path, Some(_))) => src.line(
            0,
            format!("//! Its rules are in `{path}` on the board; each function below quotes the one it stands for."),
        ),
        Some((path, None)) => src.line(0, format!("//! The board names the script `{path}`, which was not found.")),
        None => src.line(0, "//! The board names no script for it yet."),
    }
    src.blank();
}

/// What the file refers to: `serde` for state types, the crate's enums, and
/// the message modules of each context whose messages it takes.
fn imports(src: &mut Source, plan: &Plan<'_>, behaviour: &Behaviour<'_>) {
    let kind = behaviour.element.kind;
    let has_type = kind == Kind::Aggregate || kind == Kind::ReadModel || behaviour.keeps_state;
    if has_type {
        src.line(0, "use serde::{Deserialize, Serialize};");
        src.blank();
    }
    let inputs = behaviour.commands.iter().chain(&behaviour.events);
    let mut own = BTreeSet::new();
    let mut others = BTreeSet::new();
    for input in inputs {
        let message = &plan.messages[input.message];
        let module = if message.element.kind == Kind::Command { "commands" } else { "events" };
        if message.context == behaviour.context {
            own.insert(module);
        } else {
            others.insert(plan.contexts[message.context].module.as_str());
        }
    }
    let mut from_crate: Vec<&str> = others.into_iter().collect();
    from_crate.extend(crate_types(behaviour));
    let own: Vec<&str> = own.into_iter().collect();
    // One group, in rustfmt's order: `super` before `crate`.
    let lines: Vec<String> =
        [use_line("super", &own), use_line("crate", &from_crate)].into_iter().flatten().collect();
    for line in &lines {
        src.line(0, line);
    }
    if !lines.is_empty() {
        src.blank();
    }
}

fn crate_types(behaviour: &Behaviour<'_>) -> Vec<&'static str> {
    match behaviour.element.kind {
        Kind::Aggregate => vec!["Command", "Event", "Rejection"],
        Kind::Policy => vec!["Command", "Event"],
        Kind::ReadModel => vec!["Event"],
        _ if behaviour.commands.is_empty() && behaviour.events.is_empty() => Vec::new(),
        _ if behaviour.commands.is_empty() => vec!["Event"],
        _ => vec!["Command", "Event"],
    }
}

/// The doc comment over a rule's function: what it stands for and the rule.
fn rule_doc(src: &mut Source, indent: usize, behaviour: &Behaviour<'_>, input: &Input, what: &str) {
    src.line(indent, format!("/// {what}."));
    src.line(indent, "///");
    match (&input.rule, behaviour.script) {
        (Some(rule), Some((path, _))) => {
            src.line(indent, format!("/// The board's rule, `{}` in `{path}`:", input.rhai_function));
            src.line(indent, "///");
            src.quote(indent, "///", rule);
        }
        (None, Some((_, Some(_)))) => {
            src.line(indent, format!("/// The board's script has no `{}` yet.", input.rhai_function));
        }
        _ => src.line(indent, format!("/// No script on the board has `{}` yet.", input.rhai_function)),
    }
}

fn state_doc(src: &mut Source, indent: usize, behaviour: &Behaviour<'_>, what: &str) {
    src.line(indent, format!("/// {what}"));
    if let Some(initial) = &behaviour.initial {
        src.line(indent, "///");
        src.line(indent, "/// Its initial state in the board's script:");
        src.line(indent, "///");
        src.quote(indent, "///", initial);
    }
}

fn state_struct(src: &mut Source, name: &str) {
    src.line(0, "#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]");
    src.line(0, format!("pub struct {name} {{"));
    src.line(1, "// TODO: the fields; the board's rules above say what they need.");
    src.line(0, "}");
}

/// How a public face picks the function for a message: the enum it
/// matches on, the name of the value, and what other messages give.
struct Arms<'a> {
    enum_name: &'a str,
    binding: &'a str,
    fallback: &'a str,
}

/// `match binding { Enum::A(binding) => call(A), …, fallback }` with the
/// `match` at `indent`: a fallback arm only when the enum has variants the
/// inputs do not cover (rustfmt-style: no comma after a block arm).
fn dispatch(
    src: &mut Source,
    indent: usize,
    plan: &Plan<'_>,
    inputs: &[Input],
    arms: &Arms<'_>,
    call: &dyn Fn(&Input) -> String,
) {
    let Arms { enum_name, binding, fallback } = *arms;
    if inputs.is_empty() {
        // Nothing to match: the value is named only to be ignored.
        src.line(indent, format!("let _ = {binding};"));
        src.line(indent, fallback.trim_start_matches("_ => ").trim_start_matches("other => "));
        return;
    }
    let all = plan.messages.iter().filter(|m| format!("{:?}", m.element.kind) == enum_name).count();
    if let ([input], "_ => {}") = (inputs, fallback)
        && all > 1
    {
        // One message and nothing to do for the rest: `if let`, as clippy prefers to a `match`.
        let variant = &plan.messages[input.message].variant;
        src.line(indent, format!("if let {enum_name}::{variant}({binding}) = {binding} {{"));
        src.line(indent + 1, format!("{};", call(input)));
        src.line(indent, "}");
        return;
    }
    src.line(indent, format!("match {binding} {{"));
    for input in inputs {
        let variant = &plan.messages[input.message].variant;
        src.line(indent + 1, format!("{enum_name}::{variant}({binding}) => {},", call(input)));
    }
    if inputs.len() < all {
        let comma = if fallback.ends_with('}') { "" } else { "," };
        src.line(indent + 1, format!("{fallback}{comma}"));
    }
    src.line(indent, "}");
}

fn aggregate(src: &mut Source, plan: &Plan<'_>, behaviour: &Behaviour<'_>) {
    let name = &behaviour.type_name;
    let key = behaviour.element.key.as_deref().unwrap_or("id");
    src.line(0, format!("/// The command field that says which `{name}` a command is for."));
    src.line(0, format!("pub const KEY: &str = {key:?};"));
    src.blank();
    state_doc(src, 0, behaviour, &format!("The state of one `{name}`."));
    state_struct(src, name);
    src.blank();
    src.line(0, format!("impl {name} {{"));
    src.line(1, "/// Decide: the events that follow from `command`, or why it is refused.");
    src.line(1, "pub fn handle(&self, command: &Command) -> Result<Vec<Event>, Rejection> {");
    if behaviour.commands.is_empty() {
        src.line(2, format!("Err(Rejection::not_handled(command, {name:?}))"));
    } else {
        let fallback = format!("other => Err(Rejection::not_handled(other, {name:?}))");
        let arms = Arms { enum_name: "Command", binding: "command", fallback: &fallback };
        dispatch(src, 2, plan, &behaviour.commands, &arms, &|i| format!("self.{}(command)", i.function));
    }
    src.line(1, "}");
    src.blank();
    src.line(1, "/// Evolve: the state after `event`.");
    if behaviour.events.is_empty() {
        src.line(1, "pub fn apply(&mut self, _event: &Event) {}");
    } else {
        src.line(1, "pub fn apply(&mut self, event: &Event) {");
        let arms = Arms { enum_name: "Event", binding: "event", fallback: "_ => {}" };
        dispatch(src, 2, plan, &behaviour.events, &arms, &|i| format!("self.{}(event)", i.function));
        src.line(1, "}");
    }
    for input in &behaviour.commands {
        let message = &plan.messages[input.message];
        src.blank();
        rule_doc(src, 1, behaviour, input, &format!("Decides on `{}`", message.element.name));
        let path = message_path(plan, behaviour.context, message);
        let command = format!("command: &{path}");
        let head = format!("fn {}", input.function);
        src.signature(1, &head, &["&self", &command], " -> Result<Vec<Event>, Rejection> {", WIDTH);
        src.line(2, format!("unimplemented!(\"{name}: decide on {{command:?}}\")"));
        src.line(1, "}");
    }
    for input in &behaviour.events {
        let message = &plan.messages[input.message];
        src.blank();
        let path = message_path(plan, behaviour.context, message);
        let has_script = matches!(behaviour.script, Some((_, Some(_))));
        if input.rule.is_none() && has_script {
            // Squall leaves the state as it is when a script has no applier.
            src.line(
                1,
                format!(
                    "/// Applies `{}`: the board's script has no `{}`, so the state stays as it is.",
                    message.element.name, input.rhai_function
                ),
            );
            src.signature(
                1,
                &format!("fn {}", input.function),
                &["&mut self", &format!("_event: &{path}")],
                " {}",
                WIDTH,
            );
            continue;
        }
        rule_doc(src, 1, behaviour, input, &format!("Applies `{}`", message.element.name));
        src.signature(
            1,
            &format!("fn {}", input.function),
            &["&mut self", &format!("event: &{path}")],
            " {",
            WIDTH,
        );
        src.line(2, format!("unimplemented!(\"{name}: apply {{event:?}}\")"));
        src.line(1, "}");
    }
    src.line(0, "}");
}

fn policy(src: &mut Source, plan: &Plan<'_>, behaviour: &Behaviour<'_>) {
    let name = &behaviour.type_name;
    let issues = produced(plan, behaviour);
    let (indent, receiver, call_prefix) = if behaviour.keeps_state {
        state_doc(
            src,
            0,
            behaviour,
            &format!("What `{}` remembers between events (`this` in its script).", behaviour.element.name),
        );
        state_struct(src, name);
        src.blank();
        src.line(0, format!("impl {name} {{"));
        (1, "&mut self, ", "self.")
    } else {
        (0, "", "")
    };
    src.line(indent, "/// The commands the policy issues on `event`.");
    if !issues.is_empty() {
        src.line(indent, format!("/// It may issue {issues}."));
    }
    src.line(indent, format!("pub fn react({receiver}event: &Event) -> Vec<Command> {{"));
    let arms = Arms { enum_name: "Event", binding: "event", fallback: "_ => Vec::new()" };
    dispatch(src, indent + 1, plan, &behaviour.events, &arms, &|i| {
        format!("{call_prefix}{}(event)", i.function)
    });
    src.line(indent, "}");
    for input in &behaviour.events {
        let message = &plan.messages[input.message];
        let path = message_path(plan, behaviour.context, message);
        src.blank();
        rule_doc(src, indent, behaviour, input, &format!("On `{}`", message.element.name));
        let event = format!("event: &{path}");
        let params: Vec<&str> = if behaviour.keeps_state { vec!["&mut self", &event] } else { vec![&event] };
        src.signature(indent, &format!("fn {}", input.function), &params, " -> Vec<Command> {", WIDTH);
        src.line(indent + 1, format!("unimplemented!(\"{name}: react to {{event:?}}\")"));
        src.line(indent, "}");
    }
    if behaviour.keeps_state {
        src.line(0, "}");
    }
}

fn read_model(src: &mut Source, plan: &Plan<'_>, behaviour: &Behaviour<'_>) {
    let name = &behaviour.type_name;
    match &behaviour.element.key {
        Some(key) => {
            src.line(0, "/// The event field that says which document an event is about.");
            src.line(0, format!("pub const KEY: Option<&str> = Some({key:?});"));
        }
        None => {
            src.line(0, "/// The read model keeps one document, under `all`.");
            src.line(0, "pub const KEY: Option<&str> = None;");
        }
    }
    src.blank();
    src.line(0, format!("/// One document of `{}`.", behaviour.element.name));
    state_struct(src, name);
    src.blank();
    src.line(0, "/// The document after `event`: `None` deletes it (`delete()` in a script), and a");
    src.line(0, "/// projection that ignores an event for a document not started leaves it absent.");
    src.signature(
        0,
        "pub fn project",
        &[&format!("doc: Option<{name}>"), "event: &Event"],
        &format!(" -> Option<{name}> {{"),
        WIDTH,
    );
    let arms = Arms { enum_name: "Event", binding: "event", fallback: "_ => doc" };
    dispatch(src, 1, plan, &behaviour.events, &arms, &|i| format!("{}(doc, event)", i.function));
    src.line(0, "}");
    for input in &behaviour.events {
        let message = &plan.messages[input.message];
        let path = message_path(plan, behaviour.context, message);
        src.blank();
        rule_doc(src, 0, behaviour, input, &format!("Projects `{}`", message.element.name));
        let (doc, event) = (format!("doc: Option<{name}>"), format!("event: &{path}"));
        let tail = format!(" -> Option<{name}> {{");
        src.signature(0, &format!("fn {}", input.function), &[&doc, &event], &tail, WIDTH);
        src.line(1, format!("unimplemented!(\"{name}: project {{event:?}} onto {{doc:?}}\")"));
        src.line(0, "}");
    }
}

fn external_system(src: &mut Source, plan: &Plan<'_>, behaviour: &Behaviour<'_>) {
    let name = &behaviour.type_name;
    let answers = produced(plan, behaviour);
    let scripted = matches!(behaviour.script, Some((_, Some(_))));
    for (inputs, enum_name, binding, function) in [
        (&behaviour.commands, "Command", "command", "on_command"),
        (&behaviour.events, "Event", "event", "on_event"),
    ] {
        if inputs.is_empty() {
            continue;
        }
        let what = if binding == "command" { "a command" } else { "an event" };
        src.line(0, format!("/// The events the system answers {what} sent to it with."));
        if !answers.is_empty() {
            src.line(0, format!("/// It may answer {answers}."));
        }
        src.line(0, format!("pub fn {function}({binding}: &{enum_name}) -> Vec<Event> {{"));
        let arms = Arms { enum_name, binding, fallback: "_ => Vec::new()" };
        dispatch(src, 1, plan, inputs, &arms, &|i| format!("{}({binding})", i.function));
        src.line(0, "}");
        src.blank();
    }
    for input in behaviour.commands.iter().chain(&behaviour.events) {
        let message = &plan.messages[input.message];
        let binding = if message.element.kind == Kind::Command { "command" } else { "event" };
        let path = message_path(plan, behaviour.context, message);
        if !scripted || input.rule.is_none() {
            // Squall lets a system without a script, or without the function, absorb what it gets.
            src.line(
                0,
                format!(
                    "/// On `{}`: the board has no `{}` for it, so it absorbs it.",
                    message.element.name, input.rhai_function
                ),
            );
            src.signature(
                0,
                &format!("fn {}", input.function),
                &[&format!("_{binding}: &{path}")],
                " -> Vec<Event> {",
                WIDTH,
            );
            src.line(1, "Vec::new()");
            src.line(0, "}");
        } else {
            rule_doc(src, 0, behaviour, input, &format!("On `{}`", message.element.name));
            src.signature(
                0,
                &format!("fn {}", input.function),
                &[&format!("{binding}: &{path}")],
                " -> Vec<Event> {",
                WIDTH,
            );
            src.line(1, format!("unimplemented!(\"{name}: answer {{{binding}:?}}\")"));
            src.line(0, "}");
        }
        src.blank();
    }
}

/// "`A` or `B`": the names of what a behaviour may produce.
fn produced(plan: &Plan<'_>, behaviour: &Behaviour<'_>) -> String {
    let names: Vec<String> =
        behaviour.produces.iter().map(|&m| format!("`{}`", plan.messages[m].variant)).collect();
    match names.as_slice() {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} or {last}", rest.join(", ")),
    }
}
