//! One file per aggregate, policy, read model and external system, as in
//! the Rust crate: its public face and one function per message it takes,
//! whose body is the rule to write, quoted from the board's script.

use std::collections::BTreeSet;

use squall_model::Kind;

use super::comment_safe;
use crate::skeleton::names;
use crate::skeleton::plan::{Behaviour, Input, Plan};
use crate::skeleton::source::Source;

pub fn generate(plan: &Plan<'_>, behaviour: &Behaviour<'_>) -> String {
    let mut body = Source::two_spaces();
    match behaviour.element.kind {
        Kind::Aggregate => aggregate(&mut body, plan, behaviour),
        Kind::Policy => policy(&mut body, plan, behaviour),
        Kind::ReadModel => read_model(&mut body, plan, behaviour),
        _ => external_system(&mut body, plan, behaviour),
    }
    let body = break_long_heads(&body.finish());
    let mut src = Source::two_spaces();
    header(&mut src, behaviour);
    imports(&mut src, plan, behaviour, &body);
    let mut text = src.finish();
    text.push('\n');
    text.push_str(&body);
    text
}

/// Function heads longer than a line may be, with one parameter a line, as
/// Prettier lays them out. The generated parameters hold no commas or parentheses.
fn break_long_heads(text: &str) -> String {
    const WIDTH: usize = 100;
    let mut out = String::with_capacity(text.len());
    for line in text.lines() {
        let code = line.trim_start();
        let is_head = ["private ", "function ", "export function "].iter().any(|p| code.starts_with(p));
        match (is_head && line.len() > WIDTH && line.ends_with('{'), line.find('('), line.find(')')) {
            (true, Some(open), Some(close)) if open < close => {
                let indent = &line[..line.len() - code.len()];
                out.push_str(&line[..=open]);
                out.push('\n');
                for param in line[open + 1..close].split(", ") {
                    out.push_str(&format!("{indent}  {param},\n"));
                }
                out.push_str(&format!("{indent}{}\n", &line[close..]));
            }
            _ => {
                out.push_str(line);
                out.push('\n');
            }
        }
    }
    out
}

/// Whether the code of `body` (comments left out) uses `word` as a whole word.
fn uses(body: &str, word: &str) -> bool {
    body.lines()
        .map(str::trim_start)
        .filter(|line| !line.starts_with("/**") && !line.starts_with('*') && !line.starts_with("//"))
        .any(|line| line.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).any(|w| w == word))
}

fn header(src: &mut Source, behaviour: &Behaviour<'_>) {
    let element = behaviour.element;
    let mut doc = format!("{} `{}` ({}).", element.kind.label(), element.name, element.id);
    if let Some(description) = &element.description {
        doc.push_str("\n\n");
        doc.push_str(description);
    }
    doc.push_str("\n\n");
    doc.push_str(&match behaviour.script {
        Some((path, Some(_))) => {
            format!(
                "Its rules are in `{path}` on the board; each function below quotes the one it stands for."
            )
        }
        Some((path, None)) => format!("The board names the script `{path}`, which was not found."),
        None => "The board names no script for it yet.".to_owned(),
    });
    super::jsdoc(src, 0, &doc);
    src.blank();
}

/// A function name in camel case from a snake one: `handle_deposit_money` → `handleDepositMoney`.
fn camel(snake: &str) -> String {
    names::camel(snake, "rule")
}

/// Import exactly what the body uses: `tsc` with `noUnusedLocals` refuses the rest.
fn imports(src: &mut Source, plan: &Plan<'_>, behaviour: &Behaviour<'_>, body: &str) {
    let mut items: Vec<String> = Vec::new();
    for (name, is_type) in
        [("Command", true), ("Event", true), ("Rejection", false), ("unimplemented", false)]
    {
        if uses(body, name) {
            items.push(if is_type { format!("type {name}") } else { name.to_owned() });
        }
    }
    items.sort_by_key(|item| item.trim_start_matches("type ").to_lowercase());
    if !items.is_empty() {
        src.line(0, format!("import {{ {} }} from \"../messages.js\";", items.join(", ")));
    }
    let mut own = BTreeSet::new();
    let mut others = BTreeSet::new();
    for input in behaviour.commands.iter().chain(&behaviour.events) {
        let message = &plan.messages[input.message];
        let module = if message.element.kind == Kind::Command { "commands" } else { "events" };
        if message.context == behaviour.context {
            own.insert(module);
        } else {
            others.insert(plan.contexts[message.context].module.as_str());
        }
    }
    for module in others.into_iter().filter(|m| uses(body, m)) {
        src.line(0, format!("import type * as {module} from \"../{module}/index.js\";"));
    }
    for module in own.into_iter().filter(|m| uses(body, m)) {
        src.line(0, format!("import type * as {module} from \"./{module}.js\";"));
    }
}

