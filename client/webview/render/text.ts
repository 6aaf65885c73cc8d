// Text helpers for the views: markup escaping and the number formats of `ptx run`'s table (the same
// functions, so the panel, the HTML report and the terminal print the same numbers).
export { formatPercent, formatSeconds, formatLoss } from '../../../runtime/src/commands/run/format.js';
export { formatCount } from '../../../grammar/src/params.js';

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for HTML/SVG content and attribute values. */
export function esc(text: string | number): string {
  return String(text).replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

/** Rounds for attributes and labels without long float tails. */
export function fixed(x: number, digits = 2): string {
  return Number.isFinite(x) ? String(Number(x.toFixed(digits))) : '0';
}
