// A board of 2,000 stickies: how long it takes to load, and how smoothly it
// pans and zooms. The board is `squall bench check`'s generated one (copies
// of the bank-account flow in bounded contexts, with cross-flow arrows),
// saved with --save. Frame times are requestAnimationFrame deltas measured
// inside the page while the mouse drags the board and the wheel zooms it.
//
// The numbers are printed on lines starting with "perf:", for
// docs/performance.md.

import { cpus, loadavg, totalmem } from 'node:os';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { check, collectErrors, expect, exportBoard, onFailureShoot, savedPosition, serve, shots, sleep, squall, tempDir, tearDown } from './harness.mjs';

const STICKIES = 2000;
const ARROWS = 3000;
/** The requirement: the board shows its stickies and answers within this. */
const LOAD_BUDGET_MS = 2000;
/** The generated board's scripts, relative to its model folder (src/cmd/bench/generate.rs). */
const SCRIPTS = ['account', 'policy', 'mailer', 'overview'];

/**
 * Runs in the page before its own scripts: a requestAnimationFrame loop that
 * notes when the board first shows stickies, when frames come regularly
 * again after that (the page answers), and every frame's delta while
 * `recording` is on.
 */
function probe() {
  const perf = { ready: null, interactive: null, recording: false, frames: [], longTasks: [] };
  window.__perf = perf;
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) perf.longTasks.push({ start: e.startTime, duration: e.duration });
    }).observe({ type: 'longtask', buffered: true });
  } catch {
    // No long-task timing in this browser: the frame deltas still tell.
  }
  let last = null;
  const tick = (now) => {
    if (perf.recording && last !== null) perf.frames.push(now - last);
    if (perf.ready === null) {
      // Stickies drawn as page elements, or painted on the canvas of the board seen from far.
      const painted = Number(document.querySelector('.far-canvas')?.dataset.cards ?? 0);
      const shown = document.querySelectorAll('.react-flow__node.sticky-node').length + painted;
      // Fitted: xyflow moved the viewport off its initial identity transform.
      const viewport = document.querySelector('.react-flow__viewport')?.style.transform ?? '';
      if (shown > 0 && viewport !== '' && viewport !== 'translate(0px, 0px) scale(1)') perf.ready = performance.now();
    } else if (perf.interactive === null && last !== null && now - last < 50) {
      perf.interactive = now;
    }
    last = now;
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
}

function stats(frames) {
  const sorted = [...frames].sort((a, b) => a - b);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
  const median = at(0.5);
  const p95 = at(0.95);
  const slow = frames.filter((f) => f > 50).length;
  return { count: frames.length, median, p95, max: sorted[sorted.length - 1] ?? NaN, fps: 1000 / median, slow };
}

const ms = (v) => `${v.toFixed(1)} ms`;

/**
 * The floor the suite holds the board to, against regressions: half the
 * frames at 30 fps or better while it pans (deltas come in steps of
 * 16.7 ms, so up to 33.4 ms), at 20 fps or better while the wheel zooms
 * across the switch between painted and drawn stickies. The medians and
 * 95th percentiles are printed for docs/performance.md; on a machine busy
 * with other work the 95th percentile says more about the machine than
 * about the board, so it is reported, not held.
 */
const smoothPan = (s) => s.median <= 34;
const smoothZoom = (s) => s.median <= 51;
const describe = (s) => `median ${ms(s.median)} (${s.fps.toFixed(0)} fps), p95 ${ms(s.p95)} (${(1000 / s.p95).toFixed(0)} fps), max ${ms(s.max)}, ${s.slow} of ${s.count} frames over 50 ms`;

/** xyflow's viewport: the board's offset in the pane and its zoom. */
async function viewport(page) {
  return page.evaluate(() => {
    const match = /translate\((-?[\d.]+)px, (-?[\d.]+)px\) scale\(([\d.]+)\)/.exec(
      document.querySelector('.react-flow__viewport')?.style.transform ?? '',
    );
    return { x: Number(match?.[1]), y: Number(match?.[2]), zoom: Number(match?.[3]) };
  });
}

