// Runs a spec the way `ptx run` does, in-process (starting 500 processes would cost more than the runs):
// the same analysis, the same plan and the same executor against a real store on disk, on the real backend.
// Returns the check's errors, or what happened when it ran.
import { analyse } from '../../grammar/src/index.js';
import type { BackendInfo } from '../../runtime/src/engine/types.js';
import { buildPlan } from '../../runtime/src/plan/plan.js';
import { executePlan } from '../../runtime/src/commands/run/execute.js';
import { StopRequest } from '../../runtime/src/commands/run/interrupt.js';
import type { JobEnd, JobRef, Reporter } from '../../runtime/src/commands/run/reporter.js';
import { RunStore } from '../../runtime/src/store/run-store.js';

export type Outcome =
  | { kind: 'rejected'; errors: string[] }
  | { kind: 'ran'; trained: number; evaluated: number; failures: string[] };

/** A reporter that keeps only what went wrong. */
class FailureReporter implements Reporter {
  readonly failures: string[] = [];
  backend(_info: BackendInfo): void {}
  info(): void {}
  notice(): void {}
  jobStart(): void {}
  progress(): void {}
  validation(): void {}
  result(): void {}
  done(): void {}
  error(message: string, job?: JobRef): void {
    this.failures.push(job ? `${job.id}: ${message}` : message);
  }
  jobEnd(job: JobRef, end: JobEnd): void {
    if (end.status === 'failed' || end.status === 'skipped' || end.status === 'stopped') this.failures.push(`${job.id}: ${end.status}${end.reason ? ` (${end.reason})` : ''}`);
  }
}

/** `ptx check`, then (when it finds no error) `ptx run` on backend `backend` with the store at `storeDir`. */
export async function checkThenRun(text: string, backend: BackendInfo['name'], storeDir: string): Promise<Outcome> {
  const { diagnostics, spec } = analyse(text);
  const errors = diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.range.start.line + 1}:${d.range.start.character + 1} ${d.code}: ${d.message}`);
  if (errors.length) return { kind: 'rejected', errors };
  const reporter = new FailureReporter();
  try {
    const plan = buildPlan(spec, { backend });
    const out = await executePlan(plan, { store: new RunStore(storeDir), reporter, stop: new StopRequest(), backend });
    return { kind: 'ran', trained: out.summary.trained, evaluated: out.summary.evaluated, failures: reporter.failures };
  } catch (err) {
    return { kind: 'ran', trained: 0, evaluated: 0, failures: [...reporter.failures, `threw: ${err instanceof Error ? err.message : String(err)}`] };
  }
}
