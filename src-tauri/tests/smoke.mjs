// Smoke test of the desktop app through WebDriver (tauri-driver in front of
// WebKitWebDriver). Needs an X display (run it under xvfb-run; `./dev test`
// does) and no npm packages: WebDriver is plain HTTP.
//
//   xvfb-run -a node src-tauri/tests/smoke.mjs --app target/debug/squall-desktop --squall target/debug/squall
//
// Given a fresh config folder and a copy of models/ and scripts/ as the
// current folder (a first start):
// - the window opens on bank_account.ron, titled so;
// - an event added through the board UI (pointer, E, a name, Enter) and
//   connected through the `api` command shows up in `squall:push` events and marks the title dirty;
// - File ▸ Save's shortcut, pressed on the X display, clears the mark and
//   writes the file, which `squall check` accepts;
// - the SVG button opens the native save dialog (as File ▸ Export ▸ SVG…
//   does); Return saves the picture beside the model, and the page says where;
// - View ▸ Zoom In's shortcut reaches the page as a `squall:view` event;
// - in Run mode, a command submitted through the launcher is stepped: its
//   trace arrives as a `run` push, the event log and the event sticky show it,
//   and the store is kept in models/.squall/;
// - a script removed and the model written by another program arrive as
//   `lint_updated` and `file_changed` pushes;
// - the settings name the file as the last opened.
// Screenshots go to tests/output/: opened.png (the window as it opens, for
// the README), window.png (the web view, from WebDriver), run.png (the web view in Run mode), screen.png and screen-file-menu.png (the X display, with the
// native menu bar, and with the File menu open). The last line says
// "N passed, N failed".
//
// Needs on PATH: tauri-driver, WebKitWebDriver, xwininfo, xdotool, import
// (ImageMagick).

import { spawn, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const checkout = resolve(here, "../..");
const { values: options } = parseArgs({
  options: {
    app: { type: "string", default: resolve(checkout, "target/debug/squall-desktop") },
    squall: { type: "string", default: resolve(checkout, "target/debug/squall") },
    driver: { type: "string", default: "tauri-driver" },
    out: { type: "string", default: resolve(here, "output") },
    keep: { type: "boolean", default: false },
  },
});

const work = mkdtempSync(join(tmpdir(), "squall-smoke-"));
const model = join(work, "models/bank_account.ron");
let driver;
let session;
let failed = false;
let passed = 0;

function step(message) {
  console.log(`• ${message}`);
}

function check(condition, message) {
  if (!condition) throw new Error(`check failed: ${message}`);
  passed += 1;
  console.log(`  ok: ${message}`);
}

async function freePort() {
  return new Promise((done, fail) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => done(port));
    });
    server.on("error", fail);
  });
}

/** Remove the work folder. The web view's storage process writes there once more as it exits, so try again until it stays gone. */
async function removeWork() {
  for (let attempt = 0; attempt < 20; attempt++) {
    try {
      rmSync(work, { recursive: true, force: true });
      await sleep(500);
      if (!existsSync(work)) return;
    } catch {
      await sleep(250);
    }
  }
  console.log(`(could not remove ${work})`);
}

const sleep = (ms) => new Promise((done) => setTimeout(done, ms));

/** Poll `probe` until it returns something truthy, or fail after `ms`. */
async function until(what, probe, ms = 20000) {
  const deadline = Date.now() + ms;
  let last;
  while (Date.now() < deadline) {
    try {
      last = await probe();
      if (last) return last;
    } catch (err) {
      last = err;
    }
    await sleep(250);
  }
  throw new Error(`timed out waiting for ${what} (last: ${last})`);
}

