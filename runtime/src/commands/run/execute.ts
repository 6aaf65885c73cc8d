// Runs a plan's jobs in order against the store: cached complete entries are used as they are, anything
// missing or failing verification is moved to the store's quarantine and (re)computed; a failed run skips
// what depends on it and the rest goes on; a stop request ends the session after saving a resumable
// snapshot. A StoreError (the store itself cannot be written) ends the whole plan: every job would fail.
import type { BackendName, NamedTensors } from '../../engine/types.js';
import { createTrainer } from '../../engine/index.js';
import type { EvalJob, Job, Plan, TrainJob } from '../../plan/plan.js';
import type { RunStore } from '../../store/run-store.js';
import type { RunInfo } from '../../store/records.js';
import { StoreError } from '../../store/store-error.js';
import type { StopRequest } from './interrupt.js';
import type { JobRef, Reporter, ResultRow, Summary } from './reporter.js';
import { runEvalJob } from './eval-job.js';
import { runTrainJob, trainerOptions, type Trainer } from './train-job.js';

/** Periodic resumable snapshots during training: cheap next to minutes of steps, and a kill loses little. */
export const DEFAULT_SNAPSHOT_EVERY_MS = 5 * 60_000;

export interface ExecuteResult {
  rows: ResultRow[];
  /** Every run that finished (trained now or already in the store), in plan order, with its store hash. */
  runs: Array<{ hash: string; info: RunInfo }>;
  summary: Omit<Summary, 'exitCode'>;
  /** Where a stop request interrupted training, if it did. */
  stoppedAt: { run: string; step: number; steps: number } | null;
}

