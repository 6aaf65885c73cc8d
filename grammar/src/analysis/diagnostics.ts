// Diagnostics of the .ptx language: plain data with stable codes shared by `ptx check`, the language
// server (quick fixes), the runtime (which refuses specs with errors) and docs/diagnostics.md.
import type { Range } from '../syntax/ast.js';

export type Severity = 'error' | 'warning' | 'info' | 'hint';

export interface TextEdit {
  range: Range;
  newText: string;
}

/** A ready-made edit that resolves a diagnostic; the server offers it as a quick fix. */
export interface Fix {
  title: string;
  edits: TextEdit[];
  /** The fix an editor may apply with a single keystroke. */
  preferred?: boolean;
}

export interface Diagnostic {
  range: Range;
  severity: Severity;
  code: DiagnosticCode;
  message: string;
  /** A warning its line acknowledges with `// expect: <code>` (analysis/acknowledge.ts). */
  acknowledged?: true;
  data?: { fixes?: Fix[] };
}

/** Every code, its severity and a one-line summary. docs/diagnostics.md explains each (a test checks). */
export const DIAGNOSTIC_CODES = {
  'unexpected-character': { severity: 'error', summary: 'A character that no token of the language starts with.' },
  'syntax-error': { severity: 'error', summary: 'The text does not follow the grammar here.' },
  'stray-token': { severity: 'error', summary: 'Text at the top level that does not start a block.' },
  'nesting-too-deep': { severity: 'error', summary: 'Lists and calls nested deeper than the parser reads (64 levels).' },
  'internal-error': { severity: 'error', summary: 'The parser or analysis failed unexpectedly (a bug; please report it).' },
  'unknown-name': { severity: 'error', summary: 'A reference to a name that no block declares.' },
  'wrong-kind': { severity: 'error', summary: 'A name refers to a block of the wrong kind (e.g. a task where a model is expected).' },
  'duplicate-name': { severity: 'error', summary: 'Two blocks declare the same name.' },
  'missing-name': { severity: 'error', summary: 'A block that needs a name has none.' },
  'unknown-key': { severity: 'error', summary: 'A key that the block does not accept.' },
  'duplicate-key': { severity: 'error', summary: 'The same key or argument is given twice.' },
  'missing-key': { severity: 'error', summary: 'A required key is missing.' },
  'ignored-key': { severity: 'warning', summary: 'A key that has no effect in this context.' },
  'unknown-function': { severity: 'error', summary: 'An unknown task primitive, method or optimizer.' },
  'unknown-parameter': { severity: 'error', summary: 'An argument name that the function does not accept.' },
  'too-many-arguments': { severity: 'error', summary: 'More positional arguments than the function has parameters.' },
  'unknown-value': { severity: 'error', summary: 'A word that is not one of the allowed values.' },
  'type-mismatch': { severity: 'error', summary: 'A value of the wrong type (e.g. a fraction where an integer is expected).' },
  'out-of-range': { severity: 'error', summary: 'A value outside its allowed range.' },
  'heads-divide-width': { severity: 'error', summary: 'The number of heads does not divide the model width.' },
  'lora-rank-too-large': { severity: 'error', summary: 'The LoRA rank exceeds the smaller side of an adapted matrix.' },
  'sequence-exceeds-context': { severity: 'error', summary: 'Reserved, input and output tokens do not fit the model’s context.' },
  'prefix-exceeds-reserve': { severity: 'error', summary: 'A prefix or prompt is longer than the positions reserved in its pretraining run.' },
  'cyclic-dependency': { severity: 'error', summary: 'A run or task that depends on itself.' },
  'vocab-too-small': { severity: 'error', summary: 'A task produces tokens that the vocabulary does not hold.' },
  'incompatible-data': { severity: 'error', summary: 'A task that cannot run on this kind of data (e.g. translate on digits).' },
  'from-context-run': { severity: 'error', summary: 'A finetune that starts from a prompt-, soft-prompt- or prefix-tuned run.' },
  'input-space-too-small': { severity: 'error', summary: 'The data has too few inputs on one side of its train/test split for a run to draw its examples.' },
  'run-exceeds-memory': { severity: 'error', summary: 'A run needs more memory than the wasm backend can address (4 GiB).' },
  'invalid-probe': { severity: 'error', summary: 'An attention probe that is not a valid input for the data.' },
  'novel-attention-pattern': { severity: 'warning', summary: 'A context-based method cannot learn an attention pattern the pretrained model lacks.' },
  'novel-value-map': { severity: 'warning', summary: 'A context-based method cannot learn a value map the pretrained model lacks.' },
  'large-sweep': { severity: 'warning', summary: 'A compare whose sweeps and seeds expand to more runs than an interactive session can train.' },
  'simpler-task-form': { severity: 'info', summary: 'A task that computes, on its data, what a task of fewer steps computes; the theory judges it by that form.' },
  'untrained-output-tokens': { severity: 'info', summary: 'A method that leaves the output head frozen, tuned for a task whose output tokens the pretraining never produced.' },
} as const satisfies Record<string, { severity: Severity; summary: string }>;

export type DiagnosticCode = keyof typeof DIAGNOSTIC_CODES;
