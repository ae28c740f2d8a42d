//! `src/app.ts`: the whole board in memory, routed as in the Rust crate's
//! `App` and as Squall's simulator routes it.

use squall_model::Kind;

use super::string;
use crate::skeleton::names;
use crate::skeleton::plan::{Behaviour, Plan};
use crate::skeleton::source::Source;

fn field(behaviour: &Behaviour<'_>) -> String {
    names::camel(&behaviour.app_field, "sticky")
}

fn path(plan: &Plan<'_>, behaviour: &Behaviour<'_>) -> String {
    format!("{}.{}", plan.contexts[behaviour.context].module, behaviour.module)
}

pub fn generate(plan: &Plan<'_>) -> String {
    let mut body = Source::two_spaces();
    body.line(0, RUN);
    body.blank();
    body.line(0, "/** The board's aggregates, read models and policies, all in memory. */");
    body.line(0, "export class App {");
    fields(&mut body, plan);
    body.line(0, GIVEN_AND_RUN);
    body.blank();
    decide(&mut body, plan);
    body.blank();
    body.line(0, FOLLOW);
    body.blank();
    evolve(&mut body, plan);
    body.blank();
    project(&mut body, plan);
    body.blank();
    react(&mut body, plan, false);
    body.blank();
    react(&mut body, plan, true);
    body.line(0, "}");
    let mut body = body.finish();
    if body.contains("keyOf(") {
        body.push('\n');
        body.push_str(KEY_OF);
        body.push('\n');
    }
    let mut src = Source::two_spaces();
    src.line(0, HEADER);
    src.blank();
    src.line(0, "import { type Command, type Event, Rejection } from \"./messages.js\";");
    for context in &plan.contexts {
        if mentions(&body, &context.module) {
            src.line(0, format!("import * as {0} from \"./{0}/index.js\";", context.module));
        }
    }
    let mut text = src.finish();
    text.push('\n');
    text.push_str(&body);
    text
}

/// Whether `text` names something in `module` (`billing.…`, not `xbilling.…` or `a.billing.…`).
fn mentions(text: &str, module: &str) -> bool {
    let needle = format!("{module}.");
    text.match_indices(&needle).any(|(at, _)| {
        let before = &text[..at];
        before.ends_with("...")
            || !before.ends_with(|c: char| c.is_ascii_alphanumeric() || c == '_' || c == '.')
    })
}

fn fields(src: &mut Source, plan: &Plan<'_>) {
    let mut any = false;
    for behaviour in &plan.behaviours {
        let module = path(plan, behaviour);
        let ty = format!("{module}.{}", behaviour.type_name);
        let name = &behaviour.element.name;
        match behaviour.element.kind {
            Kind::Aggregate => {
                let key = behaviour.element.key.as_deref().unwrap_or("id");
                src.line(1, format!("/** `{name}` instances by `{key}`. */"));
                src.line(1, format!("readonly {} = new Map<string, {ty}>();", field(behaviour)));
            }
            Kind::ReadModel => {
                src.line(1, format!("/** `{name}` documents by their key. */"));
                src.line(1, format!("readonly {} = new Map<string, {ty}>();", field(behaviour)));
            }
            Kind::Policy if behaviour.keeps_state => {
                src.line(1, format!("/** `{name}`, with what it remembers. */"));
                src.line(1, format!("readonly {} = new {ty}();", field(behaviour)));
            }
            _ => continue,
        }
        any = true;
    }
    if any {
        src.blank();
    }
}

/// `case "A":\ncase "B":` for each key; `brace` opens a block on the last.
fn cases(src: &mut Source, indent: usize, keys: &[&str], brace: bool) {
    for (i, key) in keys.iter().enumerate() {
        let open = if brace && i + 1 == keys.len() { " {" } else { "" };
        src.line(indent, format!("case {}:{open}", string(key)));
    }
}

