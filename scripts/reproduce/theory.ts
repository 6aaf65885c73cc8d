// Do the language server's theory warnings agree with what training found? For every tuning method of a
// spec (a finetune, or one method of a compare over all its seeds), the same analysis the editor runs
// (`analyse()` from grammar/) says whether it warned (novel-attention-pattern / novel-value-map), and the
// results say whether the method succeeded: mean exact match over seeds on its own task ≥ SUCCESS.
import { analyse } from '../../grammar/src/index.js';
import type { Range } from '../../grammar/src/syntax/ast.js';
import { allFinetunes } from '../../runtime/src/plan/plan.js';
import { mean, parseCompareRun } from './outcomes.js';
import type { SpecResult } from './run-spec.js';

export const THEORY_CODES = ['novel-attention-pattern', 'novel-value-map'] as const;

/** Mean exact match at or above which a method counts as having learned its task. */
export const SUCCESS = 0.5;

export interface TheoryCheck {
  /** `<compare>/<method>` or a finetune's name. */
  group: string;
  task: string;
  warnings: string[];
  exact: number[];
  mean: number;
  succeeded: boolean;
  /** Warned and failed, or not warned and succeeded. */
  agrees: boolean;
}

const sameRange = (a: Range, b: Range) =>
  a.start.line === b.start.line && a.start.character === b.start.character && a.end.line === b.end.line && a.end.character === b.end.character;

function groupOf(run: string): string {
  const c = parseCompareRun(run);
  return c ? `${c.compare}/${c.method}` : run;
}

export function theoryChecks(text: string, results: readonly SpecResult[]): TheoryCheck[] {
  const analysis = analyse(text);
  const warned = new Map<string, string[]>();
  for (const d of analysis.diagnostics) {
    if (!(THEORY_CODES as readonly string[]).includes(d.code)) continue;
    const m = analysis.methods.find((mi) => sameRange(mi.range, d.range));
    if (!m) throw new Error(`theory warning at ${d.range.start.line + 1}:${d.range.start.character + 1} is on no method`);
    const g = groupOf(m.run);
    warned.set(g, [...(warned.get(g) ?? []), d.code]);
  }
  const finetunes = allFinetunes(analysis.spec);
  const groups = new Map<string, { task: string; exact: Map<string, number> }>();
  for (const r of results) {
    const ft = finetunes.get(r.run);
    if (!ft || r.task !== ft.task.name) continue; // only a run's own task decides whether it learned it
    const g = groupOf(r.run);
    const entry = groups.get(g) ?? { task: r.task, exact: new Map<string, number>() };
    if (!entry.exact.has(r.run)) entry.exact.set(r.run, r.exact);
    groups.set(g, entry);
  }
  return [...groups].map(([group, { task, exact }]) => {
    const xs = [...exact.values()];
    const m = mean(xs);
    const warnings = warned.get(group) ?? [];
    const succeeded = m >= SUCCESS;
    return { group, task, warnings, exact: xs, mean: m, succeeded, agrees: succeeded === (warnings.length === 0) };
  });
}
