// A verdict per method of a compare, from the curves of its whole grid: "learned", "not learned
// (converged)" or "inconclusive (still improving)". One short run at one learning rate says "not yet", not
// "cannot": a failure counts as evidence only once every configuration tried has stopped improving well
// before its budget ended.
//
// Selection looks at the validation split only: the grid point with the best mean final validation exact
// match over seeds (ties: lower validation loss). The number reported is that point's test exact match,
// mean ± std over seeds. The test split never chooses anything.
import type { CompareSpec, GridPoint, MethodKind } from '../../../grammar/src/spec.js';
import type { StopReason, ValidationPoint } from '../store/records.js';

/** Gain in validation exact match (a fraction) that counts as still improving over the last third. */
export const CONVERGED_EXACT_DELTA = 0.02;
/** Relative drop of the validation loss that counts as still improving over the last third. */
export const CONVERGED_LOSS_DELTA = 0.02;

export type VerdictKind = 'learned' | 'not-learned' | 'inconclusive' | 'incomplete';

/** What the verdict reads of one trained run. */
export interface RunEvidence {
  /** Step budget. */
  steps: number;
  validation: readonly ValidationPoint[];
  stopped: { step: number; reason: StopReason } | null;
  /** Test exact match on the compare's task, or null when not evaluated. */
  test: number | null;
}

export interface MeanStd {
  mean: number;
  std: number;
  n: number;
}

/** Whether a run's curve had stopped improving, and at what rate it was still improving otherwise. */
export interface RunTrend {
  run: string;
  converged: boolean;
  /** The run stopped because its validation exact match reached the target. */
  reachedTarget: boolean;
  /** Gain of the best validation exact match in the last third over the best before it (fraction). */
  exactGain: number;
  /** Relative drop of the lowest validation loss in the last third below the lowest before it. */
  lossDrop: number;
  /** The span of steps the gains were measured over (from the end of the first two thirds to the end). */
  span: number;
  why: string;
}

export interface PointResult {
  label: string;
  runs: string[];
  /** Mean over seeds of the final validation exact match (null when a run has no validation curve). */
  validation: number | null;
  validationLoss: number | null;
  test: MeanStd | null;
  trends: RunTrend[];
  /** Runs without a stored result (not trained yet, failed, or stopped by the user). */
  missing: string[];
}

export interface MethodVerdict {
  compare: string;
  task: string;
  /** The method item as written (canonical text, sweeps as lists). */
  method: string;
  kind: MethodKind;
  verdict: VerdictKind;
  /** The selected grid point, with its test exact match over seeds. */
  selected: PointResult | null;
  grid: PointResult[];
  learnedAt: number;
  /** One sentence with the numbers. */
  message: string;
}

export function meanStd(xs: readonly number[]): MeanStd {
  const n = xs.length;
  const mean = xs.reduce((a, b) => a + b, 0) / n;
  const std = n > 1 ? Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1)) : 0;
  return { mean, std, n };
}

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

/**
 * Converged: the run stopped on a plateau or at its validation target, or over the last third of its budget
 * neither the best validation exact match rose by more than CONVERGED_EXACT_DELTA nor the lowest validation
 * loss fell by more than CONVERGED_LOSS_DELTA (relative) against the first two thirds.
 */
export function runTrend(run: string, e: RunEvidence): RunTrend {
  const none = { run, exactGain: 0, lossDrop: 0, span: 0, reachedTarget: false };
  if (e.stopped?.reason === 'target') return { ...none, converged: true, reachedTarget: true, why: `reached its validation target at step ${e.stopped.step}` };
  if (e.stopped?.reason === 'plateau') return { ...none, converged: true, why: `stopped on a validation plateau at step ${e.stopped.step}` };
  const cut = (2 * e.steps) / 3;
  const before = e.validation.filter((p) => p.step <= cut);
  const last = e.validation.filter((p) => p.step > cut);
  if (before.length < 2 || last.length < 2) {
    return { ...none, converged: false, why: `only ${e.validation.length} validation points; the last third needs two and so does the rest` };
  }
  const bestBefore = Math.max(...before.map((p) => p.exact));
  const bestLast = Math.max(...last.map((p) => p.exact));
  const lossBefore = Math.min(...before.map((p) => p.loss));
  const lossLast = Math.min(...last.map((p) => p.loss));
  const exactGain = bestLast - bestBefore;
  const lossDrop = lossBefore > 0 ? (lossBefore - lossLast) / lossBefore : 0;
  const span = e.steps - before[before.length - 1]!.step;
  const converged = exactGain <= CONVERGED_EXACT_DELTA && lossDrop <= CONVERGED_LOSS_DELTA;
  const why = converged
    ? `flat over its last third (exact ${exactGain >= 0 ? '+' : ''}${(100 * exactGain).toFixed(1)} points, loss ${(100 * lossDrop).toFixed(1)}% lower)`
    : `still improving over its last third: exact ${exactGain >= 0 ? '+' : ''}${(100 * exactGain).toFixed(1)} points and loss ${(100 * lossDrop).toFixed(1)}% lower in ${span} steps`;
  return { run, exactGain, lossDrop, span, converged, reachedTarget: false, why };
}

