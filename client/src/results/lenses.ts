// Result lenses beside the server's run lenses, from this spec's results only (its runs' store keys as
// the spec is now, via `ptx report --json`): "✓ asc 99.6% · 6 s" (opens Results), "stale: results are of
// an earlier version" (trains again), "training 40%" or "✗ failed" while the editor runs it, and "Show
// attention" where a current run recorded attention. Nothing for blocks never trained.
import * as vscode from 'vscode';
import type { RunStates } from '../runs/states.js';
import type { ResultsCache } from './cache.js';
import { blockResultText } from './summary.js';

export class ResultLenses implements vscode.CodeLensProvider, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.emitter.event;
  private readonly subs: vscode.Disposable[];

  constructor(
    private readonly cache: ResultsCache,
    private readonly states: RunStates,
  ) {
    this.subs = [cache.onDidChange(() => this.changed()), states.onDidChange(() => this.changed())];
  }

  private timer: NodeJS.Timeout | undefined;

  /**
   * At most one refresh a second: progress changes states several times a second, and VS Code postpones
   * lens updates while change events keep coming, so unthrottled the "training n%" lens would never show.
   */
  private changed(): void {
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      this.emitter.fire();
    }, 1000);
  }

  async provideCodeLenses(doc: vscode.TextDocument): Promise<vscode.CodeLens[]> {
    if (doc.uri.scheme !== 'file') return [];
    const [data, symbols] = await Promise.all([
      this.cache.get(doc.uri),
      vscode.commands.executeCommand<vscode.DocumentSymbol[] | undefined>('vscode.executeDocumentSymbolProvider', doc.uri).then((s) => s ?? [], () => []),
    ]);
    if (!data) return [];
    const uri = doc.uri.toString();
    const lenses: vscode.CodeLens[] = [];
    for (const block of data.blocks) {
      const sym = symbols.find((s) => s.name === block.name && s.detail === block.kind);
      if (!sym) continue;
      const at = new vscode.Range(sym.range.start, sym.range.start);
      const live = block.runs.map((r) => this.states.get(doc.uri, r)).filter((s) => s !== undefined);
      const running = live.filter((s) => s.state === 'running');
      if (running.length) {
        const step = running.reduce((a, s) => a + s.step, 0);
        const steps = running.reduce((a, s) => a + s.steps, 0);
        lenses.push(new vscode.CodeLens(at, { title: `$(sync~spin) training${steps ? ` ${Math.floor((100 * step) / steps)}%` : '…'}`, command: 'ptx.stop', arguments: [uri], tooltip: 'Running: click to stop (the next run resumes from its snapshot)' }));
        continue;
      }
      const failed = live.find((s) => s.state === 'failed');
      if (failed && failed.state === 'failed') {
        lenses.push(new vscode.CodeLens(at, { title: '✗ failed', command: 'ptx.showRunLog', tooltip: failed.reason }));
        continue;
      }
      const r = blockResultText(data, block);
      if (r) {
        const cmd =
          r.state === 'stale'
            ? { title: r.text, command: block.kind === 'compare' ? 'ptx.compare' : 'ptx.train', arguments: [uri, block.name], tooltip: 'The block changed since these results: train it again' }
            : { title: r.text, command: 'ptx.showResults', arguments: [uri], tooltip: 'Show the Results panel' };
        lenses.push(new vscode.CodeLens(at, cmd));
      }
      if (r?.attention || (block.kind === 'evaluate' && blockResultText(data, { ...block, kind: 'compare' })?.attention)) {
        lenses.push(new vscode.CodeLens(at, { title: 'Show attention', command: 'ptx.showAttention', arguments: [uri, block.name] }));
      }
    }
    return lenses;
  }

  dispose(): void {
    clearTimeout(this.timer);
    for (const s of this.subs) s.dispose();
    this.emitter.dispose();
  }
}
