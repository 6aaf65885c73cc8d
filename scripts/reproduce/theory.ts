// Do the language server's theory warnings agree with what training found? For every tuning method of a
// spec (a finetune, or one item of a compare's methods with its whole search grid), the same analysis the
// editor runs (`analyse()` from grammar/) says whether it warned (novel-attention-pattern /
// novel-value-map), and the method's verdict says whether it learned the task. A warning agrees with
// "not learned (converged)" and no warning with "learned"; an inconclusive verdict is neither, so it counts
// on neither side (agrees: null).
import { analyse } from '../../grammar/src/index.js';
import type { Range } from '../../grammar/src/syntax/ast.js';
import type { MethodVerdict, VerdictKind } from '../../runtime/src/evidence/verdict.js';

export const THEORY_CODES = ['novel-attention-pattern', 'novel-value-map'] as const;

export interface TheoryCheck {
  /** `<compare> · <method item>` */
  group: string;
  task: string;
  warnings: string[];
  verdict: VerdictKind;
  /** Test exact match of the selected configuration, mean over seeds (null without one). */
  mean: number | null;
  /** Warned and not learned, or not warned and learned; null when the verdict is inconclusive. */
  agrees: boolean | null;
}

const sameRange = (a: Range, b: Range) =>
  a.start.line === b.start.line && a.start.character === b.start.character && a.end.line === b.end.line && a.end.character === b.end.character;

export function theoryChecks(text: string, verdicts: readonly MethodVerdict[]): TheoryCheck[] {
  const analysis = analyse(text);
  // Warnings by the compare run that names the method item (every grid point of an item shares its range).
  const warned = new Map<string, Set<string>>();
  for (const d of analysis.diagnostics) {
    if (!(THEORY_CODES as readonly string[]).includes(d.code)) continue;
    const m = analysis.methods.find((mi) => sameRange(mi.range, d.range));
    if (!m) throw new Error(`theory warning at ${d.range.start.line + 1}:${d.range.start.character + 1} is on no method`);
    warned.set(m.run, (warned.get(m.run) ?? new Set()).add(d.code));
  }
  return verdicts.map((v) => {
    const codes = new Set(v.grid.flatMap((p) => p.runs.flatMap((r) => [...(warned.get(r) ?? [])])));
    const warnings = [...codes];
    const decided = v.verdict === 'learned' || v.verdict === 'not-learned';
    return {
      group: `${v.compare} · ${v.method}`,
      task: v.task,
      warnings,
      verdict: v.verdict,
      mean: v.selected?.test?.mean ?? null,
      agrees: decided ? (v.verdict === 'learned') === (warnings.length === 0) : null,
    };
  });
}
