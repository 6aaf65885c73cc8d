// Runs one spec through the real CLI (`ptx run FILE --events`, a child process, exactly what a user or the
// editor runs) and keeps what the reproduction needs from its JSON-lines events: every evaluation result
// (with its attention record), the backend, which jobs trained and for how long, and the wall time.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type { ResultRow } from '../../runtime/src/commands/run/reporter.js';
import type { MethodVerdict } from '../../runtime/src/evidence/verdict.js';

/** What the reproduction keeps of each result row `ptx run --events` reports. */
export type SpecResult = Pick<ResultRow, 'run' | 'task' | 'exact' | 'perToken' | 'samples' | 'trainable' | 'trainSeconds' | 'backend' | 'seed' | 'cached' | 'attention'>;

export interface SpecRun {
  file: string;
  backend: string;
  results: SpecResult[];
  /** The verdict of every method of every compare block, as `ptx run` printed them. */
  verdicts: MethodVerdict[];
  /** Training jobs run now (not cached) and their seconds. */
  trained: Array<{ run: string; seconds: number }>;
  /** Training jobs whose result came from the store. */
  cachedRuns: string[];
  wallSeconds: number;
  /** CPU seconds (user + system) of the `ptx run` process and its threads, null if not measured. */
  cpuSeconds: number | null;
  exitCode: number;
  errors: string[];
}

export interface RunSpecOptions {
  backend: string;
  threads: number;
  /** Store folder (PTX_STORE); undefined: `.ptx/` beside the spec. */
  store?: string;
  /** Called with a short line whenever a job starts or ends (progress for the console). */
  onLine?: (line: string) => void;
}

/** The last two lines of `times`: the shell's own user/system time, then its children's. */
const TIMES = /\n?\d+m[\d.]+s \d+m[\d.]+s\n(\d+)m([\d.]+)s (\d+)m([\d.]+)s\s*$/;
const minutes = (m: string, s: string) => Number(m) * 60 + Number(s);

const CLI = join(import.meta.dirname, '..', '..', 'bin', 'ptx.js');

export function runSpec(file: string, opts: RunSpecOptions): Promise<SpecRun> {
  const started = Date.now();
  const out: SpecRun = { file, backend: '?', results: [], verdicts: [], trained: [], cachedRuns: [], wallSeconds: 0, cpuSeconds: null, exitCode: -1, errors: [] };
  const env = { ...process.env };
  if (opts.store) env.PTX_STORE = opts.store;
  else delete env.PTX_STORE;
  // bash's `times` after the run prints the CPU time of its children: on a shared machine the wall time
  // depends on the load, the CPU time much less.
  const args = [process.execPath, CLI, 'run', file, '--events', '--backend', opts.backend, '--threads', String(opts.threads)];
  const child = spawn('bash', ['-c', '"$@"; rc=$?; times >&2; exit $rc', 'ptx-run', ...args], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let buffered = '';
  let stderr = '';
  const handle = (line: string) => {
    if (!line.trim()) return;
    let e: Record<string, unknown>;
    try {
      e = JSON.parse(line) as Record<string, unknown>;
    } catch {
      out.errors.push(`not an event: ${line.slice(0, 200)}`);
      return;
    }
    switch (e.event) {
      case 'backend':
        out.backend = String(e.name);
        break;
      case 'job-start':
        if (e.kind === 'train') opts.onLine?.(`  train ${e.run} (${e.steps} steps)`);
        break;
      case 'job-end':
        if (e.kind !== 'train') break;
        if (e.status === 'done') {
          out.trained.push({ run: String(e.run), seconds: Number(e.seconds) });
          opts.onLine?.(`  trained ${e.run} in ${Number(e.seconds).toFixed(0)} s (loss ${e.finalLoss})`);
        } else if (e.status === 'cached') out.cachedRuns.push(String(e.run));
        else out.errors.push(`${e.run}: ${e.status}${e.reason ? ` (${e.reason})` : ''}`);
        break;
      case 'result':
        out.results.push({
          run: String(e.run),
          task: String(e.task),
          exact: Number(e.exact),
          perToken: Number(e.perToken),
          samples: Number(e.samples),
          trainable: Number(e.trainable),
          trainSeconds: Number(e.trainSeconds),
          backend: String(e.backend),
          seed: Number(e.seed),
          cached: Boolean(e.cached),
          attention: (e.attention as SpecResult['attention']) ?? null,
        });
        break;
      case 'verdict': {
        const { event: _event, ...verdict } = e;
        out.verdicts.push(verdict as unknown as MethodVerdict);
        break;
      }
      case 'error':
        out.errors.push(String(e.message));
        break;
    }
  };
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    buffered += chunk;
    let nl: number;
    while ((nl = buffered.indexOf('\n')) >= 0) {
      handle(buffered.slice(0, nl));
      buffered = buffered.slice(nl + 1);
    }
  });
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => void (stderr += chunk));
  return new Promise((resolvePromise, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      handle(buffered);
      out.exitCode = code ?? 1;
      const t = TIMES.exec(stderr);
      if (t) {
        out.cpuSeconds = minutes(t[1]!, t[2]!) + minutes(t[3]!, t[4]!);
        stderr = stderr.slice(0, t.index);
      }
      out.wallSeconds = (Date.now() - started) / 1000;
      if (out.exitCode !== 0 && stderr.trim()) out.errors.push(stderr.trim());
      resolvePromise(out);
    });
  });
}
