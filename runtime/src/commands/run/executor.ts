// The job runner behind `ptx run`'s scheduler: it takes units of work (submit), passes their events on
// (progress), and stops them all (cancel). The scheduler (execute.ts) knows nothing about where a unit
// runs, so another executor (remote machines, a queue) can take the place of these.
import type { BackendName, NamedTensors } from '../../engine/types.js';
import type { RunStore } from '../../store/run-store.js';
import { StopRequest } from './interrupt.js';
import type { Reporter } from './reporter.js';
import { runUnit, type RunState, type UnitResult, type UnitWork } from './unit.js';

/** Where a running unit's events go: the job events, and the end of its training. */
export interface UnitEvents {
  reporter: Reporter;
  onTrained: (state: RunState) => void;
}

export interface JobExecutor {
  /** How many units it runs at once. */
  readonly capacity: number;
  /**
   * Runs one unit, at most `capacity` at a time. It resolves (never rejects) when the unit has ended, every
   * job of it having reported its end; a runner that loses a unit (a worker process died) reports its jobs
   * as failed.
   */
  submit(work: UnitWork, events: UnitEvents): Promise<UnitResult>;
  /** Asks every running unit to stop at its next step boundary, saving a resumable snapshot. */
  cancel(): void;
  /** Releases what it holds (worker processes); running units must have ended. */
  close(): Promise<void>;
}

export interface ExecutorOptions {
  store: RunStore;
  backend: BackendName;
  snapshotEveryMs: number;
  /** The spec file as the store records it with each run (specRef). */
  spec?: string;
  /** Called when a unit's training reaches a step boundary after a stop request. */
  acknowledge?: () => void;
}

/** A per-process cache of runs' final weights: every finetune of a base starts from the same tensors. */
export function weightCache(store: RunStore): (hash: string) => NamedTensors {
  const weights = new Map<string, NamedTensors>();
  return (hash) => {
    let w = weights.get(hash);
    if (!w) {
      w = store.loadModelWeights(hash);
      weights.set(hash, w);
    }
    return w;
  };
}

/** Runs one unit at a time in this process, on the backend this process has initialised. */
export class InProcessExecutor implements JobExecutor {
  readonly capacity = 1;
  private readonly stop = new StopRequest();
  private readonly weights: (hash: string) => NamedTensors;
  private busy = false;

  constructor(private readonly opts: ExecutorOptions) {
    this.weights = weightCache(opts.store);
    this.stop.onAcknowledge = () => opts.acknowledge?.();
  }

  async submit(work: UnitWork, events: UnitEvents): Promise<UnitResult> {
    if (this.busy) throw new Error('internal: the in-process runner got two units at once');
    this.busy = true;
    try {
      return await runUnit(work, { ...this.opts, stop: this.stop, weights: this.weights, reporter: events.reporter, onTrained: events.onTrained });
    } finally {
      this.busy = false;
    }
  }

  cancel(): void {
    this.stop.request();
  }

  async close(): Promise<void> {}
}

