// End to end in a real VS Code (code-server + Chromium) with the packaged extension: examples/quickstart.ptx
// (steps and samples cut so it trains in seconds) — click Train, see the progress notification, wait for
// the end, see the Results panel with the accuracy table; click Evaluate, see the Attention panel with heat
// maps; then start a long training, cancel it from the notification midway, and check that the store
// holds no partial result (the stopped run has only its sealed resume snapshot); a spec with an error
// fails with a button that opens it at the error (and leaves the Results panel as it was); after a window
// reload the Results panel comes back. Screenshots go to
// test-artifacts/ (git-ignored). PTX_E2E_FULL=1 trains the real quickstart (about two minutes) instead,
// which is how the README's screenshots are made.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Frame, Page } from 'playwright-core';
import { analyse } from '../../grammar/src/index.js';
import { buildPlan } from '../../runtime/src/plan/plan.js';
import { verifyEntry } from '../../runtime/src/store/entry.js';
import { RunStore } from '../../runtime/src/store/run-store.js';
import { command, openFile, ROOT, withEditorSession } from './codeServer.js';

const FULL = process.env['PTX_E2E_FULL'] === '1';

function quickstart(): string {
  const text = readFileSync(join(ROOT, 'examples', 'quickstart.ptx'), 'utf8');
  if (FULL) return text;
  return text.replace(/steps: 1500/, 'steps: 60').replace(/steps: 500/, 'steps: 40').replace(/samples: \d+/, 'samples: 64');
}

