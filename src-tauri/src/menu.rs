//! The native menus. File and Edit items ask the workspace through
//! [`shell::handle`], like any request of the UI; View items are the
//! canvas's business and go to the UI as events.

use std::path::{Path, PathBuf};

use squall_api::{CodeLanguage, Error, PictureFormat, Request};
use tauri::menu::{Menu, MenuBuilder, MenuEvent, MenuItem, Submenu, SubmenuBuilder};
use tauri::{AppHandle, Emitter as _, Manager as _};
use tauri_plugin_dialog::{DialogExt as _, MessageDialogButtons, MessageDialogKind};

use crate::events::{self, ViewAction};
use crate::export;
use crate::shell::{self, Shell};

const NEW: &str = "new";
const OPEN: &str = "open";
const SAVE: &str = "save";
const SAVE_AS: &str = "save_as";
const EXPORT_SVG: &str = "export_svg";
const EXPORT_PNG: &str = "export_png";
const EXPORT_RUST: &str = "export_rust";
const EXPORT_TYPESCRIPT: &str = "export_typescript";
const QUIT: &str = "quit";
const UNDO: &str = "undo";
const REDO: &str = "redo";
const ZOOM_IN: &str = "zoom_in";
const ZOOM_OUT: &str = "zoom_out";
const FIT: &str = "fit";
/// Recent files are `recent:N`, N indexing the recent list.
const RECENT: &str = "recent:";

/// The items whose state follows the workspace's.
pub struct Handles {
    undo: MenuItem<tauri::Wry>,
    redo: MenuItem<tauri::Wry>,
    recent: Submenu<tauri::Wry>,
}

// Tauri's menu items are not Debug.
impl std::fmt::Debug for Handles {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Handles").finish_non_exhaustive()
    }
}

/// The menu bar and the items to keep up to date.
pub fn build(app: &AppHandle) -> tauri::Result<(Menu<tauri::Wry>, Handles)> {
    let recent = SubmenuBuilder::new(app, "Recent").build()?;
    let export = SubmenuBuilder::new(app, "Export")
        .item(&item(app, EXPORT_SVG, "SVG…", None)?)
        .item(&item(app, EXPORT_PNG, "PNG…", None)?)
        .separator()
        .item(&item(app, EXPORT_RUST, "Rust code…", None)?)
        .item(&item(app, EXPORT_TYPESCRIPT, "TypeScript code…", None)?)
        .build()?;
    let file = SubmenuBuilder::new(app, "File")
        .item(&item(app, NEW, "New", Some("CmdOrCtrl+N"))?)
        .item(&item(app, OPEN, "Open…", Some("CmdOrCtrl+O"))?)
        .item(&recent)
        .separator()
        .item(&item(app, SAVE, "Save", Some("CmdOrCtrl+S"))?)
        .item(&item(app, SAVE_AS, "Save As…", Some("CmdOrCtrl+Shift+S"))?)
        .item(&export)
        .separator()
        // GTK 3 has no predefined Quit; leaving through app.exit keeps unsaved work as on any exit.
        .item(&item(app, QUIT, "Quit", Some("CmdOrCtrl+Q"))?)
        .build()?;
    // Undo and Redo have no shortcut here: in a text field Ctrl+Z belongs to
    // the field, and only the UI knows where the focus is.
    let undo = item(app, UNDO, "Undo", None)?;
    let redo = item(app, REDO, "Redo", None)?;
    let edit = SubmenuBuilder::new(app, "Edit")
        .item(&undo)
        .item(&redo)
        .separator()
        .cut()
        .copy()
        .paste()
        .select_all()
        .build()?;
    let view = SubmenuBuilder::new(app, "View")
        .item(&item(app, ZOOM_IN, "Zoom In", Some("CmdOrCtrl+="))?)
        .item(&item(app, ZOOM_OUT, "Zoom Out", Some("CmdOrCtrl+-"))?)
        .item(&item(app, FIT, "Fit Board", Some("CmdOrCtrl+0"))?)
        .build()?;
    let menu = MenuBuilder::new(app).items(&[&file, &edit, &view]).build()?;
    Ok((menu, Handles { undo, redo, recent }))
}

fn item(
    app: &AppHandle,
    id: &str,
    text: &str,
    shortcut: Option<&str>,
) -> tauri::Result<MenuItem<tauri::Wry>> {
    MenuItem::with_id(app, id, text, true, shortcut)
}

impl Handles {
    pub fn show_history(&self, can_undo: bool, can_redo: bool) {
        for (item, enabled) in [(&self.undo, can_undo), (&self.redo, can_redo)] {
            if let Err(err) = item.set_enabled(enabled) {
                eprintln!("squall-desktop: cannot update the Edit menu: {err}");
            }
        }
    }

    /// List `files` under File ▸ Recent.
    pub fn show_recent(&self, app: &AppHandle, files: &[PathBuf]) {
        let listed = || -> tauri::Result<()> {
            while self.recent.remove_at(0)?.is_some() {}
            for (n, file) in files.iter().enumerate() {
                let text = file.display().to_string();
                self.recent.append(&MenuItem::with_id(
                    app,
                    format!("{RECENT}{n}"),
                    text,
                    true,
                    None::<&str>,
                )?)?;
            }
            self.recent.set_enabled(!files.is_empty())
        };
        if let Err(err) = listed() {
            eprintln!("squall-desktop: cannot list the recent files: {err}");
        }
    }
}

