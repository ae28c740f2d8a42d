//! The board as a picture: plain SVG, and PNG rasterised from it.
//!
//! The SVG is drawn from the model, not from the app's page: stickies in
//! their kind's colour and size (`squall_model::Kind`, the same source the
//! app's palette and board read), names wrapped to fit, bounded contexts as
//! titled frames, arrows in the grammar's styles with their heads. It uses
//! only what every SVG reader draws (rectangles, lines, polygons, text with
//! plain attributes), so ImageMagick, Inkscape, browsers and wikis show the
//! same picture. The same board always gives the same bytes.
//!
//! The PNG is that SVG rasterised by resvg with the system's fonts.

mod arrow;
mod canvas;
mod colour;
mod frame;
mod geometry;
mod metrics;
mod raster;
mod sticky;
mod wrap;
mod xml;

use std::collections::HashMap;

use squall_model::{Board, Kind};

pub use arrow::ArrowStyle;
pub use raster::{MAX_PIXELS, PictureError, png};

use canvas::Canvas;
use geometry::Rect;
use xml::{Escaped, Num};

/// Room around the board's contents, as the app's pictures had.
const MARGIN: f64 = 40.0;
/// The board's background (the app's canvas colour).
const BACKGROUND: colour::Rgb = colour::Rgb(0xfb, 0xfa, 0xf7);

/// The board as an SVG document.
pub fn svg(board: &Board) -> String {
    draw(board, Canvas::new())
}

/// The picture's size in board pixels: the board's contents and the margin.
fn size(board: &Board) -> (f64, f64) {
    let area = bounds(board);
    (area.width + 2.0 * MARGIN, area.height + 2.0 * MARGIN)
}

fn draw(board: &Board, mut canvas: Canvas) -> String {
    let stickies: HashMap<&str, (Rect, Kind)> =
        board.elements.iter().map(|e| (e.id.as_str(), (Rect::of_element(e), e.kind))).collect();
    let area = bounds(board);
    let (width, height) = size(board);

    canvas.raw(format_args!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\">\n",
        w = Num(width),
        h = Num(height),
    ));
    canvas.title(&board.name);
    if !canvas.on_background {
        canvas.rect(
            Rect { x: 0.0, y: 0.0, width, height },
            0.0,
            format_args!(r#"fill="{BACKGROUND}" stroke="none""#),
        );
    }
    // One shift for everything, so the board's own coordinates stay readable
    // in the file. No stroke unless asked: ImageMagick outlines shapes and
    // text in black otherwise.
    canvas.raw(format_args!(
        "<g transform=\"translate({} {})\" font-family=\"{}\" stroke=\"none\">\n",
        Num(MARGIN - area.x),
        Num(MARGIN - area.y),
        Escaped(metrics::FONT_FAMILY),
    ));
    // Frames behind, arrows under the stickies they join, labels on top: as on the board.
    for group in frame::in_drawing_order(&board.groups) {
        frame::draw(&mut canvas, group, BACKGROUND);
    }
    let arrows = arrow::arrows(board, &stickies);
    arrow::draw(&mut canvas, &arrows);
    for element in &board.elements {
        sticky::draw(&mut canvas, element);
    }
    arrow::draw_labels(&mut canvas, &arrows);
    canvas.raw(format_args!("</g>\n</svg>\n"));
    canvas.into_string()
}

/// Everything drawn: stickies, frames and their title tabs. An empty board
/// is a small empty picture.
fn bounds(board: &Board) -> Rect {
    let stickies = board.elements.iter().map(Rect::of_element);
    let frames = board.groups.iter().flat_map(|g| [Rect::of_group(g), frame::title_rect(g)]);
    stickies.chain(frames).reduce(Rect::union).unwrap_or(Rect { x: 0.0, y: 0.0, width: 0.0, height: 0.0 })
}

#[cfg(test)]
mod tests;
