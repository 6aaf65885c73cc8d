// One training run: start (or resume) a trainer, feed it seeded batches, report progress, measure the
// validation sample every few steps and stop early when the curve says so (finetunes), stop cleanly at a
// step boundary when asked, and store the finished run.
import { trainableParameters } from '../../../../grammar/src/params.js';
import type { NamedTensors, Trainer, TrainerOptions, TrainerSnapshot } from '../../engine/types.js';
import { createTrainer } from '../../engine/index.js';
import { ExampleStream, trainStream, validationSet } from '../../data/examples.js';
import { isEvalStep, stopDecision } from '../../evidence/stopping.js';
import { toBatch } from '../../data/batch.js';
import type { TrainJob } from '../../plan/plan.js';
import type { RunStore } from '../../store/run-store.js';
import type { RunInfo, StopReason, ValidationPoint } from '../../store/records.js';
import type { JobRef, Reporter } from './reporter.js';
import type { StopRequest } from './interrupt.js';

export type { Trainer };

export type TrainOutcome =
  | { status: 'done'; trainer: Trainer; info: RunInfo; earlyStop: { step: number; reason: StopReason } | null }
  | { status: 'stopped'; step: number; steps: number };

/** Lets signal handlers run between steps even when a step resolves without touching the event loop. */
function yieldToEventLoop(): Promise<void> {
  return new Promise((r) => setImmediate(r));
}

export function methodLabel(job: TrainJob): string {
  const m = job.method;
  switch (m.kind) {
    case 'full':
      return job.parent ? 'full' : 'pretrain';
    case 'lora':
      return `lora(rank ${m.rank})`;
    case 'prefix':
      return `prefix(${m.length}, ${m.space})`;
    case 'soft_prompt':
      return `soft_prompt(${m.length})`;
    case 'prompt':
      return `prompt(${m.length})`;
  }
}

/** Trainer options for a run; evaluation-only trainers take no steps, so they start no extra threads. */
export function trainerOptions(job: TrainJob, base: NamedTensors | null, forTraining = true): TrainerOptions {
  return { model: job.model, layout: job.layout, method: job.method, schedule: job.spec.schedule, base, threads: forTraining ? job.threads : 1 };
}

