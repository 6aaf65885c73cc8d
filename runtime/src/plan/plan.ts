// From a spec to the jobs that produce its results, in dependency order: every pretrain, then the
// finetunes (compare runs included) each after the run it starts from, each run's own evaluation right
// after its training, and the evaluate blocks last. `only` keeps one block and what it needs.
import type { DataSpec, FinetuneSpec, MethodSpec, ModelSpec, PretrainSpec, Spec, StoppingSpec, TaskSpec } from '../../../grammar/src/spec.js';
import type { BackendName, Layout } from '../engine/types.js';
import { canonicalJson } from '../store/canonical.js';
import { evalKey, finetuneKey, hashKey, pretrainKey, taskKey } from './keys.js';

/** Test samples of a run's own evaluation when no evaluate block names the run. */
export const DEFAULT_SAMPLES = 3200;

export interface TrainJob {
  kind: 'train';
  /** Unique job id within the plan (`train:<run>`). */
  id: string;
  run: string;
  spec: PretrainSpec | FinetuneSpec;
  hash: string;
  key: unknown;
  /** The run this one starts from (finetunes), with its hash. */
  parent: { run: string; hash: string } | null;
  /** The pretrain at the root of the chain (itself for a pretrain). */
  root: { run: string; hash: string };
  model: ModelSpec;
  data: DataSpec;
  layout: Layout;
  method: MethodSpec;
  /** The tasks trained on (one for a finetune, the mixture for a pretrain). */
  tasks: TaskSpec[];
  seed: number;
  /** Evaluation on the validation split during training and early stopping (finetunes); null for a pretrain. */
  stopping: StoppingSpec | null;
  /** Data-parallel training threads. */
  threads: number;
}

export interface EvalJob {
  kind: 'evaluate';
  id: string;
  run: string;
  runHash: string;
  task: TaskSpec;
  samples: number;
  probe: number[] | null;
  /** The pretrained root to compare attention with (null for a pretrain itself). */
  reference: { run: string; hash: string } | null;
  hash: string;
  key: unknown;
  /** The evaluate block that asked for this, or null for a run's own evaluation. */
  block: string | null;
}

export type Job = TrainJob | EvalJob;

export interface Plan {
  jobs: Job[];
  /** Train jobs by run name, including runs outside an `only` selection (for lookups). */
  runs: Map<string, TrainJob>;
}

export class PlanError extends Error {}

const FULL: MethodSpec = { kind: 'full' };

/** Every finetune of the spec, compare runs included, by name. */
export function allFinetunes(spec: Spec): Map<string, FinetuneSpec> {
  const out = new Map<string, FinetuneSpec>(spec.finetunes);
  for (const c of spec.compares.values()) for (const r of c.runs) if (!out.has(r.name)) out.set(r.name, r);
  return out;
}

/** Run names of an evaluate block, a compare block's name standing for all of its runs. */
export function expandRuns(spec: Spec, names: readonly string[]): string[] {
  return names.flatMap((n) => {
    const c = spec.compares.get(n);
    return c && !spec.pretrains.has(n) && !spec.finetunes.has(n) ? c.runs.map((r) => r.name) : [n];
  });
}

function buildTrainJobs(spec: Spec, backend: BackendName, threads: number): Map<string, TrainJob> {
  const jobs = new Map<string, TrainJob>();
  for (const p of spec.pretrains.values()) {
    const key = pretrainKey(p, backend, threads);
    const hash = hashKey(key);
    jobs.set(p.name, {
      kind: 'train',
      id: `train:${p.name}`,
      run: p.name,
      spec: p,
      hash,
      key,
      parent: null,
      root: { run: p.name, hash },
      model: p.model,
      data: p.data,
      layout: { reserve: p.reserve, length: p.data.length, vocab: p.data.vocab },
      method: FULL,
      tasks: p.tasks,
      seed: p.schedule.seed,
      stopping: null,
      threads,
    });
  }
  const finetunes = allFinetunes(spec);
  const visiting = new Set<string>();
  const resolve = (name: string): TrainJob => {
    const done = jobs.get(name);
    if (done) return done;
    const f = finetunes.get(name);
    if (!f) throw new PlanError(`unknown run '${name}'`);
    if (visiting.has(name)) throw new PlanError(`run '${name}' depends on itself`);
    visiting.add(name);
    const parent = resolve(f.from);
    visiting.delete(name);
    const key = finetuneKey(f, parent.hash, parent.data.validation, backend, threads);
    const job: TrainJob = {
      kind: 'train',
      id: `train:${f.name}`,
      run: f.name,
      spec: f,
      hash: hashKey(key),
      key,
      parent: { run: parent.run, hash: parent.hash },
      root: parent.root,
      model: parent.model,
      data: parent.data,
      layout: parent.layout,
      method: f.method,
      tasks: [f.task],
      seed: f.schedule.seed,
      stopping: f.stopping,
      threads,
    };
    jobs.set(f.name, job);
    return job;
  };
  for (const name of finetunes.keys()) resolve(name);
  return jobs;
}

