// The Results and Attention panels: one of each, opened beside the spec the first time and from then on
// reused where the user put it, showing the results of the spec they were last opened for (only that
// spec's runs: `ptx report` filters the shared store). Data comes from `ptx report FILE --json` (the runtime reads its own store; the
// extension only talks to it through the process boundary); live loss points come from the run manager.
// A serializer brings both panels back after a window reload, from the state the view saved.
import { writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ReportData } from '../../../runtime/src/report/data.js';
import { parseState, parseViewMessage, type HostMessage, type ViewKind, type ViewMessage } from '../../webview/messages.js';
import { panelHtml, webviewOptions } from './html.js';

export const VIEW_TYPES: Record<ViewKind, string> = { results: 'ptx.results', attention: 'ptx.attention' };
const TITLES: Record<ViewKind, string> = { results: 'Results', attention: 'Attention' };

export type LoadData = (specUri: vscode.Uri) => Promise<ReportData>;

class ViewPanel {
  private ready = false;
  private queue: HostMessage[] = [];
  specUri: vscode.Uri | null = null;
  /** Where the view should be when its data arrives (a run to show). */
  focus: { run?: string; view?: ViewKind } | undefined;

  constructor(
    readonly kind: ViewKind,
    readonly panel: vscode.WebviewPanel,
    private readonly owner: Panels,
  ) {
    panel.webview.html = panelHtml(panel.webview, owner.extensionUri, kind);
    panel.iconPath = vscode.Uri.joinPath(owner.extensionUri, 'client', 'media', 'icon.png');
    panel.onDidDispose(() => owner.forget(this));
    panel.webview.onDidReceiveMessage((raw: unknown) => {
      const msg = parseViewMessage(raw);
      if (!msg) {
        owner.log(`ignored a malformed message from the ${kind} panel`);
        return;
      }
      void this.onMessage(msg);
    });
    // A hidden webview is discarded (retainContextWhenHidden is off); shown again, it reloads and says ready.
    panel.onDidChangeViewState(() => {
      if (!panel.visible) this.ready = false;
    });
  }

  post(msg: HostMessage): void {
    if (this.ready) void this.panel.webview.postMessage(msg);
    else if (msg.type !== 'live') this.queue.push(msg);
  }

