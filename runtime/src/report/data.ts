// What the results views draw: plain JSON collected from the run store (collect.ts), only what belongs to
// one spec (a store is shared by the specs of a folder; content addressing keeps that safe). `ptx report --json`
// prints it, `ptx report -o FILE.html` embeds it beside the view code, and the editor's panels receive it
// over the webview message channel. The views (client/webview/render/) read nothing else.
import type { AttentionRecord, BackendName } from '../engine/types.js';
import type { MethodVerdict } from '../evidence/verdict.js';
import type { StopReason, ValidationPoint } from '../store/records.js';

export type { MethodVerdict, StopReason, ValidationPoint };

export const REPORT_FORMAT = 'ptx-report/1';

export type MethodKind = 'full' | 'lora' | 'prefix' | 'soft_prompt' | 'prompt';

export interface RunLayout {
  /** Leading positions reserved for prefixes / prompts (pads in the pretrained model's view). */
  reserve: number;
  /** Input length (= output length). */
  length: number;
  vocab: number;
}

/** A loss curve thinned for drawing: `steps[i]` (1-based) has mean loss `losses[i]` over its bucket. */
export interface LossCurve {
  steps: number[];
  losses: number[];
}

export interface RunRecord {
  hash: string;
  name: string;
  kind: 'pretrain' | 'finetune';
  /** The method as the table shows it, e.g. `prefix(4, residual)`. */
  method: string;
  methodKind: MethodKind;
  /** Positions a context method occupies (prefix / soft prompt / prompt length); 0 for full and LoRA. */
  contextLength: number;
  /** Prefix-tuning that trains keys and values directly (Li & Liang); its positions are extra key columns. */
  kvPrefix: boolean;
  backend: BackendName;
  threads: number;
  seed: number;
  steps: number;
  trainable: number;
  elapsedMs: number;
  finalLoss: number | null;
  /** When the store entry was sealed (ISO time). */
  written: string;
  parent: string | null;
  /** A compare block's method group (`<compare>/<method>`) when the run is one seed of it. */
  group: string | null;
  /**
   * Whether the spec, as it is now, names this exact run (same hash). Runs that are not current are results
   * of an earlier version of one of its blocks (the same spec file trained a run of that name).
   */
  current: boolean;
  layout: RunLayout | null;
  curve: LossCurve;
  /** Validation exact match, per-token accuracy and loss during training (empty for pretrains). */
  validation: ValidationPoint[];
  /** Where early stopping ended the run before its budget, or null. */
  stopped: { step: number; reason: StopReason } | null;
  resumedAt: number[];
}

export interface EvalRecord {
  hash: string;
  runHash: string;
  run: string;
  task: string;
  exact: number;
  perToken: number;
  samples: number;
  /** The attention probe's input tokens, when the evaluation had one. */
  probe: number[] | null;
  /** The pretrained run the attention is compared with (a finetune's root), by hash. */
  reference: string | null;
  written: string;
  current: boolean;
  attention: AttentionRecord | null;
}

/** A block of the spec that produces runs, with the names of the runs it stands for (for lenses and views). */
export interface BlockRuns {
  name: string;
  kind: 'pretrain' | 'finetune' | 'compare' | 'evaluate';
  runs: string[];
}

export interface ReportData {
  format: typeof REPORT_FORMAT;
  /** The spec file's name (for titles). */
  spec: string;
  generated: string;
  /** Errors in the spec as it is on disk: while it has any, no stored result is shown as its own. */
  specErrors: number;
  /** The spec's blocks that produce runs, as it is now (empty while it has errors). */
  blocks: BlockRuns[];
  runs: RunRecord[];
  evals: EvalRecord[];
  /** One per method of every compare block of the spec as it is now (empty without a spec). */
  verdicts: MethodVerdict[];
}
