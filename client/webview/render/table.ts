// The results tables as HTML: one row per run and task (sortable by any column), and one table per
// compare block with mean ± std over seeds. Cells carry their raw value in data-value, so sorting and
// tests do not parse formatted text.
import type { EvalRecord, RunRecord } from '../../../runtime/src/report/data.js';
import type { GroupSummary } from './select.js';
import { esc, formatCount, formatPercent, formatSeconds } from './text.js';

export interface SortState {
  column: string;
  descending: boolean;
}

interface Column {
  id: string;
  title: string;
  numeric: boolean;
  value: (r: { run: RunRecord; ev: EvalRecord }) => number | string;
  text: (r: { run: RunRecord; ev: EvalRecord }) => string;
}

export const RESULT_COLUMNS: readonly Column[] = [
  { id: 'run', title: 'run', numeric: false, value: (r) => r.run.name, text: (r) => r.run.name },
  { id: 'task', title: 'task', numeric: false, value: (r) => r.ev.task, text: (r) => r.ev.task },
  { id: 'method', title: 'method', numeric: false, value: (r) => r.run.method, text: (r) => r.run.method },
  { id: 'exact', title: 'exact match', numeric: true, value: (r) => r.ev.exact, text: (r) => formatPercent(r.ev.exact) },
  { id: 'perToken', title: 'per-token', numeric: true, value: (r) => r.ev.perToken, text: (r) => formatPercent(r.ev.perToken) },
  { id: 'trainable', title: 'trainable params', numeric: true, value: (r) => r.run.trainable, text: (r) => formatCount(r.run.trainable) },
  { id: 'time', title: 'time', numeric: true, value: (r) => r.run.elapsedMs, text: (r) => formatSeconds(r.run.elapsedMs / 1000) },
  { id: 'backend', title: 'backend', numeric: false, value: (r) => r.run.backend, text: (r) => (r.run.threads > 1 ? `${r.run.backend}×${r.run.threads}` : r.run.backend) },
  { id: 'seed', title: 'seed', numeric: true, value: (r) => r.run.seed, text: (r) => String(r.run.seed) },
  { id: 'samples', title: 'samples', numeric: true, value: (r) => r.ev.samples, text: (r) => formatCount(r.ev.samples) },
];

export function sortRows<T extends { run: RunRecord; ev: EvalRecord }>(rows: readonly T[], sort: SortState | null): T[] {
  const col = RESULT_COLUMNS.find((c) => c.id === sort?.column);
  if (!col) return [...rows];
  const dir = sort!.descending ? -1 : 1;
  return [...rows].sort((a, b) => {
    const x = col.value(a);
    const y = col.value(b);
    const c = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y), 'en', { numeric: true });
    return c * dir;
  });
}

/** The per-run table; rows whose run has attention get a button that opens it. */
export function resultsTable(rows: ReadonlyArray<{ run: RunRecord; ev: EvalRecord }>, sort: SortState | null, withAttention: ReadonlySet<string>): string {
  if (rows.length === 0) return '<p class="empty">No evaluated runs in the store yet. Train a block to see results here.</p>';
  const head = RESULT_COLUMNS.map((c) => {
    const active = sort?.column === c.id;
    const aria = active ? (sort!.descending ? 'descending' : 'ascending') : 'none';
    const arrow = active ? (sort!.descending ? ' ▼' : ' ▲') : '';
    return `<th scope="col" class="${c.numeric ? 'num' : ''}" aria-sort="${aria}"><button type="button" class="sort" data-sort="${c.id}">${esc(c.title)}${arrow}</button></th>`;
  }).join('');
  const body = sortRows(rows, sort)
    .map((r) => {
      // Compare runs have long names (`<compare>/<method with arguments>/seed<n>`): cut in the cell, whole in the tooltip.
      const cells = RESULT_COLUMNS.map((c) => `<td class="${c.numeric ? 'num' : c.id === 'run' ? 'name' : ''}" data-col="${c.id}" data-value="${esc(c.value(r))}" title="${esc(c.text(r))}">${esc(c.text(r))}</td>`).join('');
      const att = withAttention.has(r.run.hash) ? `<button type="button" class="link" data-attention="${esc(r.run.hash)}" title="Show this run's attention">attention</button>` : '';
      const stale = r.run.current ? '' : ' class="earlier" title="not named by the spec as it is now (an earlier version, or another spec sharing the store)"';
      return `<tr${stale} data-run="${esc(r.run.hash)}" data-task="${esc(r.ev.task)}">${cells}<td>${att}</td></tr>`;
    })
    .join('');
  return `<div class="scroll"><table class="results" data-table="runs"><thead><tr>${head}<th scope="col"><span class="sr">actions</span></th></tr></thead><tbody>${body}</tbody></table></div>`;
}

function pm(m: { mean: number; std: number }, n: number): string {
  return n > 1 ? `${formatPercent(m.mean)} ± ${formatPercent(m.std)}` : formatPercent(m.mean);
}

/** One table per compare block: method × task with mean ± std over seeds. */
export function compareTables(summaries: readonly GroupSummary[]): string {
  const byCompare = new Map<string, GroupSummary[]>();
  for (const s of summaries) byCompare.set(s.compare, [...(byCompare.get(s.compare) ?? []), s]);
  return [...byCompare.entries()]
    .map(([compare, list]) => {
      const rows = list
        .map(
          (s) =>
            `<tr data-group="${esc(s.group)}" data-task="${esc(s.task)}"><td>${esc(s.method)}</td><td>${esc(s.task)}</td>` +
            `<td class="num" data-col="trainable" data-value="${s.trainable}">${esc(formatCount(s.trainable))}</td>` +
            `<td class="num" data-col="exact" data-value="${s.exact.mean}" data-std="${s.exact.std}">${esc(pm(s.exact, s.seeds.length))}</td>` +
            `<td class="num" data-col="perToken" data-value="${s.perToken.mean}" data-std="${s.perToken.std}">${esc(pm(s.perToken, s.seeds.length))}</td>` +
            `<td class="num" data-col="seeds" data-value="${s.seeds.length}">${s.seeds.length}</td></tr>`,
        )
        .join('');
      return (
        `<h3>compare ${esc(compare)}</h3><div class="scroll"><table class="results compare" data-table="compare" data-compare="${esc(compare)}">` +
        `<thead><tr><th scope="col">method</th><th scope="col">task</th><th scope="col" class="num">trainable params</th>` +
        `<th scope="col" class="num">exact match</th><th scope="col" class="num">per-token</th><th scope="col" class="num">seeds</th></tr></thead>` +
        `<tbody>${rows}</tbody></table></div>`
      );
    })
    .join('');
}
