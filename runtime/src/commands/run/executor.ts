// The job runner behind `ptx run`'s scheduler: it takes units of work (submit), passes their events on
// (progress), and stops them all (cancel). The scheduler (execute.ts) knows nothing about where a unit
// runs, so another executor (remote machines, a queue) can take the place of these.
import type { BackendName, NamedTensors } from '../../engine/types.js';
import type { RunStore } from '../../store/run-store.js';
import { StopRequest } from './interrupt.js';
import type { Reporter } from './reporter.js';
import { emptyResult, jobRef, runUnit, type RunState, type UnitResult, type UnitWork } from './unit.js';

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

/**
 * Follows a unit's events so that a runner that loses the unit (its process died) can end the jobs that
 * had not ended, as failed, and release what waited for the training.
 */
export class UnitTracker {
  private readonly ended = new Set<string>();
  /** Whether the training ended well, once it has ended. */
  private trainedOk: boolean | null = null;
  /** What the events have shown so far, for a unit whose result never arrives. */
  private readonly partial: UnitResult = emptyResult();
  readonly events: UnitEvents;

  constructor(
    private readonly work: UnitWork,
    private readonly outer: UnitEvents,
  ) {
    const r = outer.reporter;
    const reporter: Reporter = {
      backend: (info) => r.backend(info),
      info: (text) => r.info(text),
      notice: (text) => r.notice(text),
      jobStart: (job, d) => r.jobStart(job, d),
      progress: (job, p) => r.progress(job, p),
      jobEnd: (job, end) => {
        this.ended.add(job.id);
        if (end.status === 'done') this.partial[job.kind === 'train' ? 'trained' : 'evaluated']++;
        if (end.status === 'failed') this.partial.failed++;
        if (end.status === 'stopped') this.partial.stopped = true;
        r.jobEnd(job, end);
      },
      result: (row) => {
        const ev = work.evals.find((e) => e.hash === row.hash);
        if (ev) this.partial.rows.push({ id: ev.id, row });
        r.result(row);
      },
      error: (text, job) => r.error(text, job),
      done: (s) => r.done(s),
    };
    this.events = {
      reporter,
      onTrained: (state) => {
        this.trainedOk = state.ok;
        outer.onTrained(state);
      },
    };
    if (work.stored) this.trainedOk = true;
  }

  /** Ends every job of the unit that had not ended, as failed for `why`, and returns the unit's result. */
  lost(why: string): UnitResult {
    const { reporter } = this.outer;
    const out = this.partial;
    const train = this.work.train;
    const trainRef = jobRef(train);
    if (!this.ended.has(train.id) && !this.work.stored) {
      out.failed++;
      reporter.error(why, trainRef);
      reporter.jobEnd(trainRef, { status: 'failed', seconds: 0, reason: why });
      this.ended.add(train.id);
    }
    if (this.trainedOk === null) {
      this.trainedOk = false;
      this.outer.onTrained({ ok: false, why });
    }
    const trained = this.trainedOk;
    for (const ev of this.work.evals) {
      if (this.ended.has(ev.id)) continue;
      const ref = jobRef(ev);
      if (trained) {
        out.failed++;
        reporter.error(why, ref);
        reporter.jobEnd(ref, { status: 'failed', seconds: 0, reason: why });
      } else {
        reporter.jobEnd(ref, { status: 'skipped', seconds: 0, reason: `${train.run} did not finish` });
      }
    }
    return out;
  }
}
