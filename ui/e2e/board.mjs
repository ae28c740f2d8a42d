// The bank-account board as a person works on it: add, name, connect,
// find, undo, save, drag, resize, fields and tags, a second browser, export,
// a change on disk, recovery after a restart.

import { cpSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { check, collectErrors, expect, exportBoard, onFailureShoot, repo, savedPosition, serve, shots, stop, tempDir, tearDown, waitFor } from './harness.mjs';

/** A copy of the model and its scripts, so the run can save without touching the repo. */
function workCopy() {
  const dir = tempDir('board');
  mkdirSync(join(dir, 'models'));
  cpSync(join(repo, 'models', 'bank_account.ron'), join(dir, 'models', 'bank_account.ron'));
  cpSync(join(repo, 'scripts', 'bank_account'), join(dir, 'scripts', 'bank_account'), { recursive: true });
  return { dir, model: join(dir, 'models', 'bank_account.ron') };
}

export async function boardSuite(browser) {
  const { dir, model } = workCopy();
  let { server, url: urlPromise } = serve(model);
  let page;
  try {
    const url = await urlPromise;
    console.log(`serving at ${url.replace(/token=.*/, 'token=…')}`);
    page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
    // The restart below drops the push socket on purpose while the page retries; collectErrors allows that.
    const errors = collectErrors(page);
    await page.goto(url);
    const shot = (name) => page.screenshot({ path: join(shots, `${name}.png`) });
    onFailureShoot(page);
    const sticky = (id) => page.locator(`.react-flow__node[data-id="${id}"]`);
    const toast = page.locator('.toast');

    await check('the board renders all 17 bank-account elements', async () => {
      await page.waitForSelector('.sticky', { timeout: 15_000 });
      await page.waitForTimeout(500);
      const count = await page.locator('.react-flow__node.sticky-node').count();
      expect(count === 17, `expected 17 stickies, saw ${count}`);
      const frame = await page.locator('.frame-title').innerText();
      expect(frame.includes('Banking'), `the bounded context frame reads "${frame}"`);
      const arrows = await page.locator('.react-flow__edge').count();
      expect(arrows === 25, `expected 25 arrows, saw ${arrows}`);
    });
    await check('the title names the file', async () => {
      const title = await page.title();
      expect(title.includes('bank_account.ron') && !title.includes('●'), `title is "${title}"`);
    });
    await shot('01-loaded');

    let added = null;
    await check('a keyboard shortcut adds a sticky under the pointer, ready to be named', async () => {
      const canvas = await page.locator('.canvas').boundingBox();
      // Below the bounded context, on the open board.
      await page.mouse.move(canvas.x + canvas.width * 0.55, canvas.y + canvas.height * 0.9);
      await page.keyboard.press('e');
      await page.waitForSelector('.sticky-name-editor', { timeout: 5000 });
      await page.waitForTimeout(200);
      const count = await page.locator('.react-flow__node.sticky-node').count();
      expect(count === 18, `expected 18 stickies after adding one, saw ${count}`);
      added = await page.locator('.react-flow__node.sticky-node:has(.sticky-name-editor)').getAttribute('data-id');
      expect(added?.startsWith('evt-'), `the new sticky's id is ${added}`);
      expect((await page.title()).includes('●'), 'the title marks the board dirty');
    });
    await shot('02-added');

    await check('Enter confirms the inline name', async () => {
      await page.keyboard.type('MoneyTransferred');
      await page.keyboard.press('Enter');
      await page.waitForFunction(
        (id) => document.querySelector(`.react-flow__node[data-id="${id}"] .sticky-name`)?.textContent === 'MoneyTransferred',
        added,
        { timeout: 5000 },
      );
    });
    await check('Escape cancels an inline rename', async () => {
      await sticky(added).locator('.sticky').dblclick();
      await page.waitForSelector('.sticky-name-editor');
      await page.keyboard.type('Oops');
      await page.keyboard.press('Escape');
      await page.waitForTimeout(300);
      const name = await sticky(added).locator('.sticky-name').innerText();
      expect(name === 'MoneyTransferred', `name after Escape is "${name}"`);
    });
    await shot('03-renamed');

    await check('the properties panel shows the selected command with its fields', async () => {
      await sticky('cmd-deposit-money').locator('.sticky-name').click();
      await page.waitForSelector('.properties .fields-editor');
      const rows = await page.locator('.fields-editor .field-row:not(.field-blank)').count();
      expect(rows === 2, `DepositMoney shows ${rows} field rows`);
      expect((await page.locator('.fields-editor .field-blank').count()) === 1, 'no blank row waits for a new field');
      const type = await page.locator('.fields-editor .field-row').nth(1).locator('input').nth(1).inputValue();
      expect(type === 'decimal', `amount's type reads "${type}"`);
    });
    await shot('04-properties');

    await check('a forbidden arrow is refused with the grammar’s reason', async () => {
      const from = await sticky('evt-money-withdrawn').locator('.react-flow__handle-right').boundingBox();
      const to = await sticky('cmd-withdraw-money').boundingBox();
      const before = await page.locator('.react-flow__edge').count();
      await page.mouse.move(from.x + from.width / 2, from.y + from.height / 2);
      await page.mouse.down();
      await page.mouse.move(from.x + 40, from.y + 40, { steps: 5 });
      await page.mouse.move(to.x + to.width / 2, to.y + to.height / 2, { steps: 15 });
      await page.waitForTimeout(150);
      await shot('05-drawing-forbidden');
      await page.mouse.up();
      await toast.first().waitFor({ timeout: 5000 });
      const text = await toast.first().innerText();
      expect(text.includes('put a policy between them'), `the toast reads "${text}"`);
      const after = await page.locator('.react-flow__edge').count();
      expect(after === before, `arrows went from ${before} to ${after}`);
    });
    await shot('06-forbidden');

    await check('an allowed arrow is drawn', async () => {
      const from = await sticky('agg-bank-account').locator('.react-flow__handle-bottom').boundingBox();
      const to = await sticky(added).boundingBox();
      const before = await page.locator('.react-flow__edge').count();
      await page.mouse.move(from.x + from.width / 2, from.y + from.height / 2);
      await page.mouse.down();
      await page.mouse.move(to.x + to.width / 2, to.y + to.height / 2, { steps: 15 });
      await page.mouse.up();
      await page.waitForFunction((n) => document.querySelectorAll('.react-flow__edge').length === n + 1, before, {
        timeout: 5000,
      });
    });

    await check('the lint panel lists findings and a click selects the element', async () => {
      const items = page.locator('.lint-item');
      expect((await items.count()) > 0, 'the lint panel lists no findings for a board with a new event');
      const item = page.locator('.lint-item', { hasText: 'MoneyTransferred' }).first();
      await item.click();
      await page.waitForTimeout(500);
      const selected = await page.locator('.react-flow__node.selected').getAttribute('data-id');
      expect(selected === added, `selected after clicking the finding: ${selected}`);
      expect((await sticky(added).locator('.sticky-badge').count()) === 1, 'the new event carries a lint badge');
    });
    await shot('07-lint');

    await check('Ctrl+F finds by name and jumps between hits', async () => {
      await page.locator('.react-flow__pane').click({ position: { x: 5, y: 5 } });
      await page.keyboard.press('Control+f');
      await page.waitForSelector('.search-bar input');
      await page.keyboard.type('money');
      await page.waitForFunction(() => document.querySelector('.search-count')?.textContent === '– / 5', null, {
        timeout: 5000,
      });
      await page.keyboard.press('Enter');
      await page.waitForTimeout(400);
      const count = await page.locator('.search-count').innerText();
      expect(/^1 \/ \d+$/.test(count), `search count reads "${count}"`);
      expect((await page.locator('.sticky-hit').count()) >= 4, 'the hits are highlighted');
    });
    await shot('08-search');
    await page.keyboard.press('Escape');

    await check('Ctrl+Z undoes through the backend (the arrow, then the name)', async () => {
      await page.locator('.react-flow__pane').click({ position: { x: 5, y: 5 } });
      const edges = await page.locator('.react-flow__edge').count();
      await page.keyboard.press('Control+z');
      await page.waitForFunction((n) => document.querySelectorAll('.react-flow__edge').length === n - 1, edges, {
        timeout: 5000,
      });
      await page.keyboard.press('Control+z');
      // Only stickies in view are in the page; show the whole board again.
      await page.locator('button[title="Show the whole board"]').click();
      await page.waitForTimeout(500);
      await page.waitForFunction(
        (id) => document.querySelector(`.react-flow__node[data-id="${id}"] .sticky-name`)?.textContent === 'Event',
        added,
        { timeout: 5000 },
      );
    });
    await shot('09-undone');

    await check('Ctrl+S saves to the file and clears the dirty mark', async () => {
      await page.keyboard.press('Control+s');
      await page.waitForFunction(() => !document.title.includes('●'), null, { timeout: 5000 });
      const text = readFileSync(model, 'utf8');
      expect(text.includes(`id: "${added}"`), 'the saved file has the new sticky');
      expect(!text.includes('MoneyTransferred'), 'the undone rename is not in the file');
    });
    await shot('10-saved');

    const stickyCount = () => page.locator('.react-flow__node.sticky-node').count();
    const fit = async () => {
      await page.locator('button[title="Show the whole board"]').click();
      await page.waitForTimeout(400);
    };

    await check('dragging a sticky moves it in the backend', async () => {
      await fit();
      const before = savedPosition(readFileSync(model, 'utf8'), added);
      const box = await sticky(added).boundingBox();
      await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
      await page.mouse.down();
      await page.mouse.move(box.x + box.width / 2 + 60, box.y + box.height / 2, { steps: 10 });
      await page.mouse.up();
      await page.waitForFunction(() => document.title.includes('●'), null, { timeout: 5000 });
      await page.keyboard.press('Control+s');
      await page.waitForFunction(() => !document.title.includes('●'), null, { timeout: 5000 });
      const after = savedPosition(readFileSync(model, 'utf8'), added);
      expect(after.x > before.x + 60 && after.y === before.y, `moved from ${JSON.stringify(before)} to ${JSON.stringify(after)}`);
    });

    await check('Ctrl+D duplicates the selection and Delete removes the copy', async () => {
      const count = await stickyCount();
      await sticky('pol-ceo-bonus').locator('.sticky-name').click();
      await page.keyboard.press('Control+d');
      await page.waitForFunction((n) => document.querySelectorAll('.react-flow__node.sticky-node').length === n + 1, count, { timeout: 5000 });
      // The push of the new state may come before the answer that names the copy.
      await page
        .waitForFunction(() => document.querySelector('.react-flow__node.selected')?.getAttribute('data-id') !== 'pol-ceo-bonus', null, { timeout: 3000 })
        .catch(() => {});
      const selected = await page.locator('.react-flow__node.selected').getAttribute('data-id');
      expect(selected !== 'pol-ceo-bonus' && selected?.startsWith('pol-'), `selected after duplicating: ${selected}`);
      await shot('11-duplicated');
      await page.keyboard.press('Delete');
      await page.waitForFunction((n) => document.querySelectorAll('.react-flow__node.sticky-node').length === n, count, { timeout: 5000 });
    });

    await check('every arrow is still drawn after the edits', async () => {
      await fit();
      const arrows = await page.locator('.react-flow__edge').count();
      expect(arrows === 25, `expected 25 arrows, saw ${arrows}`);
    });

    const transformOf = (id) => sticky(id).evaluate((n) => n.style.transform);
    const widthOf = (id) => sticky(id).evaluate((n) => n.getBoundingClientRect().width);

    await check('shift-click selects several stickies, and dragging them is one undo step', async () => {
      await fit();
      await page.locator('.react-flow__pane').click({ position: { x: 5, y: 5 } });
      await sticky('cmd-open-account').locator('.sticky-name').click();
      await sticky('evt-account-opened').locator('.sticky-name').click({ modifiers: ['Shift'] });
      const heading = await page.locator('.properties h2').innerText();
      expect(heading === '2 selected', `the panel reads "${heading}"`);
      const before = [await transformOf('cmd-open-account'), await transformOf('evt-account-opened')];
      const box = await sticky('cmd-open-account').boundingBox();
      await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
      await page.mouse.down();
      await page.mouse.move(box.x + box.width / 2 + 30, box.y + box.height / 2 + 30, { steps: 8 });
      await page.mouse.up();
      await page.waitForTimeout(500);
      const moved = [await transformOf('cmd-open-account'), await transformOf('evt-account-opened')];
      expect(moved[0] !== before[0] && moved[1] !== before[1], `not both moved: ${before} → ${moved}`);
      await page.keyboard.press('Control+z');
      await page.waitForTimeout(500);
      const undone = [await transformOf('cmd-open-account'), await transformOf('evt-account-opened')];
      expect(undone[0] === before[0] && undone[1] === before[1], `one undo left them at ${undone}, not ${before}`);
    });

    await check('arrow keys nudge the selection as one undo step', async () => {
      const before = [await transformOf('cmd-open-account'), await transformOf('evt-account-opened')];
      expect((await page.locator('.react-flow__node.selected').count()) === 2, 'the two stickies are no longer selected');
      await page.keyboard.press('ArrowRight');
      await page.waitForFunction((t) => document.querySelector('.react-flow__node[data-id="cmd-open-account"]')?.style.transform !== t, before[0], { timeout: 5000 });
      const moved = await transformOf('evt-account-opened');
      expect(moved !== before[1], 'the second sticky did not move');
      await page.keyboard.press('Control+z');
      await page.waitForFunction((t) => document.querySelector('.react-flow__node[data-id="cmd-open-account"]')?.style.transform === t, before[0], { timeout: 5000 });
      expect((await transformOf('evt-account-opened')) === before[1], 'one undo did not bring both back');
    });

    await check('the Context button frames the selection in a new bounded context', async () => {
      await page.locator('button', { hasText: 'Context' }).click();
      await page.waitForFunction(() => document.querySelectorAll('.frame').length === 2, null, { timeout: 5000 });
      await page
        .waitForFunction(() => document.querySelector('.react-flow__node.selected')?.getAttribute('data-id')?.startsWith('ctx-'), null, { timeout: 3000 })
        .catch(() => {});
      const selected = await page.evaluate(() => [...document.querySelectorAll('.react-flow__node.selected')].map((n) => n.getAttribute('data-id')).join(' '));
      expect(selected?.startsWith('ctx-') && selected !== 'ctx-banking', `selected after framing: ${selected}`);
      const heading = await page.locator('.properties h2').innerText();
      expect(heading.startsWith('Bounded context'), `the panel reads "${heading}"`);
      await shot('16-new-context');
      await page.keyboard.press('Control+z');
      await page.waitForFunction(() => document.querySelectorAll('.frame').length === 1, null, { timeout: 5000 });
    });

    await check('a clicked arrow is selected and Delete removes it, undoably', async () => {
      await page.locator('.react-flow__pane').click({ position: { x: 5, y: 5 } });
      const arrow = page.locator('[data-testid="rf__edge-pol-thank-you-email->cmd-send-thank-you-email"]');
      const box = await arrow.locator('.react-flow__edge-path').boundingBox();
      await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
      // Edges live in zero-sized SVGs, which Playwright calls hidden.
      await page.waitForSelector('.react-flow__edge.selected', { state: 'attached', timeout: 3000 });
      const arrows = await page.locator('.react-flow__edge').count();
      await page.keyboard.press('Delete');
      await page.waitForFunction((n) => document.querySelectorAll('.react-flow__edge').length === n - 1, arrows, { timeout: 5000 });
      await page.keyboard.press('Control+z');
      await page.waitForFunction((n) => document.querySelectorAll('.react-flow__edge').length === n, arrows, { timeout: 5000 });
    });

    await check('resizing a sticky by its corner is sent to the backend and undoable', async () => {
      await page.locator('.react-flow__pane').click({ position: { x: 5, y: 5 } });
      await sticky('cmd-change-owner').locator('.sticky-name').click();
      const before = await widthOf('cmd-change-owner');
      const corner = await sticky('cmd-change-owner').locator('.react-flow__resize-control.bottom.right').first().boundingBox();
      await page.mouse.move(corner.x + corner.width / 2, corner.y + corner.height / 2);
      await page.mouse.down();
      await page.mouse.move(corner.x + 40, corner.y + 30, { steps: 8 });
      await page.mouse.up();
      await page.waitForTimeout(500);
      const after = await widthOf('cmd-change-owner');
      expect(after > before + 10, `width went from ${before} to ${after}`);
      await page.keyboard.press('Control+z');
      await page.waitForTimeout(500);
      const undone = await widthOf('cmd-change-owner');
      expect(Math.abs(undone - before) < 1, `undo left the width at ${undone}, not ${before}`);
    });

    await check('the properties panel edits fields and tags, each confirmed change one undo step', async () => {
      await page.locator('.react-flow__pane').click({ position: { x: 5, y: 5 } });
      await sticky('cmd-deposit-money').locator('.sticky-name').click();
      const type = page.locator('.fields-editor .field-row').nth(1).locator('input').nth(1);
      await type.fill('int');
      await type.press('Enter');
      await page.waitForFunction(() => [...document.querySelectorAll('[data-id="cmd-deposit-money"] .sticky-field-type')].some((n) => n.textContent === 'int'), null, { timeout: 5000 });
      const tags = page.locator('.prop-row', { hasText: 'Tags' }).locator('input');
      await tags.fill('payments, core');
      await tags.press('Enter');
      await page.waitForTimeout(300);
      await shot('15-properties-edited');
      await page.locator('.react-flow__pane').click({ position: { x: 5, y: 5 } });
      await page.keyboard.press('Control+s');
      await page.waitForFunction(() => !document.title.includes('●'), null, { timeout: 5000 });
      const text = readFileSync(model, 'utf8');
      const block = text.slice(text.indexOf('id: "cmd-deposit-money"'), text.indexOf('id: "cmd-open-account"'));
      expect(block.includes('(name: "amount", type: Int)'), `the saved command reads:\n${block}`);
      // The file keeps tags sorted: canonical form.
      expect(block.includes('tags: ["core", "payments"]'), `the saved command reads:\n${block}`);
      await page.keyboard.press('Control+z');
      await page.keyboard.press('Control+z');
      await page.waitForFunction(() => [...document.querySelectorAll('[data-id="cmd-deposit-money"] .sticky-field-type')].some((n) => n.textContent === 'decimal'), null, { timeout: 5000 });
    });

    await check('a second browser sees each edit and undo as it happens', async () => {
      const other = await browser.newPage({ viewport: { width: 1400, height: 900 } });
      try {
        await other.goto(url);
        await other.waitForSelector('.react-flow__node[data-id="cmd-open-account"] .sticky-name', { timeout: 15_000 });
        await page.locator('.react-flow__pane').click({ position: { x: 5, y: 5 } });
        await sticky('cmd-open-account').locator('.sticky-name').click();
        const name = page.locator('.prop-row', { hasText: 'Name' }).locator('input');
        await name.fill('OpenBankAccount');
        await name.press('Enter');
        await other.waitForFunction(() => document.querySelector('.react-flow__node[data-id="cmd-open-account"] .sticky-name')?.textContent === 'OpenBankAccount', null, { timeout: 5000 });
        await page.locator('.react-flow__pane').click({ position: { x: 5, y: 5 } });
        await page.keyboard.press('Control+z');
        await other.waitForFunction(() => document.querySelector('.react-flow__node[data-id="cmd-open-account"] .sticky-name')?.textContent === 'OpenAccount', null, { timeout: 5000 });
        await page.waitForFunction(() => document.querySelector('.react-flow__node[data-id="cmd-open-account"] .sticky-name')?.textContent === 'OpenAccount', null, { timeout: 5000 });
      } finally {
        await other.close();
      }
    });

    await check('a double click on the open board adds a sticky of the last kind used', async () => {
      const count = await stickyCount();
      const canvas = await page.locator('.canvas').boundingBox();
      await page.mouse.dblclick(canvas.x + canvas.width * 0.3, canvas.y + 40);
      await page.waitForSelector('.sticky-name-editor', { timeout: 5000 });
      await page.keyboard.press('Escape');
      expect((await stickyCount()) === count + 1, 'no sticky was added');
      const id = await page.locator('.react-flow__node.selected').getAttribute('data-id');
      expect(id?.startsWith('evt-'), `the double click added ${id}, not an event`);
      await page.locator('.react-flow__pane').click({ position: { x: 5, y: 5 } });
      await page.keyboard.press('Control+z');
      await page.waitForFunction((n) => document.querySelectorAll('.react-flow__node.sticky-node').length === n, count, { timeout: 5000 });
    });

    await check('PNG export downloads a picture of the whole board', async () => {
      const path = join(shots, 'export.png');
      await exportBoard(page, 'png', path);
      const bytes = readFileSync(path);
      expect(bytes.subarray(1, 4).toString() === 'PNG', 'the download is not a PNG');
      expect(statSync(path).size > 20_000, `the PNG is only ${statSync(path).size} bytes`);
    });

    await check('SVG export downloads the backend\'s plain SVG, every sticky named in it', async () => {
      const path = join(shots, 'export.svg');
      await exportBoard(page, 'svg', path);
      const svg = readFileSync(path, 'utf8');
      expect(svg.includes('<svg') && !svg.includes('foreignObject'), 'the download is not plain SVG');
      // Names are wrapped over lines: compare the picture's text without spaces.
      const text = [...svg.matchAll(/>([^<>]*)<\/text>/g)].map((m) => m[1].replace(/\s+/g, '')).join('');
      for (const name of ['DepositMoney', 'MoneyDeposited', 'BankAccount', 'Accountowner', 'Whataboutoverdraftlimits?']) {
        expect(text.includes(name), `${name} is not in the SVG`);
      }
    });

    await check('Export ▸ Rust writes the board\'s crate beside the models, and an edited file is only overwritten when confirmed', async () => {
      const crate = join(dir, 'export', 'bank-account-rust');
      await page.getByRole('group', { name: 'Export' }).getByRole('button', { name: 'Rust', exact: true }).click();
      await page.getByText(/Exported to .*bank-account-rust: \d+ files written/).waitFor({ timeout: 15_000 });
      const cargo = readFileSync(join(crate, 'Cargo.toml'), 'utf8');
      expect(cargo.includes('rust_decimal'), 'the crate has no Cargo.toml with its dependencies');
      const lib = join(crate, 'src', 'lib.rs');
      writeFileSync(lib, `${readFileSync(lib, 'utf8')}\n// my notes\n`);
      const asked = [];
      page.once('dialog', (dialog) => {
        asked.push(dialog.message());
        void dialog.dismiss();
      });
      await page.getByRole('group', { name: 'Export' }).getByRole('button', { name: 'Rust', exact: true }).click();
      await waitFor('the question about the edited file', () => asked.length === 1);
      expect(asked[0].includes('src/lib.rs changed since Squall last wrote it'), `the question was: ${asked[0]}`);
      expect(readFileSync(lib, 'utf8').includes('// my notes'), 'the edited file was overwritten without asking');
      // The refusal is the browser's 409 for that request: expected here, not a page error.
      const conflict = errors.findIndex((e) => e.includes('409 (Conflict)'));
      if (conflict >= 0) errors.splice(conflict, 1);
    });

    await check('a change of the file on disk shows a banner whose Reload reads it again', async () => {
      await page.keyboard.press('Control+s');
      await page.waitForFunction(() => !document.title.includes('●'), null, { timeout: 5000 });
      // A save of a clean board still writes; let it land before writing over it.
      await page.waitForTimeout(500);
      const text = readFileSync(model, 'utf8');
      writeFileSync(model, text.replace('name: "Bank account"', 'name: "Bank account (edited on disk)"'));
      await page.waitForSelector('.banner-file', { timeout: 10_000 });
      await shot('12-file-changed');
      await page.locator('.banner-file button', { hasText: 'Reload' }).click();
      await page.waitForFunction(() => document.querySelector('.board-name')?.textContent?.includes('edited on disk'), null, { timeout: 5000 });
      // The new board and the banner's going may be drawn a frame apart.
      await page
        .waitForSelector('.banner-file', { state: 'detached', timeout: 3000 })
        .catch(() => {
          throw new Error('the banner stays after reloading');
        });
      await fit();
      expect((await page.locator('.react-flow__edge').count()) === 25, 'the reloaded board lost arrows');
    });

    await check('unsaved work survives a restart of squall serve as a recovery offer', async () => {
      await page.locator('.react-flow__pane').click({ position: { x: 5, y: 5 } });
      await page.keyboard.press('n');
      await page.waitForSelector('.sticky-name-editor', { timeout: 5000 });
      await page.keyboard.type('Remember me');
      await page.keyboard.press('Enter');
      await page.locator('.sticky-name', { hasText: 'Remember me' }).waitFor({ timeout: 5000 });
      const count = await stickyCount();
      stop(server);
      const folder = dirname(model);
      await waitFor('the recovery file', () => readdirSync(folder).some((f) => f.endsWith('.recovery.ron')));
      ({ server, url: urlPromise } = serve(model));
      await page.goto(await urlPromise);
      await page.waitForSelector('.banner-recovery', { timeout: 15_000 });
      await shot('13-recovery-offered');
      expect((await stickyCount()) === count - 1, 'the restarted server shows the file, without the note');
      await page.locator('.banner-recovery button', { hasText: 'Restore' }).click();
      await page.waitForFunction((n) => document.querySelectorAll('.react-flow__node.sticky-node').length === n, count, { timeout: 5000 });
      expect((await page.locator('.sticky-name', { hasText: 'Remember me' }).count()) === 1, 'the note is not back');
      expect((await page.locator('.banner-recovery').count()) === 0, 'the banner stays after restoring');
    });
    await shot('14-restored');

    await check('the page logged no errors', async () => {
      expect(errors.length === 0, errors.join('\n'));
    });
  } finally {
    await tearDown({ page, server, dir });
  }
}
