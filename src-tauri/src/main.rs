//! The Squall desktop app: a Tauri window around the web UI in `ui/`, and
//! the one crate that knows Tauri. Like `squall serve`, it adds no board
//! behaviour: the UI's `api` command forwards a `squall_api::Request` to the
//! workspace and returns its `Response`; pushes go to the UI as `squall:push`
//! events with the payloads `squall serve` sends over its WebSocket.
//!
//! `squall-desktop [MODEL]` opens MODEL; without it, the file open when the
//! app last closed, or on a first start the bank-account example.

mod events;
mod export;
mod menu;
mod settings;
mod shell;
mod startup;
mod watch;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context as _;
use squall_api::{Options, Request, Response, Workspace};
use tauri::{AppHandle, Manager as _, RunEvent, WebviewUrl, WebviewWindowBuilder};

use crate::settings::Settings;
use crate::shell::Shell;
use crate::startup::Places;

// The same allocator as the squall command: simulations make many small,
// short-lived allocations (docs/performance.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// The UI's one way to the board: `invoke("api", { request })`. The error is
/// the message alone, as the API defines it for IPC.
#[tauri::command]
// Tauri hands a command its AppHandle by value.
#[allow(clippy::needless_pass_by_value)]
fn api(app: AppHandle, request: Request) -> Result<Response, String> {
    shell::handle(&app, request).map_err(|err| err.to_string())
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("squall-desktop: {err:#}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> anyhow::Result<()> {
    // GTK panics without a display; say what to do instead.
    if cfg!(target_os = "linux")
        && std::env::var_os("DISPLAY").is_none()
        && std::env::var_os("WAYLAND_DISPLAY").is_none()
    {
        anyhow::bail!(
            "no display to open a window on (neither DISPLAY nor WAYLAND_DISPLAY is set); \
             `squall serve MODEL` shows the board in a browser instead"
        );
    }
    let given =
        std::env::args_os().skip(1).map(PathBuf::from).find(|arg| !arg.to_string_lossy().starts_with('-'));
    let app = tauri::Builder::default()
        .plugin(tauri_plugin_dialog::init())
        .invoke_handler(tauri::generate_handler![api, export::export_picture])
        .on_menu_event(|app, event| menu::on_event(app, &event))
        .setup(move |app| Ok(setup(app.handle(), given.as_deref())?))
        .build(tauri::generate_context!())
        .context("cannot start the app")?;
    app.run(|app, event| {
        if let RunEvent::Exit = event {
            shell::keep_unsaved(app);
        }
    });
    Ok(())
}

/// Open the first board, then the window with its menus.
fn setup(app: &AppHandle, given: Option<&Path>) -> anyhow::Result<()> {
    let config_dir = app.path().app_config_dir().context("cannot find the app's config folder")?;
    let settings_file = config_dir.join("settings.json");
    let settings = Settings::load(&settings_file).unwrap_or_else(|err| {
        eprintln!("squall-desktop: {err}; starting without recent files");
        Settings::default()
    });
    // Boards without a file are autosaved here; boards with one, next to it.
    let recovery_dir =
        app.path().app_data_dir().context("cannot find the app's data folder")?.join("recovery");
    std::fs::create_dir_all(&recovery_dir)
        .with_context(|| format!("cannot create {}", recovery_dir.display()))?;
    let options = Options { recovery_dir: Some(recovery_dir), ..Options::default() };

    let current_dir = std::env::current_dir().context("cannot read the current folder")?;
    let exe = std::env::current_exe().ok();
    let first = startup::first_file(&Places {
        given,
        last_opened: settings.last_opened.as_deref(),
        current_dir: &current_dir,
        exe: exe.as_deref(),
    });
    let (workspace, failed) = match first {
        Some(file) => match Workspace::open(&file, options.clone()) {
            Ok(workspace) => (workspace, None),
            Err(err) => {
                (Workspace::new("untitled", options), Some(format!("{err}\n\nStarting with an empty board.")))
            }
        },
        None => {
            eprintln!(
                "squall-desktop: no {} in {} or above the app; starting with an empty board",
                startup::EXAMPLE,
                current_dir.display()
            );
            (Workspace::new("untitled", options), None)
        }
    };

    let (menu, handles) = menu::build(app).context("cannot build the menus")?;
    handles.show_recent(app, &settings.recent);
    let state = workspace.state();
    app.manage(Shell::new(workspace, settings, settings_file, handles, watch::start(app)?));
    WebviewWindowBuilder::new(app, shell::WINDOW, WebviewUrl::default())
        .title(shell::title(&state))
        .inner_size(1280.0, 800.0)
        .min_inner_size(640.0, 400.0)
        .menu(menu)
        .build()
        .context("cannot open the window")?;
    shell::show(app, &state);
    if let Some(message) = failed {
        menu::fail(app, &message);
    }
    Ok(())
}
