// What every end-to-end suite shares: checks and their tally, the squall
// command line through cargo, `squall serve` on a model, a temporary folder.
// The suites themselves are in board.mjs, walkthrough.mjs and perf.mjs;
// run.mjs runs them.

import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const here = dirname(fileURLToPath(import.meta.url));
export const ui = resolve(here, '..');
export const repo = resolve(ui, '..');
export const shots = join(here, 'screenshots');

const tally = { passed: 0, failed: 0, failures: [] };

/** Set while a page is open: a failing check leaves a screenshot of what the page showed. */
let onFailure = async () => {};

export function onFailureShoot(page) {
  onFailure = page ? (name) => page.screenshot({ path: join(shots, `${name}.png`) }) : async () => {};
}

export async function check(name, body) {
  try {
    await body();
    tally.passed += 1;
    console.log(`ok   ${name}`);
  } catch (err) {
    tally.failed += 1;
    await onFailure(`fail-${tally.failed}`).catch(() => {});
    tally.failures.push(name);
    console.log(`FAIL ${name}\n     ${String(err?.message ?? err).split('\n').join('\n     ')}`);
  }
}

/** A failure outside any check (a suite that could not start) still counts. */
export function failOutside(err) {
  tally.failed += 1;
  console.log(`FAIL ${String(err?.stack ?? err)}`);
}

export const tallied = () => ({ ...tally });

export function expect(condition, message) {
  if (!condition) throw new Error(message);
}

export async function waitFor(what, test, ms = 10_000) {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (test()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** A fresh folder for one suite's files; remove it with `removeDir`. */
export const tempDir = (name) => mkdtempSync(join(tmpdir(), `squall-e2e-${name}-`));

export function removeDir(dir) {
  rmSync(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
}

/**
 * How to start squall: the checkout's, through cargo, or the binary named
 * by SQUALL (to test a build that is already made).
 */
function command(args) {
  const binary = process.env.SQUALL;
  return binary ? [binary, args] : ['cargo', ['run', '-q', '--bin', 'squall', '--', ...args]];
}

/** The program and arguments that start squall (for a suite that runs it itself, with its own stdio). */
export const squallCommand = command;

/** Run the squall command line and return its exit status and output. */
export function squall(args, { cwd = repo } = {}) {
  const result = spawnSync(...command(args), {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/**
 * Start `squall serve` and resolve `url` with the facilitator's URL it
 * prints first, and `links` with all three: `{ facilitator, participant, viewer }`.
 */
export function serve(model) {
  const server = spawn(...command(['serve', model, '--ui', join(ui, 'dist')]), {
    cwd: repo,
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group, so stopping it stops the server cargo started too.
    detached: true,
  });
  let resolveLinks;
  let rejectLinks;
  const links = new Promise((resolve, reject) => {
    resolveLinks = resolve;
    rejectLinks = reject;
  });
  // Suites that want only the first URL never wait for the others: their failure is no one's to catch.
  links.catch(() => {});
  const url = new Promise((resolveUrl, reject) => {
    let out = '';
    let err = '';
    const fail = (error) => {
      reject(error);
      rejectLinks(error);
    };
    const timer = setTimeout(() => fail(new Error(`squall serve printed no URL in 10 minutes\n${err}`)), 600_000);
    server.stdout.on('data', (chunk) => {
      out += chunk;
      const match = /(http:\/\/\S+\?token=\S+)/.exec(out);
      if (match) resolveUrl(match[1]);
      const participant = /^participants: (http\S+)$/m.exec(out);
      const viewer = /^viewers: (http\S+)$/m.exec(out);
      if (match && participant && viewer) {
        clearTimeout(timer);
        resolveLinks({ facilitator: match[1], participant: participant[1], viewer: viewer[1] });
      }
    });
    server.stderr.on('data', (chunk) => {
      err += chunk;
    });
    server.on('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`squall serve exited (${code}) before printing its URLs\n${err}`));
    });
  });
  return { server, url, links };
}

export function stop(server) {
  try {
    process.kill(-server.pid, 'SIGTERM');
  } catch {
    // Already gone.
  }
}

/** Stop the server and wait for it: it writes its recovery file as it stops. */
export async function stopAndWait(server) {
  stop(server);
  await waitFor('squall serve to stop', () => server.exitCode !== null || server.signalCode !== null, 5000).catch(() => {});
  await sleep(300);
}

/** Where the saved file (RON text) puts a sticky. */
export function savedPosition(text, id) {
  const at = text.indexOf(`id: "${id}"`);
  const match = /position: \(x: (-?[\d.]+), y: (-?[\d.]+)\)/.exec(text.slice(at));
  if (at < 0 || !match) throw new Error(`${id} is not in the saved file`);
  return { x: Number(match[1]), y: Number(match[2]) };
}

/** Click the toolbar's PNG or SVG button and save the download as `path`; returns how long it took, in ms. */
export async function exportBoard(page, format, path, timeout = 30_000) {
  const started = Date.now();
  const [download] = await Promise.all([
    page.waitForEvent('download', { timeout }),
    page.locator('button', { hasText: format.toUpperCase() }).click(),
  ]);
  await download.saveAs(path);
  return Date.now() - started;
}

/** The end of every suite: stop shooting on failure, close its page, stop its server, remove its folder. */
export async function tearDown({ page, server, dir }) {
  onFailureShoot(null);
  await page?.close();
  if (server) await stopAndWait(server);
  if (dir) removeDir(dir);
}

/** Errors the page logs; the push socket dropping while a server restarts is expected. */
export function collectErrors(page) {
  const errors = [];
  page.on('pageerror', (err) => errors.push(err.message));
  page.on('console', (msg) => {
    if (msg.type() === 'error' && !/WebSocket connection to .* failed|ERR_CONNECTION_REFUSED/.test(msg.text())) {
      errors.push(msg.text());
    }
  });
  return errors;
}

/** The middle of a locator's box, in page coordinates. */
export async function middle(locator) {
  const box = await locator.boundingBox();
  if (!box) throw new Error('the element has no box: it is not drawn');
  return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
}

export function build() {
  const result = spawnSync('npm', ['run', 'build'], { cwd: ui, stdio: 'inherit' });
  if (result.status !== 0) throw new Error('npm run build failed');
}
