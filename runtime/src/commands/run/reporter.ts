// Everything `ptx run` tells the user goes through a Reporter: human text on stderr (a progress line per
// job, redrawn in place on a terminal, plain periodic lines otherwise), so that stdout carries only the
// results, or, with --events, JSON lines on stdout for the editor and nothing else there.
import type { AttentionRecord, BackendInfo } from '../../engine/types.js';
import type { StopReason, ValidationPoint } from '../../store/records.js';
import { formatLoss, formatSeconds } from './format.js';

export interface JobRef {
  id: string;
  kind: 'train' | 'evaluate';
  run: string;
  /** Task name (evaluations). */
  task?: string;
  hash: string;
}

export interface Progress {
  step: number;
  steps: number;
  loss: number;
  stepsPerSecond: number;
  etaSeconds: number;
}

export type JobStatus = 'done' | 'cached' | 'failed' | 'stopped' | 'skipped';

export interface JobEnd {
  status: JobStatus;
  seconds: number;
  finalLoss?: number | null;
  reason?: string;
  /** A training run that early stopping ended before its budget: where and why. */
  earlyStop?: { step: number; reason: StopReason };
}

/** One line of the final table: a run evaluated on a task. */
export interface ResultRow {
  run: string;
  task: string;
  exact: number;
  perToken: number;
  samples: number;
  trainable: number;
  trainSeconds: number;
  backend: string;
  /** Training threads of the run (absent: 1). */
  threads?: number;
  seed: number;
  cached: boolean;
  /** The evaluate block that asked for it, or null for the run's own evaluation. */
  block: string | null;
  hash: string;
  attention: AttentionRecord | null;
}

export interface Summary {
  exitCode: number;
  trained: number;
  evaluated: number;
  cached: number;
  failed: number;
  stopped: boolean;
}

export interface Reporter {
  backend(info: BackendInfo): void;
  info(text: string): void;
  /** A message shown even with --quiet (up to date, how to resume). */
  notice(text: string): void;
  jobStart(job: JobRef, detail: { steps?: number; resumedFrom?: number; trainable?: number }): void;
  progress(job: JobRef, p: Progress): void;
  /** An evaluation on the validation sample during training. */
  validation(job: JobRef, point: ValidationPoint): void;
  jobEnd(job: JobRef, end: JobEnd): void;
  result(row: ResultRow): void;
  error(message: string, job?: JobRef): void;
  done(summary: Summary): void;
}

type Write = (text: string) => void;

export function jobLabel(job: JobRef): string {
  return job.kind === 'train' ? job.run : `${job.run} on ${job.task}`;
}

/**
 * Human output, all of it for stderr (`write`). On a TTY the current job's line is redrawn in place;
 * otherwise a line every few seconds. `quiet` leaves errors and notices only.
 */
export class HumanReporter implements Reporter {
  private lastDraw = 0;
  private live = false;
  /** The newest validation exact match of each running job, shown in its progress line. */
  private readonly lastValidation = new Map<string, number>();

  constructor(
    private readonly write: Write,
    private readonly opts: { tty: boolean; quiet: boolean; columns?: number; plainEverySeconds?: number },
  ) {}

  private clearLive(): void {
    if (this.live) {
      this.write('\r\x1b[2K');
      this.live = false;
    }
  }

  private line(text: string): void {
    this.clearLive();
    this.write(text + '\n');
  }

  backend(info: BackendInfo): void {
    if (this.opts.quiet) return; // the table's backend column still says it
    const skipped = info.skipped.length ? ` (skipped ${info.skipped.join('; ')})` : '';
    this.line(`backend: ${info.name}${skipped}`);
  }

  info(text: string): void {
    if (!this.opts.quiet) this.line(text);
  }

  notice(text: string): void {
    this.line(text);
  }

  jobStart(job: JobRef, d: { steps?: number; resumedFrom?: number; trainable?: number }): void {
    if (this.opts.quiet) return;
    const what = job.kind === 'train' ? `train ${job.run}` : `evaluate ${jobLabel(job)}`;
    const extra = [
      d.steps !== undefined ? `${d.steps} steps` : '',
      d.trainable !== undefined ? `${d.trainable.toLocaleString('en-US')} trainable params` : '',
      d.resumedFrom ? `resuming at step ${d.resumedFrom}` : '',
    ].filter(Boolean);
    this.line(`${what}${extra.length ? ` (${extra.join(', ')})` : ''}`);
    this.lastDraw = 0;
  }

  private progressText(job: JobRef, p: Progress, bar: boolean): string {
    const width = 20;
    const filled = Math.round((width * p.step) / Math.max(1, p.steps));
    const barText = bar ? `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ` : '';
    const val = this.lastValidation.get(job.id);
    const valText = val === undefined ? '' : `  val ${(100 * val).toFixed(1)}%`;
    return `  ${jobLabel(job)} ${barText}step ${p.step}/${p.steps}  loss ${formatLoss(p.loss)}${valText}  ${p.stepsPerSecond.toFixed(1)} steps/s  ETA ${formatSeconds(p.etaSeconds)}`;
  }

  validation(job: JobRef, point: ValidationPoint): void {
    this.lastValidation.set(job.id, point.exact);
  }

