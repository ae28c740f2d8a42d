//! A large, deterministic board for benchmarks: many copies of a
//! bank-account-like flow, wired to each other mostly the way the grammar
//! allows, with a sprinkling of what the lint should find.

use std::collections::BTreeMap;

use squall_model::{
    Board, Connection, Element, Field, FieldType, Group, GroupKind, Kind, Message, Outcome, Point, Scenario,
    Size,
};

/// The scripts the generated board refers to, relative to the model folder.
pub const SCRIPTS: [&str; 4] = [
    "../scripts/account.rhai",
    "../scripts/policy.rhai",
    "../scripts/mailer.rhai",
    "../scripts/overview.rhai",
];

/// Elements in one flow; see [`Flow::elements`].
const FLOW_ELEMENTS: usize = 15;
/// Flows per bounded context, laid out in [`CONTEXT_COLUMNS`] columns.
const FLOWS_PER_CONTEXT: usize = 10;
const CONTEXT_COLUMNS: usize = 2;
/// The room one flow takes: eight columns and five rows of stickies.
const FLOW_WIDTH: f64 = 2000.0;
const FLOW_HEIGHT: f64 = 800.0;
/// Between a bounded context's frame and its flows; more on top, for its title.
const CONTEXT_MARGIN: f64 = 80.0;
const CONTEXT_TITLE: f64 = 60.0;
/// Between two bounded contexts.
const CONTEXT_GAP: f64 = 400.0;

/// A small, fixed pseudo-random sequence (xorshift64*): the same board on
/// every machine, without a dependency.
struct Sequence(u64);

impl Sequence {
    fn below(&mut self, bound: usize) -> usize {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        let value = self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 32;
        // `bound` is at least 1 at every call site; the result fits usize.
        (value % bound as u64) as usize
    }
}

/// One copy of the bank-account flow: its element ids by role.
struct Flow {
    actor: String,
    commands: [String; 3],
    aggregate: String,
    events: [String; 3],
    thank_policy: String,
    email_command: String,
    mailer: String,
    email_sent: String,
    overview: String,
    bonus_policy: String,
    hotspot: String,
}

impl Flow {
    fn new(i: usize) -> Self {
        Flow {
            actor: format!("actor-{i}"),
            commands: [format!("cmd-{i}-open"), format!("cmd-{i}-deposit"), format!("cmd-{i}-withdraw")],
            aggregate: format!("agg-{i}-account"),
            events: [format!("evt-{i}-opened"), format!("evt-{i}-deposited"), format!("evt-{i}-withdrawn")],
            thank_policy: format!("pol-{i}-thank"),
            email_command: format!("cmd-{i}-email"),
            mailer: format!("ext-{i}-mailer"),
            email_sent: format!("evt-{i}-email-sent"),
            overview: format!("rm-{i}-overview"),
            bonus_policy: format!("pol-{i}-bonus"),
            hotspot: format!("hot-{i}-limits"),
        }
    }

    /// The arrows inside one flow, all of them allowed by the grammar.
    fn connections(&self) -> Vec<(&str, &str)> {
        let [open, deposit, withdraw] = &self.commands;
        let [opened, deposited, withdrawn] = &self.events;
        vec![
            (&self.actor, open),
            (&self.actor, deposit),
            (&self.actor, withdraw),
            (open, &self.aggregate),
            (deposit, &self.aggregate),
            (withdraw, &self.aggregate),
            (&self.aggregate, opened),
            (&self.aggregate, deposited),
            (&self.aggregate, withdrawn),
            (deposited, &self.thank_policy),
            (&self.thank_policy, &self.email_command),
            (&self.email_command, &self.mailer),
            (&self.mailer, &self.email_sent),
            (opened, &self.overview),
            (deposited, &self.overview),
            (withdrawn, &self.overview),
            (&self.overview, &self.actor),
            // The CEO bonus: a policy cycle, allowed on some flows only.
            (deposited, &self.bonus_policy),
            (&self.bonus_policy, deposit),
            (&self.hotspot, withdraw),
        ]
        .into_iter()
        .map(|(from, to)| (from.as_str(), to.as_str()))
        .collect()
    }
}

