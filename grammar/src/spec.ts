// The resolved model of a spec: what a `.ptx` file means once names are resolved and defaults applied.
// This is the one contract between the language (grammar/) and everything that acts on a spec (runtime/,
// server/). Plain data only: it is hashed for the run store and serialised into results.

export type Lang = 'en' | 'de' | 'es';
export type SortOrder = 'ascending' | 'descending';

/** One primitive step of a task; a task is a composition of steps applied left to right. */
export type TaskStep =
  | { kind: 'sort'; order: SortOrder }
  | { kind: 'add'; k: number }
  | { kind: 'histogram' }
  | { kind: 'copy' }
  | { kind: 'reverse' }
  | { kind: 'translate'; from: Lang; to: Lang };

export interface TaskSpec {
  name: string;
  steps: TaskStep[];
}

export interface DataSpec {
  name: string;
  /** `digits`: integer tokens drawn from `values`; `words`: tokens of the built-in word list. */
  kind: 'digits' | 'words';
  /** Inclusive range of input values (digits only). */
  values: [number, number];
  /** Number of input tokens; tasks output the same number of tokens. */
  length: number;
  /** Vocabulary size of the model (digits: set by the spec; words: 3 × words + 1, derived). */
  vocab: number;
  /** Fraction of the input space held out from training (deterministic hash split). */
  test: number;
  /**
   * Share of the held-out inputs that form the validation split (selection and early stopping); the rest of
   * the held-out inputs are the test split. Carved out of the held-out side, so training data is unchanged.
   */
  validation: number;
  /** The paper's repeat-biased sampling: half the draws with more than length/2 distinct values are rejected. */
  repeats: boolean;
  /** Number of words of the built-in list in use (words only). */
  words: number;
}

export interface ModelSpec {
  name: string;
  layers: number;
  heads: number;
  width: number;
  mlp: number;
  dropout: number;
  /** Maximum sequence length (number of learned positions). */
  context: number;
  norm: 'pre' | 'post';
}

export interface OptimizerSpec {
  kind: 'adamw' | 'sgd';
  lr: number;
  weightDecay: number;
  beta1: number;
  beta2: number;
  momentum: number;
}

export interface ScheduleSpec {
  steps: number;
  batch: number;
  optimizer: OptimizerSpec;
  /** Global gradient-norm clip; 0 disables clipping. */
  clip: number;
  seed: number;
}

export type LoraTarget = 'query' | 'key' | 'value' | 'output' | 'mlp_in' | 'mlp_out';
export const LORA_TARGETS: readonly LoraTarget[] = ['query', 'key', 'value', 'output', 'mlp_in', 'mlp_out'];

export type MethodSpec =
  | { kind: 'full' }
  | { kind: 'lora'; rank: number; alpha: number; targets: LoraTarget[] }
  | { kind: 'prefix'; length: number; space: 'residual' | 'kv' }
  | { kind: 'soft_prompt'; length: number }
  | { kind: 'prompt'; length: number };

export type MethodKind = MethodSpec['kind'];
/** Methods that only add context (no weight changes): the theory rules apply to these. */
export const CONTEXT_METHODS: readonly MethodKind[] = ['prefix', 'soft_prompt', 'prompt'];

export interface PretrainSpec {
  kind: 'pretrain';
  name: string;
  model: ModelSpec;
  data: DataSpec;
  /** Mixed uniformly per example, no task token (as in the paper). */
  tasks: TaskSpec[];
  schedule: ScheduleSpec;
  /** Leading pad positions (token 0) kept in every sequence for prefixes and prompts. */
  reserve: number;
}

/**
 * Evaluation during training and early stopping (finetune and compare runs). Every `evalEvery` steps the run
 * measures exact match, per-token accuracy and loss on a fixed validation sample; it stops when validation
 * exact match reaches `stopAt`, or (with `patience` > 0) when it has not gained more than `delta` over the
 * last `patience` steps.
 */
export interface StoppingSpec {
  evalEvery: number;
  /** Validation inputs per evaluation. */
  samples: number;
  stopAt: number;
  /** Steps without a gain above `delta` after which a run stops; 0 turns the plateau rule off. */
  patience: number;
  delta: number;
}

export interface FinetuneSpec {
  kind: 'finetune';
  name: string;
  /** The run whose checkpoint this one starts from (a pretrain or another finetune). */
  from: string;
  /** The pretrain at the root of the `from` chain: model, data and reserve come from it. */
  root: string;
  task: TaskSpec;
  method: MethodSpec;
  schedule: ScheduleSpec;
  stopping: StoppingSpec;
  /** Set when this run was expanded from a compare block. */
  compare?: string;
}

/** One configuration of a method sweep: the method with its schedule overrides, run once per seed. */
export interface GridPoint {
  /** Canonical text, e.g. `prefix(length: 8, lr: 0.01)`; the runs are `<compare>/<label>/seed<s>`. */
  label: string;
  method: MethodSpec;
  lr?: number;
  steps?: number;
  /** Run names, one per seed of the compare, in seed order. */
  runs: string[];
}

/** One item of a compare's `methods` list: a method, or a sweep over its arguments (a grid of points). */
export interface MethodGroup {
  /** The item as canonical text with swept arguments as lists, e.g. `prefix(length: [8, 12], lr: [0.003, 0.01])`. */
  label: string;
  kind: MethodKind;
  /** Names of the arguments given more than one value. */
  swept: string[];
  points: GridPoint[];
}

export interface CompareSpec {
  kind: 'compare';
  name: string;
  from: string;
  task: TaskSpec;
  methods: MethodSpec[];
  /** The `methods` items, each with its grid points (one point for an item without lists). */
  groups: MethodGroup[];
  seeds: number[];
  /** Test exact match at which a method's selected configuration counts as learned. */
  learnedAt: number;
  /** One finetune per grid point × seed, named `<compare>/<point label>/seed<seed>`. */
  runs: FinetuneSpec[];
}

export interface EvaluateSpec {
  kind: 'evaluate';
  name: string;
  /** Names of pretrain or finetune runs (compare blocks are expanded into their runs). */
  runs: string[];
  tasks: TaskSpec[];
  samples: number;
  /** Input tokens for the attention probe, or null for none. */
  probe: number[] | null;
}

export interface Spec {
  data: Map<string, DataSpec>;
  models: Map<string, ModelSpec>;
  tasks: Map<string, TaskSpec>;
  pretrains: Map<string, PretrainSpec>;
  finetunes: Map<string, FinetuneSpec>;
  compares: Map<string, CompareSpec>;
  evaluates: Map<string, EvaluateSpec>;
}
