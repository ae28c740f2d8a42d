//! The open board as a code skeleton, for the app's Export menu: the same
//! Cargo crate or TypeScript package as `squall export --to rust|typescript`
//! writes (`squall_export::skeleton`), into a folder of the project.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use squall_export::skeleton::{self, Language, Scripts};
use squall_model::Board;
use ts_rs::TS;

use crate::Error;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum CodeLanguage {
    Rust,
    Typescript,
}

impl CodeLanguage {
    /// The folder a board's skeleton goes to unless the request names one:
    /// `../export/bank-account-rust`, beside `models/` and `scripts/`.
    pub fn default_dir(self, board_name: &str) -> String {
        let slug = crate::picture::slug(board_name);
        match self {
            CodeLanguage::Rust => format!("../export/{slug}-rust"),
            CodeLanguage::Typescript => format!("../export/{slug}-typescript"),
        }
    }
}

/// What an export did.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
pub struct CodeExport {
    /// The folder written, as a path on the machine that wrote it.
    pub dir: String,
    /// Files created or replaced, already as generated, and removed (written
    /// by an earlier export, no longer generated, unchanged since).
    pub written: u32,
    pub unchanged: u32,
    pub removed: u32,
    /// No longer generated but edited since: left in place.
    pub kept: Vec<String>,
}

/// Write the skeleton of `board` (its file at `model`, scripts beside it)
/// into `dir`, relative to the model's folder. Files edited since the last
/// export are refused by name, with nothing written, unless `force`.
pub(crate) fn export(
    board: &Board,
    model: Option<&Path>,
    language: CodeLanguage,
    dir: Option<&str>,
    force: bool,
) -> Result<CodeExport, Error> {
    let model = model.ok_or(Error::NoFile)?;
    let model_dir = model.parent().unwrap_or(Path::new("."));
    let default = language.default_dir(&board.name);
    let out: PathBuf = model_dir.join(dir.unwrap_or(&default));
    let scripts = Scripts::read(board, model_dir);
    let language = match language {
        CodeLanguage::Rust => Language::Rust,
        CodeLanguage::Typescript => Language::TypeScript,
    };
    let files = skeleton::generate(board, &scripts, language);
    let written = skeleton::write(&files, &out, force).map_err(|err| match err {
        skeleton::Error::Edited { dir, files } => Error::Edited(format!(
            "nothing was written to {}: {} changed since Squall last wrote {}; move your changes away, or \
             export again and overwrite them",
            dir.display(),
            files.join(", "),
            if files.len() == 1 { "it" } else { "them" }
        )),
        skeleton::Error::NotAFolder(path) => {
            Error::BadRequest(format!("{} is a file, not a folder to export into", path.display()))
        }
        skeleton::Error::Io { path, source } => Error::io(&path, source),
    })?;
    let count = |files: &[String]| u32::try_from(files.len()).unwrap_or(u32::MAX);
    let dir = out.canonicalize().unwrap_or(out);
    Ok(CodeExport {
        dir: dir.display().to_string(),
        written: count(&written.written),
        unchanged: count(&written.unchanged),
        removed: count(&written.removed),
        kept: written.kept,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_board_s_skeleton_goes_beside_its_models_and_scripts_by_default() {
        assert_eq!(CodeLanguage::Rust.default_dir("Bank account"), "../export/bank-account-rust");
        assert_eq!(CodeLanguage::Typescript.default_dir("Shop"), "../export/shop-typescript");
    }
}
