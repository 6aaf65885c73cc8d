// Ctrl-C (and SIGTERM, which the editor sends to stop a run) as a request, not a kill: the training loop
// checks `requested` at every step boundary, saves a resumable snapshot and returns. A second signal while
// stopping ends the process at once (the store stays consistent: every write is atomic).
export class StopRequest {
  signal: NodeJS.Signals | null = null;
  private readonly handlers: Array<[NodeJS.Signals, () => void]> = [];

  get requested(): boolean {
    return this.signal !== null;
  }

  /** Exit code for a stop by this signal (128 + signal number, as shells report it). */
  get exitCode(): number {
    return this.signal === 'SIGTERM' ? 143 : 130;
  }

  install(onFirst: (signal: NodeJS.Signals) => void): void {
    for (const sig of ['SIGINT', 'SIGTERM'] as NodeJS.Signals[]) {
      const h = () => {
        if (this.signal) process.exit(this.exitCode);
        this.signal = sig;
        onFirst(sig);
      };
      process.on(sig, h);
      this.handlers.push([sig, h]);
    }
  }

  uninstall(): void {
    for (const [sig, h] of this.handlers) process.off(sig, h);
    this.handlers.length = 0;
  }
}
