// Runs a plan against the store: cached complete entries are used as they are, anything missing or failing
// verification is (re)computed by the job runner (executor.ts), up to its capacity at once. A unit (one
// run's training and evaluations, units.ts) starts when the run it starts from has trained; a failed run
// skips what depends on it and the rest goes on; a stop request stops every running unit with a resumable
// snapshot and starts nothing new. Results are the same for any number of jobs: each unit computes exactly
// what it would alone, and the rows come out in plan order. Anything stored that does not verify is moved
// to the store's quarantine and redone. A StoreError (the store itself cannot be written) ends the whole
// plan: every job would fail.
import type { BackendName } from '../../engine/types.js';
import type { EvalJob, Plan } from '../../plan/plan.js';
import type { RunStore } from '../../store/run-store.js';
import type { RunInfo } from '../../store/records.js';
import { StoreError } from '../../store/store-error.js';
import type { JobExecutor } from './executor.js';
import type { StopRequest } from './interrupt.js';
import type { ResultRow, Reporter, Summary } from './reporter.js';
import { emptyResult, evalRow, jobRef, message, type RunState, type StopPoint, type UnitResult, type UnitWork } from './unit.js';
import { planUnits, type Unit } from './units.js';
import { createExecutor } from './worker-pool.js';

export { jobRef };

/** Periodic resumable snapshots during training: cheap next to minutes of steps, and a kill loses little. */
export const DEFAULT_SNAPSHOT_EVERY_MS = 5 * 60_000;

export interface ExecuteResult {
  rows: ResultRow[];
  /** Every run that finished (trained now or already in the store), in plan order, with its store hash. */
  runs: Array<{ hash: string; info: RunInfo }>;
  summary: Omit<Summary, 'exitCode'>;
  /** Where a stop request interrupted training, one entry per run it interrupted. */
  stoppedAt: StopPoint[];
}

export interface ExecuteContext {
  store: RunStore;
  reporter: Reporter;
  stop: StopRequest;
  backend: BackendName;
  snapshotEveryMs?: number;
  /** The counts, kept up to date as units end (a forced exit reports them as they are). */
  summary?: Omit<Summary, 'exitCode'>;
  /** The spec file that asked for the runs, recorded with each run it trains. */
  spec?: string;
  /** Units run at once (default 1); ignored when `executor` is given. */
  jobs?: number;
  executor?: JobExecutor;
}

