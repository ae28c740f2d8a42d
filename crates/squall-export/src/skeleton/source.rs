//! A source file being written: lines, indentation and comments, the same
//! for both languages.

/// The text of one generated file.
#[derive(Debug, Default)]
pub struct Source {
    text: String,
}

impl Source {
    pub fn new() -> Self {
        Source::default()
    }

    /// One line at `indent` levels of four spaces; an empty `line` is a blank line.
    pub fn line(&mut self, indent: usize, line: impl AsRef<str>) {
        let line = line.as_ref();
        if !line.is_empty() {
            self.text.extend(std::iter::repeat_n("    ", indent));
            self.text.push_str(line);
        }
        self.text.push('\n');
    }

    pub fn blank(&mut self) {
        self.text.push('\n');
    }

    /// `text` as comment lines starting with `marker` (`///`, `//!`, `//`, ` *`).
    /// Board texts are free; each of their lines becomes a comment line.
    pub fn comment(&mut self, indent: usize, marker: &str, text: &str) {
        for line in text.lines() {
            let line = line.trim_end();
            if line.is_empty() {
                self.line(indent, marker);
            } else {
                self.line(indent, format!("{marker} {line}"));
            }
        }
    }

    /// A rule from the board's script as a fenced `rhai` block in a comment.
    pub fn quote(&mut self, indent: usize, marker: &str, rule: &str) {
        self.line(indent, format!("{marker} ```rhai"));
        for line in rule.lines() {
            let line = line.trim_end();
            if line.is_empty() {
                self.line(indent, marker);
            } else {
                self.line(indent, format!("{marker} {line}"));
            }
        }
        self.line(indent, format!("{marker} ```"));
    }

    /// The text, ending in exactly one newline.
    pub fn finish(mut self) -> String {
        while self.text.ends_with("\n\n") {
            self.text.pop();
        }
        self.text
    }
}
