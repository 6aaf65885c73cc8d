// Attention as heat maps (SVG): a grid of layers × heads for one run and probe, a zoomed single head with
// its token labels and values, the prefix share α per query, and the measured change of relative attention
// per layer next to what the theory expects. Probabilities map to viridis on a fixed 0–1 scale, so heads
// and runs compare at a glance; keys a query cannot see (the causal triangle) get no cell at all.
import type { AttentionRecord, } from '../../../runtime/src/engine/types.js';
import type { RunRecord } from '../../../runtime/src/report/data.js';
import { textOn, viridis } from './colormap.js';
import { visible, type TokenLabel } from './select.js';
import type { Theme } from './theme.js';
import { esc, fixed } from './text.js';

const REGION_NAMES: Record<TokenLabel['region'], string> = { prefix: 'prefix', pad: 'pad', input: 'input', output: 'output' };

/** Indices where the region changes (a separator line goes before each). */
function boundaries(labels: readonly TokenLabel[]): number[] {
  const out: number[] = [];
  for (let i = 1; i < labels.length; i++) if (labels[i]!.region !== labels[i - 1]!.region) out.push(i);
  return out;
}

interface MapOptions {
  layer: number;
  head: number;
  cell: number;
  /** Draw token labels on both axes. */
  labels: boolean;
  /** Print each probability in its cell. */
  values: boolean;
}

/** One head's map at (x, y): cells, region separators, optional labels and α strip. Returns markup and size. */
function headMap(
  rec: AttentionRecord,
  q: readonly TokenLabel[],
  k: readonly TokenLabel[],
  theme: Theme,
  x0: number,
  y0: number,
  o: MapOptions,
): { svg: string; width: number; height: number } {
  const rows = rec.attention[o.layer]![o.head]!;
  const c = o.cell;
  const fs = Math.max(8, Math.min(12, Math.round(c * 0.6)));
  const labelW = o.labels ? Math.max(18, Math.round(fs * 2.4)) : 0;
  const labelH = o.labels ? fs + 8 : 0;
  const mx = x0 + labelW;
  const my = y0 + labelH;
  let svg = '';
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!;
    for (let j = 0; j < row.length; j++) {
      if (!visible(i, j, rec.prefixKeys)) continue;
      const v = row[j]!;
      svg += `<rect class="cell" x="${mx + j * c}" y="${my + i * c}" width="${c}" height="${c}" fill="${viridis(v)}" data-l="${o.layer}" data-h="${o.head}" data-q="${i}" data-k="${j}" data-v="${fixed(v, 4)}"/>`;
      if (o.values) {
        svg += `<text x="${mx + j * c + c / 2}" y="${my + i * c + c / 2}" dy="0.35em" text-anchor="middle" font-size="${Math.max(8, Math.round(c * 0.3))}" fill="${textOn(v)}" pointer-events="none">${fixed(v, 2)}</text>`;
      }
    }
  }
  const w = k.length * c;
  const h = q.length * c;
  // Frame and region separators (prefix | input | output), drawn over the cells.
  svg += `<rect x="${mx}" y="${my}" width="${w}" height="${h}" fill="none" stroke="${theme.border}"/>`;
  for (const b of boundaries(k)) svg += `<line x1="${mx + b * c}" x2="${mx + b * c}" y1="${my}" y2="${my + h}" stroke="${theme.foreground}" stroke-width="1" stroke-dasharray="3 2" opacity="0.7"/>`;
  for (const b of boundaries(q)) svg += `<line x1="${mx}" x2="${mx + w}" y1="${my + b * c}" y2="${my + b * c}" stroke="${theme.foreground}" stroke-width="1" stroke-dasharray="3 2" opacity="0.7"/>`;
  if (o.labels) {
    const colour = (l: TokenLabel) => (l.region === 'output' ? theme.accent : l.region === 'input' ? theme.foreground : theme.muted);
    q.forEach((l, i) => {
      svg += `<text class="qlabel" x="${mx - 4}" y="${my + i * c + c / 2}" dy="0.35em" text-anchor="end" font-size="${fs}" font-family="${esc(theme.monoFamily)}" fill="${colour(l)}" data-region="${REGION_NAMES[l.region]}">${esc(l.text)}</text>`;
    });
    k.forEach((l, j) => {
      svg += `<text class="klabel" x="${mx + j * c + c / 2}" y="${my - 4}" text-anchor="middle" font-size="${fs}" font-family="${esc(theme.monoFamily)}" fill="${colour(l)}" data-region="${REGION_NAMES[l.region]}">${esc(l.text)}</text>`;
    });
  }
  let width = labelW + w;
  if (rec.alpha) {
    // α: the share of this query's attention on the prefix, a strip of cells right of the map.
    const ax = mx + w + Math.max(3, c / 3);
    const alpha = rec.alpha[o.layer]![o.head]!;
    alpha.forEach((a, i) => {
      svg += `<rect class="alpha" x="${ax}" y="${my + i * c}" width="${c}" height="${c}" fill="${viridis(a)}" data-l="${o.layer}" data-h="${o.head}" data-q="${i}" data-alpha="${fixed(a, 4)}"/>`;
    });
    svg += `<text x="${ax + c / 2}" y="${my - 4}" text-anchor="middle" font-size="${fs}" fill="${theme.muted}">α</text>`;
    width += Math.max(3, c / 3) + c;
  }
  return { svg, width, height: labelH + h };
}

