// Conversions between the language's plain data (grammar/) and LSP types.
import { DiagnosticSeverity, type Diagnostic as LspDiagnostic } from 'vscode-languageserver/node';
import type { Diagnostic, Severity } from '../../grammar/src/index.js';

const SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  info: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

/**
 * An LSP diagnostic with the same code, range and message as `ptx check`; `codeDescription` links to the
 * code's section of docs/diagnostics.md. The analysis' ready-made fixes are not sent along (`data`): code
 * actions take them from the server's own analysis of the document (features/codeActions.ts), and on a
 * large file they were most of every publishDiagnostics message (encoded, sent and decoded on each edit).
 */
export function toLspDiagnostic(d: Diagnostic, docsUrl: string): LspDiagnostic {
  const out: LspDiagnostic = {
    range: d.range,
    // An acknowledged warning (`// expect: code` on its line) is intended: a hint, not in the warning count.
    severity: d.acknowledged ? DiagnosticSeverity.Hint : SEVERITY[d.severity],
    code: d.code,
    codeDescription: { href: `${docsUrl}#${d.code}` },
    source: 'ptx',
    message: d.message,
  };
  return out;
}
