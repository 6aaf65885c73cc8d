// `ptx report` end to end: a tiny spec trained by the real CLI (bin/ptx.js, the bundle users run), then
// `ptx report FILE -o report.html`, opened in Chromium with the network off: it asks for nothing outside
// the file, and shows every run in the store (with the earlier-version toggle on) and their attention.
// Also the CLI's JSON form, its usage errors, and an empty store.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { verifyEntry } from '../../runtime/src/store/entry.js';
import { launch, openOffline, ROOT, screenshot } from './browser.js';

const PTX = join(ROOT, 'bin', 'ptx.js');

function ptx(args: string[], cwd: string): { code: number; out: string; err: string } {
  const r = spawnSync(process.execPath, [PTX, ...args], { cwd, encoding: 'utf8', timeout: 300_000, env: { ...process.env, PTX_STORE: '' } });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

/** The fixture spec, shorter still: two versions of the compare block, so the store holds an earlier one. */
function trainTiny(dir: string): string {
  const spec = join(dir, 'tiny.ptx');
  const text = readFileSync(join(import.meta.dirname, 'fixtures', 'tiny.ptx'), 'utf8').replace('steps: 60', 'steps: 12').replace('seeds: [0, 1]', 'seeds: [0]');
  writeFileSync(spec, text.replace('steps: 30', 'steps: 5'));
  let r = ptx(['run', spec, '--backend', 'wasm', '--quiet'], dir);
  assert.equal(r.code, 0, r.err);
  writeFileSync(spec, text.replace('steps: 30', 'steps: 6'));
  r = ptx(['run', spec, '--backend', 'wasm', '--quiet'], dir);
  assert.equal(r.code, 0, r.err);
  return spec;
}

test('ptx report: one standalone HTML file that shows every stored run offline', { timeout: 300_000 }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'ptx-report-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const spec = trainTiny(dir);
  const r = ptx(['report', spec, '-o', join(dir, 'out', 'report.html')], dir);
  assert.equal(r.code, 0, r.err);
  const runDirs = readdirSync(join(dir, '.ptx', 'runs')).filter((h) => verifyEntry(join(dir, '.ptx', 'runs', h)).state === 'complete');
  assert.equal(runDirs.length, 7, 'base + 3 methods × 2 versions');
  assert.match(r.out, new RegExp(`wrote .*report.html: ${runDirs.length} runs, \\d+ evaluations, attention for ${runDirs.length} runs`));
  const file = join(dir, 'out', 'report.html');
  const html = readFileSync(file, 'utf8');
  // Nothing refers outside the file: no src/href to anything, and a CSP that forbids it anyway.
  assert.doesNotMatch(html, /\s(src|href)=["'](?!data:)/i);
  assert.match(html, /Content-Security-Policy" content="default-src 'none'; script-src 'nonce-/);

  const browser = await launch(t);
  if (!browser) return;
  try {
    const p = await openOffline(browser, file);
    const { page } = p;
    await page.locator('table[data-table="runs"]').waitFor();
    await page.locator('#earlier').check();
    const shown = new Set(await page.locator('table[data-table="runs"] tr[data-run]').evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-run'))));
    assert.deepEqual([...shown].sort(), [...runDirs].sort(), 'every run in the store has rows');
    assert.equal(await page.locator('table[data-table="runs"] tr.earlier').count(), 3 * 2, 'the earlier version: 3 runs × 2 tasks');
    assert.equal(await page.locator('svg[data-figure="loss"] polyline[data-series]').count(), runDirs.length);
    await screenshot(page, 'report-results');
    await page.locator('button[data-tab="attention"]').click();
    const options = await page.locator('#att-run option').count();
    assert.equal(options, runDirs.length, 'every run has its attention probe');
    assert.ok((await page.locator('svg[data-figure="attention"] rect.cell').count()) > 0);
    await screenshot(page, 'report-attention');
    assert.deepEqual(p.outside, [], 'the report requested nothing');
    assert.deepEqual(p.errors, []);
    await p.close();
  } finally {
    await browser.close();
  }

  // The JSON form carries the same runs; "current" follows the spec as it is now.
  const j = ptx(['report', spec, '--json'], dir);
  assert.equal(j.code, 0, j.err);
  const data = JSON.parse(j.out) as { runs: Array<{ hash: string; current: boolean; name: string }> };
  assert.equal(data.runs.length, runDirs.length);
  assert.equal(data.runs.filter((x) => x.current).length, 4);
  assert.ok(data.runs.filter((x) => !x.current).every((x) => x.name.startsWith('tune/')));
});

test('ptx report: usage errors, a missing spec, an empty store', { timeout: 60_000 }, (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'ptx-report-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const spec = join(dir, 'x.ptx');
  writeFileSync(spec, readFileSync(join(import.meta.dirname, 'fixtures', 'tiny.ptx'), 'utf8'));
  assert.equal(ptx(['report', spec], dir).code, 2, 'needs -o or --json');
  assert.equal(ptx(['report', spec, '-o', 'a.html', '--json'], dir).code, 2);
  assert.equal(ptx(['report', spec, '--bogus'], dir).code, 2);
  assert.equal(ptx(['report', join(dir, 'nope.ptx'), '--json'], dir).code, 2);
  const empty = ptx(['report', spec, '-o', join(dir, 'r.html')], dir);
  assert.equal(empty.code, 1);
  assert.match(empty.err, /no finished runs/);
  assert.ok(!existsSync(join(dir, 'r.html')));
  const json = ptx(['report', spec, '--json'], dir);
  assert.equal(json.code, 0);
  assert.deepEqual(JSON.parse(json.out).runs, []);
});