fn message_type(plan: &Plan<'_>, behaviour: &Behaviour<'_>, input: &Input) -> String {
    let message = &plan.messages[input.message];
    let module = if message.element.kind == Kind::Command { "commands" } else { "events" };
    if message.context == behaviour.context {
        format!("{module}.{}", message.type_name)
    } else {
        format!("{}.{module}.{}", plan.contexts[message.context].module, message.type_name)
    }
}

fn rule_doc(src: &mut Source, indent: usize, behaviour: &Behaviour<'_>, input: &Input, what: &str) {
    src.line(indent, "/**");
    src.line(indent, format!(" * {}.", comment_safe(what)));
    src.line(indent, " *");
    match (&input.rule, behaviour.script) {
        (Some(rule), Some((path, _))) => {
            src.line(
                indent,
                format!(" * The board's rule, `{}` in `{}`:", input.rhai_function, comment_safe(path)),
            );
            src.line(indent, " *");
            src.quote(indent, " *", &comment_safe(rule));
        }
        (None, Some((_, Some(_)))) => {
            src.line(indent, format!(" * The board's script has no `{}` yet.", input.rhai_function));
        }
        _ => src.line(indent, format!(" * No script on the board has `{}` yet.", input.rhai_function)),
    }
    src.line(indent, " */");
}

fn state_doc(src: &mut Source, behaviour: &Behaviour<'_>, what: &str) {
    src.line(0, "/**");
    src.line(0, format!(" * {}", comment_safe(what)));
    if let Some(initial) = &behaviour.initial {
        src.line(0, " *");
        src.line(0, " * Its initial state in the board's script:");
        src.line(0, " *");
        src.quote(0, " *", &comment_safe(initial));
    }
    src.line(0, " */");
}

/// `switch (binding.name) { case "A": return call(binding.data); … }`, with a
/// `default` only when some messages of the union are not taken: in an
/// exhaustive switch `binding` is `never` there, and `tsc` knows all paths return.
fn dispatch(
    src: &mut Source,
    indent: usize,
    plan: &Plan<'_>,
    inputs: &[Input],
    binding: &str,
    call: &dyn Fn(&Input) -> String,
    fallback: &str,
) {
    let kind = if binding == "command" { Kind::Command } else { Kind::Event };
    if inputs.is_empty() {
        src.line(indent, format!("void {binding};"));
        src.line(indent, format!("return {};", fallback.replace("${command.name}", "a command")));
        return;
    }
    src.line(indent, format!("switch ({binding}.name) {{"));
    for input in inputs {
        src.line(indent + 1, format!("case {}:", super::string(&plan.messages[input.message].key)));
        src.line(indent + 2, format!("return {};", call(input)));
    }
    if inputs.len() < plan.messages.iter().filter(|m| m.element.kind == kind).count() {
        src.line(indent + 1, "default:");
        src.line(indent + 2, format!("return {fallback};"));
    }
    src.line(indent, "}");
}

