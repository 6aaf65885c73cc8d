// Commands named by the server's code lenses (`ptx.train`, `ptx.evaluate`, `ptx.compare`,
// `ptx.showAttention`, each with [documentUri, blockName]) and by the palette (no arguments: the block under
// the cursor, or a pick among the file's blocks). Train / Evaluate / Compare / Run File start
// `ptx run --events` through the run manager; Show Results / Show Attention open the panels on what the
// store already holds.
import * as vscode from 'vscode';
import type { Panels } from './panels/panels.js';
import type { RunCommand, RunManager } from './runs/runManager.js';

/** Which block keywords each command applies to (the outline's `detail` is the block keyword). */
const COMMAND_BLOCKS: Record<string, { kinds: string[]; run: RunCommand }> = {
  'ptx.train': { kinds: ['pretrain', 'finetune'], run: 'train' },
  'ptx.evaluate': { kinds: ['evaluate'], run: 'evaluate' },
  'ptx.compare': { kinds: ['compare'], run: 'compare' },
};

export function registerRunCommands(context: vscode.ExtensionContext, runs: RunManager, panels: Panels): void {
  for (const [command, { kinds, run }] of Object.entries(COMMAND_BLOCKS)) {
    context.subscriptions.push(
      vscode.commands.registerCommand(command, async (uri?: string, block?: string) => {
        const target = uri && block ? { uri: vscode.Uri.parse(uri), block } : await pickBlock(kinds);
        if (target) await runs.start({ command: run, uri: target.uri, block: target.block });
      }),
    );
  }
  context.subscriptions.push(
    vscode.commands.registerCommand('ptx.runFile', async (uri?: string) => {
      const target = uri ? vscode.Uri.parse(uri) : activeSpec();
      if (target) await runs.start({ command: 'file', uri: target });
    }),
    vscode.commands.registerCommand('ptx.showResults', async (uri?: string) => {
      const target = uri ? vscode.Uri.parse(uri) : activeSpec();
      if (target) await panels.show('results', target, undefined, false);
    }),
    vscode.commands.registerCommand('ptx.stop', (uri?: string) => {
      const target = uri ? vscode.Uri.parse(uri) : vscode.window.activeTextEditor?.document.languageId === 'ptx' ? vscode.window.activeTextEditor.document.uri : undefined;
      // The spec's runs when there are any, else every run the editor started.
      const stopped = runs.stop(target && runs.isRunning(target) ? target : undefined);
      if (stopped === 0) void vscode.window.setStatusBarMessage('PTX: nothing is running', 4000);
    }),
    vscode.commands.registerCommand('ptx.showAttention', async (uri?: string, block?: string) => {
      const target = uri ? vscode.Uri.parse(uri) : activeSpec();
      if (!target) return;
      // A compare block's runs are `<compare>/<method>/seed<n>`: show the first of them.
      const run = block ? await firstRunOf(target, block) : undefined;
      await panels.show('attention', target, run ? { run } : undefined, false);
    }),
    vscode.commands.registerCommand('ptx.showRunLog', () => runs.showLog()),
    // The walkthrough's first step: the bundled quickstart spec, copied into the workspace (never over a file).
    vscode.commands.registerCommand('ptx.openExample', async () => {
      const source = vscode.Uri.joinPath(context.extensionUri, 'examples', 'quickstart.ptx');
      const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(source));
      const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
      if (!folder) {
        await vscode.window.showTextDocument(await vscode.workspace.openTextDocument({ language: 'ptx', content: text }));
        return;
      }
      const target = vscode.Uri.joinPath(folder, 'quickstart.ptx');
      const exists = await vscode.workspace.fs.stat(target).then(() => true, () => false);
      if (!exists) await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(text));
      await vscode.window.showTextDocument(target);
    }),
  );
}

function activeSpec(): vscode.Uri | undefined {
  const editor = vscode.window.activeTextEditor;
  if (!editor || editor.document.languageId !== 'ptx') {
    void vscode.window.showWarningMessage('PTX: open a .ptx file first.');
    return undefined;
  }
  return editor.document.uri;
}

/** The run to focus for a block: itself for a pretrain/finetune, a compare's first method and seed. */
async function firstRunOf(uri: vscode.Uri, block: string): Promise<string | undefined> {
  const symbols = (await vscode.commands.executeCommand<vscode.DocumentSymbol[]>('vscode.executeDocumentSymbolProvider', uri)) ?? [];
  const s = symbols.find((x) => x.name === block);
  if (!s || s.detail === 'pretrain' || s.detail === 'finetune') return block;
  return undefined;
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
