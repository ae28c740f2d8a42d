//! A bounded context or swimlane: a dashed frame with its title on a tab
//! across the top edge, as the board draws it (`.frame` in ui/src/styles.css).

use squall_model::{Group, GroupKind};

use super::canvas::{Anchor, Canvas, INK, Paint};
use super::colour::{self, Rgb, WHITE};
use super::geometry::Rect;
use super::metrics::Font;
use super::wrap;

/// The board's frame colour when a group has none of its own.
const FRAME_COLOUR: &str = "#7986cb";
/// How much of its colour a frame's inside shows over the board.
const TINT: f64 = 0.06;
const KIND: Font = Font::regular(10.0);
const NAME: Font = Font::bold(15.0);
const MUTED: Rgb = Rgb(0x65, 0x6d, 0x76);
/// The title's tab: this far in from the frame's left edge, this far above its top.
const TAB_LEFT: f64 = 16.0;
const TAB_RAISE: f64 = 14.0;
const TAB_PAD: f64 = 10.0;
const TAB_HEIGHT: f64 = 26.0;
const GAP: f64 = 8.0;

/// The title's words: `BOUNDED CONTEXT`, as people say the kind, in capitals.
fn kind_label(kind: GroupKind) -> &'static str {
    match kind {
        GroupKind::BoundedContext => "BOUNDED CONTEXT",
        GroupKind::Swimlane => "SWIMLANE",
    }
}

/// Where the frame's title tab is, to take into the picture's bounds.
pub fn title_rect(group: &Group) -> Rect {
    let frame = Rect::of_group(group);
    let (kind, name) = title(group, frame);
    let width = 2.0 * TAB_PAD + KIND.width(kind) + GAP + NAME.width(&name);
    Rect { x: frame.x + TAB_LEFT, y: frame.y - TAB_RAISE, width, height: TAB_HEIGHT }
}

/// The kind and the name, the name cut short if the frame is narrower than the title.
fn title(group: &Group, frame: Rect) -> (&'static str, String) {
    let kind = kind_label(group.kind);
    let room = (frame.width - 2.0 * TAB_LEFT - 2.0 * TAB_PAD - KIND.width(kind) - GAP).max(NAME.size * 3.0);
    let name = if group.name.trim().is_empty() { "unnamed" } else { group.name.as_str() };
    (kind, wrap::ellipsis(name, NAME, room))
}

/// Frames are drawn in this order: the larger behind, so a frame inside
/// another (a swimlane across a context) stays in sight; opaque, as
/// `colour` explains, so it would otherwise hide what is behind it.
pub fn in_drawing_order(groups: &[Group]) -> Vec<&Group> {
    let mut groups: Vec<&Group> = groups.iter().collect();
    let area = |g: &Group| Rect::of_group(g).width * Rect::of_group(g).height;
    groups.sort_by(|a, b| area(b).total_cmp(&area(a)));
    groups
}

pub fn draw(canvas: &mut Canvas, group: &Group, background: Rgb) {
    let frame = Rect::of_group(group);
    let colour = group.colour.as_deref().and_then(Rgb::parse).unwrap_or_else(|| colour::known(FRAME_COLOUR));
    let inside = background.under(colour, TINT);
    canvas.raw(format_args!(r#"<g data-frame="{:?}">"#, group.kind));
    canvas.raw(format_args!("\n"));
    if let Some(description) = group.description.as_deref().filter(|d| !d.trim().is_empty()) {
        canvas.title(description);
    }
    canvas.rect(
        frame,
        10.0,
        format_args!(r#"fill="{inside}" stroke="{colour}" stroke-width="2" stroke-dasharray="7 5""#),
    );
    let tab = title_rect(group);
    canvas.rect(tab, 6.0, format_args!(r#"fill="{WHITE}" stroke="{colour}" stroke-width="2""#));
    let (kind, name) = title(group, frame);
    // The kind's small capitals and the name share the name's baseline.
    let base = tab.y + TAB_HEIGHT / 2.0 + NAME.size * 0.36;
    let x = tab.x + TAB_PAD;
    canvas.text(x, base, KIND, Anchor::Start, Paint::solid(MUTED), kind);
    canvas.text(x + KIND.width(kind) + GAP, base, NAME, Anchor::Start, Paint::solid(INK), &name);
    canvas.raw(format_args!("</g>\n"));
}

#[cfg(test)]
mod tests {
    use squall_model::{Id, Point, Size};

    use super::*;

    fn context(name: &str, width: f64) -> Group {
        Group {
            id: Id::from("bc"),
            kind: GroupKind::BoundedContext,
            name: name.into(),
            description: None,
            position: Point { x: 0.0, y: 100.0 },
            size: Size { width, height: 300.0 },
            colour: None,
            members: vec![],
        }
    }

    #[test]
    fn a_frame_carries_its_kind_and_name_on_a_tab_above_it() {
        let mut canvas = Canvas::new();
        draw(&mut canvas, &context("Banking", 800.0), WHITE);
        let svg = canvas.into_string();
        assert!(svg.contains(">BOUNDED CONTEXT</text>") && svg.contains(">Banking</text>"), "{svg}");
        assert!(svg.contains(r##"stroke="#7986cb""##), "{svg}");
        assert_eq!(title_rect(&context("Banking", 800.0)).y, 86.0);
    }

    #[test]
    fn larger_frames_are_drawn_first() {
        let small = Group { id: Id::from("small"), ..context("Lane", 300.0) };
        let large = context("Context", 800.0);
        let groups = [small, large];
        let order: Vec<&str> = in_drawing_order(&groups).iter().map(|g| g.id.as_str()).collect();
        assert_eq!(order, ["bc", "small"]);
    }

    #[test]
    fn a_long_name_on_a_narrow_frame_is_cut_short() {
        let frame = context("The context of everything about accounts and their owners", 300.0);
        let tab = title_rect(&frame);
        assert!(tab.right() < 400.0, "{tab:?}");
        let mut canvas = Canvas::new();
        draw(&mut canvas, &frame, WHITE);
        assert!(canvas.into_string().contains("…</text>"));
    }
}
