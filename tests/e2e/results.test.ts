// A new user's runs in a real VS Code (code-server 4.100.3 in Chromium, the packaged extension): two specs
// in one folder that share a store and a block name. Running a.ptx from the ▶ button in the editor title
// opens the Results panel once, beside the spec, at the default split (~540 px): key columns first and in
// view, rows grouped by task, short run labels with the full name on hover, the loss chart no wider than
// the panel, one colour per run in table and chart. Lenses give the last result and "Show attention";
// the PTX Runs view lists each run's state. b.ptx, never trained, shows none of a.ptx's results (panel,
// lenses). A failed run neither retitles nor moves the panel. a.ptx changed on disk: its lens and the Runs
// view say stale, the panel says "no results yet" and lists the old results as earlier on request. A long
// run stopped with ■ leaves no progress notification behind and the log says "stopped" in plain words;
// ▶ again resumes it where it stopped; a run of a.ptx asked for meanwhile waits for the store in a
// notification that ends by itself.
// Screenshots in test-artifacts/results-*.png.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Frame, Page } from 'playwright-core';
import { command, openFile, withEditorSession } from './codeServer.js';

const HEAD = `data d { values: 0..5  length: 4  vocab: 8 }
model m { layers: 1  heads: 1  width: 8  mlp: 16  dropout: 0  context: 12 }
task asc = sort(ascending)
task desc = sort(descending)
`;
const A = `${HEAD}pretrain base { model: m  data: d  tasks: [asc]  steps: 40  batch: 8  seed: 1  reserve: 2 }
compare desc_methods from base on desc {
  methods: [full, lora(rank: 1, targets: [query, value], lr: 0.02)]
  steps: 20  batch: 8  seeds: [0]
}
evaluate [base, desc_methods] on [asc, desc] { samples: 32  probe: [3, 0, 5, 1] }
`;
/** The same block names as a.ptx, other settings (other keys), never trained. */
const B = A.replace('steps: 40', 'steps: 30');
const BROKEN = `${HEAD}pretrain base { model: m  data: d  tasks: [nope]  steps: 5  batch: 8  seed: 1  reserve: 1 }\n`;
const LONG = `${HEAD}pretrain long { model: m  data: d  tasks: [asc]  steps: 200000  batch: 8  seed: 1  reserve: 1 }\n`;

async function resultsFrame(page: Page, selector: string, timeout = 90_000): Promise<Frame> {
  const deadline = Date.now() + timeout;
  for (;;) {
    for (const f of page.frames()) {
      try {
        if ((await f.locator(`#app[data-view="results"] ${selector}`).count()) > 0) return f;
      } catch {
        // a frame that navigated away meanwhile
      }
    }
    if (Date.now() > deadline) throw new Error(`no Results panel showing ${selector} within ${timeout / 1000} s`);
    await new Promise((r) => setTimeout(r, 300));
  }
}

const toast = (page: Page, text: string | RegExp) => page.locator('.notifications-toasts .notification-toast', { hasText: text }).first();
const lens = (page: Page, text: string | RegExp) => page.locator('.editor-instance .monaco-editor .codelens-decoration a', { hasText: text });

/** The "PTX Runs" output channel's file under the session's logs. */
function runLog(userData: string): string {
  const walk = (d: string): string[] => readdirSync(d).flatMap((n) => (statSync(join(d, n)).isDirectory() ? walk(join(d, n)) : [join(d, n)]));
  return walk(join(userData, 'logs')).filter((p) => p.endsWith('PTX Runs.log')).map((p) => readFileSync(p, 'utf8')).join('\n');
}

/** Brings a file's editor to the front: its tab when it is open, Quick Open otherwise. */
async function focusFile(page: Page, name: string): Promise<void> {
  const tab = page.locator(`.tabs-container .tab[aria-label^="${name}"]`).first();
  if ((await tab.count()) === 0) return openFile(page, name);
  await tab.click();
  await page.locator(`.tabs-container .tab.active[aria-label^="${name}"]`).first().waitFor({ timeout: 10_000 });
}

/** The PTX Runs view in the Explorer, expanded. */
async function runsView(page: Page) {
  const header = page.locator('.pane-header', { hasText: 'PTX Runs' }).first();
  await header.waitFor({ timeout: 30_000 });
  if ((await header.getAttribute('aria-expanded')) === 'false') await header.click();
  return page.locator('.pane', { has: header }).first();
}