  async reload(): Promise<void> {
    if (!this.specUri) return;
    try {
      const data = await this.owner.loadData(this.specUri);
      this.queue = this.queue.filter((m) => m.type !== 'data');
      this.post({ type: 'data', data, specUri: this.specUri.toString(), ...(this.focus ? { focus: this.focus } : {}) });
      this.focus = undefined;
    } catch (err) {
      this.owner.log(`could not read results for ${this.specUri.fsPath}: ${err instanceof Error ? err.message : String(err)}`);
      void vscode.window.showErrorMessage(`PTX: could not read the results: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  private async onMessage(msg: ViewMessage): Promise<void> {
    switch (msg.type) {
      case 'ready': {
        // A (re)loaded page: what was queued for it, and the store's data unless that is among it.
        this.ready = true;
        const queued = this.queue;
        this.queue = [];
        for (const m of queued) void this.panel.webview.postMessage(m);
        if (!queued.some((m) => m.type === 'data')) await this.reload();
        return;
      }
      case 'refresh':
        return this.reload();
      case 'open-attention':
        if (this.specUri) await this.owner.show('attention', this.specUri, { run: msg.run });
        return;
      case 'run-spec':
        if (this.specUri) await vscode.commands.executeCommand('ptx.runFile', this.specUri.toString());
        return;
      case 'export':
        return this.owner.saveExport(msg, this.specUri);
    }
  }
}

export class Panels implements vscode.Disposable {
  private readonly panels = new Map<ViewKind, ViewPanel>();
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    readonly extensionUri: vscode.Uri,
    readonly loadData: LoadData,
    readonly log: (line: string) => void,
  ) {
    for (const kind of ['results', 'attention'] as const) {
      this.disposables.push(
        vscode.window.registerWebviewPanelSerializer(VIEW_TYPES[kind], {
          deserializeWebviewPanel: async (panel: vscode.WebviewPanel, state: unknown) => {
            const s = parseState(state, kind);
            panel.webview.options = webviewOptions(extensionUri);
            const view = this.adopt(kind, panel);
            view.specUri = s.specUri ? vscode.Uri.parse(s.specUri) : null;
          },
        }),
      );
    }
  }

  private adopt(kind: ViewKind, panel: vscode.WebviewPanel): ViewPanel {
    const old = this.panels.get(kind);
    if (old && old.panel !== panel) old.panel.dispose();
    const view = new ViewPanel(kind, panel, this);
    this.panels.set(kind, view);
    return view;
  }

  forget(view: ViewPanel): void {
    if (this.panels.get(view.kind) === view) this.panels.delete(view.kind);
  }

  isOpen(kind: ViewKind): boolean {
    return this.panels.has(kind);
  }

  /** Whether the panel is on screen showing this spec. */
  isVisible(kind: ViewKind, specUri: vscode.Uri): boolean {
    const v = this.panels.get(kind);
    return !!v && v.panel.visible && v.specUri?.toString() === specUri.toString();
  }

  /**
   * A run of this spec has started training: the Results panel shows it. Opened beside the spec when there
   * is none; an open one is switched to this spec and brought forward in its own editor group, without
   * taking the focus, and left where the user put it.
   */
  async showForRun(specUri: vscode.Uri): Promise<void> {
    const view = this.panels.get('results');
    if (view && view.specUri?.toString() === specUri.toString()) {
      if (!view.panel.visible) view.panel.reveal(view.panel.viewColumn, true);
      return;
    }
    await this.show('results', specUri);
  }

  /** Opens (or reveals) a panel beside the editor for a spec, optionally showing one run. */
  async show(kind: ViewKind, specUri: vscode.Uri, focus?: { run?: string }, preserveFocus = true): Promise<void> {
    let view = this.panels.get(kind);
    if (!view) {
      const panel = vscode.window.createWebviewPanel(VIEW_TYPES[kind], TITLES[kind], { viewColumn: vscode.ViewColumn.Beside, preserveFocus }, webviewOptions(this.extensionUri));
      view = this.adopt(kind, panel);
    } else {
      view.panel.reveal(view.panel.viewColumn, preserveFocus);
    }
    view.specUri = specUri;
    view.panel.title = `${TITLES[kind]} · ${path.basename(specUri.fsPath)}`;
    view.focus = focus?.run ? { run: focus.run, view: kind } : undefined;
    await view.reload();
  }

  /** New results in the store of this spec: panels showing it read it again. */
  async refresh(specUri: vscode.Uri): Promise<void> {
    await Promise.all([...this.panels.values()].filter((v) => v.specUri?.toString() === specUri.toString()).map((v) => v.reload()));
  }

  live(specUri: vscode.Uri, msg: Extract<HostMessage, { type: 'live' | 'live-end' }>): void {
    const view = this.panels.get('results');
    if (view && view.specUri?.toString() === specUri.toString()) view.post(msg);
  }

  async saveExport(msg: Extract<ViewMessage, { type: 'export' }>, specUri: vscode.Uri | null): Promise<void> {
    const folder = specUri ? vscode.Uri.joinPath(specUri, '..') : vscode.workspace.workspaceFolders?.[0]?.uri;
    const target = await vscode.window.showSaveDialog({
      ...(folder ? { defaultUri: vscode.Uri.joinPath(folder, msg.name) } : {}),
      filters: msg.format === 'svg' ? { 'SVG image': ['svg'] } : { 'PNG image': ['png'] },
      saveLabel: `Save ${msg.format.toUpperCase()}`,
    });
    if (!target) return;
    const bytes = msg.format === 'svg' ? Buffer.from(msg.content, 'utf8') : Buffer.from(msg.content.slice(msg.content.indexOf(',') + 1), 'base64');
    await writeFile(target.fsPath, bytes);
    this.log(`saved ${target.fsPath} (${bytes.length} bytes)`);
    void vscode.window.showInformationMessage(`PTX: saved ${path.basename(target.fsPath)}`);
  }

  dispose(): void {
    for (const v of this.panels.values()) v.panel.dispose();
    this.panels.clear();
    for (const d of this.disposables) d.dispose();
  }
}
