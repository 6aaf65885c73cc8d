// The tfjs engine's public surface: backend choice and trainers. Contract types live in types.ts.
export { initBackend, currentBackend } from './backend.js';
export { createTrainer } from './trainer.js';
export type {
  AttentionRecord,
  BackendInfo,
  BackendName,
  Batch,
  EvalCounts,
  Layout,
  NamedTensors,
  Trainer,
  TrainerOptions,
  TrainerSnapshot,
} from './types.js';