test('results per spec: ▶ runs, the panel at the default split, lenses, the Runs view, another spec, stale, stop', { timeout: 600_000 }, async (t) => {
  const files = { 'a.ptx': A, 'b.ptx': B, 'broken.ptx': BROKEN, 'long.ptx': LONG };
  const settings = { 'ptx.backend': 'cpu', 'workbench.editor.enablePreview': false };
  await withEditorSession(t, 'results', { files, settings }, async (session) => {
    const { page, workspace } = session;
    await openFile(page, 'a.ptx');

    // ▶ in the editor title runs the whole file; the Results panel opens beside it, once.
    await page.locator('.editor-actions a.action-label[aria-label*="Run File"]').first().click({ timeout: 60_000 });
    await page.locator('.statusbar-item', { hasText: /run a\.ptx finished/ }).first().waitFor({ timeout: 240_000 });
    const results = await resultsFrame(page, 'table[data-table="runs"] tr[data-run]');
    await page.locator('.tabs-container .tab', { hasText: 'Results · a.ptx' }).first().waitFor();
    assert.equal(await page.locator('.editor-group-container').count(), 2, 'the spec and the panel side by side');
    await session.screenshot('results-1-default-split');

    // Layout at the default split: key columns first and inside the panel, the chart no wider than it.
    const layout = await results.evaluate(() => {
      const width = document.documentElement.clientWidth;
      const heads = Array.from(document.querySelectorAll('table[data-table="runs"] thead th')).map((th) => th.getAttribute('data-col'));
      const perToken = document.querySelector('table[data-table="runs"] thead th[data-col="perToken"]')!.getBoundingClientRect().right;
      const svg = document.querySelector('svg[data-figure="loss"]')!;
      const ticks = Array.from(svg.querySelectorAll('text')).map((x) => x.getBoundingClientRect().right);
      return { width, heads, perToken, svgWidth: svg.getBoundingClientRect().width, ticksRight: Math.max(...ticks), scrollWidth: document.documentElement.scrollWidth };
    });
    assert.ok(layout.width >= 380 && layout.width <= 800, `panel width ${layout.width}`);
    assert.deepEqual(layout.heads.slice(0, 3), ['run', 'exact', 'perToken']);
    assert.ok(layout.perToken <= layout.width, `per-token column ends at ${layout.perToken} of ${layout.width}`);
    assert.ok(layout.svgWidth <= layout.width, `chart ${layout.svgWidth} px in a ${layout.width} px panel`);
    assert.ok(layout.ticksRight <= layout.width, `every chart label inside the panel (${layout.ticksRight})`);
    assert.ok(layout.scrollWidth <= layout.width + 1, `no sideways scrolling (${layout.scrollWidth} > ${layout.width})`);
    // Rows grouped by task; the LoRA run's label is short, its full name on hover.
    assert.deepEqual(await results.locator('table[data-table="runs"] tbody[data-task]').evaluateAll((b) => b.map((x) => x.getAttribute('data-task'))), ['asc', 'desc']);
    const loraName = 'desc_methods/lora(rank: 1, targets: [query, value], lr: 0.02)/seed0';
    const loraCell = results.locator(`td[data-col="run"][data-value="${loraName}"]`).first();
    assert.equal(await loraCell.getAttribute('title'), loraName);
    const loraLabel = await loraCell.locator('.label').innerText();
    assert.ok(loraLabel.length <= 26 && loraLabel.startsWith('lora(') && !loraLabel.includes('targets'), `label ${loraLabel}`);
    // One colour per run: the table's swatch and the curve of the same run.
    const loraHash = await loraCell.evaluate((td) => td.closest('tr')!.getAttribute('data-run'));
    const swatch = await loraCell.locator('svg.swatch rect').getAttribute('fill');
    const curve = await results.locator(`svg[data-figure="loss"] polyline[data-series="${loraHash}"]`).getAttribute('stroke');
    assert.equal(swatch, curve);
    const legend = await results.locator(`svg[data-figure="loss"] g.legend[data-legend="${loraHash}"]`);
    assert.equal(await legend.locator('title').textContent(), loraName);

    // Lenses: the last result above the pretrain, Show attention where attention was recorded.
    await lens(page, /✓ asc \d+\.\d%.* · \d+ s/).first().waitFor({ timeout: 30_000 });
    assert.ok((await lens(page, 'Show attention').count()) >= 1, 'a Show attention lens');
    const view = await runsView(page);
    await view.locator('.monaco-list-row[aria-label="base: trained"]').waitFor({ timeout: 30_000 });
    await session.screenshot('results-2-lenses-and-runs-view');

    // b.ptx has blocks of the same names, never trained: nothing of a.ptx shows as its own.
    await openFile(page, 'b.ptx');
    await lens(page, '▷ Train').first().waitFor({ timeout: 60_000 });
    await page.waitForTimeout(2500);
    assert.equal(await lens(page, /✓|Show attention|stale/).count(), 0, 'no result lenses on b.ptx');
    await view.locator('.monaco-list-row[aria-label="base: not trained"]').waitFor({ timeout: 30_000 });
    await command(page, 'PTX: Show Results');
    await page.locator('.tabs-container .tab', { hasText: 'Results · b.ptx' }).first().waitFor({ timeout: 30_000 });
    const empty = await resultsFrame(page, '[data-empty="none"]');
    assert.equal(await empty.locator('tr[data-run]').count(), 0);
    assert.match(await empty.locator('[data-empty="none"]').innerText(), /No results yet for b\.ptx/);
    assert.equal(await empty.locator('[data-empty="none"] button[data-run-spec]').count(), 1, 'a Train button');
    await session.screenshot('results-3-other-spec-no-results');

    // A failed run: the panel keeps its title and its place.
    await openFile(page, 'broken.ptx');
    await lens(page, '▷ Train').first().click({ timeout: 60_000 });
    await toast(page, /train base failed: .*nope/).waitFor({ timeout: 60_000 });
    assert.equal(await page.locator('.tabs-container .tab', { hasText: 'Results · b.ptx' }).count(), 1, 'title unchanged');
    assert.equal(await page.locator('.editor-group-container').count(), 2, 'no third group');
    await page.keyboard.press('Escape');
    await command(page, 'Notifications: Clear All Notifications');
    await view.locator('.message', { hasText: /broken\.ptx has 1 error/ }).waitFor({ timeout: 20_000 });

    // a.ptx changed outside the editor: its results are of an earlier version now.
    writeFileSync(join(workspace, 'a.ptx'), A.replace('seed: 1', 'seed: 2'));
    await focusFile(page, 'a.ptx');
    await lens(page, /^stale/).first().waitFor({ timeout: 30_000 });
    await view.locator('.monaco-list-row[aria-label="base: stale"]').waitFor({ timeout: 30_000 });
    await command(page, 'PTX: Show Results');
    const stale = await resultsFrame(page, '[data-empty="none"]');
    await stale.locator('#earlier').check();
    await stale.locator('table[data-table="runs"] tr.earlier[data-run]').first().waitFor({ timeout: 10_000 });
    assert.equal(await stale.locator('table[data-table="runs"] tr[data-run]:not(.earlier)').count(), 0, 'every row is marked earlier');
    await session.screenshot('results-4-stale');

    // A long run stopped with ■: the progress notification goes, the log says "stopped".
    await openFile(page, 'long.ptx');
    await page.locator('.editor-actions a.action-label[aria-label*="Run File"]').first().click({ timeout: 30_000 });
    const progress = toast(page, /long: step \d+\/200000/);
    await progress.waitFor({ timeout: 60_000 });
    assert.ok(((await page.locator('.statusbar-item', { hasText: /PTX: long \d+%/ }).count()) >= 1), 'short status: run and percentage');
    await lens(page, /training \d+%/).first().waitFor({ timeout: 20_000 });
    await view.locator('.monaco-list-row[aria-label="long: running"]').waitFor({ timeout: 20_000 });
    await page.locator('.editor-actions a.action-label[aria-label*="Stop"]').first().click({ timeout: 30_000 });
    await toast(page, /run long\.ptx stopped/).waitFor({ timeout: 60_000 });
    await progress.waitFor({ state: 'detached', timeout: 15_000 });
    assert.equal(await toast(page, /still running|waits for/).count(), 0, 'no stale running notification');
    await command(page, 'PTX: Show Run Log');
    await page.locator('.part.panel .view-lines', { hasText: 'run long.ptx: stopped' }).first().waitFor({ timeout: 20_000 });
    await session.screenshot('results-5-stopped');
    // The whole log as VS Code wrote it (the output view renders only the lines in sight).
    const text = runLog(session.userData);
    assert.match(text, /backend: plain JavaScript\n/);
    assert.match(text, /run long\.ptx: stopped/);
    assert.doesNotMatch(text, /exit 143|exit 130|Ctrl-C/);

    // ▶ again resumes where it stopped (the notification says so), and ■ stops it again.
    await focusFile(page, 'long.ptx');
    await page.locator('.editor-actions a.action-label[aria-label*="Run File"]').first().click({ timeout: 30_000 });
    await toast(page, /long: (resuming at step \d+\/200000|step \d+\/200000 .* resumed at \d+)/).waitFor({ timeout: 60_000 });
    await session.screenshot('results-6-resuming');
    // a.ptx asked to run meanwhile (same store): it waits in a notification that goes away by itself when
    // long.ptx is stopped, and then runs.
    await command(page, 'Notifications: Clear All Notifications');
    await focusFile(page, 'a.ptx');
    await page.locator('.editor-actions a.action-label[aria-label*="Run File"]').first().click({ timeout: 30_000 });
    const waiting = toast(page, /run a\.ptx.*waits for run long\.ptx to finish/);
    await waiting.waitFor({ timeout: 30_000 });
    await session.screenshot('results-7-waiting-for-store');
    await focusFile(page, 'long.ptx');
    await page.locator('.editor-actions a.action-label[aria-label*="Stop"]').first().click({ timeout: 30_000 });
    await toast(page, /run long\.ptx stopped/).waitFor({ timeout: 60_000 });
    await waiting.waitFor({ state: 'detached', timeout: 15_000 });
    await page.locator('.notifications-toasts .notification-toast, .statusbar-item', { hasText: /run a\.ptx finished/ }).first().waitFor({ timeout: 120_000 });
    assert.equal(await toast(page, /waits for|still running/).count(), 0, 'no waiting notification left');
  });
});
