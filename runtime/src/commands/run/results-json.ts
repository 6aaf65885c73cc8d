// The machine-readable results of a spec: what `ptx run FILE --format json` prints on stdout and what
// `ptx export` writes as results.json. One type, documented in docs/cli.md; new facts go in as new fields
// (consumers ignore fields they do not know), a change of meaning bumps `format`.
import type { Spec } from '../../../../grammar/src/spec.js';
import type { BackendName } from '../../engine/types.js';
import type { MethodVerdict } from '../../evidence/verdict.js';
import type { RunInfo } from '../../store/records.js';

export const RESULTS_FORMAT = 'ptx-results/1';

export interface ResultsJson {
  format: typeof RESULTS_FORMAT;
  /** The spec file as given on the command line. */
  spec: string;
  /** What this `ptx run` did; null when the results were read from the store (`ptx export`). */
  session: SessionJson | null;
  /** Finished runs in plan order (pretrains first, each finetune after the run it starts from). */
  runs: RunJson[];
  /** Per compare block, method and evaluated task: mean ± std over the seeds that have a result. */
  compares: CompareGroupJson[];
  /**
   * Per method item of each compare block: its verdict from the curves of its whole grid, the configuration
   * selected on validation with its test exact match over seeds, and every grid point (runtime/src/evidence/verdict.ts).
   */
  verdicts: MethodVerdict[];
}

export interface SessionJson {
  backend: BackendName;
  /** Why faster backends were skipped. */
  skipped: string[];
  trained: number;
  evaluated: number;
  cached: number;
  failed: number;
  stopped: boolean;
}

export interface RunJson {
  name: string;
  kind: 'pretrain' | 'finetune';
  /** The method as tables show it, e.g. `lora(rank: 1)`; `full` for pretraining. */
  method: string;
  seed: number;
  backend: BackendName;
  threads: number;
  trainableParameters: number;
  steps: number;
  /** The step early stopping ended the run at (finetunes), or null when it used its whole budget. */
  stoppedAt: number | null;
  /** Training wall time in seconds, over all sessions of a resumed run. */
  trainSeconds: number;
  finalLoss: number | null;
  /** The run's store key hash (its folder in .ptx/runs/). */
  hash: string;
  evaluations: EvaluationJson[];
}

export interface EvaluationJson {
  task: string;
  /** Test sequences evaluated. */
  samples: number;
  /** Fraction of sequences whose every output token is right (greedy decoding). */
  exactMatch: number;
  /** Fraction of output tokens that are right. */
  perToken: number;
}

export interface MeanStd {
  mean: number;
  /** Sample standard deviation (n − 1); 0 for one seed. */
  std: number;
  n: number;
}

export interface CompareGroupJson {
  compare: string;
  /** The configuration's label (a method, or a grid point of a sweep); its runs are `<compare>/<method>/seed<n>`. */
  method: string;
  task: string;
  samples: number;
  /** The runs averaged, one per seed, and their seeds. */
  runs: string[];
  seeds: number[];
  exactMatch: MeanStd;
  perToken: MeanStd;
}

export function meanStd(xs: readonly number[]): MeanStd {
  const n = xs.length;
  const mean = n ? xs.reduce((a, b) => a + b, 0) / n : NaN;
  const std = n < 2 ? 0 : Math.sqrt(xs.reduce((a, x) => a + (x - mean) ** 2, 0) / (n - 1));
  return { mean, std, n };
}

/** One evaluation result, from a `ptx run` row or a stored evaluation. */
export interface EvaluationSource {
  run: string;
  task: string;
  samples: number;
  exact: number;
  perToken: number;
}

/**
 * Groups the compare blocks' runs by method and task. A run evaluated on a task more than once with the
 * same sample count counts once; different sample counts are different groups (not comparable means).
 */
export function compareGroups(spec: Spec, runs: readonly RunJson[]): CompareGroupJson[] {
  const byName = new Map(runs.map((r) => [r.name, r]));
  const out: CompareGroupJson[] = [];
  for (const c of spec.compares.values()) {
    // One group per configuration (a method, or one grid point of a sweep), its runs one per seed.
    const methods = new Map<string, Array<{ run: RunJson; seed: number }>>();
    for (const point of c.groups.flatMap((g) => g.points)) {
      const members = point.runs.flatMap((name, i) => (byName.has(name) ? [{ run: byName.get(name)!, seed: c.seeds[i]! }] : []));
      if (members.length) methods.set(point.label, members);
    }
    for (const [method, members] of methods) {
      const cells = new Map<string, { task: string; samples: number; runs: string[]; seeds: number[]; exact: number[]; perToken: number[] }>();
      for (const { run, seed } of members) {
        const counted = new Set<string>();
        for (const e of run.evaluations) {
          const key = `${e.task}\u0000${e.samples}`;
          if (counted.has(key)) continue;
          counted.add(key);
          if (!cells.has(key)) cells.set(key, { task: e.task, samples: e.samples, runs: [], seeds: [], exact: [], perToken: [] });
          const cell = cells.get(key)!;
          cell.runs.push(run.name);
          cell.seeds.push(seed);
          cell.exact.push(e.exactMatch);
          cell.perToken.push(e.perToken);
        }
      }
      for (const cell of cells.values()) {
        out.push({ compare: c.name, method, task: cell.task, samples: cell.samples, runs: cell.runs, seeds: cell.seeds, exactMatch: meanStd(cell.exact), perToken: meanStd(cell.perToken) });
      }
    }
  }
  return out;
}

/** Attaches each evaluation to its run (dropping exact repeats) and adds the compare groups. */
export function resultsJson(
  file: string,
  spec: Spec,
  session: SessionJson | null,
  runs: ReadonlyArray<Omit<RunJson, 'evaluations'>>,
  evaluations: readonly EvaluationSource[],
  verdicts: readonly MethodVerdict[],
): ResultsJson {
  const out: RunJson[] = runs.map((r) => ({ ...r, evaluations: [] }));
  const byName = new Map(out.map((r) => [r.name, r]));
  for (const e of evaluations) {
    const run = byName.get(e.run);
    if (!run) continue;
    const ev: EvaluationJson = { task: e.task, samples: e.samples, exactMatch: e.exact, perToken: e.perToken };
    if (!run.evaluations.some((x) => x.task === ev.task && x.samples === ev.samples && x.exactMatch === ev.exactMatch && x.perToken === ev.perToken)) run.evaluations.push(ev);
  }
  return { format: RESULTS_FORMAT, spec: file, session, runs: out, compares: compareGroups(spec, out), verdicts: [...verdicts] };
}

/** A run's entry (without evaluations) from its stored summary. */
export function runJson(hash: string, info: RunInfo): Omit<RunJson, 'evaluations'> {
  return {
    name: info.name,
    kind: info.kind,
    method: info.method,
    seed: info.seed,
    backend: info.backend,
    threads: info.threads ?? 1,
    trainableParameters: info.trainable,
    steps: info.steps,
    stoppedAt: info.stoppedAt ?? null,
    trainSeconds: info.elapsedMs / 1000,
    finalLoss: info.finalLoss,
    hash,
  };
}
