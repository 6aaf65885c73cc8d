// Short run labels for narrow panels and legends. Compare runs are named `<compare>/<method(args)>/seed<n>`
// (`desc_methods/lora(rank: 1, targets: […], lr: 0.02)/seed0`): the label drops the compare name and
// shortens the arguments, as little as keeps every label of the view distinct; the full name stays in a
// tooltip.

const COMPARE_RUN = /^([^/]+)\/(.+)\/seed(-?\d+)$/;

/** Labels of one run from shortest to fullest. */
function levels(name: string): string[] {
  const m = COMPARE_RUN.exec(name);
  if (!m) return [name];
  const method = m[2]!;
  const seed = `seed ${m[3]}`;
  const open = method.indexOf('(');
  const out: string[] = [];
  if (open > 0 && method.endsWith(')')) {
    const args = method.slice(open + 1, -1).split(',').map((a) => a.trim()).filter(Boolean);
    const head = method.slice(0, open);
    if (args.length > 1) out.push(`${head}(${args[0]}, …) · ${seed}`);
  }
  out.push(`${method} · ${seed}`, name);
  return out;
}

/** A label per name: the shortest level at which no two names of the list share a label. */
export function shortRunLabels(names: readonly string[]): Map<string, string> {
  const unique = [...new Set(names)];
  const all = unique.map(levels);
  const depth = Math.max(1, ...all.map((l) => l.length));
  for (let level = 0; level < depth; level++) {
    const labels = all.map((l) => l[Math.min(level, l.length - 1)]!);
    if (new Set(labels).size === labels.length) return new Map(unique.map((n, i) => [n, labels[i]!]));
  }
  return new Map(unique.map((n) => [n, n]));
}
