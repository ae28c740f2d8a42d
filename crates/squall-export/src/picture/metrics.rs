//! How wide text is, without a font at hand.
//!
//! The SVG is laid out here and drawn later by whatever opens it, so names
//! are wrapped by widths known in advance: the advance widths of DejaVu Sans
//! (the first font the picture asks for, and Debian's default). It is a wide
//! font, so text measured by it also fits where a viewer falls back on a
//! narrower one (Verdana is about as wide; Arial and Helvetica are narrower).
//! Measuring the installed fonts instead would make the same board give
//! different bytes on different machines.

/// Advance widths of DejaVu Sans Book for ASCII 32..=126, in thousandths of an em.
const BOOK: [u16; 95] = [
    318, 401, 460, 838, 636, 950, 780, 275, 390, 390, 500, 838, 318, 361, 318, 337, 636, 636, 636, 636, 636,
    636, 636, 636, 636, 636, 337, 337, 838, 838, 838, 531, 1000, 684, 686, 698, 770, 632, 575, 775, 752, 295,
    295, 656, 557, 863, 748, 787, 603, 787, 695, 635, 611, 732, 684, 989, 685, 611, 685, 390, 337, 390, 838,
    500, 500, 613, 635, 550, 635, 615, 352, 635, 634, 278, 278, 579, 278, 974, 634, 612, 635, 635, 411, 521,
    392, 634, 592, 818, 592, 592, 525, 636, 337, 636, 838,
];

/// The same for DejaVu Sans Bold.
const BOLD: [u16; 95] = [
    348, 456, 521, 838, 696, 1002, 872, 306, 457, 457, 523, 838, 380, 415, 380, 365, 696, 696, 696, 696, 696,
    696, 696, 696, 696, 696, 400, 400, 838, 838, 838, 580, 1000, 774, 762, 734, 830, 683, 683, 821, 837, 372,
    372, 775, 637, 995, 837, 850, 733, 850, 770, 720, 682, 812, 774, 1103, 771, 724, 725, 457, 365, 457, 838,
    500, 500, 675, 716, 593, 716, 678, 435, 716, 712, 343, 343, 665, 343, 1042, 712, 687, 716, 716, 493, 595,
    478, 712, 652, 924, 645, 652, 582, 712, 365, 712, 838,
];

/// The font families the picture asks for, widest first (see the module's comment).
/// Unquoted: ImageMagick reads no quotes here, and CSS allows names of
/// several words without them.
pub const FONT_FAMILY: &str = "DejaVu Sans, Verdana, Liberation Sans, Arial, Helvetica, sans-serif";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Weight {
    Regular,
    Bold,
}

/// A run of text in one font size and weight.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Font {
    pub size: f64,
    pub weight: Weight,
}

impl Font {
    pub const fn regular(size: f64) -> Self {
        Font { size, weight: Weight::Regular }
    }

    pub const fn bold(size: f64) -> Self {
        Font { size, weight: Weight::Bold }
    }

    /// The width of `text` set in this font, in pixels.
    pub fn width(self, text: &str) -> f64 {
        let table = match self.weight {
            Weight::Regular => &BOOK,
            Weight::Bold => &BOLD,
        };
        let thousandths: u32 = text.chars().map(|c| u32::from(advance(table, c))).sum();
        f64::from(thousandths) * self.size / 1000.0
    }
}

fn advance(table: &[u16; 95], c: char) -> u16 {
    let code = u32::from(c);
    match code {
        32..=126 => table[(code - 32) as usize],
        // East Asian scripts and emoji are about square; other letters
        // (accented Latin, Greek, Cyrillic) about as wide as a wide Latin one.
        0x1100..=0x115F | 0x2E80..=0xA4CF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF | 0xFF00..=0xFF60 => 1000,
        0x1F300..=0x1FAFF => 1000,
        _ => 780,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bold_text_is_wider_than_regular() {
        let name = "MoneyDeposited";
        assert!(Font::bold(14.0).width(name) > Font::regular(14.0).width(name));
    }

    #[test]
    fn width_grows_with_size_and_length() {
        assert!((Font::regular(20.0).width("ab") - 2.0 * Font::regular(10.0).width("ab")).abs() < 1e-9);
        assert!(Font::regular(10.0).width("abc") > Font::regular(10.0).width("ab"));
        // "M" is 0.863 em in DejaVu Sans.
        assert!((Font::regular(10.0).width("M") - 8.63).abs() < 1e-9);
    }

    #[test]
    fn letters_beyond_ascii_take_room_too() {
        assert!(Font::regular(10.0).width("Überweisung") > Font::regular(10.0).width("berweisung"));
        assert_eq!(Font::regular(10.0).width("振替"), 20.0);
    }
}
