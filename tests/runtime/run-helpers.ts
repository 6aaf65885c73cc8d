// Hand-built specs for the runtime's tests (data, store, plan, run), independent of the parser.
import type {
  DataSpec,
  EvaluateSpec,
  FinetuneSpec,
  MethodSpec,
  ModelSpec,
  PretrainSpec,
  ScheduleSpec,
  Spec,
  StoppingSpec,
  TaskSpec,
  TaskStep,
} from '../../grammar/src/spec.js';

export function digits(over: Partial<DataSpec> = {}): DataSpec {
  return { name: 'digits', kind: 'digits', values: [0, 7], length: 10, vocab: 10, test: 0.1, validation: 0.25, repeats: true, words: 0, ...over };
}

export function task(name: string, ...steps: TaskStep[]): TaskSpec {
  return { name, steps };
}

export const ASC = task('asc', { kind: 'sort', order: 'ascending' });
export const DESC = task('desc', { kind: 'sort', order: 'descending' });
export const ADD1 = task('add1', { kind: 'add', k: 1 });

export function tinyModel(over: Partial<ModelSpec> = {}): ModelSpec {
  return { name: 'tiny', layers: 1, heads: 1, width: 16, mlp: 32, dropout: 0, context: 16, norm: 'pre', ...over };
}

export function schedule(over: Partial<ScheduleSpec> = {}): ScheduleSpec {
  return {
    steps: 5,
    batch: 4,
    optimizer: { kind: 'adamw', lr: 1e-3, weightDecay: 0.1, beta1: 0.9, beta2: 0.95, momentum: 0 },
    clip: 1,
    seed: 1,
    ...over,
  };
}

/** Evaluation during training once, at the last of the default 5 steps, and no early stop before it. */
export function stopping(over: Partial<StoppingSpec> = {}): StoppingSpec {
  return { evalEvery: 5, samples: 16, stopAt: 1, patience: 0, delta: 0.005, ...over };
}

export function pretrain(name: string, over: Partial<PretrainSpec> = {}): PretrainSpec {
  return {
    kind: 'pretrain',
    name,
    model: tinyModel(),
    data: digits({ length: 4, values: [0, 5], vocab: 8 }),
    tasks: [ASC],
    schedule: schedule(),
    reserve: 1,
    ...over,
  };
}

export function finetune(name: string, from: string, method: MethodSpec, over: Partial<FinetuneSpec> = {}): FinetuneSpec {
  return { kind: 'finetune', name, from, root: from, task: DESC, method, schedule: schedule(), stopping: stopping(), ...over };
}

export function evaluate(name: string, runs: string[], tasks: TaskSpec[], over: Partial<EvaluateSpec> = {}): EvaluateSpec {
  return { kind: 'evaluate', name, runs, tasks, samples: 16, probe: null, ...over };
}

export function emptySpec(): Spec {
  return {
    data: new Map(),
    models: new Map(),
    tasks: new Map(),
    pretrains: new Map(),
    finetunes: new Map(),
    compares: new Map(),
    evaluates: new Map(),
  };
}

/** A spec from blocks: the maps are filled by name. */
export function specOf(blocks: { pretrains?: PretrainSpec[]; finetunes?: FinetuneSpec[]; evaluates?: EvaluateSpec[] }): Spec {
  const s = emptySpec();
  for (const p of blocks.pretrains ?? []) {
    s.pretrains.set(p.name, p);
    s.models.set(p.model.name, p.model);
    s.data.set(p.data.name, p.data);
    for (const t of p.tasks) s.tasks.set(t.name, t);
  }
  for (const f of blocks.finetunes ?? []) {
    s.finetunes.set(f.name, f);
    s.tasks.set(f.task.name, f.task);
  }
  for (const e of blocks.evaluates ?? []) s.evaluates.set(e.name, e);
  return s;
}
