// Cross-checks between blocks: can this task run on this data, does the vocabulary hold its outputs, does
// the sequence fit the model, is a prefix shorter than the reserved positions, is a probe an input.
import { taskInputLang, wordLangRange } from '../catalogue/words.js';
import type { Range } from '../syntax/ast.js';
import type { DataSpec, Lang, MethodSpec, ModelSpec, TaskSpec } from '../spec.js';
import type { AnalysisContext } from './context.js';

const LANG_NAME: Record<Lang, string> = { en: 'English', de: 'German', es: 'Spanish' };

/** How messages name a task (built only when one is reported). */
function taskLabel(task: TaskSpec): string {
  return task.name ? `task '${task.name}'` : 'this task';
}

/** Reports whether `task` can run on `data` and fits its vocabulary. Returns true when it can. */
export function checkTaskOnData(ctx: AnalysisContext, task: TaskSpec, data: DataSpec, range: Range): boolean {
  if (data.kind === 'words') {
    // The input is drawn in the task's input language (the source of its first translate), so only a later
    // translate can receive words of the wrong language.
    let lang: Lang = taskInputLang(task.steps);
    for (const s of task.steps) {
      if (s.kind === 'translate') {
        if (s.from !== lang) {
          ctx.report('incompatible-data', range, `${taskLabel(task)}: translate(${s.from}, ${s.to}) expects ${LANG_NAME[s.from]} words but receives ${LANG_NAME[lang]} words`);
          return false;
        }
        lang = s.to;
      } else if (s.kind !== 'copy' && s.kind !== 'reverse') {
        ctx.report('incompatible-data', range, `${taskLabel(task)}: ${s.kind} needs digit data, but data '${data.name}' holds words (only copy, reverse and translate apply to words)`);
        return false;
      }
    }
    return true;
  }
  if (!digitOutputs(task, data, digitOut)) {
    ctx.report('incompatible-data', range, `${taskLabel(task)}: translate needs word data (data { kind: words }), but data '${data.name}' holds digits`);
    return false;
  }
  const { lo, hi } = digitOut;
  if (lo < 0) {
    ctx.report('out-of-range', range, `${taskLabel(task)} produces tokens down to ${lo} on data '${data.name}', but tokens cannot be negative`);
    return false;
  }
  if (hi >= data.vocab) {
    ctx.report('vocab-too-small', range, `${taskLabel(task)} produces tokens up to ${hi} on data '${data.name}', but its vocabulary of ${data.vocab} holds tokens 0..${data.vocab - 1}; set vocab: ${hi + 1}`);
    return false;
  }
  return true;
}

/**
 * The attention probe must be an input of the data: `length` tokens in the input range. On word data inputs
 * are words of a task's input language, so the probe must be words of one language that some evaluated task
 * reads (English for the usual translate(en, …) tasks).
 */
export function checkProbe(ctx: AnalysisContext, probe: readonly number[], data: DataSpec, runName: string, tasks: readonly TaskSpec[], range: Range): void {
  if (probe.length !== data.length) {
    ctx.report('invalid-probe', range, `the probe has ${probe.length} tokens, but inputs of data '${data.name}' (used by '${runName}') have ${data.length}`);
    return;
  }
  if (data.kind !== 'words') {
    const [lo, hi] = data.values;
    if (probe.some((x) => x < lo || x > hi)) ctx.report('invalid-probe', range, `probe tokens must lie in ${lo}..${hi}, the input values of data '${data.name}'`);
    return;
  }
  const langs = [...new Set(tasks.map((t) => taskInputLang(t.steps)))];
  const ranges = langs.map((l) => wordLangRange(l, data.words));
  if (ranges.some(([lo, hi]) => probe.every((x) => x >= lo && x <= hi))) return;
  const allowed = langs.map((l, i) => `${ranges[i]![0]}..${ranges[i]![1]} (${LANG_NAME[l]} words)`).join(' or ');
  ctx.report('invalid-probe', range, `probe tokens must all lie in ${allowed}, the inputs of the evaluated tasks on data '${data.name}'`);
}

/** An inclusive token range, filled in by digitOutputs. */
export interface TokenRange {
  lo: number;
  hi: number;
}

/**
 * Sets `out` to the tokens a task can output on digit data, as an inclusive range (an over-approximation: the
 * input range shifted by every `add`, 1..length after a `histogram`); false when a step needs word data. It
 * runs for every task of every run, so it fills the caller's object rather than returning a new pair.
 */
export function digitOutputs(task: TaskSpec, data: DataSpec, out: TokenRange): boolean {
  let lo = data.values[0];
  let hi = data.values[1];
  for (const s of task.steps) {
    if (s.kind === 'translate') return false;
    if (s.kind === 'add') {
      lo += s.k;
      hi += s.k;
    } else if (s.kind === 'histogram') {
      lo = 1;
      hi = data.length;
    }
  }
  out.lo = lo;
  out.hi = hi;
  return true;
}

/** checkTaskOnData's range (never held across calls). */
const digitOut: TokenRange = { lo: 0, hi: 0 };

export function checkInputsFitVocab(ctx: AnalysisContext, data: DataSpec, range: Range): void {
  if (data.kind === 'digits' && data.values[1] >= data.vocab) {
    ctx.report('vocab-too-small', range, `inputs go up to ${data.values[1]}, but the vocabulary of ${data.vocab} holds tokens 0..${data.vocab - 1}; set vocab: ${data.values[1] + 1}`);
  }
}

/** The model reads every token but the last: reserve + input + output − 1 positions. */
export function checkSequenceFits(ctx: AnalysisContext, model: ModelSpec, data: DataSpec, reserve: number, range: Range): void {
  const need = reserve + 2 * data.length - 1;
  if (need > model.context) {
    ctx.report(
      'sequence-exceeds-context',
      range,
      `${reserve} reserved + ${data.length} input + ${data.length} output tokens need ${need} positions (the last token is never read), but model '${model.name}' has context ${model.context}; set context: ${need}`,
    );
  }
}

/** Methods that occupy reserved positions: residual prefixes, soft prompts and prompts. */
export function checkReserve(ctx: AnalysisContext, method: MethodSpec, reserve: number, pretrain: string, range: Range): void {
  const occupies = (method.kind === 'prefix' && method.space === 'residual') || method.kind === 'soft_prompt' || method.kind === 'prompt';
  if (!occupies) return;
  const length = (method as { length: number }).length;
  if (length > reserve) {
    const what = method.kind === 'prefix' ? 'a residual prefix' : method.kind === 'soft_prompt' ? 'a soft prompt' : 'a prompt';
    ctx.report(
      'prefix-exceeds-reserve',
      range,
      `${what} of length ${length} needs ${length} reserved positions, but pretraining run '${pretrain}' reserves ${reserve}; set reserve: ${length} in '${pretrain}'${method.kind === 'prefix' ? " or use space: kv" : ''}`,
    );
  }
}

export function checkLoraRank(ctx: AnalysisContext, method: MethodSpec, model: ModelSpec, range: Range): void {
  if (method.kind !== 'lora') return;
  const limit = Math.min(model.width, model.mlp);
  const smallest = method.targets.some((t) => t === 'mlp_in' || t === 'mlp_out') ? limit : model.width;
  if (method.rank > smallest) {
    ctx.report('lora-rank-too-large', range, `LoRA rank ${method.rank} exceeds ${smallest}, the smaller side of the adapted matrices of model '${model.name}' (width ${model.width})`);
  }
}
