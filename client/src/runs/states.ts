// What the editor knows about runs it started, by spec and run name: running (with how far), failed (and
// why), or finished. The Runs view and the result lenses read it; the run manager writes it. Several jobs
// may run at once (one `ptx run` with several jobs, or runs of several specs).
import * as vscode from 'vscode';

export type LiveState = { state: 'running'; step: number; steps: number } | { state: 'failed'; reason: string } | { state: 'stopped'; step?: number };

export class RunStates implements vscode.Disposable {
  private readonly bySpec = new Map<string, Map<string, LiveState>>();
  private readonly emitter = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.emitter.event;

  get(spec: vscode.Uri, run: string): LiveState | undefined {
    return this.bySpec.get(spec.toString())?.get(run);
  }

  set(spec: vscode.Uri, run: string, state: LiveState | undefined): void {
    const key = spec.toString();
    const runs = this.bySpec.get(key) ?? new Map<string, LiveState>();
    if (state) runs.set(run, state);
    else runs.delete(run);
    this.bySpec.set(key, runs);
    this.emitter.fire(spec);
  }

  /** Whether anything of this spec (or of any spec) is running. */
  running(spec?: vscode.Uri): boolean {
    const maps = spec ? [this.bySpec.get(spec.toString())] : [...this.bySpec.values()];
    return maps.some((m) => m && [...m.values()].some((s) => s.state === 'running'));
  }

  dispose(): void {
    this.emitter.dispose();
  }
}
