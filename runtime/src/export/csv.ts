// CSV as RFC 4180 has it: comma-separated, CRLF line ends, fields with commas, quotes or line breaks in
// double quotes (quotes doubled). Run names like `cmp/lora(rank: 1, alpha: 2)/seed0` need the quoting.

export type CsvCell = string | number | boolean | null;

function cell(v: CsvCell): string {
  const s = v === null ? '' : String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function csv(header: readonly string[], rows: ReadonlyArray<readonly CsvCell[]>): string {
  return [header, ...rows].map((r) => r.map(cell).join(',')).join('\r\n') + '\r\n';
}
