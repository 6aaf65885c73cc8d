// Reading PTX settings. Settings that name a path or a program are restricted in untrusted workspaces
// (package.json `capabilities.untrustedWorkspaces.restrictedConfigurations`): a cloned repository's
// .vscode/settings.json could otherwise point the results store anywhere on the machine. VS Code ignores
// their workspace values while the workspace is untrusted; on top of that the extension does not read them
// at all before trust is granted (the defaults apply), and reads them only through this module
// (tests/server/manifest.test.ts checks both).
import * as vscode from 'vscode';

/** Settings that name a path or a program (the manifest's restrictedConfigurations, without `ptx.`). */
export const RESTRICTED_SETTINGS = ['storeDirectory'] as const;

/** `ptx.storeDirectory` for a spec, or '' (the default: `.ptx/` beside the spec) until the workspace is trusted. */
export function storeDirectorySetting(scope?: vscode.Uri): string {
  if (!vscode.workspace.isTrusted) return '';
  return vscode.workspace.getConfiguration('ptx', scope).get<string>('storeDirectory', '');
}

/**
 * What the language server is told (initialization options and configuration changes): the settings it
 * reads, `ptx.inlayHints.*`, which name no path or program. It is never sent the restricted ones.
 */
export function serverSettings(): { inlayHints: unknown } {
  return { inlayHints: vscode.workspace.getConfiguration('ptx').get('inlayHints', {}) };
}
