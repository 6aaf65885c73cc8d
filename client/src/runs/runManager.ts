// Runs from the editor: `ptx run FILE [--only BLOCK] --events` as a child process per run, a progress
// notification with step, loss and time left and a Cancel button (SIGTERM: the runtime stops at the next
// step and saves a resumable snapshot), the log in an output channel, a status bar item with the backend
// and what is running, live loss points to the Results panel, and a failed run's error with a button that
// opens the spec where the problem is. Runs are refused in untrusted workspaces (training executes code
// from node_modules and writes to the workspace).
import type { ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Panels } from '../panels/panels.js';
import { LineSplitter, parseEvent, type RangeJson, type RunEvent } from './events.js';
import { formatEta } from './format.js';
import { spawnCli } from './process.js';

export type RunCommand = 'train' | 'evaluate' | 'compare' | 'file';

export interface RunRequest {
  command: RunCommand;
  uri: vscode.Uri;
  /** The block to run (`--only`), or undefined for the whole file. */
  block?: string;
}

interface ActiveRun {
  key: string;
  store: string;
  label: string;
  child: ChildProcess;
  cancelled: boolean;
  current: string;
}

/** Exit codes of `ptx run` (runtime/src/commands/run.ts). */
const STOPPED = new Set([130, 143]);

export class RunManager implements vscode.Disposable {
  private readonly active = new Map<string, ActiveRun>();
  private readonly output: vscode.OutputChannel;
  private readonly status: vscode.StatusBarItem;
  private backend = '';

  constructor(
    private readonly cli: string,
    private readonly panels: Panels,
  ) {
    this.output = vscode.window.createOutputChannel('PTX Runs');
    this.status = vscode.window.createStatusBarItem('ptx.runs', vscode.StatusBarAlignment.Left, 20);
    this.status.name = 'PTX runs';
    this.status.command = 'ptx.showRunLog';
    this.updateStatus();
  }

  log(line: string): void {
    this.output.appendLine(line);
  }

  showLog(): void {
    this.output.show(true);
  }

  updateStatus(): void {
    const configured = vscode.workspace.getConfiguration('ptx').get<string>('backend', 'auto');
    const backend = this.backend || configured;
    if (!vscode.workspace.isTrusted) {
      this.status.text = '$(shield) PTX: runs off';
      this.status.tooltip = 'PTX Lab: runs are disabled until you trust this workspace (editing features work).';
    } else if (this.active.size) {
      const runs = [...this.active.values()];
      this.status.text = `$(sync~spin) PTX ${backend}: ${runs.map((r) => r.current).join(', ')}`;
      this.status.tooltip = `PTX Lab: running ${runs.map((r) => r.label).join(', ')} on the ${backend} backend. Click for the log.`;
    } else {
      this.status.text = `$(beaker) PTX: ${backend}`;
      this.status.tooltip = `PTX Lab: backend ${backend}${this.backend ? '' : ' (setting ptx.backend)'}. Click for the run log.`;
    }
    this.status.show();
  }

  private storeOf(uri: vscode.Uri): { cwd: string; store: string; setting: string } {
    const folder = vscode.workspace.getWorkspaceFolder(uri);
    const cwd = folder?.uri.fsPath ?? path.dirname(uri.fsPath);
    const setting = vscode.workspace.getConfiguration('ptx', uri).get<string>('storeDirectory', '');
    return { cwd, setting, store: setting ? path.resolve(cwd, setting) : path.join(path.dirname(uri.fsPath), '.ptx') };
  }

  /** Whether runs may start; explains why not when they may not. */
  private trusted(): boolean {
    if (vscode.workspace.isTrusted) return true;
    void vscode.window
      .showWarningMessage(
        'PTX: runs are disabled in an untrusted workspace, because training loads code and writes results into the workspace. Editing features (diagnostics, completion, hovers) keep working.',
        'Manage Workspace Trust',
      )
      .then((pick) => {
        if (pick) void vscode.commands.executeCommand('workbench.trust.manage');
      });
    return false;
  }

  /** Saves the spec when it has unsaved changes (the run reads the file on disk). */
  private async saved(uri: vscode.Uri): Promise<boolean> {
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    if (!doc?.isDirty) return true;
    if (await doc.save()) return true;
    const pick = await vscode.window.showWarningMessage(`PTX: ${path.basename(uri.fsPath)} could not be saved. Run the version on disk?`, 'Run Anyway', 'Cancel');
    return pick === 'Run Anyway';
  }

