// Command-line arguments of `ptx run`.
import type { BackendName } from '../../engine/types.js';

export interface RunArgs {
  file: string;
  only?: string;
  backend?: BackendName;
  events: boolean;
  quiet: boolean;
  /** Data-parallel training threads (engine worker threads); part of each run's key. */
  threads: number;
}

export const RUN_USAGE = 'usage: ptx run FILE [--only NAME] [--backend node|wasm|cpu] [--threads N] [--events] [--quiet]';

const BACKENDS: readonly BackendName[] = ['node', 'wasm', 'cpu'];

/** Parses the arguments, or returns the one-line reason they are wrong. */
export function parseRunArgs(args: readonly string[]): RunArgs | { error: string } {
  const out: Partial<RunArgs> & { events: boolean; quiet: boolean; threads: number } = { events: false, quiet: false, threads: 1 };
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const [flag, inline] = a.startsWith('--') && a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    const value = (): string | undefined => inline ?? args[++i];
    switch (flag) {
      case '--only': {
        const v = value();
        if (!v) return { error: '--only needs a block name' };
        out.only = v;
        break;
      }
      case '--backend': {
        const v = value();
        if (!v || !BACKENDS.includes(v as BackendName)) return { error: `--backend must be one of ${BACKENDS.join(', ')}` };
        out.backend = v as BackendName;
        break;
      }
      case '--threads': {
        const v = value();
        const n = Number(v);
        if (!v || !Number.isInteger(n) || n < 1 || n > 64) return { error: '--threads needs a whole number from 1 to 64' };
        out.threads = n;
        break;
      }
      case '--events':
        out.events = true;
        break;
      case '--quiet':
        out.quiet = true;
        break;
      default:
        if (a.startsWith('-')) return { error: `unknown option '${a}'` };
        if (out.file !== undefined) return { error: `one spec file at a time (got '${out.file}' and '${a}')` };
        out.file = a;
    }
  }
  if (out.file === undefined) return { error: 'no spec file given' };
  return out as RunArgs;
}

/** The command line that repeats this run (printed after a stop, to resume). */
export function commandLine(a: RunArgs): string {
  const quote = (s: string) => (/^[\w./:@-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);
  const parts = ['ptx', 'run', quote(a.file)];
  if (a.only) parts.push('--only', quote(a.only));
  if (a.backend) parts.push('--backend', a.backend);
  if (a.threads > 1) parts.push('--threads', String(a.threads));
  return parts.join(' ');
}
