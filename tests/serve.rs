//! `squall serve` as a browser meets it: the printed URL and its token, the
//! API over HTTP, pushes over a WebSocket, the static UI. Every server runs
//! on a copy of the bank-account model, on loopback, and is killed at the end.

// The whole file is tests; its helpers may fail loudly like the tests do.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{BufRead, BufReader};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

const BANK_ACCOUNT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/models/bank_account.ron");
const TIMEOUT: Duration = Duration::from_secs(20);

fn squall() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_squall"));
    cmd.env("NO_COLOR", "1").env_remove("RUST_LOG");
    cmd
}

/// A running `squall serve` on a private copy of the bank-account model.
struct Server {
    child: Child,
    /// `http://127.0.0.1:PORT`
    base: String,
    token: String,
    /// The links for participants and viewers `squall serve` prints after the facilitator's.
    participant_token: String,
    viewer_token: String,
    model: PathBuf,
    _dir: tempfile::TempDir,
}

impl Server {
    fn start(extra: &[&str]) -> Server {
        let dir = tempfile::tempdir().unwrap();
        let model = dir.path().join("bank_account.ron");
        std::fs::copy(BANK_ACCOUNT, &model).unwrap();
        Server::start_on(dir, model, extra)
    }

    /// A server on `models/bank_account.ron` beside its `scripts/`, so the board runs.
    fn start_runnable() -> Server {
        let dir = tempfile::tempdir().unwrap();
        let scripts = dir.path().join("scripts/bank_account");
        std::fs::create_dir_all(&scripts).unwrap();
        std::fs::create_dir_all(dir.path().join("models")).unwrap();
        let model = dir.path().join("models/bank_account.ron");
        std::fs::copy(BANK_ACCOUNT, &model).unwrap();
        let examples = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/scripts/bank_account"));
        for entry in std::fs::read_dir(examples).unwrap() {
            let path = entry.unwrap().path();
            std::fs::copy(&path, scripts.join(path.file_name().unwrap())).unwrap();
        }
        Server::start_on(dir, model, &[])
    }

