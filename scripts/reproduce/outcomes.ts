// From the results of one spec to the rows of the comparison: the runs a row selects (for a compare method,
// every seed of the configuration its verdict selected on validation; or one named run), their exact match
// as mean ± std over seeds, the parameter count, steps and training time, the verdict, whether the issue's
// conclusion holds (null when the verdict is inconclusive: neither), and the change of relative attention
// measured on the probe for every tuned run.
import type { Spec } from '../../grammar/src/spec.js';
import type { MethodVerdict, VerdictKind } from '../../runtime/src/evidence/verdict.js';
import { allFinetunes } from '../../runtime/src/plan/plan.js';
import type { Claim, Direction, PaperRow, RowSelector } from './experiments.js';
import type { SpecResult } from './run-spec.js';

export interface RowOutcome {
  row: PaperRow;
  /** The selected runs' exact match, one per seed (sorted by seed). */
  exact: number[];
  perToken: number[];
  seeds: number[];
  mean: number;
  std: number;
  /** Method as written in the spec (e.g. `prefix(length: 8)`), or `pretrained`. */
  method: string;
  trainable: number;
  steps: number;
  /** Mean training seconds per run (as stored, so cached runs report when they were trained). */
  trainSeconds: number;
  /** null: no claim for this row, or the verdict is inconclusive (neither holds nor fails). */
  holds: boolean | null;
  /** The compare method's verdict, with its search grid as written and how many configurations it has. */
  verdict: { kind: VerdictKind; message: string; grid: string; configurations: number } | null;
}

export interface AttentionChange {
  run: string;
  method: string;
  task: string;
  /** Largest |Δ| of relative attention over content positions per layer vs. the pretrained model. */
  perLayer: number[];
  /**
   * Whether the method trains weights that make the layer-0 pattern (full fine-tuning, LoRA on the query or
   * key matrices); LoRA on the value, output or MLP matrices leaves layer 0's pattern exactly as it was.
   */
  movesLayer0: boolean;
}

export function mean(xs: readonly number[]): number {
  return xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN;
}

/** Sample standard deviation (n − 1); 0 for a single value. */
export function std(xs: readonly number[]): number {
  if (xs.length < 2) return 0;
  const m = mean(xs);
  return Math.sqrt(xs.reduce((a, x) => a + (x - m) ** 2, 0) / (xs.length - 1));
}

export function claimHolds(claim: Claim, value: number): boolean {
  return claim.op === '>=' ? value >= claim.value : value <= claim.value;
}

/** `<compare>/<method text>/seed<n>` → its parts, or null for a run that is not a compare run. */
export function parseCompareRun(name: string): { compare: string; method: string; kind: string; seed: number } | null {
  const m = /^([^/]+)\/(.+)\/seed(\d+)$/.exec(name);
  if (!m) return null;
  return { compare: m[1]!, method: m[2]!, kind: m[2]!.replace(/\(.*$/, ''), seed: Number(m[3]) };
}

/** The verdict of a row's compare method (its kind inside the compare), if the row is a compare row. */
export function rowVerdict(sel: RowSelector, verdicts: readonly MethodVerdict[]): MethodVerdict | undefined {
  return sel.compare === undefined ? undefined : verdicts.find((v) => v.compare === sel.compare && v.kind === sel.method);
}

function selects(sel: RowSelector, r: SpecResult, chosen: ReadonlySet<string> | null): boolean {
  if (r.task !== sel.task) return false;
  if (sel.run !== undefined) return r.run === sel.run;
  if (chosen) return chosen.has(r.run);
  const c = parseCompareRun(r.run);
  return c !== null && c.compare === sel.compare && c.kind === sel.method;
}

/**
 * Results of one row, one per run (an evaluation repeated by several blocks counts once): the runs of the
 * configuration the verdict selected on validation, or every run of the method when there is no verdict.
 */
export function selectResults(sel: RowSelector, results: readonly SpecResult[], verdicts: readonly MethodVerdict[] = []): SpecResult[] {
  const v = rowVerdict(sel, verdicts);
  const chosen = v?.selected ? new Set(v.selected.runs) : null;
  const byRun = new Map<string, SpecResult>();
  for (const r of results) if (selects(sel, r, chosen) && !byRun.has(r.run)) byRun.set(r.run, r);
  return [...byRun.values()].sort((a, b) => a.seed - b.seed);
}

export function rowOutcome(row: PaperRow, results: readonly SpecResult[], spec: Spec, verdicts: readonly MethodVerdict[] = []): RowOutcome {
  const picked = selectResults(row.select, results, verdicts);
  const v = rowVerdict(row.select, verdicts);
  const undecided = v !== undefined && (v.verdict === 'inconclusive' || v.verdict === 'incomplete');
  if (picked.length === 0) throw new Error(`row ${row.id}: no result for ${JSON.stringify(row.select)}`);
  const exact = picked.map((r) => r.exact);
  const finetunes = allFinetunes(spec);
  const first = picked[0]!;
  const ft = finetunes.get(first.run);
  const pre = spec.pretrains.get(first.run);
  const steps = ft?.schedule.steps ?? pre?.schedule.steps ?? NaN;
  const m = mean(exact);
  return {
    row,
    exact,
    perToken: picked.map((r) => r.perToken),
    seeds: picked.map((r) => r.seed),
    mean: m,
    std: std(exact),
    method: ft ? (parseCompareRun(first.run)?.method ?? ft.method.kind) : 'pretrained',
    trainable: first.trainable,
    steps,
    trainSeconds: mean(picked.map((r) => r.trainSeconds)),
    holds: row.claim && !undecided ? claimHolds(row.claim, m) : null,
    verdict: v ? { kind: v.verdict, message: v.message, grid: v.method, configurations: v.grid.length } : null,
  };
}

export function directionHolds(d: Direction, rows: ReadonlyMap<string, RowOutcome>): { holds: boolean; higher: number; lower: number } {
  const hi = rows.get(d.higher);
  const lo = rows.get(d.lower);
  if (!hi || !lo) throw new Error(`direction '${d.text}': unknown row ${hi ? d.lower : d.higher}`);
  return { holds: hi.mean - lo.mean >= d.margin, higher: hi.mean, lower: lo.mean };
}

/**
 * The measured change of relative attention of every tuned run that recorded attention on a probe, from
 * its evaluation on its own task when there is one (the probe's output is then the task's answer).
 */
export function attentionChanges(results: readonly SpecResult[], spec: Spec): AttentionChange[] {
  const finetunes = allFinetunes(spec);
  const chosen = new Map<string, SpecResult>();
  for (const r of results) {
    if (!r.attention?.relativeChange) continue;
    const own = finetunes.get(r.run)?.task.name === r.task;
    if (!chosen.has(r.run) || own) chosen.set(r.run, r);
  }
  return [...chosen.values()].map((r) => {
    const m = finetunes.get(r.run)?.method;
    return {
      run: r.run,
      method: parseCompareRun(r.run)?.kind ?? m?.kind ?? 'finetune',
      task: r.task,
      perLayer: r.attention!.relativeChange!,
      movesLayer0: m?.kind === 'full' || (m?.kind === 'lora' && m.targets.some((t) => t === 'query' || t === 'key')),
    };
  });
}
