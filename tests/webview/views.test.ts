// The results and attention views in real Chromium, drawn from a fixture that the runtime produced
// (fixtures/report.json, recorded by record-fixtures.ts from `ptx run` + `ptx report --json`): the tables
// hold the fixture's numbers, sorting works, a heat-map cell's colour (as rendered) matches its value, the
// causal triangle is empty, hover and zoom work, and the VS Code theme variables are honoured, light and
// dark (screenshots in test-artifacts/).
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import type { Browser } from 'playwright-core';
import type { ReportData } from '../../runtime/src/report/data.js';
import { viridisRgb } from '../../client/webview/render/colormap.js';
import { figurePixels, launch, openOffline, screenshot, writeReport, type OfflinePage } from './browser.js';

const data = JSON.parse(readFileSync(join(import.meta.dirname, 'fixtures', 'report.json'), 'utf8')) as ReportData;
const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

async function withReport(t: import('node:test').TestContext, fn: (browser: Browser, file: string) => Promise<void>): Promise<void> {
  const browser = await launch(t);
  if (!browser) return;
  const file = await writeReport(data);
  try {
    await fn(browser, file);
  } finally {
    await browser.close();
    rmSync(dirname(file), { recursive: true, force: true });
  }
}

function assertClean(p: OfflinePage): void {
  assert.deepEqual(p.errors, [], 'console errors');
  assert.deepEqual(p.outside, [], 'requests outside the page');
}

test('results table: the fixture numbers, one row per current run and task, grouped by task, sortable within each; compare mean ± std', { timeout: 60_000 }, (t) =>
  withReport(t, async (browser, file) => {
    const p = await openOffline(browser, file);
    const { page } = p;
    const rows = page.locator('table[data-table="runs"] tr[data-run]');
    // One group per task, its heading first, and every row in its task's group.
    const tasks = [...new Set(data.evals.filter((e) => e.current).map((e) => e.task))];
    assert.deepEqual(await page.locator('table[data-table="runs"] tbody[data-task]').evaluateAll((bs) => bs.map((b) => b.getAttribute('data-task'))), tasks);
    for (const task of tasks) assert.equal(await page.locator(`tbody[data-task="${task}"] tr[data-run]:not([data-task="${task}"])`).count(), 0);
    const current = data.evals.filter((e) => e.current);
    const expectedRows = new Set(current.map((e) => `${e.runHash}/${e.task}`));
    assert.equal(await rows.count(), expectedRows.size);
    for (const ev of current) {
      const row = page.locator(`table[data-table="runs"] tr[data-run="${ev.runHash}"][data-task="${ev.task}"]`);
      assert.equal(await row.locator('td[data-col="exact"]').innerText(), pct(ev.exact), `${ev.run} ${ev.task}`);
      assert.equal(await row.locator('td[data-col="perToken"]').innerText(), pct(ev.perToken));
      const run = data.runs.find((r) => r.hash === ev.runHash)!;
      assert.equal(await row.locator('td[data-col="trainable"]').innerText(), run.trainable.toLocaleString('en-US'));
      assert.equal(await row.locator('td[data-col="seed"]').innerText(), String(run.seed));
    }

    // Sorting by exact match: descending on the first click, ascending on the second, within each task.
    const exacts = async (task: string) => (await page.locator(`tbody[data-task="${task}"] td[data-col="exact"]`).evaluateAll((tds) => tds.map((td) => Number(td.getAttribute('data-value')))));
    await page.locator('button[data-sort="exact"]').click();
    for (const task of tasks) {
      const down = await exacts(task);
      assert.deepEqual(down, [...down].sort((a, b) => b - a));
    }
    assert.equal(await page.locator('th:has(button[data-sort="exact"])').getAttribute('aria-sort'), 'descending');
    await page.locator('button[data-sort="exact"]').click();
    for (const task of tasks) {
      const up = await exacts(task);
      assert.deepEqual(up, [...up].sort((a, b) => a - b));
    }

    // The compare block: mean ± sample std over the two seeds, computed here from the fixture.
    for (const group of ['tune/full', 'tune/lora(rank: 1)', 'tune/prefix(length: 2)']) {
      for (const task of ['asc', 'desc']) {
        const xs = current.filter((e) => e.task === task && data.runs.find((r) => r.hash === e.runHash)!.group === group).map((e) => e.exact);
        assert.equal(xs.length, 2, `${group} ${task}`);
        const m = (xs[0]! + xs[1]!) / 2;
        const s = Math.abs(xs[0]! - xs[1]!) / Math.SQRT2;
        const cell = page.locator(`table[data-table="compare"] tr[data-group="${group}"][data-task="${task}"] td[data-col="exact"]`);
        assert.equal(await cell.innerText(), `${pct(m)} ± ${pct(s)}`);
      }
    }

    // Earlier versions of the spec are left out until asked for.
    await page.locator('#earlier').check();
    assert.equal(await rows.count(), new Set(data.evals.map((e) => `${e.runHash}/${e.task}`)).size);
    assert.ok((await page.locator('table[data-table="runs"] tr.earlier').count()) > 0);
    assert.ok((await page.locator('svg[data-figure="loss"] polyline[data-series]').count()) === data.runs.length, 'a curve per run');
    assertClean(p);
    await p.close();
  }));

