// Reads every complete run and evaluation in a store into the plain data the views draw (data.ts). Only
// entries whose manifest verifies count, so a stopped or half-written run never shows as a result. A run's
// layout (reserved positions, input length) comes from its key, following a finetune's parent hashes to
// the pretrain; "current" marks what the spec as it is now still names (same hash). The store is shared by
// the specs of a folder, so with a `specRef` only this spec's runs are kept: current ones (whoever trained
// them: same key, same numbers) and earlier versions of its own blocks (trained from this spec file under a
// name it still has); another spec's runs of the same name are left out, and so is everything while the
// spec has errors.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MethodSpec, Spec } from '../../../grammar/src/spec.js';
import type { BackendName } from '../engine/types.js';
import { allFinetunes, buildPlan, expandRuns } from '../plan/plan.js';
import { compareVerdicts, type MethodVerdict, type RunEvidence } from '../evidence/verdict.js';
import { verifyEntry } from '../store/entry.js';
import type { EvalInfo, RunInfo, RunMetrics } from '../store/records.js';
import type { RunStore } from '../store/run-store.js';
import { REPORT_FORMAT, type BlockRuns, type EvalRecord, type LossCurve, type MethodKind, type ReportData, type RunLayout, type RunRecord } from './data.js';

/** Points kept per loss curve: enough for a smooth line at any panel width, small enough to embed. */
export const CURVE_POINTS = 1000;

/** Bucket means of a loss curve (losses[i] is step i + 1), at most `points` of them. */
export function thinCurve(losses: readonly number[], points = CURVE_POINTS): LossCurve {
  if (losses.length <= points) return { steps: losses.map((_, i) => i + 1), losses: [...losses] };
  const steps: number[] = [];
  const out: number[] = [];
  for (let b = 0; b < points; b++) {
    const from = Math.floor((b * losses.length) / points);
    const to = Math.floor(((b + 1) * losses.length) / points);
    let sum = 0;
    for (let i = from; i < to; i++) sum += losses[i]!;
    out.push(sum / (to - from));
    steps.push(to); // the bucket's last step, so the final point is the final step
  }
  return { steps, losses: out };
}

/** `<compare>/<method>` for a compare block's run `<compare>/<method>/seed<n>`, else null. */
export function compareGroup(runName: string): string | null {
  const m = /^(.+\/.+)\/seed-?\d+$/.exec(runName);
  return m ? m[1]! : null;
}

interface RunKey {
  kind?: string;
  parent?: string;
  method?: MethodSpec;
  reserve?: number;
  data?: { length?: number; vocab?: number };
}

interface EvalKey {
  probe?: number[] | null;
  reference?: string | null;
}

function list(dir: string): string[] {
  try {
    return existsSync(dir) ? readdirSync(dir).sort() : [];
  } catch {
    return [];
  }
}

function methodOf(key: RunKey): { kind: MethodKind; contextLength: number; kv: boolean } {
  const m = key.method;
  if (!m || m.kind === 'full') return { kind: 'full', contextLength: 0, kv: false };
  if (m.kind === 'lora') return { kind: 'lora', contextLength: 0, kv: false };
  return { kind: m.kind, contextLength: m.length, kv: m.kind === 'prefix' && m.space === 'kv' };
}

/**
 * Hashes of the runs and evaluations that the spec names today, for each backend × threads seen, with the
 * name the spec gives them (a run trained by another spec with the same key is this spec's too, by its name).
 */
function currentHashes(spec: Spec | null, combos: Iterable<string>): Map<string, string> {
  const out = new Map<string, string>();
  if (!spec) return out;
  for (const combo of combos) {
    const [backend, threads] = combo.split('×') as [BackendName, string];
    try {
      const plan = buildPlan(spec, { backend, threads: Number(threads) });
      for (const job of plan.jobs) out.set(job.hash, job.run);
      for (const job of plan.runs.values()) out.set(job.hash, job.run);
    } catch {
      // A spec that does not plan (unknown run names) marks nothing current.
    }
  }
  return out;
}

