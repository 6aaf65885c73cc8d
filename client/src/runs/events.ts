// The JSON-lines events of `ptx run --events` (documented in runtime/src/commands/run/reporter.ts), as the
// extension reads them: each line is parsed and checked, and a line that is not a known event is logged,
// never trusted.

export interface RangeJson {
  start: { line: number; character: number };
  end: { line: number; character: number };
}

export type RunEvent =
  | { event: 'diagnostics'; diagnostics: Array<{ file: string; range: RangeJson; severity: string; code: string; message: string }> }
  | { event: 'backend'; name: string; skipped: string[] }
  | { event: 'info'; message: string }
  | { event: 'job-start'; id: string; kind: 'train' | 'evaluate'; run: string; task?: string; hash: string; steps?: number; trainable?: number; resumedFrom?: number }
  | { event: 'progress'; id: string; run: string; step: number; steps: number; loss: number; stepsPerSecond: number; etaSeconds: number }
  | { event: 'job-end'; id: string; kind: 'train' | 'evaluate'; run: string; task?: string; hash: string; status: 'done' | 'cached' | 'failed' | 'stopped' | 'skipped'; seconds: number; finalLoss?: number | null; reason?: string }
  | { event: 'result'; run: string; task: string; exact: number; perToken: number; samples: number; trainable: number; hash: string; attention: unknown }
  | { event: 'error'; id?: string; run?: string; message: string }
  | { event: 'done'; exitCode: number; trained: number; evaluated: number; cached: number; failed: number; stopped: boolean };

type Obj = Record<string, unknown>;
const isObj = (x: unknown): x is Obj => typeof x === 'object' && x !== null && !Array.isArray(x);
const num = (x: unknown) => typeof x === 'number' && Number.isFinite(x);
const str = (x: unknown) => typeof x === 'string';
const isRange = (x: unknown): x is RangeJson =>
  isObj(x) && isObj(x.start) && isObj(x.end) && num(x.start.line) && num(x.start.character) && num(x.end.line) && num(x.end.character);

/** One line of output as an event, or null when it is not a well-formed one. */
export function parseEvent(line: string): RunEvent | null {
  let x: unknown;
  try {
    x = JSON.parse(line);
  } catch {
    return null;
  }
  if (!isObj(x) || !str(x.event)) return null;
  switch (x.event) {
    case 'diagnostics':
      return Array.isArray(x.diagnostics) && x.diagnostics.every((d) => isObj(d) && str(d.file) && isRange(d.range) && str(d.severity) && str(d.code) && str(d.message))
        ? (x as RunEvent)
        : null;
    case 'backend':
      return str(x.name) && Array.isArray(x.skipped) && x.skipped.every(str) ? (x as RunEvent) : null;
    case 'info':
      return str(x.message) ? (x as RunEvent) : null;
    case 'job-start':
      return str(x.id) && (x.kind === 'train' || x.kind === 'evaluate') && str(x.run) && str(x.hash) ? (x as RunEvent) : null;
    case 'progress':
      return str(x.id) && str(x.run) && num(x.step) && num(x.steps) && typeof x.loss === 'number' && num(x.stepsPerSecond) && typeof x.etaSeconds === 'number' ? (x as RunEvent) : null;
    case 'job-end':
      return str(x.id) && str(x.run) && str(x.hash) && ['done', 'cached', 'failed', 'stopped', 'skipped'].includes(x.status as string) && num(x.seconds) ? (x as RunEvent) : null;
    case 'result':
      return str(x.run) && str(x.task) && num(x.exact) && num(x.perToken) && num(x.samples) && num(x.trainable) && str(x.hash) ? (x as RunEvent) : null;
    case 'error':
      return str(x.message) ? (x as RunEvent) : null;
    case 'done':
      return num(x.exitCode) && num(x.trained) && num(x.evaluated) && num(x.cached) && num(x.failed) && typeof x.stopped === 'boolean' ? (x as RunEvent) : null;
    default:
      return null;
  }
}

/** Splits a byte stream into lines (a chunk may end mid-line). */
export class LineSplitter {
  private rest = '';

  push(chunk: string): string[] {
    const text = this.rest + chunk;
    const lines = text.split('\n');
    this.rest = lines.pop() ?? '';
    return lines.filter((l) => l.trim() !== '');
  }

  flush(): string[] {
    const last = this.rest.trim();
    this.rest = '';
    return last ? [last] : [];
  }
}
