// The VS Code side of PTX Lab's editing experience: starts the bundled language server and registers the
// commands that the server's code lenses name. Runs are launched in a terminal with the `ptx` CLI; the
// server itself never trains.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import { registerRunCommands } from './runCommands.js';

let client: LanguageClient | undefined;

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
  registerRunCommands(context);
  context.subscriptions.push(
    vscode.commands.registerCommand('ptx.restartServer', async () => {
      await client?.restart();
    }),
  );
  await client.start();
}

export async function deactivate(): Promise<void> {
  if (client) await client.stop();
  client = undefined;
}
