// A live workshop on one served board, in three browsers: the facilitator
// (Ann), a participant (Bob) and a viewer (Vic), each through their own
// link. They join under a name and colour, see each other's names and
// pointers, undo only their own edits, the viewer changes nothing, the
// others' view follows the facilitator's while she presents, and a locked
// board refuses the participant's edits.

import { cpSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { check, collectErrors, expect, onFailureShoot, repo, serve, shots, tempDir, tearDown } from './harness.mjs';

const VIEWPORT = { width: 1440, height: 900 };

function workCopy() {
  const dir = tempDir('workshop-live');
  mkdirSync(join(dir, 'models'));
  cpSync(join(repo, 'models', 'bank_account.ron'), join(dir, 'models', 'bank_account.ron'));
  cpSync(join(repo, 'scripts', 'bank_account'), join(dir, 'scripts', 'bank_account'), { recursive: true });
  return { dir, model: join(dir, 'models', 'bank_account.ron') };
}

/** A request to the served API from inside the page, with the page's own token (so its role). */
function api(page, request) {
  return page.evaluate(async (body) => {
    const token = new URL(location.href).searchParams.get('token');
    const reply = await fetch(`/api?token=${token}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    return { status: reply.status, body: await reply.json() };
  }, request);
}

const addRequest = (name) => ({ type: 'edit', op: { type: 'add_element', kind: 'Event', name, position: { x: 2000, y: 2000 } } });

/** The canvas's viewport transform: `{ x, y, zoom }`. */
const viewportOf = (page) =>
  page.evaluate(() => {
    const style = document.querySelector('.react-flow__viewport')?.style.transform ?? '';
    const match = /translate\((-?[\d.e-]+)px,\s*(-?[\d.e-]+)px\)\s*scale\((-?[\d.e-]+)\)/.exec(style);
    return match ? { x: Number(match[1]), y: Number(match[2]), zoom: Number(match[3]) } : null;
  });

const sameViewport = (a, b) => a && b && Math.abs(a.x - b.x) < 1 && Math.abs(a.y - b.y) < 1 && Math.abs(a.zoom - b.zoom) < 0.002;

/** Wait until `follower`'s viewport is the presenter's (both may still be settling). */
async function waitSameViewport(presenter, follower, ms = 8000) {
  const until = Date.now() + ms;
  let a;
  let b;
  while (Date.now() < until) {
    [a, b] = await Promise.all([viewportOf(presenter), viewportOf(follower)]);
    if (sameViewport(a, b)) {
      // Still the same a moment later: not two animations crossing.
      await presenter.waitForTimeout(300);
      [a, b] = await Promise.all([viewportOf(presenter), viewportOf(follower)]);
      if (sameViewport(a, b)) return a;
    }
    await presenter.waitForTimeout(100);
  }
  throw new Error(`the viewports differ: presenter ${JSON.stringify(a)}, follower ${JSON.stringify(b)}`);
}

export async function workshopLiveSuite(browser) {
  const { dir, model } = workCopy();
  const { server, links: linksPromise } = serve(model);
  const contexts = [];
  let ann;
  try {
    const links = await linksPromise;
    console.log(`serving at ${links.facilitator.replace(/token=.*/, 'token=…')} (three links)`);
    const open = async (link) => {
      const context = await browser.newContext({ viewport: VIEWPORT });
      contexts.push(context);
      const page = await context.newPage();
      const errors = collectErrors(page);
      await page.goto(link);
      return { page, errors };
    };
    const a = await open(links.facilitator);
    ann = a.page;
    onFailureShoot(ann);
    const b = await open(links.participant);
    const bob = b.page;
    const v = await open(links.viewer);
    const vic = v.page;
    const pages = [ann, bob, vic];
    const shot = (name, page = ann) => page.screenshot({ path: join(shots, `workshop-live-${name}.png`) });
    const sticky = (page, id) => page.locator(`.react-flow__node[data-id="${id}"]`);
    const stickyCount = (page) => page.locator('.react-flow__node.sticky-node').count();
    const avatars = (page) => page.locator('[data-testid=who-is-here] [data-testid=avatar]');
    const present = (page, id) => page.waitForSelector(`.react-flow__node[data-id="${id}"]`, { timeout: 10_000 });
    const gone = (page, id) => page.waitForSelector(`.react-flow__node[data-id="${id}"]`, { state: 'detached', timeout: 10_000 });
    /** A spot on the open board below the bank account's frame, as a fraction of the canvas. */
    const spot = async (page, fx, fy) => {
      const canvas = await page.locator('.canvas').boundingBox();
      return { x: canvas.x + canvas.width * fx, y: canvas.y + canvas.height * fy };
    };
    /** Press a kind's key over the open board: the new sticky's id (its name is left as the kind's label). */
    const addSticky = async (page, fx, fy) => {
      const at = await spot(page, fx, fy);
      await page.mouse.move(at.x, at.y);
      await page.keyboard.press('e');
      const editor = page.locator('.react-flow__node.sticky-node:has(.sticky-name-editor)');
      await editor.waitFor({ timeout: 5000 });
      const id = await editor.getAttribute('data-id');
      await page.keyboard.press('Escape');
      await page.waitForSelector('.sticky-name-editor', { state: 'detached' });
      return id;
    };

    await check('each person is asked for a name and a colour, and joins under them', async () => {
      const join = async (page, name, colour, screenshot) => {
        await page.waitForSelector('[data-testid=join-dialog]', { timeout: 15_000 });
        await page.locator('[data-testid=join-name]').fill(name);
        await page.locator(`.join-colour input[value="${colour}"]`).check();
        if (screenshot) await shot(screenshot, page);
        await page.locator('[data-testid=join-go]').click();
        await page.waitForSelector('[data-testid=join-dialog]', { state: 'detached' });
      };
      await join(ann, 'Ann', '#e91e63');
      await join(bob, 'Bob', '#1e88e5');
      await join(vic, 'Vic', '#43a047', '00-join-dialog');
      await Promise.all(pages.map((p) => p.waitForSelector('.sticky', { timeout: 15_000 })));
    });

    await check('everyone sees who is here: three names, their roles, and themselves marked “you”', async () => {
      for (const page of pages) {
        await page.waitForFunction(() => document.querySelectorAll('[data-testid=who-is-here] [data-testid=avatar]').length === 3, null, { timeout: 10_000 });
      }
      const labels = await avatars(ann).evaluateAll((list) => list.map((e) => e.getAttribute('aria-label')));
      expect(labels.join(' | ') === 'Ann (you, facilitator) | Bob (participant) | Vic (viewer)', `Ann's list reads ${labels.join(' | ')}`);
      const bobs = await avatars(bob).evaluateAll((list) => list.map((e) => e.getAttribute('aria-label')));
      expect(bobs.includes('Bob (you, participant)') && bobs.includes('Ann (facilitator)'), `Bob's list reads ${bobs.join(' | ')}`);
      const initials = await avatars(vic).allInnerTexts();
      expect(initials.map((t) => t.trim().split('\n')[0]).join(',') === 'A,B,V', `Vic's badges read ${initials.join(',')}`);
    });

    await check('the participant’s pointer and selection show on the others’ boards, on the sticky they are over', async () => {
      await sticky(bob, 'cmd-deposit-money').locator('.sticky-name').click();
      const target = sticky(bob, 'cmd-open-account');
      const box = await target.boundingBox();
      await bob.mouse.move(box.x + box.width / 2, box.y + box.height / 2, { steps: 5 });
      const vicAt = await spot(vic, 0.72, 0.86);
      await vic.mouse.move(vicAt.x, vicAt.y, { steps: 3 });
      for (const page of [ann, vic]) {
        const cursor = page.locator('[data-testid=presence-cursor][data-who="Bob"]');
        await cursor.waitFor({ timeout: 5000 });
        // The pointer glides to where it stopped: wait for it to settle.
        await page.waitForTimeout(400);
        const tip = await cursor.boundingBox();
        const under = await sticky(page, 'cmd-open-account').boundingBox();
        const inside = tip.x >= under.x && tip.x <= under.x + under.width && tip.y >= under.y && tip.y <= under.y + under.height;
        expect(inside, `Bob's pointer is drawn at ${Math.round(tip.x)},${Math.round(tip.y)}, not on OpenAccount (${JSON.stringify(under)})`);
        const label = await cursor.innerText();
        expect(label.includes('Bob'), `the pointer is labelled "${label}"`);
        await page.locator('[data-testid=presence-selection][data-who="Bob"][data-id="cmd-deposit-money"]').waitFor({ timeout: 5000 });
      }
      await ann.locator('[data-testid=presence-cursor][data-who="Vic"]').waitFor({ timeout: 5000 });
      await bob.locator('[data-testid=presence-cursor][data-who="Vic"]').waitFor({ timeout: 5000 });
    });
    await ann.waitForTimeout(300);
    await shot('01-facilitator-sees-others');
    await shot('02-participant', bob);

    let annFirst;
    let bobs;
    await check('per-person undo: the facilitator’s Ctrl+Z takes back her sticky, not the participant’s', async () => {
      annFirst = await addSticky(ann, 0.25, 0.9);
      bobs = await addSticky(bob, 0.55, 0.9);
      await present(ann, bobs);
      await present(bob, annFirst);
      await ann.keyboard.press('Control+z');
      await gone(ann, annFirst);
      await gone(bob, annFirst);
      expect((await sticky(ann, bobs).count()) === 1, 'Bob’s sticky went with Ann’s undo');
      expect(await bob.locator('button', { hasText: /^Undo$/ }).isEnabled(), 'Bob has nothing left to undo');
      expect(!(await ann.locator('button', { hasText: /^Undo$/ }).isEnabled()), 'Ann can still undo after taking back her only change');
    });

    await check('an undo of a sticky the participant has moved since is refused, with the backend’s reason', async () => {
      const annSecond = await addSticky(ann, 0.35, 0.9);
      await present(bob, annSecond);
      await sticky(bob, annSecond).locator('.sticky-name').click();
      const before = await sticky(ann, annSecond).boundingBox();
      await bob.keyboard.press('ArrowRight');
      await ann.waitForFunction(
        ([id, x]) => document.querySelector(`.react-flow__node[data-id="${id}"]`)?.getBoundingClientRect().x > x + 2,
        [annSecond, before.x],
        { timeout: 5000 },
      );
      await ann.keyboard.press('Control+z');
      const toast = ann.locator('.toast-error').first();
      await toast.waitFor({ timeout: 5000 });
      const text = await toast.innerText();
      expect(text.includes('cannot undo your change') && text.includes('Bob has changed it since'), `the toast reads "${text}"`);
      expect((await sticky(ann, annSecond).count()) === 1, 'the sticky Bob moved was taken away');
      // The refused step is dropped: Ann has nothing left to undo, and her Undo button says so.
      await ann.waitForFunction(() => [...document.querySelectorAll('.toolbar button')].find((e) => e.textContent === 'Undo')?.disabled === true, null, { timeout: 5000 });
      await shot('03-refused-undo');
    });

    await check('the viewer has no palette, a “Viewing” badge, and cannot change the board', async () => {
      expect((await vic.locator('.palette').count()) === 0, 'the viewer has a palette');
      const badge = await vic.locator('[data-testid=role-badge]').innerText();
      expect(badge === 'Viewing', `the viewer's badge reads "${badge}"`);
      expect(!(await vic.locator('button', { hasText: /^Undo$/ }).isEnabled()), 'the viewer may press Undo');
      const count = await stickyCount(ann);
      const at = await spot(vic, 0.45, 0.9);
      await vic.mouse.move(at.x, at.y);
      await vic.keyboard.press('e');
      await vic.mouse.dblclick(at.x, at.y);
      const positionOf = async () => (await api(ann, { type: 'get_state' })).body.state.board.elements.find((e) => e.id === 'cmd-deposit-money').position;
      const was = await positionOf();
      const from = await sticky(vic, 'cmd-deposit-money').boundingBox();
      await vic.mouse.move(from.x + from.width / 2, from.y + from.height / 2);
      await vic.mouse.down();
      await vic.mouse.move(from.x + from.width / 2 + 120, from.y + from.height / 2 + 60, { steps: 8 });
      await vic.mouse.up();
      await vic.waitForTimeout(800);
      expect((await stickyCount(ann)) === count && (await stickyCount(vic)) === count, `the sticky count went from ${count} to ${await stickyCount(ann)}`);
      const now = await positionOf();
      expect(now.x === was.x && now.y === was.y, `the viewer dragged DepositMoney from ${JSON.stringify(was)} to ${JSON.stringify(now)}`);
      const refused = await api(vic, addRequest('Sneaky'));
      expect(refused.status === 422 && refused.body.error.includes('viewers watch the board'), `a viewer's edit got ${refused.status} ${JSON.stringify(refused.body)}`);
      expect((await vic.locator('.toast-error').count()) === 0, `the viewer was shown an error: ${await vic.locator('.toast-error').allInnerTexts()}`);
    });
    await shot('04-viewer', vic);

    await check('follow-me: while the facilitator presents, the others’ view follows her pans and zooms', async () => {
      await ann.locator('[data-testid=present]').click();
      for (const page of [bob, vic]) {
        await page.waitForFunction(() => document.querySelector('[data-testid=follow-status]')?.textContent?.includes('Following Ann'), null, { timeout: 5000 });
      }
      const centre = await spot(ann, 0.5, 0.5);
      await ann.mouse.move(centre.x, centre.y);
      await ann.mouse.wheel(0, -400);
      await ann.waitForTimeout(300);
      const empty = await spot(ann, 0.9, 0.2);
      await ann.mouse.move(empty.x, empty.y);
      await ann.mouse.down();
      await ann.mouse.move(empty.x - 200, empty.y + 80, { steps: 10 });
      await ann.mouse.up();
      const moved = await waitSameViewport(ann, bob);
      await waitSameViewport(ann, vic);
      expect(moved.zoom > 0, 'no viewport');
    });
    await shot('05-following', bob);

    await check('follow-me: the presenter’s Run mode is the followers’ too', async () => {
      await ann.locator('[data-testid=mode-run]').click();
      await bob.waitForSelector('[data-testid=mode-run][aria-pressed=true]', { timeout: 5000 });
      await vic.waitForSelector('[data-testid=mode-run][aria-pressed=true]', { timeout: 5000 });
      await waitSameViewport(ann, bob);
      expect((await vic.locator('fieldset.workshop-gate:disabled [data-testid=run-bar]').count()) === 1, 'the viewer’s run controls are not disabled');
      await ann.locator('[data-testid=mode-design]').click();
      await bob.waitForSelector('[data-testid=mode-design][aria-pressed=true]', { timeout: 5000 });
      await waitSameViewport(ann, bob);
    });

    await check('a participant stops following by zooming, and resumes', async () => {
      const at = await spot(bob, 0.5, 0.5);
      await bob.mouse.move(at.x, at.y);
      await bob.mouse.wheel(0, 300);
      await bob.waitForSelector('[data-testid=follow]', { timeout: 5000 });
      const status = await bob.locator('[data-testid=follow-status]').innerText();
      expect(status.includes('Ann is presenting'), `Bob's follow status reads "${status}"`);
      await bob.waitForTimeout(500);
      const [annView, bobView] = await Promise.all([viewportOf(ann), viewportOf(bob)]);
      expect(!sameViewport(annView, bobView), 'Bob still sees Ann’s view after zooming away');
      await bob.locator('[data-testid=follow]').click();
      await waitSameViewport(ann, bob);
      await ann.locator('[data-testid=present]').click();
      await bob.waitForSelector('[data-testid=follow-status]', { state: 'detached', timeout: 5000 });
    });

    await check('lock: the participant sees the board locked and cannot change it until it is unlocked', async () => {
      await ann.locator('[data-testid=lock]').click();
      await bob.waitForFunction(() => document.querySelector('[data-testid=role-badge]')?.textContent === 'Locked by the facilitator', null, { timeout: 5000 });
      expect((await bob.locator('fieldset.workshop-gate:disabled .palette').count()) === 1, 'Bob’s palette is not disabled');
      const count = await stickyCount(bob);
      const at = await spot(bob, 0.65, 0.9);
      await bob.mouse.move(at.x, at.y);
      await bob.keyboard.press('e');
      await bob.waitForTimeout(600);
      expect((await stickyCount(bob)) === count, 'Bob added a sticky to a locked board');
      const refused = await api(bob, addRequest('WhileLocked'));
      expect(refused.status === 422 && refused.body.error.includes('locked'), `Bob's edit on a locked board got ${refused.status} ${JSON.stringify(refused.body)}`);
      await shot('06-locked', bob);
      await ann.locator('[data-testid=lock]').click();
      await bob.waitForSelector('[data-testid=role-badge]', { state: 'detached', timeout: 5000 });
      const added = await addSticky(bob, 0.65, 0.9);
      await present(ann, added);
    });

    await check('a reload joins again silently under the same name', async () => {
      await bob.reload();
      await bob.waitForSelector('.sticky', { timeout: 15_000 });
      await bob.waitForTimeout(500);
      expect((await bob.locator('[data-testid=join-dialog]').count()) === 0, 'the join dialog asked again after a reload');
      await ann.waitForFunction(
        () => [...document.querySelectorAll('[data-testid=who-is-here] [data-testid=avatar]')].map((e) => e.getAttribute('aria-label')).includes('Bob (participant)'),
        null,
        { timeout: 10_000 },
      );
      expect((await avatars(ann).count()) === 3, `Ann sees ${await avatars(ann).count()} people after Bob reloaded`);
    });

    await check('no page logged an error (refused requests aside)', async () => {
      const logged = [a, b, v].flatMap((p) => p.errors).filter((e) => !/status of 422/.test(e));
      expect(logged.length === 0, `the pages logged: ${logged.join('\n')}`);
    });
  } finally {
    await tearDown({ page: ann, server, dir });
    for (const context of contexts) await context.close().catch(() => {});
  }
}
