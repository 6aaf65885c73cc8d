// Trainable-parameter budgets of a method and of its alternatives on the same model, for hover and inlay
// hints: "prefix(length: 12): 4 × 12 × 256 = 12,288; LoRA rank 1 on the same targets: 12,288; full: 3.2M".
import { methodText } from '../analysis/values.js';
import { formatCompact, formatCount, loraRankForBudget, trainableParameters } from '../params.js';
import { type LoraTarget, type MethodSpec, type ModelSpec } from '../spec.js';

/** The paper's LoRA targets (attention output and both MLP layers), the catalogue's default: enough to add a value map. */
export const DEFAULT_LORA_TARGETS: LoraTarget[] = ['output', 'mlp_in', 'mlp_out'];
/**
 * A new attention pattern lives in the query and key weights: in a one-layer model, LoRA on the output
 * and MLP cannot move layer 0's pattern any more than a prefix can, so the theory suggests these.
 */
export const ATTENTION_LORA_TARGETS: LoraTarget[] = ['query', 'key', 'value', 'output'];

/** LoRA on `targets` with the rank whose trainable count is closest to `budget`. */
export function closestLora(budget: number, model: ModelSpec, targets: LoraTarget[]): MethodSpec & { kind: 'lora' } {
  return { kind: 'lora', rank: loraRankForBudget(Math.max(budget, 1), model, targets), alpha: 1, targets };
}

/** What the alternatives depend on besides the method and the model. */
export interface AlternativeOptions {
  /** The LoRA targets to compare with (the theory's choice when it warned about this method). */
  loraTargets?: LoraTarget[];
  /** Positions the pretraining reserves: a residual prefix longer than this cannot run. */
  reserve?: number;
}

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
export function alternatives(method: MethodSpec, model: ModelSpec, vocab: number, options: AlternativeOptions = {}): Budget[] {
  const own = trainableParameters(method, model, vocab).total;
  const out: Budget[] = [];
  if (method.kind !== 'lora') {
    const lora = closestLora(own, model, options.loraTargets ?? DEFAULT_LORA_TARGETS);
    out.push({ ...budgetOf(lora, model, vocab), label: `LoRA rank ${lora.rank} (${lora.targets.join(', ')})` });
  }
  // A residual prefix occupies reserved positions, so none is longer than the reserve (nor the context).
  const longest = Math.min(options.reserve ?? model.context, model.context);
  if (method.kind !== 'prefix' && longest >= 1) {
    // A residual prefix of P positions trains layers × P × width: the closest P to this budget that fits.
    const perPosition = model.layers * model.width;
    const closest = Math.max(1, Math.round(own / Math.max(1, perPosition)));
    const length = Math.min(closest, longest);
    const b = budgetOf({ kind: 'prefix', length, space: 'residual' }, model, vocab);
    out.push(length < closest ? { ...b, label: `${b.label} (the longest the reserve allows)` } : b);
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

