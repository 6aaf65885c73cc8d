// One colour per run in every view (table swatches, loss curves, legends): a run's colour follows its
// place among the spec's runs in the order its blocks declare them, so sorting, filtering or a run that
// finishes never recolours the others. Dash patterns go with the colours so lines stay apart in grey scale.
import type { ReportData } from '../../../runtime/src/report/data.js';
import type { Theme } from './theme.js';

export const DASHES = ['', '6 3', '2 3', '8 3 2 3', '1 2', '10 4'];

export interface RunStyle {
  colour: string;
  dash: string;
}

export function runStyles(data: ReportData | null, extra: readonly string[], theme: Theme): (name: string) => RunStyle {
  const order: string[] = [];
  const seen = new Set<string>();
  const add = (n: string) => {
    if (!seen.has(n)) {
      seen.add(n);
      order.push(n);
    }
  };
  for (const b of data?.blocks ?? []) if (b.kind !== 'evaluate') b.runs.forEach(add);
  for (const r of data?.runs ?? []) add(r.name);
  extra.forEach(add);
  const index = new Map(order.map((n, i) => [n, i]));
  return (name) => {
    const i = index.get(name) ?? order.length;
    return { colour: theme.series[i % theme.series.length]!, dash: DASHES[Math.floor(i / theme.series.length) % DASHES.length]! };
  };
}

/** A small colour sample as SVG (a presentation attribute, not an inline style: the panels' CSP forbids those). */
export function swatch(colour: string): string {
  return `<svg class="swatch" width="10" height="10" aria-hidden="true"><rect width="10" height="10" rx="2" fill="${colour.replace(/[^#\w(),. %-]/g, '')}"/></svg>`;
}
