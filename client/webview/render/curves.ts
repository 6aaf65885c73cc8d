// Curves as one SVG sized to the width it is given: a value against step for each series, a log scale
// when the values span more than a decade, as many axis ticks as fit, and a legend inside the figure (so
// an exported SVG/PNG explains itself) that flows into rows with short labels and the full name on hover.
// Each series brings its colour and dash (palette.ts: one colour per run in every view); any number of
// series, e.g. training and validation curves of the same runs.
import { DASHES } from './palette.js';
import type { Theme } from './theme.js';
import { esc, fixed } from './text.js';

export interface Series {
  id: string;
  /** Legend text (short); `title` is the full name shown on hover. */
  label: string;
  title?: string;
  steps: readonly number[];
  losses: readonly number[];
  colour?: string;
  dash?: string;
  /** Still training: drawn with a marker at its last point. */
  live?: boolean;
}

/** Approximate width of 11 px text: enough to lay out the legend without measuring. */
const CHAR_PX = 6.4;
const MAX_LABEL = 34;

interface LegendItem {
  x: number;
  row: number;
  label: string;
}

/** Legend items flowed left to right into rows that fit `width`. */
export function layoutLegend(labels: readonly string[], left: number, width: number): { items: LegendItem[]; rows: number } {
  const items: LegendItem[] = [];
  const room = Math.max(80, width - left - 8);
  const maxChars = Math.max(8, Math.min(MAX_LABEL, Math.floor((room - 40) / CHAR_PX)));
  let x = 0;
  let row = 0;
  for (const full of labels) {
    const label = full.length > maxChars ? full.slice(0, maxChars - 1) + '…' : full;
    const w = 28 + label.length * CHAR_PX + 18;
    if (x > 0 && x + w > room) {
      row++;
      x = 0;
    }
    items.push({ x: left + x, row, label });
    x += w;
  }
  return { items, rows: labels.length ? row + 1 : 0 };
}

function niceTicks(lo: number, hi: number, count: number): number[] {
  const span = hi - lo || 1;
  const raw = span / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => span / s <= count) ?? 10 * mag;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(Number(v.toPrecision(12)));
  return out;
}

/**
 * Exponential moving average with TensorBoard's debiasing (the first points are not pulled towards 0),
 * in log space for positive losses so a curve falling over decades is smoothed evenly.
 */
export function smoothLosses(losses: readonly number[], weight = Math.min(0.95, 1 - 8 / Math.max(16, losses.length))): number[] {
  const out: number[] = [];
  let acc = 0;
  let norm = 0;
  for (const l of losses) {
    if (!(l > 0) || !Number.isFinite(l)) {
      out.push(l);
      continue;
    }
    acc = weight * acc + (1 - weight) * Math.log(l);
    norm = weight * norm + (1 - weight);
    out.push(Math.exp(acc / norm));
  }
  return out;
}

/** 1, 2 and 5 times each power of ten between lo and hi (just the powers when that is too many). */
function logTicks(lo: number, hi: number): number[] {
  const out: number[] = [];
  for (let e = Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi)); e++) {
    for (const m of [1, 2, 5]) {
      const v = Number((m * 10 ** e).toPrecision(6));
      if (v >= lo * 0.999 && v <= hi * 1.001) out.push(v);
    }
  }
  return out.length > 8 ? out.filter((v) => Math.abs(Math.log10(v) - Math.round(Math.log10(v))) < 1e-9) : out;
}

export interface ChartOptions {
  width: number;
  height?: number;
  title?: string;
  yLabel?: string;
  /**
   * A fixed linear axis for values in [min, max] (validation accuracy: 0..1, shown as percentages), zeros
   * included and no smoothing (one point per evaluation); without it, losses: positive values, a log axis
   * when they span more than a decade, smoothed.
   */
  fixed?: { min: number; max: number; percent: boolean };
  /** The svg's data-figure (default `loss`). */
  figure?: string;
}

