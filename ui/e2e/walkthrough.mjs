// The README's "Draw the bank account from scratch", followed step by step
// through the real UI: `squall new`, `squall serve`, stickies by their keys
// and named inline, fields and keys in the properties panel, arrows dragged
// from a sticky's edge dot, starting scripts, Ctrl+S, and `squall check` on
// the saved file, which must report no errors and no warnings. If the README
// changes, this changes with it.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { check, collectErrors, expect, middle, onFailureShoot, serve, shots, squall, tempDir, tearDown } from './harness.mjs';

/** The key to press, the name, and where it goes: column and row on the empty board's frame. */
const STICKIES = [
  ['u', 'Account owner', 0, 1],
  ['c', 'OpenAccount', 1, 0],
  ['c', 'DepositMoney', 1, 1],
  ['c', 'WithdrawMoney', 1, 2],
  ['a', 'BankAccount', 2, 1],
  ['e', 'AccountOpened', 3, 0],
  ['e', 'MoneyDeposited', 3, 1],
  ['e', 'MoneyWithdrawn', 3, 2],
  ['p', 'Send thank-you email', 4, 0],
  ['r', 'AccountOverview', 4, 2],
  ['c', 'SendThankYouEmail', 5, 0],
  ['x', 'Email service', 6, 0],
  ['e', 'ThankYouEmailSent', 6, 1],
];

const ID_AND_OWNER = [['account_id', 'id'], ['owner', 'string']];
const ID_AND_AMOUNT = [['account_id', 'id'], ['amount', 'decimal']];
const FIELDS = {
  OpenAccount: ID_AND_OWNER,
  AccountOpened: ID_AND_OWNER,
  DepositMoney: ID_AND_AMOUNT,
  MoneyDeposited: ID_AND_AMOUNT,
  WithdrawMoney: ID_AND_AMOUNT,
  MoneyWithdrawn: ID_AND_AMOUNT,
  SendThankYouEmail: ID_AND_AMOUNT,
  ThankYouEmailSent: [['account_id', 'id']],
};

const KEYS = { BankAccount: 'account_id', AccountOverview: 'account_id' };

const ARROWS = [
  ['Account owner', 'OpenAccount'],
  ['Account owner', 'DepositMoney'],
  ['Account owner', 'WithdrawMoney'],
  ['OpenAccount', 'BankAccount'],
  ['DepositMoney', 'BankAccount'],
  ['WithdrawMoney', 'BankAccount'],
  ['BankAccount', 'AccountOpened'],
  ['BankAccount', 'MoneyDeposited'],
  ['BankAccount', 'MoneyWithdrawn'],
  ['MoneyDeposited', 'Send thank-you email'],
  ['Send thank-you email', 'SendThankYouEmail'],
  ['SendThankYouEmail', 'Email service'],
  ['Email service', 'ThankYouEmailSent'],
  ['AccountOpened', 'AccountOverview'],
  ['MoneyDeposited', 'AccountOverview'],
  ['MoneyWithdrawn', 'AccountOverview'],
];

const SCRIPTED = ['BankAccount', 'Send thank-you email', 'AccountOverview'];

/** The empty board's frame (`squall new`): 1600 × 800 at the origin. */
const FRAME = { width: 1600, height: 800 };
const column = (c) => 120 + c * 220;
const row = (r) => 160 + r * 240;

