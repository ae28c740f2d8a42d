//! `squall serve`: the board in a browser. One workspace, shared by every
//! client: `POST /api` carries squall-api requests, `GET /ws` pushes what
//! changed, everything else is the built UI. Every request shows the token
//! first (`guard`); connections are accepted with timeouts (`connections`).

mod connections;
mod guard;
mod presence;

use std::io::Write;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use anyhow::{Context as _, bail};
use axum::Extension;
use axum::Router;
use axum::extract::ws::{Utf8Bytes, WebSocketUpgrade};
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderMap, StatusCode};
use axum::middleware;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use squall_api::{ErrorBody, ErrorKind, FolderWatch, LOCAL, Push, Request, Role, Room, Who, Workspace};
use tokio::sync::{broadcast, watch};
use tower_http::services::{ServeDir, ServeFile};

use crate::Outcome;

/// Serve a model to browsers.
#[derive(Debug, clap::Args)]
#[command(
    long_about = "Serve a model to browsers: the board UI, and the API it edits the board through.\n\n\
        Prints the URL to open, with a random access token; requests without the token are \
        refused. Several browsers may open one board: each sees the others' edits, and a change \
        of the file on disk, as they happen. By default only this machine can connect \
        (127.0.0.1, a random port); --bind with another address also needs --share. Files \
        opened or saved through the API stay in the model's folder.\n\n\
        Ctrl-C stops; unsaved changes are kept in a recovery file that the next session offers.",
    after_help = "Examples:\n  \
        squall serve models/bank_account.ron\n  \
        squall serve models/bank_account.ron --port 8080 --ui ui/dist\n  \
        squall serve models/bank_account.ron --bind 0.0.0.0 --share"
)]
pub struct Args {
    /// The model file (RON).
    #[arg(value_name = "MODEL")]
    pub model: PathBuf,

    /// The port; a free one when left out.
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub port: u16,

    /// The address to listen on.
    #[arg(long, value_name = "ADDR", default_value_t = IpAddr::V4(Ipv4Addr::LOCALHOST))]
    pub bind: IpAddr,

    /// Allow an address other machines can reach (anyone with the URL can edit the board).
    #[arg(long)]
    pub share: bool,

    /// The built UI to serve (default: ui/dist of the Squall checkout).
    #[arg(long, value_name = "DIR")]
    pub ui: Option<PathBuf>,

    /// Seconds a connection may take to send a request's head (and may stay
    /// idle between requests) before it is closed.
    #[arg(long, value_name = "SECS", default_value_t = 10, hide = true)]
    pub head_timeout: u64,
}

/// Pushes of which only the newest matters, each as its latest text.
struct Latest {
    board: watch::Sender<Option<Utf8Bytes>>,
    room: watch::Sender<Option<Utf8Bytes>>,
}

impl Default for Latest {
    fn default() -> Self {
        Latest { board: watch::channel(None).0, room: watch::channel(None).0 }
    }
}

/// What every request handler shares.
struct Shared {
    workspace: Mutex<Workspace>,
    tokens: guard::Tokens,
    /// Serialised once, shared by every client's socket.
    pushes: broadcast::Sender<Utf8Bytes>,
    /// The latest of the pushes a newer one makes stale (the board's state,
    /// the room): a busy client gets the newest, not every one in between.
    latest: Latest,
    /// Who is here; apart from the workspace, so a pointer never waits for an edit.
    room: Mutex<Room>,
    /// Open and save_as stay inside this folder: the model's.
    root: PathBuf,
    /// Locked after the workspace, never while waiting for it.
    watch: Mutex<Option<FolderWatch>>,
}

impl Shared {
    fn workspace(&self) -> MutexGuard<'_, Workspace> {
        // A panic while holding the lock leaves a workspace whose every
        // change was all-or-nothing, so it is still usable.
        self.workspace.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn room(&self) -> MutexGuard<'_, Room> {
        // Plain data, changed all-or-nothing per message: usable after a panic elsewhere.
        self.room.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn watch(&self) -> MutexGuard<'_, Option<FolderWatch>> {
        self.watch.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Watch the folders of the workspace's file and scripts.
    fn follow(&self, workspace: &Workspace) -> Result<(), squall_api::WatchError> {
        match self.watch().as_mut() {
            Some(watch) => watch.follow(workspace.path(), workspace.board()),
            None => Ok(()),
        }
    }