function makeEval(run: TrainJob, task: TaskSpec, samples: number, probe: number[] | null, block: string | null): EvalJob {
  const reference = run.parent ? run.root : null;
  const key = evalKey(run.hash, task, samples, run.data.validation, probe, reference?.hash ?? null);
  const hash = hashKey(key);
  return {
    kind: 'evaluate',
    id: `evaluate:${run.run}:${hash.slice(0, 12)}`,
    run: run.run,
    runHash: run.hash,
    task,
    samples,
    probe,
    reference: probe ? reference : null,
    hash,
    key,
    block,
  };
}

export interface PlanOptions {
  backend: BackendName;
  /** Data-parallel training threads (default 1). */
  threads?: number;
  /** Keep only this block (pretrain, finetune, compare or evaluate name) and what it needs. */
  only?: string;
}

export function buildPlan(spec: Spec, opts: PlanOptions): Plan {
  const runs = buildTrainJobs(spec, opts.backend, opts.threads ?? 1);

  // A run's own evaluation uses the sample count of the first evaluate block that names it.
  const samplesFor = (run: string): number => {
    for (const e of spec.evaluates.values()) if (expandRuns(spec, e.runs).includes(run)) return e.samples;
    return DEFAULT_SAMPLES;
  };
  const ownEvals = new Map<string, EvalJob[]>();
  for (const job of runs.values()) {
    const samples = samplesFor(job.run);
    ownEvals.set(job.run, job.tasks.map((t) => makeEval(job, t, samples, null, null)));
  }
  const blockEvals = new Map<string, EvalJob[]>();
  for (const e of spec.evaluates.values()) {
    const list: EvalJob[] = [];
    for (const name of expandRuns(spec, e.runs)) {
      const run = runs.get(name);
      if (!run) throw new PlanError(`evaluate '${e.name}': unknown run '${name}'`);
      for (const t of e.tasks) list.push(makeEval(run, t, e.samples, e.probe, e.name));
    }
    blockEvals.set(e.name, list);
  }

  // Selection: which runs to train and evaluate, and which evaluate blocks to run.
  const trainSet = new Set<string>();
  const evalRuns = new Set<string>();
  const blocks = new Set<string>();
  const needRun = (name: string) => {
    for (let j: TrainJob | undefined = runs.get(name); j; j = j.parent ? runs.get(j.parent.run) : undefined) trainSet.add(j.run);
  };
  if (opts.only === undefined) {
    for (const name of runs.keys()) {
      needRun(name);
      evalRuns.add(name);
    }
    for (const name of spec.evaluates.keys()) blocks.add(name);
  } else {
    const only = opts.only;
    const compare = spec.compares.get(only);
    if (runs.has(only)) {
      needRun(only);
      evalRuns.add(only);
    } else if (compare) {
      for (const r of compare.runs) {
        needRun(r.name);
        evalRuns.add(r.name);
      }
    } else if (spec.evaluates.has(only)) {
      blocks.add(only);
    } else {
      const names = [...spec.pretrains.keys(), ...spec.finetunes.keys(), ...spec.compares.keys(), ...spec.evaluates.keys()];
      throw new PlanError(`--only ${only}: no block of that name (blocks: ${names.join(', ') || 'none'})`);
    }
    for (const b of blocks) for (const ev of blockEvals.get(b)!) needRun(ev.run);
  }

  // Order: runs in creation order (pretrains first, parents before children), each followed by its own
  // evaluations; then evaluate blocks. Identical evaluations (same hash) run once, and a run's own
  // evaluation is left out when a selected evaluate block measures the same run, task and sample count
  // (the block's evaluation also records attention, so it covers the plain one).
  const jobs: Job[] = [];
  const covered = new Set<string>();
  const coverKey = (ev: EvalJob) => canonicalJson([ev.runHash, taskKey(ev.task), ev.samples]);
  for (const b of blocks) for (const ev of blockEvals.get(b)!) covered.add(coverKey(ev));
  const seenEval = new Set<string>();
  const pushEval = (ev: EvalJob) => {
    const id = `${ev.runHash}/${ev.hash}`;
    if (seenEval.has(id)) return;
    seenEval.add(id);
    jobs.push(ev);
  };
  for (const job of runs.values()) {
    if (!trainSet.has(job.run)) continue;
    jobs.push(job);
    if (evalRuns.has(job.run)) for (const ev of ownEvals.get(job.run)!) if (!covered.has(coverKey(ev))) pushEval(ev);
  }
  for (const b of blocks) for (const ev of blockEvals.get(b)!) pushEval(ev);
  return { jobs, runs };
}
