//! Issue 11, items 1, 5 and 7: one name in two bounded contexts, one event
//! updating several documents, and policies reading read models.
// A failed unwrap in a test is a failed test, with its message.
#![allow(clippy::unwrap_used)]

mod common;

use common::temp_model::{TempModel, reason};
use serde_json::json;
use squall_model::{
    Connection, FieldType, Group, GroupKind, Id, Kind, Message, Outcome, Point, Scenario, Size,
};
use squall_sim::{Options, SimError, Source};

fn context(id: &str, name: &str, members: &[&str]) -> Group {
    Group {
        id: Id::new(id),
        kind: GroupKind::BoundedContext,
        name: name.into(),
        description: None,
        position: Point { x: 0.0, y: 0.0 },
        size: Size { width: 100.0, height: 100.0 },
        colour: None,
        members: members.iter().map(|m| Id::new(*m)).collect(),
    }
}

/// Sales and Billing both have a `PlaceOrder` command and an `OrderPlaced`
/// event. Billing's policy bills every order Sales places.
fn shop() -> TempModel {
    let mut model = TempModel::new("Shop");
    model.add("actor-customer", Kind::Actor, "Customer", &[]);
    model.add("cmd-sales", Kind::Command, "PlaceOrder", &["id"]);
    model.scripted(
        "agg-order",
        Kind::Aggregate,
        "Order",
        Some("id"),
        "order.rhai",
        "fn handle_Sales_PlaceOrder(state, command) { [event(\"OrderPlaced\", #{ id: command.id })] }\n",
    );
    model.add("evt-sales", Kind::Event, "OrderPlaced", &["id"]);
    model.scripted(
        "pol-bill",
        Kind::Policy,
        "Bill every order",
        None,
        "bill.rhai",
        "fn on_Sales_OrderPlaced(event) { [command(\"PlaceOrder\", #{ id: event.id })] }\n",
    );
    model.add("cmd-billing", Kind::Command, "PlaceOrder", &["id"]);
    model.scripted(
        "agg-invoice",
        Kind::Aggregate,
        "Invoice",
        Some("id"),
        "invoice.rhai",
        "fn handle_Billing_PlaceOrder(state, command) { [event(\"Billing/OrderPlaced\", #{ id: command.id })] }\n",
    );
    model.add("evt-billing", Kind::Event, "OrderPlaced", &["id"]);
    model.arrows(&[
        ("actor-customer", "cmd-sales"),
        ("cmd-sales", "agg-order"),
        ("agg-order", "evt-sales"),
        ("evt-sales", "pol-bill"),
        ("pol-bill", "cmd-billing"),
        ("cmd-billing", "agg-invoice"),
        ("agg-invoice", "evt-billing"),
    ]);
    model.board.groups.push(context(
        "ctx-sales",
        "Sales",
        &["actor-customer", "cmd-sales", "agg-order", "evt-sales"],
    ));
    model.board.groups.push(context(
        "ctx-billing",
        "Billing",
        &["pol-bill", "cmd-billing", "agg-invoice", "evt-billing"],
    ));
    model
}

#[test]
fn given_one_command_name_in_two_contexts_when_submitted_plainly_then_the_error_lists_the_qualified_names() {
    let model = shop();
    let mut session = model.open(Options::default());

    let err = session.submit("PlaceOrder", json!({"id": "o-1"}), Source::User).unwrap_err();

    assert!(matches!(err, SimError::Ambiguous(_)), "{err:?}");
    assert_eq!(
        err.to_string(),
        "2 commands are called `PlaceOrder`; name one of them: Billing/PlaceOrder, Sales/PlaceOrder"
    );
}

