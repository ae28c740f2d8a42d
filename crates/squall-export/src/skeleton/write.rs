//! Putting a skeleton in a folder. The skeleton is a start that people
//! then edit, so a later export must never overwrite their work: the
//! folder keeps a manifest of what Squall wrote (`.squall-export`, each
//! file's SHA-256 in `sha256sum` format), and a file whose bytes differ from
//! what Squall last wrote there is refused by name, unless forced. All
//! refusals are found before anything is written, and every file goes
//! through a temporary file and a rename, so nothing is left half-written.

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use super::Files;

/// The manifest's file name in the output folder.
pub const MANIFEST: &str = ".squall-export";

/// Why a skeleton was not written.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(
        "{} has files that differ from what squall last wrote there, and would be overwritten: {}",
        .dir.display(),
        .files.join(", ")
    )]
    Edited { dir: PathBuf, files: Vec<String> },
    #[error("{} is not a folder", .0.display())]
    NotAFolder(PathBuf),
    #[error("cannot write {}: {source}", .path.display())]
    Io { path: PathBuf, source: std::io::Error },
}

/// What writing did to each file, by path in the folder.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Written {
    /// Created or replaced.
    pub written: Vec<String>,
    /// Already held exactly these bytes.
    pub unchanged: Vec<String>,
    /// Written by an earlier export, no longer generated, and unchanged since: deleted.
    pub removed: Vec<String>,
    /// No longer generated but changed since: left alone, and no longer Squall's.
    pub kept: Vec<String>,
}

/// Write `files` into `dir` (created if missing). A file Squall did not
/// write, or changed since it did, is refused unless `force`; then nothing
/// is written at all.
pub fn write(files: &Files, dir: &Path, force: bool) -> Result<Written, Error> {
    if dir.exists() && !dir.is_dir() {
        return Err(Error::NotAFolder(dir.to_owned()));
    }
    let io = |path: &Path| {
        let path = path.to_owned();
        move |source| Error::Io { path, source }
    };
    let previous = read_manifest(dir)?;
    let mut written = Written::default();
    let mut edited = Vec::new();
    let mut to_write = Vec::new();
    for (name, text) in files {
        let path = dir.join(name);
        match read_if_there(&path)? {
            Some(current) if current == text.as_bytes() => written.unchanged.push(name.clone()),
            Some(current) => {
                if !force && previous.get(name) != Some(&sha256(&current)) {
                    edited.push(name.clone());
                }
                to_write.push((name, path, text));
            }
            None => to_write.push((name, path, text)),
        }
    }
    let mut stale = Vec::new();
    for (name, hash) in &previous {
        if files.contains_key(name) {
            continue;
        }
        let path = dir.join(name);
        match read_if_there(&path)? {
            Some(current) if sha256(&current) == *hash => stale.push((name.clone(), path)),
            Some(_) => written.kept.push(name.clone()),
            None => {}
        }
    }
    if !edited.is_empty() {
        return Err(Error::Edited { dir: dir.to_owned(), files: edited });
    }

    // Every new file in place as a temporary file first; only then the renames.
    let mut staged = Vec::new();
    for (name, path, text) in to_write {
        let folder = path.parent().unwrap_or(dir);
        std::fs::create_dir_all(folder).map_err(io(folder))?;
        let mut temp =
            tempfile::Builder::new().prefix(".squall-export-").tempfile_in(folder).map_err(io(&path))?;
        temp.write_all(text.as_bytes()).map_err(io(&path))?;
        temp.as_file().sync_all().map_err(io(&path))?;
        staged.push((name, path, temp));
    }
    for (name, path, temp) in staged {
        temp.persist(&path).map_err(|err| Error::Io { path: path.clone(), source: err.error })?;
        written.written.push(name.clone());
    }
    for (name, path) in stale {
        std::fs::remove_file(&path).map_err(io(&path))?;
        written.removed.push(name);
    }
    let mut manifest = String::new();
    for (name, text) in files {
        let _ = writeln!(manifest, "{}  {name}", sha256(text.as_bytes()));
    }
    let manifest_path = dir.join(MANIFEST);
    squall_model::write_atomically(&manifest_path, manifest.as_bytes())
        .map_err(|err| Error::Io { path: manifest_path, source: std::io::Error::other(err.to_string()) })?;
    Ok(written)
}

fn sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().fold(String::with_capacity(64), |mut hex, byte| {
        let _ = write!(hex, "{byte:02x}");
        hex
    })
}

fn read_if_there(path: &Path) -> Result<Option<Vec<u8>>, Error> {
    match std::fs::read(path) {
        Ok(bytes) => Ok(Some(bytes)),
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(source) => Err(Error::Io { path: path.to_owned(), source }),
    }
}

