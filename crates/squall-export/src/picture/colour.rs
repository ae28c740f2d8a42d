//! Colours as the picture writes them: opaque `#rrggbb`, with the board's
//! see-through inks (`rgb(0 0 0 / 45%)` on a sticky, a frame's 6% tint)
//! mixed in advance. ImageMagick's own renderer ignores every kind of
//! opacity, and would draw them solid black or solid colour.

use std::fmt;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rgb(pub u8, pub u8, pub u8);

pub const BLACK: Rgb = Rgb(0, 0, 0);
pub const WHITE: Rgb = Rgb(255, 255, 255);

/// The colour names of HTML 4, which people may write by hand in a board file.
const NAMES: [(&str, Rgb); 17] = [
    ("black", Rgb(0x00, 0x00, 0x00)),
    ("silver", Rgb(0xc0, 0xc0, 0xc0)),
    ("gray", Rgb(0x80, 0x80, 0x80)),
    ("white", Rgb(0xff, 0xff, 0xff)),
    ("maroon", Rgb(0x80, 0x00, 0x00)),
    ("red", Rgb(0xff, 0x00, 0x00)),
    ("purple", Rgb(0x80, 0x00, 0x80)),
    ("fuchsia", Rgb(0xff, 0x00, 0xff)),
    ("green", Rgb(0x00, 0x80, 0x00)),
    ("lime", Rgb(0x00, 0xff, 0x00)),
    ("olive", Rgb(0x80, 0x80, 0x00)),
    ("yellow", Rgb(0xff, 0xff, 0x00)),
    ("navy", Rgb(0x00, 0x00, 0x80)),
    ("blue", Rgb(0x00, 0x00, 0xff)),
    ("teal", Rgb(0x00, 0x80, 0x80)),
    ("aqua", Rgb(0x00, 0xff, 0xff)),
    ("orange", Rgb(0xff, 0xa5, 0x00)),
];

impl Rgb {
    /// `#rgb`, `#rrggbb` (what the app's colour picker writes) or a basic
    /// colour name. Anything else (a CSS function, a typo) is `None`, and
    /// the caller draws the kind's colour rather than a broken picture.
    pub fn parse(text: &str) -> Option<Rgb> {
        let text = text.trim();
        if let Some(digits) = text.strip_prefix('#') {
            let nibble = |i: usize| digits.get(i..=i).and_then(|d| u8::from_str_radix(d, 16).ok());
            return match digits.len() {
                3 => Some(Rgb(nibble(0)? * 17, nibble(1)? * 17, nibble(2)? * 17)),
                6 => {
                    let byte = |i: usize| digits.get(i..i + 2).and_then(|d| u8::from_str_radix(d, 16).ok());
                    Some(Rgb(byte(0)?, byte(2)?, byte(4)?))
                }
                _ => None,
            };
        }
        NAMES.iter().find(|(name, _)| name.eq_ignore_ascii_case(text)).map(|(_, rgb)| *rgb)
    }

    /// This colour seen through `other` laid over it at `share` (0 to 1).
    pub fn under(self, other: Rgb, share: f64) -> Rgb {
        let mix = |a: u8, b: u8| {
            (f64::from(a) * (1.0 - share) + f64::from(b) * share).round().clamp(0.0, 255.0) as u8
        };
        Rgb(mix(self.0, other.0), mix(self.1, other.1), mix(self.2, other.2))
    }
}

impl fmt::Display for Rgb {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#{:02x}{:02x}{:02x}", self.0, self.1, self.2)
    }
}

/// A colour the model states as CSS hex (a kind's colour): it always parses.
pub fn known(hex: &str) -> Rgb {
    // The kinds' colours are `#rrggbb` literals in squall-model; black only if one is ever mistyped.
    Rgb::parse(hex).unwrap_or(BLACK)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_and_basic_names_are_read() {
        assert_eq!(Rgb::parse("#ffb74d"), Some(Rgb(0xff, 0xb7, 0x4d)));
        assert_eq!(Rgb::parse(" #abc "), Some(Rgb(0xaa, 0xbb, 0xcc)));
        assert_eq!(Rgb::parse("Teal"), Some(Rgb(0, 0x80, 0x80)));
    }

    #[test]
    fn anything_else_is_not_a_colour() {
        for text in ["rgb(1, 2, 3)", "#12345", "#gggggg", "reddish", "\"/><script>", "", "#ééé"] {
            assert_eq!(Rgb::parse(text), None, "{text}");
        }
    }

    #[test]
    fn mixing_lays_one_colour_over_another() {
        assert_eq!(WHITE.under(BLACK, 0.45).to_string(), "#8c8c8c");
        assert_eq!(Rgb(0xff, 0xb7, 0x4d).under(BLACK, 0.0), Rgb(0xff, 0xb7, 0x4d));
        assert_eq!(WHITE.under(BLACK, 1.0), BLACK);
    }

    #[test]
    fn every_kind_s_colour_is_hex() {
        for kind in squall_model::Kind::ALL {
            assert!(Rgb::parse(kind.colour()).is_some(), "{kind:?}");
        }
    }
}
