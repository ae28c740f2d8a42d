//! Elements no flow reaches: every flow starts with a person (an actor) or
//! the outside world (an external system).

use petgraph::visit::{Bfs, EdgeFiltered};

use super::{Code, Sink, quoted};
use crate::Kind;
use crate::flow::{Arrow, Flow};

pub(super) fn check(flow: &Flow, sink: &mut Sink) {
    let arrows = EdgeFiltered::from_fn(&flow.graph, |edge| matches!(edge.weight(), Arrow::Flow { .. }));
    let mut reached = vec![false; flow.graph.node_count()];
    for (start, _) in flow.of_kind(&[Kind::Actor, Kind::ExternalSystem]) {
        if reached[start.index()] {
            continue;
        }
        let mut bfs = Bfs::new(&arrows, start);
        while let Some(node) = bfs.next(&arrows) {
            reached[node.index()] = true;
        }
    }
    for node in flow.graph.node_indices() {
        let element = flow.element(node);
        if !reached[node.index()] && !element.kind.is_annotation() {
            sink.report(
                Code::Unreachable,
                format!(
                    "{} {} is not reached by any flow from an actor or external system",
                    element.kind.label().to_lowercase(),
                    quoted(element)
                ),
                &[element],
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_boards::{board, codes_of};
    use crate::Kind::*;
    use crate::lint::Code;

    #[test]
    fn flows_from_actors_reach_everything_downstream_but_not_islands() {
        let b = board(
            &[
                ("u", Actor, "Owner"),
                ("c", Command, "Open"),
                ("a", Aggregate, "Account"),
                ("e", Event, "Opened"),
                ("island", Event, "Forgotten"),
                ("h", Hotspot, "Why?"),
            ],
            &[("u", "c"), ("c", "a"), ("a", "e")],
        );
        assert_eq!(codes_of(&b)[&Code::Unreachable], vec!["island"]);
    }
}