#[test]
fn given_one_name_in_two_contexts_when_the_qualified_command_runs_then_each_context_s_sticky_handles_its_own()
{
    let model = shop();
    let mut session = model.open(Options::default());

    session.submit("Sales/PlaceOrder", json!({"id": "o-1"}), Source::User).unwrap();
    let mut traces = Vec::new();
    session.run_until_quiet(10, |t| traces.push(t.clone())).unwrap();

    let steps: Vec<(String, String, Vec<String>)> = traces
        .iter()
        .map(|t| {
            let events =
                t.events.iter().map(|e| format!("{} {} on {}", e.name, e.sticky.id, e.stream_id)).collect();
            (t.command.name.clone(), t.command.sticky.id.clone(), events)
        })
        .collect();
    assert_eq!(
        steps,
        vec![
            (
                "Sales/PlaceOrder".into(),
                "cmd-sales".into(),
                vec!["Sales/OrderPlaced evt-sales on Order-o-1".into()]
            ),
            (
                "Billing/PlaceOrder".into(),
                "cmd-billing".into(),
                vec!["Billing/OrderPlaced evt-billing on Invoice-o-1".into()]
            ),
        ]
    );
}

#[test]
fn given_one_name_in_two_contexts_when_a_scenario_names_them_qualified_then_it_runs_and_passes() {
    let mut model = shop();
    model.board.scenarios.push(Scenario {
        name: "an order is billed".into(),
        description: None,
        given: vec![Message::new("Billing/OrderPlaced", json!({"id": "o-0"}))],
        when: Message::new("Sales/PlaceOrder", json!({"id": "o-1"})),
        then: Outcome::Events(vec![
            Message::new("Sales/OrderPlaced", json!({"id": "o-1"})),
            Message::new("Billing/OrderPlaced", json!({"id": "o-1"})),
        ]),
    });
    let session = model.open(Options::default());

    let results =
        squall_sim::scenario::run_all(session.board(), &model.models(), &Options::default()).unwrap();

    assert!(results[0].passed, "{:?}", results[0].failure);
}

#[test]
fn given_a_script_emitting_a_name_its_sticky_has_no_arrow_to_then_the_step_fails_naming_the_arrow() {
    let model = shop();
    // Order emits Billing's event: both are called OrderPlaced, but Order has no arrow to Billing's.
    std::fs::write(
        model.dir.path().join("scripts/order.rhai"),
        "fn handle_Sales_PlaceOrder(state, command) { [event(\"Billing/OrderPlaced\", #{ id: command.id })] }\n",
    )
    .unwrap();
    let mut session = model.open(Options::default());

    session.submit("Sales/PlaceOrder", json!({"id": "o-1"}), Source::User).unwrap();
    let trace = session.step().unwrap().unwrap();

    assert!(
        reason(&trace).ends_with(
            "scripts/order.rhai: `handle_Sales_PlaceOrder` produced event `Billing/OrderPlaced`, but aggregate \
             `Order` (agg-order) has no arrow to it on the board"
        ),
        "{}",
        reason(&trace)
    );
}

/// A transfer between two accounts, recorded in each account's document.
fn transfers(projection: &str) -> TempModel {
    let mut model = TempModel::new("Transfers");
    model.add("actor-clerk", Kind::Actor, "Clerk", &[]);
    model.add("cmd-transfer", Kind::Command, "TransferMoney", &["id", "from", "to"]).fields.push(amount());
    model.scripted(
        "agg-transfer",
        Kind::Aggregate,
        "Transfer",
        Some("id"),
        "transfer.rhai",
        "fn handle_TransferMoney(state, c) { [event(\"MoneyTransferred\", c)] }\n",
    );
    model
        .add("evt-transferred", Kind::Event, "MoneyTransferred", &["id", "from", "to"])
        .fields
        .push(amount());
    model.scripted("rm-balances", Kind::ReadModel, "Balances", None, "balances.rhai", projection);
    model.arrows(&[
        ("actor-clerk", "cmd-transfer"),
        ("cmd-transfer", "agg-transfer"),
        ("agg-transfer", "evt-transferred"),
        ("evt-transferred", "rm-balances"),
        ("rm-balances", "actor-clerk"),
    ]);
    model
}

fn amount() -> squall_model::Field {
    squall_model::Field { name: "amount".into(), ty: FieldType::Int }
}