    fn start_on(dir: tempfile::TempDir, model: PathBuf, extra: &[&str]) -> Server {
        let mut child = squall()
            .arg("serve")
            .arg(&model)
            .args(extra)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            let mut lines = String::new();
            for _ in 0..3 {
                let _ = reader.read_line(&mut lines);
            }
            let _ = tx.send(lines);
        });
        let line = match rx.recv_timeout(TIMEOUT) {
            Ok(line) => line,
            Err(err) => {
                let _ = child.kill();
                panic!("squall serve printed no URL within {TIMEOUT:?}: {err}");
            }
        };
        let mut lines = line.lines();
        let url = lines.next().unwrap_or_default().trim();
        let (base, token) =
            url.split_once("/?token=").unwrap_or_else(|| panic!("not a URL with a token: {url}"));
        assert!(base.starts_with("http://127.0.0.1:"), "{url}");
        assert_eq!(token.len(), 64, "{url}");
        let mut link = |role: &str| {
            let line = lines.next().unwrap_or_default();
            let rest =
                line.strip_prefix(&format!("{role}: {base}/?token=")).unwrap_or_else(|| panic!("{line}"));
            rest.trim().to_owned()
        };
        let (participant_token, viewer_token) = (link("participants"), link("viewers"));
        Server {
            child,
            base: base.to_owned(),
            token: token.to_owned(),
            participant_token,
            viewer_token,
            model,
            _dir: dir,
        }
    }

    fn agent() -> ureq::Agent {
        ureq::Agent::config_builder()
            .timeout_global(Some(TIMEOUT))
            .http_status_as_error(false)
            // Loopback only: no proxy from the environment.
            .proxy(None)
            .build()
            .into()
    }

    /// POST /api with `body`, authorised by the token in the query.
    fn post(&self, body: &str) -> (u16, Value) {
        self.post_to(&format!("{}/api?token={}", self.base, self.token), body)
    }

    /// POST /api as a participant (`X-Squall-Participant`) with one of the role tokens.
    fn post_as(&self, token: &str, participant: &str, body: &Value) -> (u16, Value) {
        let url = format!("{}/api?token={token}", self.base);
        let mut response = Self::agent()
            .post(url)
            .header("Content-Type", "application/json")
            .header("X-Squall-Participant", participant)
            .send(body.to_string())
            .unwrap();
        let status = response.status().as_u16();
        let text = response.body_mut().read_to_string().unwrap();
        (status, serde_json::from_str(&text).unwrap_or_else(|err| panic!("not JSON ({err}): {text}")))
    }

    fn post_to(&self, url: &str, body: &str) -> (u16, Value) {
        let mut response =
            Self::agent().post(url).header("Content-Type", "application/json").send(body).unwrap();
        let status = response.status().as_u16();
        let text = response.body_mut().read_to_string().unwrap();
        (status, serde_json::from_str(&text).unwrap_or_else(|err| panic!("not JSON ({err}): {text}")))
    }

    fn request(&self, request: &Value) -> Value {
        let (status, body) = self.post(&request.to_string());
        assert_eq!(status, 200, "{request}: {body}");
        body
    }

    fn state(&self) -> Value {
        self.request(&json!({"type": "get_state"}))["state"].clone()
    }

    fn get(&self, path: &str) -> (u16, String) {
        let mut response = Self::agent().get(format!("{}{path}", self.base)).call().unwrap();
        (response.status().as_u16(), response.body_mut().read_to_string().unwrap())
    }

    fn websocket(&self) -> tungstenite::WebSocket<TcpStream> {
        self.websocket_with(&self.token)
    }

    fn websocket_with(&self, token: &str) -> tungstenite::WebSocket<TcpStream> {
        let address = self.base.trim_start_matches("http://");
        let stream = TcpStream::connect(address).unwrap();
        stream.set_read_timeout(Some(TIMEOUT)).unwrap();
        let url = format!("ws://{address}/ws?token={token}");
        let (socket, _) = tungstenite::client(url, stream).unwrap();
        socket
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The next text message, as JSON, skipping pings.
fn next_push(socket: &mut tungstenite::WebSocket<TcpStream>) -> Value {
    loop {
        match socket.read().unwrap() {
            tungstenite::Message::Text(text) => return serde_json::from_str(text.as_str()).unwrap(),
            tungstenite::Message::Close(frame) => panic!("the server closed the socket: {frame:?}"),
            _ => {}
        }
    }
}

/// The next push of `kind`, within the timeout.
fn push_of(socket: &mut tungstenite::WebSocket<TcpStream>, kind: &str) -> Value {
    let started = Instant::now();
    loop {
        let push = next_push(socket);
        if push["type"] == kind {
            return push;
        }
        assert!(started.elapsed() < TIMEOUT, "no `{kind}` push within {TIMEOUT:?}");
    }
}

// ---- the token ----

#[test]
fn given_a_server_when_the_api_is_called_without_the_token_then_it_is_401_and_with_it_200() {
    let server = Server::start(&[]);
    let get_state = r#"{"type": "get_state"}"#;

    let (none, body) = server.post_to(&format!("{}/api", server.base), get_state);
    let (wrong, _) = server.post_to(&format!("{}/api?token=not-the-token", server.base), get_state);
    let (right, _) = server.post(get_state);
    let mut bearer = Server::agent()
        .post(format!("{}/api", server.base))
        .header("Authorization", &format!("Bearer {}", server.token))
        .send(get_state)
        .unwrap();

    assert_eq!((none, wrong, right, bearer.status().as_u16()), (401, 401, 200, 200));
    assert!(body["error"].as_str().unwrap().starts_with("missing or wrong token"), "{body}");
    assert!(bearer.body_mut().read_to_string().unwrap().contains("\"type\":\"state\""));
}

// ---- the API ----

#[test]
fn given_the_bank_account_when_its_state_is_asked_then_all_17_elements_come_back_clean() {
    let server = Server::start(&[]);

    let state = server.state();

    assert_eq!(state["board"]["elements"].as_array().unwrap().len(), 17);
    assert_eq!(state["board"]["name"], "Bank account");
    assert_eq!(state["path"], server.model.display().to_string());
    assert_eq!((state["dirty"].clone(), state["can_undo"].clone()), (json!(false), json!(false)));
    assert!(state["lint"]["diagnostics"].is_array());
}

#[test]
fn given_an_event_and_a_command_when_connected_over_http_then_it_is_refused_with_the_reason_and_nothing_changes()
 {
    let server = Server::start(&[]);
    let before = server.state();

    let (status, body) = server.post(
        &json!({"type": "edit", "op": {"type": "connect", "from": "evt-money-deposited", "to": "cmd-withdraw-money"}})
            .to_string(),
    );

    assert_eq!(status, 422, "{body}");
    assert!(
        body["error"]
            .as_str()
            .unwrap()
            .ends_with("an event cannot trigger a command directly; put a policy between them"),
        "{body}"
    );
    assert_eq!(server.state(), before);
}

#[test]
fn given_malformed_bodies_then_each_is_400_with_a_clear_message_and_the_state_is_unchanged() {
    let server = Server::start(&[]);
    let before = server.state();

    for (body, says) in [
        ("{\"type\": \"get_state\"", "EOF while parsing"),
        ("{\"type\": \"teleport\"}", "unknown variant `teleport`"),
        ("{\"type\": \"edit\", \"op\": {\"type\": \"move_elements\"}}", "missing field `moves`"),
        ("{\"type\": \"save_as\", \"path\": \"../../elsewhere.ron\"}", "inside"),
    ] {
        let (status, answer) = server.post(body);
        assert_eq!(status, 400, "{body}: {answer}");
        let message = answer["error"].as_str().unwrap();
        assert!(message.starts_with("bad request: ") && message.contains(says), "{body}: {message}");
    }
    assert_eq!(server.state(), before);
}

#[test]
fn given_an_edit_when_saved_over_http_then_the_file_is_what_squall_fmt_writes() {
    let server = Server::start(&[]);
    let edited = server.request(&json!({"type": "edit", "op": {
        "type": "move_elements", "moves": [{"id": "actor-owner", "position": {"x": 41.6, "y": 260.2}}]
    }}));
    assert_eq!(edited["state"]["dirty"], true);

    let saved = server.request(&json!({"type": "save"}));

    assert_eq!(saved["state"]["dirty"], false);
    let written = std::fs::read_to_string(&server.model).unwrap();
    assert!(written.contains("position: (x: 42.0, y: 260.0)"), "{written}");
    // `squall fmt --check` exits 0 only if it would write exactly these bytes.
    let fmt = squall().args(["fmt", "--check"]).arg(&server.model).output().unwrap();
    assert_eq!(fmt.status.code(), Some(0), "{}", String::from_utf8_lossy(&fmt.stdout));
    let formatted = server.model.with_file_name("formatted.ron");
    std::fs::copy(&server.model, &formatted).unwrap();
    squall().arg("fmt").arg(&formatted).status().unwrap();
    assert_eq!(std::fs::read_to_string(&formatted).unwrap(), written);
}

// ---- pushes ----

#[test]
fn given_two_clients_when_one_edits_then_the_other_hears_the_new_state_over_the_websocket() {
    let server = Server::start(&[]);
    let mut watcher = server.websocket();

    let edited = server.request(&json!({"type": "edit", "op": {"type": "rename_board", "name": "Savings"}}));

    let push = push_of(&mut watcher, "changed");
    assert_eq!(push["state"]["board"]["name"], "Savings");
    assert_eq!(push["state"]["revision"], edited["state"]["revision"]);
    assert_eq!(push["state"]["dirty"], true);
}

#[test]
fn given_two_clients_when_one_runs_the_board_then_the_other_hears_each_request_with_its_traces() {
    let server = Server::start_runnable();
    let mut watcher = server.websocket();
    let open = json!({"type": "run", "request": {"type": "submit", "command": "cmd-open-account",
        "data": {"account_id": "acc-1", "owner": "Alice"}}});
    let deposit = json!({"type": "run", "request": {"type": "submit", "command": "cmd-deposit-money",
        "data": {"account_id": "acc-1", "amount": 1000}}});
    let quiet = json!({"type": "run", "request": {"type": "run_until_quiet"}});

    server.request(&open);
    let submitted = push_of(&mut watcher, "run");
    server.request(&quiet);
    push_of(&mut watcher, "run");
    server.request(&deposit);
    push_of(&mut watcher, "run");
    let answer = server.request(&quiet);
    let ran = push_of(&mut watcher, "run");

    assert_eq!(submitted["status"]["pending"], 1);
    assert_eq!(submitted["traces"], json!([]));
    let events: Vec<&str> = ran["traces"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|t| t["events"].as_array().unwrap())
        .map(|e| e["name"].as_str().unwrap())
        .collect();
    assert_eq!(events, ["MoneyDeposited", "ThankYouEmailSent"], "no bonus account is open");
    assert_eq!(ran["status"]["head"], 3);
    assert_eq!(ran["traces"], answer["answer"]["traces"]);
}

#[test]
fn given_a_client_when_the_file_changes_on_disk_then_it_hears_file_changed() {
    let server = Server::start(&[]);
    let mut watcher = server.websocket();
    // Let the watch settle before writing, so the write is seen.
    std::thread::sleep(Duration::from_millis(200));

    let text = std::fs::read_to_string(&server.model).unwrap();
    std::fs::write(&server.model, text.replace("name: \"Bank account\"", "name: \"Edited elsewhere\""))
        .unwrap();

    let push = push_of(&mut watcher, "file_changed");
    assert_eq!(push["path"], server.model.display().to_string());
    let status = server.request(&json!({"type": "check_file"}));
    assert_eq!(status, json!({"type": "file_status", "changed": true}));
}

#[test]
fn given_no_token_when_a_websocket_is_opened_then_it_is_refused() {
    let server = Server::start(&[]);
    let address = server.base.trim_start_matches("http://");
    let stream = TcpStream::connect(address).unwrap();
    stream.set_read_timeout(Some(TIMEOUT)).unwrap();

    let err = tungstenite::client(format!("ws://{address}/ws"), stream).unwrap_err();

    match err {
        tungstenite::HandshakeError::Failure(tungstenite::Error::Http(response)) => {
            assert_eq!(response.status().as_u16(), 401);
        }
        other => panic!("expected a 401, got {other:?}"),
    }
}

// ---- the UI ----

#[test]
fn given_a_built_ui_when_pages_are_asked_with_the_token_then_its_files_are_served_and_unknown_routes_get_its_index()
 {
    let ui = tempfile::tempdir().unwrap();
    std::fs::write(ui.path().join("index.html"), "<html>the squall board</html>").unwrap();
    std::fs::write(ui.path().join("app.js"), "console.log('board')").unwrap();
    let server = Server::start(&["--ui", ui.path().to_str().unwrap()]);
    let token = format!("?token={}", server.token);

    assert_eq!(server.get(&format!("/{token}")), (200, "<html>the squall board</html>".to_owned()));
    assert_eq!(server.get(&format!("/app.js{token}")), (200, "console.log('board')".to_owned()));
    assert_eq!(
        server.get(&format!("/boards/bank{token}")),
        (200, "<html>the squall board</html>".to_owned())
    );
}

#[test]
fn given_a_page_loaded_with_the_token_then_its_files_come_with_the_cookie_it_got_and_not_without() {
    // Regression (issue 11, item 15): the UI's files were served to anyone.
    let ui = tempfile::tempdir().unwrap();
    std::fs::write(ui.path().join("index.html"), "<html>the squall board</html>").unwrap();
    std::fs::write(ui.path().join("app.js"), "console.log('board')").unwrap();
    let server = Server::start(&["--ui", ui.path().to_str().unwrap()]);

    let (anonymous, message) = server.get("/app.js");
    let page = Server::agent().get(format!("{}/?token={}", server.base, server.token)).call().unwrap();
    let cookie = page.headers().get("set-cookie").unwrap().to_str().unwrap().to_owned();
    let pair = cookie.split(';').next().unwrap().to_owned();
    let mut script =
        Server::agent().get(format!("{}/app.js", server.base)).header("Cookie", &pair).call().unwrap();

    assert_eq!(anonymous, 401);
    assert!(message.contains("open the URL `squall serve` printed"), "{message}");
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"), "{cookie}");
    assert_eq!(script.status().as_u16(), 200);
    assert_eq!(script.body_mut().read_to_string().unwrap(), "console.log('board')");
    // The cookie opens the files, not the API.
    let mut api = Server::agent()
        .post(format!("{}/api", server.base))
        .header("Cookie", &pair)
        .send(r#"{"type": "get_state"}"#)
        .unwrap();
    assert_eq!(api.status().as_u16(), 401, "{}", api.body_mut().read_to_string().unwrap());
}

// ---- hostile clients ----

/// A raw connection to the server, for clients no HTTP library would be.
fn raw(server: &Server) -> TcpStream {
    let stream = TcpStream::connect(server.base.trim_start_matches("http://")).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    stream
}

/// What the server sends until it closes the connection; an error when it keeps it open past the read timeout.
fn read_until_closed(stream: &mut TcpStream) -> std::io::Result<String> {
    use std::io::Read as _;
    let mut text = Vec::new();
    stream.read_to_end(&mut text)?;
    Ok(String::from_utf8_lossy(&text).into_owned())
}

#[test]
fn given_a_large_body_without_the_token_then_it_is_refused_before_the_body_is_read() {
    // Regression (issue 11, item 15): 64 MB bodies were read before the token was checked.
    use std::io::Write as _;
    let server = Server::start(&[]);
    let mut stream = raw(&server);

    stream
        .write_all(b"POST /api HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 60000000\r\n\r\n{")
        .unwrap();
    let started = Instant::now();
    let mut head = [0u8; 12];
    std::io::Read::read_exact(&mut stream, &mut head).unwrap();

    assert_eq!(&head, b"HTTP/1.1 401");
    assert!(started.elapsed() < Duration::from_secs(5), "answered only after {:?}", started.elapsed());
}

#[test]
fn given_connections_that_say_nothing_or_half_a_request_then_the_server_closes_them_after_the_head_timeout() {
    // Regression (issue 11, item 15): half-open connections were kept forever,
    // until the server ran out of file descriptors.
    use std::io::Write as _;
    let server = Server::start(&["--head-timeout", "1"]);
    let mut silent = raw(&server);
    let mut halting = raw(&server);
    halting.write_all(b"GET / HTTP/1.1\r\nHost: x\r\n").unwrap();
    let started = Instant::now();

    let silent_end = read_until_closed(&mut silent);
    let halting_end = read_until_closed(&mut halting);

    assert!(silent_end.is_ok(), "the silent connection was kept open: {silent_end:?}");
    assert!(halting_end.is_ok(), "the half request was kept open: {halting_end:?}");
    assert!(started.elapsed() < Duration::from_secs(5), "closed only after {:?}", started.elapsed());
    // The server still serves others.
    assert_eq!(server.state()["board"]["name"], "Bank account");
}

#[test]
fn given_script_paths_outside_the_project_when_set_over_http_then_they_are_refused_without_a_word_about_the_file()
 {
    // Regression (issue 11, item 15): the lint told whether /etc/shadow exists.
    let server = Server::start_runnable();
    for script in ["/etc/shadow", "../../../../../etc/shadow", "../../../../../etc/hostname.rhai"] {
        let request = json!({"type": "edit", "op": {"type": "update_element", "id": "agg-bank-account", "patch": {"script": script}}});
        let (status, body) = server.post(&request.to_string());
        assert_eq!(status, 400, "{script}: {body}");
        assert!(
            body["error"].as_str().unwrap().contains("scripts are `.rhai` files named relative to the model"),
            "{body}"
        );
    }
    let fine = json!({"type": "edit", "op": {"type": "update_element", "id": "agg-bank-account", "patch": {"script": "../scripts/bank_account/other.rhai"}}});
    assert_eq!(server.post(&fine.to_string()).0, 200);
}

#[test]
fn given_a_ui_folder_without_an_index_then_serve_refuses_to_start() {
    let empty = tempfile::tempdir().unwrap();
    let output = squall().args(["serve", BANK_ACCOUNT, "--ui"]).arg(empty.path()).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("no index.html"));
}

// ---- binding ----

#[test]
fn given_a_non_loopback_address_without_share_then_serve_refuses_with_exit_2() {
    let output = squall().args(["serve", BANK_ACCOUNT, "--bind", "0.0.0.0"]).output().unwrap();

    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("refusing to serve on 0.0.0.0") && stderr.contains("--share"), "{stderr}");
    assert!(output.stdout.is_empty(), "no URL may be printed");
}