/// Fields for commands and events of one flow.
fn fields(names: &[(&str, FieldType)]) -> Vec<Field> {
    names.iter().map(|(name, ty)| Field { name: (*name).to_owned(), ty: ty.clone() }).collect()
}

/// Where bounded contexts go: a grid about as wide as a screen, so the
/// whole board fits a window the way people lay boards out.
#[derive(Clone, Copy, Debug)]
struct Layout {
    /// Bounded contexts per row.
    columns: usize,
}

impl Layout {
    fn for_flows(flows: usize) -> Self {
        let contexts = flows.div_ceil(FLOWS_PER_CONTEXT).max(1);
        // Contexts are about square; a row of c of them over r rows reads
        // like a 16:10 screen when c² ≈ 1.6 × contexts.
        let mut columns = 1;
        while columns * columns * 5 < contexts * 8 {
            columns += 1;
        }
        Layout { columns }
    }

    fn context_size() -> Size {
        let rows = FLOWS_PER_CONTEXT.div_ceil(CONTEXT_COLUMNS);
        Size {
            width: CONTEXT_COLUMNS as f64 * FLOW_WIDTH + 2.0 * CONTEXT_MARGIN,
            height: rows as f64 * FLOW_HEIGHT + 2.0 * CONTEXT_MARGIN + CONTEXT_TITLE,
        }
    }

    /// The top left corner of bounded context `c`.
    fn context(self, c: usize) -> Point {
        let size = Self::context_size();
        Point {
            x: (c % self.columns) as f64 * (size.width + CONTEXT_GAP),
            y: (c / self.columns) as f64 * (size.height + CONTEXT_GAP),
        }
    }

    /// The top left corner of flow `i`, inside its bounded context.
    fn flow(self, i: usize) -> Point {
        let frame = self.context(i / FLOWS_PER_CONTEXT);
        let slot = i % FLOWS_PER_CONTEXT;
        Point {
            x: frame.x + CONTEXT_MARGIN + (slot % CONTEXT_COLUMNS) as f64 * FLOW_WIDTH,
            y: frame.y + CONTEXT_MARGIN + CONTEXT_TITLE + (slot / CONTEXT_COLUMNS) as f64 * FLOW_HEIGHT,
        }
    }
}

