//! File ▸ Export: the board's picture (`Request::Picture`, the SVG or PNG
//! `squall export` draws) saved where the user says in a native save
//! dialog. The menu's items and the UI's export buttons (the
//! `export_picture` command; a page cannot open a native dialog) both come
//! here, so they behave alike. File ▸ Export ▸ Rust code… and TypeScript
//! code… write the board's skeleton (`Request::ExportCode`) into a folder
//! the user picks, asking before overwriting files they edited.

use std::path::PathBuf;

use squall_api::{CodeLanguage, ErrorKind, PictureFormat, Request, Response};
use tauri::{AppHandle, Manager as _};
use tauri_plugin_dialog::{DialogExt as _, MessageDialogButtons, MessageDialogKind};

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

/// File ▸ Export ▸ Rust code… and TypeScript code…: pick a folder, write the
/// skeleton, say where; on a thread of their own, as the dialogs block.
pub fn code_from_menu(app: &AppHandle, language: CodeLanguage) {
    let app = app.clone();
    std::thread::spawn(move || match write_code(&app, language) {
        Ok(Some(done)) => {
            app.dialog().message(done).title("Squall").kind(MessageDialogKind::Info).blocking_show();
        }
        Ok(None) => {}
        Err(message) => menu::fail(&app, &format!("Cannot export the board: {message}")),
    });
}

fn write_code(app: &AppHandle, language: CodeLanguage) -> Result<Option<String>, String> {
    let title = match language {
        CodeLanguage::Rust => "Export the board as a Rust crate: choose its folder",
        CodeLanguage::Typescript => "Export the board as a TypeScript package: choose its folder",
    };
    let mut dialog = app.dialog().file().set_title(title);
    if let Some(dir) = menu::current_dir(app) {
        dialog = dialog.set_directory(dir);
    }
    let Some(picked) = dialog.blocking_pick_folder() else {
        return Ok(None);
    };
    let dir = picked.into_path().map_err(|err| format!("cannot export there: {err}"))?;
    let request = |force| Request::ExportCode { language, dir: Some(dir.display().to_string()), force };
    let shell = app.state::<Shell>();
    // Its own statement: the workspace's lock must be let go before asking again.
    let first = shell.workspace().handle(request(false));
    let answer = match first {
        Err(err) if err.kind() == ErrorKind::Conflict => {
            let overwrite = app
                .dialog()
                .message(format!("{err}\n\nOverwrite them?"))
                .title("Squall")
                .kind(MessageDialogKind::Warning)
                .buttons(MessageDialogButtons::OkCancelCustom("Overwrite".into(), "Cancel".into()))
                .blocking_show();
            if !overwrite {
                return Ok(None);
            }
            shell.workspace().handle(request(true))
        }
        other => other,
    };
    match answer.map_err(|err| err.to_string())? {
        Response::CodeExported { export } => Ok(Some(format!(
            "Exported to {}: {} files written, {} unchanged.",
            export.dir, export.written, export.unchanged
        ))),
        other => Err(format!("the workspace answered an export with {other:?}")),
    }
}
