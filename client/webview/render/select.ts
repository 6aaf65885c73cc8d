// What the views show, chosen from the report data: which evaluations make table rows, the compare
// summaries over seeds, which runs have attention and what their pretrained reference is, and the token
// labels of an attention record. Pure functions of ReportData, shared by the panels and the HTML report.
import type { EvalRecord, ReportData, RunRecord } from '../../../runtime/src/report/data.js';
import { mean, std } from './stats.js';

/**
 * Runs to show: those the spec names today, and when asked the earlier versions of its blocks (the report
 * holds nothing else: another spec's runs never reach the views).
 */
export function visibleRuns(data: ReportData, includeEarlier: boolean): RunRecord[] {
  return includeEarlier ? data.runs : data.runs.filter((r) => r.current);
}

export function hasEarlier(data: ReportData): boolean {
  return data.runs.some((r) => !r.current);
}

/**
 * One table row per run and task: of several evaluations of the same run on the same task (a run's own
 * evaluation and an evaluate block's, with other sample counts), the one with the most samples, then the
 * newest.
 */
export function tableRows(data: ReportData, runs: readonly RunRecord[]): Array<{ run: RunRecord; ev: EvalRecord }> {
  const byHash = new Map(runs.map((r) => [r.hash, r]));
  const best = new Map<string, EvalRecord>();
  for (const ev of data.evals) {
    if (!byHash.has(ev.runHash)) continue;
    const k = `${ev.runHash}\u0000${ev.task}`;
    const old = best.get(k);
    if (!old || ev.samples > old.samples || (ev.samples === old.samples && ev.written >= old.written)) best.set(k, ev);
  }
  return [...best.values()].map((ev) => ({ run: byHash.get(ev.runHash)!, ev }));
}

export interface GroupSummary {
  compare: string;
  group: string;
  method: string;
  task: string;
  trainable: number;
  seeds: number[];
  exact: { mean: number; std: number };
  perToken: { mean: number; std: number };
}

/** Compare blocks as method × task rows, mean ± std over the seeds that have results. */
export function compareSummaries(rows: ReadonlyArray<{ run: RunRecord; ev: EvalRecord }>): GroupSummary[] {
  const groups = new Map<string, Array<{ run: RunRecord; ev: EvalRecord }>>();
  for (const r of rows) {
    if (!r.run.group) continue;
    const k = `${r.run.group}\u0000${r.ev.task}`;
    const list = groups.get(k) ?? [];
    list.push(r);
    groups.set(k, list);
  }
  return [...groups.values()].map((list) => {
    const first = list[0]!;
    const exact = list.map((x) => x.ev.exact);
    const perToken = list.map((x) => x.ev.perToken);
    return {
      compare: first.run.group!.slice(0, first.run.group!.indexOf('/')),
      group: first.run.group!,
      method: first.run.method,
      task: first.ev.task,
      trainable: first.run.trainable,
      seeds: list.map((x) => x.run.seed).sort((a, b) => a - b),
      exact: { mean: mean(exact), std: std(exact) },
      perToken: { mean: mean(perToken), std: std(perToken) },
    };
  });
}

/** Evaluations with attention, one per run and probe (the task does not change the probe's attention). */
export function attentionEvals(data: ReportData, runs: readonly RunRecord[]): EvalRecord[] {
  const shown = new Set(runs.map((r) => r.hash));
  const seen = new Set<string>();
  const out: EvalRecord[] = [];
  for (const ev of data.evals) {
    if (!ev.attention || !shown.has(ev.runHash)) continue;
    const k = `${ev.runHash}\u0000${JSON.stringify(ev.probe)}`;
    if (seen.has(k)) continue;
    seen.add(k);
    out.push(ev);
  }
  return out;
}

/** The pretrained model's attention on the same probe, when the store has it. */
export function referenceEval(data: ReportData, ev: EvalRecord): EvalRecord | null {
  if (!ev.reference) return null;
  const probe = JSON.stringify(ev.probe);
  return data.evals.find((e) => e.runHash === ev.reference && e.attention && JSON.stringify(e.probe) === probe) ?? null;
}

export type Region = 'prefix' | 'pad' | 'input' | 'output';

export interface TokenLabel {
  text: string;
  region: Region;
}

/**
 * Labels for the query positions (the sequence) and the key positions (kv-prefix columns, then the
 * sequence) of a run's attention record: context positions P1…Pn, unused pads, input and output tokens.
 */
export function tokenLabels(run: RunRecord | undefined, tokens: readonly number[], prefixKeys: number): { queries: TokenLabel[]; keys: TokenLabel[] } {
  const reserve = run?.layout?.reserve ?? 0;
  const length = run?.layout?.length ?? Math.ceil((tokens.length - reserve) / 2);
  const context = run && !run.kvPrefix ? run.contextLength : 0;
  const queries = tokens.map((t, i): TokenLabel => {
    if (i < reserve) {
      if (i < context) return { text: run!.methodKind === 'prompt' ? String(t) : `P${i + 1}`, region: 'prefix' };
      return { text: '·', region: 'pad' };
    }
    return { text: String(t), region: i < reserve + length ? 'input' : 'output' };
  });
  const kv = Array.from({ length: prefixKeys }, (_, i): TokenLabel => ({ text: `K${i + 1}`, region: 'prefix' }));
  return { queries, keys: [...kv, ...queries] };
}

/** Whether key column k is visible to query i: kv-prefix columns always, sequence keys up to i (causal). */
export function visible(query: number, key: number, prefixKeys: number): boolean {
  return key < prefixKeys || key - prefixKeys <= query;
}
