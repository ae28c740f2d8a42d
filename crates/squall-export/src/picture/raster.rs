//! The SVG rasterised to PNG by resvg, with the system's fonts.
//!
//! Measured on a 2,000-sticky board (docs/performance.md), three choices
//! keep a large board's PNG well under a second: text too small to read at
//! the PNG's scale is left out (laying text out was most of the time), a
//! board drawn smaller than its own size is drawn without anti-aliasing
//! (anti-aliased long arrows took three times as long), and bands of rows
//! are drawn on several threads. The PNG is written with fast compression.
//! Drawing in more, smaller bands, to need less memory at once, was tried
//! and dropped: each band walks the whole tree, which cost more than the
//! memory saved.

use std::io::Write as _;
use std::num::NonZeroUsize;
use std::sync::{Arc, OnceLock};

use resvg::tiny_skia::{Color, Pixmap, PixmapMut, Transform};
use resvg::usvg::{self, fontdb};
use squall_model::Board;

use super::BACKGROUND;
use super::canvas::Canvas;

/// The most pixels a PNG gets. A large board at full scale would be
/// hundreds of millions of pixels (a 2,000-sticky board is 22,000 by 13,000
/// at scale 1): too slow to draw and too big to open. Above this, the scale
/// is lowered until the picture fits. 24 million pixels is 6,000 by 4,000,
/// more than wikis and slides take; the 2,000-sticky board draws in a
/// quarter of a second, where 40 million (the app's old limit) took three
/// times as long (docs/performance.md). The SVG has no limit.
pub const MAX_PIXELS: f64 = 24_000_000.0;

/// Below this many pixels one thread draws the whole picture: starting more costs more than it saves.
const PIXELS_PER_THREAD: u64 = 2_000_000;

/// Why a picture could not be made.
#[derive(Debug, thiserror::Error)]
pub enum PictureError {
    #[error("the scale must be a positive number, not {0}")]
    Scale(f32),
    #[error(
        "no fonts were found to write the board's text with; install some (on Debian: apt-get install fonts-dejavu-core)"
    )]
    NoFonts,
    /// The SVG this crate wrote could not be read back: a bug here, not in the board.
    #[error("the board's SVG could not be read: {0}")]
    Svg(#[from] usvg::Error),
    #[error("a picture of {width} by {height} pixels cannot be drawn")]
    Size { width: u32, height: u32 },
    #[error("the picture could not be written as PNG: {0}")]
    Encode(#[from] png::EncodingError),
}

/// The board as a PNG, `scale` pixels per board pixel (2 for sharp text on
/// most screens), lowered for boards above [`MAX_PIXELS`].
pub fn png(board: &Board, scale: f32) -> Result<Vec<u8>, PictureError> {
    if !(scale.is_finite() && scale > 0.0) {
        return Err(PictureError::Scale(scale));
    }
    let (board_width, board_height) = super::size(board);
    let most = (MAX_PIXELS / (board_width * board_height).max(1.0)).sqrt();
    let scale = f64::from(scale).min(most);
    let svg = super::draw(board, Canvas::for_png(scale));
    let shape_rendering =
        if scale < 1.0 { usvg::ShapeRendering::CrispEdges } else { usvg::ShapeRendering::default() };
    let options = usvg::Options { fontdb: fonts()?, shape_rendering, ..usvg::Options::default() };
    let tree = usvg::Tree::from_str(&svg, &options)?;
    // Whole pixels: the size is a few thousand, the scale a small positive number.
    let width = (board_width * scale).ceil() as u32;
    let height = (board_height * scale).ceil() as u32;
    let pixmap = render(&tree, scale as f32, width, height, threads(width, height))?;
    encode(&pixmap)
}

/// How many threads draw a picture of this size.
fn threads(width: u32, height: u32) -> usize {
    let cores = std::thread::available_parallelism().map_or(1, NonZeroUsize::get);
    let wanted = (u64::from(width) * u64::from(height) / PIXELS_PER_THREAD).max(1);
    cores.min(usize::try_from(wanted).unwrap_or(usize::MAX)).min(8)
}

/// The tree drawn in bands of rows, one per thread. Each band is the
/// whole picture shifted up by whole rows, so the bands meet without a seam.
fn render(
    tree: &usvg::Tree,
    scale: f32,
    width: u32,
    height: u32,
    threads: usize,
) -> Result<Pixmap, PictureError> {
    let mut pixmap = Pixmap::new(width, height).ok_or(PictureError::Size { width, height })?;
    let background = Color::from_rgba8(BACKGROUND.0, BACKGROUND.1, BACKGROUND.2, 255);
    let rows = height.div_ceil(threads as u32).max(1) as usize;
    let stride = width as usize * 4;
    std::thread::scope(|scope| {
        for (band, bytes) in pixmap.data_mut().chunks_mut(rows * stride).enumerate() {
            scope.spawn(move || {
                let band_height = (bytes.len() / stride) as u32;
                let top = (band * rows) as f32;
                if let Some(mut part) = PixmapMut::from_bytes(bytes, width, band_height) {
                    // Opaque from the start, so the last row and column (cut by rounding up)
                    // are not see-through. Filled here, by each thread, as a large picture's
                    // fresh memory is slow to touch the first time.
                    part.fill(background);
                    resvg::render(tree, Transform::from_row(scale, 0.0, 0.0, scale, 0.0, -top), &mut part);
                }
            });
        }
    });
    Ok(pixmap)
}

/// An opaque picture as an RGB PNG. The pixmap's colours are premultiplied
/// by alpha, which is the same as plain colours where alpha is full.
fn encode(pixmap: &Pixmap) -> Result<Vec<u8>, PictureError> {
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, pixmap.width(), pixmap.height());
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    // Measured: half again as large as the default level, eight times as fast.
    encoder.set_compression(png::Compression::Fast);
    encoder.set_filter(png::Filter::Sub);
    let mut writer = encoder.write_header()?;
    let mut stream = writer.stream_writer()?;
    // Row by row: an RGB copy of a whole large picture would be another 120 MB.
    let mut row = Vec::with_capacity(pixmap.width() as usize * 3);
    for pixels in pixmap.data().chunks_exact(pixmap.width() as usize * 4) {
        row.clear();
        row.extend(pixels.chunks_exact(4).flat_map(|p| [p[0], p[1], p[2]]));
        stream.write_all(&row).map_err(png::EncodingError::from)?;
    }
    stream.finish()?;
    writer.finish()?;
    Ok(out)
}