test('attention: cell colours match their values when rendered, the causal triangle is empty, hover and zoom', { timeout: 60_000 }, (t) =>
  withReport(t, async (browser, file) => {
    const p = await openOffline(browser, file);
    const { page } = p;
    await page.locator('button[data-tab="attention"]').click();
    const grid = page.locator('svg[data-figure="attention"]').first();
    await grid.waitFor();
    const selected = await page.locator('#att-run').inputValue();
    const ev = data.evals.find((e) => e.hash === selected)!;
    const att = ev.attention!;
    const layers = att.attention.length;
    const heads = att.attention[0]!.length;
    const T = att.tokens.length;
    const Tk = att.attention[0]![0]![0]!.length;

    // Exactly the visible cells are drawn: T·(T+1)/2 per head (plus kv-prefix columns), none above the diagonal.
    const cells = await grid.locator('rect.cell').evaluateAll((rs) =>
      rs.map((r) => ({ l: +r.getAttribute('data-l')!, h: +r.getAttribute('data-h')!, q: +r.getAttribute('data-q')!, k: +r.getAttribute('data-k')!, v: +r.getAttribute('data-v')!, x: +r.getAttribute('x')!, y: +r.getAttribute('y')!, w: +r.getAttribute('width')! })),
    );
    assert.equal(cells.length, layers * heads * ((T * (T + 1)) / 2 + T * att.prefixKeys));
    for (const c of cells) {
      assert.ok(c.k - att.prefixKeys <= c.q, `cell above the diagonal: q ${c.q} k ${c.k}`);
      assert.ok(Math.abs(c.v - att.attention[c.l]![c.h]![c.q]![c.k]!) < 1e-4, 'the cell carries the recorded probability');
    }

    // Rendered colours (through the PNG export path) against viridis of the recorded value.
    const sample = cells.filter((_, i) => i % 7 === 0);
    const px = await figurePixels(page, 'attention', sample.map((c) => [c.x + c.w / 2, c.y + c.w / 2]));
    sample.forEach((c, i) => {
      const want = viridisRgb(att.attention[c.l]![c.h]![c.q]![c.k]!);
      for (let ch = 0; ch < 3; ch++) assert.ok(Math.abs(px[i]![ch]! - want[ch]!) <= 2, `cell q${c.q} k${c.k}: rendered ${px[i]} want ${want}`);
    });
    // Above the diagonal: the figure's background, nothing drawn.
    const first = cells.find((c) => c.l === 0 && c.h === 0 && c.q === 0 && c.k === att.prefixKeys)!;
    const masked: Array<[number, number]> = [];
    for (let q = 0; q < T - 1; q++) for (let k = q + 1; k < T; k += 3) masked.push([first.x + (k - 0) * first.w + first.w / 2, first.y + q * first.w + first.w / 2]);
    const bg = await page.evaluate(() => getComputedStyle(document.documentElement).getPropertyValue('--ptx-bg').trim());
    const bgRgb = [1, 3, 5].map((o) => parseInt(bg.slice(o, o + 2), 16));
    for (const [i, c] of (await figurePixels(page, 'attention', masked)).entries()) assert.deepEqual(c, bgRgb, `masked point ${masked[i]}`);
    assert.equal(Tk, T + att.prefixKeys);

    // Hover: the value of the cell under the pointer.
    const cell = grid.locator('rect.cell[data-l="0"][data-h="0"][data-q="3"][data-k="1"]');
    await cell.hover();
    const tip = page.locator('.tip');
    await tip.waitFor({ state: 'visible' });
    assert.match(await tip.innerText(), new RegExp(`layer 1 head 1 · query 3 .* → key 1 .*: ${att.attention[0]![0]![3]![1]!.toFixed(4).replace(/0+$/, '').replace(/\.$/, '')}`));

    // Zoom: click a head, a large map of that head with its values printed.
    await grid.locator('g.head[data-l="1"][data-h="1"]').click();
    const zoom = page.locator('svg[data-figure="zoom"]');
    await zoom.waitFor();
    assert.equal(await zoom.locator('rect.cell').count(), (T * (T + 1)) / 2 + T * att.prefixKeys);
    assert.equal(await zoom.locator('rect.cell').first().getAttribute('data-l'), '1');
    // The pretrained model beside the tuned one, and the theory's view of the change.
    assert.equal(await page.locator('svg[data-figure="attention"]').count(), 2);
    assert.equal(await page.locator('svg[data-figure="change"] rect.change').count(), layers);
    assertClean(p);
    await p.close();
  }));

