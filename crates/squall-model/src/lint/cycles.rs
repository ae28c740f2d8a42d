//! Policy cycles: commands that set themselves off again through policies.
//! The simulator stops such a cascade with a guard, but the board should say
//! so before anyone presses play.

use std::collections::{HashMap, HashSet, VecDeque};

use petgraph::graph::NodeIndex;
use petgraph::visit::{EdgeFiltered, EdgeRef, IntoEdgeReferences};

use super::{Code, Sink};
use crate::Kind;
use crate::flow::{Arrow, Flow};

pub(super) fn check(flow: &Flow, sink: &mut Sink) {
    // Only the arrows the simulator follows by itself can loop unattended;
    // an actor reading a read model is a person deciding.
    let automatic =
        EdgeFiltered::from_fn(&flow.graph, |edge| matches!(edge.weight(), Arrow::Flow { automatic: true }));
    // Kosaraju's algorithm as petgraph writes it walks with an explicit
    // stack; its `tarjan_scc` recurses once per element along a chain, and a
    // long arrow chain overflowed the stack (issue 11, item 12).
    let mut components: Vec<Vec<NodeIndex>> =
        petgraph::algo::kosaraju_scc(&automatic).into_iter().filter(|c| c.len() >= 2).collect();
    // Board order (elements are sorted by id), whatever order the walk found them in.
    for component in &mut components {
        component.sort_unstable();
    }
    components.sort_unstable();
    for component in components {
        let members: HashSet<NodeIndex> = component.iter().copied().collect();
        let policies: Vec<_> =
            component.iter().map(|&n| flow.element(n)).filter(|e| e.kind == Kind::Policy).collect();
        let Some(&start) = component.iter().find(|&&n| flow.element(n).kind == Kind::Command) else {
            continue;
        };
        let path = cycle_through(flow, &automatic, &members, start);
        let names: Vec<&str> = path.iter().map(|&n| flow.element(n).name.as_str()).collect();
        let mut involved = policies.clone();
        involved.extend(path.iter().map(|&n| flow.element(n)).filter(|e| e.kind != Kind::Policy));
        // The path starts and ends on the same command; name it once.
        let mut named = HashSet::new();
        involved.retain(|e| named.insert(&e.id));
        sink.report(
            Code::PolicyCycle,
            format!(
                "policy cycle: {}; a simulation may loop forever unless the policy stops itself",
                names.join(" → ")
            ),
            &involved,
        );
    }
}

/// A shortest cycle from `start` back to itself within one strongly
/// connected component, as the nodes along it (start at both ends).
fn cycle_through<'b, G>(
    flow: &Flow<'b>,
    graph: G,
    members: &HashSet<NodeIndex>,
    start: NodeIndex,
) -> Vec<NodeIndex>
where
    G: IntoEdgeReferences<NodeId = NodeIndex> + petgraph::visit::IntoEdges,
{
    let mut parent: HashMap<NodeIndex, NodeIndex> = HashMap::new();
    let mut queue = VecDeque::from([start]);
    while let Some(node) = queue.pop_front() {
        // In id order, so the path named does not depend on drawing order.
        let mut nexts: Vec<NodeIndex> = graph.edges(node).map(|edge| edge.target()).collect();
        nexts.sort_by_key(|&n| &flow.element(n).id);
        for next in nexts {
            if next == start {
                let mut path = vec![start, node];
                let mut at = node;
                while let Some(&p) = parent.get(&at) {
                    path.push(p);
                    at = p;
                }
                // Built backwards from the closing arrow: start, node, …, start.
                path.reverse();
                return path;
            }
            if members.contains(&next) && next != start && !parent.contains_key(&next) {
                parent.insert(next, node);
                queue.push_back(next);
            }
        }
    }
    // Unreachable for a real strongly connected component; fall back to the
    // members in graph order so the diagnostic still names them.
    let mut nodes: Vec<_> = members.iter().copied().collect();
    nodes.sort();
    nodes
}