const BALANCES: &str = "\
fn keys_MoneyTransferred(event) { [event.from, event.to] }

fn project_MoneyTransferred(doc, event, key) {
    let doc = if doc == () { #{ account: key, balance: 0 } } else { doc };
    if key == event.from { doc.balance -= event.amount; }
    if key == event.to { doc.balance += event.amount; }
    doc
}
";

#[test]
fn given_a_read_model_listing_two_keys_when_a_transfer_runs_then_both_accounts_documents_change() {
    let model = transfers(BALANCES);
    let mut session = model.open(Options::default());

    for (id, from, to, amount) in [("t-1", "alice", "bob", 30), ("t-2", "bob", "carol", 10)] {
        let data = json!({"id": id, "from": from, "to": to, "amount": amount});
        session.submit("TransferMoney", data, Source::User).unwrap();
    }
    let mut traces = Vec::new();
    session.run_until_quiet(10, |t| traces.push(t.clone())).unwrap();

    let balance = |session: &squall_sim::Session, key: &str| {
        session.document("Balances", key).unwrap().unwrap()["balance"].clone()
    };
    assert_eq!(
        [balance(&session, "alice"), balance(&session, "bob"), balance(&session, "carol")],
        [json!(-30), json!(20), json!(10)]
    );
    let touched: Vec<&str> = traces[0].documents.iter().map(|d| d.key.as_str()).collect();
    assert_eq!(touched, ["alice", "bob"], "the trace shows both documents of the first transfer");

    // A replay computes the same documents from the events.
    let report = session.replay().unwrap();
    assert!(report.changed.is_empty(), "{:?}", report.changed);
    assert_eq!(balance(&session, "bob"), json!(20));
}

#[test]
fn given_a_keys_function_returning_a_map_when_its_event_is_projected_then_the_step_fails_saying_what_to_return()
 {
    let model = transfers(
        "fn keys_MoneyTransferred(event) { [#{}] }\nfn project_MoneyTransferred(doc, event) { #{} }\n",
    );
    let mut session = model.open(Options::default());

    session
        .submit("TransferMoney", json!({"id": "t-1", "from": "a", "to": "b", "amount": 1}), Source::User)
        .unwrap();
    let trace = session.step().unwrap().unwrap();

    assert!(
        reason(&trace).contains("scripts/balances.rhai: `keys_MoneyTransferred` returned a map at index 0; return a list of document keys"),
        "{}",
        reason(&trace)
    );
}

/// Deposits feed a `Balances` read model; a policy reads an account's
/// balance and pays a bonus when it reaches 100, once.
fn bonus(policy: &str, read_arrow: bool) -> TempModel {
    let mut model = TempModel::new("Bonus");
    model.add("actor-owner", Kind::Actor, "Owner", &[]);
    model.add("cmd-deposit", Kind::Command, "Deposit", &["id"]).fields.push(amount());
    model.scripted(
        "agg-account",
        Kind::Aggregate,
        "Account",
        Some("id"),
        "account.rhai",
        "fn handle_Deposit(s, c) { [event(\"Deposited\", c)] }\nfn handle_PayBonus(s, c) { [event(\"BonusPaid\", #{ id: c.id })] }\n",
    );
    model.add("evt-deposited", Kind::Event, "Deposited", &["id"]).fields.push(amount());
    model.scripted(
        "rm-balances",
        Kind::ReadModel,
        "Balances",
        Some("id"),
        "balances.rhai",
        "fn project_Deposited(doc, e) { let d = if doc == () { #{ balance: 0 } } else { doc }; d.balance += e.amount; d }\n",
    );
    model.scripted("pol-bonus", Kind::Policy, "Bonus at 100", None, "bonus.rhai", policy);
    model.add("cmd-bonus", Kind::Command, "PayBonus", &["id"]);
    model.add("evt-bonus", Kind::Event, "BonusPaid", &["id"]);
    model.arrows(&[
        ("actor-owner", "cmd-deposit"),
        ("cmd-deposit", "agg-account"),
        ("agg-account", "evt-deposited"),
        ("evt-deposited", "rm-balances"),
        ("rm-balances", "actor-owner"),
        ("evt-deposited", "pol-bonus"),
        ("pol-bonus", "cmd-bonus"),
        ("cmd-bonus", "agg-account"),
        ("agg-account", "evt-bonus"),
    ]);
    if read_arrow {
        model.board.connections.push(Connection::new("rm-balances", "pol-bonus"));
    }
    model
}

const BONUS: &str = "\
fn on_Deposited(event) {
    let account = document(\"Balances\", event.id);
    log(`balance ${account.balance}`);
    let before = account.balance - event.amount;
    if before < 100 && account.balance >= 100 { [command(\"PayBonus\", #{ id: event.id })] } else { [] }
}
";

#[test]
fn given_a_policy_with_an_arrow_from_a_read_model_when_it_reads_a_document_then_it_sees_the_balance_after_the_event()
 {
    let model = bonus(BONUS, true);
    let mut session = model.open(Options::default());

    for amount in [60, 50, 20] {
        session.submit("Deposit", json!({"id": "acc-1", "amount": amount}), Source::User).unwrap();
    }
    let mut traces = Vec::new();
    session.run_until_quiet(20, |t| traces.push(t.clone())).unwrap();

    let commands: Vec<&str> = traces.iter().map(|t| t.command.name.as_str()).collect();
    // The bonus is queued behind the third deposit, submitted before it was issued.
    assert_eq!(
        commands,
        ["Deposit", "Deposit", "Deposit", "PayBonus"],
        "one bonus, when the balance passed 100"
    );
    let logs: Vec<&str> = traces.iter().flat_map(|t| &t.logs).map(|l| l.text.as_str()).collect();
    assert_eq!(
        logs,
        ["balance 60", "balance 110", "balance 130"],
        "each read logged once, though it was repeated"
    );
    assert!(traces.iter().all(|t| t.errors.is_empty()), "{traces:?}");

    // Rewinding rebuilds the policy's state: it reads each document as it was at each event.
    session.rewind(1).unwrap();
    session.submit("Deposit", json!({"id": "acc-1", "amount": 40}), Source::User).unwrap();
    let mut again = Vec::new();
    session.run_until_quiet(20, |t| again.push(t.clone())).unwrap();
    let commands: Vec<&str> = again.iter().map(|t| t.command.name.as_str()).collect();
    assert_eq!(commands, ["Deposit", "Deposit", "Deposit", "PayBonus"], "the deposits pending at 1 go on");
    let logs: Vec<&str> = again.iter().flat_map(|t| &t.logs).map(|l| l.text.as_str()).collect();
    assert_eq!(logs, ["balance 110", "balance 130", "balance 170"]);
}

#[test]
fn given_a_policy_without_an_arrow_from_the_read_model_when_it_reads_then_the_step_fails_asking_for_the_arrow()
 {
    let model = bonus(BONUS, false);
    let mut session = model.open(Options::default());

    session.submit("Deposit", json!({"id": "acc-1", "amount": 60}), Source::User).unwrap();
    let trace = session.step().unwrap().unwrap();

    let reason = reason(&trace);
    assert!(
        reason.contains(
            "policy `Bonus at 100` (pol-bonus) reads read model `Balances`, but no read model has an arrow to it; \
             the board is the truth: draw an arrow from the read model to the policy"
        ),
        "{reason}"
    );
}

#[test]
fn given_a_policy_catching_errors_when_it_reads_without_an_arrow_then_it_cannot_swallow_the_refusal() {
    let policy = "fn on_Deposited(event) { try { document(\"Balances\", event.id); } catch { } [] }\n";
    let model = bonus(policy, false);
    let mut session = model.open(Options::default());

    session.submit("Deposit", json!({"id": "acc-1", "amount": 60}), Source::User).unwrap();
    let trace = session.step().unwrap().unwrap();

    assert!(reason(&trace).contains("draw an arrow from the read model to the policy"), "{}", reason(&trace));
}
