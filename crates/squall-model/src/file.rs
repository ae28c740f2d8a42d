//! The RON file format: parse with positions in errors, write canonically,
//! save atomically.

use std::fmt;
use std::io::Write;
use std::path::Path;

use ron::extensions::Extensions;
use ron::ser::PrettyConfig;
use serde::Deserialize;

use crate::board::{Board, FORMAT_VERSION};
use crate::validate::{self, Problem};

/// Why a board could not be loaded. Every variant names the file; syntax
/// and structure errors also name the line and column.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("{origin}: cannot read the file: {source}")]
    Read { origin: String, source: std::io::Error },
    #[error("{origin}:{line}:{col}: the file is not UTF-8 text")]
    NotText { origin: String, line: usize, col: usize },
    #[error("{origin}:{line}:{col}: {message}")]
    Syntax { origin: String, line: usize, col: usize, message: String },
    #[error(
        "{origin}: the board has format_version {found}, but this Squall reads up to version {supported}; update Squall to open it"
    )]
    NewerFormat { origin: String, found: u32, supported: u32 },
    #[error("{}", Invalid { origin, problems })]
    Invalid { origin: String, problems: Vec<Problem> },
}

struct Invalid<'a> {
    origin: &'a str,
    problems: &'a [Problem],
}

impl fmt::Display for Invalid<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, problem) in self.problems.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            match problem.at {
                Some((line, col)) => write!(f, "{}:{line}:{col}: {}", self.origin, problem.message)?,
                None => write!(f, "{}: {}", self.origin, problem.message)?,
            }
        }
        Ok(())
    }
}

/// Why a board could not be saved. The file on disk is then untouched.
#[derive(Debug, thiserror::Error)]
pub enum SaveError {
    #[error("{path}: cannot save: {source}")]
    Io { path: String, source: std::io::Error },
    #[error("cannot write the board as RON: {0}")]
    Encode(#[from] ron::Error),
}

/// Parse a board from RON text. `origin` names the source in errors,
/// usually the file path.
pub fn parse(text: &str, origin: &str) -> Result<Board, LoadError> {
    #[derive(Deserialize)]
    struct Header {
        format_version: u32,
    }
    let newer =
        |found| LoadError::NewerFormat { origin: origin.to_owned(), found, supported: FORMAT_VERSION };
    let board: Board = match ron::Options::default().from_str(text) {
        Ok(board) => board,
        Err(err) => {
            // A newer file may use syntax this build cannot parse, and
            // "update Squall" beats a confusing syntax error. Reading the
            // version alone walks the whole file again, so only on failure.
            if let Ok(header) = ron::Options::default().from_str::<Header>(text)
                && header.format_version > FORMAT_VERSION
            {
                return Err(newer(header.format_version));
            }
            let ron::error::Position { line, col } = err.span.start;
            let after_type = text
                .lines()
                .nth(line.saturating_sub(1))
                .and_then(|l| l.get(..col.saturating_sub(1)))
                .is_some_and(|before| before.trim_end().ends_with("type:"));
            let message = match &err.code {
                // `type: "list<id>"`: the spelling of the docs and the app, quoted.
                ron::Error::ExpectedIdentifier if after_type => {
                    format!("a field type is written without quotes; {FIELD_TYPE_FORMS}")
                }
                code => explain(code),
            };
            return Err(LoadError::Syntax { origin: origin.to_owned(), line, col, message });
        }
    };
    if board.format_version > FORMAT_VERSION {
        return Err(newer(board.format_version));
    }
    let problems = validate::problems(&board, Some(text));
    if problems.is_empty() {
        Ok(board)
    } else {
        Err(LoadError::Invalid { origin: origin.to_owned(), problems })
    }
}

/// Load a board from a RON file.
pub fn load(path: &Path) -> Result<Board, LoadError> {
    let origin = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|source| LoadError::Read { origin: origin.clone(), source })?;
    let text = String::from_utf8(bytes).map_err(|err| {
        let valid = err.utf8_error().valid_up_to();
        // The prefix is valid UTF-8 by definition of `valid_up_to`.
        let prefix = String::from_utf8_lossy(&err.as_bytes()[..valid]);
        let (line, col) = validate::line_col(&prefix, prefix.len());
        LoadError::NotText { origin: origin.clone(), line, col }
    })?;
    parse(&text, &origin)
}

/// The canonical RON text of a board: what `squall fmt` and the app write.
pub fn to_ron(board: &Board) -> Result<String, SaveError> {
    let mut canonical = board.clone();
    canonical.canonicalize();
    let config = PrettyConfig::new()
        .indentor("    ")
        .struct_names(false)
        .separate_tuple_members(false)
        .enumerate_arrays(false)
        // Elements get a line per attribute; positions, fields, payloads
        // and member lists stay on one line each.
        .depth_limit(3)
        .extensions(Extensions::IMPLICIT_SOME);
    let mut text = ron::Options::default().to_string_pretty(&canonical, config)?;
    text.push('\n');
    Ok(text)
}

