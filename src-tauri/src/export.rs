//! File ▸ Export: the board's picture (`Request::Picture`, the SVG or PNG
//! `squall export` draws) saved where the user says in a native save
//! dialog. The menu's items and the UI's export buttons (the
//! `export_picture` command; a page cannot open a native dialog) both come
//! here, so they behave alike.

use std::path::PathBuf;

use squall_api::{PictureFormat, Request, Response};
use tauri::{AppHandle, Manager as _};
use tauri_plugin_dialog::DialogExt as _;

use crate::menu;
use crate::shell::Shell;

/// Ask where, draw the picture, write it whole. `Ok(None)` when the user
/// cancels. Blocks on the dialog, so never on the main thread, which shows it.
fn save(app: &AppHandle, format: PictureFormat) -> Result<Option<PathBuf>, String> {
    let name = format.file_name(&app.state::<Shell>().workspace().board().name);
    let (title, kind) = match format {
        PictureFormat::Svg => ("Export the board as SVG", "SVG picture"),
        PictureFormat::Png => ("Export the board as PNG", "PNG picture"),
    };
    let mut dialog =
        app.dialog().file().set_title(title).add_filter(kind, &[format.extension()]).set_file_name(name);
    if let Some(dir) = menu::current_dir(app) {
        dialog = dialog.set_directory(dir);
    }
    let Some(picked) = dialog.blocking_save_file() else {
        return Ok(None);
    };
    let mut file = picked.into_path().map_err(|err| format!("cannot save there: {err}"))?;
    if file.extension().is_none() {
        file.set_extension(format.extension());
    }
    // A picture changes nothing, so it needs none of what `shell::handle` brings
    // the window up to date with, and may be asked for off the main thread.
    let answer = app.state::<Shell>().workspace().handle(Request::Picture { format, scale: None });
    let picture = match answer.map_err(|err| err.to_string())? {
        Response::Picture { picture } => picture,
        other => return Err(format!("the workspace answered a picture request with {other:?}")),
    };
    let bytes = picture.bytes().map_err(|err| err.to_string())?;
    squall_model::write_atomically(&file, &bytes).map_err(|err| err.to_string())?;
    Ok(Some(file))
}

/// The UI's export buttons: `invoke("export_picture", { format })` answers
/// with the file written, or null when the user cancelled.
#[tauri::command]
// Tauri hands a command its AppHandle by value.
#[allow(clippy::needless_pass_by_value)]
pub async fn export_picture(app: AppHandle, format: PictureFormat) -> Result<Option<String>, String> {
    let saved = tauri::async_runtime::spawn_blocking(move || save(&app, format))
        .await
        .map_err(|err| format!("the export stopped: {err}"))??;
    Ok(saved.map(|file| file.display().to_string()))
}

/// File ▸ Export ▸ SVG… and PNG…: on a thread of their own, as the dialog blocks.
pub fn from_menu(app: &AppHandle, format: PictureFormat) {
    let app = app.clone();
    std::thread::spawn(move || {
        if let Err(message) = save(&app, format) {
            menu::fail(&app, &format!("Cannot export the board: {message}"));
        }
    });
}