/// The system's fonts, found once per process: scanning the font folders
/// takes longer than drawing a small board.
fn fonts() -> Result<Arc<fontdb::Database>, PictureError> {
    static FONTS: OnceLock<Arc<fontdb::Database>> = OnceLock::new();
    let fonts = FONTS.get_or_init(|| {
        let mut db = fontdb::Database::new();
        db.load_system_fonts();
        Arc::new(db)
    });
    if fonts.is_empty() {
        return Err(PictureError::NoFonts);
    }
    Ok(Arc::clone(fonts))
}

#[cfg(test)]
mod tests {
    use squall_model::{Element, Kind, Point};

    use super::*;

    /// Anti-aliasing where a shape crosses a band's edge may round a pixel
    /// differently, by a few levels; a seam would be a whole row.
    #[test]
    fn drawing_in_bands_leaves_no_seam() {
        let mut board = Board::new("bands");
        for i in 0..12 {
            let at = Point { x: f64::from(i) * 90.0, y: f64::from(i) * 37.0 };
            board.elements.push(Element::new(format!("e{i}"), Kind::Event, format!("Happened{i}"), at));
        }
        let svg = super::super::svg(&board);
        let options = usvg::Options { fontdb: fonts().expect("fonts"), ..usvg::Options::default() };
        let tree = usvg::Tree::from_str(&svg, &options).expect("parsed");
        let (width, height) = (tree.size().width() as u32 * 2, tree.size().height() as u32 * 2);
        let one = render(&tree, 2.0, width, height, 1).expect("drawn");
        let three = render(&tree, 2.0, width, height, 3).expect("drawn");
        let differ: Vec<(usize, u8, u8)> = one
            .data()
            .iter()
            .zip(three.data())
            .enumerate()
            .filter(|(_, (a, b))| a != b)
            .map(|(i, (a, b))| (i / (width as usize * 4), *a, *b))
            .collect();
        let slight = differ.iter().all(|(_, a, b)| a.abs_diff(*b) <= 12);
        assert!(
            slight && differ.len() < 30,
            "{} bytes differ: {:?}",
            differ.len(),
            &differ[..differ.len().min(40)]
        );
    }
}