/// Write a board to `path` atomically: a temporary file in the same folder,
/// flushed to disk, then renamed over the target. A crash leaves either the
/// old file or the new one, never half of one.
pub fn save(path: &Path, board: &Board) -> Result<(), SaveError> {
    let text = to_ron(board)?;
    write_atomically(path, text.as_bytes())
}

/// Replace `path` with `bytes` through a temporary file and a rename.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), SaveError> {
    let io = |source| SaveError::Io { path: path.display().to_string(), source };
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    let mut builder = tempfile::Builder::new();
    builder.prefix(".squall-save-");
    // Temporary files are private (0600). A new board gets what any new file
    // gets (0666 less the umask); an existing one keeps its own permissions.
    #[cfg(unix)]
    builder.permissions(<std::fs::Permissions as std::os::unix::fs::PermissionsExt>::from_mode(0o666));
    let mut temp = builder.tempfile_in(dir).map_err(io)?;
    temp.write_all(bytes).map_err(io)?;
    if let Ok(existing) = std::fs::metadata(path) {
        temp.as_file().set_permissions(existing.permissions()).map_err(io)?;
    }
    temp.as_file().sync_all().map_err(io)?;
    temp.persist(path).map_err(|err| io(err.error))?;
    Ok(())
}

/// RON's messages, reworded where a board author would not recognise them.
/// How a file spells field types, which people (the docs, the app) write `list<id>`.
const FIELD_TYPE_FORMS: &str = "in the file a field type is one of String, Int, Decimal, Bool, \
    Timestamp, Id, Map, List(T) or Optional(T), e.g. List(Id) for list<id>";

fn explain(code: &ron::Error) -> String {
    match code {
        ron::Error::NoSuchEnumVariant { expected, found, outer: Some(outer) } if outer == "Kind" => {
            format!("unknown element kind `{found}`; expected one of {}", expected.join(", "))
        }
        ron::Error::NoSuchEnumVariant { expected, found, outer: Some(outer) } if outer == "FieldType" => {
            let close = expected.iter().find(|name| name.eq_ignore_ascii_case(found));
            let guess = close.map(|name| format!("; did you mean `{name}`?")).unwrap_or_default();
            format!("unknown field type `{found}`{guess}; {FIELD_TYPE_FORMS}")
        }
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Element, Kind, Point};

    #[test]
    fn saving_replaces_the_file_and_leaves_no_temporary_behind() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("board.ron");
        std::fs::write(&path, "old").unwrap();
        let mut board = Board::new("b");
        board.elements.push(Element::new("evt-1", Kind::Event, "Opened", Point::default()));
        save(&path, &board).unwrap();
        assert_eq!(load(&path).unwrap().elements.len(), 1);
        let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(names, vec![std::ffi::OsString::from("board.ron")]);
    }

    /// Issue 11, item 11: the docs and the app write `list<id>`, the file `List(Id)`; a type
    /// spelt the other way (or misspelt) is answered with the forms a file takes.
    #[test]
    fn a_misspelt_field_type_lists_the_forms_a_file_takes() {
        let board = |ty: &str| {
            format!(
                "(format_version: 1, name: \"b\", elements: [(id: \"c\", kind: Command, name: \"C\", \
                 position: (x: 0.0, y: 0.0), fields: [(name: \"a\", type: {ty})])])"
            )
        };
        let forms = "String, Int, Decimal, Bool, Timestamp, Id, Map, List(T) or Optional(T)";
        for (ty, hint) in [
            ("Text", "unknown field type `Text`"),
            ("decimal", "unknown field type `decimal`; did you mean `Decimal`?"),
            ("List(Idd)", "unknown field type `Idd`"),
            ("\"list<id>\"", "a field type is written without quotes"),
        ] {
            let err = parse(&board(ty), "b.ron").unwrap_err().to_string();
            assert!(err.contains(hint), "{ty}: {err}");
            assert!(err.contains(forms), "{ty}: {err}");
            assert!(err.contains("e.g. List(Id) for list<id>"), "{ty}: {err}");
        }
    }

    #[test]
    fn a_newer_file_is_refused_whether_or_not_this_build_can_parse_it() {
        let parsable = "(format_version: 2, name: \"b\")";
        let unparsable = "(format_version: 2, name: \"b\", layers: [(id: \"l1\")])";
        for text in [parsable, unparsable] {
            let err = parse(text, "b.ron").unwrap_err();
            assert!(matches!(err, LoadError::NewerFormat { found: 2, supported: 1, .. }), "{err}");
        }
        let err = parse("(format_version: 1, name: \"b\", layers: [])", "b.ron").unwrap_err();
        assert!(matches!(err, LoadError::Syntax { line: 1, .. }), "{err}");
    }

    #[cfg(unix)]
    #[test]
    fn saving_keeps_the_permissions_of_the_file_it_replaces() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("board.ron");
        std::fs::write(&path, "old").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o664)).unwrap();
        save(&path, &Board::new("b")).unwrap();
        assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o664);
    }

    #[test]
    fn a_save_into_a_missing_folder_fails_and_says_where() {
        let err = save(Path::new("/nonexistent/folder/board.ron"), &Board::new("b")).unwrap_err();
        assert!(err.to_string().starts_with("/nonexistent/folder/board.ron: cannot save"), "{err}");
    }
}
