//! The skeleton of small boards, file by file: what a user opens first.

use squall_model::{Id, parse};

use super::{Files, Language, Scripts, generate};

/// A counter in one bounded context: an aggregate, a policy that has a
/// crowd (an external system) cheer, a read model and a scenario.
const COUNTER: &str = r#"#![enable(implicit_some)]
(
    format_version: 1,
    name: "Counter",
    elements: [
        (id: "agg-counter", kind: Aggregate, name: "Counter", position: (x: 400.0, y: 0.0), script: "counter.rhai", key: "counter_id"),
        (id: "cmd-cheer", kind: Command, name: "Cheer", position: (x: 800.0, y: 0.0), fields: [(name: "counter_id", type: Id)]),
        (id: "cmd-increment", kind: Command, name: "Increment", position: (x: 200.0, y: 0.0),
            fields: [(name: "counter_id", type: Id), (name: "by", type: Int), (name: "note", type: Optional(String))]),
        (id: "evt-cheered", kind: Event, name: "Cheered", position: (x: 1000.0, y: 0.0), fields: [(name: "counter_id", type: Id)]),
        (id: "evt-incremented", kind: Event, name: "Incremented", position: (x: 600.0, y: 0.0),
            fields: [(name: "counter_id", type: Id), (name: "by", type: Int)]),
        (id: "ext-crowd", kind: ExternalSystem, name: "Crowd", position: (x: 900.0, y: 0.0)),
        (id: "pol-celebrate", kind: Policy, name: "Celebrate", position: (x: 700.0, y: 0.0), script: "celebrate.rhai"),
        (id: "rm-totals", kind: ReadModel, name: "Totals", position: (x: 700.0, y: 200.0), key: "counter_id"),
    ],
    connections: [
        (from: "agg-counter", to: "evt-incremented"),
        (from: "cmd-cheer", to: "ext-crowd"),
        (from: "cmd-increment", to: "agg-counter"),
        (from: "evt-incremented", to: "pol-celebrate"),
        (from: "evt-incremented", to: "rm-totals"),
        (from: "ext-crowd", to: "evt-cheered"),
        (from: "pol-celebrate", to: "cmd-cheer"),
    ],
    groups: [
        (id: "ctx-counting", kind: BoundedContext, name: "Counting", position: (x: 0.0, y: 0.0), size: (width: 1200.0, height: 400.0),
            members: ["agg-counter", "cmd-cheer", "cmd-increment", "evt-cheered", "evt-incremented", "ext-crowd", "pol-celebrate", "rm-totals"]),
    ],
    scenarios: [
        (
            name: "Counting up is cheered",
            when: (name: "Increment", data: {"counter_id": "c-1", "by": 2}),
            then: All([
                Events([(name: "Incremented", data: {"counter_id": "c-1", "by": 2}), (name: "Cheered", data: {"counter_id": "c-1"})]),
                ReadModel(name: "Totals", key: "c-1", document: {"total": 2}),
            ]),
        ),
    ],
)"#;

const COUNTER_SCRIPT: &str = "\
fn initial() { #{ total: 0 } }