function pointResult(point: GridPoint, evidence: (run: string) => RunEvidence | null): PointResult {
  const missing: string[] = [];
  const finals: ValidationPoint[] = [];
  const tests: number[] = [];
  const trends: RunTrend[] = [];
  for (const run of point.runs) {
    const e = evidence(run);
    if (!e || e.test === null) {
      missing.push(run);
      continue;
    }
    tests.push(e.test);
    const final = e.validation[e.validation.length - 1];
    if (final) finals.push(final);
    trends.push(runTrend(run, e));
  }
  const complete = missing.length === 0 && finals.length === point.runs.length;
  return {
    label: point.label,
    runs: point.runs,
    validation: complete ? meanStd(finals.map((p) => p.exact)).mean : null,
    validationLoss: complete ? meanStd(finals.map((p) => p.loss)).mean : null,
    test: tests.length ? meanStd(tests) : null,
    trends,
    missing,
  };
}

/** The grid point selected on validation: best mean final exact match, then lowest loss, then first written. */
export function selectPoint(grid: readonly PointResult[]): PointResult | null {
  let best: PointResult | null = null;
  for (const p of grid) {
    if (p.validation === null) continue;
    if (!best || p.validation > best.validation! || (p.validation === best.validation && p.validationLoss! < best.validationLoss!)) best = p;
  }
  return best;
}

/** A budget worth trying for a run still improving: where its rate would reach the target, within 2–10×. */
function suggestedSteps(t: RunTrend, e: RunEvidence, learnedAt: number): number {
  const now = e.validation.length ? Math.max(...e.validation.map((p) => p.exact)) : 0;
  const rate = t.exactGain / Math.max(1, t.span);
  const needed = rate > 0 ? e.steps + (learnedAt - now) / rate : 4 * e.steps;
  const steps = Math.min(10 * e.steps, Math.max(2 * e.steps, needed));
  const unit = steps >= 10_000 ? 1000 : 100;
  return Math.ceil(steps / unit) * unit;
}

export function compareVerdicts(c: CompareSpec, evidence: (run: string) => RunEvidence | null): MethodVerdict[] {
  return c.groups.map((g): MethodVerdict => {
    const method = g.label || g.points[0]?.label || g.kind;
    const grid = g.points.map((p) => pointResult(p, evidence));
    const base = { compare: c.name, task: c.task.name, method, kind: g.kind, grid, learnedAt: c.learnedAt };
    const missing = grid.flatMap((p) => p.missing);
    if (missing.length) {
      const shown = missing.slice(0, 3).join(', ') + (missing.length > 3 ? `, … (${missing.length} in all)` : '');
      return { ...base, verdict: 'incomplete', selected: null, message: `no verdict yet: ${missing.length} of ${grid.reduce((n, p) => n + p.runs.length, 0)} runs have no result (${shown})` };
    }
    const selected = selectPoint(grid);
    if (!selected || !selected.test) {
      return { ...base, verdict: 'incomplete', selected: null, message: 'no verdict: the runs have no validation curve (trained before validation splits existed); train them again' };
    }
    const seeds = selected.test.n;
    const testText = `${pct(selected.test.mean)}${seeds > 1 ? ` ± ${(100 * selected.test.std).toFixed(1)}` : ''} on test (${seeds} seed${seeds === 1 ? '' : 's'})`;
    const where = g.points.length > 1 ? `selected ${selected.label} of ${g.points.length} configurations on validation: ` : '';
    if (selected.test.mean >= c.learnedAt) {
      return { ...base, verdict: 'learned', selected, message: `learned: ${where}${testText} ≥ ${pct(c.learnedAt)}` };
    }
    // Validation said "learned" (a run stopped at its validation target) while test says otherwise: the
    // validation split does not represent the test split (too few distinct inputs), so neither verdict holds.
    const reachedTarget = selected.trends.filter((t) => t.reachedTarget);
    if (reachedTarget.length) {
      return {
        ...base,
        verdict: 'inconclusive',
        selected,
        message: `inconclusive (validation and test disagree): ${where}${reachedTarget.length} run${reachedTarget.length === 1 ? '' : 's'} reached the validation target but ${testText} < ${pct(c.learnedAt)}; the validation split is too small to stand for the test split (raise the data's test or validation share)`,
      };
    }
    const improving = grid.flatMap((p) => p.trends).filter((t) => !t.converged);
    if (improving.length === 0) {
      const bestVal = Math.max(...grid.map((p) => p.validation ?? 0));
      return {
        ...base,
        verdict: 'not-learned',
        selected,
        message: `not learned (converged): ${where}${testText} < ${pct(c.learnedAt)}; every one of ${grid.length} configuration${grid.length === 1 ? '' : 's'} stopped improving well before its budget (best validation ${pct(bestVal)})`,
      };
    }
    // The run improving fastest is the one to give more steps.
    const t = improving.reduce((a, b) => (b.exactGain / Math.max(1, b.span) > a.exactGain / Math.max(1, a.span) ? b : a));
    const e = evidence(t.run)!;
    // A rate per 1,000 steps is only worth stating when the window is not much shorter than that.
    const rate = (1000 * t.exactGain) / Math.max(1, t.span);
    return {
      ...base,
      verdict: 'inconclusive',
      selected,
      message:
        `inconclusive (still improving): ${where}${testText} < ${pct(c.learnedAt)}, but ${t.run} was still improving over the last ${t.span} of its ${e.steps} steps ` +
        `(validation exact ${t.exactGain >= 0 ? '+' : ''}${(100 * t.exactGain).toFixed(1)} points${t.span >= 250 ? `, ${(100 * rate).toFixed(1)} per 1,000 steps` : ''}; loss ${(100 * t.lossDrop).toFixed(1)}% lower); ` +
        `try steps: ${suggestedSteps(t, e, c.learnedAt)}`,
    };
  });
}
