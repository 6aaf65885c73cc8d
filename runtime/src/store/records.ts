// What the store keeps about runs and evaluations (plain JSON next to the tensors).
import type { AttentionRecord, BackendName, TrainerSnapshot } from '../engine/types.js';

/** Summary of a finished training run, kept in its manifest for tables. */
export interface RunInfo {
  name: string;
  kind: 'pretrain' | 'finetune';
  method: string;
  backend: BackendName;
  /** Data-parallel training threads (absent in entries from before threads existed: 1). */
  threads?: number;
  seed: number;
  /** The step budget; a run stopped early took `stoppedAt` steps. */
  steps: number;
  /** The step early stopping ended the run at, or absent/null when it used its whole budget. */
  stoppedAt?: number | null;
  trainable: number;
  /** Training wall time over all sessions (a resumed run adds its sessions). */
  elapsedMs: number;
  finalLoss: number | null;
  /**
   * The spec file that trained it, relative to the folder holding the store (specRef), so that a spec's
   * views can tell an earlier version of its own block from another spec's run of the same name.
   * Absent in entries from before it was recorded.
   */
  spec?: string;
}

/** One evaluation on the validation sample during training (teacher-forced; see ScoreCounts). */
export interface ValidationPoint {
  step: number;
  exact: number;
  perToken: number;
  loss: number;
}

/** Why a run ended before its step budget. */
export type StopReason = 'target' | 'plateau';

/** The loss curve: losses[i] is the training loss of step i + 1. */
export interface RunMetrics {
  losses: number[];
  /** Validation curve (finetunes; absent for pretrains and for entries from before validation splits). */
  validation?: ValidationPoint[];
  /** The step the run stopped at and why, when early stopping ended it before its budget. */
  stopped?: { step: number; reason: StopReason } | null;
  elapsedMs: number;
  stepsPerSecond: number;
  /** Steps at which a session resumed from a stopped run (empty when trained in one go). */
  resumedAt: number[];
}

/** One evaluation of a run on a task over the test split. */
export interface EvalInfo {
  run: string;
  task: string;
  exact: number;
  perToken: number;
  samples: number;
  backend: BackendName;
  threads?: number;
  seed: number;
  trainable: number;
  /** Training time of the evaluated run (for the table), not the evaluation's. */
  trainMs: number;
  hasAttention: boolean;
}

export interface StoredEval {
  info: EvalInfo;
  attention: AttentionRecord | null;
}

/** A run stopped mid-way: the trainer's snapshot plus the data stream and the curve so far. */
export interface ResumeState {
  snapshot: TrainerSnapshot;
  /** State of the training example stream, so the resumed run sees the same batches. */
  dataState: number;
  losses: number[];
  /** The validation curve so far (absent in snapshots from before validation splits). */
  validation?: ValidationPoint[];
  elapsedMs: number;
  resumedAt: number[];
}
