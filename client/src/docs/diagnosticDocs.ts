// A diagnostic's code links to its section of docs/diagnostics.md. The server's link is a file: URL with
// the code as anchor, which VS Code opens as the raw, editable file at line 1; the client rewrites it to a
// read-only view of the extension's docs (`ptx-docs:` documents, served here) at the section's heading
// (`#L<line>`, which VS Code's link opener turns into the selection). Other LSP clients keep the file link.
import * as vscode from 'vscode';
import type { Middleware } from 'vscode-languageclient/node';

export const DOCS_SCHEME = 'ptx-docs';

export class DiagnosticDocs implements vscode.TextDocumentContentProvider {
  private readonly cache = new Map<string, string>();

  constructor(private readonly extensionUri: vscode.Uri) {}

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    return this.read(uri.path.replace(/^\/+/, ''));
  }

  private async read(name: string): Promise<string> {
    const hit = this.cache.get(name);
    if (hit !== undefined) return hit;
    // Only the docs folder's Markdown files, by plain name.
    if (!/^[\w-]+\.md$/.test(name)) return '';
    const bytes = await vscode.workspace.fs.readFile(vscode.Uri.joinPath(this.extensionUri, 'docs', name));
    const text = new TextDecoder().decode(bytes);
    this.cache.set(name, text);
    return text;
  }

  /** The read-only link for a code's section: its `### code` heading's line (1-based), or the top. */
  async link(code: string): Promise<vscode.Uri> {
    const lines = (await this.read('diagnostics.md')).split('\n');
    const at = lines.findIndex((l) => /^#{2,4}\s/.test(l) && l.replace(/^#+\s*/, '').trim().replace(/`/g, '') === code);
    return vscode.Uri.from({ scheme: DOCS_SCHEME, path: '/diagnostics.md', fragment: `L${at >= 0 ? at + 1 : 1}` });
  }

  /** Language client middleware: diagnostics whose code links into diagnostics.md link to the read-only view. */
  middleware(): Middleware {
    return {
      handleDiagnostics: async (uri, diagnostics, next) => {
        for (const d of diagnostics) {
          if (typeof d.code === 'object' && d.code.target.path.endsWith('/diagnostics.md')) {
            d.code = { value: d.code.value, target: await this.link(String(d.code.value)) };
          }
        }
        next(uri, diagnostics);
      },
    };
  }
}