export async function walkthroughSuite(browser) {
  const dir = tempDir('walkthrough');
  const made = squall(['new', 'bank', '--dir', dir]);
  if (made.status !== 0) throw new Error(`squall new failed:\n${made.stderr}`);
  const model = join(dir, 'models', 'bank.ron');

  const { server, url: urlPromise } = serve(model);
  let page;
  try {
    const url = await urlPromise;
    page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
    const errors = collectErrors(page);
    onFailureShoot(page);
    const started = Date.now();
    await page.goto(url);
    await page.waitForSelector('.frame-node', { timeout: 15_000 });
    await page.waitForTimeout(300);

    const byName = (name) => page.locator('.react-flow__node.sticky-node', { has: page.locator('.sticky-name', { hasText: new RegExp(`^${name}$`) }) });
    const pick = async (name) => {
      await byName(name).locator('.sticky-name').click();
      await page.waitForFunction((n) => document.querySelector('.properties .prop-row input')?.value === n, name, { timeout: 5000 });
    };
    const blank = () => page.locator('.react-flow__pane').click({ position: { x: 5, y: 5 } });

    await check('walkthrough: an empty board with one bounded context opens', async () => {
      expect((await page.locator('.react-flow__node.sticky-node').count()) === 0, 'the new board is not empty');
      expect((await page.locator('.frame-node').count()) === 1, 'the new board has no bounded context');
    });

    await check('walkthrough: a key adds each sticky under the pointer, named inline', async () => {
      const frame = await page.locator('.frame-node').boundingBox();
      const scale = frame.width / FRAME.width;
      for (const [key, name, c, r] of STICKIES) {
        await page.mouse.move(frame.x + column(c) * scale, frame.y + row(r) * scale);
        await page.keyboard.press(key);
        await page.waitForSelector('.sticky-name-editor', { timeout: 5000 });
        await page.keyboard.type(name);
        await page.keyboard.press('Enter');
        await byName(name).waitFor({ timeout: 5000 });
      }
      const count = await page.locator('.react-flow__node.sticky-node').count();
      expect(count === STICKIES.length, `${count} stickies on the board`);
    });
    await page.screenshot({ path: join(shots, 'walkthrough-1-stickies.png') });

    await check('walkthrough: fields typed in the properties panel, name Tab type Enter', async () => {
      for (const [name, fields] of Object.entries(FIELDS)) {
        await pick(name);
        await page.getByLabel('Field 1 name').click();
        for (const [field, type] of fields) {
          await page.keyboard.type(field);
          await page.keyboard.press('Tab');
          await page.keyboard.type(type);
          await page.keyboard.press('Enter');
        }
        await page.waitForFunction(
          ([n, count]) =>
            [...document.querySelectorAll('.react-flow__node.sticky-node')].some(
              (s) => s.querySelector('.sticky-name')?.textContent === n && s.querySelectorAll('.sticky-fields li').length === count,
            ),
          [name, fields.length],
          { timeout: 5000 },
        );
      }
    });

    await check('walkthrough: the aggregate and the read model get their key', async () => {
      for (const [name, key] of Object.entries(KEYS)) {
        await pick(name);
        const input = page.locator('.prop-row', { hasText: 'Key' }).locator('input');
        await input.fill(key);
        await input.press('Enter');
      }
    });

    await check('walkthrough: arrows dragged from a sticky’s edge dot onto the next sticky', async () => {
      await blank();
      for (const [from, to] of ARROWS) {
        const a = await middle(byName(from));
        const b = await middle(byName(to));
        const side = Math.abs(b.x - a.x) > Math.abs(b.y - a.y) ? (b.x > a.x ? 'right' : 'left') : b.y > a.y ? 'bottom' : 'top';
        const start = await middle(byName(from).locator(`.react-flow__handle-${side}`));
        const before = await page.locator('.react-flow__edge').count();
        await page.mouse.move(start.x, start.y);
        await page.mouse.down();
        await page.mouse.move(b.x, b.y, { steps: 12 });
        await page.mouse.up();
        await page
          .waitForFunction((n) => document.querySelectorAll('.react-flow__edge').length === n + 1, before, { timeout: 5000 })
          .catch(() => {
            throw new Error(`no arrow from ${from} to ${to}`);
          });
      }
    });
    await page.screenshot({ path: join(shots, 'walkthrough-2-arrows.png') });

    await check('walkthrough: Create script gives the aggregate, the policy and the read model a starting script', async () => {
      for (const name of SCRIPTED) {
        await pick(name);
        await page.locator('button', { hasText: 'Create script' }).click();
        await page.waitForFunction(() => !document.querySelector('.script-create'), null, { timeout: 5000 });
        // The new script opens in the script panel, over the board; closed to reach the next sticky.
        await page.locator('[data-testid=script-panel] .cm-content').waitFor({ timeout: 5000 });
        await page.locator('[data-testid=script-close]').click();
      }
      const script = readFileSync(join(dir, 'scripts', 'bank', 'bank_account.rhai'), 'utf8');
      expect(script.includes('fn handle_DepositMoney(state, command)'), `the aggregate's script reads:\n${script}`);
    });

    await check('walkthrough: Ctrl+S saves, and the lint panel shows no errors and no warnings', async () => {
      await blank();
      await page.keyboard.press('Control+s');
      await page.waitForFunction(() => !document.title.includes('●'), null, { timeout: 5000 });
      const saved = readFileSync(model, 'utf8');
      const keys = saved.match(/key: "account_id"/g)?.length ?? 0;
      expect(keys === 2, `the saved file has ${keys} keys, not the aggregate's and the read model's`);
      const errorsShown = await page.locator('.count-error').innerText();
      const warningsShown = await page.locator('.count-warning').innerText();
      expect(errorsShown === '0 errors' && warningsShown === '0 warnings', `the lint panel reads ${errorsShown}, ${warningsShown}`);
      console.log(`walkthrough: drawn and saved in ${((Date.now() - started) / 1000).toFixed(0)} s of scripted UI work`);
    });
    await page.locator('button[title="Show the whole board"]').click();
    await page.waitForTimeout(500);
    await page.screenshot({ path: join(shots, 'walkthrough-3-saved.png') });

    await check('walkthrough: squall check on the saved file is clean', async () => {
      const text = squall(['check', model]);
      expect(text.status === 0, `squall check exited ${text.status}:\n${text.stdout}${text.stderr}`);
      const json = squall(['check', model, '--json']);
      const { summary } = JSON.parse(json.stdout);
      expect(summary.errors === 0 && summary.warnings === 0, `squall check reports:\n${text.stdout}`);
      console.log(`walkthrough: squall check: ${text.stdout.trim().split('\n').pop()}`);
    });

    await check('walkthrough: the drawn board runs on its starting scripts, no code written (issue 10)', async () => {
      await page.locator('[data-testid=mode-run]').click();
      await page.waitForSelector('[data-testid=run-bar]', { timeout: 10_000 });
      const submit = async (command, values) => {
        await byName(command).locator('.sticky-name').click();
        await page.waitForSelector('[data-testid=command-form]', { timeout: 5000 });
        for (const [field, value] of Object.entries(values)) await page.locator(`[data-field="${field}"] input`).fill(value);
        await page.locator('[data-testid=submit-play]').click();
        await page.waitForFunction(() => document.querySelector('[data-testid=run-pending]')?.textContent === 'queue empty', null, { timeout: 15_000 });
      };
      await submit('OpenAccount', { account_id: 'acc-1', owner: 'Alice' });
      await submit('DepositMoney', { account_id: 'acc-1', amount: '50' });
      await page.waitForFunction(() => document.querySelectorAll('[data-testid=event-row]').length >= 2, null, { timeout: 10_000 });
      const rows = (await page.locator('[data-testid=event-row]').allInnerTexts()).map((t) => t.replace(/\s+/g, ' '));
      const has = (type, text) => rows.some((r) => r.includes(type) && r.includes(text));
      expect(has('AccountOpened', '"owner":"Alice"'), `AccountOpened with the command's fields copied:\n${rows.join('\n')}`);
      expect(has('MoneyDeposited', '"amount":50'), `MoneyDeposited with the amount copied:\n${rows.join('\n')}`);
      // The policy's starting script sends the thank-you email; the email service, left without a script, takes it in.
      const stats = await page
        .waitForFunction(() => {
          const text = document.querySelector('.run-stats')?.textContent ?? '';
          return text.startsWith('3 ') && text;
        }, null, { timeout: 10_000 })
        .then((handle) => handle.jsonValue())
        .catch(async () => page.locator('.run-stats').innerText());
      expect(stats === '3 commands', `OpenAccount, DepositMoney and the policy's SendThankYouEmail, none refused: "${stats}"`);
      await page.screenshot({ path: join(shots, 'walkthrough-4-runs.png') });
      await page.locator('[data-testid=mode-design]').click();
    });

    await check('walkthrough: the page logged no errors', async () => {
      expect(errors.length === 0, errors.join('\n'));
    });
  } finally {
    await tearDown({ page, server, dir });
  }
}
