// What the views choose to show, from plain data: one row per run and task (the larger evaluation wins),
// compare groups over seeds, the pretrained reference of a tuned run, token labels per region (a residual
// prefix occupies the reserved positions, a kv prefix adds key columns), the causal mask, and the thinned
// loss curve that reports carry.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { ReportData, RunRecord } from '../../runtime/src/report/data.js';
import { compareGroup, thinCurve } from '../../runtime/src/report/collect.js';
import { smoothLosses } from '../../client/webview/render/curves.js';
import { attentionEvals, compareSummaries, referenceEval, tableRows, tokenLabels, visible, visibleRuns } from '../../client/webview/render/select.js';
import { mean, std } from '../../client/webview/render/stats.js';

const data = JSON.parse(readFileSync(join(import.meta.dirname, 'fixtures', 'report.json'), 'utf8')) as ReportData;

test('table rows: one per run and task; the evaluation with more samples wins', () => {
  const runs = visibleRuns(data, false);
  assert.ok(runs.every((r) => r.current));
  const rows = tableRows(data, runs);
  assert.equal(rows.length, runs.length * 2);
  const base = runs.find((r) => r.name === 'base')!;
  const bigger = { ...data.evals.find((e) => e.runHash === base.hash && e.task === 'asc')!, hash: 'f'.repeat(64), samples: 9999, exact: 0.5 };
  const more = tableRows({ ...data, evals: [...data.evals, bigger] }, runs);
  assert.equal(more.length, rows.length);
  assert.equal(more.find((r) => r.run === base && r.ev.task === 'asc')!.ev.samples, 9999);
  assert.equal(visibleRuns(data, true).length, data.runs.length);
});

test('compare groups: mean and sample std over seeds', () => {
  const rows = tableRows(data, visibleRuns(data, false));
  const s = compareSummaries(rows);
  assert.equal(s.length, 3 * 2);
  for (const g of s) {
    const xs = rows.filter((r) => r.run.group === g.group && r.ev.task === g.task).map((r) => r.ev.exact);
    assert.deepEqual(g.seeds, [0, 1]);
    assert.equal(g.compare, 'tune');
    assert.ok(Math.abs(g.exact.mean - mean(xs)) < 1e-12 && Math.abs(g.exact.std - std(xs)) < 1e-12);
  }
  assert.equal(std([1, 3]), Math.SQRT2);
  assert.equal(std([4]), 0);
  assert.equal(compareGroup('tune/lora(rank: 1)/seed12'), 'tune/lora(rank: 1)');
  assert.equal(compareGroup('base'), null);
  assert.equal(compareGroup('my/seed3'), null);
});

test('attention: one record per run and probe; the tuned run finds its pretrained reference', () => {
  const evs = attentionEvals(data, visibleRuns(data, false));
  assert.equal(evs.length, visibleRuns(data, false).length);
  const tuned = evs.find((e) => e.run === 'tune/full/seed0')!;
  const ref = referenceEval(data, tuned)!;
  assert.equal(ref.run, 'base');
  assert.deepEqual(ref.probe, tuned.probe);
  assert.equal(referenceEval(data, evs.find((e) => e.run === 'base')!), null);
});

test('token labels by region; kv prefix columns; the causal mask', () => {
  const run = data.runs.find((r) => r.methodKind === 'prefix')!;
  const tokens = [0, 0, 3, 0, 5, 1, 5, 3, 1];
  const l = tokenLabels(run, tokens, 0);
  assert.deepEqual(l.queries.map((x) => x.region), ['prefix', 'prefix', 'input', 'input', 'input', 'input', 'output', 'output', 'output']);
  assert.deepEqual(l.queries.map((x) => x.text), ['P1', 'P2', '3', '0', '5', '1', '5', '3', '1']);
  const full: RunRecord = { ...run, methodKind: 'full', contextLength: 0 };
  assert.deepEqual(tokenLabels(full, tokens, 0).queries.slice(0, 2).map((x) => x.region), ['pad', 'pad']);
  const kv: RunRecord = { ...run, kvPrefix: true };
  const k = tokenLabels(kv, tokens, 2);
  assert.deepEqual(k.keys.slice(0, 3).map((x) => x.text), ['K1', 'K2', '·']);
  assert.equal(k.keys.length, tokens.length + 2);
  assert.ok(visible(0, 1, 2) && visible(0, 2, 2) && !visible(0, 3, 2) && visible(5, 7, 2) && !visible(5, 8, 2));
});

test('loss curves are thinned to bucket means ending at the last step', () => {
  const losses = Array.from({ length: 10_000 }, (_, i) => 1 / (i + 1));
  const c = thinCurve(losses, 100);
  assert.equal(c.steps.length, 100);
  assert.equal(c.steps[99], 10_000);
  assert.ok(Math.abs(c.losses[0]! - mean(losses.slice(0, 100))) < 1e-12);
  assert.deepEqual(thinCurve([3, 2, 1]), { steps: [1, 2, 3], losses: [3, 2, 1] });
});

test('loss smoothing: debiased from the first step, constant curves unchanged, decades smoothed in log space', () => {
  assert.deepEqual(smoothLosses([2, 2, 2, 2]).map((x) => Number(x.toFixed(12))), [2, 2, 2, 2]);
  const noisy = Array.from({ length: 400 }, (_, i) => (i % 2 ? 0.5 : 2) * 10 ** (-i / 200));
  const s = smoothLosses(noisy);
  assert.equal(s[0], noisy[0]);
  // Alternating ×2 / ×0.5 noise averages out to the geometric trend in the middle of the run.
  const trend = (i: number) => 10 ** (-i / 200);
  assert.ok(Math.abs(Math.log10(s[300]! / trend(300))) < 0.15, `${s[300]} vs ${trend(300)}`);
});