/** The same model trained far longer, so there is time to cancel it midway. */
function longSpec(): string {
  return quickstart().replace(/pretrain base \{/, 'pretrain long {').replace(/steps: \d+/, 'steps: 200000').replace(/compare[\s\S]*$/, '');
}

/** A spec whose pretrain names a task that does not exist: `ptx run` refuses it with that diagnostic. */
const BROKEN = `data d { values: 0..5  length: 4  vocab: 8 }
model m { layers: 1  heads: 1  width: 8  mlp: 16  dropout: 0  context: 12 }
task asc = sort(ascending)
pretrain base { model: m  data: d  tasks: [nope]  steps: 5  batch: 8  seed: 1  reserve: 1 }
`;

/** The webview frame (two iframes deep) whose view is `kind`, once it has rendered `selector`. */
async function viewFrame(page: Page, kind: 'results' | 'attention', selector: string, timeout = 60_000): Promise<Frame> {
  const deadline = Date.now() + timeout;
  for (;;) {
    for (const f of page.frames()) {
      try {
        if ((await f.locator(`#app[data-view="${kind}"] main[data-view="${kind}"] ${selector}`).count()) > 0) return f;
      } catch {
        // a frame that navigated away meanwhile
      }
    }
    if (Date.now() > deadline) throw new Error(`no ${kind} panel showing ${selector} within ${timeout / 1000} s`);
    await new Promise((r) => setTimeout(r, 300));
  }
}

function toast(page: Page, text: string | RegExp) {
  return page.locator('.notifications-toasts .notification-toast', { hasText: text }).first();
}

/** A run's end: a notification, or a status bar message when the Results panel is already in view. */
function finished(page: Page, text: RegExp) {
  return page.locator('.notifications-toasts .notification-toast, .statusbar-item', { hasText: text }).first();
}

test('runs from the editor: Train with progress, Results and Attention panels, cancel leaves no partial result', { timeout: FULL ? 900_000 : 480_000 }, async (t) => {
  const files = { 'quickstart.ptx': quickstart(), 'long.ptx': longSpec(), 'broken.ptx': BROKEN };
  const settings = { 'ptx.backend': 'wasm', 'workbench.editor.enablePreview': false };
  await withEditorSession(t, 'runs', { files, settings }, async (session) => {
    const { page, workspace } = session;
    const editor = page.locator('.editor-instance .monaco-editor').first();
    await openFile(page, 'quickstart.ptx');

    // Train the pretrain block from its lens: a progress notification, then the Results panel.
    await editor.locator('.codelens-decoration a', { hasText: 'Train' }).first().click({ timeout: 60_000 });
    await toast(page, /PTX: train base/).waitFor({ timeout: 60_000 });
    await toast(page, /step \d+\/\d+ · loss/).waitFor({ timeout: 60_000 });
    await session.screenshot('runs-1-progress');
    await finished(page, /train base finished/).waitFor({ timeout: FULL ? 300_000 : 120_000 });
    const results = await viewFrame(page, 'results', 'table.results tr[data-run] td[data-col="run"]');
    const runCells = await results.locator('table[data-table="runs"] td[data-col="run"]').evaluateAll((tds) => tds.map((td) => td.getAttribute('data-value')));
    assert.ok(runCells.includes('base'), `results rows: ${runCells.join(', ')}`);
    const exact = Number(await results.locator('table[data-table="runs"] tr[data-task="asc"] td[data-col="exact"]').first().getAttribute('data-value'));
    assert.ok(exact >= 0 && exact <= 1, `exact match ${exact}`);
    assert.ok((await results.locator('svg[data-figure="loss"] polyline[data-series]').count()) >= 1, 'a loss curve');
    await session.screenshot('runs-2-results');

    // Evaluate: trains the compare block's runs and records attention; the Attention panel opens.
    await editor.locator('.codelens-decoration a', { hasText: 'Evaluate' }).first().click();
    await finished(page, /evaluate.* finished/).waitFor({ timeout: FULL ? 600_000 : 180_000 });
    const attention = await viewFrame(page, 'attention', 'svg[data-figure="attention"] rect.cell');
    const cells = await attention.locator('svg[data-figure="attention"] rect.cell').count();
    assert.ok(cells > 20, `${cells} heat-map cells`);
    await attention.locator('svg[data-figure="attention"] g.head').first().click();
    await attention.locator('svg[data-figure="zoom"] rect.cell').first().waitFor({ timeout: 10_000 });
    await session.screenshot('runs-3-attention');
    // The Results panel shares the editor group with Attention: bring it back to the front.
    await page.locator('.tabs-container .tab', { hasText: 'Results · quickstart.ptx' }).first().click();
    const table = await viewFrame(page, 'results', 'table[data-table="runs"] tr[data-run]');
    const runs = new Set(await table.locator('table[data-table="runs"] td[data-col="run"]').evaluateAll((tds) => tds.map((td) => td.getAttribute('data-value'))));
    for (const name of ['base', 'desc_methods/full/seed0', 'desc_methods/prefix(length: 8)/seed0']) assert.ok(runs.has(name), `results rows: ${[...runs].join(', ')}`);

    // Wider views for the README's pictures: no side bar, a larger window, the prefix run's attention.
    await page.keyboard.press('Escape');
    await page.setViewportSize({ width: 1680, height: 1050 });
    await page.keyboard.press('Control+B');
    await table.locator('table[data-table="runs"]').waitFor();
    await session.screenshot(FULL ? 'readme-results' : 'runs-wide-results');
    await page.locator('.tabs-container .tab', { hasText: 'Attention · quickstart.ptx' }).first().click();
    const att2 = await viewFrame(page, 'attention', 'svg[data-figure="attention"] rect.cell');
    const prefixOption = await att2.locator('#att-run option', { hasText: 'prefix' }).first().getAttribute('value');
    await att2.locator('#att-run').selectOption(prefixOption!);
    await att2.locator('svg[data-figure="change"]').waitFor();
    await session.screenshot(FULL ? 'readme-attention' : 'runs-wide-attention');
    await page.keyboard.press('Control+B');

    // A long training, cancelled from its notification midway.
    await page.keyboard.press('Escape');
    await openFile(page, 'long.ptx');
    await page.locator('.editor-instance .monaco-editor .codelens-decoration a', { hasText: 'Train' }).first().click({ timeout: 60_000 });
    const progress = toast(page, /long: step \d+\/200000/);
    await progress.waitFor({ timeout: 60_000 });
    await progress.hover();
    await progress.locator('a.monaco-button, .monaco-button', { hasText: 'Cancel' }).first().click();
    await toast(page, /train long stopped/).waitFor({ timeout: 60_000 });
    await session.screenshot('runs-4-cancelled');

    // The store: every run folder is either a complete, verified entry or holds only the stopped run's
    // sealed resume snapshot; the cancelled run itself has no result.
    const store = new RunStore(join(workspace, '.ptx'));
    const long = buildPlan(analyse(longSpec()).spec, { backend: 'wasm' }).runs.get('long')!;
    assert.equal(store.runStatus(long.hash).state, 'missing', 'the cancelled run has no manifest');
    const resume = store.loadResume(long.hash);
    assert.ok(resume && resume.snapshot.step > 0 && resume.snapshot.step < 200000, `resume snapshot at step ${resume?.snapshot.step}`);
    for (const hash of readdirSync(join(store.root, 'runs'))) {
      const dir = store.runDir(hash);
      if (hash === long.hash) {
        assert.deepEqual(readdirSync(dir).sort(), ['resume'], `the stopped run folder holds only its snapshot`);
        continue;
      }
      assert.equal(verifyEntry(dir).state, 'complete', `${hash} is complete`);
      const evals = join(dir, 'evals');
      if (existsSync(evals)) for (const e of readdirSync(evals)) assert.equal(verifyEntry(join(evals, e)).state, 'complete', `evaluation ${e}`);
    }

    // A spec with an error: the run fails, and the error's button opens the spec at the error.
    await page.keyboard.press('Escape');
    await openFile(page, 'broken.ptx');
    await page.locator('.editor-instance .monaco-editor .codelens-decoration a', { hasText: 'Train' }).first().click({ timeout: 60_000 });
    const failed = toast(page, /train base failed: .*nope/);
    await failed.waitFor({ timeout: 60_000 });
    await session.screenshot('runs-5-failed');
    await failed.locator('.monaco-button', { hasText: 'Open Spec' }).first().click();
    const errorLine = BROKEN.split('\n').findIndex((l) => l.includes('nope')) + 1;
    await page.locator('.statusbar-item', { hasText: new RegExp(`Ln ${errorLine}, Col \\d+`) }).first().waitFor({ timeout: 20_000 });

    // After a window reload the Results panel comes back (its serializer) and shows the store again. The
    // workbench restores the layout it last saved, which may have the Attention tab in front (it was, a few
    // steps ago) and a hidden webview is not rendered, so bring the Results tab to the front first: its
    // content can only come from the serializer.
    // Reloaded as a user does (Developer: Reload Window): the workbench shuts down and saves its layout
    // first. A bare page reload does not wait for that save, so the restored tabs can be those of the
    // last periodic save, before the Results panel switched to long.ptx.
    const reloaded = page.waitForEvent('framenavigated', { predicate: (f) => f === page.mainFrame(), timeout: 60_000 });
    await command(page, 'Developer: Reload Window');
    await reloaded;
    await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    // It last showed long.ptx (its run trained a few steps; the failed run did not take the panel over),
    // which has no finished run: the panel says so instead of showing another spec's results.
    await page.locator('.tabs-container .tab', { hasText: 'Results · long.ptx' }).first().click({ timeout: 60_000 });
    await viewFrame(page, 'results', '[data-empty="none"]', 90_000);
  });
});
