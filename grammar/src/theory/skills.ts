// The model of skills behind the theory diagnostics (see docs/diagnostics.md).
//
// A transformer solves these tasks with two kinds of skill:
// - an attention pattern: which input position an output position must attend to;
// - a value map: what it must do with the value it finds there.
// Each primitive declares the patterns and maps it needs; a composition needs the union of its parts.
// Context-based tuning (prompt, soft prompt, prefix) cannot change the relative attention over the content
// (Petrov et al. 2024, Theorem 3 and Section 5) and only adds a bias to each layer's output, so it can only
// elicit or combine skills the pretrained model already has. Full fine-tuning and LoRA change the weights
// and can learn new patterns and maps.
import type { TaskSpec, TaskStep } from '../spec.js';

export interface Skill {
  /** Stable identifier, e.g. `attend:ascending-rank` or `map:add(1)`. */
  id: string;
  kind: 'pattern' | 'map';
  /** Human description for hover and docs. */
  label: string;
  /** A few words for the one-sentence warnings, e.g. `largest value not yet written`. */
  short: string;
}

const pattern = (id: string, label: string, short: string): Skill => ({ id: `attend:${id}`, kind: 'pattern', label, short });
const map = (id: string, label: string, short: string): Skill => ({ id: `map:${id}`, kind: 'map', label, short });

export const ALIGNED = pattern('aligned', 'attend to the aligned input position', 'aligned position');
const COPY_MAP = map('copy', 'copy the attended value', 'copy');

export function stepSkills(step: TaskStep): Skill[] {
  return [...cachedStepSkills(step)];
}

// The skills of a step depend only on the step's values: built once per distinct step and shared.
const SORT_ASC = computeStepSkills({ kind: 'sort', order: 'ascending' });
const SORT_DESC = computeStepSkills({ kind: 'sort', order: 'descending' });
const HISTOGRAM = computeStepSkills({ kind: 'histogram' });
const COPY = computeStepSkills({ kind: 'copy' });
const REVERSE = computeStepSkills({ kind: 'reverse' });
const addSkills = new Map<number, readonly Skill[]>();
const translateSkills = new Map<string, readonly Skill[]>();

function cachedStepSkills(step: TaskStep): readonly Skill[] {
  switch (step.kind) {
    case 'sort':
      return step.order === 'ascending' ? SORT_ASC : SORT_DESC;
    case 'histogram':
      return HISTOGRAM;
    case 'copy':
      return COPY;
    case 'reverse':
      return REVERSE;
    case 'add': {
      let s = addSkills.get(step.k);
      if (!s) addSkills.set(step.k, (s = computeStepSkills(step)));
      return s;
    }
    case 'translate': {
      // From a language to itself every word maps to itself: the identity, which is the copy map (so
      // pretraining on translate(es, es) teaches copying Spanish words, not a lookup table).
      if (step.from === step.to) return COPY;
      const key = `${step.from}->${step.to}`;
      let s = translateSkills.get(key);
      if (!s) translateSkills.set(key, (s = computeStepSkills(step)));
      return s;
    }
  }
}

function computeStepSkills(step: TaskStep): Skill[] {
  switch (step.kind) {
    case 'sort':
      return step.order === 'ascending'
        ? [pattern('ascending-rank', 'attend to the smallest value not yet written (ascending order)', 'smallest value not yet written'), COPY_MAP]
        : [pattern('descending-rank', 'attend to the largest value not yet written (descending order)', 'largest value not yet written'), COPY_MAP];
    case 'add':
      return [ALIGNED, map(`add(${step.k})`, `add ${step.k} to the attended value`, `add ${step.k}`)];
    case 'histogram':
      return [pattern('equal-value', 'attend to every position holding the same value', 'positions holding the same value'), map('count', 'count the attended positions', 'count')];
    case 'copy':
      return [ALIGNED, COPY_MAP];
    case 'reverse':
      return [pattern('mirrored', 'attend to the mirrored input position', 'mirrored position'), COPY_MAP];
    case 'translate':
      return [ALIGNED, map(`lookup(${step.from}->${step.to})`, `look up the ${langName(step.to)} word for each ${langName(step.from)} word`, `${langName(step.from)}→${langName(step.to)} lookup`)];
  }
}

function langName(l: string): string {
  return l === 'en' ? 'English' : l === 'de' ? 'German' : l === 'es' ? 'Spanish' : l;
}

const skillCache = new WeakMap<TaskSpec, Skill[]>();

/** The skills a task needs: the union over its steps, in first-seen order (cached per task object). */
export function taskSkills(task: TaskSpec): Skill[] {
  // One step: its skills are already distinct (and shared by every task made of that step).
  if (task.steps.length === 1) return cachedStepSkills(task.steps[0]!) as Skill[];
  const cached = skillCache.get(task);
  if (cached) return cached;
  const seen = new Map<string, Skill>();
  for (const step of task.steps) for (const s of cachedStepSkills(step)) if (!seen.has(s.id)) seen.set(s.id, s);
  const skills = [...seen.values()];
  skillCache.set(task, skills);
  return skills;
}

export interface SkillGap {
  missingPatterns: Skill[];
  missingMaps: Skill[];
  /** Everything the pretraining tasks provide. */
  available: Skill[];
}

/**
 * Which skills of `target` none of the `pretrained` tasks has. Lists are short (a few tasks of a few steps,
 * two skills each), so the skills are compared in place: no sets or caches per list, which cost more than
 * the comparisons when every run of a large spec asks.
 */
export function skillGap(target: TaskSpec, pretrained: readonly TaskSpec[]): SkillGap {
  const available: Skill[] = [];
  for (const t of pretrained) for (const step of t.steps) for (const s of cachedStepSkills(step)) if (!hasId(available, s.id)) available.push(s);
  const need = taskSkills(target);
  return {
    missingPatterns: need.filter((s) => s.kind === 'pattern' && !hasId(available, s.id)),
    missingMaps: need.filter((s) => s.kind === 'map' && !hasId(available, s.id)),
    available,
  };
}

/** Whether skillGap would find anything missing, without building it (most runs miss nothing). */
export function hasSkillGap(target: TaskSpec, pretrained: readonly TaskSpec[]): boolean {
  for (const step of target.steps) for (const s of cachedStepSkills(step)) if (!learnedSkill(pretrained, s.id)) return true;
  return false;
}

function learnedSkill(pretrained: readonly TaskSpec[], id: string): boolean {
  for (const t of pretrained) for (const step of t.steps) if (hasId(cachedStepSkills(step), id)) return true;
  return false;
}

function hasId(skills: readonly Skill[], id: string): boolean {
  for (const s of skills) if (s.id === id) return true;
  return false;
}