  async start(req: RunRequest): Promise<number | undefined> {
    if (!this.trusted()) return undefined;
    const key = `${req.uri.toString()}#${req.block ?? '*'}`;
    // An unnamed evaluate block is called `evaluate`: "evaluate", not "evaluate evaluate".
    const verb = req.command === 'file' ? 'run' : req.command;
    const label = req.block === verb ? verb : `${verb} ${req.block ?? path.basename(req.uri.fsPath)}`;
    if (this.active.has(key)) {
      void vscode.window.showInformationMessage(`PTX: ${label} is already running.`);
      return undefined;
    }
    const { cwd, store, setting } = this.storeOf(req.uri);
    // The runtime allows one run per store (a lock file); say so here instead of starting a run that fails.
    const busy = [...this.active.values()].find((r) => r.store === store);
    if (busy) {
      const pick = await vscode.window.showWarningMessage(`PTX: ${busy.label} is still running in the same results store; wait for it or cancel it.`, `Cancel ${busy.label}`);
      if (pick) this.cancel(busy);
      return undefined;
    }
    if (!(await this.saved(req.uri))) return undefined;

    const args = ['run', req.uri.fsPath, '--events'];
    if (req.block) args.push('--only', req.block);
    const backend = vscode.workspace.getConfiguration('ptx', req.uri).get<string>('backend', 'auto');
    if (backend !== 'auto') args.push('--backend', backend);
    this.output.appendLine(`\n[${new Date().toLocaleTimeString()}] ptx ${args.join(' ')}`);
    const child = spawnCli({ cli: this.cli, args, cwd, ...(setting ? { store: setting } : {}) });
    const run: ActiveRun = { key, store, label, child, cancelled: false, current: label };
    this.active.set(key, run);
    this.updateStatus();
    // The live loss curves go to the Results panel, opened beside the spec without taking the focus.
    void this.panels.show('results', req.uri);
    try {
      return await this.watch(run, req);
    } finally {
      this.active.delete(key);
      this.updateStatus();
    }
  }

  private cancel(run: ActiveRun): void {
    if (run.cancelled) return;
    run.cancelled = true;
    this.output.appendLine(`cancelling ${run.label}: the run stops at the next step and keeps a resumable snapshot`);
    run.child.kill('SIGTERM');
  }

