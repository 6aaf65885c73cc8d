// Output tokens the pretraining never produced. Not the paper's theorem but a measured limit of the same
// experiments (docs/results.md, translation): the model's output head is untied, and LoRA, prefixes and
// prompts leave it frozen. Rows of tokens that no pretraining task ever output were only pushed down, all
// together, so they share one large common part and barely tell those tokens apart; a method that cannot
// train the head then learns little of a task that must tell them apart. See docs/diagnostics.md.
import { taskOutputLang, wordLangStart } from '../catalogue/words.js';
import type { Range } from '../syntax/ast.js';
import type { DataSpec, Lang, MethodSpec, TaskSpec } from '../spec.js';
import { digitOutputs } from './checks.js';
import type { AnalysisContext } from './context.js';

const LANG_WORDS: Record<Lang, string> = { en: 'English words', de: 'German words', es: 'Spanish words' };
const METHOD_NAME: Record<Exclude<MethodSpec['kind'], 'full'>, string> = { lora: 'LoRA', prefix: 'prefix-tuning', soft_prompt: 'soft prompting', prompt: 'prompting' };

/**
 * What a task can output on its data: an inclusive token range (an over-approximation), written into a
 * caller's object. This runs for every non-full method of every run and for each task its model learned, so
 * it fills a reused object instead of returning a new one (and a new range pair) per task.
 */
interface Outputs {
  lo: number;
  hi: number;
  /** The output language on word data; null on digits. */
  lang: Lang | null;
}

/** Sets `out` to the tokens `task` can output on `data`; false when it cannot run there (checkTaskOnData reports it). */
function outputsOf(task: TaskSpec, data: DataSpec, out: Outputs): boolean {
  if (data.kind === 'words') {
    for (const s of task.steps) if (s.kind !== 'translate' && s.kind !== 'copy' && s.kind !== 'reverse') return false;
    const lang = taskOutputLang(task.steps);
    out.lo = wordLangStart(lang, data.words);
    out.hi = out.lo + data.words - 1;
    out.lang = lang;
    return true;
  }
  out.lang = null;
  return digitOutputs(task, data, out);
}

/** Scratch for checkUntrainedOutputs (never held across calls: the check does not call back out). */
const targetOut: Outputs = { lo: 0, hi: 0, lang: null };
const learnedOut: Outputs = { lo: 0, hi: 0, lang: null };
/** The learned tasks' output ranges: lo at even, hi at odd indices, `seenCount` pairs in use. */
const seen: number[] = [];

export interface OutputTokensInput {
  method: MethodSpec;
  methodRange: Range;
  target: TaskSpec;
  targetLabel: string;
  /**
   * The tasks the starting model learned (the pretraining mix plus weight-changing finetunes on the `from`
   * chain, as for the theory rules). A LoRA finetune on the chain counts too although it left the head
   * frozen: the check may then stay silent where it could speak, never the other way round.
   */
  learned: readonly TaskSpec[];
  pretrainName: string;
  data: DataSpec;
}

/**
 * Reports (as information) a method that leaves the head frozen, tuned for a task with two or more output
 * tokens that no learned task outputs: with a single such token there is nothing to tell apart.
 */
export function checkUntrainedOutputs(ctx: AnalysisContext, input: OutputTokensInput): void {
  if (input.method.kind === 'full') return;
  const target = targetOut;
  if (!outputsOf(input.target, input.data, target)) return;
  let seenCount = 0;
  for (const t of input.learned) {
    if (!outputsOf(t, input.data, learnedOut)) continue;
    seen[2 * seenCount] = learnedOut.lo;
    seen[2 * seenCount + 1] = learnedOut.hi;
    seenCount++;
  }
  let unseen = 0;
  let first = -1;
  let last = -1;
  for (let tok = target.lo; tok <= target.hi; tok++) {
    if (isSeen(tok, seenCount)) continue;
    unseen++;
    if (first < 0) first = tok;
    last = tok;
  }
  if (unseen < 2) return;
  const what = target.lang && unseen === target.hi - target.lo + 1 ? `${LANG_WORDS[target.lang]} (tokens ${first}..${last})` : `${unseen} tokens in ${first}..${last}`;
  const method = METHOD_NAME[input.method.kind];
  ctx.report(
    'untrained-output-tokens',
    input.methodRange,
    [
      'task `', input.targetLabel, '` outputs ', what, ', which ', `'${input.pretrainName}'`, ' never output in training; ',
      method, ' leaves the untied output head frozen, and the head rows of tokens never output were only pushed down together, ',
      'so they barely tell those tokens apart: expect it to learn little of them. Add a pretraining task that outputs them',
      target.lang ? ` (e.g. translate(${target.lang}, ${target.lang}), which copies them without teaching this task)` : '',
      ' or use full fine-tuning.',
    ].join(''),
  );
}

/** Whether a learned task outputs `tok` (one of the first `count` ranges in `seen`). */
function isSeen(tok: number, count: number): boolean {
  for (let i = 0; i < count; i++) if (tok >= seen[2 * i]! && tok <= seen[2 * i + 1]!) return true;
  return false;
}
