// What determines a run, as the object whose hash names its store folder. Names are left out (renaming a
// block does not re-train it); everything that changes the numbers is in: for a pretrain the model, data,
// task steps, schedule (seed included), reserved positions and backend; for a finetune the parent run's
// hash (which carries model, data and reserve), its task, method, schedule, evaluation and early stopping
// (with the validation share of the data, since stopping reads the validation split) and backend. A
// pretrain trains on the train split alone, which the validation share does not change, so its key leaves
// the share out (and keeps the key it had before validation splits existed). Training threads
// change the numerics (the batch is split into shards), so more than one thread is part of the key too;
// one thread adds nothing, which keeps single-threaded keys as they always were.
import type { DataSpec, FinetuneSpec, ModelSpec, PretrainSpec, TaskSpec } from '../../../grammar/src/spec.js';
import type { BackendName } from '../engine/types.js';
import { hashKey } from '../store/canonical.js';

/**
 * Bumped when the runtime's numerics or the store layout change in a way that makes old results
 * incomparable; every key includes it, so old folders are simply never looked up again.
 * 2: engine speed work: gradients sum bias, LayerNorm, embedding and prefix rows in float64 JavaScript,
 *    weight gradients pick the cheaper product orientation, and the last layer computes only the logit
 *    positions: the same maths, different float32 rounding.
 */
export const KEY_FORMAT = 2;

function withoutName<T extends { name: string }>(x: T): Omit<T, 'name'> {
  const { name: _name, ...rest } = x;
  return rest;
}

export function taskKey(t: TaskSpec): unknown {
  return t.steps;
}

/** The data as it determines training: without its name and without the validation share. */
function trainingData(d: DataSpec): Omit<DataSpec, 'name' | 'validation'> {
  const { name: _name, validation: _validation, ...rest } = d;
  return rest;
}

function threadsKey(threads: number): { threads?: number } {
  return threads > 1 ? { threads } : {};
}

export function pretrainKey(p: PretrainSpec, backend: BackendName, threads = 1): unknown {
  return {
    format: KEY_FORMAT,
    kind: 'pretrain',
    model: withoutName<ModelSpec>(p.model),
    data: trainingData(p.data),
    tasks: p.tasks.map(taskKey),
    schedule: p.schedule,
    reserve: p.reserve,
    backend,
    ...threadsKey(threads),
  };
}

export function finetuneKey(f: FinetuneSpec, parentHash: string, validation: number, backend: BackendName, threads = 1): unknown {
  return {
    format: KEY_FORMAT,
    kind: 'finetune',
    parent: parentHash,
    task: taskKey(f.task),
    method: f.method,
    schedule: f.schedule,
    stopping: { ...f.stopping, validation },
    backend,
    ...threadsKey(threads),
  };
}

/**
 * An evaluation of one run on one task, over the test split (which the validation share decides). The
 * reference (the pretrained root, whose attention the probe is compared with) matters only when there is a
 * probe.
 */
export function evalKey(runHash: string, task: TaskSpec, samples: number, validation: number, probe: number[] | null, referenceHash: string | null): unknown {
  return {
    format: KEY_FORMAT,
    kind: 'evaluate',
    run: runHash,
    task: taskKey(task),
    samples,
    validation,
    probe,
    reference: probe ? referenceHash : null,
  };
}

export { hashKey };
