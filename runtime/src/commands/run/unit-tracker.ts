// A unit's events, followed on their way to the scheduler, so that a runner that loses the unit (its worker
// process died) can still end every job of it: the jobs that had not ended fail with the reason, the
// evaluations of a training that never ended are skipped, and the runs waiting for it are released.
import type { Reporter } from './reporter.js';
import type { UnitEvents } from './executor.js';
import { emptyResult, jobRef, type UnitResult, type UnitWork } from './unit.js';

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
      validation: (job, point) => r.validation(job, point),
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
