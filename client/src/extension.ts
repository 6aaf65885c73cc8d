// The VS Code side of PTX Lab: starts the bundled language server, registers the commands that the
// server's code lenses name, runs specs through the bundled `ptx` CLI as child processes (the server itself
// never trains), and shows the results and attention panels.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import { Panels } from './panels/panels.js';
import { reportLoader } from './panels/reportData.js';
import { registerRunCommands } from './runCommands.js';
import { RunManager } from './runs/runManager.js';

let client: LanguageClient | undefined;
let runs: RunManager | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const serverModule = context.asAbsolutePath(path.join('dist', 'server.js'));
  const serverOptions: ServerOptions = {
    run: { module: serverModule, transport: TransportKind.ipc },
    debug: { module: serverModule, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6019'] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: 'file', language: 'ptx' },
      { scheme: 'untitled', language: 'ptx' },
    ],
    // Settings reach the server at start and on every change (the store folder places "Show attention").
    initializationOptions: { storeDirectory: vscode.workspace.getConfiguration('ptx').get<string>('storeDirectory', '') },
    synchronize: { configurationSection: 'ptx' },
  };
  // The id `ptx` makes the client honour the `ptx.trace.server` setting.
  client = new LanguageClient('ptx', 'PTX Language Server', serverOptions, clientOptions);
  const cli = context.asAbsolutePath(path.join('dist', 'cli.js'));
  let log: (line: string) => void = () => undefined;
  const panels = new Panels(context.extensionUri, reportLoader(cli), (line) => log(line));
  runs = new RunManager(cli, panels);
  log = (line) => runs?.log(line);
  context.subscriptions.push(
    panels,
    runs,
    vscode.workspace.onDidGrantWorkspaceTrust(() => runs?.updateStatus()),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('ptx.backend')) runs?.updateStatus();
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

export async function deactivate(): Promise<void> {
  // Closing the window stops running trainings (each saves a resumable snapshot on SIGTERM).
  runs?.dispose();
  runs = undefined;
  if (client) await client.stop();
  client = undefined;
}
