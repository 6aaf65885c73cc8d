// Entry point of a `ptx run` worker process (worker-pool.ts): its own tfjs backend and weight cache; it
// runs the units its parent sends, one at a time, and sends back every reporter call, the end of each
// training and each unit's result. Stopping is the parent's decision: a terminal's Ctrl-C reaches the
// whole process group, so signals are ignored here and the parent's `stop` message is what counts; when
// the parent goes (a second Ctrl-C, a crash, kill -9) the IPC channel closes and the worker exits at once.
import { initBackend } from '../../engine/index.js';
import { RunStore } from '../../store/run-store.js';
import { StoreError } from '../../store/store-error.js';
import { weightCache } from './executor.js';
import { StopRequest } from './interrupt.js';
import type { JobRef, Progress, Reporter } from './reporter.js';
import { message, runUnit, type UnitContext } from './unit.js';
import type { FromWorker, ReportMethod, ToWorker } from './worker-pool.js';

/** Progress messages per job and second at most; the parent's reporters throttle further. */
const PROGRESS_PER_SECOND = 10;

function send(m: FromWorker): void {
  if (process.connected) process.send!(m);
}

function forwardingReporter(): Reporter {
  const lastProgress = new Map<string, number>();
  const call =
    (method: ReportMethod) =>
    (...args: unknown[]): void =>
      send({ type: 'report', method, args });
  const progress = call('progress');
  return {
    backend: () => {},
    done: () => {},
    info: call('info'),
    notice: call('notice'),
    jobStart: call('jobStart'),
    progress: (job: JobRef, p: Progress) => {
      const now = Date.now();
      if (now - (lastProgress.get(job.id) ?? 0) < 1000 / PROGRESS_PER_SECOND && p.step < p.steps) return;
      lastProgress.set(job.id, now);
      progress(job, p);
    },
    validation: call('validation'),
    jobEnd: call('jobEnd'),
    result: call('result'),
    error: call('error'),
  };
}

for (const sig of ['SIGINT', 'SIGTERM'] as const) process.on(sig, () => {});
process.on('disconnect', () => process.exit(0));

const stop = new StopRequest();
// The parent's grace period after a signal ends when a training reaches its step boundary.
stop.onAcknowledge = () => send({ type: 'acknowledged' });
let ctx: Omit<UnitContext, 'onTrained'> | null = null;
let queue: Promise<void> = Promise.resolve();

process.on('message', (m: ToWorker) => {
  if (m.type === 'stop') {
    stop.request();
    return;
  }
  if (m.type === 'init') {
    initBackend(m.backend).then(
      () => {
        const store = new RunStore(m.storeRoot);
        ctx = {
          store,
          reporter: forwardingReporter(),
          stop,
          backend: m.backend,
          snapshotEveryMs: m.snapshotEveryMs,
          ...(m.spec ? { spec: m.spec } : {}),
          weights: weightCache(store),
        };
        send({ type: 'ready' });
      },
      (err: unknown) => send({ type: 'init-failed', message: message(err) }),
    );
    return;
  }
  const work = m.work;
  queue = queue.then(async () => {
    try {
      const result = await runUnit(work, { ...ctx!, onTrained: (state) => send({ type: 'trained', state }) });
      send({ type: 'unit-done', result });
    } catch (err) {
      send({ type: 'unit-error', message: message(err), path: err instanceof StoreError ? err.path : null });
    }
  });
});
