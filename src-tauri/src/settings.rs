//! What the app remembers between sessions, in `settings.json` in the app's
//! config folder: the files opened lately and the last one, which the next
//! start opens again.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// How many files the File ▸ Recent menu lists.
pub const RECENT_LIMIT: usize = 10;

#[derive(Debug, Default, Clone, PartialEq, Serialize, Deserialize)]
pub struct Settings {
    /// The model file open when the app last had one; opened on the next start.
    #[serde(default)]
    pub last_opened: Option<PathBuf>,
    /// Model files opened or saved, most recent first, without repeats.
    #[serde(default)]
    pub recent: Vec<PathBuf>,
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{path}: {source}")]
    Io { path: String, source: std::io::Error },
    #[error("{path}: {source}")]
    Json { path: String, source: serde_json::Error },
    #[error(transparent)]
    Write(#[from] squall_model::SaveError),
}

impl Settings {
    /// The settings in `file`; none yet is a first start.
    pub fn load(file: &Path) -> Result<Settings, Error> {
        let text = match std::fs::read_to_string(file) {
            Ok(text) => text,
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(Settings::default()),
            Err(source) => return Err(Error::Io { path: file.display().to_string(), source }),
        };
        serde_json::from_str(&text).map_err(|source| Error::Json { path: file.display().to_string(), source })
    }

    /// Write to `file` atomically, creating its folder.
    pub fn save(&self, file: &Path) -> Result<(), Error> {
        let io = |source| Error::Io { path: file.display().to_string(), source };
        if let Some(dir) = file.parent() {
            std::fs::create_dir_all(dir).map_err(io)?;
        }
        let json = serde_json::to_string_pretty(self)
            .map_err(|source| Error::Json { path: file.display().to_string(), source })?;
        Ok(squall_model::write_atomically(file, json.as_bytes())?)
    }

    /// A model file was opened or saved: it becomes the last opened and the
    /// first recent file. Returns whether anything changed.
    pub fn opened(&mut self, path: &Path) -> bool {
        let before = self.clone();
        self.recent.retain(|p| p != path);
        self.recent.insert(0, path.to_owned());
        self.recent.truncate(RECENT_LIMIT);
        self.last_opened = Some(path.to_owned());
        *self != before
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reopened_file_moves_to_the_front_without_a_repeat() {
        let mut settings = Settings::default();
        settings.opened(Path::new("/m/a.ron"));
        settings.opened(Path::new("/m/b.ron"));

        let changed = settings.opened(Path::new("/m/a.ron"));

        assert!(changed);
        assert_eq!(settings.recent, [PathBuf::from("/m/a.ron"), PathBuf::from("/m/b.ron")]);
        assert_eq!(settings.last_opened.as_deref(), Some(Path::new("/m/a.ron")));
        assert!(!settings.opened(Path::new("/m/a.ron")), "opening the first file again changes nothing");
    }

    #[test]
    fn the_recent_list_keeps_the_newest_files() {
        let mut settings = Settings::default();
        for n in 0..RECENT_LIMIT + 3 {
            settings.opened(&PathBuf::from(format!("/m/{n}.ron")));
        }

        assert_eq!(settings.recent.len(), RECENT_LIMIT);
        assert_eq!(settings.recent[0], PathBuf::from(format!("/m/{}.ron", RECENT_LIMIT + 2)));
    }

    #[test]
    fn settings_survive_a_save_and_a_load_and_a_missing_file_is_a_first_start() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("config/settings.json");
        assert_eq!(Settings::load(&file).unwrap(), Settings::default());
        let mut settings = Settings::default();
        settings.opened(Path::new("/m/a.ron"));

        settings.save(&file).unwrap();

        assert_eq!(Settings::load(&file).unwrap(), settings);
    }

    #[test]
    fn a_damaged_settings_file_is_reported_with_its_path() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("settings.json");
        std::fs::write(&file, "{ not json").unwrap();

        let err = Settings::load(&file).unwrap_err();

        assert!(err.to_string().starts_with(&file.display().to_string()), "{err}");
    }
}