/// The hashes the last export wrote, by path; none when there was none.
/// A line that is not `hash  path` is skipped: the manifest only ever
/// allows overwriting, so a damaged one can only make an export refuse more.
fn read_manifest(dir: &Path) -> Result<std::collections::BTreeMap<String, String>, Error> {
    let path = dir.join(MANIFEST);
    let Some(bytes) = read_if_there(&path)? else {
        return Ok(Default::default());
    };
    let text = String::from_utf8_lossy(&bytes);
    Ok(text
        .lines()
        .filter_map(|line| {
            let (hash, name) = line.split_once("  ")?;
            let safe = !name.split('/').any(|part| part.is_empty() || part == "..") && !name.starts_with('/');
            (hash.len() == 64 && safe).then(|| (name.to_owned(), hash.to_owned()))
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files(pairs: &[(&str, &str)]) -> Files {
        pairs.iter().map(|(p, t)| ((*p).to_owned(), (*t).to_owned())).collect()
    }

    fn read(dir: &Path, name: &str) -> String {
        std::fs::read_to_string(dir.join(name)).unwrap()
    }

    #[test]
    fn given_an_empty_folder_when_written_then_every_file_and_a_sha256sum_manifest_are_there() {
        let dir = tempfile::tempdir().unwrap();
        let written = write(&files(&[("a.rs", "one\n"), ("src/b.rs", "two\n")]), dir.path(), false).unwrap();
        assert_eq!(written.written, ["a.rs", "src/b.rs"]);
        assert_eq!(read(dir.path(), "src/b.rs"), "two\n");
        // `sha256sum -c .squall-export` checks the files.
        let one = "2c8b08da5ce60398e1f19af0e5dccc744df274b826abe585eaba68c525434806";
        assert_eq!(read(dir.path(), MANIFEST), format!("{one}  a.rs\n{}  src/b.rs\n", sha256(b"two\n")));
    }

    #[test]
    fn given_a_file_changed_since_the_export_when_written_again_then_it_is_named_and_nothing_is_written() {
        let dir = tempfile::tempdir().unwrap();
        write(&files(&[("a.rs", "one\n"), ("b.rs", "two\n")]), dir.path(), false).unwrap();
        std::fs::write(dir.path().join("b.rs"), "mine\n").unwrap();

        let err = write(&files(&[("a.rs", "ONE\n"), ("b.rs", "TWO\n")]), dir.path(), false).unwrap_err();

        assert!(matches!(&err, Error::Edited { files, .. } if files == &["b.rs"]), "{err}");
        assert!(err.to_string().ends_with("would be overwritten: b.rs"), "{err}");
        assert_eq!(read(dir.path(), "a.rs"), "one\n", "an unchanged file is not written either");
        assert_eq!(read(dir.path(), "b.rs"), "mine\n");
    }

    #[test]
    fn given_a_file_squall_never_wrote_when_written_then_it_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("Cargo.toml"), "[package]\n").unwrap();
        let err = write(&files(&[("Cargo.toml", "generated\n")]), dir.path(), false).unwrap_err();
        assert!(matches!(err, Error::Edited { files, .. } if files == ["Cargo.toml"]));
    }

    #[test]
    fn given_force_then_changed_files_are_overwritten() {
        let dir = tempfile::tempdir().unwrap();
        write(&files(&[("a.rs", "one\n")]), dir.path(), false).unwrap();
        std::fs::write(dir.path().join("a.rs"), "mine\n").unwrap();
        let written = write(&files(&[("a.rs", "ONE\n")]), dir.path(), true).unwrap();
        assert_eq!(written.written, ["a.rs"]);
        assert_eq!(read(dir.path(), "a.rs"), "ONE\n");
    }

    #[test]
    fn given_files_no_longer_generated_then_unchanged_ones_go_and_changed_ones_stay() {
        let dir = tempfile::tempdir().unwrap();
        write(&files(&[("keep.rs", "k\n"), ("old.rs", "o\n"), ("edited.rs", "e\n")]), dir.path(), false)
            .unwrap();
        std::fs::write(dir.path().join("edited.rs"), "mine\n").unwrap();

        let written = write(&files(&[("keep.rs", "k\n")]), dir.path(), false).unwrap();

        assert_eq!(written.unchanged, ["keep.rs"]);
        assert_eq!(written.removed, ["old.rs"]);
        assert_eq!(written.kept, ["edited.rs"]);
        assert!(!dir.path().join("old.rs").exists());
        assert_eq!(read(dir.path(), "edited.rs"), "mine\n");
        assert!(!read(dir.path(), MANIFEST).contains("edited.rs"), "a kept file is the user's now");
    }

    #[test]
    fn given_a_file_where_the_folder_should_be_then_the_error_says_so() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("out");
        std::fs::write(&file, "").unwrap();
        let err = write(&files(&[("a.rs", "")]), &file, false).unwrap_err();
        assert_eq!(err.to_string(), format!("{} is not a folder", file.display()));
    }
}
