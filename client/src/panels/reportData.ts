// Loads what the panels show from `ptx report FILE --json`: the runtime reads its own store and the
// extension checks the JSON's shape before handing it to a webview.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ReportData } from '../../../runtime/src/report/data.js';
import { isReportData } from '../../webview/messages.js';
import { runCli } from '../runs/process.js';
import { storeDirectorySetting } from '../settings.js';

export function reportLoader(cli: string): (spec: vscode.Uri) => Promise<ReportData> {
  return async (spec) => {
    const folder = vscode.workspace.getWorkspaceFolder(spec);
    const cwd = folder?.uri.fsPath ?? path.dirname(spec.fsPath);
    const setting = storeDirectorySetting(spec);
    const r = await runCli({ cli, args: ['report', spec.fsPath, '--json'], cwd, ...(setting ? { store: setting } : {}) });
    if (r.code !== 0) throw new Error(r.stderr.trim() || `ptx report exited with code ${r.code}`);
    let data: unknown;
    try {
      data = JSON.parse(r.stdout);
    } catch {
      throw new Error('ptx report printed something that is not JSON');
    }
    if (!isReportData(data)) throw new Error('ptx report printed data of an unexpected shape');
    return data;
  };
}
