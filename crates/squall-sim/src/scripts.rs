//! The compiled scripts of a board's stickies, recompiled when a file
//! changes on disk.

use std::collections::HashMap;
use std::path::PathBuf;
use std::time::SystemTime;

use crate::error::SimError;
use crate::model::{RunModel, Sticky};
use crate::script::{Script, ScriptEngine};

#[derive(Debug)]
struct Loaded {
    script: Script,
    file: PathBuf,
    modified: Option<SystemTime>,
}

/// Scripts by sticky.
#[derive(Debug, Default)]
pub struct Scripts {
    loaded: HashMap<Sticky, Loaded>,
}

impl Scripts {
    /// Compile every script the board names. Elements without a script
    /// get none (an external system without one absorbs what it is sent).
    pub fn load(model: &RunModel, engine: &ScriptEngine) -> Result<Scripts, SimError> {
        let mut scripts = Scripts::default();
        for (sticky, element) in model.elements.iter().enumerate() {
            let Some(path) = &element.script else { continue };
            scripts.loaded.insert(sticky, compile(model, engine, path)?);
        }
        Ok(scripts)
    }

    pub fn get(&self, sticky: Sticky) -> Option<&Script> {
        self.loaded.get(&sticky).map(|l| &l.script)
    }

    /// Recompile the scripts whose files changed; returns their paths. A
    /// script that no longer compiles keeps its old version and the error
    /// is returned, so a typo never stops a running session.
    pub fn reload_changed(
        &mut self,
        model: &RunModel,
        engine: &ScriptEngine,
    ) -> Result<Vec<String>, SimError> {
        let mut changed = Vec::new();
        for (sticky, loaded) in &mut self.loaded {
            let modified = std::fs::metadata(&loaded.file).and_then(|m| m.modified()).ok();
            if modified == loaded.modified {
                continue;
            }
            let Some(path) = &model.elements[*sticky].script else { continue };
            *loaded = compile(model, engine, path)?;
            changed.push(path.clone());
        }
        changed.sort();
        Ok(changed)
    }
}

fn compile(model: &RunModel, engine: &ScriptEngine, path: &str) -> Result<Loaded, SimError> {
    let file = model.dir.join(path);
    let text = std::fs::read_to_string(&file)
        .map_err(|source| SimError::ScriptFile { path: file.display().to_string(), source })?;
    let modified = std::fs::metadata(&file).and_then(|m| m.modified()).ok();
    let script = Script::compile(engine, &file.display().to_string(), &text)?;
    Ok(Loaded { script, file, modified })
}
