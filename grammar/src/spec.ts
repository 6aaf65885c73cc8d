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
  /** Fraction of the input space held out for testing (deterministic hash split). */
  test: number;
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
  /** Set when this run was expanded from a compare block. */
  compare?: string;
}

export interface CompareSpec {
  kind: 'compare';
  name: string;
  from: string;
  task: TaskSpec;
  methods: MethodSpec[];
  seeds: number[];
  /** One finetune per method × seed, named `<compare>/<method label>/seed<seed>`. */
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
