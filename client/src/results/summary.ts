// What a block's results are, from the report data: for each run of the block its state (trained with
// its best current result, stale when only an earlier version of it is stored, or not trained), and the
// lens text ("✓ asc 99.6% · 6 s", "stale", "2/4 trained"). Pure functions, shared by the result lenses
// and the Runs view.
import type { BlockRuns, EvalRecord, ReportData, RunRecord } from '../../../runtime/src/report/data.js';

export type RunState = 'trained' | 'stale' | 'none';

export interface RunSummary {
  name: string;
  state: RunState;
  run?: RunRecord;
  /** The current run's evaluations, one per task (the one with most samples). */
  results: EvalRecord[];
  attention: boolean;
}

export function summariseRun(data: ReportData, name: string): RunSummary {
  const current = data.runs.find((r) => r.current && r.name === name);
  if (!current) {
    const earlier = data.runs.some((r) => !r.current && r.name === name);
    return { name, state: earlier ? 'stale' : 'none', results: [], attention: false };
  }
  const best = new Map<string, EvalRecord>();
  for (const ev of data.evals) {
    if (ev.runHash !== current.hash) continue;
    const old = best.get(ev.task);
    if (!old || ev.samples > old.samples) best.set(ev.task, ev);
  }
  const attention = data.evals.some((e) => e.runHash === current.hash && e.attention);
  return { name, state: 'trained', run: current, results: [...best.values()], attention };
}

export function formatPercent(x: number): string {
  return `${(100 * x).toFixed(1)}%`;
}

export function formatDuration(ms: number): string {
  const s = ms / 1000;
  if (s < 60) return `${Math.max(1, Math.round(s))} s`;
  const m = Math.floor(s / 60);
  return m < 60 ? `${m} min ${String(Math.round(s % 60)).padStart(2, '0')} s` : `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, '0')} min`;
}

/** "✓ asc 99.6% · 6 s" for one trained run; "✓ trained · 6 s" before it is evaluated. */
export function runResultText(s: RunSummary): string {
  if (s.state === 'stale') return 'stale: results are of an earlier version';
  if (s.state === 'none' || !s.run) return 'no results yet';
  const res = s.results.slice(0, 2).map((e) => `${e.task} ${formatPercent(e.exact)}`);
  return `✓ ${res.length ? res.join(', ') : 'trained'} · ${formatDuration(s.run.elapsedMs)}`;
}

/** The lens text of a block: a run block's result, or how many of a compare/evaluate block's runs are trained. */
export function blockResultText(data: ReportData, block: BlockRuns): { text: string; attention: boolean; state: RunState } | null {
  const runs = block.runs.map((n) => summariseRun(data, n));
  const attention = runs.some((r) => r.attention);
  if (block.kind === 'pretrain' || block.kind === 'finetune') {
    const s = runs[0]!;
    return s.state === 'none' ? null : { text: runResultText(s), attention, state: s.state };
  }
  if (block.kind === 'evaluate') return null;
  const trained = runs.filter((r) => r.state === 'trained').length;
  const stale = runs.filter((r) => r.state === 'stale').length;
  if (trained === 0 && stale === 0) return null;
  if (trained === runs.length) {
    const best = runs.flatMap((r) => r.results.map((e) => ({ r, e }))).sort((a, b) => b.e.exact - a.e.exact)[0];
    return { text: `✓ ${trained}/${runs.length} trained${best ? ` · best ${best.e.task} ${formatPercent(best.e.exact)}` : ''}`, attention, state: 'trained' };
  }
  return { text: `${trained}/${runs.length} trained${stale ? `, ${stale} stale` : ''}`, attention, state: trained ? 'trained' : 'stale' };
}
