// Output tokens the pretraining never produced. Not the paper's theorem but a measured limit of the same
// experiments (docs/results.md, translation): the model's output head is untied, and LoRA, prefixes and
// prompts leave it frozen. Rows of tokens that no pretraining task ever output were only pushed down, all
// together, so they share one large common part and barely tell those tokens apart; a method that cannot
// train the head then learns little of a task that must tell them apart. See docs/diagnostics.md.
import { taskOutputLang, wordLangRange } from '../catalogue/words.js';
import type { Range } from '../syntax/ast.js';
import type { DataSpec, Lang, MethodSpec, TaskSpec } from '../spec.js';
import { digitOutputRange } from './checks.js';
import type { AnalysisContext } from './context.js';

const LANG_WORDS: Record<Lang, string> = { en: 'English words', de: 'German words', es: 'Spanish words' };
const METHOD_NAME: Record<Exclude<MethodSpec['kind'], 'full'>, string> = { lora: 'LoRA', prefix: 'prefix-tuning', soft_prompt: 'soft prompting', prompt: 'prompting' };

/** What a task can output on its data: an inclusive token range (an over-approximation). */
interface Outputs {
  lo: number;
  hi: number;
  /** The output language on word data; null on digits. */
  lang: Lang | null;
}

/** The tokens `task` can output on `data`, or null when it cannot run there (checkTaskOnData reports it). */
function outputsOf(task: TaskSpec, data: DataSpec): Outputs | null {
  if (data.kind === 'words') {
    if (task.steps.some((s) => s.kind !== 'translate' && s.kind !== 'copy' && s.kind !== 'reverse')) return null;
    const lang = taskOutputLang(task.steps);
    const [lo, hi] = wordLangRange(lang, data.words);
    return { lo, hi, lang };
  }
  const r = digitOutputRange(task, data);
  return r && { lo: r[0], hi: r[1], lang: null };
}

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
  const target = outputsOf(input.target, input.data);
  if (!target) return;
  const seen: Array<[number, number]> = [];
  for (const t of input.learned) {
    const o = outputsOf(t, input.data);
    if (o) seen.push([o.lo, o.hi]);
  }
  let unseen = 0;
  let first = -1;
  let last = -1;
  for (let tok = target.lo; tok <= target.hi; tok++) {
    if (seen.some(([lo, hi]) => tok >= lo && tok <= hi)) continue;
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