/// The elements of flow `i`, laid out in its own cell of its bounded
/// context. Some flows carry a flaw, so every check has something to report.
fn flow_elements(i: usize, flow: &Flow, layout: Layout) -> Vec<Element> {
    let origin = layout.flow(i);
    let at = |column: f64, row: f64| Point { x: origin.x + column * 240.0, y: origin.y + row * 140.0 };
    let money = || fields(&[("account_id", FieldType::Id), ("amount", FieldType::Decimal)]);
    let owner = || fields(&[("account_id", FieldType::Id), ("owner", FieldType::String)]);

    let mut actor = Element::new(&flow.actor, Kind::Actor, format!("Clerk {i}"), at(0.0, 2.0));
    actor.description = Some("Opens accounts and moves money for customers.".to_owned());
    let mut open = Element::new(&flow.commands[0], Kind::Command, format!("OpenAccount{i}"), at(1.0, 0.0));
    open.fields = owner();
    let mut deposit =
        Element::new(&flow.commands[1], Kind::Command, format!("DepositMoney{i}"), at(1.0, 1.0));
    deposit.fields = money();
    let mut withdraw =
        Element::new(&flow.commands[2], Kind::Command, format!("WithdrawMoney{i}"), at(1.0, 2.0));
    withdraw.fields = money();
    let mut aggregate = Element::new(&flow.aggregate, Kind::Aggregate, format!("Account{i}"), at(2.0, 1.0));
    aggregate.script = Some(SCRIPTS[0].to_owned());
    // Every tenth aggregate forgets its key: unknown-key-field.
    aggregate.key = (i % 10 != 9).then(|| "account_id".to_owned());
    let mut opened = Element::new(&flow.events[0], Kind::Event, format!("Account{i}Opened"), at(3.0, 0.0));
    opened.fields = owner();
    // Every eleventh deposit event is named like a noun: event-name-tense.
    let deposited_name = if i % 11 == 5 { format!("Money{i}Deposit") } else { format!("Money{i}Deposited") };
    let mut deposited = Element::new(&flow.events[1], Kind::Event, deposited_name, at(3.0, 1.0));
    deposited.fields = money();
    let mut withdrawn =
        Element::new(&flow.events[2], Kind::Event, format!("Money{i}Withdrawn"), at(3.0, 2.0));
    withdrawn.fields = money();
    let mut thank =
        Element::new(&flow.thank_policy, Kind::Policy, format!("Thank depositor {i}"), at(4.0, 0.0));
    thank.script = Some(SCRIPTS[1].to_owned());
    let mut email =
        Element::new(&flow.email_command, Kind::Command, format!("SendThankYouEmail{i}"), at(5.0, 0.0));
    email.fields = money();
    let mut mailer = Element::new(&flow.mailer, Kind::ExternalSystem, format!("Mailer {i}"), at(6.0, 0.0));
    mailer.script = Some(SCRIPTS[2].to_owned());
    let mut sent = Element::new(&flow.email_sent, Kind::Event, format!("Email{i}Sent"), at(7.0, 0.0));
    sent.fields = fields(&[("account_id", FieldType::Id)]);
    let mut overview = Element::new(&flow.overview, Kind::ReadModel, format!("Overview{i}"), at(4.0, 2.0));
    overview.key = Some("account_id".to_owned());
    // Every thirteenth read model points at a script that is not there.
    overview.script =
        Some(if i % 13 == 7 { "../scripts/missing.rhai".to_owned() } else { SCRIPTS[3].to_owned() });
    let mut bonus = Element::new(&flow.bonus_policy, Kind::Policy, format!("Bonus {i}"), at(4.0, 1.0));
    bonus.script = Some(SCRIPTS[1].to_owned());
    if i.is_multiple_of(2) {
        bonus.allow = BTreeMap::from([(
            "policy-cycle".to_owned(),
            "The bonus ignores its own deposits, so the cascade ends.".to_owned(),
        )]);
    }
    let mut hotspot =
        Element::new(&flow.hotspot, Kind::Hotspot, format!("Overdraft limits {i}?"), at(0.0, 4.0));
    hotspot.resolved = i.is_multiple_of(3);

    vec![
        actor, open, deposit, withdraw, aggregate, opened, deposited, withdrawn, thank, email, mailer, sent,
        overview, bonus, hotspot,
    ]
}

/// A board of exactly `elements` elements and `connections` connections.
pub fn board(elements: usize, connections: usize) -> Board {
    let mut board = Board::new(format!("Benchmark: {elements} elements, {connections} connections"));
    board.description = Some("Generated by `squall bench check`.".to_owned());
    let flows: Vec<Flow> = (0..elements / FLOW_ELEMENTS).map(Flow::new).collect();
    let layout = Layout::for_flows(flows.len());
    for (i, flow) in flows.iter().enumerate() {
        let members = flow_elements(i, flow, layout);
        if i % FLOWS_PER_CONTEXT == 0 {
            let c = i / FLOWS_PER_CONTEXT;
            board.groups.push(Group {
                id: squall_model::Id::new(format!("ctx-{c}")),
                kind: GroupKind::BoundedContext,
                name: format!("Banking {c}"),
                description: None,
                position: layout.context(c),
                size: Layout::context_size(),
                colour: None,
                members: Vec::new(),
            });
        }
        if let Some(group) = board.groups.last_mut() {
            group.members.extend(members.iter().map(|e| e.id.clone()));
        }
        board.elements.extend(members);
    }
    // Whatever does not fill a whole flow becomes notes.
    for n in 0..elements - board.elements.len() {
        let id = format!("note-{n}");
        let text = format!("Remember case {n}");
        // Above the bounded contexts, in a row.
        board.elements.push(Element::new(id, Kind::Note, text, Point { x: n as f64 * 200.0, y: -300.0 }));
    }

    let mut arrows: Vec<Connection> = flows
        .iter()
        .flat_map(|flow| flow.connections())
        .take(connections)
        .map(|(from, to)| Connection::new(from, to))
        .collect();
    let mut sequence = Sequence(0x5eed_5eed_5eed_5eed);
    while arrows.len() < connections {
        arrows.push(extra(&flows, &board.elements, &mut sequence));
    }
    board.connections = arrows;

    if !flows.is_empty() {
        board.scenarios = scenarios();
    }
    board
}