fn decide(src: &mut Source, plan: &Plan<'_>) {
    src.line(1, "/** The events the command's handler decides on, applied to its aggregate instance. */");
    src.line(1, "private decide(command: Command): Event[] | Rejection {");
    let commands: Vec<usize> = plan.commands().map(|(i, _)| i).collect();
    if commands.is_empty() {
        src.line(2, "void command;");
        src.line(2, "return [];");
        src.line(1, "}");
        return;
    }
    src.line(2, "switch (command.name) {");
    let mut handled = 0;
    for behaviour in &plan.behaviours {
        let routed: Vec<&str> = commands
            .iter()
            .filter(|&&c| plan.handler_of(c).is_some_and(|h| h.element.id == behaviour.element.id))
            .map(|&c| plan.messages[c].key.as_str())
            .collect();
        if routed.is_empty() {
            continue;
        }
        handled += routed.len();
        let aggregate = behaviour.element.kind == Kind::Aggregate;
        cases(src, 3, &routed, aggregate);
        let module = path(plan, behaviour);
        if aggregate {
            let field = field(behaviour);
            src.line(4, format!("const key = keyOf(command.data, {module}.KEY);"));
            src.line(4, "if (key === undefined) {");
            src.line(5, format!(
                "return new Rejection(`${{command.name}} has no \\`${{{module}.KEY}}\\` to find its {} by`);",
                behaviour.element.name.replace(['`', '$', '\\'], "")
            ));
            src.line(4, "}");
            src.line(
                4,
                format!("const state = this.{field}.get(key) ?? new {module}.{}();", behaviour.type_name),
            );
            src.line(4, "const decision = state.handle(command);");
            src.line(4, "if (decision instanceof Rejection) {");
            src.line(5, "return decision;");
            src.line(4, "}");
            src.line(4, "for (const event of decision) {");
            src.line(5, "state.apply(event);");
            src.line(4, "}");
            src.line(4, format!("this.{field}.set(key, state);"));
            src.line(4, "return decision;");
            src.line(3, "}");
        } else {
            src.line(4, format!("return {module}.onCommand(command);"));
        }
    }
    if handled < commands.len() {
        src.line(3, "default:");
        src.line(4, "// Nothing on the board handles it: it is accepted and changes nothing.");
        src.line(4, "return [];");
    }
    src.line(2, "}");
    src.line(1, "}");
}

fn evolve(src: &mut Source, plan: &Plan<'_>) {
    src.line(1, "/** Apply a past event to the instance of the aggregate that emits it. */");
    let mut arms = Vec::new();
    for behaviour in plan.of_kind(Kind::Aggregate) {
        let keys: Vec<&str> = plan
            .events()
            .filter(|(i, _)| plan.emitter_of(*i).is_some_and(|e| e.element.id == behaviour.element.id))
            .map(|(_, m)| m.key.as_str())
            .collect();
        if !keys.is_empty() {
            arms.push((behaviour, keys));
        }
    }
    if arms.is_empty() {
        src.line(1, "private evolve(_event: Event): void {}");
        return;
    }
    src.line(1, "private evolve(event: Event): void {");
    src.line(2, "switch (event.name) {");
    let mut covered = 0;
    for (behaviour, keys) in &arms {
        covered += keys.len();
        let module = path(plan, behaviour);
        let field = field(behaviour);
        cases(src, 3, keys, true);
        src.line(4, format!("const key = keyOf(event.data, {module}.KEY);"));
        src.line(4, "if (key !== undefined) {");
        src.line(
            5,
            format!("const state = this.{field}.get(key) ?? new {module}.{}();", behaviour.type_name),
        );
        src.line(5, "state.apply(event);");
        src.line(5, format!("this.{field}.set(key, state);"));
        src.line(4, "}");
        src.line(4, "return;");
        src.line(3, "}");
    }
    if covered < plan.events().count() {
        src.line(3, "default:");
        src.line(4, "return;");
    }
    src.line(2, "}");
    src.line(1, "}");
}

fn project(src: &mut Source, plan: &Plan<'_>) {
    src.line(1, "/** Each read model that takes the event projects it, in the board's timeline order. */");
    let read_models: Vec<&Behaviour<'_>> =
        plan.in_timeline(Kind::ReadModel).into_iter().filter(|b| !b.events.is_empty()).collect();
    if read_models.is_empty() {
        src.line(1, "private project(_event: Event): void {}");
        return;
    }
    src.line(1, "private project(event: Event): void {");
    for behaviour in read_models {
        let module = path(plan, behaviour);
        let field = field(behaviour);
        let keys: Vec<String> =
            behaviour.events.iter().map(|i| string(&plan.messages[i.message].key)).collect();
        src.line(2, format!("if ([{}].includes(event.name)) {{", keys.join(", ")));
        src.line(
            3,
            format!("const key = {module}.KEY === null ? \"all\" : keyOf(event.data, {module}.KEY);"),
        );
        src.line(3, "if (key !== undefined) {");
        src.line(4, format!("const doc = {module}.project(this.{field}.get(key), event);"));
        src.line(4, "if (doc === undefined) {");
        src.line(5, format!("this.{field}.delete(key);"));
        src.line(4, "} else {");
        src.line(5, format!("this.{field}.set(key, doc);"));
        src.line(4, "}");
        src.line(3, "}");
        src.line(2, "}");
    }
    src.line(1, "}");
}

