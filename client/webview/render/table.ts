// The results tables as HTML: one row per run and task, grouped by task (sortable by any column within
// each task), key columns first so that a narrow panel shows run, exact match and per-token accuracy
// before it has to scroll; and one table per compare block with mean ± std over seeds. Cells carry their
// raw value in data-value, so sorting and tests do not parse formatted text.
import type { EvalRecord, RunRecord } from '../../../runtime/src/report/data.js';
import { swatch, type RunStyle } from './palette.js';
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
  { id: 'exact', title: 'exact', numeric: true, value: (r) => r.ev.exact, text: (r) => formatPercent(r.ev.exact) },
  { id: 'perToken', title: 'per-token', numeric: true, value: (r) => r.ev.perToken, text: (r) => formatPercent(r.ev.perToken) },
  { id: 'trainable', title: 'params', numeric: true, value: (r) => r.run.trainable, text: (r) => formatCount(r.run.trainable) },
  { id: 'method', title: 'method', numeric: false, value: (r) => r.run.method, text: (r) => r.run.method },
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

/** Column tooltips where the short heading needs one. */
const HEADING_TITLES: Record<string, string> = { exact: 'exact match: every output token right', perToken: 'per-token accuracy', trainable: 'trainable parameters' };

export interface TableLook {
  /** The run's label in the table (short for compare runs; the full name is the cell's tooltip). */
  label: (name: string) => string;
  style: (name: string) => RunStyle;
}

/**
 * The per-run table: a heading row per task, then its runs. A run with attention gets a link to it inside
 * its name cell (no separate, mostly empty actions column).
 */
export function resultsTable(rows: ReadonlyArray<{ run: RunRecord; ev: EvalRecord }>, sort: SortState | null, withAttention: ReadonlySet<string>, look: TableLook): string {
  if (rows.length === 0) return '';
  const head = RESULT_COLUMNS.map((c) => {
    const active = sort?.column === c.id;
    const aria = active ? (sort!.descending ? 'descending' : 'ascending') : 'none';
    const arrow = active ? (sort!.descending ? ' ▼' : ' ▲') : '';
    const tip = HEADING_TITLES[c.id] ? ` title="${esc(HEADING_TITLES[c.id]!)}"` : '';
    return `<th scope="col" class="${c.numeric ? 'num' : ''}" data-col="${c.id}" aria-sort="${aria}"><button type="button" class="sort" data-sort="${c.id}"${tip}>${esc(c.title)}${arrow}</button></th>`;
  }).join('');
  const tasks = [...new Set(rows.map((r) => r.ev.task))];
  const body = tasks
    .map((task) => {
      const mine = sortRows(rows.filter((r) => r.ev.task === task), sort);
      const trs = mine
        .map((r) => {
          const cells = RESULT_COLUMNS.map((c) => {
            if (c.id !== 'run') return `<td class="${c.numeric ? 'num' : ''}" data-col="${c.id}" data-value="${esc(c.value(r))}" title="${esc(c.text(r))}">${esc(c.text(r))}</td>`;
            const st = look.style(r.run.name);
            const att = withAttention.has(r.run.hash) ? ` <button type="button" class="link att" data-attention="${esc(r.run.hash)}" title="Show this run's attention" aria-label="attention of ${esc(r.run.name)}">attention</button>` : '';
            const earlier = r.run.current ? '' : ' <span class="badge" title="trained from an earlier version of this block">earlier</span>';
            return (
              `<td class="name" data-col="run" data-value="${esc(r.run.name)}" title="${esc(r.run.name)}">${swatch(st.colour)}` +
              `<span class="label">${esc(look.label(r.run.name))}</span>${earlier}${att}</td>`
            );
          }).join('');
          const stale = r.run.current ? '' : ' class="earlier"';
          return `<tr${stale} data-run="${esc(r.run.hash)}" data-task="${esc(r.ev.task)}">${cells}</tr>`;
        })
        .join('');
      return `<tbody data-task="${esc(task)}"><tr class="task"><th scope="rowgroup" colspan="${RESULT_COLUMNS.length}">task <strong>${esc(task)}</strong></th></tr>${trs}</tbody>`;
    })
    .join('');
  return `<div class="scroll"><table class="results" data-table="runs"><thead><tr>${head}</tr></thead>${body}</table></div>`;
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
        `<thead><tr><th scope="col">method</th><th scope="col">task</th><th scope="col" class="num">params</th>` +
        `<th scope="col" class="num">exact</th><th scope="col" class="num">per-token</th><th scope="col" class="num">seeds</th></tr></thead>` +
        `<tbody>${rows}</tbody></table></div>`
      );
    })
    .join('');
}
