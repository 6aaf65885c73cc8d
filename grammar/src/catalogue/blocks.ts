// Built-in blocks and the keys each accepts, with types, defaults and docs.
import type { BlockDef, BlockKeyword, ParamDef } from './types.js';

/**
 * The most optimizer steps a run may take: a million steps is hours at this engine's fastest (~100 steps/s),
 * and every integer the catalogue accepts stays far below 2^53, where a number stops being exact (a spec's
 * 9007199254740993 would silently become 9007199254740992).
 */
export const MAX_STEPS = 1_000_000;

const SCHEDULE = (steps: number, optimizer: string): ParamDef[] => [
  { name: 'steps', type: { kind: 'int', min: 1, max: MAX_STEPS }, default: steps, doc: 'Optimizer steps.' },
  { name: 'batch', type: { kind: 'int', min: 1, max: 4096 }, default: 64, doc: 'Sequences per step.' },
  { name: 'seed', type: { kind: 'int', min: 0, max: 2 ** 31 - 1 }, default: 0, doc: 'Seed of initialisation, data order and dropout.' },
  { name: 'optimizer', type: { kind: 'optimizer' }, default: optimizer, doc: 'Optimizer and its learning rate, weight decay and betas.' },
  { name: 'clip', type: { kind: 'number', min: 0 }, default: 1, doc: 'Global gradient-norm clipping threshold; 0 turns clipping off.' },
];

/** Evaluation during training and early stopping, for finetune and compare runs (see spec.ts StoppingSpec). */
const STOPPING: ParamDef[] = [
  { name: 'eval_every', type: { kind: 'int', min: 1, max: MAX_STEPS }, default: { derived: 'steps / 20' }, doc: 'Steps between evaluations on the validation sample (exact match, per-token accuracy, loss), stored with the loss curve.' },
  { name: 'stop_at', type: { kind: 'number', min: 0, max: 1, exclusiveMin: true }, default: 0.99, doc: 'Stop a run once its validation exact match reaches this; 1 stops only at 100%.' },
  { name: 'patience', type: { kind: 'int', min: 0, max: MAX_STEPS }, default: 0, doc: 'Also stop a run when its validation exact match has gained at most 0.5 points over this many steps; 0 turns the plateau rule off.' },
];

