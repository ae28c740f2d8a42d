//! A source file being written: lines, indentation and comments, the same
//! for both languages.

/// The text of one generated file.
#[derive(Debug)]
pub struct Source {
    text: String,
    /// One level of indentation.
    unit: &'static str,
}

impl Source {
    /// Four spaces a level, as rustfmt indents.
    pub fn new() -> Self {
        Source { text: String::new(), unit: "    " }
    }

    /// Two spaces a level, as TypeScript is usually indented.
    pub fn two_spaces() -> Self {
        Source { text: String::new(), unit: "  " }
    }

    /// One line at `indent` levels of four spaces; an empty `line` is a blank line.
    pub fn line(&mut self, indent: usize, line: impl AsRef<str>) {
        let line = line.as_ref();
        if !line.is_empty() {
            self.text.extend(std::iter::repeat_n(self.unit, indent));
            self.text.push_str(line);
        }
        self.text.push('\n');
    }

    /// A function's head, `{` included: on one line when it fits in `width`
    /// columns, else one parameter a line, as rustfmt lays it out.
    pub fn signature(&mut self, indent: usize, head: &str, params: &[&str], tail: &str, width: usize) {
        let one_line = format!("{head}({}){tail}", params.join(", "));
        if indent * self.unit.len() + one_line.len() <= width {
            self.line(indent, one_line);
            return;
        }
        self.line(indent, format!("{head}("));
        for param in params {
            self.line(indent + 1, format!("{param},"));
        }
        self.line(indent, format!("){tail}"));
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