    fn push(&self, push: &Push) {
        let Ok(text) = serde_json::to_string(push) else { return };
        let text = Utf8Bytes::from(text);
        match push {
            Push::Changed { .. } => {
                self.latest.board.send_replace(Some(text));
            }
            Push::Presence { .. } => {
                self.latest.room.send_replace(Some(text));
            }
            _ => {
                // No subscriber is not an error: nobody is watching.
                let _ = self.pushes.send(text);
            }
        }
    }
}

pub fn run(args: &Args) -> anyhow::Result<Outcome> {
    if !args.bind.is_loopback() && !args.share {
        bail!(
            "refusing to serve on {}: other machines could reach the board; pass --share to allow it, \
             or leave out --bind to serve on 127.0.0.1 only",
            args.bind
        );
    }
    let ui = ui_dir(args.ui.as_deref())?;
    let workspace = Workspace::open(&args.model, squall_api::Options::default())?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("cannot start the server's runtime")?;
    runtime.block_on(serve(args, workspace, ui))
}

async fn serve(args: &Args, workspace: Workspace, ui: Option<PathBuf>) -> anyhow::Result<Outcome> {
    let listener = tokio::net::TcpListener::bind(SocketAddr::new(args.bind, args.port))
        .await
        .with_context(|| format!("cannot listen on {}:{}", args.bind, args.port))?;
    let address = listener.local_addr().context("cannot read the address listened on")?;
    let root = crate::cmd::open::model_dir(&args.model);
    let shared = Arc::new(Shared {
        workspace: Mutex::new(workspace),
        tokens: guard::Tokens::new(address.port())?,
        pushes: broadcast::channel(256).0,
        latest: Latest::default(),
        room: Mutex::new(Room::new()),
        root,
        watch: Mutex::new(None),
    });
    // Weak: the watch lives in `shared`, and must not keep it alive.
    let watched = Arc::downgrade(&shared);
    let watch = FolderWatch::start(move || {
        if let Some(shared) = watched.upgrade() {
            let pushes = shared.workspace().disk_changes();
            for push in &pushes {
                shared.push(push);
            }
        }
    })?;
    *shared.watch() = Some(watch);
    tokio::spawn(presence::tick(Arc::downgrade(&shared)));
    shared.follow(&shared.workspace())?;

    let api = Router::new()
        .route("/api", post(api))
        .route("/ws", get(ws))
        .route_layer(middleware::from_fn_with_state(Arc::clone(&shared), guard::api_token))
        // Pasting a large board is one request; the default 2 MB is too little.
        // Read only once the token has been shown.
        .layer(DefaultBodyLimit::max(64 << 20));
    let files = match &ui {
        Some(dir) => Router::new()
            .fallback_service(ServeDir::new(dir).fallback(ServeFile::new(dir.join("index.html")))),
        None => Router::new().fallback(get(no_ui)),
    }
    .layer(middleware::from_fn_with_state(Arc::clone(&shared), guard::file_token));
    let app = api.merge(files).with_state(Arc::clone(&shared));

    let mut out = std::io::stdout().lock();
    // The facilitator's link first: tools (and people) take the first URL.
    let link = |role| format!("http://{address}/?token={}", shared.tokens.secret(role));
    // One write: a reader that takes the first line and closes the pipe must not stop the server.
    let links = format!(
        "{}\nparticipants: {}\nviewers: {}\n",
        link(Role::Facilitator),
        link(Role::Participant),
        link(Role::Viewer)
    );
    out.write_all(links.as_bytes()).context("cannot write to stdout")?;
    out.flush().context("cannot write to stdout")?;
    drop(out);
    if ui.is_none() {
        tracing::warn!("the UI is not built (ui/dist); the page says how to build it");
    }
    eprintln!("Serving {}; Ctrl-C stops.", args.model.display());

    let limits = connections::Limits {
        head: Duration::from_secs(args.head_timeout),
        ..connections::Limits::default()
    };
    connections::serve(listener, app, limits, stopped()).await;

    let kept = shared.workspace().write_recovery()?;
    if let Some(path) = kept {
        eprintln!("Unsaved changes are kept in {}; the next session offers them back.", path.display());
    }
    Ok(Outcome::Fine)
}

