//! The script editor's requests: read a sticky's script, check a text as it
//! is typed, write it. Scripts are read and written only inside the model's
//! project (the folder above the model's, where `scripts/` sits beside
//! `models/`), as `squall serve` confines the paths a client sets.

use std::path::PathBuf;

use squall_model::{Element, Id};

use super::Workspace;
use super::starter::{self, Starter};
use crate::run::BoardRef;
use crate::script::{self, ScriptInfo};
use crate::{ElementPatch, Error, Op, Response};

/// Where a sticky's script is, or would be.
struct Located {
    /// As the sticky names it, relative to the model file.
    relative: String,
    /// On disk.
    file: PathBuf,
    /// Whether the sticky names it already.
    named: bool,
    /// The starter text, for a sticky that names no script yet.
    starter: Option<String>,
}

impl Workspace {
    /// The sticky's script with its diagnostics; with `text`, the
    /// diagnostics of that text instead of the file's.
    pub(super) fn read_script(&self, id: &Id, text: Option<&str>) -> Result<Response, Error> {
        let element = self.scripted(id)?;
        let located = self.locate(element)?;
        let on_disk = match std::fs::read_to_string(&located.file) {
            Ok(text) => Some(text),
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => None,
            Err(err) => return Err(Error::io(&located.file, err)),
        };
        let info = self.info(element, &located, on_disk, text);
        Ok(Response::Script { script: Box::new(info) })
    }

    /// Save the script atomically; a sticky without a script gets its path
    /// (one undo step). The open run takes the text up at once.
    pub(super) fn write_script(&mut self, id: &Id, text: &str) -> Result<Response, Error> {
        let element = self.scripted(id)?;
        let located = self.locate(element)?;
        if let Some(dir) = located.file.parent() {
            std::fs::create_dir_all(dir).map_err(|source| Error::io(dir, source))?;
        }
        squall_model::write_atomically(&located.file, text.as_bytes())?;
        if !located.named {
            let patch = ElementPatch { script: Some(located.relative.clone()), ..ElementPatch::default() };
            self.edit(Op::UpdateElement { id: id.clone(), patch })?;
        } else {
            // The lint reads scripts too (a missing file, a function for no arrow).
            self.relint();
        }
        let at = BoardRef { board: &self.board, path: self.path.as_deref() };
        if let Some(push) = self.runner.script_written(&at)? {
            self.pushes.push(push);
        }
        let element = self.scripted(id)?;
        let located = Located { named: true, starter: None, ..located };
        let info = self.info(element, &located, Some(text.to_owned()), None);
        Ok(Response::ScriptWritten { state: self.state(), script: Box::new(info) })
    }

    /// The element, if it is one that has a script.
    fn scripted(&self, id: &Id) -> Result<&Element, Error> {
        let element = self
            .board
            .elements
            .iter()
            .find(|e| &e.id == id)
            .ok_or_else(|| Error::UnknownElement(id.clone()))?;
        if !element.kind.has_script() {
            return Err(Error::Refused(format!(
                "{} has no script: aggregates, policies, read models and external systems do",
                element.describe()
            )));
        }
        Ok(element)
    }

    /// The sticky's script file, or the one `create_script` would give it;
    /// refused outside the project.
    fn locate(&self, element: &Element) -> Result<Located, Error> {
        let model = self.path.clone().ok_or(Error::NoFile)?;
        let model_dir = self.model_dir().ok_or(Error::NoFile)?;
        let located = match element.script.as_deref().filter(|s| !s.is_empty()) {
            Some(relative) => Located {
                relative: relative.to_owned(),
                file: model_dir.join(relative),
                named: true,
                starter: None,
            },
            None => {
                let starter = Starter::plan(&self.board, &model, element);
                Located {
                    relative: starter.relative,
                    file: starter.file,
                    named: false,
                    starter: Some(starter.text),
                }
            }
        };
        crate::confine::script(&located.relative, &model_dir)?;
        Ok(located)
    }

    fn info(
        &self,
        element: &Element,
        located: &Located,
        on_disk: Option<String>,
        typed: Option<&str>,
    ) -> ScriptInfo {
        let checked = typed.or(on_disk.as_deref());
        let inspected = script::inspect(&self.board, element, &located.relative, checked.unwrap_or_default());
        let diagnostics = if checked.is_some() { inspected.diagnostics } else { Vec::new() };
        // A file the sticky does not name yet is not its script.
        let text = if located.named { on_disk } else { None };
        // A script the sticky names but nobody wrote yet starts like a new one.
        let starter = match (&located.starter, &text) {
            (Some(starter), _) => Some(starter.clone()),
            (None, None) => Some(starter::text(&self.board, element)),
            (None, Some(_)) => None,
        };
        ScriptInfo {
            id: element.id.clone(),
            path: located.relative.clone(),
            text,
            starter,
            diagnostics,
            functions: inspected.functions,
            messages: inspected.messages,
            helpers: script::helpers(),
        }
    }
}
