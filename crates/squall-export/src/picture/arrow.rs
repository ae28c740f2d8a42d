//! Arrows as the board draws them (ui/src/board/ArrowEdge.tsx): straight,
//! from border to border, with a closed head at the target, in the style
//! the grammar gives them. The heads are triangles, not SVG markers, which
//! some readers (ImageMagick's own renderer among them) leave out.

use std::collections::HashMap;

use squall_model::grammar;
use squall_model::{Board, Kind, Point};

use super::canvas::{Anchor, Canvas, INK, Paint};
use super::colour::Rgb;
use super::geometry::{Rect, arrow_ends};
use super::metrics::Font;
use super::xml::Num;

/// How an arrow is drawn, as the board tells them apart.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ArrowStyle {
    /// A flow arrow the simulator follows: solid.
    Automatic,
    /// One a person follows (an actor reading a read model): dashed.
    Manual,
    /// Anything the grammar has no rule for (a hotspot pointing at a command): dotted pink.
    Annotation,
}

impl ArrowStyle {
    /// The style of an arrow between two kinds, from the flow grammar.
    pub fn between(from: Kind, to: Kind) -> Self {
        match grammar::flow_rule(from, to) {
            Some(rule) if rule.automatic => ArrowStyle::Automatic,
            Some(_) => ArrowStyle::Manual,
            None => ArrowStyle::Annotation,
        }
    }

    const ALL: [ArrowStyle; 3] = [ArrowStyle::Automatic, ArrowStyle::Manual, ArrowStyle::Annotation];

    fn name(self) -> &'static str {
        match self {
            ArrowStyle::Automatic => "automatic",
            ArrowStyle::Manual => "manual",
            ArrowStyle::Annotation => "annotation",
        }
    }

    fn colour(self) -> Rgb {
        match self {
            ArrowStyle::Annotation => Rgb(0xcf, 0x3a, 0x77),
            _ => Rgb(0x57, 0x60, 0x6a),
        }
    }

    fn dashes(self) -> Option<&'static str> {
        match self {
            ArrowStyle::Automatic => None,
            ArrowStyle::Manual => Some("6 4"),
            ArrowStyle::Annotation => Some("2 4"),
        }
    }
}

const HEAD_LENGTH: f64 = 10.0;
const HEAD_HALF_WIDTH: f64 = 4.5;
const LABEL: Font = Font::regular(11.0);

/// One arrow to draw: its ends, its style, its label.
#[derive(Clone, Debug)]
pub struct Arrow<'a> {
    pub start: Point,
    pub end: Point,
    pub style: ArrowStyle,
    pub label: Option<&'a str>,
}

/// The board's arrows between stickies it has, in board order; an arrow
/// to a missing sticky or to itself has nothing to be drawn between.
pub fn arrows<'a>(board: &'a Board, stickies: &HashMap<&str, (Rect, Kind)>) -> Vec<Arrow<'a>> {
    board
        .connections
        .iter()
        .filter(|c| c.from != c.to)
        .filter_map(|c| {
            let (from, from_kind) = stickies.get(c.from.as_str())?;
            let (to, to_kind) = stickies.get(c.to.as_str())?;
            let (start, end) = arrow_ends(*from, *to);
            let style = ArrowStyle::between(*from_kind, *to_kind);
            Some(Arrow { start, end, style, label: c.label.as_deref().filter(|l| !l.trim().is_empty()) })
        })
        .collect()
}

/// The lines and heads, one group per style.
pub fn draw(canvas: &mut Canvas, arrows: &[Arrow<'_>]) {
    for style in ArrowStyle::ALL {
        let mut these = arrows.iter().filter(|a| a.style == style).peekable();
        if these.peek().is_none() {
            continue;
        }
        let colour = style.colour();
        canvas.raw(format_args!(
            r#"<g data-arrows="{}" stroke="{colour}" stroke-width="1.6" fill="{colour}""#,
            style.name()
        ));
        if let Some(dashes) = style.dashes() {
            canvas.raw(format_args!(r#" stroke-dasharray="{dashes}""#));
        }
        canvas.raw(format_args!(">\n"));
        for arrow in these {
            line_and_head(canvas, arrow);
        }
        canvas.raw(format_args!("</g>\n"));
    }
}

fn line_and_head(canvas: &mut Canvas, arrow: &Arrow<'_>) {
    let (dx, dy) = (arrow.end.x - arrow.start.x, arrow.end.y - arrow.start.y);
    let length = dx.hypot(dy);
    if length < 1.0 {
        return;
    }
    let (ux, uy) = (dx / length, dy / length);
    // The line stops at the head's base, so a dashed line does not poke through it.
    let base = Point { x: arrow.end.x - ux * HEAD_LENGTH, y: arrow.end.y - uy * HEAD_LENGTH };
    if length > HEAD_LENGTH {
        canvas.raw(format_args!(
            r#"<line x1="{}" y1="{}" x2="{}" y2="{}"/>"#,
            Num(arrow.start.x),
            Num(arrow.start.y),
            Num(base.x),
            Num(base.y)
        ));
    }
    let (nx, ny) = (-uy * HEAD_HALF_WIDTH, ux * HEAD_HALF_WIDTH);
    canvas.raw(format_args!(
        r#"<polygon points="{},{} {},{} {},{}" stroke="none"/>"#,
        Num(arrow.end.x),
        Num(arrow.end.y),
        Num(base.x + nx),
        Num(base.y + ny),
        Num(base.x - nx),
        Num(base.y - ny)
    ));
    canvas.raw(format_args!("\n"));
}

/// Arrow labels, on a white tag halfway along, over everything else.
pub fn draw_labels(canvas: &mut Canvas, arrows: &[Arrow<'_>]) {
    for arrow in arrows {
        let Some(label) = arrow.label else { continue };
        let mid = Point { x: (arrow.start.x + arrow.end.x) / 2.0, y: (arrow.start.y + arrow.end.y) / 2.0 };
        let width = LABEL.width(label) + 8.0;
        let tag = Rect { x: mid.x - width / 2.0, y: mid.y - 8.0, width, height: 16.0 };
        canvas.rect(tag, 4.0, format_args!(r##"fill="#ffffff" stroke="#d8dee4" stroke-width="1""##));
        canvas.text(mid.x, mid.y + 4.0, LABEL, Anchor::Middle, Paint::solid(INK), label);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn styles_follow_the_grammar() {
        assert_eq!(ArrowStyle::between(Kind::Command, Kind::Aggregate), ArrowStyle::Automatic);
        assert_eq!(ArrowStyle::between(Kind::ReadModel, Kind::Actor), ArrowStyle::Manual);
        assert_eq!(ArrowStyle::between(Kind::Hotspot, Kind::Command), ArrowStyle::Annotation);
    }

    #[test]
    fn an_arrow_ends_in_a_head_at_its_target() {
        let arrow = Arrow {
            start: Point { x: 0.0, y: 0.0 },
            end: Point { x: 100.0, y: 0.0 },
            style: ArrowStyle::Manual,
            label: None,
        };
        let mut canvas = Canvas::new();
        draw(&mut canvas, &[arrow]);
        let svg = canvas.into_string();
        assert!(svg.contains(r#"<line x1="0" y1="0" x2="90" y2="0"/>"#), "{svg}");
        assert!(svg.contains(r#"points="100,0 90,4.5 90,-4.5" stroke="none""#), "{svg}");
        assert!(svg.contains(r#"stroke-dasharray="6 4""#), "{svg}");
    }
}
