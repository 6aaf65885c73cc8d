// The Runs view (Explorer): the runs of the spec in the active editor with their state — trained (with the
// best result), stale (only an earlier version of the block is stored), running (how far), failed, stopped
// (resumable), not trained — from this spec's results and what the editor is running. Clicking a run opens
// its results; a compare block groups its runs.
import * as vscode from 'vscode';
import type { RunStates } from '../runs/states.js';
import { shortRun } from '../runs/wording.js';
import type { ResultsCache } from './cache.js';
import { runResultText, summariseRun } from './summary.js';

type Item = { kind: 'block'; name: string; blockKind: string; runs: string[] } | { kind: 'run'; name: string; block: string };

export class RunsView implements vscode.TreeDataProvider<Item>, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.emitter.event;
  private spec: vscode.Uri | undefined;
  private readonly subs: vscode.Disposable[];
  /** The view, for its message line (why a spec shows no runs). */
  view: vscode.TreeView<Item> | undefined;

  constructor(
    private readonly cache: ResultsCache,
    private readonly states: RunStates,
  ) {
    const follow = (e: vscode.TextEditor | undefined) => {
      if (e?.document.languageId === 'ptx' && e.document.uri.toString() !== this.spec?.toString()) {
        this.spec = e.document.uri;
        this.emitter.fire();
      }
    };
    follow(vscode.window.activeTextEditor);
    this.subs = [vscode.window.onDidChangeActiveTextEditor(follow), cache.onDidChange(() => this.changed()), states.onDidChange(() => this.changed())];
  }

  private timer: NodeJS.Timeout | undefined;

  /** Progress changes states several times a second: redraw at most twice a second. */
  private changed(): void {
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      this.emitter.fire();
    }, 500);
  }

  async getChildren(parent?: Item): Promise<Item[]> {
    if (!this.spec) return [];
    if (parent?.kind === 'block') return parent.runs.map((name) => ({ kind: 'run', name, block: parent.name }));
    if (parent) return [];
    const data = await this.cache.get(this.spec);
    const name = this.spec.path.split('/').pop();
    if (this.view) {
      this.view.message = !data
        ? `Could not read the results of ${name} (see the PTX Runs log).`
        : data.specErrors
          ? `${name} has ${data.specErrors} error${data.specErrors === 1 ? '' : 's'}: its runs show when it is fixed.`
          : data.blocks.length === 0
            ? `${name} has no pretrain, finetune or compare block yet.`
            : undefined;
      this.view.description = name;
    }
    if (!data) return [];
    return data.blocks
      .filter((b) => b.kind !== 'evaluate')
      .map((b): Item => (b.kind === 'compare' ? { kind: 'block', name: b.name, blockKind: b.kind, runs: b.runs } : { kind: 'run', name: b.name, block: b.name }));
  }

  async getTreeItem(item: Item): Promise<vscode.TreeItem> {
    const spec = this.spec!;
    if (item.kind === 'block') {
      const t = new vscode.TreeItem(item.name, vscode.TreeItemCollapsibleState.Expanded);
      t.description = `compare · ${item.runs.length} runs`;
      t.iconPath = new vscode.ThemeIcon('beaker');
      return t;
    }
    const data = await this.cache.get(spec);
    const s = data ? summariseRun(data, item.name) : undefined;
    const live = this.states.get(spec, item.name);
    const t = new vscode.TreeItem(item.block === item.name ? item.name : shortRun(item.name), vscode.TreeItemCollapsibleState.None);
    t.tooltip = item.name;
    let state: string;
    if (live?.state === 'running') {
      state = 'running';
      t.description = `running ${live.steps ? `${Math.floor((100 * live.step) / live.steps)}%` : ''}`;
      t.iconPath = new vscode.ThemeIcon('sync~spin');
    } else if (live?.state === 'failed') {
      state = 'failed';
      t.description = `failed: ${live.reason}`;
      t.iconPath = new vscode.ThemeIcon('error', new vscode.ThemeColor('errorForeground'));
    } else if (s?.state === 'trained') {
      state = 'trained';
      t.description = runResultText(s);
      t.iconPath = new vscode.ThemeIcon('pass', new vscode.ThemeColor('testing.iconPassed'));
    } else if (live?.state === 'stopped') {
      state = 'stopped';
      t.description = 'stopped: the next run resumes';
      t.iconPath = new vscode.ThemeIcon('debug-pause');
    } else if (s?.state === 'stale') {
      state = 'stale';
      t.description = 'stale: results are of an earlier version';
      t.iconPath = new vscode.ThemeIcon('warning', new vscode.ThemeColor('list.warningForeground'));
    } else {
      state = 'not trained';
      t.description = 'not trained';
      t.iconPath = new vscode.ThemeIcon('circle-outline');
    }
    t.id = `${spec.toString()}#${item.name}`;
    t.accessibilityInformation = { label: `${item.name}: ${state}` };
    t.command = state === 'trained' ? { title: 'Show Results', command: 'ptx.showResults', arguments: [spec.toString()] } : { title: 'Train', command: 'ptx.train', arguments: [spec.toString(), item.block] };
    return t;
  }

  dispose(): void {
    clearTimeout(this.timer);
    for (const s of this.subs) s.dispose();
    this.emitter.dispose();
  }
}
