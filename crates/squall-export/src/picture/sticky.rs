//! A sticky drawn as the board draws it (ui/src/board/nodes.tsx and the
//! sticky rules of ui/src/styles.css): its kind's colour and size from
//! `squall_model::Kind`, the kind's label on top, the name in bold and
//! wrapped to fit, then what the kind carries: fields, a note's text, the
//! key and script, tags.

use squall_model::{Element, Kind};

use squall_model::Point;

use super::canvas::{Anchor, Canvas, INK, Paint};
use super::colour::{self, BLACK, Rgb, WHITE};
use super::geometry::Rect;
use super::metrics::Font;
use super::wrap::{self, Room};
use super::xml::Num;

const PAD_X: f64 = 10.0;
const PAD_Y: f64 = 8.0;
const LABEL: Font = Font::regular(10.0);
/// The label's line and the gap under it.
const LABEL_ROOM: f64 = 16.0;
const NAME_LEADING: f64 = 1.25;
/// Names shrink to fit down to this size; below it they are cut instead.
const SMALLEST_NAME: f64 = 10.0;
const FIELD: Font = Font::regular(11.0);
const FIELD_LINE: f64 = 15.0;
const META: Font = Font::regular(11.0);
const TAGS: Font = Font::regular(10.0);
const NOTE_TEXT: Font = Font::regular(12.0);
/// Hotspots are tilted, as a hot pink sticky slapped on in a hurry (degrees).
const HOTSPOT_TILT: f64 = -4.0;
/// The board's shadow under a sticky, on the board's background.
const SHADOW: Rgb = Rgb(0xd2, 0xd1, 0xce);

/// DejaVu Sans's ascent and descent, in ems: where a baseline goes for text
/// centred in its line the way browsers centre it.
const ASCENT: f64 = 0.928;
const DESCENT: f64 = 0.236;

/// The baseline of a line of `font` whose line box starts at `top`.
fn baseline(top: f64, line: f64, font: Font) -> f64 {
    top + (line - (ASCENT + DESCENT) * font.size) / 2.0 + ASCENT * font.size
}

/// The inks of one sticky: the board's see-through greys (or whites, on a
/// hotspot) mixed with the sticky's colour in advance.
#[derive(Clone, Copy, Debug)]
struct Inks {
    fill: Rgb,
    /// Names.
    ink: Rgb,
    /// What the board writes at 45% black over the sticky, or 80% white on a hotspot.
    light: Rgb,
    /// 65% black: fields, a note's text, the actor's figure.
    dim: Rgb,
}

impl Inks {
    fn of(fill: Rgb, kind: Kind) -> Self {
        if kind == Kind::Hotspot {
            let faded = fill.under(WHITE, 0.8);
            Inks { fill, ink: WHITE, light: faded, dim: faded }
        } else {
            Inks { fill, ink: INK, light: fill.under(BLACK, 0.45), dim: fill.under(BLACK, 0.65) }
        }
    }
}

