//! Where a client may reach on this machine: scripts stay inside the
//! model's project (the folder above the model's, where `scripts/` sits
//! beside `models/`). The script editor writes only there, and `squall
//! serve` refuses any other script path a client sets, so a browser cannot
//! learn through the lint whether a file exists elsewhere.

use std::path::{Component, Path};

use crate::Error;

/// A script is a relative `.rhai` path that stays, lexically and with its
/// symbolic links followed, inside the project: the model's folder's parent
/// (where `scripts/` sits beside `models/`).
pub fn script(script: &str, model_dir: &Path) -> Result<(), Error> {
    inside_project(script, model_dir, true, |project| {
        format!(
            "script `{script}`: scripts are `.rhai` files named relative to the model, inside {}",
            project.display()
        )
    })
}

/// A folder an export writes into: a relative path inside the project, as
/// for scripts, so a client cannot write elsewhere on the machine.
pub fn folder(dir: &str, model_dir: &Path) -> Result<(), Error> {
    inside_project(dir, model_dir, false, |project| {
        format!(
            "folder `{dir}`: exports go to a folder named relative to the model, inside {}",
            project.display()
        )
    })
}

fn inside_project(
    path: &str,
    model_dir: &Path,
    rhai: bool,
    refusal: impl Fn(&Path) -> String,
) -> Result<(), Error> {
    // A model named `models/bank.ron` has a folder but no parent to name.
    let model_dir = &model_dir.canonicalize().map_err(|source| Error::io(model_dir, source))?;
    let project = model_dir.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(model_dir);
    let refuse = || Error::BadRequest(refusal(project));
    let relative = Path::new(path);
    if relative.is_absolute() || (rhai && relative.extension().is_none_or(|ext| ext != "rhai")) {
        return Err(refuse());
    }
    let mut depth: usize = model_dir.strip_prefix(project).map_or(0, |rest| rest.components().count());
    for component in relative.components() {
        match component {
            Component::Normal(_) => depth += 1,
            Component::ParentDir => depth = depth.checked_sub(1).ok_or_else(refuse)?,
            Component::CurDir => {}
            Component::RootDir | Component::Prefix(_) => return Err(refuse()),
        }
    }
    if !really_inside(&model_dir.join(relative), project) {
        return Err(refuse());
    }
    Ok(())
}

/// Whether `path`, with its symbolic links followed, is inside `folder`; of
/// a path not there yet, the nearest part that exists is resolved.
pub fn really_inside(path: &Path, folder: &Path) -> bool {
    let Ok(folder) = folder.canonicalize() else { return false };
    let mut existing = path;
    loop {
        if existing.symlink_metadata().is_ok() {
            return existing.canonicalize().is_ok_and(|real| real.starts_with(&folder));
        }
        match existing.parent() {
            Some(parent) if existing.file_name().is_some() => existing = parent,
            _ => return false,
        }
    }
}