#[test]
fn given_a_missing_model_then_serve_exits_2_naming_it() {
    let output = squall().args(["serve", "models/no_such_model.ron"]).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("no_such_model.ron"));
}

/// Issue 13: the link someone opens decides their role; each participant
/// undoes their own edits; everyone sees who is here and where they point.
#[test]
fn given_a_workshop_when_people_join_by_their_links_then_roles_undo_and_presence_hold() {
    let server = Server::start(&[]);
    let add = |name: &str| json!({"type": "edit", "op": {"type": "add_element", "kind": "Event", "name": name, "position": {"x": 10.0, "y": 900.0}}});

    let (status, refused) = server.post_as(&server.viewer_token, "p9", &add("ZzByViewer"));
    assert_eq!(
        (status, refused["error"].as_str()),
        (422, Some("viewers watch the board; they cannot change it"))
    );
    assert_eq!(server.post_as(&server.token, "p1", &add("ZzByAnn")).0, 200);
    assert_eq!(server.post_as(&server.participant_token, "p2", &add("ZzByBob")).0, 200);
    let (status, undone) = server.post_as(&server.token, "p1", &json!({"type": "undo"}));
    assert_eq!(status, 200);
    let names: Vec<&str> = undone["state"]["board"]["elements"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["name"].as_str())
        .filter(|n| n.starts_with("Zz"))
        .collect();
    assert_eq!(names, ["ZzByBob"], "Ann's undo took back Ann's sticky only");

    let mut bob = server.websocket_with(&server.participant_token);
    bob.send(tungstenite::Message::text(r##"{"type": "join", "name": "Bob", "colour": "#00aa00"}"##))
        .unwrap();
    let joined = push_of(&mut bob, "joined");
    assert_eq!(joined["participant"]["role"], "participant");
    let mut viewer = server.websocket_with(&server.viewer_token);
    viewer
        .send(tungstenite::Message::text(r##"{"type": "join", "name": "Vic", "colour": "#123"}"##))
        .unwrap();
    push_of(&mut viewer, "joined");
    bob.send(tungstenite::Message::text(
        r#"{"type": "update", "cursor": {"x": 120.0, "y": 80.0}, "selection": ["cmd-deposit-money"]}"#,
    ))
    .unwrap();

    let started = Instant::now();
    let bob_seen = loop {
        let presence = push_of(&mut viewer, "presence");
        let bob = presence["participants"].as_array().unwrap().iter().find(|p| p["name"] == "Bob").cloned();
        if let Some(bob) = bob.filter(|b| !b["cursor"].is_null()) {
            break bob;
        }
        assert!(started.elapsed() < TIMEOUT, "the viewer never saw Bob's pointer");
    };
    assert_eq!(bob_seen["cursor"], json!({"x": 120.0, "y": 80.0}));
    assert_eq!(bob_seen["selection"], json!(["cmd-deposit-money"]));

    drop(bob);
    let started = Instant::now();
    loop {
        let presence = push_of(&mut viewer, "presence");
        if presence["participants"].as_array().unwrap().iter().all(|p| p["name"] != "Bob") {
            break;
        }
        assert!(started.elapsed() < TIMEOUT, "Bob never left");
    }
}

#[test]
fn given_a_participant_watching_when_the_facilitator_locks_the_board_then_they_hear_it_at_once() {
    let server = Server::start(&[]);
    let mut bob = server.websocket_with(&server.participant_token);

    let (status, _) = server.post_as(&server.token, "p1", &json!({"type": "lock", "locked": true}));

    assert_eq!(status, 200);
    assert_eq!(push_of(&mut bob, "changed")["state"]["locked"], true);
    server.post_as(&server.token, "p1", &json!({"type": "lock", "locked": false}));
    assert_eq!(push_of(&mut bob, "changed")["state"]["locked"], false);
}
