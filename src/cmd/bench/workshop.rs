//! `squall bench workshop`: many people editing one served board at once.
//!
//! Starts `squall serve` on a copy of the bank account and lets scripted
//! participants in, each with its own WebSocket (joined, moving its pointer
//! ten times a second) and its own edits: it adds a sticky, then renames and
//! moves it over and over, thinking a little between edits. It measures the
//! edit round trip (request sent to answer received, the board as the
//! editor then sees it) and how long the others take to hear of it, then
//! checks that nothing was lost and that every client ended on the server's
//! board.

use std::collections::HashMap;
use std::io::{BufRead as _, BufReader};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Barrier, Mutex};
use std::time::{Duration, Instant};

use anyhow::{Context as _, bail};
use serde_json::{Value, json};

use crate::Outcome;

/// The p50 and p99 the issue asks of an edit's round trip.
const TARGET_P50: Duration = Duration::from_millis(50);
const TARGET_P99: Duration = Duration::from_millis(250);

/// Measure edits by many participants on one served board.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:\n  \
    cargo run --release -- bench workshop\n  \
    squall bench workshop --participants 20 --edits 20")]
pub struct WorkshopArgs {
    /// Participants editing at once.
    #[arg(long, default_value_t = 50, value_name = "N")]
    pub participants: usize,

    /// Edits each participant makes.
    #[arg(long, default_value_t = 30, value_name = "N")]
    pub edits: usize,

    /// Milliseconds a participant thinks between edits (on average).
    #[arg(long, default_value_t = 500, value_name = "MS")]
    pub think: u64,
}

/// What one participant saw.
struct Seen {
    /// Request sent to answer received, per edit, and the revision it made.
    edits: Vec<(Duration, u32, Instant)>,
    /// When each board revision reached this participant's WebSocket.
    heard: HashMap<u32, Instant>,
    /// The last revision it heard of.
    last: u32,
    /// Its sticky, and the name and position it last gave it.
    sticky: String,
    name: String,
    x: f64,
}

pub fn run(args: &WorkshopArgs) -> anyhow::Result<Outcome> {
    if args.participants == 0 || args.edits == 0 {
        bail!("--participants and --edits must be at least 1");
    }
    let dir = tempfile::tempdir().context("cannot make a temporary folder")?;
    let model = dir.path().join("bank_account.ron");
    std::fs::write(&model, squall_model::to_ron(&bank_account()?)?).context("cannot write the model")?;
    let mut server = Server::start(&model)?;
    println!(
        "{} participants, {} edits each, about {} ms apart, on the bank account served at {}",
        args.participants, args.edits, args.think, server.base
    );

    // Everyone starts editing together, and listens on until everyone is done.
    let start = Arc::new(Barrier::new(args.participants));
    let done = Arc::new(Barrier::new(args.participants));
    let threads: Vec<_> = (0..args.participants)
        .map(|i| {
            let (base, token) = (server.base.clone(), server.token.clone());
            let together = (Arc::clone(&start), Arc::clone(&done));
            let (edits, think) = (args.edits, args.think);
            std::thread::spawn(move || participant(i, &base, &token, (edits, think), &together))
        })
        .collect();
    let mut seen = Vec::new();
    for thread in threads {
        match thread.join() {
            Ok(result) => seen.push(result?),
            Err(_) => bail!("a participant's thread panicked"),
        }
    }
    let final_state = server.post(&server.token, "local", &json!({"type": "get_state"}))?;
    let outcome = report(&seen, &final_state["state"])?;
    server.stop();
    Ok(outcome)
}

