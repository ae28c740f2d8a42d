// The script editor as a workshop uses it: open BankAccount's script from
// its properties, break a line and see the compile error underlined there
// with its message, undo it; then in Run mode be refused a withdrawal,
// open the script from the last step, allow an overdraft down to -1000,
// save, resend the refused withdrawal and see it accepted; misspell a field
// and follow the step's script error to its line.

import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { check, collectErrors, expect, onFailureShoot, repo, serve, shots, tempDir, tearDown } from './harness.mjs';

function workCopy() {
  const dir = tempDir('scripteditor');
  mkdirSync(join(dir, 'models'));
  cpSync(join(repo, 'models', 'bank_account.ron'), join(dir, 'models', 'bank_account.ron'));
  cpSync(join(repo, 'scripts', 'bank_account'), join(dir, 'scripts', 'bank_account'), { recursive: true });
  return { dir, model: join(dir, 'models', 'bank_account.ron'), script: join(dir, 'scripts', 'bank_account', 'bank_account.rhai') };
}

const RULE = 'if command.amount > state.balance {';

export async function scripteditorSuite(browser) {
  const { dir, model, script } = workCopy();
  const { server, url: urlPromise } = serve(model);
  let page;
  try {
    const url = await urlPromise;
    page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
    const errors = collectErrors(page);
    await page.goto(url);
    onFailureShoot(page);
    const shot = (name) => page.screenshot({ path: join(shots, `scripteditor-${name}.png`) });
    const sticky = (id) => page.locator(`.react-flow__node[data-id="${id}"]`);
    const panel = page.locator('[data-testid=script-panel]');
    const line = (text) => panel.locator('.cm-line', { hasText: text });
    // The unfinished line typed to ask for completion.
    const typed = () => panel.locator('.cm-line', { hasText: /^\s*command\.am$/ });
    const problems = (text) =>
      page.waitForFunction((t) => document.querySelector('[data-testid=script-problems]')?.textContent === t, text, { timeout: 10_000 });
    // Playwright scrolls a clicked line into view sideways; back to the left edge, as a person sees it.
    const scrollLeft = () => panel.locator('.cm-scroller').evaluate((s) => (s.scrollLeft = 0));
    const lastStep = (part) =>
      page.waitForFunction((p) => document.querySelector('[data-testid=last-step]')?.textContent?.includes(p), part, { timeout: 15_000 });
    const fill = async (values) => {
      for (const [field, value] of Object.entries(values)) await page.locator(`[data-field="${field}"] input`).fill(value);
      await page.locator('[data-testid=submit-play]').click();
    };
    const quiet = () => page.waitForFunction(() => document.querySelector('[data-testid=run-pending]')?.textContent === 'queue empty', null, { timeout: 15_000 });

    await check('Edit script in the aggregate’s properties opens its script, highlighted and checked clean', async () => {
      await page.waitForSelector('.sticky', { timeout: 15_000 });
      await sticky('agg-bank-account').click();
      await page.locator('[data-testid=edit-script]').click();
      await panel.locator('.cm-content').waitFor({ timeout: 10_000 });
      const path = await panel.locator('.script-path').innerText();
      expect(path.includes('bank_account.rhai'), `the panel names "${path}"`);
      await problems('no errors');
      const colour = (text, part) => line(text).locator('span', { hasText: part }).first().evaluate((s) => getComputedStyle(s).color);
      const keyword = await colour('fn handle_WithdrawMoney', /^fn$/);
      const fn = await colour('fn handle_WithdrawMoney', /^handle_WithdrawMoney$/);
      const string = await colour('throw "insufficient funds"', /insufficient/);
      expect(new Set([keyword, fn, string, 'rgb(0, 0, 0)']).size === 4, `fn, the function's name and a string are coloured ${keyword}, ${fn}, ${string}`);
    });
    await shot('01-open');

    await check('the script is docked beside the board, which stays in view; its edge drags wider, and the width is kept', async () => {
      const canvas = await page.locator('.canvas').boundingBox();
      const before = await panel.boundingBox();
      expect(canvas.x + canvas.width <= before.x + 1, `the board (to x ${canvas.x + canvas.width}) runs under the panel (from x ${before.x})`);
      expect(canvas.width >= 240, `the board is left ${canvas.width} px`);
      const edge = await page.locator('[data-testid=script-resize]').boundingBox();
      const y = edge.y + 300;
      await page.mouse.move(edge.x + edge.width / 2, y);
      await page.mouse.down();
      await page.mouse.move(edge.x + edge.width / 2 - 100, y, { steps: 5 });
      await page.mouse.up();
      const after = await panel.boundingBox();
      expect(Math.abs(after.width - before.width - 100) <= 2, `dragged 100 px left, the panel went from ${before.width} to ${after.width} px`);
      const kept = Number(await page.evaluate(() => localStorage.getItem('squall.scriptPanelWidth')));
      expect(Math.abs(kept - after.width) <= 2, `the width kept is ${kept}, the panel's ${after.width}`);
    });
    await shot('01b-docked');

    let lineNo = 0;
    await check('a syntax error is underlined at its line, with the message on hover and a gutter mark', async () => {
      const lines = await panel.locator('.cm-line').allInnerTexts();
      lineNo = lines.findIndex((t) => t.includes(RULE)) + 1;
      expect(lineNo > 0, 'the overdraft rule is not in view');
      await line(RULE).click();
      await page.keyboard.press('End');
      await page.keyboard.type(' let = ;');
      await problems('1 error');
      expect(await page.locator('[data-testid=script-dirty]').isVisible(), 'the panel does not say the script changed');
      const range = panel.locator('.cm-lintRange-error').first();
      await range.waitFor({ timeout: 5_000 });
      const underlined = await range.evaluate((r) => r.closest('.cm-line')?.textContent ?? '');
      expect(underlined.includes(RULE), `the underline is on "${underlined}", not on line ${lineNo}`);
      expect((await panel.locator('.cm-lint-marker-error').count()) === 1, 'no error mark in the gutter');
      await range.hover();
      const tip = page.locator('.cm-tooltip-lint');
      await tip.waitFor({ timeout: 5_000 });
      const message = await tip.innerText();
      expect(message.length > 5, `the hover reads "${message}"`);
      console.log(`  the error reads: ${message.replace(/\s+/g, ' ')}`);
      await scrollLeft();
    });
    await shot('02-syntax-error');

    await check('undoing the change clears the error', async () => {
      // Away from the message, which closes it (Escape would close the panel).
      await page.mouse.move(5, 5);
      await line(RULE).click();
      await page.keyboard.press('Control+z');
      await problems('no errors');
      expect((await panel.locator('.cm-lintRange-error').count()) === 0, 'the underline stayed');
      expect(!(await page.locator('[data-testid=script-dirty]').isVisible()), 'the script still reads as changed');
    });

    await check('an edit made in an outside editor shows when the window is back in focus', async () => {
      const before = readFileSync(script, 'utf8');
      writeFileSync(script, before.replace('throw "insufficient funds";', 'throw "not enough money";'));
      await page.evaluate(() => window.dispatchEvent(new Event('focus')));
      await line('throw "not enough money"').waitFor({ timeout: 10_000 });
      expect(!(await page.locator('[data-testid=script-dirty]').isVisible()), 'the outside edit reads as unsaved');
      writeFileSync(script, before);
      await page.evaluate(() => window.dispatchEvent(new Event('focus')));
      await line('throw "insufficient funds"').waitFor({ timeout: 10_000 });
    });

    await check('completion offers the command’s fields with their types, and a helper’s signature on hover', async () => {
      await line(RULE).click();
      await page.keyboard.press('End');
      await page.keyboard.press('Enter');
      await page.keyboard.type('command.am');
      const list = page.locator('.cm-tooltip-autocomplete');
      await list.waitFor({ timeout: 5_000 });
      const offered = await list.innerText();
      expect(offered.includes('amount') && offered.includes('decimal'), `the completion offers "${offered}"`);
      await scrollLeft();
      await shot('02b-completion');
      await page.keyboard.press('Escape');
      await line('[event("MoneyWithdrawn"').locator('span', { hasText: /^event$/ }).hover();
      const tip = page.locator('.cm-script-hover');
      await tip.waitFor({ timeout: 5_000 });
      const text = await tip.innerText();
      expect(text.startsWith('event(name, data)'), `the hover on event reads "${text}"`);
    });

    await check('closing with unsaved changes asks first; cancelling keeps the panel and the text', async () => {
      let asked = '';
      page.once('dialog', (dialog) => {
        asked = dialog.message();
        void dialog.dismiss();
      });
      await page.locator('[data-testid=script-close]').click();
      expect(asked.includes('BankAccount') && asked.includes('not saved'), `closing asked "${asked}"`);
      expect(await panel.isVisible(), 'cancelling closed the panel');
      expect((await typed().count()) === 1, 'cancelling lost the unsaved text');
      asked = '';
      page.once('dialog', (dialog) => {
        asked = dialog.message();
        void dialog.dismiss();
      });
      // The read model is off to the right of the narrowed board: found by name, it is centred.
      await page.locator('header button', { hasText: /^Find$/ }).click();
      await page.getByRole('searchbox', { name: 'Find by name or tag' }).fill('AccountOverview');
      await page.locator('.search-count', { hasText: '/ 1' }).waitFor({ timeout: 5_000 });
      await page.getByRole('button', { name: 'Next match' }).click();
      await sticky('rm-account-overview').click();
      await page.locator('.prop-id', { hasText: 'rm-account-overview' }).waitFor({ timeout: 5_000 });
      await page.locator('[data-testid=edit-script]').click();
      expect(asked.includes('not saved'), `opening another script asked "${asked}"`);
      expect((await typed().count()) === 1, 'opening another script dropped the unsaved text');
    });
    await shot('02c-unsaved');

    await check('Escape closes the script, once dropping the changes is confirmed', async () => {
      page.once('dialog', (dialog) => void dialog.accept());
      await typed().click();
      await page.keyboard.press('Escape');
      await panel.waitFor({ state: 'detached', timeout: 5_000 });
      expect(!readFileSync(script, 'utf8').includes('command.am\n'), 'the unsaved change reached the file');
    });

    await check('in Run mode, acc-1 opened with 100 is refused a withdrawal of 500', async () => {
      await page.locator('[data-testid=mode-run]').click();
      await page.waitForSelector('[data-testid=run-bar]', { timeout: 10_000 });
      await sticky('cmd-open-account').click();
      await page.waitForSelector('[data-testid=command-form][data-command=cmd-open-account]');
      await fill({ account_id: 'acc-1', owner: 'Alice' });
      await lastStep('OpenAccount');
      await quiet();
      await sticky('cmd-deposit-money').click();
      await page.waitForSelector('[data-testid=command-form][data-command=cmd-deposit-money]');
      await fill({ account_id: 'acc-1', amount: '100' });
      await quiet();
      await sticky('cmd-withdraw-money').click();
      await page.waitForSelector('[data-testid=command-form][data-command=cmd-withdraw-money]');
      await fill({ account_id: 'acc-1', amount: '500' });
      await lastStep('refused: insufficient funds');
    });
    await shot('03-refused');

    await check('the last step opens the script; allowing an overdraft to -1000 and saving writes the file', async () => {
      await page.locator('[data-testid=last-step-script]').click();
      await panel.locator('.cm-content').waitFor({ timeout: 10_000 });
      await problems('no errors');
      await line(RULE).click();
      await page.keyboard.press('End');
      await page.keyboard.press('ArrowLeft');
      await page.keyboard.press('ArrowLeft');
      await page.keyboard.type(' + 1000.0');
      await page.waitForSelector('[data-testid=script-dirty]');
      await problems('no errors');
      await scrollLeft();
      await page.keyboard.press('Control+s');
      await page.locator('[data-testid=script-after-save]').waitFor({ timeout: 10_000 });
      expect(!(await page.locator('[data-testid=script-dirty]').isVisible()), 'the script still reads as changed after the save');
      const text = readFileSync(script, 'utf8');
      expect(text.includes('if command.amount > state.balance + 1000.0 {'), 'the file on disk does not have the new rule');
    });
    await shot('04-saved');

    await check('resending the refused withdrawal is accepted now, and replaying the read models reports', async () => {
      const resend = page.locator('[data-testid=script-resend]');
      const label = await resend.innerText();
      expect(label.includes('WithdrawMoney'), `the resend button reads "${label}"`);
      await resend.click();
      await lastStep('→ MoneyWithdrawn');
      await quiet();
      await page.locator('[data-testid=script-panel] [data-testid=replay-run]').click();
      await page.locator('[data-testid=script-panel] [data-testid=replay-report]').waitFor({ timeout: 10_000 });
      const report = await page.locator('[data-testid=script-panel] [data-testid=replay-report]').innerText();
      expect(report.includes('events replayed'), `the replay report reads "${report}"`);
    });
    await shot('05-accepted');

    await check('a runtime error in a step links to the script at its line, marked', async () => {
      await line('state.balance -= event.amount;').click();
      await page.keyboard.press('End');
      await page.keyboard.press('ArrowLeft');
      for (let i = 0; i < 4; i += 1) await page.keyboard.press('Backspace');
      await page.keyboard.type('out');
      await page.keyboard.press('Control+s');
      await page.waitForFunction(() => !document.querySelector('[data-testid=script-dirty]'), null, { timeout: 10_000 });
      await page.locator('[data-testid=script-close]').click();
      await page.locator('[data-field="amount"] input').fill('10');
      await page.locator('[data-testid=submit-play]').click();
      const link = page.locator('[data-testid=last-step-script]');
      await page.waitForFunction(() => /at line \d+/.test(document.querySelector('[data-testid=last-step-script]')?.textContent ?? ''), null, { timeout: 15_000 });
      const label = await link.innerText();
      await link.click();
      const marked = panel.locator('.cm-script-error-line');
      await marked.waitFor({ timeout: 10_000 });
      await scrollLeft();
      const text = await marked.innerText();
      expect(text.includes('event.amout'), `"${label}" marks the line "${text}"`);
      const number = await panel.locator('.cm-lineNumbers .cm-activeLineGutter').innerText();
      expect(label.endsWith(`line ${number}`), `"${label}" but the cursor is on line ${number}`);
    });
    await shot('06-runtime-error');

    expect(errors.length === 0, `the page logged errors: ${errors.join(' | ')}`);
  } finally {
    await tearDown({ page, server, dir });
  }
}
