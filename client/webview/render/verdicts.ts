// The verdict of every method of a compare block as HTML: what the search concluded ("learned", "not
// learned (converged)", "inconclusive (still improving)"), the configuration selected on validation and its
// test exact match over seeds, the size of the grid, and the one-sentence reason with its numbers.
import type { MethodVerdict } from '../../../runtime/src/report/data.js';
import { esc, formatPercent } from './text.js';

const LABEL: Record<MethodVerdict['verdict'], string> = {
  learned: 'learned',
  'not-learned': 'not learned (converged)',
  inconclusive: 'inconclusive (still improving)',
  incomplete: 'no verdict yet',
};

function testText(v: MethodVerdict): string {
  const t = v.selected?.test;
  if (!t) return '–';
  return t.n > 1 ? `${formatPercent(t.mean)} ± ${formatPercent(t.std)}` : formatPercent(t.mean);
}

/** One table per compare block, a row per method item of its `methods` list. */
export function verdictTables(verdicts: readonly MethodVerdict[]): string {
  const byCompare = new Map<string, MethodVerdict[]>();
  for (const v of verdicts) byCompare.set(v.compare, [...(byCompare.get(v.compare) ?? []), v]);
  return [...byCompare.entries()]
    .map(([compare, list]) => {
      const rows = list
        .map(
          (v) =>
            `<tr data-verdict="${esc(v.verdict)}" data-method="${esc(v.method)}">` +
            `<td class="name" title="${esc(v.method)}">${esc(v.method)}</td>` +
            `<td><span class="verdict verdict-${esc(v.verdict)}">${esc(LABEL[v.verdict])}</span></td>` +
            `<td class="num" data-col="exact" data-value="${v.selected?.test?.mean ?? ''}">${esc(testText(v))}</td>` +
            `<td class="name" title="${esc(v.selected?.label ?? '')}">${esc(v.selected?.label ?? '–')}</td>` +
            `<td class="num">${v.grid.length}</td></tr>` +
            `<tr class="reason"><td colspan="5">${esc(v.message)}</td></tr>`,
        )
        .join('');
      const task = list[0]!.task;
      return (
        `<h3>compare ${esc(compare)} <span class="muted">on ${esc(task)}, learned at ${esc(formatPercent(list[0]!.learnedAt))} test exact match</span></h3>` +
        `<div class="scroll"><table class="results verdicts" data-table="verdicts" data-compare="${esc(compare)}">` +
        `<thead><tr><th scope="col">method</th><th scope="col">verdict</th><th scope="col" class="num">test exact</th>` +
        `<th scope="col">selected on validation</th><th scope="col" class="num">configs</th></tr></thead><tbody>${rows}</tbody></table></div>`
      );
    })
    .join('');
}