fn report(seen: &[Seen], state: &Value) -> anyhow::Result<Outcome> {
    let mut round_trips: Vec<Duration> = seen.iter().flat_map(|s| s.edits.iter().map(|e| e.0)).collect();
    // From sending an edit to each other participant hearing of it.
    let mut spread: Vec<Duration> = Vec::new();
    for (i, mine) in seen.iter().enumerate() {
        for &(took, revision, answered) in &mine.edits {
            let sent = answered - took;
            for (j, other) in seen.iter().enumerate() {
                if i != j
                    && let Some(&heard) = other.heard.get(&revision)
                {
                    spread.push(heard.saturating_duration_since(sent));
                }
            }
        }
    }
    round_trips.sort_unstable();
    spread.sort_unstable();
    let revision = state["revision"].as_u64().unwrap_or_default();
    let converged = seen.iter().filter(|s| u64::from(s.last) == revision).count();
    let lost: Vec<String> = seen
        .iter()
        .filter(|s| {
            let on_board = state["board"]["elements"]
                .as_array()
                .and_then(|all| all.iter().find(|e| e["id"].as_str() == Some(s.sticky.as_str())));
            on_board.is_none_or(|e| e["name"] != s.name.as_str() || e["position"]["x"].as_f64() != Some(s.x))
        })
        .map(|s| s.sticky.clone())
        .collect();
    let heard_share = spread.len() as f64 / (round_trips.len() * (seen.len().max(2) - 1)) as f64;

    let p = |list: &[Duration], q: f64| -> Duration {
        list.get(((list.len() as f64 - 1.0) * q).round() as usize).copied().unwrap_or_default()
    };
    let ms = |d: Duration| format!("{:.1} ms", d.as_secs_f64() * 1000.0);
    println!("edits: {}", round_trips.len());
    println!(
        "edit round trip: p50 {}, p95 {}, p99 {}, max {}",
        ms(p(&round_trips, 0.5)),
        ms(p(&round_trips, 0.95)),
        ms(p(&round_trips, 0.99)),
        ms(p(&round_trips, 1.0))
    );
    println!(
        "heard by the others: p50 {}, p95 {}, p99 {}, max {} ({:.1} % of pushes heard; the rest were superseded)",
        ms(p(&spread, 0.5)),
        ms(p(&spread, 0.95)),
        ms(p(&spread, 0.99)),
        ms(p(&spread, 1.0)),
        heard_share * 100.0
    );
    println!("converged: {converged} of {} clients ended on the server's revision {revision}", seen.len());
    println!("lost edits: {}", if lost.is_empty() { "none".to_owned() } else { lost.join(", ") });
    let p50_ok = p(&round_trips, 0.5) <= TARGET_P50;
    let p99_ok = p(&round_trips, 0.99) <= TARGET_P99;
    println!(
        "target: p50 under {} ({}), p99 under {} ({})",
        ms(TARGET_P50),
        if p50_ok { "met" } else { "missed" },
        ms(TARGET_P99),
        if p99_ok { "met" } else { "missed" }
    );
    if !lost.is_empty() || converged != seen.len() {
        bail!("the clients did not converge on the server's board");
    }
    Ok(Outcome::Fine)
}

/// What a participant's socket heard: when each revision arrived, the last
/// one, and the id it joined as.
type Heard = (HashMap<u32, Instant>, u32, Option<String>);

