// `ptx run FILE [--only NAME] [--backend node|wasm|cpu] [--threads N] [--jobs N] [--format text|json] [--events]
// [--quiet]`: analyse the spec (refusing it on errors, with the same diagnostics as `ptx check`), pick the
// backend, plan the jobs, run what the store does not already hold (independent runs side by side, --jobs),
// and print the results: a table, or with --format json one document (results-json.ts). stdout carries
// only those results; diagnostics, the backend line and progress go to stderr (with --events everything is
// a JSON line on stdout).
// Exit status: 0 done, 1 spec errors / failed job / unavailable backend / busy or unusable store, 2 usage
// or unreadable file, 130 (143 for SIGTERM) when stopped with a resumable snapshot or quit while stopping.
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { analyse } from '../../../grammar/src/index.js';
import { initBackend } from '../engine/index.js';
import type { BackendInfo } from '../engine/types.js';
import { readSpecFile } from '../io/spec-file.js';
import { buildPlan, PlanError, type Plan } from '../plan/plan.js';
import { acquireLock, describeHolder, lockHolder, type LockOwner } from '../store/lock.js';
import { StoreError } from '../store/store-error.js';
import { RunStore } from '../store/run-store.js';
import { diagnosticJson, formatDiagnostic } from './check.js';
import { commandHelp } from './help.js';
import { commandLine, parseRunArgs, RUN_COMMAND, RUN_USAGE, type RunArgs } from './run/args.js';
import { executePlan } from './run/execute.js';
import { specRef } from '../store/spec-ref.js';
import { StopRequest } from './run/interrupt.js';
import { EventReporter, HumanReporter, type Reporter, type Summary } from './run/reporter.js';
import { resultsJson, runJson } from './run/results-json.js';
import { resultTable } from './run/table.js';
import { verdictTable } from './run/verdict-table.js';
import { collectReport } from '../report/collect.js';
import type { Spec } from '../../../grammar/src/spec.js';

export interface RunIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Whether stderr, where progress goes, is a terminal (progress redrawn in place). */
  tty: boolean;
  columns?: number;
  env: NodeJS.ProcessEnv;
}

function processIo(): RunIo {
  return {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    tty: Boolean(process.stderr.isTTY),
    columns: process.stderr.columns,
    env: process.env,
  };
}

export async function runRun(args: string[], io: RunIo = processIo()): Promise<number> {
  const parsed = parseRunArgs(args);
  if ('help' in parsed) {
    io.stdout(commandHelp(RUN_COMMAND));
    return 0;
  }
  if ('error' in parsed) {
    io.stderr(`ptx run: ${parsed.error}\n${RUN_USAGE}\n`);
    return 2;
  }
  const reporter: Reporter = parsed.events
    ? new EventReporter(io.stdout)
    : new HumanReporter(io.stderr, { tty: io.tty, quiet: parsed.quiet, columns: io.columns });
  const finish = (exitCode: number, s = { trained: 0, evaluated: 0, cached: 0, failed: 0, stopped: false }) => {
    reporter.done({ exitCode, ...s });
    return exitCode;
  };

  const read = readSpecFile(parsed.file);
  if (!read.ok) {
    reporter.error(read.message);
    return finish(2);
  }
  const text = read.text;

  // The same analysis and the same diagnostics as `ptx check`; errors mean nothing is trained.
  const { diagnostics, spec } = analyse(text);
  const errors = diagnostics.filter((d) => d.severity === 'error');
  if (parsed.events) {
    if (diagnostics.length) io.stdout(JSON.stringify({ event: 'diagnostics', diagnostics: diagnostics.map((d) => diagnosticJson(parsed.file, d)) }) + '\n');
  } else {
    for (const d of diagnostics) {
      if (d.severity === 'error' || (d.severity === 'warning' && !parsed.quiet)) io.stderr(formatDiagnostic(parsed.file, d) + '\n');
    }
  }
  if (errors.length) {
    reporter.error(`${errors.length} error${errors.length === 1 ? '' : 's'} in ${parsed.file}; nothing was trained`);
    return finish(1);
  }

  // A busy store is refused before the backend loads (a peek: nothing is created, so a spec or plan
  // error leaves no .ptx behind); the lock itself is taken once the plan is known.
  const store = io.env.PTX_STORE ? new RunStore(resolve(io.env.PTX_STORE)) : RunStore.besideSpec(parsed.file);
  const lockPath = join(store.root, 'lock');
  const busy = lockHolder(lockPath);
  if (busy) return finish(refuseBusy(reporter, store, busy));

  let backend;
  try {
    backend = await initBackend(parsed.backend);
  } catch (err) {
    reporter.error(err instanceof Error ? err.message : String(err));
    return finish(1);
  }
  reporter.backend(backend);

  let plan;
  try {
    plan = buildPlan(spec, { backend: backend.name, threads: parsed.threads, ...(parsed.only !== undefined ? { only: parsed.only } : {}) });
  } catch (err) {
    if (!(err instanceof PlanError)) throw err;
    reporter.error(err.message);
    return finish(parsed.only !== undefined ? 2 : 1);
  }
  let lock;
  try {
    lock = acquireLock(lockPath);
  } catch (err) {
    if (!(err instanceof StoreError)) throw err;
    reporter.error(err.message);
    return finish(1);
  }
  if (!lock.ok) return finish(refuseBusy(reporter, store, lock.holder));
  const stop = new StopRequest();
  const summary = { trained: 0, evaluated: 0, cached: 0, failed: 0, stopped: false };
  const onForcedExit = forcedExitHandler(reporter, commandLine(parsed), stop, lock.release, summary);
  try {
    return await runLocked(parsed, spec, plan, backend, store, reporter, io, finish, stop, onForcedExit, summary);
  } catch (err) {
    if (!(err instanceof StoreError)) throw err;
    reporter.error(err.message);
    return finish(1);
  } finally {
    lock.release();
  }
}