test('prefix runs: α strip and the theory line; token regions labelled', { timeout: 60_000 }, (t) =>
  withReport(t, async (browser, file) => {
    const p = await openOffline(browser, file);
    const { page } = p;
    await page.locator('button[data-tab="attention"]').click();
    const prefix = data.evals.find((e) => e.current && e.attention?.alpha && e.run.includes('prefix'))!;
    await page.locator('#att-run').selectOption(prefix.hash);
    const grid = page.locator('svg[data-figure="attention"]').first();
    const alphas = await grid.locator('rect.alpha').evaluateAll((rs) => rs.map((r) => +r.getAttribute('data-alpha')!));
    assert.equal(alphas.length, prefix.attention!.alpha!.flat(2).length);
    // Layer 1 of a prefix run: the theorem says the relative attention cannot change.
    const change = await page.locator('svg[data-figure="change"] rect.change[data-l="0"]').getAttribute('data-v');
    assert.ok(Number(change) < 1e-3, `layer 1 change ${change}`);
    assert.match(await page.locator('svg[data-figure="change"]').innerHTML(), /cannot change/);
    // In the zoomed head: the two reserved positions are the prefix (P1, P2), then the 4 input tokens, then output.
    await grid.locator('g.head[data-l="0"][data-h="0"]').click();
    const zoom = page.locator('svg[data-figure="zoom"]');
    const labels = await zoom.locator('text.qlabel').evaluateAll((ts) => ts.map((x) => [x.textContent, x.getAttribute('data-region')]));
    assert.deepEqual(labels.slice(0, 2), [['P1', 'prefix'], ['P2', 'prefix']]);
    assert.deepEqual(labels.slice(2, 6), prefix.probe!.map((v) => [String(v), 'input']));
    assert.ok(labels.slice(6).every(([, region]) => region === 'output'));
    assert.equal(labels.length, prefix.attention!.tokens.length);
    assertClean(p);
    await p.close();
  }));

// VS Code's own theme values (Light+ and Dark+ editor colours), set as the editor sets them.
const LIGHT = { '--vscode-editor-background': '#ffffff', '--vscode-editor-foreground': '#3b3b3b', '--vscode-textLink-foreground': '#005fb8', '--vscode-font-family': 'sans-serif' };
const DARK = { '--vscode-editor-background': '#1f1f1f', '--vscode-editor-foreground': '#cccccc', '--vscode-textLink-foreground': '#4daafc', '--vscode-font-family': 'sans-serif' };

test('theme: VS Code variables set the page and the figures, light and dark; the report follows the system without them', { timeout: 60_000 }, (t) =>
  withReport(t, async (browser, file) => {
    for (const [name, vars] of [['light', LIGHT], ['dark', DARK]] as const) {
      const p = await openOffline(browser, file, { vars, colorScheme: name });
      const { page } = p;
      const bodyBg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
      const want = vars['--vscode-editor-background'];
      const rgb = [1, 3, 5].map((o) => parseInt(want.slice(o, o + 2), 16));
      assert.equal(bodyBg, `rgb(${rgb.join(', ')})`, `${name} page background`);
      assert.equal(await page.locator('svg[data-figure="loss"] > rect').first().getAttribute('fill'), want, `${name} figure background`);
      assert.equal(await page.locator('svg[data-figure="loss"] text').first().getAttribute('fill') !== null, true);
      const fg = await page.evaluate(() => getComputedStyle(document.querySelector('h1')!).color);
      const f = vars['--vscode-editor-foreground'];
      assert.equal(fg, `rgb(${[1, 3, 5].map((o) => parseInt(f.slice(o, o + 2), 16)).join(', ')})`, `${name} text colour`);
      await screenshot(page, `webview-results-${name}`);
      await page.locator('button[data-tab="attention"]').click();
      await page.locator('svg[data-figure="attention"]').first().waitFor();
      assert.equal(await page.locator('svg[data-figure="attention"] > rect').first().getAttribute('fill'), want);
      await screenshot(page, `webview-attention-${name}`);
      assertClean(p);
      await p.close();
    }
    // Without VS Code's variables (the standalone report): the fallbacks follow prefers-color-scheme.
    const dark = await openOffline(browser, file, { colorScheme: 'dark' });
    assert.equal(await dark.page.evaluate(() => getComputedStyle(document.body).backgroundColor), 'rgb(31, 31, 31)');
    await dark.close();
    const light = await openOffline(browser, file, { colorScheme: 'light' });
    assert.equal(await light.page.evaluate(() => getComputedStyle(document.body).backgroundColor), 'rgb(255, 255, 255)');
    await light.close();
  }));

