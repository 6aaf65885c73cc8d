// Commands named by the server's code lenses (`ptx.train`, `ptx.evaluate`, `ptx.compare`,
// `ptx.showAttention`, each with [documentUri, blockName]) and by the palette (no arguments: the block under
// the cursor, or a pick among the file's blocks). Each runs the bundled CLI in a terminal:
//   node <extension>/bin/ptx.js run <file> --only <block>
import * as path from 'node:path';
import * as vscode from 'vscode';

/** Which block keywords each command applies to (the outline's `detail` is the block keyword). */
const COMMAND_BLOCKS: Record<string, string[]> = {
  'ptx.train': ['pretrain', 'finetune'],
  'ptx.evaluate': ['evaluate'],
  'ptx.compare': ['compare'],
  'ptx.showAttention': ['evaluate'],
};

export function registerRunCommands(context: vscode.ExtensionContext): void {
  const cli = context.asAbsolutePath(path.join('bin', 'ptx.js'));
  for (const [command, kinds] of Object.entries(COMMAND_BLOCKS)) {
    context.subscriptions.push(
      vscode.commands.registerCommand(command, async (uri?: string, block?: string) => {
        const target = uri && block ? { uri: vscode.Uri.parse(uri), block } : await pickBlock(kinds);
        if (target) await runInTerminal(cli, target.uri, ['--only', target.block]);
      }),
    );
  }
  context.subscriptions.push(
    vscode.commands.registerCommand('ptx.runFile', async (uri?: string) => {
      const target = uri ? vscode.Uri.parse(uri) : vscode.window.activeTextEditor?.document.uri;
      if (!target) {
        void vscode.window.showWarningMessage('PTX: open a .ptx file first.');
        return;
      }
      await runInTerminal(cli, target, []);
    }),
  );
}

/** The block at the cursor if it is of a suitable kind, otherwise a quick pick among the file's blocks. */
async function pickBlock(kinds: string[]): Promise<{ uri: vscode.Uri; block: string } | undefined> {
  const editor = vscode.window.activeTextEditor;
  if (!editor || editor.document.languageId !== 'ptx') {
    void vscode.window.showWarningMessage('PTX: open a .ptx file first.');
    return undefined;
  }
  const symbols =
    (await vscode.commands.executeCommand<vscode.DocumentSymbol[]>('vscode.executeDocumentSymbolProvider', editor.document.uri)) ?? [];
  const candidates = symbols.filter((s) => kinds.includes(s.detail));
  if (candidates.length === 0) {
    void vscode.window.showWarningMessage(`PTX: this file has no ${kinds.join(' or ')} block.`);
    return undefined;
  }
  const atCursor = candidates.find((s) => s.range.contains(editor.selection.active));
  if (atCursor) return { uri: editor.document.uri, block: atCursor.name };
  if (candidates.length === 1) return { uri: editor.document.uri, block: candidates[0]!.name };
  const picked = await vscode.window.showQuickPick(
    candidates.map((s) => ({ label: s.name, description: s.detail })),
    { placeHolder: 'Which block?' },
  );
  return picked ? { uri: editor.document.uri, block: picked.label } : undefined;
}

async function runInTerminal(cli: string, file: vscode.Uri, extra: string[]): Promise<void> {
  const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === file.toString());
  if (doc?.isDirty) await doc.save();
  const config = vscode.workspace.getConfiguration('ptx', file);
  const backend = config.get<string>('backend', 'auto');
  const args = [cli, 'run', file.fsPath, ...extra];
  if (backend !== 'auto') args.push('--backend', backend);
  const storeDirectory = config.get<string>('storeDirectory', '');
  const folder = vscode.workspace.getWorkspaceFolder(file);
  const terminal = vscode.window.createTerminal({
    name: `PTX: ${path.basename(file.fsPath)}${extra.length ? ' ' + extra[extra.length - 1] : ''}`,
    shellPath: 'node',
    shellArgs: args,
    cwd: folder?.uri.fsPath ?? path.dirname(file.fsPath),
    // The runtime reads the store location from PTX_STORE when the setting is given.
    env: storeDirectory ? { PTX_STORE: storeDirectory } : undefined,
  });
  terminal.show(true);
}