export async function runTrainJob(
  job: TrainJob,
  ref: JobRef,
  deps: {
    store: RunStore;
    reporter: Reporter;
    stop: StopRequest;
    backend: RunInfo['backend'];
    baseWeights: (hash: string) => NamedTensors;
    /** Also save a resumable snapshot this often while training (a crash or kill -9 loses at most this much). */
    snapshotEveryMs: number;
    /** The spec file as the store records it (specRef). */
    spec?: string;
  },
): Promise<TrainOutcome> {
  const { store, reporter, stop } = deps;
  const schedule = job.spec.schedule;
  const moved = store.prepareRun(job.hash);
  if (moved) reporter.info(`${job.run}: moved the files an interrupted save left to ${moved}`);
  const resume = store.loadResume(job.hash, (reason) => reporter.info(`${job.run}: ignoring an unusable resume snapshot (${reason})`));
  const base = job.parent ? deps.baseWeights(job.parent.hash) : null;
  const trainer = await createTrainer(trainerOptions(job, base), resume?.snapshot);
  try {
    // The shared formula (grammar/src/params.ts) is what the editor shows; a trainer that disagrees is a bug.
    const expected = trainableParameters(job.method, job.model, job.layout.vocab).total;
    if (trainer.trainableCount !== expected) {
      throw new Error(`the trainer has ${trainer.trainableCount} trainable parameters, the spec's formula says ${expected}`);
    }
    const start = resume ? resume.snapshot.step : 0;
    reporter.jobStart(ref, { steps: schedule.steps, trainable: expected, ...(start > 0 ? { resumedFrom: start } : {}) });
    const stream = resume ? new ExampleStream(job.data, job.tasks, 'train', resume.dataState) : trainStream(job.data, job.tasks, job.seed);
    const losses = resume ? resume.losses.slice(0, start) : [];
    const validation: ValidationPoint[] = resume ? (resume.validation ?? []).filter((p) => p.step <= start) : [];
    const stopping = job.stopping;
    // The fixed validation sample of the run's task, as one batch (scored in chunks by the trainer).
    const valBatch = stopping ? toBatch(validationSet(job.data, job.tasks[0]!, stopping.samples), job.layout) : null;
    let stopped: { step: number; reason: StopReason } | null = null;
    const resumedAt = resume ? [...resume.resumedAt, start] : [];
    const before = resume ? resume.elapsedMs : 0;
    const t0 = Date.now();
    const saveResume = async () => {
      const snapshot: TrainerSnapshot = await trainer.snapshot();
      store.saveResume(job.hash, { snapshot, dataState: stream.state(), losses, validation, elapsedMs: before + Date.now() - t0, resumedAt });
    };
    let lastSave = t0;
    for (let step = start; step < schedule.steps; ) {
      await yieldToEventLoop();
      if (stop.requested) {
        stop.acknowledge();
        await saveResume();
        trainer.dispose();
        return { status: 'stopped', step, steps: schedule.steps };
      }
      if (step > start && Date.now() - lastSave >= deps.snapshotEveryMs) {
        await saveResume();
        lastSave = Date.now();
      }
      const loss = await trainer.step(toBatch(stream.take(schedule.batch), job.layout));
      if (!Number.isFinite(loss)) throw new Error(`the loss became ${loss} at step ${step + 1}; try a lower learning rate`);
      losses.push(loss);
      step++;
      const seconds = (Date.now() - t0) / 1000;
      const rate = (step - start) / Math.max(seconds, 1e-3);
      reporter.progress(ref, { step, steps: schedule.steps, loss, stepsPerSecond: rate, etaSeconds: (schedule.steps - step) / rate });
      if (stopping && valBatch && isEvalStep(step, schedule.steps, stopping)) {
        const c = await trainer.score(valBatch);
        const point: ValidationPoint = { step, exact: c.exact / valBatch.batch, perToken: c.tokenCorrect / c.tokenTotal, loss: c.lossSum / c.tokenTotal };
        validation.push(point);
        reporter.validation(ref, point);
        const reason = step < schedule.steps ? stopDecision(validation, stopping) : null;
        if (reason) {
          stopped = { step, reason };
          break;
        }
      }
    }
    const elapsedMs = before + Date.now() - t0;
    const snapshot = await trainer.snapshot();
    // LoRA changes weights that a finetune from this run starts from; full fine-tuning's snapshot already
    // holds its weights, and context methods (prompt, prefix) change none.
    const merged = job.method.kind === 'lora' ? await trainer.mergedWeights() : null;
    const info: RunInfo = {
      name: job.run,
      kind: job.parent ? 'finetune' : 'pretrain',
      method: methodLabel(job),
      backend: deps.backend,
      threads: job.threads,
      seed: job.seed,
      steps: schedule.steps,
      ...(stopping ? { stoppedAt: stopped?.step ?? null } : {}),
      trainable: expected,
      elapsedMs,
      finalLoss: losses.length ? losses[losses.length - 1]! : null,
      ...(deps.spec ? { spec: deps.spec } : {}),
    };
    const sessionSteps = losses.length - start;
    store.saveRun(job.hash, job.key, {
      snapshot,
      merged,
      metrics: {
        losses,
        ...(stopping ? { validation, stopped } : {}),
        elapsedMs,
        stepsPerSecond: sessionSteps / Math.max((Date.now() - t0) / 1000, 1e-3),
        resumedAt,
      },
      info,
    });
    return { status: 'done', trainer, info, earlyStop: stopped };
  } catch (err) {
    trainer.dispose();
    throw err;
  }
}
