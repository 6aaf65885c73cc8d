// The spec's results as `ptx report --json` gives them (only this spec's runs, marked current or earlier),
// read once and kept until something can have changed them: the spec saved, or a run of any spec ended
// (specs of a folder share a store, and a run with the same key is every such spec's). The result lenses
// and the Runs view read from here; the panels read fresh data and put it here.
import * as vscode from 'vscode';
import type { ReportData } from '../../../runtime/src/report/data.js';

export class ResultsCache implements vscode.Disposable {
  private readonly entries = new Map<string, Promise<ReportData | null>>();
  private readonly emitter = new vscode.EventEmitter<void>();
  readonly onDidChange = this.emitter.event;

  constructor(
    private readonly load: (spec: vscode.Uri) => Promise<ReportData>,
    private readonly log: (line: string) => void,
  ) {}

  /** The spec's results, or null when they cannot be read (the reason goes to the run log). */
  get(spec: vscode.Uri): Promise<ReportData | null> {
    const key = spec.toString();
    let hit = this.entries.get(key);
    if (!hit) {
      hit = this.load(spec).catch((err: unknown) => {
        this.log(`could not read results for ${spec.fsPath}: ${err instanceof Error ? err.message : String(err)}`);
        return null;
      });
      this.entries.set(key, hit);
    }
    return hit;
  }

  /** Fresh data from the store (the panels), kept for the lenses too. */
  async refresh(spec: vscode.Uri): Promise<ReportData> {
    const p = this.load(spec);
    this.entries.set(spec.toString(), p.catch(() => null));
    const data = await p;
    this.emitter.fire();
    return data;
  }

  invalidate(spec?: vscode.Uri): void {
    if (spec) this.entries.delete(spec.toString());
    else this.entries.clear();
    this.emitter.fire();
  }

  dispose(): void {
    this.emitter.dispose();
  }
}