export function jobRef(job: Job): JobRef {
  return job.kind === 'train'
    ? { id: job.id, kind: 'train', run: job.run, hash: job.hash }
    : { id: job.id, kind: 'evaluate', run: job.run, task: job.task.name, hash: job.hash };
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export async function executePlan(
  plan: Plan,
  ctx: {
    store: RunStore;
    reporter: Reporter;
    stop: StopRequest;
    backend: BackendName;
    snapshotEveryMs?: number;
    /** The counts, kept up to date as jobs end (a forced exit reports them as they are). */
    summary?: Omit<Summary, 'exitCode'>;
    /** The spec file that asked for the runs, recorded with each run it trains. */
    spec?: string;
  },
): Promise<ExecuteResult> {
  const { store, reporter, stop } = ctx;
  const runState = new Map<string, { ok: true; info: RunInfo } | { ok: false; why: string }>();
  const weights = new Map<string, NamedTensors>();
  const modelWeights = (hash: string): NamedTensors => {
    let w = weights.get(hash);
    if (!w) {
      w = store.loadModelWeights(hash);
      weights.set(hash, w);
    }
    return w;
  };
  let live: { hash: string; trainer: Trainer } | null = null;
  const setLive = (next: { hash: string; trainer: Trainer } | null) => {
    if (live && live.trainer !== next?.trainer) live.trainer.dispose();
    live = next;
  };
  const rows: ResultRow[] = [];
  const finished: ExecuteResult['runs'] = [];
  const summary = ctx.summary ?? { trained: 0, evaluated: 0, cached: 0, failed: 0, stopped: false };
  let stoppedAt: ExecuteResult['stoppedAt'] = null;

  const train = async (job: TrainJob, ref: JobRef): Promise<void> => {
    const parent = job.parent ? runState.get(job.parent.run) : undefined;
    if (parent && !parent.ok) {
      runState.set(job.run, { ok: false, why: `${job.parent!.run} did not finish` });
      reporter.jobEnd(ref, { status: 'skipped', seconds: 0, reason: `it starts from ${job.parent!.run}, which did not finish` });
      return;
    }
    const st = store.runStatus(job.hash);
    if (st.state === 'complete') {
      runState.set(job.run, { ok: true, info: st.manifest.info });
      finished.push({ hash: job.hash, info: st.manifest.info });
      summary.cached++;
      reporter.jobEnd(ref, { status: 'cached', seconds: 0, finalLoss: st.manifest.info.finalLoss });
      return;
    }
    if (st.state === 'invalid') {
      const where = store.quarantineLeftovers(job.hash, st.reason);
      reporter.info(`${job.run}: the stored run is unusable (${st.reason}); moved it to ${where ?? 'the quarantine'} and training it again`);
    }
    const t0 = Date.now();
    try {
      const out = await runTrainJob(job, ref, {
        store,
        reporter,
        stop,
        backend: ctx.backend,
        baseWeights: modelWeights,
        snapshotEveryMs: ctx.snapshotEveryMs ?? DEFAULT_SNAPSHOT_EVERY_MS,
        ...(ctx.spec ? { spec: ctx.spec } : {}),
      });
      if (out.status === 'stopped') {
        summary.stopped = true;
        stoppedAt = { run: job.run, step: out.step, steps: out.steps };
        runState.set(job.run, { ok: false, why: 'stopped' });
        reporter.jobEnd(ref, { status: 'stopped', seconds: (Date.now() - t0) / 1000, reason: `at step ${out.step} of ${out.steps}; snapshot saved` });
        return;
      }
      setLive({ hash: job.hash, trainer: out.trainer });
      runState.set(job.run, { ok: true, info: out.info });
      finished.push({ hash: job.hash, info: out.info });
      summary.trained++;
      reporter.jobEnd(ref, { status: 'done', seconds: (Date.now() - t0) / 1000, finalLoss: out.info.finalLoss, ...(out.earlyStop ? { earlyStop: out.earlyStop } : {}) });
    } catch (err) {
      if (err instanceof StoreError) throw err;
      summary.failed++;
      runState.set(job.run, { ok: false, why: message(err) });
      reporter.error(message(err), ref);
      reporter.jobEnd(ref, { status: 'failed', seconds: (Date.now() - t0) / 1000, reason: message(err) });
    }
  };

  const evaluate = async (job: EvalJob, ref: JobRef): Promise<void> => {
    const run = plan.runs.get(job.run)!;
    const state = runState.get(job.run);
    if (!state || !state.ok) {
      reporter.jobEnd(ref, { status: 'skipped', seconds: 0, reason: `${job.run} did not finish` });
      return;
    }
    const st = store.evalStatus(job.runHash, job.hash);
    if (st.state === 'complete') {
      try {
        const ev = store.loadEval(job.runHash, job.hash);
        summary.cached++;
        reporter.jobEnd(ref, { status: 'cached', seconds: 0 });
        const row: ResultRow = { ...ev.info, trainSeconds: ev.info.trainMs / 1000, cached: true, block: job.block, hash: job.hash, attention: ev.attention };
        rows.push(row);
        reporter.result(row);
        return;
      } catch (err) {
        if (err instanceof StoreError) throw err;
        const where = store.quarantine(store.evalDir(job.runHash, job.hash), message(err));
        reporter.info(`${job.run} on ${job.task.name}: the stored evaluation is unusable (${message(err)}); moved it to ${where} and evaluating again`);
      }
    } else if (st.state === 'invalid') {
      const where = store.quarantine(store.evalDir(job.runHash, job.hash), st.reason);
      reporter.info(`${job.run} on ${job.task.name}: the stored evaluation is unusable (${st.reason}); moved it to ${where} and evaluating again`);
    }
    const t0 = Date.now();
    try {
      if (!live || live.hash !== job.runHash) {
        const stored = store.loadRun(job.runHash);
        const base = run.parent ? modelWeights(run.parent.hash) : null;
        setLive({ hash: job.runHash, trainer: await createTrainer(trainerOptions(run, base, false), stored.snapshot) });
      }
      reporter.jobStart(ref, {});
      const out = await runEvalJob(job, run, state.info, live!.trainer, { stop, referenceWeights: modelWeights });
      if (out.status === 'stopped') {
        summary.stopped = true;
        reporter.jobEnd(ref, { status: 'stopped', seconds: (Date.now() - t0) / 1000, reason: 'evaluation interrupted' });
        return;
      }
      store.saveEval(job.runHash, job.hash, job.key, { info: out.info, attention: out.attention });
      summary.evaluated++;
      reporter.jobEnd(ref, { status: 'done', seconds: (Date.now() - t0) / 1000 });
      const row: ResultRow = { ...out.info, trainSeconds: out.info.trainMs / 1000, cached: false, block: job.block, hash: job.hash, attention: out.attention };
      rows.push(row);
      reporter.result(row);
    } catch (err) {
      if (err instanceof StoreError) throw err;
      summary.failed++;
      reporter.error(message(err), ref);
      reporter.jobEnd(ref, { status: 'failed', seconds: (Date.now() - t0) / 1000, reason: message(err) });
    }
  };

  try {
    for (const job of plan.jobs) {
      if (stop.requested) {
        stop.acknowledge();
        summary.stopped = true;
        break;
      }
      const ref = jobRef(job);
      if (job.kind === 'train') await train(job, ref);
      else await evaluate(job, ref);
    }
  } finally {
    setLive(null);
  }
  return { rows, runs: finished, summary, stoppedAt };
}