/// One scripted participant: joins, adds its sticky, then edits it.
fn participant(
    i: usize,
    base: &str,
    token: &str,
    (edits, think): (usize, u64),
    (start, done): &(Arc<Barrier>, Arc<Barrier>),
) -> anyhow::Result<Seen> {
    let heard: Arc<Mutex<Heard>> = Arc::default();
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let socket = {
        let (base, token, heard, stop) =
            (base.to_owned(), token.to_owned(), Arc::clone(&heard), Arc::clone(&stop));
        std::thread::spawn(move || listen(i, &base, &token, &heard, &stop))
    };
    // Wait until joined: edits carry the participant's id.
    let started = Instant::now();
    let id = loop {
        if let Some(id) = heard.lock().map_err(|_| anyhow::anyhow!("poisoned"))?.2.clone() {
            break id;
        }
        if started.elapsed() > Duration::from_secs(20) {
            bail!("participant {i} was not let in within 20 s");
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let server = Client { base: base.to_owned() };
    start.wait();
    let mut rng = fastrand::Rng::with_seed(i as u64);
    let y = 1000.0 + 120.0 * i as f64;
    let added = server.post(
        token,
        &id,
        &json!({"type": "edit", "op": {"type": "add_element", "kind": "Event", "name": format!("Zz{i}Edited0"), "position": {"x": 0.0, "y": y}}}),
    )?;
    let sticky = added["created"][0].as_str().context("the add created nothing")?.to_owned();
    let mut seen_edits = Vec::with_capacity(edits);
    let (mut name, mut x) = (format!("Zz{i}Edited0"), 0.0);
    for n in 1..=edits {
        std::thread::sleep(Duration::from_millis(rng.u64(think / 2..=think + think / 2)));
        let op = if n % 2 == 0 {
            x = (n * 10) as f64;
            json!({"type": "move_elements", "moves": [{"id": sticky, "position": {"x": x, "y": y}}]})
        } else {
            name = format!("Zz{i}Edited{n}");
            json!({"type": "update_element", "id": sticky, "patch": {"name": name}})
        };
        let sent = Instant::now();
        let answer = server.post(token, &id, &json!({"type": "edit", "op": op}))?;
        let took = sent.elapsed();
        let revision = answer["state"]["revision"].as_u64().context("an edit answered no revision")?;
        seen_edits.push((took, u32::try_from(revision)?, Instant::now()));
    }
    // Let the last pushes arrive before the socket closes.
    done.wait();
    std::thread::sleep(Duration::from_millis(1500));
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    socket.join().map_err(|_| anyhow::anyhow!("a socket thread panicked"))??;
    let (heard, last, _) = std::mem::take(&mut *heard.lock().map_err(|_| anyhow::anyhow!("poisoned"))?);
    Ok(Seen { edits: seen_edits, heard, last, sticky, name, x })
}

/// The participant's WebSocket: joins, moves its pointer ten times a
/// second, and notes when it hears of each board revision.
fn listen(
    i: usize,
    base: &str,
    token: &str,
    heard: &Mutex<Heard>,
    stop: &std::sync::atomic::AtomicBool,
) -> anyhow::Result<()> {
    let address = base.trim_start_matches("http://");
    let stream = TcpStream::connect(address).context("cannot reach the server")?;
    // Patient while the server lets fifty people in, then short reads so the pointer keeps moving.
    stream.set_read_timeout(Some(Duration::from_secs(20)))?;
    let (mut socket, _) = tungstenite::client(format!("ws://{address}/ws?token={token}"), stream)
        .map_err(|e| anyhow::anyhow!("cannot open the WebSocket: {e}"))?;
    socket.get_ref().set_read_timeout(Some(Duration::from_millis(20)))?;
    let join = json!({"type": "join", "name": format!("Bot {i}"), "colour": "#3366cc"});
    socket.send(tungstenite::Message::text(join.to_string()))?;
    let mut pointer = Instant::now();
    let mut step = 0.0;
    while !stop.load(std::sync::atomic::Ordering::Relaxed) {
        match socket.read() {
            Ok(tungstenite::Message::Text(text)) => {
                let now = Instant::now();
                let text = text.as_str();
                let mut seen = heard.lock().map_err(|_| anyhow::anyhow!("poisoned"))?;
                if text.starts_with(r#"{"type":"changed""#) {
                    if let Some(revision) = revision_in(text) {
                        seen.0.entry(revision).or_insert(now);
                        seen.1 = revision;
                    }
                } else if text.starts_with(r#"{"type":"joined""#) {
                    let push: Value = serde_json::from_str(text)?;
                    seen.2 = push["participant"]["id"].as_str().map(str::to_owned);
                }
            }
            Ok(_) => {}
            Err(tungstenite::Error::Io(e))
                if matches!(e.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut) => {}
            Err(e) => bail!("participant {i}'s WebSocket failed: {e}"),
        }
        if pointer.elapsed() >= Duration::from_millis(100) {
            pointer = Instant::now();
            step += 1.0;
            let update = json!({"type": "update", "cursor": {"x": 100.0 + step, "y": 100.0 + i as f64}});
            socket.send(tungstenite::Message::text(update.to_string()))?;
        }
    }
    let _ = socket.close(None);
    Ok(())
}

/// The board's revision in a `changed` push, found without parsing the board.
fn revision_in(text: &str) -> Option<u32> {
    let at = text.rfind(r#""revision":"#)? + r#""revision":"#.len();
    text[at..].chars().take_while(char::is_ascii_digit).collect::<String>().parse().ok()
}

struct Client {
    base: String,
}

impl Client {
    fn post(&self, token: &str, participant: &str, body: &Value) -> anyhow::Result<Value> {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .timeout_global(Some(Duration::from_secs(30)))
            .proxy(None)
            .build()
            .into();
        let mut response = agent
            .post(format!("{}/api?token={token}", self.base))
            .header("Content-Type", "application/json")
            .header("X-Squall-Participant", participant)
            .send(body.to_string())
            .context("an edit failed")?;
        let text = response.body_mut().read_to_string()?;
        serde_json::from_str(&text).context("the server answered something other than JSON")
    }
}

/// `squall serve` on the model, as a child process.
struct Server {
    child: Child,
    base: String,
    /// The participants' link's token.
    token: String,
    client: Client,
}

impl Server {
    fn start(model: &std::path::Path) -> anyhow::Result<Server> {
        let exe = std::env::current_exe().context("cannot find the squall binary")?;
        let mut child = Command::new(exe)
            .arg("serve")
            .arg(model)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .context("cannot start squall serve")?;
        let stdout = child.stdout.take().context("squall serve has no stdout")?;
        let mut lines = BufReader::new(stdout).lines();
        let _facilitator = lines.next().context("squall serve printed nothing")??;
        let participants = lines.next().context("squall serve printed no participants' link")??;
        let link = participants.strip_prefix("participants: ").context("an unexpected participants' line")?;
        let (base, token) = link.split_once("/?token=").context("a link without a token")?;
        Ok(Server {
            child,
            base: base.to_owned(),
            token: token.to_owned(),
            client: Client { base: base.to_owned() },
        })
    }

    fn post(&self, token: &str, participant: &str, body: &Value) -> anyhow::Result<Value> {
        self.client.post(token, participant, body)
    }

    fn stop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop();
    }
}

/// The bank-account example, as `squall new --template bank-account` makes it.
fn bank_account() -> anyhow::Result<squall_model::Board> {
    crate::cmd::new::bank_account_board("bank_account")
}
