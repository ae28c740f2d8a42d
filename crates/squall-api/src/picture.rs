//! The open board as a picture, for the app's export buttons and its
//! File ▸ Export menu: the same SVG and PNG as `squall export` draws
//! (`squall_export::picture`).

use base64::Engine as _;
use serde::{Deserialize, Serialize};
use squall_model::Board;
use ts_rs::TS;

use crate::Error;

/// PNG pixels per board pixel when a request names none: sharp on most screens.
pub const DEFAULT_SCALE: f32 = 2.0;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum PictureFormat {
    Svg,
    Png,
}

impl PictureFormat {
    pub fn extension(self) -> &'static str {
        match self {
            PictureFormat::Svg => "svg",
            PictureFormat::Png => "png",
        }
    }

    pub fn media_type(self) -> &'static str {
        match self {
            PictureFormat::Svg => "image/svg+xml",
            PictureFormat::Png => "image/png",
        }
    }

    /// The picture's file name, made from the board's: `bank-account.svg`.
    pub fn file_name(self, board_name: &str) -> String {
        format!("{}.{}", slug(board_name), self.extension())
    }
}

/// A picture of the board, ready to save.
#[derive(Clone, Debug, PartialEq, Serialize, TS)]
pub struct Picture {
    pub format: PictureFormat,
    /// `image/svg+xml` or `image/png`.
    pub media_type: String,
    /// A file name made from the board's name: `bank-account.svg`.
    pub file_name: String,
    /// The SVG's text, or the PNG's bytes in base64 (JSON carries no bytes).
    pub content: String,
}

impl Picture {
    /// The file's bytes: the SVG's text, or the PNG decoded.
    pub fn bytes(&self) -> Result<Vec<u8>, Error> {
        match self.format {
            PictureFormat::Svg => Ok(self.content.clone().into_bytes()),
            PictureFormat::Png => base64::engine::general_purpose::STANDARD
                .decode(&self.content)
                .map_err(|err| Error::bad(format!("the picture's content is not base64: {err}"))),
        }
    }
}

/// Draw `board` in `format`; a PNG at `scale` (lowered for a huge board).
pub fn draw(board: &Board, format: PictureFormat, scale: Option<f32>) -> Result<Picture, Error> {
    let content = match format {
        PictureFormat::Svg => squall_export::picture::svg(board),
        PictureFormat::Png => {
            let png = squall_export::picture::png(board, scale.unwrap_or(DEFAULT_SCALE))?;
            base64::engine::general_purpose::STANDARD.encode(png)
        }
    };
    Ok(Picture {
        format,
        media_type: format.media_type().to_owned(),
        file_name: format.file_name(&board.name),
        content,
    })
}

/// The board's name as a file name: lower case, words joined by hyphens,
/// `board` when nothing is left.
pub(crate) fn slug(name: &str) -> String {
    let words: Vec<String> =
        name.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(str::to_lowercase).collect();
    if words.is_empty() { "board".to_owned() } else { words.join("-") }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_come_from_the_board_s_name() {
        assert_eq!(PictureFormat::Png.file_name("Bank account"), "bank-account.png");
        assert_eq!(slug("Bank account"), "bank-account");
        assert_eq!(slug("  Money / Transfer (v2) "), "money-transfer-v2");
        assert_eq!(slug("Überweisung"), "überweisung");
        assert_eq!(slug("../.."), "board");
    }
}
