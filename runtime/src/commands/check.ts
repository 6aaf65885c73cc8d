// `ptx check FILE... [--format text|json]`: the editor's diagnostics, printed the way a compiler does.
// Exit status: 0 when no file has an error (warnings allowed), 1 when one has, 2 for usage errors or
// unreadable files.
import { analyse, type Diagnostic } from '../../../grammar/src/index.js';
import { parseOrExplain } from './help.js';
import { commandSpec } from './command-table.js';
import { readSpecFile } from '../io/spec-file.js';

export interface FileDiagnostic extends Diagnostic {
  file: string;
}

/** `file:line:col: severity code: message`, 1-based like compilers and terminals expect. */
export function formatDiagnostic(file: string, d: Diagnostic): string {
  return `${file}:${d.range.start.line + 1}:${d.range.start.character + 1}: ${d.severity}${d.acknowledged ? ' (acknowledged)' : ''} ${d.code}: ${d.message}`;
}

/** The JSON form: LSP's 0-based positions. */
export function diagnosticJson(file: string, d: Diagnostic): object {
  return { file, range: d.range, severity: d.severity, code: d.code, message: d.message, ...(d.acknowledged ? { acknowledged: true } : {}) };
}

export async function runCheck(args: string[]): Promise<number> {
  const parsed = parseOrExplain(commandSpec('check'), args, { stdout: (t) => process.stdout.write(t), stderr: (t) => process.stderr.write(t) });
  if (typeof parsed === 'number') return parsed;
  const format = parsed.values.format as 'text' | 'json';
  const files = parsed.operands;
  const texts: Array<[string, string]> = [];
  for (const f of files) {
    const read = readSpecFile(f);
    if (!read.ok) {
      process.stderr.write(`ptx check: ${read.message}\n`);
      return 2;
    }
    texts.push([f, read.text]);
  }
  let errors = 0;
  let warnings = 0;
  let acknowledged = 0;
  let infos = 0;
  const json: object[] = [];
  for (const [file, text] of texts) {
    const { diagnostics } = analyse(text);
    for (const d of diagnostics) {
      if (d.severity === 'error') errors++;
      // An acknowledged warning (`// expect: code` on its line) is intended: counted apart.
      if (d.severity === 'warning') {
        if (d.acknowledged) acknowledged++;
        else warnings++;
      }
      if (d.severity === 'info') infos++;
      if (format === 'json') json.push(diagnosticJson(file, d));
      else process.stdout.write(formatDiagnostic(file, d) + '\n');
    }
  }
  if (format === 'json') process.stdout.write(JSON.stringify(json, null, 2) + '\n');
  else if (errors || warnings || acknowledged || infos) {
    const notes = (acknowledged ? `, ${acknowledged} acknowledged` : '') + (infos ? `, ${infos} info message${infos === 1 ? '' : 's'}` : '');
    process.stderr.write(`${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}${notes}\n`);
  }
  return errors > 0 ? 1 : 0;
}
