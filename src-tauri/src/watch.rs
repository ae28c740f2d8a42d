//! What happens without a request: changes on disk reach the UI as pushes,
//! as they reach `squall serve`'s clients (squall-api watches the folders),
//! and unsaved work goes to the board's recovery file.

use std::time::Duration;

use anyhow::Context as _;
use squall_api::FolderWatch;
use tauri::{AppHandle, Manager as _};

use crate::shell::Shell;

/// How often unsaved work goes to the recovery file.
const AUTOSAVE: Duration = Duration::from_secs(30);

/// Start watching and autosaving; both last as long as the app. The watch
/// follows the board's file through [`FolderWatch::follow`].
pub fn start(app: &AppHandle) -> anyhow::Result<FolderWatch> {
    let watched = app.clone();
    let watch = FolderWatch::start(move || {
        let pushes = watched.state::<Shell>().workspace().disk_changes();
        for push in &pushes {
            crate::shell::push(&watched, push);
        }
    })?;
    let saved = app.clone();
    std::thread::Builder::new()
        .name("squall-autosave".into())
        .spawn(move || {
            loop {
                std::thread::sleep(AUTOSAVE);
                if let Err(err) = saved.state::<Shell>().workspace().write_recovery() {
                    eprintln!("squall-desktop: autosave failed: {err}");
                }
            }
        })
        .context("cannot start the autosave thread")?;
    Ok(watch)
}
