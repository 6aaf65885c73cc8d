// The work of one unit (units.ts), wherever it runs (in the `ptx run` process or a worker process): train
// the run unless the store holds it, then evaluate it on the trainer that is left in memory. A failed
// training skips the run's evaluations; a stop request ends the unit after saving a resumable snapshot.
import type { BackendName, NamedTensors } from '../../engine/types.js';
import { createTrainer } from '../../engine/index.js';
import type { EvalJob, Job, TrainJob } from '../../plan/plan.js';
import type { RunStore } from '../../store/run-store.js';
import type { EvalInfo, RunInfo } from '../../store/records.js';
import { StoreError } from '../../store/store-error.js';
import type { StopRequest } from './interrupt.js';
import type { JobRef, Reporter, ResultRow } from './reporter.js';
import { runEvalJob } from './eval-job.js';
import { runTrainJob, trainerOptions, type Trainer } from './train-job.js';

export type RunState = { ok: true; info: RunInfo } | { ok: false; why: string };

/** What is left of a unit once the stored results are known (the scheduler checks the store). */
export interface UnitWork {
  train: TrainJob;
  /** The stored run's summary when it is complete in the store; null: train it. */
  stored: RunInfo | null;
  /** The evaluations still to compute. */
  evals: EvalJob[];
}

export interface StopPoint {
  run: string;
  step: number;
  steps: number;
}

export interface UnitResult {
  trained: number;
  evaluated: number;
  failed: number;
  stopped: boolean;
  /** Where the training was stopped, if it was. */
  stoppedAt: StopPoint | null;
  /** Result rows by job id (the scheduler puts them in plan order). */
  rows: Array<{ id: string; row: ResultRow }>;
}

export interface UnitContext {
  store: RunStore;
  reporter: Reporter;
  stop: StopRequest;
  backend: BackendName;
  snapshotEveryMs: number;
  /** The spec file as the store records it with each run (specRef). */
  spec?: string;
  /** A run's final model weights (cached per process: every finetune of a base loads the same ones). */
  weights: (hash: string) => NamedTensors;
  /** Called as soon as the training ends, before the evaluations, so that the runs waiting for it can start. */
  onTrained: (state: RunState) => void;
}

export function jobRef(job: Job): JobRef {
  return job.kind === 'train'
    ? { id: job.id, kind: 'train', run: job.run, hash: job.hash }
    : { id: job.id, kind: 'evaluate', run: job.run, task: job.task.name, hash: job.hash };
}

export function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export function emptyResult(): UnitResult {
  return { trained: 0, evaluated: 0, failed: 0, stopped: false, stoppedAt: null, rows: [] };
}

export function evalRow(job: EvalJob, info: EvalInfo, cached: boolean, attention: ResultRow['attention']): ResultRow {
  return { ...info, trainSeconds: info.trainMs / 1000, cached, block: job.block, hash: job.hash, attention };
}

export async function runUnit(work: UnitWork, ctx: UnitContext): Promise<UnitResult> {
  const { store, reporter, stop } = ctx;
  const out = emptyResult();
  const job = work.train;
  let trainer: Trainer | null = null;
  let state: RunState;
  try {
    if (work.stored) {
      state = { ok: true, info: work.stored };
    } else {
      const ref = jobRef(job);
      const t0 = Date.now();
      try {
        const r = await runTrainJob(job, ref, {
          store,
          reporter,
          stop,
          backend: ctx.backend,
          baseWeights: ctx.weights,
          snapshotEveryMs: ctx.snapshotEveryMs,
          ...(ctx.spec ? { spec: ctx.spec } : {}),
        });
        if (r.status === 'stopped') {
          out.stopped = true;
          out.stoppedAt = { run: job.run, step: r.step, steps: r.steps };
          state = { ok: false, why: 'stopped' };
          reporter.jobEnd(ref, { status: 'stopped', seconds: (Date.now() - t0) / 1000, reason: `at step ${r.step} of ${r.steps}; snapshot saved` });
        } else {
          trainer = r.trainer;
          state = { ok: true, info: r.info };
          out.trained++;
          reporter.jobEnd(ref, { status: 'done', seconds: (Date.now() - t0) / 1000, finalLoss: r.info.finalLoss, ...(r.earlyStop ? { earlyStop: r.earlyStop } : {}) });
        }
      } catch (err) {
        // The store cannot be written: not this run's failure; the scheduler ends the plan.
        if (err instanceof StoreError) throw err;
        out.failed++;
        state = { ok: false, why: message(err) };
        reporter.error(message(err), ref);
        reporter.jobEnd(ref, { status: 'failed', seconds: (Date.now() - t0) / 1000, reason: message(err) });
      }
      ctx.onTrained(state);
    }

    for (const ev of work.evals) {
      const ref = jobRef(ev);
      if (!state.ok) {
        // A stopped run's evaluations are left for the run that resumes it, as they always were.
        if (out.stopped) break;
        reporter.jobEnd(ref, { status: 'skipped', seconds: 0, reason: `${job.run} did not finish` });
        continue;
      }
      if (stop.requested) {
        out.stopped = true;
        break;
      }
      const t0 = Date.now();
      try {
        if (!trainer) {
          const stored = store.loadRun(job.hash);
          const base = job.parent ? ctx.weights(job.parent.hash) : null;
          trainer = await createTrainer(trainerOptions(job, base, false), stored.snapshot);
        }
        reporter.jobStart(ref, {});
        const r = await runEvalJob(ev, job, state.info, trainer, { stop, referenceWeights: ctx.weights });
        if (r.status === 'stopped') {
          out.stopped = true;
          reporter.jobEnd(ref, { status: 'stopped', seconds: (Date.now() - t0) / 1000, reason: 'evaluation interrupted' });
          break;
        }
        store.saveEval(ev.runHash, ev.hash, ev.key, { info: r.info, attention: r.attention });
        out.evaluated++;
        reporter.jobEnd(ref, { status: 'done', seconds: (Date.now() - t0) / 1000 });
        const row = evalRow(ev, r.info, false, r.attention);
        out.rows.push({ id: ev.id, row });
        reporter.result(row);
      } catch (err) {
        if (err instanceof StoreError) throw err;
        out.failed++;
        reporter.error(message(err), ref);
        reporter.jobEnd(ref, { status: 'failed', seconds: (Date.now() - t0) / 1000, reason: message(err) });
      }
    }
  } finally {
    trainer?.dispose();
  }
  return out;
}