  private watch(run: ActiveRun, req: RunRequest): Promise<number> {
    const title = `PTX: ${run.label}`;
    return new Promise<number>((resolveRun) => {
      void vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, (progress, token) => {
        token.onCancellationRequested(() => {
          progress.report({ message: 'stopping at the next step…' });
          this.cancel(run);
        });
        let diagnostics: Extract<RunEvent, { event: 'diagnostics' }>['diagnostics'] = [];
        const errors: Array<{ message: string; run?: string }> = [];
        let withAttention = false;
        let lastFraction = 0;
        let done: Extract<RunEvent, { event: 'done' }> | null = null;
        const onEvent = (e: RunEvent): void => {
          switch (e.event) {
            case 'diagnostics':
              diagnostics = e.diagnostics;
              for (const d of e.diagnostics) this.output.appendLine(`${path.basename(d.file)}:${d.range.start.line + 1}:${d.range.start.character + 1}: ${d.severity} ${d.code}: ${d.message}`);
              break;
            case 'backend':
              this.backend = e.name;
              this.output.appendLine(`backend: ${e.name}${e.skipped.length ? ` (skipped ${e.skipped.join('; ')})` : ''}`);
              break;
            case 'info':
              this.output.appendLine(e.message);
              break;
            case 'job-start': {
              const what = e.kind === 'train' ? `training ${e.run}` : `evaluating ${e.run} on ${e.task ?? '?'}`;
              run.current = e.kind === 'train' ? `training ${e.run}` : `evaluating ${e.run}`;
              lastFraction = 0;
              progress.report({ message: what });
              this.output.appendLine(`${what}${e.steps ? ` (${e.steps} steps${e.trainable !== undefined ? `, ${e.trainable.toLocaleString('en-US')} trainable params` : ''}${e.resumedFrom ? `, resuming at step ${e.resumedFrom}` : ''})` : ''}`);
              this.updateStatus();
              break;
            }
            case 'progress': {
              const fraction = e.step / Math.max(1, e.steps);
              const loss = Number.isFinite(e.loss) ? e.loss.toFixed(4) : String(e.loss);
              const message = `${e.run}: step ${e.step}/${e.steps} · loss ${loss}${e.step < e.steps ? ` · ${formatEta(e.etaSeconds)}` : ''}`;
              progress.report({ message, increment: Math.max(0, (fraction - lastFraction) * 100) });
              lastFraction = fraction;
              run.current = `${e.run} ${Math.floor(fraction * 100)}%`;
              this.updateStatus();
              this.panels.live(req.uri, { type: 'live', run: e.run, step: e.step, steps: e.steps, loss: Number.isFinite(e.loss) ? e.loss : NaN });
              break;
            }
            case 'job-end': {
              const label = e.kind === 'train' ? e.run : `${e.run} on ${e.task ?? '?'}`;
              const text: Record<typeof e.status, string> = {
                done: `  done in ${e.seconds.toFixed(1)}s${e.finalLoss !== undefined && e.finalLoss !== null ? `, final loss ${e.finalLoss.toFixed(4)}` : ''}`,
                cached: `${label}: up to date`,
                failed: `${label}: failed${e.reason ? ` (${e.reason})` : ''}`,
                stopped: `${label}: stopped ${e.reason ?? ''}`,
                skipped: `${label}: skipped (${e.reason ?? ''})`,
              };
              this.output.appendLine(text[e.status]);
              if (e.kind === 'train') this.panels.live(req.uri, { type: 'live-end', run: e.run });
              break;
            }
            case 'result':
              if (e.attention) withAttention = true;
              this.output.appendLine(`  ${e.run} on ${e.task}: exact ${(100 * e.exact).toFixed(1)}%, per-token ${(100 * e.perToken).toFixed(1)}% (${e.samples} samples)`);
              break;
            case 'error':
              errors.push({ message: e.message, ...(e.run ? { run: e.run } : {}) });
              this.output.appendLine(`error: ${e.run ? `${e.run}: ` : ''}${e.message}`);
              break;
            case 'done':
              done = e;
              break;
          }
        };
        const splitter = new LineSplitter();
        const feed = (lines: string[]) => {
          for (const line of lines) {
            const e = parseEvent(line);
            if (e) onEvent(e);
            else this.output.appendLine(line);
          }
        };
        run.child.stdout!.setEncoding('utf8').on('data', (d: string) => feed(splitter.push(d)));
        run.child.stderr!.setEncoding('utf8').on('data', (d: string) => this.output.append(d));
        return new Promise<void>((resolveProgress) => {
          const finish = (code: number) => {
            feed(splitter.flush());
            resolveProgress();
            resolveRun(code);
            void this.afterRun(req, run, code, { done, diagnostics, errors, withAttention });
          };
          run.child.on('error', (err) => {
            this.output.appendLine(`could not start the runtime: ${err.message}`);
            finish(-1);
          });
          run.child.on('close', (code, signal) => finish(code ?? (signal === 'SIGTERM' ? 143 : 1)));
        });
      });
    });
  }

  private async afterRun(
    req: RunRequest,
    run: ActiveRun,
    code: number,
    r: { done: Extract<RunEvent, { event: 'done' }> | null; diagnostics: Array<{ file: string; range: RangeJson; severity: string; message: string }>; errors: Array<{ message: string; run?: string }>; withAttention: boolean },
  ): Promise<void> {
    this.output.appendLine(`[${new Date().toLocaleTimeString()}] ${run.label}: exit ${code}`);
    await this.panels.refresh(req.uri);
    if (code === 0) {
      const d = r.done;
      const summary = d ? `${d.trained} trained, ${d.evaluated} evaluated, ${d.cached} up to date` : 'done';
      void vscode.window.showInformationMessage(`PTX: ${run.label} finished (${summary}).`, 'Show Results').then((pick) => {
        if (pick) void this.panels.show('results', req.uri, undefined, false);
      });
      if (r.withAttention && (req.command === 'evaluate' || this.panels.isOpen('attention'))) await this.panels.show('attention', req.uri);
      return;
    }
    if (STOPPED.has(code) || run.cancelled) {
      void vscode.window.showInformationMessage(`PTX: ${run.label} stopped; its snapshot is saved and the next run resumes from it.`);
      return;
    }
    // A failure: the first spec error, or the block of the run that failed, is where the button goes.
    const specError = r.diagnostics.find((d) => d.severity === 'error');
    const failedRun = r.errors.find((e) => e.run)?.run;
    const message = specError ? `${specError.message}` : (r.errors[r.errors.length - 1]?.message ?? `the runtime exited with code ${code}; see the PTX Runs log`);
    const pick = await vscode.window.showErrorMessage(`PTX: ${run.label} failed: ${message}`, 'Open Spec', 'Show Log');
    if (pick === 'Show Log') this.showLog();
    if (pick !== 'Open Spec') return;
    const range = specError ? toRange(specError.range) : await blockRange(req.uri, failedRun ?? req.block);
    const editor = await vscode.window.showTextDocument(req.uri, { preview: false, ...(range ? { selection: range } : {}) });
    if (range) editor.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  }

  /** Stops every run (window closing or extension deactivating). */
  dispose(): void {
    for (const run of this.active.values()) this.cancel(run);
    this.active.clear();
    this.output.dispose();
    this.status.dispose();
  }
}

function toRange(r: RangeJson): vscode.Range {
  return new vscode.Range(r.start.line, r.start.character, r.end.line, r.end.character);
}

/** Where a block is declared: a compare block's runs are named `<compare>/<method>/seed<n>`. */
async function blockRange(uri: vscode.Uri, run: string | undefined): Promise<vscode.Range | undefined> {
  if (!run) return undefined;
  const name = run.split('/')[0]!;
  const symbols = (await vscode.commands.executeCommand<vscode.DocumentSymbol[]>('vscode.executeDocumentSymbolProvider', uri)) ?? [];
  const s = symbols.find((x) => x.name === name);
  return s ? s.selectionRange : undefined;
}