/** A horizontal viridis bar from 0 to 1 with ticks. */
function colourBar(theme: Theme, x: number, y: number, width: number): string {
  const n = 32;
  let s = '';
  for (let i = 0; i < n; i++) s += `<rect x="${fixed(x + (i * width) / n)}" y="${y}" width="${fixed(width / n + 0.5)}" height="8" fill="${viridis(i / (n - 1))}"/>`;
  for (const t of [0, 0.5, 1]) s += `<text x="${fixed(x + t * width)}" y="${y + 20}" text-anchor="middle" font-size="10" fill="${theme.muted}">${t}</text>`;
  return s + `<text x="${x + width + 8}" y="${y + 8}" font-size="10" fill="${theme.muted}">attention probability</text>`;
}

export interface GridOptions {
  title: string;
  /** Available width in pixels; the cell size adapts. */
  width: number;
  /** Marks the zoomed head. */
  selected?: { layer: number; head: number } | null;
}

/** Layers (rows) × heads (columns) of one attention record. */
export function attentionGrid(rec: AttentionRecord, labels: { queries: TokenLabel[]; keys: TokenLabel[] }, theme: Theme, opts: GridOptions): string {
  const layers = rec.attention.length;
  const heads = rec.attention[0]?.length ?? 0;
  const keys = labels.keys.length + (rec.alpha ? 1.5 : 0);
  const rowHeadW = 64;
  const cell = Math.max(4, Math.min(18, Math.floor((opts.width - rowHeadW - heads * 40) / Math.max(1, heads * keys))));
  const withLabels = cell >= 9;
  let x = rowHeadW;
  let y = 34;
  let body = '';
  let maxW = 0;
  for (let l = 0; l < layers; l++) {
    x = rowHeadW;
    let rowH = 0;
    for (let h = 0; h < heads; h++) {
      const m = headMap(rec, labels.queries, labels.keys, theme, x, y + 14, { layer: l, head: h, cell, labels: withLabels, values: false });
      const sel = opts.selected && opts.selected.layer === l && opts.selected.head === h;
      body += `<g class="head${sel ? ' selected' : ''}" data-l="${l}" data-h="${h}" role="button" tabindex="0" aria-label="layer ${l + 1} head ${h + 1}: click to zoom">`;
      body += `<rect class="head-hit" x="${x - 4}" y="${y - 2}" width="${m.width + 8}" height="${m.height + 20}" fill="${theme.background}" stroke="${sel ? theme.accent : 'none'}" stroke-width="2" rx="3"/>`;
      body += `<text x="${x}" y="${y + 9}" font-size="11" fill="${theme.foreground}">head ${h + 1}</text>${m.svg}</g>`;
      x += m.width + 28;
      rowH = Math.max(rowH, m.height + 30);
    }
    body += `<text x="6" y="${y + 14 + rowH / 2}" font-size="12" font-weight="600" fill="${theme.foreground}">layer ${l + 1}</text>`;
    maxW = Math.max(maxW, x);
    y += rowH;
  }
  // Wide enough for its title (about 7 px a character at 13 px) as well as for the maps.
  const width = Math.max(maxW, 360, Math.ceil(opts.title.length * 7.2) + 12);
  body += colourBar(theme, rowHeadW, y + 4, 160);
  const height = y + 34;
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" class="chart" data-figure="attention" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="${esc(theme.fontFamily)}" role="img" aria-label="${esc(opts.title)}">` +
    `<rect width="100%" height="100%" fill="${theme.background}"/>` +
    `<text x="6" y="18" font-size="13" font-weight="600" fill="${theme.foreground}">${esc(opts.title)}</text>${body}</svg>`
  );
}

