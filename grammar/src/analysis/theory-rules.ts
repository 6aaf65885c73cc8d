// The theory diagnostics: a context-based method (prompt, soft prompt, prefix) tuned for a task that
// needs an attention pattern or a value map the pretrained model never learned. See docs/diagnostics.md.
import { formatCount, loraRankForBudget, trainableParameters, type ParamCount } from '../params.js';
import type { Range } from '../syntax/ast.js';
import { CONTEXT_METHODS, type LoraTarget, type MethodSpec, type ModelSpec, type TaskSpec } from '../spec.js';
import { hasSkillGap, skillGap, type Skill } from '../theory/skills.js';
import type { AnalysisContext } from './context.js';
import type { Fix } from './diagnostics.js';
import { methodText } from './values.js';

/** The paper's LoRA targets: enough to add a value map (attention output and both MLP layers). */
const DEFAULT_LORA_TARGETS: LoraTarget[] = ['output', 'mlp_in', 'mlp_out'];
/**
 * A new attention pattern lives in the query and key weights: in a one-layer model, LoRA on the output
 * and MLP cannot move layer 0's pattern any more than a prefix can, so the suggestion adapts attention.
 */
const ATTENTION_LORA_TARGETS: LoraTarget[] = ['query', 'key', 'value', 'output'];

const METHOD_NAME: Record<MethodSpec['kind'], string> = {
  full: 'full fine-tuning',
  lora: 'LoRA',
  prefix: 'prefix-tuning',
  soft_prompt: 'soft prompting',
  prompt: 'prompting',
};

export interface TheoryInput {
  method: MethodSpec;
  /** Range of the method value (the warning's location and the fixes' target). */
  methodRange: Range;
  target: TaskSpec;
  /** Display name of the target task: its declared name or its source text. */
  targetLabel: string;
  /** Text to add to the pretraining tasks list to cover the target (computed only when a warning fires). */
  targetText: () => string;
  /** Tasks the starting model was trained on (the pretrain's mix plus weight-changing finetunes on the way). */
  learned: TaskSpec[];
  pretrainName: string;
  /** Where to insert `, task` in the pretraining run's tasks list (just before its `]`), if known. */
  pretrainTasksEnd: Range | null;
  model: ModelSpec;
  vocab: number;
  overrides: { lr?: number; steps?: number };
  /** trainableParameters, or a memo of it (the analysis shares counts between uses). */
  count?: (method: MethodSpec, model: ModelSpec, vocab: number) => ParamCount;
}

function skillList(skills: Skill[]): string {
  return skills.map((s) => s.label).join('; ');
}

/**
 * Whether checkTheory has anything to say about `method` tuned for `target` from a model that learned
 * `learned`: callers skip building its input (messages, fixes, closures) for the many runs without a gap.
 */
export function theoryApplies(method: MethodSpec, target: TaskSpec, learned: readonly TaskSpec[]): boolean {
  return CONTEXT_METHODS.includes(method.kind) && hasSkillGap(target, learned);
}

/** What checkTheory offers instead of a context method: LoRA with the closest budget, or full fine-tuning. */
interface Suggestion {
  loraText: string;
  fullText: string;
  /** The message's "use … or full fine-tuning (…)" part. */
  alternative: string;
  loraTitle: string;
  fullTitle: string;
}

/**
 * Suggestions by the values they depend on: runs of a large spec repeat the same methods on the same models,
 * and each suggestion takes three counts, two method texts and five formatted numbers. Bounded like the
 * other text caches (the values come from the file).
 */
const suggestions = new Map<string, Suggestion>();

function suggestion(input: TheoryInput, missingPatterns: boolean): Suggestion {
  const count = input.count ?? trainableParameters;
  const budget = count(input.method, input.model, input.vocab).total;
  const m = input.model;
  // Everything below follows from these: the counts from the method's budget, the model's shape and the vocab.
  const key = [missingPatterns ? 1 : 0, input.method.kind, budget, m.layers, m.width, m.mlp, m.context, input.vocab, input.overrides.lr, input.overrides.steps].join();
  let s = suggestions.get(key);
  if (s) return s;
  const targets = missingPatterns ? ATTENTION_LORA_TARGETS : DEFAULT_LORA_TARGETS;
  const rank = loraRankForBudget(Math.max(budget, 1), m, targets);
  const lora: MethodSpec = { kind: 'lora', rank, alpha: 1, targets };
  const loraCount = count(lora, m, input.vocab).total;
  const full = count({ kind: 'full' }, m, input.vocab).total;
  const loraText = methodText(lora, input.overrides);
  s = {
    loraText,
    fullText: methodText({ kind: 'full' }, input.overrides),
    alternative: ['use ', loraText, ' (', formatCount(loraCount), ' trainable parameters; this ', input.method.kind.replace('_', ' '), ' trains ', formatCount(budget), ') or full fine-tuning (', formatCount(full), ')'].join(''),
    loraTitle: `Switch to ${loraText} (${formatCount(loraCount)} parameters, closest LoRA budget)`,
    fullTitle: `Switch to full fine-tuning (${formatCount(full)} parameters)`,
  };
  if (suggestions.size < 1000) suggestions.set(key, s);
  return s;
}

export function checkTheory(ctx: AnalysisContext, input: TheoryInput): void {
  if (!CONTEXT_METHODS.includes(input.method.kind)) return;
  const gap = skillGap(input.target, input.learned);
  if (gap.missingPatterns.length === 0 && gap.missingMaps.length === 0) return;

  const who = METHOD_NAME[input.method.kind];
  const had = input.learned.map((t) => t.name || 'an inline task').join(', ');
  const { loraText, fullText, alternative, loraTitle, fullTitle } = suggestion(input, gap.missingPatterns.length > 0);
  const fixes: Fix[] = [
    { title: loraTitle, edits: [{ range: input.methodRange, newText: loraText }], preferred: true },
    { title: fullTitle, edits: [{ range: input.methodRange, newText: fullText }] },
  ];
  if (input.pretrainTasksEnd) {
    const text = input.targetText();
    fixes.push({
      title: `Add ${text} to the tasks of pretraining run '${input.pretrainName}'`,
      edits: [{ range: input.pretrainTasksEnd, newText: `, ${text}` }],
    });
  }

  // Messages are joined from their parts rather than concatenated: a diagnostic is kept, and a concatenated
  // message is kept as a tree of a few dozen string pieces, a joined one as one string.
  if (gap.missingPatterns.length) {
    const hasPatterns = gap.available.filter((s) => s.kind === 'pattern');
    ctx.report(
      'novel-attention-pattern',
      input.methodRange,
      [
        who, ' cannot change the relative attention that task `', input.targetLabel, '` needs (', skillList(gap.missingPatterns), '); ',
        "the pretrained model never learned it: '", input.pretrainName, "' was trained on ", had, ', whose patterns are: ', skillList(hasPatterns) || 'none', '. ',
        'Context only rescales the attention over the content and adds a bias; ', alternative,
      ].join(''),
      fixes,
    );
  }
  if (gap.missingMaps.length) {
    const hasMaps = gap.available.filter((s) => s.kind === 'map');
    ctx.report(
      'novel-value-map',
      input.methodRange,
      [
        who, ' cannot add the value map that task `', input.targetLabel, '` needs (', skillList(gap.missingMaps), '); ',
        "the pretrained model never learned it: '", input.pretrainName, "' was trained on ", had, ', whose maps are: ', skillList(hasMaps) || 'none', '. ',
        'Context can only elicit or combine pretrained skills; ', alternative,
      ].join(''),
      gap.missingPatterns.length ? [] : fixes,
    );
  }
}
