//! Writing SVG text: escaped strings, short numbers.

use std::fmt::{self, Display};

/// Text for an XML attribute or text node: markup characters escaped, and
/// the control characters XML 1.0 cannot carry at all left out.
pub struct Escaped<'a>(pub &'a str);

impl Display for Escaped<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for c in self.0.chars() {
            match c {
                '&' => f.write_str("&amp;")?,
                '<' => f.write_str("&lt;")?,
                '>' => f.write_str("&gt;")?,
                '"' => f.write_str("&quot;")?,
                '\'' => f.write_str("&apos;")?,
                '\t' => f.write_str(" ")?,
                c if c.is_control() => {}
                c => write!(f, "{c}")?,
            }
        }
        Ok(())
    }
}

/// A coordinate with at most two decimals and no trailing zeros: short,
/// and the same text for the same board on every machine.
#[derive(Clone, Copy)]
pub struct Num(pub f64);

impl Display for Num {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let hundredths = (self.0 * 100.0).round();
        // -0 and NaN (from a degenerate board) both write as 0.
        if hundredths == 0.0 || !hundredths.is_finite() {
            return f.write_str("0");
        }
        let text = format!("{:.2}", hundredths / 100.0);
        f.write_str(text.trim_end_matches('0').trim_end_matches('.'))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_characters_are_escaped() {
        assert_eq!(Escaped(r#"<a & "b" 'c'>"#).to_string(), "&lt;a &amp; &quot;b&quot; &apos;c&apos;&gt;");
    }

    #[test]
    fn control_characters_are_left_out() {
        assert_eq!(Escaped("a\u{0}b\u{1b}c\td").to_string(), "abc d");
    }

    #[test]
    fn numbers_are_short() {
        assert_eq!(Num(12.0).to_string(), "12");
        assert_eq!(Num(12.5).to_string(), "12.5");
        assert_eq!(Num(1.0 / 3.0).to_string(), "0.33");
        assert_eq!(Num(-0.001).to_string(), "0");
        assert_eq!(Num(-7.25).to_string(), "-7.25");
        assert_eq!(Num(f64::NAN).to_string(), "0");
    }
}