async function rendered(page) {
  return page.evaluate(() => ({
    stickies: document.querySelectorAll('.react-flow__node.sticky-node').length,
    painted: Number(document.querySelector('.far-canvas')?.dataset.cards ?? 0),
    frames: document.querySelectorAll('.react-flow__node.frame-node').length,
    arrows: document.querySelectorAll('.react-flow__edge').length,
    zoom: Number(/scale\(([\d.]+)\)/.exec(document.querySelector('.react-flow__viewport')?.style.transform ?? '')?.[1] ?? NaN),
    elements: document.getElementsByTagName('*').length,
  }));
}

/** Drag the board with the mouse, as a person pans: a few strokes in turn. */
async function pan(page, box) {
  const strokes = [
    [-500, -300],
    [500, 0],
    [0, 300],
    [-300, 150],
    [300, -150],
  ];
  for (const [dx, dy] of strokes) {
    const x = box.x + box.width / 2;
    const y = box.y + box.height / 2;
    await page.mouse.move(x, y);
    await page.mouse.down();
    await page.mouse.move(x + dx, y + dy, { steps: 30 });
    await page.mouse.up();
  }
}

/**
 * Zoom with the wheel, in then out, about the middle of the board: twenty
 * notches, a factor of about 16, so from the whole board to where names are
 * read and back.
 */
async function zoom(page, box) {
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  for (const delta of [...Array(20).fill(-100), ...Array(20).fill(100)]) {
    await page.mouse.wheel(0, delta);
    await sleep(16);
  }
}

/** Frame deltas while `gesture` runs. */
async function measure(page, gesture) {
  await page.evaluate(() => {
    window.__perf.frames = [];
    window.__perf.recording = true;
  });
  await gesture();
  // Let the last frames of the gesture land.
  await sleep(200);
  return page.evaluate(() => {
    window.__perf.recording = false;
    return window.__perf.frames;
  });
}

