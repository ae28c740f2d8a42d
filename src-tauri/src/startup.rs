//! Which board the app opens when it starts.

use std::path::{Path, PathBuf};

/// The example a first start opens, relative to a Squall checkout.
pub const EXAMPLE: &str = "models/bank_account.ron";

/// How many folders above the executable may hold the checkout: a build
/// lands in `src-tauri/target/<profile>/`, three below it.
const EXE_DEPTH: usize = 5;

/// Where the app finds things at start.
#[derive(Debug)]
pub struct Places<'a> {
    /// A model file named on the command line.
    pub given: Option<&'a Path>,
    /// The file open when the app last closed (from the settings).
    pub last_opened: Option<&'a Path>,
    pub current_dir: &'a Path,
    pub exe: Option<&'a Path>,
}

/// The file to open: the one named on the command line, else the last one
/// opened if it is still there, else the bank-account example found from
/// the current folder or the folders above the executable. None means an
/// empty board.
pub fn first_file(places: &Places<'_>) -> Option<PathBuf> {
    if let Some(given) = places.given {
        // Opened even when missing, so that the user hears why it failed.
        return Some(absolute(places.current_dir, given));
    }
    if let Some(last) = places.last_opened.filter(|last| last.is_file()) {
        return Some(last.to_owned());
    }
    let from_exe = places.exe.into_iter().flat_map(|exe| exe.ancestors().skip(1).take(EXE_DEPTH));
    std::iter::once(places.current_dir)
        .chain(from_exe)
        .map(|dir| dir.join(EXAMPLE))
        .find(|path| path.is_file())
}

/// `path` against `base` when relative, so that recent files and the file
/// watcher do not depend on the folder the app was started from.
pub fn absolute(base: &Path, path: &Path) -> PathBuf {
    if path.is_absolute() { path.to_owned() } else { base.join(path) }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A checkout in a temporary folder with the example model and a built app.
    fn checkout() -> (tempfile::TempDir, PathBuf, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let example = dir.path().join(EXAMPLE);
        std::fs::create_dir_all(example.parent().unwrap()).unwrap();
        std::fs::write(&example, "(name: \"bank account\")").unwrap();
        let exe = dir.path().join("src-tauri/target/debug/squall-desktop");
        (dir, example, exe)
    }

    #[test]
    fn a_first_start_in_the_checkout_opens_the_example() {
        let (dir, example, _) = checkout();

        let file = first_file(&Places { given: None, last_opened: None, current_dir: dir.path(), exe: None });

        assert_eq!(file, Some(example));
    }

    #[test]
    fn a_first_start_elsewhere_finds_the_example_above_the_executable() {
        let (_dir, example, exe) = checkout();
        let elsewhere = tempfile::tempdir().unwrap();

        let file = first_file(&Places {
            given: None,
            last_opened: None,
            current_dir: elsewhere.path(),
            exe: Some(&exe),
        });

        assert_eq!(file, Some(example));
    }

    #[test]
    fn a_later_start_opens_the_last_file_and_falls_back_when_it_is_gone() {
        let (dir, example, _) = checkout();
        let last = dir.path().join("models/shop.ron");
        std::fs::write(&last, "(name: \"shop\")").unwrap();
        let places = Places { given: None, last_opened: Some(&last), current_dir: dir.path(), exe: None };

        assert_eq!(first_file(&places), Some(last.clone()));
        std::fs::remove_file(&last).unwrap();
        assert_eq!(first_file(&places), Some(example));
    }

    #[test]
    fn a_file_on_the_command_line_wins_even_when_missing() {
        let (dir, _, _) = checkout();

        let file = first_file(&Places {
            given: Some(Path::new("models/missing.ron")),
            last_opened: None,
            current_dir: dir.path(),
            exe: None,
        });

        assert_eq!(file, Some(dir.path().join("models/missing.ron")));
    }

    #[test]
    fn without_the_example_anywhere_the_board_starts_empty() {
        let nowhere = tempfile::tempdir().unwrap();
        let exe = nowhere.path().join("bin/squall-desktop");

        let file = first_file(&Places {
            given: None,
            last_opened: None,
            current_dir: nowhere.path(),
            exe: Some(&exe),
        });

        assert_eq!(file, None);
    }
}
