// Built-in functions: task primitives, tuning methods and optimizers, with their parameters and docs.
// The server (completion, hover, signature help), the analysis, the runtime and docs/language.md all
// read these definitions.
import { MAX_STEPS } from './blocks.js';
import type { FunctionDef, ParamDef } from './types.js';

const LANGS = ['en', 'de', 'es'] as const;

export const PRIMITIVES: readonly FunctionDef[] = [
  {
    name: 'sort',
    category: 'primitive',
    doc: 'Sort the input tokens. Needs the attention pattern that picks the next value in order.',
    params: [{ name: 'order', type: { kind: 'enum', values: ['ascending', 'descending'] }, default: 'ascending', doc: 'Sort order.' }],
  },
  {
    name: 'add',
    category: 'primitive',
    doc: 'Add k to every token (position i outputs input i + k). Needs the aligned attention pattern and the +k value map.',
    params: [{ name: 'k', type: { kind: 'int', min: -1000, max: 1000 }, default: 1, doc: 'The constant added to each token.' }],
  },
  {
    name: 'histogram',
    category: 'primitive',
    doc: "The paper's double histogram: each position outputs how many times its value occurs in the input. Needs attention to equal values and a counting value map.",
    params: [],
  },
  {
    name: 'copy',
    category: 'primitive',
    doc: 'Output the input unchanged. Needs the aligned attention pattern.',
    params: [],
  },
  {
    name: 'reverse',
    category: 'primitive',
    doc: 'Output the input in reverse order. Needs the mirrored attention pattern.',
    params: [],
  },
  {
    name: 'translate',
    category: 'primitive',
    doc: 'Translate every word between two languages of the built-in word list (word data only). Needs the aligned pattern and a lookup table. A task whose first translate is from language a reads words of a (`translate(es, de)` gets Spanish inputs). `translate(a, a)` maps every word to itself: it is the copy map, not a lookup table (`translate(es, es)` copies Spanish words).',
    params: [
      { name: 'from', type: { kind: 'enum', values: LANGS }, default: 'en', doc: 'Source language.' },
      { name: 'to', type: { kind: 'enum', values: LANGS }, default: 'de', doc: 'Target language.' },
    ],
  },
];

/** Schedule overrides that every method accepts (useful in compare blocks, where methods share a block). */
const METHOD_OVERRIDES: readonly ParamDef[] = [
  { name: 'lr', type: { kind: 'number', min: 0, exclusiveMin: true }, default: { derived: "the block's optimizer lr" }, doc: 'Learning rate for this method only.' },
  { name: 'steps', type: { kind: 'int', min: 1, max: MAX_STEPS }, default: { derived: "the block's steps" }, doc: 'Training steps for this method only.' },
];

export const METHODS: readonly FunctionDef[] = [
  {
    name: 'full',
    category: 'method',
    doc: 'Full fine-tuning: every weight of the model is trained. Can change attention patterns.',
    params: [...METHOD_OVERRIDES],
  },
  {
    name: 'lora',
    category: 'method',
    doc: 'LoRA: W + B·A·alpha/rank on the chosen weight matrices; B starts at 0, only A and B train. Changes the weights, so it can change attention patterns.',
    params: [
      { name: 'rank', type: { kind: 'int', min: 1, max: 65_536 }, default: 1, doc: 'Rank r of the update B·A.' },
      { name: 'alpha', type: { kind: 'number', min: 0, exclusiveMin: true }, default: 1, doc: 'Scale of the update (alpha / rank).' },
      {
        name: 'targets',
        type: { kind: 'list', of: { kind: 'enum', values: ['query', 'key', 'value', 'output', 'mlp_in', 'mlp_out'] }, minItems: 1 },
        default: ['output', 'mlp_in', 'mlp_out'],
        doc: 'Matrices adapted in every layer: attention query/key/value/output, MLP in/out. The default is the paper’s.',
      },
      ...METHOD_OVERRIDES,
    ],
  },
  {
    name: 'prefix',
    category: 'method',
    doc: 'Prefix-tuning: trainable vectors in front of the content in every layer. Cannot change the relative attention over the content (it only scales it and adds a bias).',
    params: [
      { name: 'length', type: { kind: 'int', min: 1, max: 4096 }, default: 1, doc: 'Number of prefix positions P.' },
      {
        name: 'space',
        type: { kind: 'enum', values: ['residual', 'kv'] },
        default: 'residual',
        doc: '`residual`: the paper’s implementation, P vectors per layer in residual-stream space at reserved positions; `kv`: per-layer keys and values (Li & Liang).',
      },
      ...METHOD_OVERRIDES,
    ],
  },
  {
    name: 'soft_prompt',
    category: 'method',
    doc: 'Soft prompting: trainable input embeddings at the first P (reserved) positions. Less expressive than a prefix.',
    params: [{ name: 'length', type: { kind: 'int', min: 1, max: 256 }, default: 1, doc: 'Number of soft-prompt positions P (at most the largest reserve).' }, ...METHOD_OVERRIDES],
  },
  {
    name: 'prompt',
    category: 'method',
    doc: 'Discrete prompting: P tokens at the reserved positions, found by greedy coordinate search on the training loss. No continuous parameters.',
    params: [{ name: 'length', type: { kind: 'int', min: 1, max: 256 }, default: 1, doc: 'Number of prompt tokens P (at most the largest reserve).' }, ...METHOD_OVERRIDES],
  },
];

export const OPTIMIZERS: readonly FunctionDef[] = [
  {
    name: 'adamw',
    category: 'optimizer',
    doc: 'AdamW with decoupled weight decay (applied to linear weights only), constant learning rate.',
    params: [
      { name: 'lr', type: { kind: 'number', min: 0, exclusiveMin: true }, default: 0.001, doc: 'Learning rate.' },
      { name: 'weight_decay', type: { kind: 'number', min: 0 }, default: 0.1, doc: 'Decoupled weight decay (linear weights only).' },
      { name: 'beta1', type: { kind: 'number', min: 0, max: 1, exclusiveMax: true }, default: 0.9, doc: 'First-moment decay.' },
      { name: 'beta2', type: { kind: 'number', min: 0, max: 1, exclusiveMax: true }, default: 0.95, doc: 'Second-moment decay.' },
    ],
  },
  {
    name: 'sgd',
    category: 'optimizer',
    doc: 'Stochastic gradient descent with momentum, constant learning rate.',
    params: [
      { name: 'lr', type: { kind: 'number', min: 0, exclusiveMin: true }, default: 0.1, doc: 'Learning rate.' },
      { name: 'momentum', type: { kind: 'number', min: 0, max: 1, exclusiveMax: true }, default: 0.9, doc: 'Momentum.' },
      { name: 'weight_decay', type: { kind: 'number', min: 0 }, default: 0, doc: 'Weight decay (linear weights only).' },
    ],
  },
];

export const ALL_FUNCTIONS: readonly FunctionDef[] = [...PRIMITIVES, ...METHODS, ...OPTIMIZERS];

export function findFunction(name: string, category?: FunctionDef['category']): FunctionDef | undefined {
  return ALL_FUNCTIONS.find((f) => f.name === name && (!category || f.category === category));
}