// Never down.
fn handle_Increment(state, command) {
    if command.by < 1 { throw \"count up\"; }
    [event(\"Incremented\", #{ counter_id: command.counter_id, by: command.by })]
}

fn apply_Incremented(state, event) { state.total += event.by; state }
";

const CELEBRATE_SCRIPT: &str =
    "fn on_Incremented(event) { [command(\"Cheer\", #{ counter_id: event.counter_id })] }\n";

fn counter(language: Language) -> Files {
    let board = parse(COUNTER, "counter.ron").unwrap();
    let scripts = Scripts::from_texts([
        (Id::from("agg-counter"), COUNTER_SCRIPT.to_owned()),
        (Id::from("pol-celebrate"), CELEBRATE_SCRIPT.to_owned()),
    ]);
    generate(&board, &scripts, language)
}

/// Every file under a `==> path <==` line, as `tail` prints several files.
fn all(files: &Files) -> String {
    files.iter().map(|(path, text)| format!("==> {path} <==\n{text}\n")).collect()
}

#[test]
fn given_a_counter_board_when_exported_to_rust_then_each_file_reads_as_expected() {
    insta::assert_snapshot!("counter_rust", all(&counter(Language::Rust)));
}

#[test]
fn given_a_counter_board_when_exported_to_typescript_then_each_file_reads_as_expected() {
    insta::assert_snapshot!("counter_typescript", all(&counter(Language::TypeScript)));
}

#[test]
fn given_the_same_board_twice_then_the_files_are_the_same_bytes() {
    assert_eq!(counter(Language::Rust), counter(Language::Rust));
    assert_eq!(counter(Language::TypeScript), counter(Language::TypeScript));
}

#[test]
fn given_a_script_rule_then_it_is_quoted_above_the_function_it_stands_for() {
    let files = counter(Language::Rust);
    let aggregate = &files["src/counting/counter.rs"];
    let comment = aggregate.find("    /// // Never down.").unwrap();
    let quote = aggregate.find("    /// fn handle_Increment(state, command) {").unwrap();
    let function = aggregate.find("    fn handle_increment(").unwrap();
    assert!(comment < quote && quote < function);
    assert!(aggregate[function..].contains("unimplemented!(\"Counter: decide on {command:?}\")"));
}

#[test]
fn given_a_sticky_without_script_then_its_functions_say_so() {
    let files = counter(Language::Rust);
    assert!(
        files["src/counting/totals.rs"].contains("/// No script on the board has `project_Incremented` yet.")
    );
    // An external system without a script absorbs what it gets, as in Squall.
    assert!(
        files["src/counting/crowd.rs"]
            .contains("fn on_cheer(_command: &commands::Cheer) -> Vec<Event> {\n    Vec::new()\n}")
    );
}

/// Two contexts that both have a `PlaceOrder` command and an `OrderPlaced`
/// event, and one command outside every context.
const TWO_CONTEXTS: &str = r#"#![enable(implicit_some)]
(
    format_version: 1,
    name: "Shop",
    elements: [
        (id: "c-billing", kind: Command, name: "PlaceOrder", position: (x: 0.0, y: 0.0), fields: [(name: "type", type: String)]),
        (id: "c-sales", kind: Command, name: "PlaceOrder", position: (x: 0.0, y: 0.0)),
        (id: "c-loose", kind: Command, name: "Ping", position: (x: 0.0, y: 0.0)),
    ],
    groups: [
        (id: "g-billing", kind: BoundedContext, name: "Billing", position: (x: 0.0, y: 0.0), size: (width: 9.0, height: 9.0), members: ["c-billing"]),
        (id: "g-sales", kind: BoundedContext, name: "Sales", position: (x: 0.0, y: 0.0), size: (width: 9.0, height: 9.0), members: ["c-sales"]),
    ],
)"#;

#[test]
fn given_one_name_in_two_contexts_then_each_lives_in_its_context_module_and_the_enum_tells_them_apart() {
    let board = parse(TWO_CONTEXTS, "shop.ron").unwrap();
    let files = generate(&board, &Scripts::default(), Language::Rust);
    assert!(files["src/billing/commands.rs"].contains("pub struct PlaceOrder {"));
    assert!(files["src/sales/commands.rs"].contains("pub struct PlaceOrder {}"));
    let messages = &files["src/messages.rs"];
    assert!(messages.contains(
        "    #[serde(rename = \"Billing/PlaceOrder\")]\n    BillingPlaceOrder(billing::commands::PlaceOrder),"
    ));
    assert!(messages.contains(
        "    #[serde(rename = \"Sales/PlaceOrder\")]\n    SalesPlaceOrder(sales::commands::PlaceOrder),"
    ));
    // Outside every context, in a module of its own.
    assert!(messages.contains("    Ping(board::commands::Ping),"));
    // A field named after a keyword keeps its name on the wire.
    assert!(
        files["src/billing/commands.rs"].contains("    #[serde(rename = \"type\")]\n    pub type_: String,")
    );

    let files = generate(&board, &Scripts::default(), Language::TypeScript);
    let messages = &files["src/messages.ts"];
    assert!(messages.contains("| { name: \"Billing/PlaceOrder\"; data: billing.commands.PlaceOrder }"));
    assert!(messages.contains("| { name: \"Sales/PlaceOrder\"; data: sales.commands.PlaceOrder }"));
    assert!(files["src/billing/commands.ts"].contains("  type: string;"));
}