/** One head, large: token labels on both axes and the values printed when the cells are big enough. */
export function headZoom(
  rec: AttentionRecord,
  labels: { queries: TokenLabel[]; keys: TokenLabel[] },
  layer: number,
  head: number,
  theme: Theme,
  opts: { title: string; width: number },
): string {
  const cell = Math.max(10, Math.min(40, Math.floor((opts.width - 80) / (labels.keys.length + (rec.alpha ? 1.5 : 0)))));
  const m = headMap(rec, labels.queries, labels.keys, theme, 8, 30, { layer, head, cell, labels: true, values: cell >= 26 });
  const width = Math.max(m.width + 24, 360);
  const height = m.height + 30 + 44;
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" class="chart" data-figure="zoom" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="${esc(theme.fontFamily)}" role="img" aria-label="${esc(opts.title)}">` +
    `<rect width="100%" height="100%" fill="${theme.background}"/>` +
    `<text x="8" y="18" font-size="13" font-weight="600" fill="${theme.foreground}">${esc(opts.title)}</text>${m.svg}` +
    `<text x="8" y="${m.height + 46}" font-size="11" fill="${theme.muted}">rows: queries · columns: keys · dashed lines separate prefix | input | output</text>` +
    `</svg>`
  );
}

/** What the theory says about a method's relative attention in each layer. */
export function theoryExpectation(run: RunRecord, layer: number): { expected: number | null; text: string } {
  if (run.kind === 'pretrain') return { expected: null, text: 'pretrained model (the reference)' };
  if (run.methodKind === 'full' || run.methodKind === 'lora') return { expected: null, text: 'weights change: the pattern itself can change' };
  if (layer === 0) return { expected: 0, text: 'context method: relative attention cannot change (exactly 0)' };
  return { expected: null, text: 'later layer: changes only through the shifted inputs' };
}

/** Bars of max |Δ relative attention| per layer, with the theory's expectation beside each. */
export function relativeChangeChart(values: readonly number[], run: RunRecord, theme: Theme, opts: { width: number }): string {
  const rowH = 26;
  const labelW = 70;
  // The bar shrinks in narrow panels; the value and the theory's words keep their room.
  const barW = Math.max(80, Math.min(220, opts.width - labelW - 420));
  const width = labelW + barW + 420;
  const height = 40 + values.length * rowH + 10;
  let body = '';
  values.forEach((v, l) => {
    const y = 36 + l * rowH;
    const e = theoryExpectation(run, l);
    body += `<text x="6" y="${y + 9}" font-size="11" fill="${theme.foreground}">layer ${l + 1}</text>`;
    body += `<rect x="${labelW}" y="${y}" width="${barW}" height="12" fill="${theme.grid}"/>`;
    body += `<rect class="change" data-l="${l}" data-v="${fixed(v, 6)}" x="${labelW}" y="${y}" width="${fixed(Math.min(1, Math.max(0, v)) * barW)}" height="12" fill="${theme.accent}"/>`;
    if (e.expected !== null) body += `<line x1="${labelW + e.expected * barW}" x2="${labelW + e.expected * barW}" y1="${y - 3}" y2="${y + 15}" stroke="${theme.foreground}" stroke-width="2"/>`;
    body += `<text x="${labelW + barW + 8}" y="${y + 9}" font-size="11" fill="${theme.foreground}">${v < 1e-3 ? v.toExponential(1) : fixed(v, 3)}</text>`;
    body += `<text x="${labelW + barW + 62}" y="${y + 9}" font-size="11" fill="${theme.muted}">${esc(e.text)}</text>`;
  });
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" class="chart" data-figure="change" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="${esc(theme.fontFamily)}" role="img" aria-label="change of relative attention per layer">` +
    `<rect width="100%" height="100%" fill="${theme.background}"/>` +
    `<text x="6" y="18" font-size="13" font-weight="600" fill="${theme.foreground}">largest change of relative attention vs. the pretrained model (0–1)</text>${body}</svg>`
  );
}
