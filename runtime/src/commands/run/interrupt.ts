// Ctrl-C (and SIGTERM, which the editor sends to stop a run) as a request, not a kill: the training loop
// checks `requested` at every step boundary, saves a resumable snapshot and returns. A step that never
// returns (a hung worker thread, a promise that never settles) must not keep the process alive: if the
// boundary is not reached within the grace period, or a second signal comes, the process says why and
// exits at once. What was saved stays valid (every write is atomic), and the store lock is released.
// Job runners subscribe with `onRequest` to pass the request on to the jobs they run elsewhere (worker
// processes), and hear through `onAcknowledge` when those reached their step boundary.
export const STOP_GRACE_MS = 10_000;

export interface StopOptions {
  /** How long the step in progress may take to finish after the first signal. */
  graceMs?: number;
  /** Says why the process is quitting without reaching a step boundary, and releases what it holds. */
  onForcedExit?: (why: string) => void;
}

export class StopRequest {
  signal: NodeJS.Signals | null = null;
  private readonly handlers: Array<[NodeJS.Signals, () => void]> = [];
  private timer: NodeJS.Timeout | null = null;
  private readonly listeners: Array<() => void> = [];
  /** Called by `acknowledge`: a runner's own stop request passes its jobs' boundary on to the signal's. */
  onAcknowledge: (() => void) | null = null;

  get requested(): boolean {
    return this.signal !== null;
  }

  /** Exit code for a stop by this signal (128 + signal number, as shells report it). */
  get exitCode(): number {
    return this.signal === 'SIGTERM' ? 143 : 130;
  }

  /** Asks for a stop (as the first signal does, without a grace period); listeners run once. */
  request(signal: NodeJS.Signals = 'SIGINT'): void {
    if (this.signal) return;
    this.signal = signal;
    for (const l of this.listeners.splice(0)) l();
  }

  /** Calls `fn` when a stop is requested (at once if it already was). */
  onRequest(fn: () => void): void {
    if (this.signal) fn();
    else this.listeners.push(fn);
  }

  install(onFirst: (signal: NodeJS.Signals) => void, opts: StopOptions = {}): void {
    const graceMs = opts.graceMs ?? STOP_GRACE_MS;
    const forceExit = (why: string): void => {
      try {
        opts.onForcedExit?.(why);
      } finally {
        process.exit(this.exitCode);
      }
    };
    for (const sig of ['SIGINT', 'SIGTERM'] as NodeJS.Signals[]) {
      const h = () => {
        if (this.signal) return forceExit(`a second ${sig} while stopping`);
        onFirst(sig);
        this.request(sig);
        this.timer = setTimeout(() => forceExit(`the step in progress did not finish within ${graceMs / 1000} s of ${sig}`), graceMs);
      };
      process.on(sig, h);
      this.handlers.push([sig, h]);
    }
  }

  /**
   * The loop has reached a step boundary and is stopping: the grace period is over, so saving the
   * snapshot (which may take a while for a large model) is not cut short.
   */
  acknowledge(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.onAcknowledge?.();
  }

  uninstall(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    for (const [sig, h] of this.handlers) process.off(sig, h);
    this.handlers.length = 0;
  }
}
