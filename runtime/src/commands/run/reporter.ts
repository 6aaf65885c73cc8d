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
 * Human output, all of it for stderr (`write`). On a TTY the running jobs' lines (one per job: several
 * with --jobs) are redrawn in place below the log; otherwise a line per job every few seconds. `quiet`
 * leaves errors and notices only.
 */
export class HumanReporter implements Reporter {
  private lastDraw = 0;
  /** The newest validation exact match of each running job, shown in its progress line. */
  private readonly lastValidation = new Map<string, number>();
  /** Lines of the live area on the screen now (TTY). */
  private liveLines = 0;
  /** The latest progress of each running job, in the order they started. */
  private readonly running = new Map<string, { job: JobRef; p: Progress }>();
  /** When each job last printed a plain progress line (not a TTY). */
  private readonly lastPlain = new Map<string, number>();
  /**
   * The job whose line was printed last: a job's end reads "  done in …" under its own line, and names
   * the job when other jobs printed in between (jobs side by side).
   */
  private lastSubject: string | null = null;

  constructor(
    private readonly write: Write,
    private readonly opts: { tty: boolean; quiet: boolean; columns?: number; plainEverySeconds?: number },
  ) {}

  /** Erases the live area: the cursor ends at the start of its first line. */
  private static erase(lines: number): string {
    return '\r\x1b[2K' + '\x1b[1A\x1b[2K'.repeat(Math.max(0, lines - 1));
  }

  private clearLive(): void {
    if (this.liveLines) {
      this.write(HumanReporter.erase(this.liveLines));
      this.liveLines = 0;
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
    this.lastSubject = job.id;
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
      this.running.set(job.id, { job, p });
      if (now - this.lastDraw < 100 && p.step < p.steps) return;
      this.lastDraw = now;
      const cols = this.opts.columns ?? 100;
      const lines = [...this.running.values()].map((r) => {
        const text = this.progressText(r.job, r.p, true);
        return text.length > cols - 1 ? text.slice(0, cols - 1) : text;
      });
      this.write(HumanReporter.erase(this.liveLines) + lines.join('\n'));
      this.liveLines = lines.length;
    } else {
      const every = (this.opts.plainEverySeconds ?? 10) * 1000;
      const last = this.lastPlain.get(job.id);
      if (last === undefined) this.lastPlain.set(job.id, now);
      if (now - (last ?? now) < every && p.step < p.steps) return;
      this.lastPlain.set(job.id, now);
      this.line(this.progressText(job, p, false));
      this.lastSubject = job.id;
    }
  }

  jobEnd(job: JobRef, e: JobEnd): void {
    this.running.delete(job.id);
    this.lastPlain.delete(job.id);
    if (e.status === 'failed') {
      this.clearLive();
      return; // the error itself was reported
    }
    if (this.opts.quiet && e.status !== 'stopped') return;
    const label = job.kind === 'train' ? `train ${job.run}` : `evaluate ${jobLabel(job)}`;
    this.lastValidation.delete(job.id);
    // Under the job's own line an indent says whose end it is; after other jobs' lines the label does.
    const own = this.lastSubject === null || this.lastSubject === job.id ? '  ' : `${label}: `;
    const loss = e.finalLoss !== undefined && e.finalLoss !== null ? `, final loss ${formatLoss(e.finalLoss)}` : '';
    const early = e.earlyStop ? `, stopped early at step ${e.earlyStop.step} (${e.earlyStop.reason === 'target' ? 'validation target reached' : 'validation plateau'})` : '';
    const text: Record<JobStatus, string> = {
      done: `${own}done in ${formatSeconds(e.seconds)}${loss}${early}`,
      cached: `${label}: up to date`,
      stopped: `${own}stopped: ${e.reason ?? ''}`,
      skipped: `${label}: skipped (${e.reason ?? ''})`,
      failed: '',
    };
    this.line(text[e.status]);
    this.lastSubject = '';
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
 *   {"event":"progress","id","run","step","steps","loss","stepsPerSecond","etaSeconds"}   ≤ 4 per second per job
 *   {"event":"validation","id","run","step","exact","perToken","loss"}   each evaluation during training
 *   {"event":"job-end","id","kind","run","task"?,"hash","status":"done"|"cached"|"failed"|"stopped"|"skipped",
 *     "seconds","finalLoss"?,"reason"?,"earlyStop"?:{"step","reason":"target"|"plateau"}}
 *                                                         cached and skipped jobs have no job-start
 *   {"event":"result","run","task","exact","perToken","samples","trainable","trainSeconds","backend","seed",
 *     "cached","block","hash","attention":AttentionRecord|null}   one per evaluation, cached ones included
 *   {"event":"error","id"?,"run"?,"message"}
 *   {"event":"done","exitCode","trained","evaluated","cached","failed","stopped"}   always last
 * With --jobs N, up to N jobs run at once: their events interleave, each carrying its job's id.
 */
export class EventReporter implements Reporter {
  /** When each running job last sent progress: jobs run side by side, each is throttled on its own. */
  private readonly lastProgress = new Map<string, number>();

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
    this.lastProgress.delete(job.id);
    this.emit('job-start', { ...this.ref(job), ...d });
  }

  progress(job: JobRef, p: Progress): void {
    const now = Date.now();
    if (now - (this.lastProgress.get(job.id) ?? 0) < 250 && p.step < p.steps) return;
    this.lastProgress.set(job.id, now);
    this.emit('progress', { id: job.id, run: job.run, ...p });
  }

  validation(job: JobRef, point: ValidationPoint): void {
    this.emit('validation', { id: job.id, run: job.run, ...point });
  }

  jobEnd(job: JobRef, e: JobEnd): void {
    this.lastProgress.delete(job.id);
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