export async function perfSuite(browser) {
  const dir = tempDir('perf');
  const model = join(dir, 'models', 'big.ron');
  mkdirSync(join(dir, 'models'));
  mkdirSync(join(dir, 'scripts'));
  for (const name of SCRIPTS) writeFileSync(join(dir, 'scripts', `${name}.rhai`), '// generated board\n');
  const generated = squall(['bench', 'check', '--elements', String(STICKIES), '--connections', String(ARROWS), '--runs', '1', '--save', model]);
  if (generated.status !== 0) throw new Error(`squall bench check --save failed:\n${generated.stderr}`);

  const { server, url: urlPromise } = serve(model);
  let page;
  try {
    const url = await urlPromise;
    page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
    const errors = collectErrors(page);
    onFailureShoot(page);
    await page.addInitScript(probe);

    console.log(
      `perf: machine: ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, ` +
        `load average ${loadavg()[0].toFixed(1)}; Chromium ${browser.version()} headless, software rendering, 1600 × 1000 window`,
    );
    let load = null;
    await check(`a board of ${STICKIES} stickies loads and answers in under ${LOAD_BUDGET_MS / 1000} s`, async () => {
      await page.goto(url);
      await page.waitForFunction(() => window.__perf?.interactive !== null, null, { timeout: 30_000, polling: 100 });
      load = await page.evaluate(() => ({ ready: window.__perf.ready, interactive: window.__perf.interactive, longTasks: window.__perf.longTasks }));
      const longest = Math.max(0, ...load.longTasks.map((t) => t.duration));
      console.log(
        `perf: load: stickies shown ${ms(load.ready)}, answering ${ms(load.interactive)} after navigation ` +
          `(longest task ${ms(longest)}, ${load.longTasks.length} tasks over 50 ms)`,
      );
      expect(load.interactive < LOAD_BUDGET_MS, `the board answered only ${ms(load.interactive)} after navigation`);
    });

    const box = await page.locator('.react-flow__pane').boundingBox();
    const overview = await rendered(page);
    console.log(
      `perf: overview (zoom ${overview.zoom.toFixed(2)}): ${overview.stickies} of ${STICKIES} stickies and ${overview.arrows} of ${ARROWS} arrows in the page, ` +
        `${overview.painted} stickies painted on the canvas, ${overview.frames} frames; ${overview.elements} DOM elements`,
    );
    await page.screenshot({ path: join(shots, 'perf-1-overview.png') });

    await check('from the whole board, panning keeps 30 fps and zooming 20 fps or better (median frame)', async () => {
      const panned = stats(await measure(page, () => pan(page, box)));
      const zoomed = stats(await measure(page, () => zoom(page, box)));
      console.log(`perf: overview pan:  ${describe(panned)}`);
      console.log(`perf: overview zoom: ${describe(zoomed)}`);
      expect(smoothPan(panned) && smoothZoom(zoomed), 'frames too slow for smooth panning and zooming');
    });

    await check('from far, a click on a painted sticky selects it and draws it as itself', async () => {
      await page.locator('button[title="Show the whole board"]').click();
      await sleep(500);
      // The first flow's aggregate (src/cmd/bench/generate.rs): 220 × 180 at (560, 280).
      const { x, y, zoom } = await viewport(page);
      const pane = await page.locator('.react-flow__pane').boundingBox();
      await page.mouse.click(pane.x + x + (560 + 110) * zoom, pane.y + y + (280 + 90) * zoom);
      await page.waitForSelector('.react-flow__node.selected[data-id="agg-0-account"]', { timeout: 5000 });
      const heading = await page.locator('.properties h2').innerText();
      expect(heading.includes('Aggregate'), `the panel reads "${heading}"`);
      await page.screenshot({ path: join(shots, 'perf-3-picked-from-far.png') });
      await page.keyboard.press('Escape');
    });

    await check('from far, a painted sticky drags in one gesture, and the move is saved', async () => {
      // The first flow's first event, unselected and painted: 160 × 110 (src/cmd/bench/generate.rs).
      const id = 'evt-0-opened';
      await page.waitForSelector(`.react-flow__node[data-id="${id}"]`, { state: 'detached', timeout: 5000 });
      const before = savedPosition(readFileSync(model, 'utf8'), id);
      const seen = await viewport(page);
      const { x, y, zoom } = seen;
      const pane = await page.locator('.react-flow__pane').boundingBox();
      const start = { x: pane.x + x + (before.x + 80) * zoom, y: pane.y + y + (before.y + 55) * zoom };
      const by = { x: 600, y: 400 };
      await page.mouse.move(start.x, start.y);
      await page.mouse.down();
      await page.mouse.move(start.x + by.x * zoom, start.y + by.y * zoom, { steps: 12 });
      // Drawn as itself while it moves, not left behind on the canvas.
      await page.waitForSelector(`.react-flow__node.selected[data-id="${id}"]`, { timeout: 5000 });
      await page.screenshot({ path: join(shots, 'perf-4-dragged-from-far.png') });
      await page.mouse.up();
      await page.waitForFunction(() => document.title.includes('●'), null, { timeout: 5000 });
      await page.keyboard.press('Control+s');
      await page.waitForFunction(() => !document.title.includes('●'), null, { timeout: 10_000 });
      const after = savedPosition(readFileSync(model, 'utf8'), id);
      // A screen pixel is several board units from far: within a grid step or two of the pointer.
      const off = Math.max(Math.abs(after.x - before.x - by.x), Math.abs(after.y - before.y - by.y));
      expect(off <= 40, `moved from ${JSON.stringify(before)} to ${JSON.stringify(after)}, not by ${JSON.stringify(by)}`);
      const now = await viewport(page);
      expect(now.x === seen.x && now.y === seen.y, `the board panned from ${JSON.stringify(seen)} to ${JSON.stringify(now)}`);
      await page.keyboard.press('Escape');
    });

    await check('the whole big board exports as a PNG and as an SVG, every sticky and arrow in it', async () => {
      const pngPath = join(shots, 'perf-5-export.png');
      const pngTook = await exportBoard(page, 'png', pngPath, 120_000);
      const bytes = readFileSync(pngPath);
      expect(bytes.subarray(1, 4).toString() === 'PNG', 'the download is not a PNG');
      const width = bytes.readUInt32BE(16);
      const height = bytes.readUInt32BE(20);
      console.log(`perf: PNG export of ${STICKIES} stickies: ${ms(pngTook)}, ${width} × ${height} px, ${(bytes.length / 2 ** 20).toFixed(1)} MiB`);
      expect(width >= 1000 && height >= 600, `the picture is only ${width} × ${height} px`);

      const svgPath = join(shots, 'perf-5-export.svg');
      const svgTook = await exportBoard(page, 'svg', svgPath, 120_000);
      const text = readFileSync(svgPath, 'utf8');
      console.log(`perf: SVG export of ${STICKIES} stickies: ${ms(svgTook)}, ${(text.length / 2 ** 20).toFixed(1)} MiB`);
      expect(text.includes('<svg'), 'the download is not an SVG');
      // Every sticky and arrow is in the picture, not only those in view: the backend draws it from the board.
      const count = (pattern) => text.match(pattern)?.length ?? 0;
      const stickies = count(/<g data-sticky="/g);
      // An arrow's head is a polygon without a stroke; a hotspot's tilted body has one with a fill.
      const arrows = count(/<polygon points="[^"]*" stroke="none"\/>/g);
      expect(stickies === STICKIES && arrows === ARROWS, `the SVG shows ${stickies} stickies and ${arrows} arrows`);
      // The page was never redrawn for the picture: still seen from far.
      expect((await page.locator('.react-flow__node.sticky-node').count()) < 50, 'the stickies were drawn into the page for the picture');
    });

    await check('at a working zoom only the stickies in view are in the page; panning keeps 30 fps and zooming 20 fps or better', async () => {
      // Zoom in on the middle of the board to where names are read (1:1).
      await page.locator('.react-flow__controls-zoomin').click();
      for (let i = 0; i < 40; i += 1) {
        const { zoom } = await rendered(page);
        if (zoom >= 0.95) break;
        await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
        await page.mouse.wheel(0, -100);
        await sleep(40);
      }
      await sleep(300);
      const close = await rendered(page);
      console.log(
        `perf: working zoom ${close.zoom.toFixed(2)}: ${close.stickies} of ${STICKIES} stickies, ${close.arrows} of ${ARROWS} arrows in the page; ${close.elements} DOM elements`,
      );
      await page.screenshot({ path: join(shots, 'perf-2-working-zoom.png') });
      expect(close.stickies > 0 && close.stickies < STICKIES / 4, `${close.stickies} stickies in the page at zoom ${close.zoom}`);
      const panned = stats(await measure(page, () => pan(page, box)));
      const zoomed = stats(await measure(page, () => zoom(page, box)));
      console.log(`perf: working pan:  ${describe(panned)}`);
      console.log(`perf: working zoom: ${describe(zoomed)}`);
      expect(smoothPan(panned) && smoothZoom(zoomed), 'frames too slow for smooth panning and zooming');
    });

    await check('the lint panel lists the first 100 findings and shows the rest on demand', async () => {
      const listed = await page.locator('.lint-item').count();
      const more = await page.locator('.lint-more').innerText();
      expect(listed === 100 && /^Show \d+ more findings$/.test(more), `${listed} findings listed, then "${more}"`);
      await page.locator('.lint-more').click();
      const all = await page.locator('.lint-item').count();
      expect(all === 100 + Number(/\d+/.exec(more)?.[0]), `${all} findings listed after showing all`);
    });

    await check('the big board logged no errors', async () => {
      expect(errors.length === 0, errors.join('\n'));
    });
  } finally {
    await tearDown({ page, server, dir });
  }
}