pub fn draw(canvas: &mut Canvas, element: &Element) {
    let r = Rect::of_element(element);
    let kind = element.kind;
    let fill = element.colour.as_deref().and_then(Rgb::parse).unwrap_or_else(|| colour::known(kind.colour()));
    let inks = Inks::of(fill, kind);
    canvas.raw(format_args!("<g data-sticky=\"{kind:?}\">\n"));
    if kind != Kind::Note
        && let Some(description) = element.description.as_deref().filter(|d| !d.trim().is_empty())
    {
        canvas.title(description);
    }
    match kind {
        Kind::Hotspot => {
            // Tilted as a shape of its own: ImageMagick turns rotated groups the wrong way.
            // Its text stays level, which reads better anyway.
            let corners = tilted(r, HOTSPOT_TILT);
            let shadow: Vec<Point> = corners.iter().map(|p| Point { x: p.x, y: p.y + 2.0 }).collect();
            canvas.polygon(&shadow, SHADOW);
            canvas.polygon(&corners, fill);
        }
        Kind::Note => {
            canvas.rect(Rect { y: r.y + 1.0, ..r }, 3.0, format_args!(r#"fill="{SHADOW}""#));
            canvas.rect(r, 3.0, format_args!(r##"fill="{fill}" stroke="#bbbbbb" stroke-dasharray="4 3""##));
        }
        _ => {
            canvas.rect(Rect { y: r.y + 2.0, ..r }, 3.0, format_args!(r#"fill="{SHADOW}""#));
            canvas.rect(r, 3.0, format_args!(r#"fill="{fill}""#));
        }
    }
    if kind == Kind::Actor {
        actor(canvas, element, r, inks);
    } else {
        card(canvas, element, r, inks);
    }
    canvas.raw(format_args!("</g>\n"));
}

/// The corners of `r` turned by `degrees` about its centre.
fn tilted(r: Rect, degrees: f64) -> [Point; 4] {
    let c = r.centre();
    let (sin, cos) = degrees.to_radians().sin_cos();
    let turn = |x: f64, y: f64| {
        let (dx, dy) = (x - c.x, y - c.y);
        Point { x: c.x + dx * cos - dy * sin, y: c.y + dx * sin + dy * cos }
    };
    [turn(r.x, r.y), turn(r.right(), r.y), turn(r.right(), r.bottom()), turn(r.x, r.bottom())]
}

/// An actor: a small square with a figure over the name, no label.
fn actor(canvas: &mut Canvas, element: &Element, r: Rect, inks: Inks) {
    const FIGURE: f64 = 30.0;
    const PAD: f64 = 4.0;
    let room =
        Room { width: r.width - 2.0 * PAD, height: r.height - 2.0 * PAD - FIGURE - 2.0, leading: 1.25 };
    let (name, paint) = name_and_paint(element, inks);
    let block = wrap::fit(name, Font::bold(12.0), 9.0, room);
    let line = block.font.size * room.leading;
    let total = FIGURE + 2.0 + block.lines.len() as f64 * line;
    let top = (r.y + (r.height - total) / 2.0).max(r.y + PAD);
    let cx = r.x + r.width / 2.0;
    // The board's figure is a 24-unit icon drawn 30 pixels wide.
    canvas.raw(format_args!(
        r#"<g transform="translate({} {}) scale(1.25)" fill="{}"><circle cx="12" cy="6" r="4"/><path d="M4 22c0-5 3.6-8 8-8s8 3 8 8z"/></g>"#,
        Num(cx - FIGURE / 2.0),
        Num(top),
        inks.fill.under(BLACK, 0.55),
    ));
    canvas.raw(format_args!("\n"));
    let mut y = top + FIGURE + 2.0;
    for text in &block.lines {
        canvas.text(cx, baseline(y, line, block.font), block.font, Anchor::Middle, paint, text);
        y += line;
    }
}

/// Every other kind: label, name, then fields or a note's text, and at the
/// bottom the key, script and tags.
fn card(canvas: &mut Canvas, element: &Element, r: Rect, inks: Inks) {
    let kind = element.kind;
    let width = r.width - 2.0 * PAD_X;
    let cx = r.x + r.width / 2.0;
    let bottom = r.bottom() - PAD_Y;
    let mut top = r.y + PAD_Y;

    let faded = Paint::solid(inks.light);
    let label = wrap::ellipsis(&kind.label().to_uppercase(), LABEL, width);
    canvas.text(cx, baseline(top, 12.0, LABEL), LABEL, Anchor::Middle, faded, &label);
    top += LABEL_ROOM;
    if kind == Kind::Aggregate && r.height >= 120.0 {
        top += 20.0;
    }

    let name_font = Font::bold(if kind == Kind::Aggregate { 17.0 } else { 14.0 });
    let mut footer = footer(element, width);
    let least = SMALLEST_NAME * NAME_LEADING;
    if bottom - footer_height(&footer) - top < least {
        // Too small a sticky for both: the name comes first.
        footer.clear();
    }
    let floor = bottom - footer_height(&footer);
    let (name, paint) = name_and_paint(element, inks);
    let room = Room { width, height: floor - top, leading: NAME_LEADING };
    let block = wrap::fit(name, name_font, SMALLEST_NAME, room);
    let line = block.font.size * NAME_LEADING;
    for text in &block.lines {
        canvas.text(cx, baseline(top, line, block.font), block.font, Anchor::Middle, paint, text);
        top += line;
    }

    let dim = Paint::solid(inks.dim);
    if kind.has_fields() && !element.fields.is_empty() {
        let lines: Vec<String> = element.fields.iter().map(|f| format!("{}: {}", f.name, f.ty)).collect();
        let fit = ((floor - top - 6.0) / FIELD_LINE).floor().max(0.0) as usize;
        let shown = if fit < lines.len() { fit.saturating_sub(1) } else { lines.len() };
        let mut y = top + 6.0;
        for text in &lines[..shown] {
            let text = wrap::ellipsis(text, FIELD, width);
            canvas.text(r.x + PAD_X, baseline(y, FIELD_LINE, FIELD), FIELD, Anchor::Start, dim, &text);
            y += FIELD_LINE;
        }
        if shown < lines.len() && fit > 0 {
            let more = format!("+{} more", lines.len() - shown);
            canvas.text(r.x + PAD_X, baseline(y, FIELD_LINE, FIELD), FIELD, Anchor::Start, dim, &more);
        }
    }
    if kind == Kind::Note
        && let Some(text) = element.description.as_deref().filter(|d| !d.trim().is_empty())
    {
        let room = Room { width, height: floor - top - 4.0, leading: 1.3 };
        if room.height >= NOTE_TEXT.size * room.leading {
            let block = wrap::fit(text, NOTE_TEXT, NOTE_TEXT.size, room);
            let line = NOTE_TEXT.size * room.leading;
            let mut y = top + 4.0;
            for text in &block.lines {
                canvas.text(cx, baseline(y, line, NOTE_TEXT), NOTE_TEXT, Anchor::Middle, dim, text);
                y += line;
            }
        }
    }

    let mut y = floor;
    for (font, text) in &footer {
        let line = font.size * 1.3;
        canvas.text(cx, baseline(y, line, *font), *font, Anchor::Middle, faded, text);
        y += line;
    }
}

/// The name, or "unnamed" in grey italics as the board shows a sticky without one.
fn name_and_paint(element: &Element, inks: Inks) -> (&str, Paint) {
    if element.name.trim().is_empty() {
        ("unnamed", Paint { fill: inks.light, italic: true })
    } else {
        (element.name.as_str(), Paint::solid(inks.ink))
    }
}

/// The lines at the bottom of a sticky, top down: the aggregate's or read
/// model's key, whether it has a script, a hotspot's resolution; the tags.
fn footer(element: &Element, width: f64) -> Vec<(Font, String)> {
    let mut meta = Vec::new();
    if let Some(key) = element.key.as_deref().filter(|k| !k.is_empty()) {
        meta.push(format!("key: {key}"));
    }
    if element.script.as_deref().is_some_and(|s| !s.is_empty()) {
        meta.push("script".to_owned());
    }
    if element.kind == Kind::Hotspot && element.resolved {
        meta.push("✓ resolved".to_owned());
    }
    let mut lines = Vec::new();
    if !meta.is_empty() {
        lines.push((META, wrap::ellipsis(&meta.join(" · "), META, width)));
    }
    if !element.tags.is_empty() {
        let tags: Vec<String> = element.tags.iter().map(|t| format!("#{t}")).collect();
        lines.push((TAGS, wrap::ellipsis(&tags.join(" "), TAGS, width)));
    }
    lines
}

fn footer_height(lines: &[(Font, String)]) -> f64 {
    lines.iter().map(|(font, _)| font.size * 1.3).sum()
}

#[cfg(test)]
mod tests {
    use squall_model::{Field, FieldType, Point, Size};

    use super::*;

    fn drawn(element: &Element) -> String {
        let mut canvas = Canvas::new();
        draw(&mut canvas, element);
        canvas.into_string()
    }

    #[test]
    fn a_sticky_has_its_kind_s_colour_and_label() {
        let svg = drawn(&Element::new("e", Kind::Event, "MoneyDeposited", Point::default()));
        assert!(svg.contains(r##"fill="#ffb74d""##), "{svg}");
        assert!(svg.contains(">EVENT</text>"), "{svg}");
        assert!(svg.contains(">Money</text>") || svg.contains(">MoneyDeposited</text>"), "{svg}");
    }

    #[test]
    fn its_own_colour_wins_when_every_reader_can_read_it() {
        let mut element = Element::new("e", Kind::Event, "A", Point::default());
        element.colour = Some("#123456".into());
        assert!(drawn(&element).contains(r##"fill="#123456""##));
        element.colour = Some("url(#evil)".into());
        let svg = drawn(&element);
        assert!(svg.contains(r##"fill="#ffb74d""##) && !svg.contains("evil"), "{svg}");
    }

    #[test]
    fn a_command_lists_its_fields() {
        let mut element = Element::new("c", Kind::Command, "Deposit", Point::default());
        element.fields = vec![
            Field { name: "account_id".into(), ty: FieldType::Id },
            Field { name: "amount".into(), ty: FieldType::Decimal },
        ];
        let svg = drawn(&element);
        assert!(svg.contains(">account_id: id</text>") && svg.contains(">amount: decimal</text>"), "{svg}");
    }

    #[test]
    fn fields_that_do_not_fit_are_counted() {
        let mut element = Element::new("c", Kind::Command, "Deposit", Point::default());
        element.fields =
            (0..12).map(|i| Field { name: format!("field_{i}"), ty: FieldType::String }).collect();
        let svg = drawn(&element);
        assert!(svg.contains(" more</text>"), "{svg}");
        assert!(!svg.contains("field_11"), "{svg}");
    }

    #[test]
    fn a_hotspot_is_tilted_and_written_in_white() {
        let mut element = Element::new("h", Kind::Hotspot, "Why?", Point::default());
        element.resolved = true;
        let svg = drawn(&element);
        assert!(svg.contains("<polygon points=") && !svg.contains("rotate"), "{svg}");
        assert!(svg.contains(r##"fill="#ffffff">Why?</text>"##), "{svg}");
        assert!(svg.contains("✓ resolved"), "{svg}");
    }

    #[test]
    fn a_note_shows_its_text() {
        let mut element = Element::new("n", Kind::Note, "Remember", Point::default());
        element.description = Some("Ask the bank about limits".into());
        let svg = drawn(&element);
        assert!(svg.contains("Ask the bank"), "{svg}");
        assert!(svg.contains("stroke-dasharray"), "{svg}");
    }

    #[test]
    fn an_unnamed_sticky_says_so() {
        let svg = drawn(&Element::new("p", Kind::Policy, "", Point::default()));
        assert!(svg.contains(r#"font-style="italic""#) && svg.contains(">unnamed</text>"), "{svg}");
    }

    #[test]
    fn a_sticky_without_a_size_gets_its_kind_s() {
        let mut element = Element::new("a", Kind::Aggregate, "Account", Point { x: 10.0, y: 20.0 });
        element.size = Size::default();
        assert!(drawn(&element).contains(r#"<rect x="10" y="20" width="220" height="180""#));
    }

    #[test]
    fn an_aggregate_shows_its_key_and_script() {
        let mut element = Element::new("a", Kind::Aggregate, "Account", Point::default());
        element.key = Some("account_id".into());
        element.script = Some("account.rhai".into());
        element.tags = vec!["core".into()];
        let svg = drawn(&element);
        assert!(svg.contains(">key: account_id · script</text>") && svg.contains(">#core</text>"), "{svg}");
    }
}