export const BLOCKS: readonly BlockDef[] = [
  {
    keyword: 'data',
    synopsis: 'data NAME { key: value ... }',
    doc: 'Where inputs come from: digit sequences (the paper’s setup) or sequences of words from the built-in word list.',
    keys: [
      { name: 'kind', type: { kind: 'enum', values: ['digits', 'words'] }, default: 'digits', doc: '`digits`: integer tokens; `words`: words of the built-in list, in each task’s input language (English unless its first step translates from another language).' },
      { name: 'values', type: { kind: 'range', min: 0, max: 99_999 }, default: '0..7', doc: 'Inclusive range of input digits (digits only).' },
      { name: 'length', type: { kind: 'int', min: 1, max: 256 }, default: 10, doc: 'Input length; every task outputs as many tokens.' },
      { name: 'vocab', type: { kind: 'int', min: 2, max: 100_000 }, default: 10, doc: 'Vocabulary size (digits only; derived as 3 × words + 1 for word data).' },
      { name: 'test', type: { kind: 'number', min: 0, max: 1, exclusiveMin: true, exclusiveMax: true }, default: 0.2, doc: 'Fraction of the input space held out from training (a deterministic hash split): the validation and test splits.' },
      { name: 'validation', type: { kind: 'number', min: 0, max: 1, exclusiveMin: true, exclusiveMax: true }, default: 0.25, doc: 'Share of the held-out inputs that form the validation split, used for early stopping and for selecting the best configuration of a sweep; the rest is the test split, used only to report. Training data does not depend on it.' },
      { name: 'repeats', type: { kind: 'bool' }, default: true, doc: 'The paper’s repeat-biased sampling: half the draws with more than length/2 distinct values are rejected.' },
      { name: 'words', type: { kind: 'int', min: 2 }, default: 200, doc: 'How many words of the built-in list are used (word data only).' },
    ],
  },
  {
    keyword: 'model',
    synopsis: 'model NAME { key: value ... }',
    doc: 'A minGPT transformer: learned positions, multi-head causal attention, GELU MLP, untied output head.',
    keys: [
      { name: 'layers', type: { kind: 'int', min: 1, max: 64 }, default: 2, doc: 'Number of transformer blocks.' },
      { name: 'heads', type: { kind: 'int', min: 1, max: 64 }, default: 1, doc: 'Attention heads per block; must divide width.' },
      { name: 'width', type: { kind: 'int', min: 1, max: 8192 }, required: true, doc: 'Residual-stream width d.' },
      { name: 'mlp', type: { kind: 'int', min: 1, max: 65536 }, default: { derived: '4 × width' }, doc: 'Hidden width of the MLP.' },
      { name: 'dropout', type: { kind: 'number', min: 0, max: 1, exclusiveMax: true }, default: 0.1, doc: 'Dropout probability (0 ≤ p < 1).' },
      { name: 'context', type: { kind: 'int', min: 2, max: 4096 }, default: 32, doc: 'Maximum sequence length (learned positions).' },
      { name: 'norm', type: { kind: 'enum', values: ['pre', 'post'] }, default: 'pre', doc: 'LayerNorm placement: before (pre, minGPT) or after (post) each sublayer.' },
    ],
  },
  {
    keyword: 'task',
    synopsis: 'task NAME = primitive(args) [then primitive(args) ...]',
    doc: 'A named task: a primitive or a composition of primitives applied left to right.',
    keys: [],
  },
  {
    keyword: 'pretrain',
    synopsis: 'pretrain NAME { model: M  data: D  tasks: [T, ...] ... }',
    doc: 'Train a model from scratch on a uniform mix of tasks, with no task token (as in the paper).',
    keys: [
      { name: 'model', type: { kind: 'ref', target: 'model' }, required: true, doc: 'The model block to train.' },
      { name: 'data', type: { kind: 'ref', target: 'data' }, required: true, doc: 'The data block inputs come from.' },
      { name: 'tasks', type: { kind: 'list', of: { kind: 'task' }, minItems: 1 }, required: true, doc: 'Tasks mixed uniformly per example.' },
      ...SCHEDULE(2000, 'adamw(lr: 5e-4, weight_decay: 0.1)'),
      { name: 'reserve', type: { kind: 'int', min: 0, max: 256 }, default: 0, doc: 'Leading pad positions kept in every sequence for prefixes and prompts.' },
    ],
  },
  {
    keyword: 'finetune',
    synopsis: 'finetune NAME from RUN on TASK { method: ... }',
    doc: 'Tune a trained run for a task with one method.',
    keys: [{ name: 'method', type: { kind: 'method' }, required: true, doc: 'How to tune: full, lora(…), prefix(…), soft_prompt(…), prompt(…).' }, ...SCHEDULE(1000, 'adamw(lr: 1e-3)'), ...STOPPING],
  },
  {
    keyword: 'compare',
    synopsis: 'compare NAME from RUN on TASK { methods: [...]  seeds: [...] }',
    doc: 'Tune one run for one task with several methods (and seeds) and report them as one table.',
    keys: [
      {
        name: 'methods',
        type: { kind: 'list', of: { kind: 'method', sweep: true }, minItems: 1 },
        required: true,
        doc: 'Methods to compare. An argument given as a list is searched: `prefix(length: [8, 12], lr: [3e-3, 1e-2])` is a grid of 4 configurations, each run once per seed; the best one per method is selected on the validation split.',
      },
      { name: 'seeds', type: { kind: 'list', of: { kind: 'int', min: 0, max: 2 ** 31 - 1 }, minItems: 1 }, default: [0], doc: 'Seeds; each configuration runs once per seed.' },
      { name: 'learned_at', type: { kind: 'number', min: 0, max: 1, exclusiveMin: true }, default: 0.9, doc: 'Test exact match (mean over seeds) at which a method’s selected configuration counts as learned.' },
      ...SCHEDULE(1000, 'adamw(lr: 1e-3)').filter((k) => k.name !== 'seed'),
      ...STOPPING,
    ],
  },
  {
    keyword: 'evaluate',
    synopsis: 'evaluate [NAME] [RUN, ...] on [TASK, ...] { samples: N  probe: [...] }',
    doc: 'Evaluate runs on tasks (exact match and per-token accuracy) and record attention on a probe input.',
    keys: [
      { name: 'samples', type: { kind: 'int', min: 1, max: 1_000_000 }, default: 3200, doc: 'Test inputs per task.' },
      { name: 'probe', type: { kind: 'list', of: { kind: 'int', min: 0, max: 99_999 } }, doc: 'An input (one token per position) whose attention maps are recorded.' },
    ],
  },
];

export function findBlock(keyword: string): BlockDef | undefined {
  return BLOCKS.find((b) => b.keyword === keyword);
}

export function findKey(keyword: BlockKeyword, key: string): ParamDef | undefined {
  return findBlock(keyword)?.keys.find((k) => k.name === key);
}
