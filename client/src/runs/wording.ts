// What the run log and notifications say, in a user's words rather than the runtime's: backends by what
// they are, a stop as "stopped" (not an exit code or a Ctrl-C hint meant for a terminal), long compare run
// names shortened (the full name stays in the log and in tooltips). Kept apart from the vscode-bound run
// manager so it is testable.
import { shortRunLabels } from '../../webview/render/labels.js';

const BACKENDS: Record<string, string> = { node: 'native TensorFlow (tfjs-node)', wasm: 'WebAssembly', cpu: 'plain JavaScript' };

export function backendName(name: string): string {
  return BACKENDS[name] ?? name;
}

/** "backend: WebAssembly (tfjs-node is not installed)" from the runtime's backend event. */
export function backendLine(name: string, skipped: readonly string[]): string {
  const why = skipped.map((s) => {
    if (/tfjs-node/.test(s) && /cannot find module|MODULE_NOT_FOUND/i.test(s)) return 'tfjs-node is not installed';
    if (/tfjs-node failed to load/.test(s)) return `tfjs-node is installed but does not load: ${s.replace(/^.*failed to load:\s*/, '')}`;
    const m = /^(\w+):\s*(.*)$/.exec(s);
    return m ? `${backendName(m[1]!)} unavailable: ${m[2]}` : s;
  });
  return `backend: ${backendName(name)}${why.length ? ` (${why.join('; ')})` : ''}`;
}

/**
 * The runtime's info lines as the log shows them, or null for advice meant for a terminal that the editor
 * already gives in its own words (how to stop at once, the command line that resumes).
 */
export function infoLine(message: string): string | null {
  if (/Ctrl-C again/.test(message)) return null;
  if (/To resume, run:/.test(message)) return null;
  return message;
}

/** Exit statuses of `ptx run` (runtime/src/commands/run.ts): 130 and 143 are a stop (SIGINT, SIGTERM). */
export function isStopped(code: number): boolean {
  return code === 130 || code === 143;
}

export function exitLine(label: string, code: number, cancelled: boolean): string {
  if (code === 0) return `${label}: finished`;
  if (cancelled || isStopped(code)) return `${label}: stopped`;
  if (code === -1) return `${label}: could not start`;
  return `${label}: failed (exit status ${code})`;
}

/** A run's name as the status bar and notifications show it. */
export function shortRun(name: string): string {
  return shortRunLabels([name]).get(name) ?? name;
}