/**
 * What a stop that cannot wait for a step boundary does before the process exits from inside the signal
 * handler: say why and how to resume, end the event stream, free the store.
 */
export function forcedExitHandler(
  reporter: Reporter,
  resumeCommand: string,
  stop: StopRequest,
  releaseLock: () => void,
  summary: Omit<Summary, 'exitCode'> = { trained: 0, evaluated: 0, cached: 0, failed: 0, stopped: false },
): (why: string) => void {
  return (why) => {
    reporter.error(`${why}: quitting now without waiting for the step; snapshots saved so far are kept. To resume, run: ${resumeCommand}`);
    reporter.done({ exitCode: stop.exitCode, ...summary, stopped: true });
    releaseLock();
  };
}

function refuseBusy(reporter: Reporter, store: RunStore, holder: LockOwner | null): number {
  reporter.error(`${store.root} is in use by ${describeHolder(holder)}; wait for it to finish or stop it`);
  return 1;
}

async function runLocked(
  parsed: RunArgs,
  spec: Spec,
  plan: Plan,
  backend: BackendInfo,
  store: RunStore,
  reporter: Reporter,
  io: RunIo,
  finish: (exitCode: number, s?: Omit<Summary, 'exitCode'>) => number,
  stop: StopRequest,
  onForcedExit: (why: string) => void,
  counts: Omit<Summary, 'exitCode'>,
): Promise<number> {
  const graceMs = Number(io.env.PTX_STOP_GRACE) * 1000;
  stop.install(() => reporter.info('stopping at the next step boundary (Ctrl-C again to quit at once)'), {
    onForcedExit,
    // PTX_STOP_GRACE (seconds) overrides how long the step in progress may take to finish.
    ...(io.env.PTX_STOP_GRACE && Number.isFinite(graceMs) && graceMs >= 0 ? { graceMs } : {}),
  });
  let result;
  try {
    // PTX_SNAPSHOT_EVERY (seconds) overrides how often a running job saves a resumable snapshot.
    const every = Number(io.env.PTX_SNAPSHOT_EVERY);
    const snapshotEveryMs = io.env.PTX_SNAPSHOT_EVERY && Number.isFinite(every) && every >= 0 ? every * 1000 : undefined;
    result = await executePlan(plan, {
      store,
      reporter,
      stop,
      summary: counts,
      backend: backend.name,
      spec: specRef(store.root, parsed.file),
      // Independent runs side by side (worker processes), one per core unless --jobs says otherwise.
      jobs: parsed.jobs ?? availableParallelism(),
      ...(snapshotEveryMs !== undefined ? { snapshotEveryMs } : {}),
    });
  } finally {
    stop.uninstall();
  }
  const { rows, runs, summary, stoppedAt } = result;

  const runCount = plan.jobs.filter((j) => j.kind === 'train').length;
  if (summary.trained === 0 && summary.failed === 0 && !summary.stopped) {
    reporter.notice(`nothing to train: ${runCount} run${runCount === 1 ? '' : 's'} up to date`);
  }
  // Verdicts of the compare blocks this run covers, from the curves and evaluations now in the store.
  const compares = selectedCompares(spec, parsed.only);
  const verdicts = compares.size ? collectReport(store, { specName: parsed.file, spec }).verdicts.filter((v) => compares.has(v.compare)) : [];
  if (parsed.format === 'json') {
    const session = { backend: backend.name, skipped: backend.skipped, ...summary };
    io.stdout(JSON.stringify(resultsJson(parsed.file, spec, session, runs.map(({ hash, info }) => runJson(hash, info)), rows, verdicts)) + '\n');
  } else if (parsed.events) {
    for (const v of verdicts) io.stdout(JSON.stringify({ event: 'verdict', ...v }) + '\n');
  } else {
    if (rows.length) io.stdout(resultTable(rows));
    if (verdicts.length) io.stdout('\n' + verdictTable(verdicts));
  }
  if (summary.stopped) {
    const points = stoppedAt.map((p) => `${p.run} stopped at step ${p.step} of ${p.steps}`).join(', ');
    const where = stoppedAt.length ? `${points}; ${stoppedAt.length === 1 ? 'its snapshot is' : 'their snapshots are'} saved. ` : '';
    reporter.notice(`${where}To resume, run: ${commandLine(parsed)}`);
    return finish(stop.exitCode, summary);
  }
  return finish(summary.failed > 0 ? 1 : 0, summary);
}

/** The compare blocks a run covers: all of them, or the one `--only` names. */
function selectedCompares(spec: Spec, only: string | undefined): Set<string> {
  if (only === undefined) return new Set(spec.compares.keys());
  return spec.compares.has(only) ? new Set([only]) : new Set();
}
