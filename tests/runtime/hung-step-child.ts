// A process wired for stopping exactly as `ptx run` is (the store lock, StopRequest, the event reporter,
// run.ts's forced-exit handler) whose training step never returns. Used by stop-hung-step.test.ts.
// Arguments: LOCK_PATH GRACE_MS
import { acquireLock } from '../../runtime/src/store/lock.js';
import { StopRequest } from '../../runtime/src/commands/run/interrupt.js';
import { EventReporter } from '../../runtime/src/commands/run/reporter.js';
import { forcedExitHandler } from '../../runtime/src/commands/run.js';

const [lockPath, grace] = process.argv.slice(2) as [string, string];
const lock = acquireLock(lockPath);
if (!lock.ok) process.exit(9);
const reporter = new EventReporter((t) => process.stdout.write(t));
const stop = new StopRequest();
stop.install(() => reporter.info('stopping at the next step boundary (Ctrl-C again to quit at once)'), {
  graceMs: Number(grace),
  onForcedExit: forcedExitHandler(reporter, 'ptx run hung.ptx', stop, lock.release),
});
reporter.info('step 1 started');
// The step: a promise that never settles, with a timer keeping the event loop alive (as a worker would).
setInterval(() => {}, 1000);
await new Promise<never>(() => {});