/// An arrow between two flows: mostly what the grammar allows, with a few
/// that make the lint speak up (a command handled twice, a forbidden arrow).
/// As on boards people draw, most join flows of one bounded context and a
/// few cross to another.
fn extra(flows: &[Flow], elements: &[Element], sequence: &mut Sequence) -> Connection {
    if flows.len() < 2 {
        // Too small for flows to meet: connect any two elements.
        let from = &elements[sequence.below(elements.len())];
        let to = &elements[sequence.below(elements.len())];
        return Connection::new(from.id.as_str(), to.id.as_str());
    }
    let i = sequence.below(flows.len());
    let a = &flows[i];
    let b = if sequence.below(10) == 0 {
        &flows[sequence.below(flows.len())]
    } else {
        let context = i - i % FLOWS_PER_CONTEXT;
        let size = FLOWS_PER_CONTEXT.min(flows.len() - context);
        &flows[context + sequence.below(size)]
    };
    let event = |flow: &Flow, n: usize| flow.events[n % 3].clone();
    let (from, to) = match sequence.below(100) {
        0..40 => (event(a, sequence.below(3)), b.overview.clone()),
        40..65 => (event(a, sequence.below(3)), b.thank_policy.clone()),
        65..85 => (a.overview.clone(), b.actor.clone()),
        85..95 => (a.actor.clone(), b.commands[sequence.below(3)].clone()),
        // A command into another flow's aggregate: command-handled-twice.
        95..99 => (a.commands[sequence.below(3)].clone(), b.aggregate.clone()),
        // An event straight into a command: forbidden-connection.
        _ => (event(a, sequence.below(3)), b.commands[sequence.below(3)].clone()),
    };
    Connection::new(from, to)
}

/// A scenario on the first flow, so the scenario check has names to find.
fn scenarios() -> Vec<Scenario> {
    let data = serde_json::json!({"account_id": "acc-1", "owner": "Alice"});
    vec![Scenario {
        name: "Opening an account".to_owned(),
        description: None,
        given: Vec::new(),
        when: Message::new("OpenAccount0", data.clone()),
        then: Outcome::Events(vec![Message::new("Account0Opened", data)]),
    }]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inside(outer: (Point, Size), inner: (Point, Size)) -> bool {
        let ((o, os), (i, is)) = (outer, inner);
        i.x >= o.x && i.y >= o.y && i.x + is.width <= o.x + os.width && i.y + is.height <= o.y + os.height
    }

    #[test]
    fn every_sticky_lies_inside_its_bounded_context_and_contexts_do_not_overlap() {
        // Given a board of 2,000 stickies, the size the UI is measured on
        let board = board(2000, 3000);
        // Then each flow's stickies are drawn inside the frame they belong to
        for group in &board.groups {
            let frame = (group.position, group.size);
            for member in &group.members {
                let element = board.elements.iter().find(|e| &e.id == member).unwrap();
                let sticky = (element.position, element.kind.default_size());
                assert!(inside(frame, sticky), "{member} at {:?} is outside {}", element.position, group.id);
            }
        }
        // And no two frames share ground
        for (n, a) in board.groups.iter().enumerate() {
            for b in &board.groups[n + 1..] {
                let apart = a.position.x + a.size.width <= b.position.x
                    || b.position.x + b.size.width <= a.position.x
                    || a.position.y + a.size.height <= b.position.y
                    || b.position.y + b.size.height <= a.position.y;
                assert!(apart, "{} and {} overlap", a.id, b.id);
            }
        }
    }

    #[test]
    fn the_bounded_contexts_make_a_board_about_as_wide_as_a_screen() {
        let board = board(2000, 3000);
        let right = board.groups.iter().map(|g| g.position.x + g.size.width).fold(0.0, f64::max);
        let bottom = board.groups.iter().map(|g| g.position.y + g.size.height).fold(0.0, f64::max);
        let aspect = right / bottom;
        assert!((1.0..2.5).contains(&aspect), "{right} × {bottom} is {aspect:.2}:1");
    }
}