let base;
async function webdriver(method, path, body) {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await response.json();
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${JSON.stringify(json.value ?? json)}`);
  return json.value;
}

/** Run `body` (a function body getting `done`) in the page and return what it passes to `done`. */
async function inPage(body, args = []) {
  const script = `const done = arguments[arguments.length - 1]; ${body}`;
  return webdriver("POST", `/session/${session}/execute/async`, { script, args });
}

/** Forward a request to the `api` command: {ok: response} or {error: message}. */
async function api(request) {
  return inPage(
    `window.__TAURI__.core.invoke("api", { request: arguments[0] })
       .then((ok) => done({ ok }), (error) => done({ error: String(error) }));`,
    [request],
  );
}

async function windowTitle() {
  return inPage(
    `window.__TAURI__.window.getCurrentWindow().title().then(done, (err) => done("error: " + err));`,
  );
}

/** Run an X tool; its output, or an error naming it. */
function x(tool, args) {
  const run = spawnSync(tool, args, { encoding: "utf8" });
  if (run.error || run.status !== 0) {
    throw new Error(`${tool} ${args.join(" ")}: ${run.error?.message ?? run.stderr.trim()}`);
  }
  return run.stdout;
}

/** Press keys on the app's window as a person would: real X key events, which GTK's menu shortcuts see. */
function press(keys) {
  x("xdotool", ["windowfocus", "--sync", appWindow()]);
  x("xdotool", ["key", "--clearmodifiers", keys]);
}

/** The X window of the app, found by its title. */
function appWindow() {
  return x("xdotool", ["search", "--onlyvisible", "--name", "Squall$"]).trim().split("\n")[0];
}

/**
 * Add an event named `name` as a person would in the board UI: the pointer
 * over an empty part of the board, E (the palette's key for events), the
 * name, Enter. Returns its id.
 */
async function addEvent(name) {
  const spot = await inPage(`const pane = document.querySelector(".react-flow__pane");
    if (!pane) return done(null);
    const r = pane.getBoundingClientRect();
    done({ x: Math.round(r.left + r.width * 0.4), y: Math.round(r.bottom - 60), width: innerWidth, height: innerHeight });`);
  if (!spot) throw new Error("the page shows no board (no .react-flow__pane): is ui/dist built?");
  // The web view fills the window below the menu bar: its origin on screen is the window's bottom-right corner less its size.
  const geometry = Object.fromEntries(x("xdotool", ["getwindowgeometry", "--shell", appWindow()])
    .trim().split("\n").map((line) => line.split("=")).map(([k, v]) => [k, Number(v)]));
  const screenX = geometry.X + geometry.WIDTH - spot.width + spot.x;
  const screenY = geometry.Y + geometry.HEIGHT - spot.height + spot.y;
  x("xdotool", ["mousemove", `${screenX}`, `${screenY}`]);
  press("e");
  // Type only once the sticky's name field has the focus: keys pressed before
  // it appears are shortcuts on the board (the page is slow under load).
  await until("the new sticky's name field", () =>
    inPage(`const e = document.activeElement; done(!!e && (e.tagName === "INPUT" || e.tagName === "TEXTAREA"));`));
  x("xdotool", ["type", "--delay", "30", name]);
  press("Return");
  const added = await until(`an event named ${name}`, async () => {
    const state = await api({ type: "get_state" });
    return state.ok?.state.board.elements.find((e) => e.name === name && e.kind === "Event");
  });
  check(added, `the UI added the event ${added.id} under the pointer and named it`);
  return added.id;
}

/** The WebDriver id of the first element matching `css`, waiting for it. */
async function element(css) {
  return until(`an element ${css}`, async () => {
    const found = await webdriver("POST", `/session/${session}/element`, { using: "css selector", value: css });
    return Object.values(found)[0];
  });
}

/** Click the element matching `css` through WebDriver, as a pointer would. */
async function click(css) {
  await webdriver("POST", `/session/${session}/element/${await element(css)}/click`, {});
}

/** Type `text` into the input matching `css`, replacing what it held. */
async function type(css, text) {
  const id = await element(css);
  await webdriver("POST", `/session/${session}/element/${id}/clear`, {});
  await webdriver("POST", `/session/${session}/element/${id}/value`, { text });
}

try {
  step(`a first start in ${work}, with a copy of models/ and scripts/`);
  cpSync(join(checkout, "models"), join(work, "models"), { recursive: true });
  cpSync(join(checkout, "scripts"), join(work, "scripts"), { recursive: true });
  const original = readFileSync(model, "utf8");
  // GTK's file dialog keeps its settings in memory: without a session bus, dconf warns on every change.
  const env = { ...process.env, XDG_CONFIG_HOME: join(work, "config"), XDG_DATA_HOME: join(work, "data"), GSETTINGS_BACKEND: "memory" };

  const [port, nativePort] = [await freePort(), await freePort()];
  base = `http://127.0.0.1:${port}`;
  driver = spawn(options.driver, ["--port", `${port}`, "--native-port", `${nativePort}`], {
    cwd: work,
    env,
    stdio: ["ignore", "inherit", "inherit"],
  });
  driver.on("error", (err) => console.error(`cannot start ${options.driver}: ${err.message}`));
  await until("tauri-driver", async () => (await fetch(`${base}/status`)).ok);
  const started = await webdriver("POST", "/session", {
    capabilities: { alwaysMatch: { browserName: "wry", "tauri:options": { application: resolve(options.app) } } },
  });
  session = started.sessionId;

  step("the window opens on the bank-account model");
  const opened = await until("the first state", async () => (await api({ type: "get_state" })).ok);
  check(opened.state.path === resolve(model) || resolve(work, opened.state.path) === resolve(model),
    `the board's file is ${model} (got ${opened.state.path})`);
  check(opened.state.board.name === "Bank account", "the board is the bank account");
  const title = await until("the window title", async () => {
    const t = await windowTitle();
    return t.includes("bank_account.ron") && t;
  });
  check(title === "bank_account.ron — Squall", `the window title is "${title}"`);
  check(x("xwininfo", ["-root", "-tree"]).includes('"bank_account.ron — Squall"'),
    "the X server shows the window under that title");

  step("the board shows the model: a screenshot of the whole window, as opened");
  // The board draws only what is in view, so this also says the opening fit shows the whole model.
  const elements = opened.state.board.elements.length;
  const stickies = await until(`all ${elements} stickies on the board`, () =>
    inPage(`const n = document.querySelectorAll(".react-flow__node.sticky-node").length; done(n >= arguments[0] && n);`, [elements]));
  check(stickies === elements, `the board draws every element of the model (${stickies} stickies for ${elements} elements)`);
  await sleep(500);
  mkdirSync(options.out, { recursive: true });
  x("import", ["-window", appWindow(), join(options.out, "opened.png")]);
  console.log(`  saved opened.png (the app's window, menu bar included) in ${options.out}`);

  step("an event is added through the UI and connected through the api command");
  await inPage(`window.__smokePushes = []; window.__smokeViews = [];
    Promise.all([
      window.__TAURI__.event.listen("squall:push", (e) => window.__smokePushes.push(e.payload)),
      window.__TAURI__.event.listen("squall:view", (e) => window.__smokeViews.push(e.payload)),
    ]).then(() => done());`);
  const id = await addEvent("Smoke Tested");
  const connected = await api({ type: "edit", op: { type: "connect", from: "agg-bank-account", to: id } });
  check(connected.ok?.type === "edited", `the aggregate emits the new event (${connected.error ?? "ok"})`);
  const refused = await api({ type: "edit", op: { type: "connect", from: id, to: "actor-owner" } });
  check(typeof refused.error === "string" && refused.error.length > 0, `the grammar refuses event → actor: "${refused.error}"`);
  const pushes = await until("the pushes", () => inPage(`done(window.__smokePushes)`).then((all) =>
    all.at(-1)?.state?.revision === connected.ok.state.revision && all));
  check(pushes.every((p) => p.type === "changed"), `every edit was pushed as "changed" with the new state (${pushes.length} pushes)`);
  const dirty = await until("the dirty mark", async () => {
    const t = await windowTitle();
    return t.startsWith("• ") && t;
  });
  check(dirty === "• bank_account.ron — Squall", `the title marks unsaved changes: "${dirty}"`);
  const shown = await until("the new sticky on the page", () => inPage(`done(document.body.innerText.includes("Smoke Tested"))`), 10000)
    .catch(() => false);
  console.log(shown ? "  ok: the page shows the new sticky" : "  note: the page does not show the sticky's name as text");

  step("the board is saved with File ▸ Save's shortcut, Ctrl+S");
  press("ctrl+s");
  const saved = await until("the save", async () => {
    const state = await api({ type: "get_state" });
    return state.ok?.state.dirty === false && state.ok.state;
  });
  check(saved.revision === connected.ok.state.revision, "the board is clean at the revision of the last edit");
  const clean = await until("the clean title", async () => {
    const t = await windowTitle();
    return !t.startsWith("• ") && t;
  });
  check(clean === "bank_account.ron — Squall", `the title drops the mark: "${clean}"`);
  const text = readFileSync(model, "utf8");
  check(text !== original && text.includes('name: "Smoke Tested"') && text.includes(`to: "${id}"`),
    "the file on disk holds the new event and its arrow");
  const linted = spawnSync(options.squall, ["check", model], { encoding: "utf8" });
  check(linted.status === 0, `squall check accepts the saved file (exit ${linted.status}): ${linted.stdout.trim().split("\n").at(-1)}`);

  step("the SVG button saves the board's picture where the native save dialog says");
  const picture = join(work, "models/bank-account.svg");
  await click(".toolbar .export button");
  // The dialog is a window of its own, titled as File ▸ Export ▸ SVG… titles it; it offers the model's folder and name.
  const dialog = await until("the save dialog", () => {
    const found = spawnSync("xdotool", ["search", "--onlyvisible", "--name", "Export the board as SVG"], { encoding: "utf8" });
    return found.status === 0 && found.stdout.trim().split("\n")[0];
  });
  await sleep(500);
  x("xdotool", ["windowfocus", "--sync", dialog]);
  x("xdotool", ["key", "--clearmodifiers", "Return"]);
  const svg = await until(`${picture} written`, () => existsSync(picture) && readFileSync(picture, "utf8"));
  check(svg.startsWith("<?xml") && !svg.includes("foreignObject") && svg.includes(">BankAccount</text>"),
    `the picture is the plain SVG squall export draws (${svg.length} bytes)`);
  const exported = await until("the toast", () => inPage(`done([...document.querySelectorAll(".toast")].map((t) => t.innerText).find((t) => t.includes("Exported")))`));
  check(exported.includes("bank-account.svg"), `the page says where: "${exported}"`);

  step("View ▸ Zoom In's shortcut, Ctrl+=, reaches the page as an event");
  press("ctrl+equal");
  const views = await until("the view event", () => inPage(`done(window.__smokeViews.length > 0 && window.__smokeViews)`));
  check(views.length === 1 && views[0] === "zoom_in", `the page heard ${JSON.stringify(views)}`);

  step("Run mode: a command submitted through the launcher runs, and its trace is drawn");
  await inPage(`window.__smokePushes = []; done();`);
  await click("[data-testid=mode-run]");
  await element("[data-testid=run-bar]");
  await click('.react-flow__node[data-id="cmd-open-account"]');
  await element("[data-testid=command-form][data-command=cmd-open-account]");
  await type('[data-field="account_id"] input', "acc-1");
  await type('[data-field="owner"] input', "Alice");
  await click("[data-testid=submit-play]");
  const ran = await until("the run push with the command's trace", () =>
    inPage(`done(window.__smokePushes.find((p) => p.type === "run" && p.traces.length > 0))`));
  const trace = ran.traces[0];
  check(trace.command.name === "OpenAccount" && trace.outcome === "accepted",
    `the desktop pushed the step: ${trace.command.name} ${trace.outcome}`);
  check(trace.events.map((e) => e.name).join() === "AccountOpened" && trace.events[0].data.owner === "Alice",
    `its trace holds AccountOpened for Alice (${JSON.stringify(trace.events.map((e) => e.data))})`);
  const logged = await until("the event in the log", () =>
    inPage(`const rows = [...document.querySelectorAll("[data-testid=event-row]")].map((r) => r.innerText);
      done(rows.find((r) => r.includes("AccountOpened")))`));
  check(logged.includes("BankAccount-acc-1"), `the event log shows it: "${logged.replace(/\s+/g, " ")}"`);
  const counted = await until("the count on the event sticky", () =>
    inPage(`done(document.querySelector('.react-flow__node[data-id="evt-account-opened"] [data-testid=event-count]')?.textContent)`));
  check(counted === "1", `the AccountOpened sticky counts 1 (${counted})`);
  const store = join(work, "models/.squall/bank_account.sqlite");
  check(existsSync(store), "the run is stored beside the model, in .squall/");
  await sleep(500);
  // The web view as WebDriver sees it: X's copy of the window may lag behind the page.
  const runShot = await webdriver("GET", `/session/${session}/screenshot`);
  writeFileSync(join(options.out, "run.png"), Buffer.from(runShot, "base64"));
  console.log(`  saved run.png (the web view in Run mode) in ${options.out}`);
  await click("[data-testid=mode-design]");

  step("screenshots");
  await sleep(500);
  const png = await webdriver("GET", `/session/${session}/screenshot`);
  mkdirSync(options.out, { recursive: true });
  const shot = join(options.out, "window.png");
  writeFileSync(shot, Buffer.from(png, "base64"));
  console.log(`  saved ${shot} (the web view)`);
  x("import", ["-window", "root", join(options.out, "screen.png")]);
  // Without a window manager the window sits at the top left; "File" is the menu bar's first item.
  x("xdotool", ["mousemove", "20", "12", "click", "1"]);
  await sleep(700);
  x("import", ["-window", "root", join(options.out, "screen-file-menu.png")]);
  x("xdotool", ["key", "Escape"]);
  console.log(`  saved screen.png and screen-file-menu.png (the X display) in ${options.out}`);

  step("changes on disk reach the page as pushes");
  await inPage(`window.__smokePushes = []; done();`);
  renameSync(join(work, "scripts/bank_account/ceo_bonus.rhai"), join(work, "scripts/bank_account/ceo_bonus.rhai.off"));
  const lint = await until("a lint_updated push", () =>
    inPage(`done(window.__smokePushes.find((p) => p.type === "lint_updated"))`));
  check(JSON.stringify(lint.lint).includes("ceo_bonus.rhai"), "a script gone from disk changes the lint");
  writeFileSync(model, `${readFileSync(model, "utf8")}\n`);
  const changed = await until("a file_changed push", () =>
    inPage(`done(window.__smokePushes.find((p) => p.type === "file_changed"))`));
  check(resolve(changed.path) === resolve(model), "another program writing the model is noticed");

  step("the app remembers the file for the next start");
  await webdriver("DELETE", `/session/${session}`);
  session = undefined;
  const settings = await until("the settings file", () =>
    JSON.parse(readFileSync(join(work, "config/dev.squall.desktop/settings.json"), "utf8")));
  check(resolve(settings.last_opened) === resolve(model), `the last opened file is ${settings.last_opened}`);
  check(settings.recent.length === 1, "it is the one recent file");
  console.log("smoke test passed");
} catch (err) {
  failed = true;
  console.error(`smoke test FAILED: ${err.message}`);
} finally {
  if (session) await webdriver("DELETE", `/session/${session}`).catch(() => {});
  if (driver && driver.exitCode === null) {
    const exited = new Promise((done) => driver.once("exit", done));
    driver.kill();
    await exited;
  }
  if (options.keep || failed) console.log(`(kept ${work})`);
  else await removeWork();
}
// The summary line ./dev test counts: each check passed, and the one that stopped the run.
console.log(`${passed} passed, ${failed ? 1 : 0} failed`);
process.exit(failed ? 1 : 0);