async fn stopped() {
    #[cfg(unix)]
    {
        let terminate = async {
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(mut signal) => {
                    signal.recv().await;
                }
                Err(_) => std::future::pending().await,
            }
        };
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            () = terminate => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

async fn api(
    State(shared): State<Arc<Shared>>,
    Extension(role): Extension<Role>,
    headers: HeaderMap,
    body: String,
) -> Response {
    let request = match Request::from_json(&body).and_then(|r| guard::confine(r, &shared.root)) {
        Ok(request) => request,
        Err(err) => return failure(&err),
    };
    let who = Who { id: participant(&headers), role };
    let handled = tokio::task::spawn_blocking(move || {
        let mut workspace = shared.workspace();
        let before = fingerprint(&workspace);
        let result = workspace.handle_as(&who, request);
        if result.is_ok() && fingerprint(&workspace) != before {
            shared.push(&Push::Changed { state: Box::new(workspace.state()) });
            if let Err(err) = shared.follow(&workspace) {
                tracing::warn!("{err}; changes on disk will go unnoticed");
            }
        }
        // The run's moves: one push per request, however many steps it took.
        for push in workspace.take_pushes() {
            shared.push(&push);
        }
        result
    })
    .await;
    match handled {
        Ok(Ok(response)) => axum::Json(response).into_response(),
        Ok(Err(err)) => failure(&err),
        Err(_) => error(StatusCode::INTERNAL_SERVER_ERROR, "the request failed inside the server".into()),
    }
}

/// What other clients must hear about: a new board content, a save, another
/// file, the board locked or unlocked.
fn fingerprint(workspace: &Workspace) -> (u32, bool, Option<PathBuf>, bool) {
    (workspace.revision(), workspace.is_dirty(), workspace.path().map(Path::to_owned), workspace.is_locked())
}

async fn ws(
    State(shared): State<Arc<Shared>>,
    Extension(role): Extension<Role>,
    upgrade: WebSocketUpgrade,
) -> Response {
    let pushes = presence::Pushes {
        all: shared.pushes.subscribe(),
        board: shared.latest.board.subscribe(),
        room: shared.latest.room.subscribe(),
    };
    upgrade.on_upgrade(move |socket| presence::connect(shared, role, socket, pushes))
}

/// The participant a request comes from (`X-Squall-Participant`, the id
/// `Push::Joined` gave its page): whose undo history it uses. Its role comes
/// from its token, never from this.
fn participant(headers: &HeaderMap) -> String {
    headers
        .get("x-squall-participant")
        .and_then(|value| value.to_str().ok())
        .filter(|id| {
            (1..=40).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        })
        .map_or_else(|| LOCAL.to_owned(), str::to_owned)
}

async fn no_ui() -> Html<&'static str> {
    Html(NO_UI)
}

const NO_UI: &str = "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Squall</title></head>\n\
<body style=\"font-family: sans-serif; max-width: 40em; margin: 3em auto\">\n\
<h1>Squall is serving this board</h1>\n\
<p>The board UI is not built yet. Build it with <code>npm install &amp;&amp; npm run build</code> in \
<code>ui/</code>, or pass <code>--ui DIR</code> with a built UI, and reload this page.</p>\n\
<p>The API answers at <code>POST /api</code> with the token of this page's URL.</p>\n\
</body></html>\n";

fn failure(err: &squall_api::Error) -> Response {
    let status = match err.kind() {
        ErrorKind::BadRequest => StatusCode::BAD_REQUEST,
        ErrorKind::NotFound => StatusCode::NOT_FOUND,
        ErrorKind::Refused => StatusCode::UNPROCESSABLE_ENTITY,
        ErrorKind::Conflict => StatusCode::CONFLICT,
        ErrorKind::Io => StatusCode::INTERNAL_SERVER_ERROR,
    };
    error(status, err.to_string())
}

fn error(status: StatusCode, message: String) -> Response {
    (status, axum::Json(ErrorBody { error: message })).into_response()
}

/// The built UI: --ui, or ui/dist of the checkout the binary was built
/// from (next to its target folder, or where cargo built it).
fn ui_dir(given: Option<&Path>) -> anyhow::Result<Option<PathBuf>> {
    if let Some(dir) = given {
        if !dir.join("index.html").is_file() {
            bail!(
                "{}: no index.html here; build the UI (npm run build in ui/) or pass its dist folder",
                dir.display()
            );
        }
        return Ok(Some(dir.to_owned()));
    }
    let beside_target =
        std::env::current_exe().ok().and_then(|exe| Some(exe.parent()?.parent()?.parent()?.join("ui/dist")));
    let built_from = Some(Path::new(env!("CARGO_MANIFEST_DIR")).join("ui/dist"));
    Ok([beside_target, built_from].into_iter().flatten().find(|dir| dir.join("index.html").is_file()))
}
