// Run mode on a board big enough to be painted from far (FarCanvas, from
// FAR_STICKIES stickies on): the bank account with a wall of 320 notes
// below it, and a run made beforehand with `squall run`. Zoomed out, the
// painted cards still show what the run did: the event stickies' counts.

import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { check, collectErrors, expect, onFailureShoot, repo, serve, shots, squallCommand, tearDown, tempDir } from './harness.mjs';

const NOTES = 320;

/** The bank account and its scripts in a scratch folder, with `NOTES` notes added below the board. */
function workCopy() {
  const dir = tempDir('runfar');
  mkdirSync(join(dir, 'models', '.squall'), { recursive: true });
  cpSync(join(repo, 'scripts', 'bank_account'), join(dir, 'scripts', 'bank_account'), { recursive: true });
  const ron = readFileSync(join(repo, 'models', 'bank_account.ron'), 'utf8');
  const notes = [];
  for (let i = 0; i < NOTES; i += 1) {
    const [x, y] = [(i % 20) * 180, 1000 + Math.floor(i / 20) * 130];
    notes.push(`        (\n            id: "note-${i}",\n            kind: Note,\n            name: "Note ${i}",\n            position: (x: ${x}.0, y: ${y}.0),\n            size: (width: 160.0, height: 110.0),\n        ),\n`);
  }
  // The elements' list ends at the first `    ],` of the file.
  const end = ron.indexOf('\n    ],\n');
  if (end < 0) throw new Error('bank_account.ron: no end of the elements list');
  const model = join(dir, 'models', 'bank_account.ron');
  writeFileSync(model, `${ron.slice(0, end + 1)}${notes.join('')}${ron.slice(end + 1)}`);
  return { dir, model, store: join(dir, 'models', '.squall', 'bank_account.sqlite') };
}

export async function runfarSuite(browser) {
  const { dir, model, store } = workCopy();
  let page;
  let server;
  try {
    const input = join(dir, 'commands.jsonl');
    const lines = [
      { command: 'OpenAccount', data: { account_id: 'ceo-bonus', owner: 'The CEO' } },
      { command: 'OpenAccount', data: { account_id: 'acc-1', owner: 'Alice' } },
      { command: 'DepositMoney', data: { account_id: 'acc-1', amount: 100 } },
    ];
    writeFileSync(input, `${lines.map((l) => JSON.stringify(l)).join('\n')}\n`);
    const [program, args] = squallCommand(['run', model, '--db', store, '--input', input]);
    const made = spawnSync(program, args, { cwd: repo, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
    if (made.status !== 0) throw new Error(`squall run failed (${made.status}): ${made.stderr}`);

    const served = serve(model);
    server = served.server;
    const url = await served.url;
    page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    const errors = collectErrors(page);
    await page.goto(url);
    onFailureShoot(page);

    await check(`from far, a run's painted stickies show their counts (${NOTES + 16} stickies)`, async () => {
      await page.locator('[data-testid=mode-run]').click();
      await page.waitForSelector('[data-testid=run-bar]', { timeout: 15_000 });
      const zoomOut = page.locator('.react-flow__controls-zoomout');
      for (let i = 0; i < 8 && (await page.locator('.far-canvas').count()) === 0; i += 1) await zoomOut.click();
      const canvas = page.locator('.far-canvas');
      await canvas.waitFor({ timeout: 5_000 });
      // The counts arrive with the run's status; the canvas repaints when they do.
      await page.waitForFunction(() => /counted:\d/.test(document.querySelector('.far-canvas')?.dataset.marks ?? ''), null, { timeout: 10_000 });
      const marks = await canvas.getAttribute('data-marks');
      const counted = Number(/counted:(\d+)/.exec(marks ?? '')?.[1] ?? 0);
      // AccountOpened, MoneyDeposited, ThankYouEmailSent.
      expect(counted >= 3, `the far view marks "${marks}"`);
      await page.screenshot({ path: join(shots, 'runfar-01-counts.png') });
    });

    expect(errors.length === 0, `the page logged errors: ${errors.join(' | ')}`);
  } finally {
    await tearDown({ page, server, dir });
  }
}