fn aggregate(src: &mut Source, plan: &Plan<'_>, behaviour: &Behaviour<'_>) {
    let name = &behaviour.type_name;
    let key = behaviour.element.key.as_deref().unwrap_or("id");
    src.line(0, format!("/** The command field that says which `{name}` a command is for. */"));
    src.line(0, format!("export const KEY = {};", super::string(key)));
    src.blank();
    state_doc(src, behaviour, &format!("One `{name}`: its state, how it decides and how it evolves."));
    src.line(0, format!("export class {name} {{"));
    src.line(1, "// TODO: the state's fields; the board's rules below say what they need.");
    src.blank();
    src.line(1, "/** Decide: the events that follow from `command`, or why it is refused. */");
    src.line(1, "handle(command: Command): Event[] | Rejection {");
    dispatch(
        src,
        2,
        plan,
        &behaviour.commands,
        "command",
        &|i| format!("this.{}(command.data)", camel(&i.function)),
        &format!("new Rejection(`{name} does not handle ${{command.name}}`)"),
    );
    src.line(1, "}");
    src.blank();
    src.line(1, "/** Evolve: the state after `event`. */");
    src.line(1, "apply(event: Event): void {");
    dispatch(
        src,
        2,
        plan,
        &behaviour.events,
        "event",
        &|i| format!("this.{}(event.data)", camel(&i.function)),
        "undefined",
    );
    src.line(1, "}");
    let scripted = matches!(behaviour.script, Some((_, Some(_))));
    for input in &behaviour.commands {
        let message = &plan.messages[input.message];
        src.blank();
        rule_doc(src, 1, behaviour, input, &format!("Decides on `{}`", message.element.name));
        src.line(
            1,
            format!(
                "private {}(command: {}): Event[] | Rejection {{",
                camel(&input.function),
                message_type(plan, behaviour, input)
            ),
        );
        src.line(2, format!("return unimplemented(\"{name}: decide on\", command);"));
        src.line(1, "}");
    }
    for input in &behaviour.events {
        let message = &plan.messages[input.message];
        src.blank();
        let ty = message_type(plan, behaviour, input);
        if input.rule.is_none() && scripted {
            src.line(
                1,
                format!(
                    "/** Applies `{}`: the board's script has no `{}`, so the state stays as it is. */",
                    comment_safe(&message.element.name),
                    input.rhai_function
                ),
            );
            src.line(1, format!("private {}(_event: {ty}): void {{}}", camel(&input.function)));
            continue;
        }
        rule_doc(src, 1, behaviour, input, &format!("Applies `{}`", message.element.name));
        src.line(1, format!("private {}(event: {ty}): void {{", camel(&input.function)));
        src.line(2, format!("unimplemented(\"{name}: apply\", event);"));
        src.line(1, "}");
    }
    src.line(0, "}");
}

fn policy(src: &mut Source, plan: &Plan<'_>, behaviour: &Behaviour<'_>) {
    let name = &behaviour.type_name;
    if behaviour.keeps_state {
        state_doc(
            src,
            behaviour,
            &format!(
                "`{}` and what it remembers between events (`this` in its script).",
                behaviour.element.name
            ),
        );
        src.line(0, format!("export class {name} {{"));
        src.line(1, "// TODO: what it remembers; the board's rules below say what.");
        src.blank();
        src.line(1, "/** The commands the policy issues on `event`. */");
        src.line(1, "react(event: Event): Command[] {");
        dispatch(
            src,
            2,
            plan,
            &behaviour.events,
            "event",
            &|i| format!("this.{}(event.data)", camel(&i.function)),
            "[]",
        );
        src.line(1, "}");
        for input in &behaviour.events {
            let message = &plan.messages[input.message];
            src.blank();
            rule_doc(src, 1, behaviour, input, &format!("On `{}`", message.element.name));
            src.line(
                1,
                format!(
                    "private {}(event: {}): Command[] {{",
                    camel(&input.function),
                    message_type(plan, behaviour, input)
                ),
            );
            src.line(2, format!("return unimplemented(\"{name}: react to\", event);"));
            src.line(1, "}");
        }
        src.line(0, "}");
        return;
    }
    src.line(0, "/** The commands the policy issues on `event`. */");
    src.line(0, "export function react(event: Event): Command[] {");
    dispatch(
        src,
        1,
        plan,
        &behaviour.events,
        "event",
        &|i| format!("{}(event.data)", camel(&i.function)),
        "[]",
    );
    src.line(0, "}");
    for input in &behaviour.events {
        let message = &plan.messages[input.message];
        src.blank();
        rule_doc(src, 0, behaviour, input, &format!("On `{}`", message.element.name));
        src.line(
            0,
            format!(
                "function {}(event: {}): Command[] {{",
                camel(&input.function),
                message_type(plan, behaviour, input)
            ),
        );
        src.line(1, format!("return unimplemented(\"{name}: react to\", event);"));
        src.line(0, "}");
    }
}

