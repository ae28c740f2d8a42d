//! Text set into a box: a sticky's name broken into lines that fit its
//! width, made smaller when it would not fit its height, cut short with an
//! ellipsis only when even the smallest size does not fit.

use super::metrics::Font;

/// Text laid out in lines, and the size it was set in.
#[derive(Clone, Debug, PartialEq)]
pub struct Block {
    pub font: Font,
    pub lines: Vec<String>,
}

/// How a block of text may be set.
#[derive(Clone, Copy, Debug)]
pub struct Room {
    pub width: f64,
    pub height: f64,
    /// Line height as a multiple of the font size.
    pub leading: f64,
}

/// `text` in the largest size from `font.size` down to `smallest` whose
/// lines fit `room`; at the smallest size, as many lines as fit, the last
/// one ending in an ellipsis when text was left out.
pub fn fit(text: &str, font: Font, smallest: f64, room: Room) -> Block {
    let mut size = font.size;
    loop {
        let font = Font { size, ..font };
        let lines = lines(text, font, room.width);
        let fits = lines.len() as f64 * size * room.leading <= room.height;
        if fits || size <= smallest {
            let most = ((room.height / (size * room.leading)).floor() as usize).max(1);
            return Block { font, lines: at_most(lines, most, font, room.width) };
        }
        size = (size - 1.0).max(smallest);
    }
}

/// The first `most` lines, the last of them marked as cut when any were left out.
fn at_most(mut lines: Vec<String>, most: usize, font: Font, width: f64) -> Vec<String> {
    if lines.len() <= most {
        return lines;
    }
    lines.truncate(most);
    if let Some(last) = lines.last_mut() {
        *last = ellipsis(&format!("{last}…"), font, width);
    }
    lines
}

/// `text` on one line, cut short with an ellipsis if it is wider than `width`.
pub fn ellipsis(text: &str, font: Font, width: f64) -> String {
    if font.width(text) <= width {
        return text.to_owned();
    }
    let mut kept: String = text.trim_end_matches('…').to_owned();
    while !kept.is_empty() && font.width(&format!("{kept}…")) > width {
        kept.pop();
    }
    format!("{}…", kept.trim_end())
}

/// `text` broken into lines no wider than `width`: at spaces, between the
/// words of a CamelCase name (as the board breaks `ThankYouEmailSent`), after
/// `-`, `_` and `/`, and inside a word only when the word alone is too wide.
pub fn lines(text: &str, font: Font, width: f64) -> Vec<String> {
    let mut lines = Vec::new();
    for paragraph in text.lines() {
        let mut line = String::new();
        for (space, piece) in pieces(paragraph) {
            let joined = if line.is_empty() { piece.to_owned() } else { format!("{line}{space}{piece}") };
            if font.width(&joined) <= width {
                line = joined;
                continue;
            }
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            // A piece too wide on a line of its own is broken between letters.
            for c in piece.chars() {
                if !line.is_empty() && font.width(&format!("{line}{c}")) > width {
                    lines.push(std::mem::take(&mut line));
                }
                line.push(c);
            }
        }
        if !line.is_empty() {
            lines.push(line);
        }
    }
    if lines.is_empty() {
        lines.push(String::new());
    }
    lines
}

/// The unbreakable pieces of a line, each with what joins it to the one
/// before: a space, or nothing inside a word.
fn pieces(line: &str) -> Vec<(&'static str, &str)> {
    let mut pieces = Vec::new();
    for word in line.split(' ').filter(|w| !w.is_empty()) {
        let mut start = 0;
        let mut previous: Option<char> = None;
        for (at, c) in word.char_indices() {
            let camel = c.is_uppercase() && previous.is_some_and(|p| p.is_lowercase() || p.is_ascii_digit());
            if camel && at > start {
                pieces.push((if start == 0 { " " } else { "" }, &word[start..at]));
                start = at;
            }
            if matches!(c, '-' | '_' | '/') {
                let end = at + c.len_utf8();
                pieces.push((if start == 0 { " " } else { "" }, &word[start..end]));
                start = end;
            }
            previous = Some(c);
        }
        if start < word.len() {
            pieces.push((if start == 0 { " " } else { "" }, &word[start..]));
        }
    }
    pieces
}

#[cfg(test)]
mod tests {
    use super::*;

    const NAME: Font = Font::bold(14.0);

    #[test]
    fn a_camel_case_name_breaks_between_its_words() {
        let lines = lines("ThankYouEmailSent", NAME, 100.0);
        assert_eq!(lines.concat(), "ThankYouEmailSent");
        assert!(lines.len() > 1, "{lines:?}");
        assert!(lines.iter().all(|l| l.starts_with(char::is_uppercase)), "{lines:?}");
    }

    #[test]
    fn spaces_are_dropped_where_a_line_breaks() {
        let lines = lines("What about overdraft limits?", NAME, 140.0);
        assert_eq!(lines.join(" "), "What about overdraft limits?");
        assert!(lines.iter().all(|l| !l.starts_with(' ') && !l.ends_with(' ')), "{lines:?}");
        assert!(lines.iter().all(|l| NAME.width(l) <= 140.0), "{lines:?}");
    }

    #[test]
    fn a_word_wider_than_the_box_is_broken_between_letters() {
        let lines = lines("Donaudampfschifffahrtsgesellschaft", NAME, 80.0);
        assert!(lines.len() > 2, "{lines:?}");
        assert!(lines.iter().all(|l| NAME.width(l) <= 80.0), "{lines:?}");
        assert_eq!(lines.concat(), "Donaudampfschifffahrtsgesellschaft");
    }

    #[test]
    fn digits_and_snake_case_break_where_people_read_them() {
        assert_eq!(
            pieces("Money12Deposited send_email"),
            vec![(" ", "Money12"), ("", "Deposited"), (" ", "send_"), ("", "email")]
        );
    }

    #[test]
    fn a_name_that_does_not_fit_is_set_smaller_before_it_is_cut() {
        let room = Room { width: 140.0, height: 36.0, leading: 1.25 };
        let block = fit("SendThankYouEmailToTheDepositor", NAME, 10.0, room);
        assert!(block.font.size < 14.0, "{block:?}");
        assert_eq!(block.lines.concat(), "SendThankYouEmailToTheDepositor");
    }

    #[test]
    fn a_name_too_long_for_the_box_ends_in_an_ellipsis() {
        let room = Room { width: 60.0, height: 26.0, leading: 1.25 };
        let block = fit("A very long name that cannot possibly fit in such a tiny sticky", NAME, 10.0, room);
        assert_eq!(block.font.size, 10.0);
        assert_eq!(block.lines.len(), 2);
        assert!(block.lines[1].ends_with('…'), "{block:?}");
        assert!(block.lines.iter().all(|l| block.font.width(l) <= 60.0), "{block:?}");
    }

    #[test]
    fn explicit_line_breaks_are_kept() {
        assert_eq!(lines("first\nsecond", NAME, 500.0), ["first", "second"]);
    }
}
