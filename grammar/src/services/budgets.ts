// Trainable-parameter budgets of a method and of its alternatives on the same model, for hover and inlay
// hints: "prefix(length: 12): 4 × 12 × 256 = 12,288; LoRA rank 1 on the same targets: 12,288; full: 3.2M".
import { methodText } from '../analysis/values.js';
import { formatCompact, formatCount, loraRankForBudget, trainableParameters } from '../params.js';
import { type LoraTarget, type MethodSpec, type ModelSpec } from '../spec.js';

/** The paper's LoRA targets (attention output and both MLP layers), the catalogue's default. */
export const DEFAULT_LORA_TARGETS: LoraTarget[] = ['output', 'mlp_in', 'mlp_out'];

export interface Budget {
  label: string;
  total: number;
  formula: string;
}

export function budgetOf(method: MethodSpec, model: ModelSpec, vocab: number): Budget {
  const c = trainableParameters(method, model, vocab);
  return { label: methodText(method, {}), total: c.total, formula: c.formula };
}

/** The alternatives a user weighs against `method`: LoRA of the closest budget, a residual prefix, full. */
export function alternatives(method: MethodSpec, model: ModelSpec, vocab: number): Budget[] {
  const own = trainableParameters(method, model, vocab).total;
  const out: Budget[] = [];
  if (method.kind !== 'lora') {
    const targets = DEFAULT_LORA_TARGETS;
    const rank = loraRankForBudget(Math.max(own, 1), model, targets);
    const lora: MethodSpec = { kind: 'lora', rank, alpha: 1, targets };
    out.push({ ...budgetOf(lora, model, vocab), label: `LoRA rank ${rank} (${targets.join(', ')})` });
  }
  if (method.kind !== 'prefix') {
    // A residual prefix of P positions trains layers × P × width: the closest P to this budget.
    const perPosition = model.layers * model.width;
    const length = Math.max(1, Math.round(own / Math.max(1, perPosition)));
    out.push(budgetOf({ kind: 'prefix', length, space: 'residual' }, model, vocab));
  }
  if (method.kind !== 'full') {
    const full = trainableParameters({ kind: 'full' }, model, vocab).total;
    out.push({ label: 'full', total: full, formula: `all weights = ${formatCount(full)}` });
  }
  return out;
}

/** One line: the method's own formula, then each alternative's count (compact for large ones). */
export function budgetSummary(method: MethodSpec, model: ModelSpec, vocab: number): string {
  const own = budgetOf(method, model, vocab);
  const parts = [`${own.label}: ${own.formula}`];
  for (const a of alternatives(method, model, vocab)) parts.push(`${a.label}: ${a.total >= 1e4 ? formatCompact(a.total) : formatCount(a.total)}`);
  return parts.join('; ');
}

