//! `squall serve`: the board in a browser. One workspace, shared by every
//! client: `POST /api` carries squall-api requests, `GET /ws` pushes what
//! changed, everything else is the built UI.

use std::io::Write;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use anyhow::{Context as _, bail};
use axum::Router;
use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::{DefaultBodyLimit, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use squall_api::{ErrorBody, ErrorKind, FolderWatch, Push, Request, Workspace};
use tokio::sync::broadcast;
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
}

/// What every request handler shares.
struct Shared {
    workspace: Mutex<Workspace>,
    token: String,
    pushes: broadcast::Sender<String>,
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
        if let Ok(text) = serde_json::to_string(push) {
            // No subscriber is not an error: nobody is watching.
            let _ = self.pushes.send(text);
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
    let root = crate::cmd::open::model_dir(&args.model);
    let shared = Arc::new(Shared {
        workspace: Mutex::new(workspace),
        token: token()?,
        pushes: broadcast::channel(64).0,
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
    shared.follow(&shared.workspace())?;

    let mut app = Router::new().route("/api", post(api)).route("/ws", get(ws));
    app = match &ui {
        Some(dir) => {
            app.fallback_service(ServeDir::new(dir).fallback(ServeFile::new(dir.join("index.html"))))
        }
        None => app.fallback(get(no_ui)),
    };
    // Pasting a large board is one request; the default 2 MB is too little.
    let app = app.layer(DefaultBodyLimit::max(64 << 20)).with_state(Arc::clone(&shared));

    let listener = tokio::net::TcpListener::bind(SocketAddr::new(args.bind, args.port))
        .await
        .with_context(|| format!("cannot listen on {}:{}", args.bind, args.port))?;
    let address = listener.local_addr().context("cannot read the address listened on")?;
    let mut out = std::io::stdout().lock();
    writeln!(out, "http://{address}/?token={}", shared.token).context("cannot write to stdout")?;
    out.flush().context("cannot write to stdout")?;
    drop(out);
    if ui.is_none() {
        tracing::warn!("the UI is not built (ui/dist); the page says how to build it");
    }
    eprintln!("Serving {}; Ctrl-C stops.", args.model.display());

    axum::serve(listener, app).with_graceful_shutdown(stopped()).await.context("the server failed")?;

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

#[derive(Debug, Deserialize)]
struct TokenQuery {
    token: Option<String>,
}

async fn api(
    State(shared): State<Arc<Shared>>,
    Query(query): Query<TokenQuery>,
    headers: HeaderMap,
    body: String,
) -> Response {
    if !authorized(&shared, query.token.as_deref(), &headers) {
        return unauthorized();
    }
    let request = match Request::from_json(&body).and_then(|r| confine(r, &shared.root)) {
        Ok(request) => request,
        Err(err) => return failure(&err),
    };
    let handled = tokio::task::spawn_blocking(move || {
        let mut workspace = shared.workspace();
        let before = fingerprint(&workspace);
        let result = workspace.handle(request);
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

/// What other clients must hear about: a new board content, a save, another file.
fn fingerprint(workspace: &Workspace) -> (u32, bool, Option<PathBuf>) {
    (workspace.revision(), workspace.is_dirty(), workspace.path().map(Path::to_owned))
}

async fn ws(
    State(shared): State<Arc<Shared>>,
    Query(query): Query<TokenQuery>,
    headers: HeaderMap,
    upgrade: WebSocketUpgrade,
) -> Response {
    if !authorized(&shared, query.token.as_deref(), &headers) {
        return unauthorized();
    }
    let pushes = shared.pushes.subscribe();
    upgrade.on_upgrade(move |socket| forward(socket, pushes))
}

/// Send every push to one client until it goes away.
async fn forward(mut socket: WebSocket, mut pushes: broadcast::Receiver<String>) {
    loop {
        tokio::select! {
            push = pushes.recv() => match push {
                Ok(text) => {
                    if socket.send(Message::Text(text.into())).await.is_err() {
                        break;
                    }
                }
                // A slow client misses pushes, not the latest state: it reloads on the next one.
                Err(broadcast::error::RecvError::Lagged(_)) => {}
                Err(broadcast::error::RecvError::Closed) => break,
            },
            incoming = socket.recv() => match incoming {
                Some(Ok(Message::Close(_)) | Err(_)) | None => break,
                Some(Ok(_)) => {}
            },
        }
    }
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

/// The token from the query or an `Authorization: Bearer` header, compared
/// in constant time.
fn authorized(shared: &Shared, query: Option<&str>, headers: &HeaderMap) -> bool {
    let bearer = headers
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.strip_prefix("Bearer "));
    let Some(given) = query.or(bearer) else { return false };
    let expected = shared.token.as_bytes();
    given.len() == expected.len()
        && given.bytes().zip(expected).fold(0u8, |differ, (a, b)| differ | (a ^ b)) == 0
}

fn unauthorized() -> Response {
    error(
        StatusCode::UNAUTHORIZED,
        "missing or wrong token: use the URL `squall serve` printed, or an `Authorization: Bearer` header"
            .into(),
    )
}

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

/// Keep the files a client opens or saves inside the model's folder: a
/// browser is not a shell, and with --share it is not even this machine.
fn confine(request: Request, root: &Path) -> Result<Request, squall_api::Error> {
    let inside = |path: String| {
        let given = Path::new(&path);
        // The state's own path (root/NAME.ron) comes back as it was given out.
        let relative = match given.strip_prefix(root) {
            Ok(rest) if root != Path::new(".") => rest,
            _ => given,
        };
        let plain = relative.components().all(|c| matches!(c, Component::Normal(_) | Component::CurDir));
        if !plain || relative.extension().is_none_or(|ext| ext != "ron") {
            return Err(squall_api::Error::BadRequest(format!(
                "`{path}`: files are opened and saved by a relative `.ron` path inside {}",
                root.display()
            )));
        }
        Ok(root.join(relative).display().to_string())
    };
    Ok(match request {
        Request::Open { path, discard } => Request::Open { path: inside(path)?, discard },
        Request::SaveAs { path } => Request::SaveAs { path: inside(path)? },
        other => other,
    })
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

/// 32 random bytes from the operating system, as hex.
fn token() -> anyhow::Result<String> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|err| anyhow::anyhow!("cannot make an access token: {err}"))?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}
