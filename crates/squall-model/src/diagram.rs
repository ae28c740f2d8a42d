//! The flow graph as text diagrams, for documentation: Graphviz DOT and Mermaid.

use std::fmt::Write;

use crate::board::{Board, Element, GroupKind};
use crate::grammar::{self, Verdict};

/// A diagram language.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Dot,
    Mermaid,
}

/// Render the board's elements, contexts and arrows. Flow arrows carry the
/// grammar's reading ("emits"); annotations are dashed.
pub fn render(board: &Board, format: Format) -> String {
    match format {
        Format::Dot => dot(board),
        Format::Mermaid => mermaid(board),
    }
}

fn label_of(board: &Board, from: &str, to: &str) -> (Option<&'static str>, bool) {
    match (board.element(from), board.element(to)) {
        (Some(a), Some(b)) => match grammar::judge(a.kind, b.kind) {
            Verdict::Flow { rule } => (Some(rule.reads), false),
            Verdict::Annotation => (None, true),
            Verdict::Forbidden { .. } => (Some("forbidden"), false),
        },
        _ => (None, false),
    }
}

fn dot(board: &Board) -> String {
    let mut out = String::new();
    let q = |s: &str| s.replace('\\', "\\\\").replace('"', "\\\"");
    let node = |out: &mut String, e: &Element, indent: &str| {
        let shape = if e.kind.is_annotation() { "note" } else { "box" };
        let _ = writeln!(
            out,
            "{indent}\"{}\" [label=\"{}\\n«{}»\", shape={shape}, style=filled, fillcolor=\"{}\"];",
            q(e.id.as_str()),
            q(&e.name),
            e.kind.label().to_lowercase(),
            e.colour.as_deref().unwrap_or(e.kind.colour())
        );
    };
    let _ = writeln!(out, "digraph \"{}\" {{", q(&board.name));
    out.push_str("    rankdir=LR;\n    node [fontname=\"Helvetica\"];\n    edge [fontname=\"Helvetica\", fontsize=10];\n");
    let mut grouped = std::collections::HashSet::new();
    for (i, group) in board.groups.iter().filter(|g| g.kind == GroupKind::BoundedContext).enumerate() {
        let _ = writeln!(out, "    subgraph cluster_{i} {{\n        label=\"{}\";", q(&group.name));
        for member in &group.members {
            if let Some(e) = board.element(member.as_str())
                && grouped.insert(member)
            {
                node(&mut out, e, "        ");
            }
        }
        out.push_str("    }\n");
    }
    for e in board.elements.iter().filter(|e| !grouped.contains(&e.id)) {
        node(&mut out, e, "    ");
    }
    for c in &board.connections {
        let (label, dashed) = label_of(board, c.from.as_str(), c.to.as_str());
        let mut attrs = Vec::new();
        if let Some(label) = c.label.as_deref().or(label) {
            attrs.push(format!("label=\"{}\"", q(label)));
        }
        if dashed {
            attrs.push("style=dashed".to_owned());
        }
        let attrs = if attrs.is_empty() { String::new() } else { format!(" [{}]", attrs.join(", ")) };
        let _ = writeln!(out, "    \"{}\" -> \"{}\"{attrs};", q(c.from.as_str()), q(c.to.as_str()));
    }
    out.push_str("}\n");
    out
}

fn mermaid(board: &Board) -> String {
    // Mermaid ids may not contain `-` or `.`; number the elements instead.
    let index: std::collections::HashMap<&str, usize> =
        board.elements.iter().enumerate().map(|(i, e)| (e.id.as_str(), i)).collect();
    let text = |s: &str| s.replace('"', "#quot;");
    let mut out = String::from("flowchart LR\n");
    let node = |out: &mut String, i: usize, e: &Element, indent: &str| {
        let _ =
            writeln!(out, "{indent}n{i}[\"{}<br/><i>{}</i>\"]", text(&e.name), e.kind.label().to_lowercase());
    };
    let mut grouped = std::collections::HashSet::new();
    for (g, group) in board.groups.iter().filter(|g| g.kind == GroupKind::BoundedContext).enumerate() {
        let _ = writeln!(out, "    subgraph ctx{g}[\"{}\"]", text(&group.name));
        for member in &group.members {
            if let (Some(&i), Some(e)) = (index.get(member.as_str()), board.element(member.as_str()))
                && grouped.insert(i)
            {
                node(&mut out, i, e, "        ");
            }
        }
        out.push_str("    end\n");
    }
    for (i, e) in board.elements.iter().enumerate() {
        if !grouped.contains(&i) {
            node(&mut out, i, e, "    ");
        }
    }
    for c in &board.connections {
        let (Some(&a), Some(&b)) = (index.get(c.from.as_str()), index.get(c.to.as_str())) else { continue };
        let (label, dashed) = label_of(board, c.from.as_str(), c.to.as_str());
        let arrow = if dashed { "-.->" } else { "-->" };
        match c.label.as_deref().or(label) {
            Some(label) => {
                let _ = writeln!(out, "    n{a} {arrow}|\"{}\"| n{b}", text(label));
            }
            None => {
                let _ = writeln!(out, "    n{a} {arrow} n{b}");
            }
        }
    }
    for (i, e) in board.elements.iter().enumerate() {
        let colour = e.colour.as_deref().unwrap_or(e.kind.colour());
        let _ = writeln!(out, "    style n{i} fill:{colour},color:#222");
    }
    out
}