  progress(job: JobRef, p: Progress): void {
    if (this.opts.quiet) return;
    const now = Date.now();
    if (this.opts.tty) {
      if (now - this.lastDraw < 100 && p.step < p.steps) return;
      this.lastDraw = now;
      let text = this.progressText(job, p, true);
      const cols = this.opts.columns ?? 100;
      if (text.length > cols - 1) text = text.slice(0, cols - 1);
      this.write(`\r\x1b[2K${text}`);
      this.live = true;
    } else {
      const every = (this.opts.plainEverySeconds ?? 10) * 1000;
      if (this.lastDraw === 0) this.lastDraw = now;
      if (now - this.lastDraw < every && p.step < p.steps) return;
      this.lastDraw = now;
      this.line(this.progressText(job, p, false));
    }
  }

  jobEnd(job: JobRef, e: JobEnd): void {
    if (e.status === 'failed') {
      this.clearLive();
      return; // the error itself was reported
    }
    if (this.opts.quiet && e.status !== 'stopped') return;
    const label = job.kind === 'train' ? `train ${job.run}` : `evaluate ${jobLabel(job)}`;
    this.lastValidation.delete(job.id);
    const loss = e.finalLoss !== undefined && e.finalLoss !== null ? `, final loss ${formatLoss(e.finalLoss)}` : '';
    const early = e.earlyStop ? `, stopped early at step ${e.earlyStop.step} (${e.earlyStop.reason === 'target' ? 'validation target reached' : 'validation plateau'})` : '';
    const text: Record<JobStatus, string> = {
      done: `  done in ${formatSeconds(e.seconds)}${loss}${early}`,
      cached: `${label}: up to date`,
      stopped: `  stopped: ${e.reason ?? ''}`,
      skipped: `${label}: skipped (${e.reason ?? ''})`,
      failed: '',
    };
    this.line(text[e.status]);
  }

  result(_row: ResultRow): void {
    // Human output shows results in the final table.
  }

  error(message: string, job?: JobRef): void {
    this.clearLive();
    this.write(`ptx run: ${job ? `${jobLabel(job)}: ` : ''}${message}\n`);
  }

  done(_s: Summary): void {
    this.clearLive();
  }
}

/**
 * `--events`: one JSON object per line on stdout, nothing else there (human text is not printed).
 *   {"event":"diagnostics","diagnostics":[{file,range,severity,code,message}]}  warnings/errors of the spec
 *   {"event":"backend","name":"wasm","skipped":["node: ..."]}
 *   {"event":"info","message":"..."}                      cache repairs, resumes, stop notices
 *   {"event":"job-start","id","kind":"train"|"evaluate","run","task"?,"hash","steps"?,"trainable"?,"resumedFrom"?}
 *   {"event":"progress","id","run","step","steps","loss","stepsPerSecond","etaSeconds"}   ≤ 4 per second
 *   {"event":"validation","id","run","step","exact","perToken","loss"}   each evaluation during training
 *   {"event":"job-end","id","kind","run","task"?,"hash","status":"done"|"cached"|"failed"|"stopped"|"skipped",
 *     "seconds","finalLoss"?,"reason"?,"earlyStop"?:{"step","reason":"target"|"plateau"}}
 *                                                         cached and skipped jobs have no job-start
 *   {"event":"result","run","task","exact","perToken","samples","trainable","trainSeconds","backend","seed",
 *     "cached","block","hash","attention":AttentionRecord|null}   one per evaluation, cached ones included
 *   {"event":"error","id"?,"run"?,"message"}
 *   {"event":"done","exitCode","trained","evaluated","cached","failed","stopped"}   always last
 */
export class EventReporter implements Reporter {
  private lastProgress = 0;

  constructor(private readonly out: Write) {}

  private emit(event: string, body: Record<string, unknown>): void {
    this.out(JSON.stringify({ event, ...body }) + '\n');
  }

  private ref(job: JobRef): Record<string, unknown> {
    return { id: job.id, kind: job.kind, run: job.run, ...(job.task !== undefined ? { task: job.task } : {}), hash: job.hash };
  }

  backend(info: BackendInfo): void {
    this.emit('backend', { name: info.name, skipped: info.skipped });
  }

  info(text: string): void {
    this.emit('info', { message: text });
  }

  notice(text: string): void {
    this.emit('info', { message: text });
  }

  jobStart(job: JobRef, d: { steps?: number; resumedFrom?: number; trainable?: number }): void {
    this.lastProgress = 0;
    this.emit('job-start', { ...this.ref(job), ...d });
  }

  progress(job: JobRef, p: Progress): void {
    const now = Date.now();
    if (now - this.lastProgress < 250 && p.step < p.steps) return;
    this.lastProgress = now;
    this.emit('progress', { id: job.id, run: job.run, ...p });
  }

  validation(job: JobRef, point: ValidationPoint): void {
    this.emit('validation', { id: job.id, run: job.run, ...point });
  }

  jobEnd(job: JobRef, e: JobEnd): void {
    this.emit('job-end', { ...this.ref(job), ...e });
  }

  result(row: ResultRow): void {
    this.emit('result', { ...row });
  }

  error(message: string, job?: JobRef): void {
    this.emit('error', { ...(job ? this.ref(job) : {}), message });
  }

  done(s: Summary): void {
    this.emit('done', { ...s });
  }
}
