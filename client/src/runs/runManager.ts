// Runs from the editor: `ptx run FILE [--only BLOCK] --events` as a child process per run, a progress
// notification with step, loss and time left and a Cancel button (SIGTERM: the runtime stops at the next
// step and saves a resumable snapshot), the log in an output channel in a user's words (wording.ts), a
// status bar item with the backend and what is running (short run names), live loss points to the Results
// panel (opened once, then reused where the user put it), the state of each run for the Runs view and the
// result lenses (states.ts), and a failed run's error with a button that opens the spec where the problem
// is. Progress is tracked per job, so a `ptx run` running several jobs at once reads right. A run asked for
// while another uses the same store waits for it (the runtime allows one run per store). Runs are refused
// in untrusted workspaces (training executes code from node_modules and writes to the workspace).
import type { ChildProcess } from 'node:child_process';
import { availableParallelism } from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Panels } from '../panels/panels.js';
import { LineSplitter, parseEvent, type RangeJson, type RunEvent } from './events.js';
import { formatEta } from './format.js';
import { storeDirectorySetting } from '../settings.js';
import { spawnCli } from './process.js';
import type { RunStates } from './states.js';
import { backendLine, backendName, exitLine, infoLine, isStopped, shortRun } from './wording.js';

export type RunCommand = 'train' | 'evaluate' | 'compare' | 'file';

export interface RunRequest {
  command: RunCommand;
  uri: vscode.Uri;
  /** The block to run (`--only`), or undefined for the whole file. */
  block?: string;
}

interface ActiveRun {
  key: string;
  uri: vscode.Uri;
  store: string;
  label: string;
  child: ChildProcess;
  cancelled: boolean;
  /** Jobs training or evaluating now, by job id. */
  jobs: Map<string, { run: string; kind: 'train' | 'evaluate'; step: number; steps: number; resumedFrom?: number }>;
}

export class RunManager implements vscode.Disposable {
  private readonly active = new Map<string, ActiveRun>();
  private readonly output: vscode.OutputChannel;
  private readonly status: vscode.StatusBarItem;
  private backend = '';
  private readonly finished = new vscode.EventEmitter<vscode.Uri>();
  /** A run of this spec ended (the store may hold new results). */
  readonly onDidFinish = this.finished.event;