test('export: a figure saved as SVG and as PNG (the report downloads it; the panel hands it to the editor)', { timeout: 60_000 }, (t) =>
  withReport(t, async (browser, file) => {
    const p = await openOffline(browser, file);
    const { page } = p;
    const fig = page.locator('figure[data-name="loss-curves"]');
    const [svgDownload] = await Promise.all([page.waitForEvent('download'), fig.locator('button[data-export="svg"]').click()]);
    assert.equal(svgDownload.suggestedFilename(), 'loss-curves.svg');
    const svg = readFileSync((await svgDownload.path())!, 'utf8');
    assert.match(svg, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"[^>]* data-figure="loss"/);
    assert.equal((svg.match(/<polyline data-series=/g) ?? []).length, data.runs.filter((r) => r.current).length);
    assert.doesNotMatch(svg, /var\(--/, 'colours are literal, so the file looks the same outside the page');

    await page.locator('button[data-tab="attention"]').click();
    const grid = page.locator('figure', { has: page.locator('svg[data-figure="attention"]') }).first();
    const [pngDownload] = await Promise.all([page.waitForEvent('download'), grid.locator('button[data-export="png"]').click()]);
    assert.match(pngDownload.suggestedFilename(), /^attention-.*\.png$/);
    const png = readFileSync((await pngDownload.path())!);
    assert.equal(png.subarray(1, 4).toString('ascii'), 'PNG');
    // Twice the figure's size (crisp in documents).
    const w = Number(await grid.locator('svg').getAttribute('width'));
    const h = Number(await grid.locator('svg').getAttribute('height'));
    assert.equal(png.readUInt32BE(16), 2 * w);
    assert.equal(png.readUInt32BE(20), 2 * h);
    assertClean(p);
    await p.close();
  }));

test('results view: a verdict per compare method with its selected configuration and test number; validation curves, one line per finetune in its run colour', { timeout: 60_000 }, (t) =>
  withReport(t, async (browser, file) => {
    const p = await openOffline(browser, file);
    const { page } = p;
    assert.ok(data.verdicts.length >= 3, 'the fixture has verdicts');
    const rows = page.locator('table[data-table="verdicts"] tr[data-verdict]');
    assert.equal(await rows.count(), data.verdicts.length);
    for (const v of data.verdicts) {
      const row = page.locator(`table[data-table="verdicts"] tr[data-method="${v.method}"]`);
      assert.equal(await row.getAttribute('data-verdict'), v.verdict);
      if (v.selected?.test) assert.equal(Number(await row.locator('td[data-col="exact"]').getAttribute('data-value')), v.selected.test.mean);
      // The reason sits in the row right after, whole.
      assert.equal(await row.locator('xpath=following-sibling::tr[1]').innerText(), v.message);
    }
    const finetunes = data.runs.filter((r) => r.current && r.validation.length > 0);
    assert.ok(finetunes.length > 0, 'the fixture has validation curves');
    const lines = page.locator('figure[data-name="validation-curves"] polyline[data-series^="val:"]');
    assert.equal(await lines.count(), finetunes.length);
    // Each validation line has the colour of its run's loss curve.
    for (const r of finetunes) {
      const val = await page.locator(`figure[data-name="validation-curves"] polyline[data-series="val:${r.hash}"]`).getAttribute('stroke');
      const loss = await page.locator(`figure[data-name="loss-curves"] polyline[data-series="${r.hash}"]`).getAttribute('stroke');
      assert.equal(val, loss, r.name);
    }
    await screenshot(page, 'webview-verdicts');
    assertClean(p);
  }),
);
