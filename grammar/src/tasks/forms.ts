// Tasks by what they compute: two tasks are equal on a data block when they give the same output on every
// evaluation input of it (tasks/domain.ts) whose output the data generator would keep. A task's simplest
// form is an equal task with the fewest steps, found by a bounded search; the theory rules judge that form,
// so `sort(descending) then reverse` is judged as the `sort(ascending)` it computes.
import { findFunction } from '../catalogue/functions.js';
import { taskInputLang, WORD_LANGS } from '../catalogue/words.js';
import type { DataSpec, Lang, TaskSpec, TaskStep } from '../spec.js';
import { applyTask } from './apply.js';
import { domainKey, taskDomain, type TaskDomain } from './domain.js';

/** Forms of up to this many steps are searched (a target is only ever replaced by a shorter form). */
export const MAX_FORM_STEPS = 3;

export interface SimplerForm {
  /** The simplest equal form (fewer steps than the task). */
  form: TaskSpec;
  /** Inputs compared (those where the task's output is in the vocabulary). */
  compared: number;
  /** Inputs evaluated (the domain's size). */
  inputs: number;
  /** Whether the comparison covered every input of the data. */
  exhaustive: boolean;
}

export function stepText(s: TaskStep): string {
  switch (s.kind) {
    case 'sort':
      return `sort(${s.order})`;
    case 'add':
      return `add(${s.k})`;
    case 'translate':
      return `translate(${s.from}, ${s.to})`;
    default:
      return s.kind;
  }
}

/** A task's steps as source text: `sort(descending) then reverse`. */
export function stepsText(steps: readonly TaskStep[]): string {
  return steps.map(stepText).join(' then ');
}

/**
 * Whether `steps` can run on `data` (what checkTaskOnData reports otherwise): no translate on digits; on
 * words only copy, reverse and translate, each translate from the language it receives. The analysis also
 * meets tasks that failed that check (a finetune's task on the `from` chain); they are never evaluated.
 */
function runsOn(steps: readonly TaskStep[], data: DataSpec): boolean {
  if (data.kind === 'digits') return steps.every((s) => s.kind !== 'translate');
  let lang = taskInputLang(steps);
  for (const s of steps) {
    if (s.kind === 'translate') {
      if (s.from !== lang) return false;
      lang = s.to;
    } else if (s.kind !== 'copy' && s.kind !== 'reverse') return false;
  }
  return true;
}

/** The outputs of `steps` on a domain: null where the data generator would redraw (outside the vocabulary). */
function outputs(steps: readonly TaskStep[], domain: TaskDomain, data: DataSpec): Array<number[] | null> {
  const ctx = { words: data.words };
  return domain.inputs.map((x) => {
    const y = applyTask(steps, x, ctx);
    for (const t of y) if (!Number.isInteger(t) || t < 0 || t >= data.vocab) return null;
    return y;
  });
}

function sameTokens(a: readonly number[], b: readonly number[]): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Whether `steps` gives `want` on every input where `want` is not null (stops at the first difference). */
function matches(steps: readonly TaskStep[], want: ReadonlyArray<number[] | null>, domain: TaskDomain, data: DataSpec): boolean {
  const ctx = { words: data.words };
  for (let i = 0; i < want.length; i++) {
    const w = want[i];
    if (w && !sameTokens(applyTask(steps, domain.inputs[i]!, ctx), w)) return false;
  }
  return true;
}

/**
 * Whether two tasks are equal on `data`: they read the same inputs and `b` gives `a`'s output on every
 * evaluation input where `a`'s output is in the vocabulary (false when either cannot run on the data).
 */
export function sameTask(a: TaskSpec, b: TaskSpec, data: DataSpec): boolean {
  if (a.steps.length === b.steps.length && stepsText(a.steps) === stepsText(b.steps)) return true;
  if (!runsOn(a.steps, data) || !runsOn(b.steps, data)) return false;
  if (data.kind === 'words' && taskInputLang(a.steps) !== taskInputLang(b.steps)) return false;
  const want = evaluated(a, data);
  return want.compared > 0 && matches(b.steps, want.outputs, taskDomain(data, a.steps), data);
}

interface Evaluated {
  outputs: Array<number[] | null>;
  compared: number;
  /** The simplest form, once searched (null: the task itself is simplest). */
  simpler?: SimplerForm | null;
}

/** Evaluations by domain and task text: the editor re-analyses the same tasks on every keystroke. */
const evaluations = new Map<string, Map<string, Evaluated>>();