fn read_model(src: &mut Source, plan: &Plan<'_>, behaviour: &Behaviour<'_>) {
    let name = &behaviour.type_name;
    match &behaviour.element.key {
        Some(key) => {
            src.line(0, "/** The event field that says which document an event is about. */");
            src.line(0, format!("export const KEY: string | null = {};", super::string(key)));
        }
        None => {
            src.line(0, "/** The read model keeps one document, under `all`. */");
            src.line(0, "export const KEY: string | null = null;");
        }
    }
    src.blank();
    src.line(0, format!("/** One document of `{}`. */", comment_safe(&behaviour.element.name)));
    src.line(0, format!("export interface {name} {{"));
    src.line(1, "// TODO: the fields; the board's rules below say what they need.");
    src.line(0, "}");
    src.blank();
    src.line(0, "/**");
    src.line(0, " * The document after `event`: `undefined` deletes it (`delete()` in a script), and");
    src.line(0, " * a projection that ignores an event for a document not started leaves it absent.");
    src.line(0, " */");
    src.line(
        0,
        format!("export function project(doc: {name} | undefined, event: Event): {name} | undefined {{"),
    );
    dispatch(
        src,
        1,
        plan,
        &behaviour.events,
        "event",
        &|i| format!("{}(doc, event.data)", camel(&i.function)),
        "doc",
    );
    src.line(0, "}");
    for input in &behaviour.events {
        let message = &plan.messages[input.message];
        src.blank();
        rule_doc(src, 0, behaviour, input, &format!("Projects `{}`", message.element.name));
        src.line(
            0,
            format!(
                "function {}(doc: {name} | undefined, event: {}): {name} | undefined {{",
                camel(&input.function),
                message_type(plan, behaviour, input)
            ),
        );
        src.line(1, format!("return unimplemented(\"{name}: project\", event, doc);"));
        src.line(0, "}");
    }
}

fn external_system(src: &mut Source, plan: &Plan<'_>, behaviour: &Behaviour<'_>) {
    let name = &behaviour.type_name;
    let scripted = matches!(behaviour.script, Some((_, Some(_))));
    for (inputs, ty, binding, function) in [
        (&behaviour.commands, "Command", "command", "onCommand"),
        (&behaviour.events, "Event", "event", "onEvent"),
    ] {
        if inputs.is_empty() {
            continue;
        }
        let what = if binding == "command" { "a command" } else { "an event" };
        src.line(0, format!("/** The events the system answers {what} sent to it with. */"));
        src.line(0, format!("export function {function}({binding}: {ty}): Event[] {{"));
        dispatch(src, 1, plan, inputs, binding, &|i| format!("{}({binding}.data)", camel(&i.function)), "[]");
        src.line(0, "}");
        src.blank();
    }
    for input in behaviour.commands.iter().chain(&behaviour.events) {
        let message = &plan.messages[input.message];
        let binding = if message.element.kind == Kind::Command { "command" } else { "event" };
        let ty = message_type(plan, behaviour, input);
        if !scripted || input.rule.is_none() {
            src.line(
                0,
                format!(
                    "/** On `{}`: the board has no `{}` for it, so it absorbs it. */",
                    comment_safe(&message.element.name),
                    input.rhai_function
                ),
            );
            src.line(0, format!("function {}(_{binding}: {ty}): Event[] {{", camel(&input.function)));
            src.line(1, "return [];");
            src.line(0, "}");
        } else {
            rule_doc(src, 0, behaviour, input, &format!("On `{}`", message.element.name));
            src.line(0, format!("function {}({binding}: {ty}): Event[] {{", camel(&input.function)));
            src.line(1, format!("return unimplemented(\"{name}: answer\", {binding});"));
            src.line(0, "}");
        }
        src.blank();
    }
}
