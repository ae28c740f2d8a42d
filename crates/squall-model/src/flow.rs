//! The board as a petgraph graph, for the lint, diagrams and the simulator.

use std::collections::HashMap;

use petgraph::Direction;
use petgraph::graph::{DiGraph, NodeIndex};

use crate::board::{Board, Element};
use crate::grammar::{self, Verdict};
use crate::kind::Kind;

/// What an arrow on the board is, as the grammar sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Arrow {
    /// A flow arrow; `automatic` ones are followed by the simulator itself.
    Flow { automatic: bool },
    /// A hotspot or note attached to something.
    Annotation,
    /// An arrow the grammar forbids.
    Forbidden,
}

/// The directed graph of a board: one node per element, one edge per
/// connection. Connections with an unknown end are left out (loading already
/// refuses them).
#[derive(Debug)]
pub struct Flow<'b> {
    pub board: &'b Board,
    pub graph: DiGraph<&'b Element, Arrow>,
    nodes: HashMap<&'b str, NodeIndex>,
}

impl<'b> Flow<'b> {
    pub fn new(board: &'b Board) -> Self {
        let mut graph = DiGraph::with_capacity(board.elements.len(), board.connections.len());
        let mut nodes = HashMap::with_capacity(board.elements.len());
        for element in &board.elements {
            nodes.insert(element.id.as_str(), graph.add_node(element));
        }
        for connection in &board.connections {
            let (Some(&from), Some(&to)) =
                (nodes.get(connection.from.as_str()), nodes.get(connection.to.as_str()))
            else {
                continue;
            };
            let arrow = match grammar::judge(graph[from].kind, graph[to].kind) {
                Verdict::Flow { rule } => Arrow::Flow { automatic: rule.automatic },
                Verdict::Annotation => Arrow::Annotation,
                Verdict::Forbidden { .. } => Arrow::Forbidden,
            };
            graph.add_edge(from, to, arrow);
        }
        Flow { board, graph, nodes }
    }

    pub fn node(&self, id: &str) -> Option<NodeIndex> {
        self.nodes.get(id).copied()
    }

    pub fn element(&self, node: NodeIndex) -> &'b Element {
        self.graph[node]
    }

    /// Elements that `node` points at (or, `Incoming`, that point at it)
    /// through allowed flow arrows, restricted to `kinds`.
    pub fn neighbours<'a>(
        &'a self,
        node: NodeIndex,
        direction: Direction,
        kinds: &'a [Kind],
    ) -> impl Iterator<Item = NodeIndex> + 'a {
        self.graph
            .edges_directed(node, direction)
            .filter(|edge| matches!(edge.weight(), Arrow::Flow { .. }))
            .map(move |edge| match direction {
                Direction::Outgoing => petgraph::visit::EdgeRef::target(&edge),
                Direction::Incoming => petgraph::visit::EdgeRef::source(&edge),
            })
            .filter(move |&n| kinds.contains(&self.graph[n].kind))
    }

    /// Elements of `kinds`, with their nodes.
    pub fn of_kind<'a>(&'a self, kinds: &'a [Kind]) -> impl Iterator<Item = (NodeIndex, &'b Element)> + 'a {
        self.graph.node_indices().map(|n| (n, self.graph[n])).filter(move |(_, e)| kinds.contains(&e.kind))
    }
}