function evaluated(task: TaskSpec, data: DataSpec): Evaluated {
  const dk = domainKey(data, task.steps);
  let byTask = evaluations.get(dk);
  if (!byTask) {
    if (evaluations.size >= 64) evaluations.clear();
    evaluations.set(dk, (byTask = new Map()));
  }
  const tk = stepsText(task.steps);
  let e = byTask.get(tk);
  if (!e) {
    const outs = outputs(task.steps, taskDomain(data, task.steps), data);
    e = { outputs: outs, compared: outs.reduce((n, y) => n + (y ? 1 : 0), 0) };
    if (byTask.size >= 1000) byTask.clear();
    byTask.set(tk, e);
  }
  return e;
}

/**
 * The simplest form of `task` on `data`, or null when no form with fewer steps (up to MAX_FORM_STEPS) is
 * equal to it. Tasks of one step are their own simplest form: `copy` stays `copy`, so a spelling can
 * simplify a task but never hide a need.
 */
export function simplerForm(task: TaskSpec, data: DataSpec): SimplerForm | null {
  if (task.steps.length < 2 || !runsOn(task.steps, data)) return null;
  const e = evaluated(task, data);
  if (e.simpler === undefined) e.simpler = search(task, e, data);
  return e.simpler;
}

function search(task: TaskSpec, e: Evaluated, data: DataSpec): SimplerForm | null {
  if (e.compared === 0) return null;
  const domain = taskDomain(data, task.steps);
  const lang = taskInputLang(task.steps);
  const first = e.outputs.findIndex((y) => y !== null);
  const maxSteps = Math.min(task.steps.length - 1, MAX_FORM_STEPS);
  const own = new Set(task.steps.map(stepText));
  for (let n = 1; n <= maxSteps; n++) {
    let found: TaskStep[] | undefined;
    for (const steps of forms(n, data, lang, domain.inputs[first]!, e.outputs[first]!)) {
      if (data.kind === 'words' && taskInputLang(steps) !== lang) continue;
      if (!matches(steps, e.outputs, domain, data)) continue;
      // Among equal forms of this length, one spelled with the task's own steps reads most like it.
      if (steps.every((s) => own.has(stepText(s)))) {
        found = steps;
        break;
      }
      found ??= steps;
    }
    if (found) return { form: { name: stepsText(found), steps: found }, compared: e.compared, inputs: domain.inputs.length, exhaustive: domain.exhaustive };
  }
  return null;
}

const SORT_ASC: TaskStep = { kind: 'sort', order: 'ascending' };
const SORT_DESC: TaskStep = { kind: 'sort', order: 'descending' };
const HISTOGRAM: TaskStep = { kind: 'histogram' };
const REVERSE: TaskStep = { kind: 'reverse' };
const COPY: TaskStep = { kind: 'copy' };
/** The `k` an `add` may be written with (a form the language rejects is no spelling to suggest). */
const ADD_K = findFunction('add', 'primitive')!.params[0]!.type as { min: number; max: number };

/**
 * Candidate forms of `n` steps. The search is bounded by what the primitives can do: `copy` only as a
 * whole task (anywhere else it changes nothing), and `add` only last with the one `k` that matches the
 * target on its first compared input — an `add` before sort, reverse or copy can move after it, before
 * histogram it changes nothing and two adds are one, so a shortest form never needs another. On words,
 * `translate` from the language the previous steps produce (one translate reads like any chain of them).
 */
function* forms(n: number, data: DataSpec, lang: Lang, x0: readonly number[], y0: readonly number[]): Generator<TaskStep[]> {
  const ctx = { words: data.words };
  const walk = function* (prefix: TaskStep[], cur: Lang): Generator<TaskStep[]> {
    const last = prefix.length === n - 1;
    const pool: TaskStep[] = [];
    if (data.kind === 'digits') pool.push(SORT_ASC, SORT_DESC, HISTOGRAM, REVERSE);
    else {
      pool.push(REVERSE);
      for (const to of WORD_LANGS) if (to !== cur || n === 1) pool.push({ kind: 'translate', from: cur, to });
    }
    if (n === 1) pool.push(COPY);
    for (const s of pool) {
      const next = s.kind === 'translate' ? s.to : cur;
      if (last) yield [...prefix, s];
      else yield* walk([...prefix, s], next);
    }
    if (last && data.kind === 'digits') {
      const z = applyTask(prefix, x0, ctx);
      const k = y0[0]! - z[0]!;
      if (k !== 0 && k >= ADD_K.min && k <= ADD_K.max) yield [...prefix, { kind: 'add', k }];
    }
  };
  yield* walk([], lang);
}
