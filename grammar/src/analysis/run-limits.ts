// What `ptx run` needs of each run, checked before anything trains: inputs on each side of the split it draws
// from, for every task it trains and is evaluated on (feasibility.ts), and memory within the backend's limit
// (memory.ts). Called from analyse.ts once per pretrain, per tuning method and per evaluated run.
import { findKey } from '../catalogue/blocks.js';
import { taskInputLang } from '../catalogue/words.js';
import { modelParameterCount } from '../params.js';
import type { Range } from '../syntax/ast.js';
import type { DataSpec, Lang, MethodSpec, PretrainSpec, ScheduleSpec, TaskSpec } from '../spec.js';
import type { AnalysisContext } from './context.js';
import { checkSplitSide } from './feasibility.js';
import { checkRunMemory, evaluationMemory, runMemory, type RunShape } from './memory.js';

/**
 * Test examples of a run's own evaluation when no evaluate block names it: the catalogue's default for
 * `samples`, which is also the runtime's (runtime/src/plan/plan.ts; an evaluate block with more is checked
 * by checkEvaluation).
 */
const OWN_SAMPLES = findKey('evaluate', 'samples')!.default as number;

const FULL: MethodSpec = { kind: 'full' };

function shapeOf(root: PretrainSpec): RunShape {
  return { model: root.model, vocab: root.data.vocab, reserve: root.reserve, length: root.data.length };
}

/**
 * The sides of the split a run draws from for each task: training, the validation sample its evaluations
 * during training read (finetunes: `validation`), and the test set of its own evaluation; once per input
 * language: on digit data every task draws the same inputs, so a problem is reported once, on the first task.
 */
function checkTasksSplit(ctx: AnalysisContext, data: DataSpec, tasks: readonly TaskSpec[], run: string, validation: boolean, rangeOf: (i: number) => Range): void {
  // Languages already checked (a plain loop: this runs for every run of a spec).
  let done: Lang[] | undefined;
  for (let i = 0; i < tasks.length; i++) {
    const lang = data.kind === 'words' ? taskInputLang(tasks[i]!.steps) : 'en';
    if (done?.includes(lang)) continue;
    (done ??= []).push(lang);
    if (!checkSplitSide(ctx, data, lang, 'train', `${run} trains on`, rangeOf(i))) continue;
    if (validation && !checkSplitSide(ctx, data, lang, 'validation', `${run}'s evaluation during training draws`, rangeOf(i))) continue;
    checkSplitSide(ctx, data, lang, 'test', `${run}'s evaluation draws`, rangeOf(i));
  }
}

export function checkPretrainRun(ctx: AnalysisContext, p: PretrainSpec, taskRange: (i: number) => Range, modelRange: Range): void {
  checkTasksSplit(ctx, p.data, p.tasks, `run '${p.name}'`, false, taskRange);
  const shape = shapeOf(p);
  const all = modelParameterCount(shape.model, shape.vocab);
  checkRunMemory(ctx, runMemory(shape, FULL, all, p.schedule.optimizer.kind, p.schedule.batch, OWN_SAMPLES, 0), `run '${p.name}'`, modelRange);
}

/** A finetune or compare block's task on its root's data (once per block, whatever its methods). */
export function checkTuningTask(ctx: AnalysisContext, root: PretrainSpec, task: TaskSpec, run: string, range: Range): void {
  checkTasksSplit(ctx, root.data, [task], `run '${run}'`, true, () => range);
}

/**
 * One tuning method of a finetune or compare block (training `trainable` scalars): its memory at the block's
 * batch, with its evaluations during training on `validation` examples.
 */
export function checkTuningMemory(ctx: AnalysisContext, root: PretrainSpec, method: MethodSpec, trainable: number, schedule: ScheduleSpec, validation: number, run: string, range: Range): void {
  checkRunMemory(ctx, runMemory(shapeOf(root), method, trainable, schedule.optimizer.kind, schedule.batch, OWN_SAMPLES, validation), `run '${run}'`, range);
}

/** An evaluate block on runs of `root`: test inputs for each task, and memory for `samples` test examples. */
export function checkEvaluation(ctx: AnalysisContext, root: PretrainSpec, tasks: readonly TaskSpec[], samples: number, taskRange: (i: number) => Range, samplesRange: Range): void {
  let done: Lang[] | undefined;
  for (let i = 0; i < tasks.length; i++) {
    const lang = root.data.kind === 'words' ? taskInputLang(tasks[i]!.steps) : 'en';
    if (done?.includes(lang)) continue;
    (done ??= []).push(lang);
    checkSplitSide(ctx, root.data, lang, 'test', `evaluating runs of '${root.name}' draws`, taskRange(i));
  }
  checkRunMemory(ctx, evaluationMemory(shapeOf(root), samples), `evaluating runs of '${root.name}' on ${samples} samples`, samplesRange);
}
