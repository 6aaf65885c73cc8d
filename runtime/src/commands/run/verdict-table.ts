// The verdicts printed after `ptx run`'s result table: one line per method of each compare block (what it
// concluded and the selected configuration's test accuracy), then each verdict's one-sentence reason.
import type { MethodVerdict, VerdictKind } from '../../evidence/verdict.js';
import { formatPercent, textTable } from './format.js';

export const VERDICT_TEXT: Record<VerdictKind, string> = {
  learned: 'learned',
  'not-learned': 'not learned (converged)',
  inconclusive: 'inconclusive (still improving)',
  incomplete: 'no verdict yet',
};

export function verdictTable(verdicts: readonly MethodVerdict[]): string {
  const header = ['compare', 'method', 'verdict', 'selected', 'test exact', 'seeds', 'grid'];
  const body = verdicts.map((v) => [
    v.compare,
    v.method,
    VERDICT_TEXT[v.verdict],
    v.selected?.label ?? '–',
    v.selected?.test ? `${formatPercent(v.selected.test.mean)}${v.selected.test.n > 1 ? ` ± ${(100 * v.selected.test.std).toFixed(1)}` : ''}` : '–',
    v.selected?.test ? String(v.selected.test.n) : '–',
    String(v.grid.length),
  ]);
  const reasons = verdicts.map((v) => `${v.compare} · ${v.method}: ${v.message}`).join('\n');
  return textTable(header, body, [false, false, false, false, true, true, true]) + '\n' + reasons + '\n';
}
