// The bank account run in Run mode, as a workshop does it: open two accounts
// through the launcher, deposit 1000 and watch the cascade (the CEO bonus of
// 10, two thank-you emails), withdraw too much and see the refusal on the
// sticky, read the account overview, scrub back before the deposit, fork a
// what-if branch and diff it, run the scenarios, and a second browser that
// sees the same run live.

import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { check, collectErrors, expect, onFailureShoot, repo, serve, shots, tempDir, tearDown } from './harness.mjs';

function workCopy() {
  const dir = tempDir('runmode');
  mkdirSync(join(dir, 'models'));
  cpSync(join(repo, 'models', 'bank_account.ron'), join(dir, 'models', 'bank_account.ron'));
  cpSync(join(repo, 'scripts', 'bank_account'), join(dir, 'scripts', 'bank_account'), { recursive: true });
  return { dir, model: join(dir, 'models', 'bank_account.ron') };
}

export async function runmodeSuite(browser) {
  const { dir, model } = workCopy();
  const { server, url: urlPromise } = serve(model);
  let page;
  let other;
  try {
    const url = await urlPromise;
    console.log(`serving at ${url.replace(/token=.*/, 'token=…')}`);
    page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
    const errors = collectErrors(page);
    // Requests the backend refused, with its words, for a failure's message.
    const refused = [];
    page.on('response', async (r) => {
      if (r.url().includes('/api') && r.status() >= 400) refused.push(`${r.status()} ${await r.text().catch(() => '')} for ${r.request().postData()}`);
    });
    await page.goto(url);
    onFailureShoot(page);
    const shot = (name, on = page) => on.screenshot({ path: join(shots, `runmode-${name}.png`) });
    const sticky = (id, on = page) => on.locator(`.react-flow__node[data-id="${id}"]`);
    const count = async (id, on = page) => {
      const badge = sticky(id, on).locator('[data-testid=event-count]');
      return (await badge.count()) === 0 ? 0 : Number(await badge.innerText());
    };
    const waitCount = (id, n, on = page) =>
      on.waitForFunction(
        ([id, n]) => Number(document.querySelector(`.react-flow__node[data-id="${id}"] [data-testid=event-count]`)?.textContent ?? 0) === n,
        [id, n],
        { timeout: 15_000 },
      );
    const quiet = () => page.waitForFunction(() => document.querySelector('[data-testid=run-pending]')?.textContent === 'queue empty', null, { timeout: 15_000 });
    const rows = () => page.locator('[data-testid=event-row]');
    const rowTexts = async () => (await rows().allInnerTexts()).map((t) => t.replace(/\s+/g, ' '));
    /** Fill the open command form and press one of its buttons. */
    const fill = async (values, button = 'submit-play') => {
      for (const [field, value] of Object.entries(values)) await page.locator(`[data-field="${field}"] input`).fill(value);
      await page.locator(`[data-testid=${button}]`).click();
    };
    const tab = (name) => page.locator(`[data-testid=tab-${name}]`).click();
    const acceptNext = (text) => page.once('dialog', (d) => void d.accept(text));

    await check('Run mode opens beside Design mode, the board read-only and the setup values in view', async () => {
      await page.waitForSelector('.sticky', { timeout: 15_000 });
      await page.locator('[data-testid=mode-run]').click();
      await page.waitForSelector('[data-testid=run-bar]', { timeout: 10_000 });
      const setup = await page.locator('[data-testid=run-setup]').innerText();
      expect(setup.includes('BONUS_ACCOUNT') && setup.includes('"ceo-bonus"'), `the setup note reads "${setup}"`);
      expect((await page.locator('.palette').count()) === 0, 'the palette is still shown');
      const draggable = await sticky('cmd-open-account').evaluate((n) => n.classList.contains('draggable'));
      expect(!draggable, 'a sticky can still be dragged while the board runs');
      const title = await page.locator('[data-testid=run-step]').getAttribute('title');
      expect(title.includes('F10'), `the Step button's tooltip is "${title}"`);
    });
    await shot('01-run-mode');

    await check('the launcher opens both accounts from the command sticky’s form', async () => {
      await sticky('cmd-open-account').click();
      await page.waitForSelector('[data-testid=command-form][data-command=cmd-open-account]');
      await fill({ account_id: 'acc-1', owner: 'Alice' });
      await waitCount('evt-account-opened', 1);
      await fill({ account_id: 'ceo-bonus', owner: 'The CEO' });
      await waitCount('evt-account-opened', 2);
      await quiet();
    });
    await shot('02-accounts-open');

    await check('a wrong amount is caught at its field before anything is queued', async () => {
      await sticky('cmd-deposit-money').click();
      await page.waitForSelector('[data-testid=command-form][data-command=cmd-deposit-money]');
      await fill({ account_id: 'acc-1', amount: 'lots' });
      const error = await page.locator('[data-field=amount] [data-testid=field-error]').innerText();
      expect(error.includes('number'), `the amount's error reads "${error}"`);
    });
    await shot('03-field-error');

    await check('deposit 1000: MoneyDeposited counted, the CEO bonus of 10 and two thank-you emails in the log', async () => {
      await fill({ account_id: 'acc-1', amount: '1000' });
      await page.waitForTimeout(500);
      await shot('04-cascade-playing');
      await waitCount('evt-money-deposited', 2);
      await waitCount('evt-thank-you-email-sent', 2);
      await quiet();
      // The log fetches new rows once the run pauses.
      await page.waitForFunction(() => document.querySelectorAll('[data-testid=event-row]').length === 6, null, { timeout: 10_000 });
      const texts = await rowTexts();
      expect(texts.filter((t) => t.includes('ThankYouEmailSent')).length === 2, `the log's rows: ${texts.join(' | ')}`);
      expect(texts.some((t) => t.includes('MoneyDeposited') && t.includes('ceo-bonus') && t.includes('"amount":10')), `no bonus deposit of 10 in: ${texts.join(' | ')}`);
    });
    await shot('05-deposited');

    await check('withdrawing more than the balance is refused, with the reason on the sticky', async () => {
      await sticky('cmd-withdraw-money').click();
      await page.waitForSelector('[data-testid=command-form][data-command=cmd-withdraw-money]');
      await fill({ account_id: 'acc-1', amount: '5000' }, 'submit-queue');
      await page.waitForFunction(() => document.querySelector('[data-testid=run-pending]')?.textContent === '1 queued');
      expect((await page.locator('[data-testid=queued-command]').innerText()).includes('WithdrawMoney'), 'the queue does not show the withdrawal');
      await page.locator('[data-testid=run-step]').click();
      const note = sticky('cmd-withdraw-money').locator('[data-testid=sticky-rejected]');
      await note.waitFor({ timeout: 10_000 });
      const text = await note.innerText();
      expect(text.includes('insufficient funds'), `the sticky's note reads "${text}"`);
      const last = await page.locator('[data-testid=last-step]').innerText();
      expect(last.includes('WithdrawMoney') && last.includes('refused: insufficient funds'), `the last step reads "${last}"`);
    });
    await shot('06-refused');

    await check('the account overview shows both balances', async () => {
      await tab('documents');
      await page.waitForSelector('[data-testid=documents-table] [data-key="acc-1"]');
      const acc = await page.locator('[data-testid=documents-table] [data-key="acc-1"]').innerText();
      const bonus = await page.locator('[data-testid=documents-table] [data-key="ceo-bonus"]').innerText();
      expect(/\b1000\b/.test(acc), `acc-1's row reads "${acc}"`);
      expect(/\b10\b/.test(bonus), `ceo-bonus's row reads "${bonus}"`);
    });
    await shot('07-overview');

    await check('the aggregate’s state shows what its last event changed', async () => {
      await tab('state');
      await page.locator('[data-testid=instance-picker]').selectOption('acc-1');
      await page.waitForFunction(() => document.querySelector('[data-testid=aggregate-state]')?.textContent?.includes('1000'));
      const diff = await page.locator('[data-testid=aggregate-diff]').innerText();
      expect(diff.includes('balance'), `the diff reads "${diff}"`);
    });
    await shot('08-state');

    await check('a row of the log opens its chain and lights it on the board', async () => {
      await tab('events');
      const last = rows().filter({ hasText: 'ThankYouEmailSent' }).last();
      await last.locator('.run-log-line').click();
      await page.waitForSelector('[data-testid=lit-arrow]');
      const lit = await page.locator('[data-testid=lit-arrow]').count();
      expect(lit >= 6, `${lit} arrows lit along the chain`);
      await last.locator('.run-log-toggle').click();
      const chain = await last.locator('[data-testid=event-chain]').innerText();
      expect(chain.includes('CEO bonus') && chain.includes('SendThankYouEmail'), `the chain reads "${chain}"`);
    });
    await shot('09-chain');

    await check('scrubbing back before the deposit shows the old documents, and keeps later events', async () => {
      const scrubber = page.locator('[data-testid=run-scrubber]');
      await scrubber.focus();
      await page.keyboard.press('Home');
      await page.keyboard.press('ArrowRight');
      await page.keyboard.press('ArrowRight');
      const position = await page.locator('[data-testid=run-position]').innerText();
      expect(position.startsWith('position 2 of'), `the position reads "${position}"`);
      await tab('documents');
      await page.waitForFunction(() => document.querySelector('[data-testid=documents-at]')?.textContent?.includes('as of position 2'));
      const acc = await page.locator('[data-testid=documents-table] [data-key="acc-1"]').innerText();
      expect(!/\b1000\b/.test(acc), `acc-1 before the deposit reads "${acc}"`);
      await tab('events');
      await page.waitForFunction(() => document.querySelectorAll('.run-log-later').length >= 4, null, { timeout: 10_000 });
      // The board counts what the branch held at position 2: two accounts opened, no deposit yet.
      await waitCount('evt-money-deposited', 0);
      expect((await count('evt-account-opened')) === 2, 'AccountOpened does not count 2 at position 2');
    });
    await shot('10-scrubbed');

    await check('“Continue from here” forks a what-if branch; a deposit there differs from main', async () => {
      acceptNext('what-if');
      await page.locator('[data-testid=run-fork]').click();
      await page.waitForFunction(() => document.querySelector('[data-testid=run-branch]')?.value === 'what-if');
      expect((await page.locator('[data-testid=sticky-rejected]').count()) === 0, 'main’s refusal is still drawn on the what-if branch');
      await sticky('cmd-deposit-money').click();
      await fill({ account_id: 'acc-1', amount: '300' });
      await waitCount('evt-money-deposited', 2);
      await quiet();
      await tab('branches');
      await page.locator('[data-testid=diff-left]').selectOption('main');
      await page.locator('[data-testid=diff-right]').selectOption('what-if');
      await page.locator('[data-testid=diff-run]').click();
      await page.waitForSelector('[data-testid=branch-diff]');
      const right = await page.locator('[data-testid=only-right]').innerText();
      const left = await page.locator('[data-testid=only-left]').innerText();
      expect(right.includes('"amount":300'), `only in what-if: "${right}"`);
      expect(left.includes('"amount":1000'), `only in main: "${left}"`);
      expect((await page.locator('[data-testid=diff-document]').count()) >= 1, 'no document differs');
    });
    await shot('11-branch-diff');

    await check('the scenarios run, each with pass or fail', async () => {
      await tab('scenarios');
      await page.locator('[data-testid=scenarios-run-all]').click();
      await page.waitForSelector('[data-testid=scenarios-tally]');
      const tally = await page.locator('[data-testid=scenarios-tally]').innerText();
      expect(/16 passed/.test(tally), `the tally reads "${tally}"`);
    });
    await check('a submitted command is saved as a scenario, one undo step', async () => {
      const before = await page.locator('[data-testid=scenario]').count();
      acceptNext('Deposit 300 on the what-if branch');
      await page.locator('[data-testid=save-as-scenario]').first().click();
      await page.waitForFunction((n) => document.querySelectorAll('[data-testid=scenario]').length === n + 1, before, { timeout: 10_000 });
      expect((await page.title()).includes('●'), 'the board is not marked as changed');
      await page.locator('button', { hasText: 'Undo' }).click();
      await page.waitForFunction((n) => document.querySelectorAll('[data-testid=scenario]').length === n, before, { timeout: 10_000 });
    });
    await shot('12-scenarios');

    await check('a second browser sees the same run live', async () => {
      other = await browser.newPage({ viewport: { width: 1400, height: 900 } });
      const otherErrors = collectErrors(other);
      await other.goto(url);
      await other.waitForSelector('.sticky', { timeout: 15_000 });
      await other.locator('[data-testid=mode-run]').click();
      await other.waitForSelector('[data-testid=run-bar]');
      await other.waitForFunction(() => document.querySelector('[data-testid=run-branch]')?.value === 'what-if');
      const deposits = await count('evt-money-deposited', other);
      await page.locator('[data-testid=tab-events]').click();
      await sticky('cmd-deposit-money').click();
      await fill({ account_id: 'acc-1', amount: '25' });
      await waitCount('evt-money-deposited', deposits + 2, other);
      await other.waitForSelector('[data-testid=lit-arrow]', { timeout: 10_000 });
      await other.waitForFunction(() => [...document.querySelectorAll('[data-testid=event-row]')].some((r) => r.textContent.includes('"amount":25')), null, { timeout: 10_000 });
      expect(otherErrors.length === 0, `the second page logged: ${otherErrors.join('\n')}`);
      await shot('13-second-browser', other);
      // The deposit's cascade plays on to its end before the next check queues a command.
      await quiet();
    });

    await check('an actor leads to its commands', async () => {
      await sticky('actor-owner').click();
      const picks = await page.locator('[data-testid=pick-command]').allInnerTexts();
      expect(picks.join(',') === 'ChangeOwner,DepositMoney,OpenAccount,WithdrawMoney', `the owner's commands: ${picks.join(', ')}`);
      await page.locator('[data-testid=pick-command][data-id=cmd-change-owner]').click();
      await page.waitForSelector('[data-testid=command-form][data-command=cmd-change-owner]');
    });

    await check('the virtual clock moves on by an hour', async () => {
      const before = await page.locator('[data-testid=run-clock]').innerText();
      await page.locator('button', { hasText: '+1h' }).click();
      // innerText on both sides: the stylesheet upper-cases the clock, so textContent never equals innerText.
      await page.waitForFunction((b) => document.querySelector('[data-testid=run-clock]')?.innerText !== b, before);
      const after = await page.locator('[data-testid=run-clock]').innerText();
      expect(after.includes('10:00'), `the clock went from "${before}" to "${after}"`);
    });

    await check('F10 steps a queued command, F5 switches to Design mode and back', async () => {
      await fill({ account_id: 'acc-1', owner: 'Bob' }, 'submit-queue');
      await page.waitForFunction(() => document.querySelector('[data-testid=run-pending]')?.textContent === '1 queued');
      // The second browser's page took the focus; keys go to the page in front.
      await page.bringToFront();
      await page.locator('.react-flow__pane').click({ position: { x: 20, y: 20 } });
      await page.evaluate(() => {
        window.__keys = [];
        window.addEventListener('keydown', (e) => window.__keys.push(`${e.key} handled=${e.defaultPrevented} on ${e.target.tagName} focus=${document.hasFocus()}`));
      });
      await page.keyboard.press('F10');
      await waitCount('evt-owner-changed', 1).catch(async (err) => {
        const toasts = await page.locator('.toast').allInnerTexts();
        throw new Error(
          `${err.message}; keys seen: ${await page.evaluate(() => window.__keys.join(', '))}; step button disabled: ${await page.locator('[data-testid=run-step]').isDisabled()}; toasts: ${toasts.join(' | ')}; refused requests: ${refused.join(' | ')}`,
        );
      });
      await page.keyboard.press('F5');
      await page.waitForSelector('.palette');
      await page.keyboard.press('F5');
      await page.waitForSelector('[data-testid=run-bar]');
    });

    await check('the SQL console answers a SELECT and refuses a write', async () => {
      await tab('sql');
      await page.locator('[data-testid=sql-input]').fill("SELECT count(*) AS n FROM visible_events WHERE visible_in = 'what-if'");
      await page.locator('[data-testid=sql-run]').click();
      await page.waitForSelector('[data-testid=sql-result]');
      const result = await page.locator('[data-testid=sql-result]').innerText();
      expect(/\bn\b/.test(result) && /\d+/.test(result), `the result reads "${result}"`);
      await page.locator('[data-testid=sql-input]').fill('DELETE FROM events');
      await page.locator('[data-testid=sql-run]').click();
      const refusal = await page.locator('[data-testid=sql-error]').innerText();
      expect(refusal.length > 0 && (await page.locator('[data-testid=sql-result]').count()) === 0, `the refusal reads "${refusal}"`);
      console.log(`     the console's refusal: ${refusal}`);
    });
    await shot('14-sql');

    await check('a script error shows file:line on its sticky', async () => {
      const script = join(dir, 'scripts', 'bank_account', 'bank_account.rhai');
      const text = readFileSync(script, 'utf8');
      writeFileSync(script, text.replace('if command.owner == state.owner {', 'if command.owner == no_such_owner {'));
      await page.waitForTimeout(1500);
      await sticky('cmd-change-owner').click();
      await fill({ account_id: 'acc-1', owner: 'Carol' });
      const note = page.locator('[data-testid=sticky-error]');
      await note.first().waitFor({ timeout: 10_000 });
      const where = await note.first().innerText();
      expect(/bank_account\.rhai:\d+/.test(where), `the error note reads "${where}"`);
      writeFileSync(script, text);
    });
    await shot('15-script-error');

    await check('Replay rebuilds the read models and says what changed', async () => {
      await tab('documents');
      await page.locator('[data-testid=replay-run]').click();
      const report = await page.locator('[data-testid=replay-report]').innerText();
      expect(/events replayed/.test(report), `the replay reads "${report}"`);
    });

    await check('a reload in the middle of a run comes back to Run mode', async () => {
      await page.reload();
      await page.waitForSelector('[data-testid=run-bar]', { timeout: 15_000 });
    });

    await check('a new run, once confirmed, starts with no events', async () => {
      acceptNext();
      await page.locator('[data-testid=run-new]').click();
      await page.waitForFunction(() => document.querySelector('[data-testid=run-position]')?.textContent === 'head · position 0');
      await page.waitForFunction(() => document.querySelectorAll('[data-testid=event-count]').length === 0);
      expect((await page.locator('[data-testid=sticky-error]').count()) === 0, 'the script error is still drawn after a new run');
    });
    await shot('16-new-run');

    await check('back in Design mode the board is editable again', async () => {
      await page.locator('[data-testid=mode-design]').click();
      await page.waitForSelector('.palette');
      const draggable = await sticky('cmd-open-account').evaluate((n) => n.classList.contains('draggable'));
      expect(draggable, 'the sticky cannot be dragged in Design mode');
      expect((await page.locator('[data-testid=event-count]').count()) === 0, 'Run mode’s counts are still drawn');
    });
    await shot('17-design-again');

    await check('the pages logged no errors', async () => {
      // Refusals the suite asked for (a write in the SQL console) are answered with 422, which the browser logs.
      const unexpected = errors.filter((e) => !/status of 422/.test(e));
      expect(unexpected.length === 0, unexpected.join('\n'));
    });
  } finally {
    await other?.close();
    await tearDown({ page, server, dir });
  }
}