  constructor(
    private readonly cli: string,
    private readonly panels: Panels,
    private readonly states: RunStates,
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
      const jobs = runs.flatMap((r) => [...r.jobs.values()]);
      // Short: one job by its short name and percentage, several by their count.
      const what =
        jobs.length === 1
          ? `${shortRun(jobs[0]!.run)}${jobs[0]!.steps ? ` ${Math.floor((100 * jobs[0]!.step) / jobs[0]!.steps)}%` : ''}`
          : jobs.length > 1
            ? `${jobs.length} jobs`
            : runs.length === 1
              ? runs[0]!.label
              : `${runs.length} runs`;
      this.status.text = `$(sync~spin) PTX: ${what}`;
      this.status.tooltip = `PTX Lab: ${jobs.length ? jobs.map((j) => `${j.kind === 'train' ? 'training' : 'evaluating'} ${j.run}`).join(', ') : runs.map((r) => r.label).join(', ')} on ${backendName(backend)}. Click for the log; PTX: Stop stops it.`;
    } else {
      this.status.text = `$(beaker) PTX: ${backend}`;
      this.status.tooltip = `PTX Lab: backend ${backendName(backend)}${this.backend ? '' : ' (setting ptx.backend)'}. Click for the run log.`;
    }
    void vscode.commands.executeCommand('setContext', 'ptx.running', this.active.size > 0);
    this.status.show();
  }

  /** Whether runs of this spec (any spec when undefined) are going on. */
  isRunning(uri?: vscode.Uri): boolean {
    return [...this.active.values()].some((r) => !uri || r.uri.toString() === uri.toString());
  }

  /** Stops the runs of a spec (all runs when undefined); each keeps a resumable snapshot. */
  stop(uri?: vscode.Uri): number {
    const runs = [...this.active.values()].filter((r) => !uri || r.uri.toString() === uri.toString());
    for (const r of runs) this.cancel(r);
    return runs.length;
  }

  private storeOf(uri: vscode.Uri): { cwd: string; store: string; setting: string } {
    const folder = vscode.workspace.getWorkspaceFolder(uri);
    const cwd = folder?.uri.fsPath ?? path.dirname(uri.fsPath);
    const setting = storeDirectorySetting(uri);
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
    // The runtime allows one run per store (a lock file): wait for the run using it, in a notification
    // that goes away by itself when the wait ends (and whose Cancel drops this request).
    if (!(await this.waitForStore(store, label))) return undefined;
    if (this.active.has(key)) return undefined;
    if (!(await this.saved(req.uri))) return undefined;

    const args = ['run', req.uri.fsPath, '--events'];
    if (req.block) args.push('--only', req.block);
    const backend = vscode.workspace.getConfiguration('ptx', req.uri).get<string>('backend', 'auto');
    if (backend !== 'auto') args.push('--backend', backend);
    // ptx.jobs: independent runs at once (worker processes); 0 is one per core, as the CLI's default.
    const jobs = Math.floor(vscode.workspace.getConfiguration('ptx', req.uri).get<number>('jobs', 0));
    args.push('--jobs', String(jobs > 0 ? jobs : availableParallelism()));
    this.output.appendLine(`\n[${new Date().toLocaleTimeString()}] ptx ${args.join(' ')}`);
    const child = spawnCli({ cli: this.cli, args, cwd, ...(setting ? { store: setting } : {}) });
    const run: ActiveRun = { key, uri: req.uri, store, label, child, cancelled: false, jobs: new Map() };
    this.active.set(key, run);
    this.updateStatus();
    try {
      return await this.watch(run, req);
    } finally {
      this.active.delete(key);
      this.updateStatus();
      this.finished.fire(req.uri);
    }
  }

  /** Waits while another run of the editor uses `store`; false when the user gave up waiting. */
  private async waitForStore(store: string, label: string): Promise<boolean> {
    const busy = () => [...this.active.values()].find((r) => r.store === store);
    if (!busy()) return true;
    return vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `PTX: ${label}`, cancellable: true },
      (progress, token) =>
        new Promise<boolean>((resolve) => {
          const tick = () => {
            if (token.isCancellationRequested) return resolve(false);
            const b = busy();
            if (!b) return resolve(true);
            progress.report({ message: `waits for ${b.label} to finish (same results store)` });
            setTimeout(tick, 250);
          };
          tick();
        }),
    );
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
        let shown = false;
        let done: Extract<RunEvent, { event: 'done' }> | null = null;
        /** The notification's line: the one job running, or how many are and how far each is. */
        const report = (increment?: number, single?: string): void => {
          const jobs = [...run.jobs.values()];
          const message =
            jobs.length > 1
              ? jobs.map((j) => `${shortRun(j.run)} ${j.steps ? `${Math.floor((100 * j.step) / j.steps)}%` : '…'}`).join(' · ')
              : (single ?? (jobs[0] ? `${jobs[0].kind === 'train' ? 'training' : 'evaluating'} ${shortRun(jobs[0].run)}` : ''));
          progress.report({ message, ...(increment !== undefined && jobs.length <= 1 ? { increment } : {}) });
        };
        const onEvent = (e: RunEvent): void => {
          switch (e.event) {
            case 'diagnostics':
              diagnostics = e.diagnostics;
              for (const d of e.diagnostics) this.output.appendLine(`${path.basename(d.file)}:${d.range.start.line + 1}:${d.range.start.character + 1}: ${d.severity} ${d.code}: ${d.message}`);
              break;
            case 'backend':
              this.backend = e.name;
              this.output.appendLine(backendLine(e.name, e.skipped));
              break;
            case 'info':
              {
                const line = infoLine(e.message);
                if (line !== null) this.output.appendLine(line);
              }
              break;
            case 'job-start': {
              const what = e.kind === 'train' ? `training ${e.run}` : `evaluating ${e.run} on ${e.task ?? '?'}`;
              run.jobs.set(e.id, { run: e.run, kind: e.kind, step: e.resumedFrom ?? 0, steps: e.steps ?? 0, ...(e.resumedFrom ? { resumedFrom: e.resumedFrom } : {}) });
              if (e.kind === 'train') this.states.set(req.uri, e.run, { state: 'running', step: e.resumedFrom ?? 0, steps: e.steps ?? 0 });
              lastFraction = e.resumedFrom && e.steps ? e.resumedFrom / e.steps : 0;
              // A stopped run picks up where it stopped: say so, and start the bar there.
              if (e.resumedFrom && e.steps) report(100 * lastFraction, `${shortRun(e.run)}: resuming at step ${e.resumedFrom}/${e.steps}`);
              else report();
              this.output.appendLine(`${what}${e.steps ? ` (${e.steps} steps${e.trainable !== undefined ? `, ${e.trainable.toLocaleString('en-US')} trainable params` : ''}${e.resumedFrom ? `, resuming at step ${e.resumedFrom}` : ''})` : ''}`);
              this.updateStatus();
              break;
            }
            case 'progress': {
              const fraction = e.step / Math.max(1, e.steps);
              const loss = Number.isFinite(e.loss) ? e.loss.toFixed(4) : String(e.loss);
              const job = run.jobs.get(e.id) ?? { run: e.run, kind: 'train' as const, step: 0, steps: e.steps };
              job.step = e.step;
              job.steps = e.steps;
              run.jobs.set(e.id, job);
              const resumed = job.resumedFrom ? ` · resumed at ${job.resumedFrom}` : '';
              report(Math.max(0, (fraction - lastFraction) * 100), `${shortRun(e.run)}: step ${e.step}/${e.steps} · loss ${loss}${e.step < e.steps ? ` · ${formatEta(e.etaSeconds)}` : ''}${resumed}`);
              lastFraction = fraction;
              this.states.set(req.uri, e.run, { state: 'running', step: e.step, steps: e.steps });
              this.updateStatus();
              // The first step of a run brings the Results panel (opened once, then reused where it is).
              if (!shown) {
                shown = true;
                void this.panels.showForRun(req.uri);
              }
              this.panels.live(req.uri, { type: 'live', run: e.run, step: e.step, steps: e.steps, loss: Number.isFinite(e.loss) ? e.loss : NaN });
              break;
            }
            case 'job-end': {
              run.jobs.delete(e.id);
              if (e.kind === 'train') {
                const state = e.status === 'failed' ? { state: 'failed' as const, reason: e.reason ?? 'failed' } : e.status === 'stopped' ? { state: 'stopped' as const } : undefined;
                this.states.set(req.uri, e.run, state);
              }
              this.updateStatus();
              const label = e.kind === 'train' ? e.run : `${e.run} on ${e.task ?? '?'}`;
              const text: Record<typeof e.status, string> = {
                done: `  done in ${e.seconds.toFixed(1)}s${e.finalLoss !== undefined && e.finalLoss !== null ? `, final loss ${e.finalLoss.toFixed(4)}` : ''}`,
                cached: `${label}: up to date`,
                failed: `${label}: failed${e.reason ? ` (${e.reason})` : ''}`,
                stopped: `${label}: stopped${e.reason ? ` ${e.reason}` : ''}; the next run resumes from here`,
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
          run.child.on('close', (code, signal) => {
            // Jobs the runtime did not end (it was killed) are no longer running.
            for (const j of run.jobs.values()) if (j.kind === 'train') this.states.set(req.uri, j.run, { state: 'stopped', step: j.step });
            run.jobs.clear();
            finish(code ?? (signal === 'SIGTERM' ? 143 : 1));
          });
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
    this.output.appendLine(`[${new Date().toLocaleTimeString()}] ${exitLine(run.label, code, run.cancelled)}`);
    await this.panels.refresh(req.uri);
    if (code === 0) {
      const d = r.done;
      const summary = d ? `${d.trained} trained, ${d.evaluated} evaluated, ${d.cached} up to date` : 'done';
      // With the Results panel in view, the result is on screen: a status bar message instead of a toast
      // over the panel's legend; otherwise a notification that brings the panel.
      if (this.panels.isVisible('results', req.uri)) vscode.window.setStatusBarMessage(`$(check) PTX: ${run.label} finished (${summary})`, 10_000);
      else {
        void vscode.window.showInformationMessage(`PTX: ${run.label} finished (${summary}).`, 'Show Results').then((pick) => {
          if (pick) void this.panels.show('results', req.uri, undefined, false);
        });
      }
      if (r.withAttention && (req.command === 'evaluate' || this.panels.isOpen('attention'))) await this.panels.show('attention', req.uri);
      return;
    }
    if (isStopped(code) || run.cancelled) {
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
    this.finished.dispose();
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