export function lossChart(series: readonly Series[], theme: Theme, opts: ChartOptions): string {
  const width = Math.max(280, Math.round(opts.width));
  const legend = layoutLegend(series.map((s) => s.label + (s.live ? ' (training)' : '')), 58, width);
  const plotH = opts.height ?? Math.round(Math.min(260, Math.max(160, width * 0.42)));
  const m = { left: 58, right: 22, top: opts.title ? 28 : 12, bottom: 36 + legend.rows * 18 + (legend.rows ? 8 : 0) };
  const height = m.top + plotH + m.bottom;
  const pw = width - m.left - m.right;
  const font = `font-family="${esc(theme.fontFamily)}"`;
  const fixedRange = opts.fixed;
  const finite = series.flatMap((s) => s.losses.filter((l) => Number.isFinite(l) && (fixedRange ? true : l > 0)));
  let body = '';
  if (finite.length === 0) {
    body = `<text x="${width / 2}" y="${m.top + plotH / 2}" text-anchor="middle" fill="${theme.muted}" font-size="13">no training steps yet</text>`;
  } else {
    const maxStep = Math.max(1, ...series.map((s) => s.steps[s.steps.length - 1] ?? 1));
    const lo = fixedRange ? fixedRange.min : Math.min(...finite);
    const hi = fixedRange ? fixedRange.max : Math.max(...finite);
    const log = !fixedRange && hi / lo > 10;
    const f = (v: number) => (log ? Math.log10(v) : v);
    const yLo = log ? f(lo) - 0.05 : fixedRange ? lo : 0;
    const yHi = log ? f(hi) + 0.05 : fixedRange ? hi : hi * 1.05;
    const x = (s: number) => m.left + (s / maxStep) * pw;
    const y = (v: number) => m.top + plotH - ((f(log ? Math.max(v, lo) : v) - yLo) / (yHi - yLo || 1)) * plotH;
    const yTicks = log ? logTicks(lo, hi) : niceTicks(fixedRange ? lo : 0, yHi, 5);
    for (const t of yTicks) {
      const yy = fixed(y(t));
      const text = fixedRange?.percent ? `${Number((100 * t).toPrecision(6))}%` : String(t);
      body += `<line x1="${m.left}" x2="${m.left + pw}" y1="${yy}" y2="${yy}" stroke="${theme.grid}"/>`;
      body += `<text x="${m.left - 6}" y="${yy}" dy="0.32em" text-anchor="end" font-size="11" fill="${theme.muted}">${esc(text)}</text>`;
    }
    // As many step ticks as fit their labels (about 56 px each), so the last one is never cut.
    for (const t of niceTicks(0, maxStep, Math.max(2, Math.min(8, Math.floor(pw / 56))))) {
      const xx = fixed(x(t));
      body += `<line x1="${xx}" x2="${xx}" y1="${m.top + plotH}" y2="${m.top + plotH + 4}" stroke="${theme.muted}"/>`;
      body += `<text x="${xx}" y="${m.top + plotH + 16}" text-anchor="middle" font-size="11" fill="${theme.muted}">${t}</text>`;
    }
    body += `<line x1="${m.left}" x2="${m.left + pw}" y1="${m.top + plotH}" y2="${m.top + plotH}" stroke="${theme.muted}"/>`;
    body += `<text x="${m.left + pw / 2}" y="${m.top + plotH + 30}" text-anchor="middle" font-size="11" fill="${theme.muted}">step</text>`;
    body += `<text transform="translate(14 ${m.top + plotH / 2}) rotate(-90)" text-anchor="middle" font-size="11" fill="${theme.muted}">${esc(opts.yLabel ?? 'training loss')}${log ? ' (log)' : ''}</text>`;
    series.forEach((s, i) => {
      const colour = s.colour ?? theme.series[i % theme.series.length]!;
      const dash = s.dash ?? DASHES[i % DASHES.length]!;
      const line = (values: readonly number[]) => {
        const pts: string[] = [];
        for (let k = 0; k < s.steps.length; k++) if (Number.isFinite(values[k]!)) pts.push(`${fixed(x(s.steps[k]!))},${fixed(y(values[k]!))}`);
        return pts;
      };
      const raw = line(s.losses);
      if (raw.length === 0) return;
      // Step losses are noisy (one batch each): the raw curve faint, a smoothed one on top.
      const smooth = s.losses.length > 30 && !fixedRange ? line(smoothLosses(s.losses)) : raw;
      if (smooth !== raw) body += `<polyline class="raw" points="${raw.join(' ')}" fill="none" stroke="${colour}" stroke-width="1" opacity="0.22"/>`;
      const pts = smooth;
      body += `<polyline data-series="${esc(s.id)}" points="${pts.join(' ')}" fill="none" stroke="${colour}" stroke-width="1.8"${dash ? ` stroke-dasharray="${dash}"` : ''} stroke-linejoin="round"/>`;
      if (s.live) {
        const [lx, ly] = pts[pts.length - 1]!.split(',');
        body += `<circle cx="${lx}" cy="${ly}" r="3.5" fill="${colour}"/>`;
      }
    });
  }
  // Legend: a short sample of each line's colour and dash, then its label (the full name on hover).
  series.forEach((s, i) => {
    const colour = s.colour ?? theme.series[i % theme.series.length]!;
    const dash = s.dash ?? DASHES[i % DASHES.length]!;
    const item = legend.items[i]!;
    const lx = item.x;
    const ly = m.top + plotH + 48 + item.row * 18;
    body += `<g class="legend" data-legend="${esc(s.id)}"><title>${esc(s.title ?? s.label)}</title>`;
    body += `<line x1="${fixed(lx)}" x2="${fixed(lx + 22)}" y1="${ly}" y2="${ly}" stroke="${colour}" stroke-width="2"${dash ? ` stroke-dasharray="${dash}"` : ''}/>`;
    body += `<text x="${fixed(lx + 28)}" y="${ly}" dy="0.32em" font-size="11" fill="${theme.foreground}">${esc(item.label)}</text></g>`;
  });
  const title = opts.title ? `<text x="${m.left}" y="16" font-size="13" font-weight="600" fill="${theme.foreground}">${esc(opts.title)}</text>` : '';
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" class="chart" data-figure="${esc(opts.figure ?? 'loss')}" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" ${font} role="img" aria-label="${esc(opts.yLabel ?? 'training loss')} curves">` +
    `<rect width="100%" height="100%" fill="${theme.background}"/>${title}${body}</svg>`
  );
}