fn react(src: &mut Source, plan: &Plan<'_>, answer: bool) {
    let (kind, name, ty, what) = if answer {
        (
            Kind::ExternalSystem,
            "answer",
            "Event",
            "/** The events external systems answer an event sent to them with. */",
        )
    } else {
        (
            Kind::Policy,
            "react",
            "Command",
            "/** The commands the policies issue on the event, in the board's timeline order. */",
        )
    };
    let takers: Vec<&Behaviour<'_>> =
        plan.in_timeline(kind).into_iter().filter(|b| !b.events.is_empty()).collect();
    src.line(1, what);
    if takers.is_empty() {
        src.line(1, format!("private {name}(_event: Event): {ty}[] {{"));
        src.line(2, "return [];");
        src.line(1, "}");
        return;
    }
    src.line(1, format!("private {name}(event: Event): {ty}[] {{"));
    src.line(2, "return [");
    for behaviour in takers {
        let module = path(plan, behaviour);
        let call = match (answer, behaviour.keeps_state) {
            (true, _) => format!("{module}.onEvent(event)"),
            (false, true) => format!("this.{}.react(event)", field(behaviour)),
            (false, false) => format!("{module}.react(event)"),
        };
        src.line(3, format!("...{call},"));
    }
    src.line(2, "];");
    src.line(1, "}");
}

const HEADER: &str = r#"/**
 * The whole board in memory, routed the way Squall's simulator routes it: a
 * command goes to the aggregate (or external system) its arrow points at, the
 * aggregate instance is found by its key field, its events are applied to it,
 * then each event is projected by read models, handed to policies (whose
 * commands queue up behind the current one) and to external systems.
 * Generated from the board's arrows; it has no rules of its own to write.
 */"#;

const RUN: &str = r#"/** How many commands one cascade may run before it is taken for a loop, as in Squall. */
export const CASCADE_LIMIT = 100;

/** One command and what came of it. */
export interface Step {
  command: Command;
  outcome: Event[] | Rejection;
}

/** A command and every command it set off, in the order they ran. */
export class Run {
  readonly steps: Step[] = [];
  /** The cascade went past `CASCADE_LIMIT` commands and was stopped. */
  stopped = false;

  /** Every event the run appended, in order. */
  events(): Event[] {
    return this.steps.flatMap((step) => (step.outcome instanceof Rejection ? [] : step.outcome));
  }

  /** Why the first command was refused, if it was. */
  rejection(): Rejection | undefined {
    const first = this.steps[0]?.outcome;
    return first instanceof Rejection ? first : undefined;
  }

  /** Why each command called `name` (as Squall names it) was refused. */
  rejectionsOf(name: string): Rejection[] {
    return this.steps.flatMap((step) =>
      step.command.name === name && step.outcome instanceof Rejection ? [step.outcome] : [],
    );
  }
}"#;

const GIVEN_AND_RUN: &str = r#"  /**
   * Take `event` as history: its aggregate applies it, read models project it
   * and policies that keep state learn from it; the commands they would issue
   * were issued back then, so they are dropped.
   */
  given(event: Event): void {
    this.evolve(event);
    this.project(event);
    this.react(event);
  }

  /** Run `command` and everything it sets off, until nothing is left to do. */
  run(command: Command): Run {
    const run = new Run();
    const queue: Command[] = [command];
    for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
      if (run.steps.length === CASCADE_LIMIT) {
        run.stopped = true;
        break;
      }
      const decision = this.decide(next);
      const outcome = decision instanceof Rejection ? decision : this.follow(decision, queue);
      run.steps.push({ command: next, outcome });
    }
    return run;
  }"#;

const FOLLOW: &str = r#"  /**
   * Hand each event on, oldest first: read models project it, policies react
   * (their commands join the queue), external systems answer (their events
   * join the step).
   */
  private follow(events: Event[], queue: Command[]): Event[] {
    const all = [...events];
    for (let next = 0; next < all.length; next += 1) {
      const event = all[next]!;
      this.project(event);
      queue.push(...this.react(event));
      all.push(...this.answer(event));
    }
    return all;
  }"#;

const KEY_OF: &str = r#"/** The value of `field` in a payload, as the text Squall files instances and documents by. */
function keyOf(data: object, field: string): string | undefined {
  const value: unknown = (data as Record<string, unknown>)[field];
  if (value === undefined || value === null) {
    return undefined;
  }
  return typeof value === "string" ? value : JSON.stringify(value);
}"#;
