// Command-line arguments of `ptx run`, parsed against its entry in the command table (command-table.ts).
import type { BackendName } from '../../engine/types.js';
import { parseCommand } from '../flags.js';
import { usageLine } from '../help.js';
import { commandSpec } from '../command-table.js';

export interface RunArgs {
  file: string;
  only?: string;
  backend?: BackendName;
  events: boolean;
  /** `json`: one results document on stdout at the end (results-json.ts) instead of the table. */
  format: 'text' | 'json';
  quiet: boolean;
  /** Data-parallel training threads (engine worker threads); part of each run's key. */
  threads: number;
  /** Independent jobs run at once (worker processes); absent: one per core. Not part of any key. */
  jobs?: number;
}

export const RUN_COMMAND = commandSpec('run');
export const RUN_USAGE = usageLine(RUN_COMMAND);

/** Parses the arguments (`help` when --help was given), or returns the one-line reason they are wrong. */
export function parseRunArgs(args: readonly string[]): RunArgs | { help: true } | { error: string } {
  const p = parseCommand(RUN_COMMAND, args);
  if ('error' in p) return p;
  if (p.help) return { help: true };
  const v = p.values;
  if (v.events && v.format === 'json') return { error: 'give --events or --format json, not both' };
  return {
    file: p.operands[0]!,
    ...(v.only !== undefined ? { only: v.only as string } : {}),
    ...(v.backend !== undefined ? { backend: v.backend as BackendName } : {}),
    events: v.events as boolean,
    format: v.format as 'text' | 'json',
    quiet: v.quiet as boolean,
    threads: v.threads as number,
    ...(v.jobs !== undefined ? { jobs: v.jobs as number } : {}),
  };
}

/** The command line that repeats this run (printed after a stop, to resume). */
export function commandLine(a: RunArgs): string {
  const quote = (s: string) => (/^[\w./:@-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);
  const parts = ['ptx', 'run', quote(a.file)];
  if (a.only) parts.push('--only', quote(a.only));
  if (a.backend) parts.push('--backend', a.backend);
  if (a.threads > 1) parts.push('--threads', String(a.threads));
  if (a.jobs !== undefined) parts.push('--jobs', String(a.jobs));
  return parts.join(' ');
}
