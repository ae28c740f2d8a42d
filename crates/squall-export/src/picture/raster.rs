//! The SVG rasterised to PNG by resvg, with the system's fonts.

use std::sync::{Arc, OnceLock};

use resvg::tiny_skia::{Pixmap, Transform};
use resvg::usvg::{self, fontdb};
use squall_model::Board;

/// The most pixels a PNG gets. A large board at full scale would be
/// hundreds of millions of pixels (a 2,000-sticky board is 22,000 by 13,000
/// at scale 1): too slow to draw and too big to open. Above this, the scale
/// is lowered until the picture fits, as the app's pictures always were.
pub const MAX_PIXELS: f64 = 40_000_000.0;

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
    Encode(String),
}

/// The board as a PNG, `scale` pixels per board pixel (2 for sharp text on
/// most screens), lowered for boards above [`MAX_PIXELS`].
pub fn png(board: &Board, scale: f32) -> Result<Vec<u8>, PictureError> {
    if !(scale.is_finite() && scale > 0.0) {
        return Err(PictureError::Scale(scale));
    }
    let options = usvg::Options { fontdb: fonts()?, ..usvg::Options::default() };
    let tree = usvg::Tree::from_str(&super::svg(board), &options)?;
    let size = tree.size();
    let (board_width, board_height) = (f64::from(size.width()), f64::from(size.height()));
    let most = (MAX_PIXELS / (board_width * board_height).max(1.0)).sqrt();
    // Narrowing to f32 is what resvg takes; scales are small numbers.
    let scale = f64::from(scale).min(most) as f32;
    let width = (size.width() * scale).ceil() as u32;
    let height = (size.height() * scale).ceil() as u32;
    let mut pixmap = Pixmap::new(width, height).ok_or(PictureError::Size { width, height })?;
    resvg::render(&tree, Transform::from_scale(scale, scale), &mut pixmap.as_mut());
    pixmap.encode_png().map_err(|err| PictureError::Encode(err.to_string()))
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
