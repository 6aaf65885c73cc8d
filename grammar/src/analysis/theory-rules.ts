// The theory diagnostics: a context-based method (prompt, soft prompt, prefix) tuned for a task that
// needs an attention pattern or a value map the pretrained model never learned. See docs/diagnostics.md.
// Each task is judged by what it computes on the run's data: its simplest equal form (tasks/forms.ts), and
// a task equal to one the model learned is covered whatever its spelling.
import { formatCount, trainableParameters, type ParamCount } from '../params.js';
import { ATTENTION_LORA_TARGETS, closestLora, DEFAULT_LORA_TARGETS } from '../services/budgets.js';
import type { Range } from '../syntax/ast.js';
import { CONTEXT_METHODS, type DataSpec, type MethodSpec, type ModelSpec, type TaskSpec } from '../spec.js';
import { sameTask, simplerForm, stepsText } from '../tasks/forms.js';
import { hasSkillGap, skillGap, type Skill } from '../theory/skills.js';
import type { AnalysisContext } from './context.js';
import type { Fix } from './diagnostics.js';
import { methodText } from './values.js';

const METHOD_NAME: Record<MethodSpec['kind'], string> = {
  full: 'full fine-tuning',
  lora: 'LoRA',
  prefix: 'prefix',
  soft_prompt: 'soft prompt',
  prompt: 'prompt',
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
  /** The run's data: tasks are compared on its inputs. */
  data: DataSpec;
  vocab: number;
  overrides: { lr?: number; steps?: number };
  /** trainableParameters, or a memo of it (the analysis shares counts between uses). */
  count?: (method: MethodSpec, model: ModelSpec, vocab: number) => ParamCount;
}

function quoted(skills: readonly Skill[]): string {
  return skills.map((s) => `'${s.short}'`).join(', ');
}

/** Judged forms by task object and data object (one analysis shares both); the forms are cached by value too. */
const judgedCache = new WeakMap<TaskSpec, WeakMap<DataSpec, TaskSpec>>();

/** The task the theory judges: its simplest equal form on `data`, or the task itself. */
export function judgedTask(task: TaskSpec, data: DataSpec): TaskSpec {
  let byData = judgedCache.get(task);
  if (!byData) judgedCache.set(task, (byData = new WeakMap()));
  let j = byData.get(data);
  if (!j) byData.set(data, (j = simplerForm(task, data)?.form ?? task));
  return j;
}

/** The judged target and learned tasks, or null when the target equals a learned task on the data. */
function judged(target: TaskSpec, learned: readonly TaskSpec[], data: DataSpec): { target: TaskSpec; learned: TaskSpec[] } | null {
  const t = judgedTask(target, data);
  const l = learned.map((x) => judgedTask(x, data));
  if (!hasSkillGap(t, l)) return { target: t, learned: l };
  // Only runs with a gap compare functions: a task the model learned under another spelling is covered.
  for (const x of learned) if (sameTask(target, x, data)) return null;
  return { target: t, learned: l };
}

/**
 * Whether checkTheory has anything to say about `method` tuned for `target` from a model that learned
 * `learned`: callers skip building its input (messages, fixes, closures) for the many runs without a gap.
 */
export function theoryApplies(method: MethodSpec, target: TaskSpec, learned: readonly TaskSpec[], data: DataSpec): boolean {
  if (!CONTEXT_METHODS.includes(method.kind)) return false;
  const j = judged(target, learned, data);
  return j !== null && hasSkillGap(j.target, j.learned);
}

/** What checkTheory offers instead of a context method: LoRA with the closest budget, or full fine-tuning. */
interface Suggestion {
  loraText: string;
  fullText: string;
  /** The message's closing comparison: "LoRA rank 1 on attention trains 256 parameters like this prefix". */
  comparison: string;
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
  const lora = closestLora(budget, m, missingPatterns ? ATTENTION_LORA_TARGETS : DEFAULT_LORA_TARGETS);
  const loraCount = count(lora, m, input.vocab).total;
  const full = count({ kind: 'full' }, m, input.vocab).total;
  const loraText = methodText(lora, input.overrides);
  const kind = METHOD_NAME[input.method.kind];
  const own = loraCount === budget ? `like this ${kind}` : `(this ${kind}: ${formatCount(budget)})`;
  s = {
    loraText,
    fullText: methodText({ kind: 'full' }, input.overrides),
    comparison: ['LoRA rank ', lora.rank, missingPatterns ? ' on attention' : ' on output and MLP', ' trains ', formatCount(loraCount), ' parameters ', own].join(''),
    loraTitle: `Switch to ${loraText} (${formatCount(loraCount)} parameters, closest LoRA budget)`,
    fullTitle: `Switch to full fine-tuning (${formatCount(full)} parameters)`,
  };
  if (suggestions.size < 1000) suggestions.set(key, s);
  return s;
}

/**
 * Reports what a context method cannot learn, in one sentence with the numbers (the reasoning is in
 * docs/diagnostics.md, linked from every diagnostic). Returns which kind of skill is missing (a missing
 * pattern first), or null: the hover compares the method with the LoRA the quick fix suggests.
 */
export function checkTheory(ctx: AnalysisContext, input: TheoryInput): 'pattern' | 'map' | null {
  if (!CONTEXT_METHODS.includes(input.method.kind)) return null;
  const j = judged(input.target, input.learned, input.data);
  if (!j) return null;
  const gap = skillGap(j.target, j.learned);
  if (gap.missingPatterns.length === 0 && gap.missingMaps.length === 0) return null;

  const who = METHOD_NAME[input.method.kind];
  const { loraText, fullText, comparison, loraTitle, fullTitle } = suggestion(input, gap.missingPatterns.length > 0);
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
  // The task as judged: its name, and what it computes when that is a simpler form.
  const what = j.target === input.target ? input.targetLabel : `${input.targetLabel} computes ${stepsText(j.target.steps)}`;

  // Messages are joined from their parts rather than concatenated: a diagnostic is kept, and a concatenated
  // message is kept as a tree of a few dozen string pieces, a joined one as one string.
  if (gap.missingPatterns.length) {
    const has = gap.available.filter((s) => s.kind === 'pattern');
    ctx.report(
      'novel-attention-pattern',
      input.methodRange,
      [who, ' cannot create the attention pattern ', quoted(gap.missingPatterns), ' (', what, "); '", input.pretrainName, "' implements only ", quoted(has) || 'none', ' — ', comparison].join(''),
      fixes,
    );
  }
  if (gap.missingMaps.length) {
    const has = gap.available.filter((s) => s.kind === 'map');
    ctx.report(
      'novel-value-map',
      input.methodRange,
      [who, ' cannot add the value map ', quoted(gap.missingMaps), ' (', what, "); '", input.pretrainName, "' implements only ", quoted(has) || 'none', ' — ', comparison].join(''),
      gap.missingPatterns.length ? [] : fixes,
    );
  }
  return gap.missingPatterns.length ? 'pattern' : 'map';
}
