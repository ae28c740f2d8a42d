// End-to-end checks of the board in a real browser, as people use it: build
// the UI, serve models with `squall serve`, open the printed URL in Debian's
// chromium, and work on the board. Screenshots go to e2e/screenshots/ to be
// looked at. The suites:
//
//   board        the bank-account example: every editing gesture (board.mjs)
//   walkthrough  the README's "Draw the bank account from scratch", step by step (walkthrough.mjs)
//   perf         a board of 2,000 stickies: load time, pan and zoom frame times (perf.mjs)
//   runmode      the bank account run in Run mode: launcher, cascade, refusal, documents, time travel, branches (runmode.mjs)
//   runperf      Run mode measured: a log of 100,000 events scrolled, a step's round trip (runperf.mjs)
//   runfar       Run mode on a board painted from far: the run's counts on the painted stickies (runfar.mjs)
//   workshop-live  three browsers (facilitator, participant, viewer) on one board: names, pointers, own undo, follow-me, lock (workshop-live.mjs)
//   workshop     on a 1440×900 screen: names legible at the fit zoom, tidy up, align, paste, arrows, big-picture lint (workshop.mjs)
//
//   npm run e2e                          # builds the UI first, runs every suite
//   npm run e2e -- --no-build            # uses the existing dist/
//   npm run e2e -- --only perf,board     # some suites only
//
// Needs: chromium at /usr/bin/chromium (apt-get install chromium) or
// CHROMIUM=/path, and cargo (squall runs through `cargo run`, or set
// SQUALL=/path/to/squall to use a binary already built).

import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { boardSuite } from './board.mjs';
import { build, failOutside, shots, tallied } from './harness.mjs';
import { perfSuite } from './perf.mjs';
import { runmodeSuite } from './runmode.mjs';
import { runfarSuite } from './runfar.mjs';
import { runperfSuite } from './runperf.mjs';
import { scripteditorSuite } from './scripteditor.mjs';
import { walkthroughSuite } from './walkthrough.mjs';
import { workshopLiveSuite } from './workshop-live.mjs';
import { workshopSuite } from './workshop.mjs';

const browserPath = process.env.CHROMIUM ?? '/usr/bin/chromium';

const SUITES = { board: boardSuite, walkthrough: walkthroughSuite, perf: perfSuite, runmode: runmodeSuite, runperf: runperfSuite, runfar: runfarSuite, scripteditor: scripteditorSuite, 'workshop-live': workshopLiveSuite, workshop: workshopSuite };

function chosen() {
  const at = process.argv.indexOf('--only');
  if (at < 0) return Object.keys(SUITES);
  const names = (process.argv[at + 1] ?? '').split(',').filter(Boolean);
  const unknown = names.filter((n) => !(n in SUITES));
  if (names.length === 0 || unknown.length > 0) {
    throw new Error(`--only takes suite names separated by commas: ${Object.keys(SUITES).join(', ')}`);
  }
  return names;
}

/** Suites that meet the join dialog themselves; every other suite is one person who has been on the board before. */
const FIRST_VISIT = new Set(['workshop-live']);

/**
 * A served board asks a first-time visitor for a name and colour
 * (ui/src/workshop/JoinDialog.tsx) and remembers them in localStorage; the
 * browser handed to the other suites opens pages that remember one already.
 */
function returning(browser) {
  const remember = () => localStorage.setItem('squall.workshop.identity', JSON.stringify({ name: 'E2E', colour: '#1e88e5' }));
  const newContext = async (options) => {
    const context = await browser.newContext(options);
    await context.addInitScript(remember);
    return context;
  };
  // Like browser.newPage: a page in a context of its own, which closes with it.
  const newPage = async (options) => {
    const context = await newContext(options);
    const page = await context.newPage();
    page.once('close', () => void context.close().catch(() => {}));
    return page;
  };
  return new Proxy(browser, {
    get: (target, key) => (key === 'newContext' ? newContext : key === 'newPage' ? newPage : Reflect.get(target, key)),
  });
}

async function main() {
  const names = chosen();
  if (!process.argv.includes('--no-build')) build();
  rmSync(shots, { recursive: true, force: true });
  mkdirSync(shots, { recursive: true });
  if (!existsSync(browserPath)) throw new Error(`no chromium at ${browserPath}: apt-get install -y chromium, or set CHROMIUM`);

  const browser = await chromium.launch({
    executablePath: browserPath,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
  try {
    for (const name of names) {
      console.log(`\n== ${name}`);
      try {
        await SUITES[name](FIRST_VISIT.has(name) ? browser : returning(browser));
      } catch (err) {
        failOutside(err);
      }
    }
  } finally {
    await browser.close();
  }
  const { passed, failed } = tallied();
  console.log(`\nscreenshots in ${shots}`);
  console.log(`${passed} passed, ${failed} failed`);
  if (failed > 0) process.exitCode = 1;
}

main().catch((err) => {
  console.error(err);
  const { passed, failed } = tallied();
  console.log(`${passed} passed, ${failed + 1} failed`);
  process.exitCode = 1;
});
