//! The texts of the board's Rhai scripts, read once before generating, so
//! that generating is a pure function of the board and these texts.

use std::collections::BTreeMap;
use std::path::Path;

use squall_model::{Board, Id};

/// Script texts by the id of the sticky that names them.
#[derive(Clone, Debug, Default)]
pub struct Scripts {
    texts: BTreeMap<Id, String>,
}

impl Scripts {
    /// Read the script of each sticky that names one, relative to the
    /// folder of the model file. A script that cannot be read is left out:
    /// the skeleton then says the rule is not written yet, as the app does
    /// for a sticky whose script does not exist.
    pub fn read(board: &Board, model_dir: &Path) -> Self {
        let texts = board
            .elements
            .iter()
            .filter_map(|e| {
                let path = e.script.as_deref()?;
                let text = std::fs::read_to_string(model_dir.join(path)).ok()?;
                Some((e.id.clone(), text))
            })
            .collect();
        Scripts { texts }
    }

    /// Scripts given as text, for tests and for callers that hold them already.
    pub fn from_texts(texts: impl IntoIterator<Item = (Id, String)>) -> Self {
        Scripts { texts: texts.into_iter().collect() }
    }

    /// The script text of the sticky `id`.
    pub fn text(&self, id: &Id) -> Option<&str> {
        self.texts.get(id).map(String::as_str)
    }
}
