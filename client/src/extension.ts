// The VS Code side of PTX Lab: starts the bundled language server, registers the commands that the
// server's code lenses name, runs specs through the bundled `ptx` CLI as child processes (the server itself
// never trains), and shows what the store holds for each spec (its runs only, by store key, from `ptx
// report --json`): the Results and Attention panels, the result lenses and the Runs view.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import { DiagnosticDocs, DOCS_SCHEME } from './docs/diagnosticDocs.js';
import { Panels } from './panels/panels.js';
import { reportLoader } from './panels/reportData.js';
import { ResultsCache } from './results/cache.js';
import { ResultLenses } from './results/lenses.js';
import { RunsView } from './results/runsView.js';
import { registerRunCommands } from './runCommands.js';
import { serverSettings } from './settings.js';
import { RunManager } from './runs/runManager.js';
import { RunStates } from './runs/states.js';

let client: LanguageClient | undefined;
let runs: RunManager | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const serverModule = context.asAbsolutePath(path.join('dist', 'server.js'));
  const serverOptions: ServerOptions = {
    run: { module: serverModule, transport: TransportKind.ipc },
    debug: { module: serverModule, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6019'] } },
  };
  const docs = new DiagnosticDocs(context.extensionUri);
  context.subscriptions.push(vscode.workspace.registerTextDocumentContentProvider(DOCS_SCHEME, docs));
  const clientOptions: LanguageClientOptions = {
    middleware: docs.middleware(),
    documentSelector: [
      { scheme: 'file', language: 'ptx' },
      { scheme: 'untitled', language: 'ptx' },
    ],
    // Settings reach the server at start and on every change (the inlay hints it gives). Only the values
    // settings.ts gives are sent, not the whole `ptx` section: synchronizing the section would read and send
    // the restricted settings of an untrusted workspace too.
    initializationOptions: serverSettings(),
  };
  // The id `ptx` makes the client honour the `ptx.trace.server` setting.
  client = new LanguageClient('ptx', 'PTX Language Server', serverOptions, clientOptions);
  const cli = context.asAbsolutePath(path.join('dist', 'cli.js'));
  let log: (line: string) => void = () => undefined;
  const cache = new ResultsCache(reportLoader(cli), (line) => log(line));
  const panels = new Panels(context.extensionUri, (uri) => cache.refresh(uri), (line) => log(line));
  const states = new RunStates();
  runs = new RunManager(cli, panels, states);
  log = (line) => runs?.log(line);
  const lenses = new ResultLenses(cache, states);
  const runsView = new RunsView(cache, states);
  context.subscriptions.push(
    cache,
    states,
    lenses,
    runsView,
    vscode.languages.registerCodeLensProvider({ language: 'ptx', scheme: 'file' }, lenses),
    (runsView.view = vscode.window.createTreeView('ptx.runs', { treeDataProvider: runsView, showCollapseAll: true })),
    // Results depend on the spec on disk (what a run trains): saved, it may name other runs; any run that
    // ends may have stored what another spec of the folder names too.
    vscode.workspace.onDidSaveTextDocument((d) => {
      if (d.languageId === 'ptx') cache.invalidate(d.uri);
    }),
    runs.onDidFinish(() => cache.invalidate()),
    // Specs changed outside the editor (a checkout, another tool) name other runs too.
    watchSpecs((uri) => cache.invalidate(uri)),
    panels,
    runs,
    vscode.workspace.onDidGrantWorkspaceTrust(() => {
      runs?.updateStatus();
      pushSettings();
    }),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('ptx.backend')) runs?.updateStatus();
      if (e.affectsConfiguration('ptx.inlayHints')) pushSettings();
    }),
  );
  registerRunCommands(context, runs, panels);
  context.subscriptions.push(
    vscode.commands.registerCommand('ptx.restartServer', async () => {
      await client?.restart();
    }),
  );
  await client.start();
}

function watchSpecs(changed: (uri: vscode.Uri) => void): vscode.Disposable {
  const w = vscode.workspace.createFileSystemWatcher('**/*.ptx', true, false, true);
  w.onDidChange(changed);
  return w;
}

/** Sends the server the settings it reads (as workspace/didChangeConfiguration, which it listens to). */
function pushSettings(): void {
  if (client?.isRunning()) void client.sendNotification('workspace/didChangeConfiguration', { settings: { ptx: serverSettings() } });
}

export async function deactivate(): Promise<void> {
  // Closing the window stops running trainings (each saves a resumable snapshot on SIGTERM).
  runs?.dispose();
  runs = undefined;
  if (client) await client.stop();
  client = undefined;
}
