// The table printed at the end of `ptx run`: one line per run and task evaluated.
import { formatCount } from '../../../../grammar/src/params.js';
import { formatPercent, formatSeconds, textTable } from './format.js';
import type { ResultRow } from './reporter.js';

export function resultTable(rows: readonly ResultRow[]): string {
  const header = ['run', 'task', 'exact match', 'per-token', 'trainable params', 'time', 'backend', 'seed'];
  const body = rows.map((r) => [
    r.run,
    r.task,
    formatPercent(r.exact),
    formatPercent(r.perToken),
    formatCount(r.trainable),
    formatSeconds(r.trainSeconds),
    (r.threads ?? 1) > 1 ? `${r.backend}×${r.threads}` : r.backend,
    String(r.seed),
  ]);
  return textTable(header, body, [false, false, true, true, true, true, false, true]);
}