#[cfg(test)]
mod tests {
    use super::super::test_boards::{board, codes_of};
    use crate::Kind::*;
    use crate::lint::{Code, Options, lint};

    fn looping() -> crate::Board {
        board(
            &[
                ("c", Command, "DepositMoney"),
                ("a", Aggregate, "BankAccount"),
                ("e", Event, "MoneyDeposited"),
                ("p", Policy, "CEO bonus"),
            ],
            &[("c", "a"), ("a", "e"), ("e", "p"), ("p", "c")],
        )
    }

    #[test]
    fn given_a_policy_that_reissues_its_command_then_the_cycle_is_named_in_order() {
        let report = lint(&looping(), &Options::default());
        let d = report.diagnostics.iter().find(|d| d.code == Code::PolicyCycle).unwrap();
        let ids: Vec<&str> = d.elements.iter().map(|id| id.as_str()).collect();
        assert_eq!(ids, ["p", "c", "a", "e"]);
        assert!(
            d.message.starts_with(
                "policy cycle: DepositMoney → BankAccount → MoneyDeposited → CEO bonus → DepositMoney"
            ),
            "{}",
            d.message
        );
    }

    #[test]
    fn an_allowed_cycle_moves_to_the_allowed_list_with_its_reason() {
        let mut b = looping();
        b.elements[3].allow.insert("policy-cycle".into(), "guarded by a limit".into());
        let report = lint(&b, &Options::default());
        assert!(report.diagnostics.iter().all(|d| d.code != Code::PolicyCycle));
        assert_eq!(report.allowed[0].reason, "guarded by a limit");
    }

    #[test]
    fn a_loop_through_a_person_is_not_a_policy_cycle() {
        let b = board(
            &[
                ("u", Actor, "Owner"),
                ("c", Command, "Deposit"),
                ("a", Aggregate, "Account"),
                ("e", Event, "Deposited"),
                ("r", ReadModel, "Overview"),
            ],
            &[("u", "c"), ("c", "a"), ("a", "e"), ("e", "r"), ("r", "u")],
        );
        assert!(!codes_of(&b).contains_key(&Code::PolicyCycle));
    }

    /// Regression (issue 11, item 12): petgraph's `tarjan_scc` recursed once
    /// per element along a chain, so a long arrow chain overflowed the stack
    /// and took `squall check` (and `squall serve`) down. 100,000 elements
    /// overflowed a test thread's 2 MiB stack in a debug build and take under
    /// a second here; 1,000,000 pass too but take 14 s and 1.4 GiB in debug,
    /// too much for every test run.
    #[test]
    fn given_a_chain_of_100_000_elements_closing_into_a_loop_then_the_cycle_is_reported_without_overflow() {
        let links = 25_000;
        let kinds = [(Command, "c"), (Aggregate, "a"), (Event, "e"), (Policy, "p")];
        let ids: Vec<(String, crate::Kind, String)> = (0..links)
            .flat_map(|i| {
                kinds
                    .iter()
                    .map(move |&(kind, prefix)| (format!("{prefix}{i:05}"), kind, format!("{prefix}{i}")))
            })
            .collect();
        let elements: Vec<(&str, crate::Kind, &str)> =
            ids.iter().map(|(id, kind, name)| (id.as_str(), *kind, name.as_str())).collect();
        let mut arrows: Vec<(&str, &str)> = elements.windows(2).map(|pair| (pair[0].0, pair[1].0)).collect();
        arrows.push((elements[elements.len() - 1].0, elements[0].0));
        let b = board(&elements, &arrows);

        let report = lint(&b, &Options::default());

        let cycle = report.diagnostics.iter().find(|d| d.code == Code::PolicyCycle).unwrap();
        assert!(
            cycle.message.starts_with("policy cycle: c0 → a0 → e0 → p0 → c1 → "),
            "{}",
            cycle.message.chars().take(80).collect::<String>()
        );
        assert!(cycle.message.contains(" → p24999 → c0; a simulation may loop forever"));
        assert_eq!(cycle.elements.len(), 100_000);
    }
}