export async function executePlan(plan: Plan, ctx: ExecuteContext): Promise<ExecuteResult> {
  const { store, reporter, stop } = ctx;
  const executor =
    ctx.executor ??
    createExecutor(ctx.jobs ?? 1, {
      store,
      backend: ctx.backend,
      snapshotEveryMs: ctx.snapshotEveryMs ?? DEFAULT_SNAPSHOT_EVERY_MS,
      ...(ctx.spec ? { spec: ctx.spec } : {}),
      // A unit that reached its step boundary ends the signal's grace period (interrupt.ts).
      acknowledge: () => stop.acknowledge(),
    });
  const units = planUnits(plan);
  const order = new Map(plan.jobs.map((j, i) => [j.id, i]));
  const rows: Array<{ id: string; row: ResultRow }> = [];
  const summary = ctx.summary ?? { trained: 0, evaluated: 0, cached: 0, failed: 0, stopped: false };
  let storeError: StoreError | null = null;
  const stoppedAt: StopPoint[] = [];
  const runState = new Map<string, RunState>();
  const finished: Array<{ index: number; run: ExecuteResult['runs'][number] }> = [];
  // One at a time, the plan's order; side by side, the longest chain first (list scheduling).
  const better = executor.capacity > 1 ? (a: Unit, b: Unit) => a.priority > b.priority || (a.priority === b.priority && a.index < b.index) : (a: Unit, b: Unit) => a.index < b.index;
  const ready: Array<{ unit: Unit; work: UnitWork }> = [];
  let running = 0;

  const merge = (r: UnitResult) => {
    summary.trained += r.trained;
    summary.evaluated += r.evaluated;
    summary.failed += r.failed;
    if (r.stopped) summary.stopped = true;
    if (r.stoppedAt) stoppedAt.push(r.stoppedAt);
    rows.push(...r.rows);
  };

  /** A run whose parent did not finish: it and everything below it are skipped, with the reason. */
  const skip = (u: Unit, parent: string) => {
    runState.set(u.train.run, { ok: false, why: `${parent} did not finish` });
    reporter.jobEnd(jobRef(u.train), { status: 'skipped', seconds: 0, reason: `it starts from ${parent}, which did not finish` });
    for (const ev of u.evals) reporter.jobEnd(jobRef(ev), { status: 'skipped', seconds: 0, reason: `${u.train.run} did not finish` });
    for (const c of u.children) skip(c, u.train.run);
  };

  const trained = (u: Unit, state: RunState) => {
    runState.set(u.train.run, state);
    if (state.ok) finished.push({ index: u.index, run: { hash: u.train.hash, info: state.info } });
    for (const c of u.children) {
      if (state.ok) prepare(c);
      else if (!stop.requested) skip(c, u.train.run);
    }
  };

  /** The stored evaluations of a complete run, reported as cached; returns those still to compute. */
  const cachedEvals = (evals: EvalJob[]): EvalJob[] =>
    evals.filter((ev) => {
      const st = store.evalStatus(ev.runHash, ev.hash);
      if (st.state === 'complete') {
        try {
          const stored = store.loadEval(ev.runHash, ev.hash);
          summary.cached++;
          reporter.jobEnd(jobRef(ev), { status: 'cached', seconds: 0 });
          const row = evalRow(ev, stored.info, true, stored.attention);
          rows.push({ id: ev.id, row });
          reporter.result(row);
          return false;
        } catch (err) {
          if (err instanceof StoreError) throw err;
          const where = store.quarantine(store.evalDir(ev.runHash, ev.hash), message(err));
          reporter.info(`${ev.run} on ${ev.task.name}: the stored evaluation is unusable (${message(err)}); moved it to ${where} and evaluating again`);
        }
      } else if (st.state === 'invalid') {
        const where = store.quarantine(store.evalDir(ev.runHash, ev.hash), st.reason);
        reporter.info(`${ev.run} on ${ev.task.name}: the stored evaluation is unusable (${st.reason}); moved it to ${where} and evaluating again`);
      }
      return true;
    });

  /** A unit whose parent has trained: what the store holds is used, the rest waits for a runner. */
  const prepare = (u: Unit) => {
    if (stop.requested) return;
    const st = store.runStatus(u.train.hash);
    if (st.state === 'complete') {
      summary.cached++;
      reporter.jobEnd(jobRef(u.train), { status: 'cached', seconds: 0, finalLoss: st.manifest.info.finalLoss });
      const evals = cachedEvals(u.evals);
      if (evals.length) ready.push({ unit: u, work: { train: u.train, stored: st.manifest.info, evals } });
      trained(u, { ok: true, info: st.manifest.info });
      return;
    }
    if (st.state === 'invalid') {
      const where = store.quarantineLeftovers(u.train.hash, st.reason);
      reporter.info(`${u.train.run}: the stored run is unusable (${st.reason}); moved it to ${where ?? 'the quarantine'} and training it again`);
    }
    // A run trained again loses its stored evaluations (RunStore.prepareRun), so all of them are computed.
    ready.push({ unit: u, work: { train: u.train, stored: null, evals: u.evals } });
  };

  try {
    await new Promise<void>((resolveAll) => {
      const pump = () => {
        while (!stop.requested && running < executor.capacity && ready.length) {
          let best = 0;
          for (let i = 1; i < ready.length; i++) if (better(ready[i]!.unit, ready[best]!.unit)) best = i;
          const { unit, work } = ready.splice(best, 1)[0]!;
          running++;
          const done = (r: UnitResult) => {
            merge(r);
            running--;
            pump();
          };
          const onTrained = (state: RunState) => {
            trained(unit, state);
            pump();
          };
          executor.submit(work, { reporter, onTrained }).then(done, (err: unknown) => {
            if (err instanceof StoreError) {
              // The store cannot be written: stop the others at their next step and end the plan with it.
              storeError ??= err;
              stop.request();
            } else {
              reporter.error(`internal: ${message(err)}`);
              summary.failed++;
            }
            done(emptyResult());
          });
        }
        if (running === 0) {
          if (stop.requested) stop.acknowledge();
          resolveAll();
        }
      };
      stop.onRequest(() => executor.cancel());
      const children = new Set(units.flatMap((u) => u.children));
      try {
        for (const u of units) if (!children.has(u)) prepare(u);
      } catch (err) {
        if (!(err instanceof StoreError)) throw err;
        storeError = err;
        stop.request();
      }
      pump();
    });
  } finally {
    await executor.close();
  }
  if (storeError) throw storeError;
  // Work that never started because of the stop makes it a stopped session too.
  if (stop.requested && (ready.length > 0 || units.some((u) => !runState.has(u.train.run)))) summary.stopped = true;
  rows.sort((a, b) => order.get(a.id)! - order.get(b.id)!);
  finished.sort((a, b) => a.index - b.index);
  return { rows: rows.map((r) => r.row), runs: finished.map((f) => f.run), summary, stoppedAt };
}