/// What a click on a menu item does.
pub fn on_event(app: &AppHandle, event: &MenuEvent) {
    let id = event.id().as_ref();
    match id {
        NEW => unless_unsaved(app, "start a new board", |app| {
            ask(app, Request::New { name: "untitled".into(), discard: true });
        }),
        OPEN => open(app),
        SAVE => save(app),
        SAVE_AS => save_as(app),
        EXPORT_SVG => export::from_menu(app, PictureFormat::Svg),
        EXPORT_PNG => export::from_menu(app, PictureFormat::Png),
        EXPORT_RUST => export::code_from_menu(app, CodeLanguage::Rust),
        EXPORT_TYPESCRIPT => export::code_from_menu(app, CodeLanguage::Typescript),
        QUIT => app.exit(0),
        UNDO => ask(app, Request::Undo),
        REDO => ask(app, Request::Redo),
        ZOOM_IN => view(app, ViewAction::ZoomIn),
        ZOOM_OUT => view(app, ViewAction::ZoomOut),
        FIT => view(app, ViewAction::Fit),
        _ => {
            let recent = id.strip_prefix(RECENT).and_then(|n| n.parse::<usize>().ok());
            if let Some(file) = recent.and_then(|n| app.state::<Shell>().recent().into_iter().nth(n)) {
                open_file(app, &file);
            }
        }
    }
}

/// Carry out a request for a menu; a failure is shown in a message box.
fn ask(app: &AppHandle, request: Request) {
    match shell::handle(app, request) {
        // The menu item should have been disabled; nothing to tell.
        Err(Error::NothingToUndo | Error::NothingToRedo) | Ok(_) => {}
        Err(err) => fail(app, &err.to_string()),
    }
}

pub fn fail(app: &AppHandle, message: &str) {
    app.dialog().message(message).title("Squall").kind(MessageDialogKind::Error).show(|_| {});
}

fn view(app: &AppHandle, action: ViewAction) {
    if let Err(err) = app.emit(events::VIEW, action) {
        eprintln!("squall-desktop: cannot pass the View action to the UI: {err}");
    }
}

/// Go on once the user has agreed to drop unsaved changes, if there are any.
fn unless_unsaved(app: &AppHandle, doing: &str, then: impl FnOnce(&AppHandle) + Send + 'static) {
    if !app.state::<Shell>().workspace().is_dirty() {
        then(app);
        return;
    }
    let answered = app.clone();
    app.dialog()
        .message(format!("The board has unsaved changes. Discard them and {doing}?"))
        .title("Unsaved changes")
        .kind(MessageDialogKind::Warning)
        .buttons(MessageDialogButtons::OkCancelCustom("Discard".into(), "Cancel".into()))
        .show(move |discard| {
            if discard {
                on_main(&answered, then);
            }
        });
}

/// Dialogs answer on a thread of their own; requests go back to the main
/// thread, where [`shell::show`] must run.
fn on_main(app: &AppHandle, task: impl FnOnce(&AppHandle) + Send + 'static) {
    let handle = app.clone();
    if let Err(err) = app.run_on_main_thread(move || task(&handle)) {
        eprintln!("squall-desktop: cannot act on the dialog's answer: {err}");
    }
}

fn open(app: &AppHandle) {
    let mut dialog = app.dialog().file().set_title("Open a board").add_filter("Squall board", &["ron"]);
    if let Some(dir) = current_dir(app) {
        dialog = dialog.set_directory(dir);
    }
    let app = app.clone();
    dialog.pick_file(move |picked| match picked.map(tauri_plugin_dialog::FilePath::into_path) {
        Some(Ok(file)) => on_main(&app, move |app| open_file(app, &file)),
        Some(Err(err)) => fail(&app, &format!("cannot open that file: {err}")),
        None => {}
    });
}

fn open_file(app: &AppHandle, file: &Path) {
    let name = file.display().to_string();
    unless_unsaved(app, &format!("open {name}"), move |app| {
        ask(app, Request::Open { path: name, discard: true });
    });
}

fn save(app: &AppHandle) {
    match shell::handle(app, Request::Save) {
        Ok(_) => {}
        Err(Error::NoFile) => save_as(app),
        Err(err) => fail(app, &err.to_string()),
    }
}

fn save_as(app: &AppHandle) {
    let name = app
        .state::<Shell>()
        .workspace()
        .path()
        .and_then(|path| path.file_name())
        .map_or_else(|| "untitled.ron".to_owned(), |name| name.to_string_lossy().into_owned());
    let mut dialog = app
        .dialog()
        .file()
        .set_title("Save the board as")
        .add_filter("Squall board", &["ron"])
        .set_file_name(name);
    if let Some(dir) = current_dir(app) {
        dialog = dialog.set_directory(dir);
    }
    let app = app.clone();
    dialog.save_file(move |picked| match picked.map(tauri_plugin_dialog::FilePath::into_path) {
        Some(Ok(mut file)) => {
            if file.extension().is_none() {
                file.set_extension("ron");
            }
            let path = file.display().to_string();
            on_main(&app, move |app| ask(app, Request::SaveAs { path }));
        }
        Some(Err(err)) => fail(&app, &format!("cannot save there: {err}")),
        None => {}
    });
}

/// Where file dialogs start: the folder of the board's file, or for a new
/// board the folder the app was started from.
pub fn current_dir(app: &AppHandle) -> Option<PathBuf> {
    let shell = app.state::<Shell>();
    let file = shell.workspace().path().map(std::path::absolute);
    match file {
        Some(file) => Some(file.ok()?.parent()?.to_owned()),
        None => std::env::current_dir().ok(),
    }
}
