//! The SVG being written: a few shapes and text, in the plain attributes
//! every reader draws, ImageMagick's own renderer too. That renderer sets
//! the limits: no CSS, no `foreignObject`, no markers, no filters, no
//! opacity (see `colour`), no rotation (it turns shapes the wrong way), a
//! font family list without quotes, and no `class` attributes (past a few
//! hundred groups with one it stops: "vector graphics nested too deeply").
//! Groups are named by `data-` attributes instead: `data-sticky="Event"`,
//! `data-frame`, `data-arrows="manual"`.

use std::fmt::Write as _;

use squall_model::Point;

use super::colour::Rgb;
use super::geometry::Rect;
use super::metrics::{Font, Weight};
use super::xml::{Escaped, Num};

/// The smallest text a PNG carries, in its own pixels.
pub const LEGIBLE: f64 = 4.0;

/// The ink of text on a sticky, as the board's stylesheet has it.
pub const INK: Rgb = Rgb(0x1f, 0x23, 0x28);

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Anchor {
    Start,
    Middle,
}

/// How a run of text is painted.
#[derive(Clone, Copy, Debug)]
pub struct Paint {
    pub fill: Rgb,
    pub italic: bool,
}

impl Paint {
    pub const fn solid(fill: Rgb) -> Self {
        Paint { fill, italic: false }
    }
}

#[derive(Debug, Default)]
pub struct Canvas {
    out: String,
    /// Text set smaller than this (in board pixels) is left out: see [`Canvas::for_png`].
    smallest_text: f64,
    /// The PNG's pixels start out in the background colour, so the SVG's
    /// background need not be drawn over them again.
    pub on_background: bool,
}

// Writing to a String cannot fail: the `fmt::Result`s below are always Ok.
impl Canvas {
    pub fn new() -> Self {
        Canvas { out: String::with_capacity(64 * 1024), smallest_text: 0.0, on_background: false }
    }

    /// A canvas for a PNG drawn at `scale`, which leaves out text smaller
    /// than [`LEGIBLE`] pixels there. A large board's PNG is drawn small to
    /// keep its size in bounds; no one can read its smallest text then, and
    /// laying that text out was most of the time such a picture took.
    pub fn for_png(scale: f64) -> Self {
        Canvas { smallest_text: LEGIBLE / scale, on_background: true, ..Canvas::new() }
    }

    pub fn into_string(self) -> String {
        self.out
    }

    /// Raw markup, for the few fixed pieces (group tags, the figure of an actor).
    pub fn raw(&mut self, markup: std::fmt::Arguments<'_>) {
        let _ = self.out.write_fmt(markup);
    }

    /// A rectangle with rounded corners; `paint` is its fill and stroke
    /// attributes, written as given (colours are `Rgb`s or constants).
    pub fn rect(&mut self, r: Rect, radius: f64, paint: std::fmt::Arguments<'_>) {
        let _ = write!(
            self.out,
            r#"<rect x="{}" y="{}" width="{}" height="{}""#,
            Num(r.x),
            Num(r.y),
            Num(r.width),
            Num(r.height)
        );
        if radius > 0.0 {
            let _ = write!(self.out, r#" rx="{}""#, Num(radius));
        }
        let _ = writeln!(self.out, " {paint}/>");
    }

    /// A closed shape through `points`, filled.
    pub fn polygon(&mut self, points: &[Point], fill: Rgb) {
        self.out.push_str("<polygon points=\"");
        for (i, p) in points.iter().enumerate() {
            let gap = if i == 0 { "" } else { " " };
            let _ = write!(self.out, "{gap}{},{}", Num(p.x), Num(p.y));
        }
        let _ = writeln!(self.out, r#"" fill="{fill}"/>"#);
    }

    /// One line of text whose baseline starts (or is centred) at `x`, `y`.
    pub fn text(&mut self, x: f64, y: f64, font: Font, anchor: Anchor, paint: Paint, text: &str) {
        if font.size < self.smallest_text {
            return;
        }
        let _ = write!(self.out, r#"<text x="{}" y="{}" font-size="{}""#, Num(x), Num(y), Num(font.size));
        if font.weight == Weight::Bold {
            self.out.push_str(r#" font-weight="bold""#);
        }
        if paint.italic {
            self.out.push_str(r#" font-style="italic""#);
        }
        if anchor == Anchor::Middle {
            self.out.push_str(r#" text-anchor="middle""#);
        }
        let _ = writeln!(self.out, r#" fill="{}">{}</text>"#, paint.fill, Escaped(text));
    }

    /// A tooltip for the shape or group it is written in (browsers show it).
    pub fn title(&mut self, text: &str) {
        let _ = writeln!(self.out, "<title>{}</title>", Escaped(text));
    }
}