export interface CollectOptions {
  specName: string;
  /** The spec as it is now, or null when it has errors. */
  spec: Spec | null;
  /** The spec file as runs record it (store/spec-ref.ts): keeps only this spec's runs. Without it, all. */
  specRef?: string;
  specErrors?: number;
  now?: Date;
  /**
   * Hears of every entry left out because it does not verify (a stopped run, which has no manifest yet, is
   * not one of them). The report only reads: it moves nothing, since a `ptx run` may be writing.
   */
  onSkip?: (path: string, reason: string) => void;
}

/** The blocks that produce runs and the run names each stands for. */
export function blockRuns(spec: Spec | null): BlockRuns[] {
  if (!spec) return [];
  const out: BlockRuns[] = [];
  for (const name of spec.pretrains.keys()) out.push({ name, kind: 'pretrain', runs: [name] });
  for (const name of spec.finetunes.keys()) out.push({ name, kind: 'finetune', runs: [name] });
  for (const [name, c] of spec.compares) out.push({ name, kind: 'compare', runs: c.runs.map((r) => r.name) });
  for (const [name, e] of spec.evaluates) out.push({ name, kind: 'evaluate', runs: expandRuns(spec, e.runs) });
  return out;
}

export function collectReport(store: RunStore, opts: CollectOptions): ReportData {
  const skip = opts.onSkip ?? (() => {});
  const runsDir = join(store.root, 'runs');
  const keys = new Map<string, RunKey>();
  const loaded: Array<{ hash: string; info: RunInfo; written: string; metrics: RunMetrics }> = [];
  const candidates: Array<{ hash: string; info: RunInfo; written: string }> = [];
  for (const hash of list(runsDir)) {
    const st = verifyEntry<RunInfo>(store.runDir(hash));
    if (st.state === 'invalid') skip(store.runDir(hash), st.reason);
    if (st.state !== 'complete') continue;
    // verifyEntry has just checked every file against the manifest; of them only the loss curve is read
    // (checkpoints can be large and the views do not need them).
    if (!st.manifest.files['metrics.json']) {
      skip(store.runDir(hash), 'the entry has no metrics.json');
      continue;
    }
    keys.set(hash, (st.manifest.key ?? {}) as RunKey);
    candidates.push({ hash, info: st.manifest.info, written: st.manifest.written });
  }
  const current = currentHashes(opts.spec, new Set(candidates.map((r) => `${r.info.backend}×${r.info.threads ?? 1}`)));
  const names = opts.spec ? new Set([...opts.spec.pretrains.keys(), ...allFinetunes(opts.spec).keys()]) : new Set<string>();
  const mine = (c: { hash: string; info: RunInfo }): boolean =>
    opts.specRef === undefined || current.has(c.hash) || (opts.spec !== null && c.info.spec === opts.specRef && names.has(c.info.name));
  for (const { hash, info, written } of candidates) {
    if (!mine({ hash, info })) continue;
    let metrics: RunMetrics;
    try {
      metrics = JSON.parse(readFileSync(join(store.runDir(hash), 'metrics.json'), 'utf8')) as RunMetrics;
      if (!Array.isArray(metrics.losses)) throw new Error('metrics.json has no loss curve');
    } catch (err) {
      skip(store.runDir(hash), err instanceof Error ? err.message : String(err));
      continue;
    }
    loaded.push({ hash, info, written, metrics });
  }
  const layoutOf = (hash: string, depth = 0): RunLayout | null => {
    const k = keys.get(hash);
    if (!k || depth > 64) return null;
    if (k.kind === 'pretrain' && typeof k.reserve === 'number' && k.data && typeof k.data.length === 'number' && typeof k.data.vocab === 'number') {
      return { reserve: k.reserve, length: k.data.length, vocab: k.data.vocab };
    }
    return k.parent ? layoutOf(k.parent, depth + 1) : null;
  };

  const runs: RunRecord[] = loaded.map(({ hash, info, written, metrics }) => {
    const key = keys.get(hash)!;
    const m = methodOf(key);
    return {
      hash,
      name: current.get(hash) ?? info.name,
      kind: info.kind,
      method: info.method,
      methodKind: m.kind,
      contextLength: m.contextLength,
      kvPrefix: m.kv,
      backend: info.backend,
      threads: info.threads ?? 1,
      seed: info.seed,
      steps: info.steps,
      trainable: info.trainable,
      elapsedMs: info.elapsedMs,
      finalLoss: info.finalLoss,
      written,
      parent: key.parent ?? null,
      group: compareGroup(info.name),
      current: current.has(hash),
      layout: layoutOf(hash),
      curve: thinCurve(metrics.losses),
      validation: metrics.validation ?? [],
      stopped: metrics.stopped ?? null,
      resumedAt: metrics.resumedAt ?? [],
    };
  });

  const evals: EvalRecord[] = [];
  for (const run of runs) {
    const evalsDir = join(store.runDir(run.hash), 'evals');
    for (const hash of list(evalsDir)) {
      const st = verifyEntry<EvalInfo>(store.evalDir(run.hash, hash));
      if (st.state === 'invalid') skip(store.evalDir(run.hash, hash), st.reason);
      if (st.state !== 'complete') continue;
      let ev;
      try {
        ev = store.loadEval(run.hash, hash);
      } catch (err) {
        skip(store.evalDir(run.hash, hash), err instanceof Error ? err.message : String(err));
        continue;
      }
      const key = (st.manifest.key ?? {}) as EvalKey;
      evals.push({
        hash,
        runHash: run.hash,
        run: run.name,
        task: ev.info.task,
        exact: ev.info.exact,
        perToken: ev.info.perToken,
        samples: ev.info.samples,
        probe: Array.isArray(key.probe) ? key.probe : null,
        reference: typeof key.reference === 'string' ? key.reference : null,
        written: st.manifest.written,
        current: run.current && current.has(hash),
        attention: ev.attention,
      });
    }
  }
  // Oldest first, so tables and pickers read in the order things were made.
  runs.sort((a, b) => a.written.localeCompare(b.written) || a.name.localeCompare(b.name));
  evals.sort((a, b) => a.written.localeCompare(b.written) || a.run.localeCompare(b.run) || a.task.localeCompare(b.task));
  const verdicts = opts.spec ? verdictsOf(opts.spec, runs, evals) : [];
  return {
    format: REPORT_FORMAT,
    spec: opts.specName,
    generated: (opts.now ?? new Date()).toISOString(),
    specErrors: opts.specErrors ?? 0,
    blocks: blockRuns(opts.spec),
    runs,
    evals,
    verdicts,
  };
}

/**
 * Verdicts of the spec's compare blocks from the current runs (the newest, if the store holds the same run
 * for several backends) and their largest test evaluation on the compare's task.
 */
function verdictsOf(spec: Spec, runs: readonly RunRecord[], evals: readonly EvalRecord[]): MethodVerdict[] {
  const byName = new Map<string, RunRecord>();
  for (const r of runs) if (r.current) byName.set(r.name, r); // runs are oldest first: the newest wins
  const out: MethodVerdict[] = [];
  for (const c of spec.compares.values()) {
    const evidence = (name: string): RunEvidence | null => {
      const r = byName.get(name);
      if (!r) return null;
      let test: EvalRecord | null = null;
      // Any evaluation of this very run (its hash) on the task counts, including its own evaluation when the
      // plan now leaves that to an evaluate block that has not run yet (`--only` the compare).
      for (const e of evals) if (e.runHash === r.hash && e.task === c.task.name && (!test || e.samples > test.samples)) test = e;
      return { steps: r.steps, validation: r.validation, stopped: r.stopped, test: test ? test.exact : null };
    };
    out.push(...compareVerdicts(c, evidence));
  }
  return out;
}
