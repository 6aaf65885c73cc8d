// Typed evaluation of values against the catalogue: every value is checked against the type its key or
// parameter declares, problems are reported with the value's range, and the meaning is returned (or
// undefined when the value is unusable).
import { findFunction, METHODS, OPTIMIZERS, PRIMITIVES } from '../catalogue/functions.js';
import { describeType, type DefaultValue, type FunctionDef, type ParamDef, type ValueType } from '../catalogue/types.js';
import type { Arg, CallValue, ListValue, Range, Value } from '../syntax/ast.js';
import type { Lang, LoraTarget, MethodSpec, OptimizerSpec, SortOrder, TaskStep } from '../spec.js';
import type { AnalysisContext, RefKind } from './context.js';

/** A method as written, with its optional schedule overrides. */
export interface MethodUse {
  method: MethodSpec;
  lr?: number;
  steps?: number;
  range: Range;
}

/** A compare's method item: its grid points (one when no argument is a list), as written. */
export interface MethodSweep {
  points: MethodUse[];
  swept: string[];
  /** Canonical text with the swept arguments as lists. */
  label: string;
  range: Range;
}

export interface TaskUse {
  steps: TaskStep[];
  /** The declared task it names, if it is a plain reference. */
  name?: string;
  range: Range;
}

export interface TaskResolver {
  /** Steps of the declared task `name`, or undefined (already reported) when it cannot be resolved. */
  resolve(name: string, range: Range): TaskStep[] | undefined | 'not-a-task';
  names(): string[];
}

const NO_VALUES: Array<Value | undefined> = [];
const NO_ARGS: readonly Arg[] = [];
const PRIMITIVE_BY_NAME = new Map(PRIMITIVES.map((p) => [p.name, p]));

// What a value is called in messages ("adamw's lr", "each item of tasks"). Messages are built only for values
// that are reported, but the label is passed down with every value: built once per function or key and
// reused, not concatenated again for every argument and list the analysis evaluates.
const argLabels = new Map<FunctionDef, string[]>();
function argLabelsOf(def: FunctionDef): string[] {
  let labels = argLabels.get(def);
  if (!labels) {
    labels = def.params.map((p) => `${def.name}'s ${p.name}`);
    argLabels.set(def, labels);
  }
  return labels;
}
const itemLabels = new Map<string, string>();
function itemLabelOf(what: string): string {
  let label = itemLabels.get(what);
  if (label === undefined) {
    label = `each item of ${what}`;
    // Labels come from the catalogue (keys and parameters), so the table stays small.
    if (itemLabels.size < 1000) itemLabels.set(what, label);
  }
  return label;
}

/** The position of the parameter called `name`, or -1 (a loop: this runs for every named argument). */
function paramIndex(params: readonly ParamDef[], name: string): number {
  for (let i = 0; i < params.length; i++) if (params[i]!.name === name) return i;
  return -1;
}

function bareWord(v: Value | null): CallValue | undefined {
  return v && v.kind === 'call' && v.args === null ? v : undefined;
}

function show(v: Value, ctx: AnalysisContext): string {
  const t = ctx.textOf(v.range);
  return t.length > 40 ? t.slice(0, 40) + '…' : t;
}

export class Evaluator {
  constructor(
    private readonly ctx: AnalysisContext,
    private readonly tasks: TaskResolver,
    private readonly refKinds: (name: string) => RefKind | undefined,
  ) {}

  // ---- scalars ------------------------------------------------------------------------------------

  int(v: Value, t: Extract<ValueType, { kind: 'int' }>, what: string): number | undefined {
    if (v.kind !== 'number') {
      this.ctx.report('type-mismatch', v.range, `${what} must be an integer, not '${show(v, this.ctx)}'`);
      return undefined;
    }
    if (!Number.isInteger(v.value)) {
      this.ctx.report('type-mismatch', v.range, `${what} must be an integer, not ${v.text}`);
      return undefined;
    }
    if ((t.min !== undefined && v.value < t.min) || (t.max !== undefined && v.value > t.max)) {
      this.ctx.report('out-of-range', v.range, `${what} must be ${describeType(t).replace(/^integer /, '')}, not ${v.text}`);
      return undefined;
    }
    return v.value;
  }

  number(v: Value, t: Extract<ValueType, { kind: 'number' }>, what: string): number | undefined {
    if (v.kind !== 'number' || !Number.isFinite(v.value)) {
      this.ctx.report('type-mismatch', v.range, `${what} must be a number, not '${show(v, this.ctx)}'`);
      return undefined;
    }
    const x = v.value;
    const low = t.min !== undefined && (t.exclusiveMin ? x <= t.min : x < t.min);
    const high = t.max !== undefined && (t.exclusiveMax ? x >= t.max : x > t.max);
    if (low || high) {
      this.ctx.report('out-of-range', v.range, `${what} must satisfy ${describeType(t).replace(/^number, /, '')}, not ${v.text}`);
      return undefined;
    }
    return x;
  }

  bool(v: Value, what: string): boolean | undefined {
    const w = bareWord(v);
    if (w && (w.name.text === 'true' || w.name.text === 'false')) return w.name.text === 'true';
    if (w) this.ctx.reportUnknown('unknown-value', v.range, `value for ${what}`, w.name.text, ['true', 'false']);
    else this.ctx.report('type-mismatch', v.range, `${what} must be true or false, not '${show(v, this.ctx)}'`);
    return undefined;
  }

  enumValue(v: Value, values: readonly string[], what: string): string | undefined {
    const w = bareWord(v);
    if (!w) {
      this.ctx.report('type-mismatch', v.range, `${what} must be one of ${values.join(', ')}, not '${show(v, this.ctx)}'`);
      return undefined;
    }
    if (values.includes(w.name.text)) return w.name.text;
    this.ctx.reportUnknown('unknown-value', v.range, `value for ${what}`, w.name.text, values);
    return undefined;
  }

  range(v: Value, t: Extract<ValueType, { kind: 'range' }>, what: string): [number, number] | undefined {
    if (v.kind !== 'range' || !v.hi) {
      this.ctx.report('type-mismatch', v.range, `${what} must be a range such as 0..7, not '${show(v, this.ctx)}'`);
      return undefined;
    }
    const lo = v.lo.value;
    const hi = v.hi.value;
    if (!Number.isInteger(lo) || !Number.isInteger(hi)) {
      this.ctx.report('type-mismatch', v.range, `${what} must be a range of integers, not ${v.lo.text}..${v.hi.text}`);
      return undefined;
    }
    if (lo > hi) {
      this.ctx.report('out-of-range', v.range, `${what}: the range ${lo}..${hi} is empty (the low end is above the high end)`);
      return undefined;
    }
    if ((t.min !== undefined && lo < t.min) || (t.max !== undefined && hi > t.max)) {
      this.ctx.report('out-of-range', v.range, `${what} must lie within ${t.min ?? '-∞'}..${t.max ?? '∞'}`);
      return undefined;
    }
    return [lo, hi];
  }

  ref(v: Value, target: 'model' | 'data' | 'run', what: string): string | undefined {
    const w = bareWord(v);
    if (!w) {
      this.ctx.report('type-mismatch', v.range, `${what} must be the name of a ${target} block, not '${show(v, this.ctx)}'`);
      return undefined;
    }
    return this.refName(w.name.text, w.name.range, target);
  }

  /** Resolves a name that must refer to a block of kind `target`; records the reference. */
  refName(name: string, range: Range, target: 'model' | 'data' | 'run'): string | undefined {
    const kind = this.refKinds(name);
    const decl = this.ctx.declarations.get(name) ?? null;
    this.ctx.references.push({ name, range, expected: target, target: decl });
    if (kind === undefined) {
      const candidates = (): string[] => [...this.ctx.declarations.keys()].filter((n) => this.refKinds(n) === target);
      this.ctx.reportUnknown('unknown-name', range, `${target}`, name, candidates);
      return undefined;
    }
    if (kind !== target) {
      this.ctx.report('wrong-kind', range, `'${name}' is a ${kind}, but a ${target} is expected here`);
      return undefined;
    }
    return name;
  }

  list<T>(v: Value, t: Extract<ValueType, { kind: 'list' }>, what: string, item: (x: Value) => T | undefined): T[] | undefined {
    if (!this.listShape(v, t, what)) return undefined;
    const out: T[] = [];
    let ok = true;
    for (const x of (v as ListValue).items) {
      const r = item(x);
      if (r === undefined) ok = false;
      else out.push(r);
    }
    return ok ? out : undefined;
  }

  /** `list` with every item evaluated against `t.of` (no closure per list: this runs for every list value). */
  private typedList(v: Value, t: Extract<ValueType, { kind: 'list' }>, what: string): unknown[] | undefined {
    if (!this.listShape(v, t, what)) return undefined;
    const itemWhat = itemLabelOf(what);
    const out: unknown[] = [];
    let ok = true;
    for (const x of (v as ListValue).items) {
      const r = this.typed(x, t.of, itemWhat);
      if (r === undefined) ok = false;
      else out.push(r);
    }
    return ok ? out : undefined;
  }

  /** Whether `v` is a list with enough items; reports it when not. */
  private listShape(v: Value, t: Extract<ValueType, { kind: 'list' }>, what: string): boolean {
    if (v.kind !== 'list') {
      this.ctx.report('type-mismatch', v.range, `${what} must be a list such as [${show(v, this.ctx)}]`, [
        { title: `Wrap in a list: [${show(v, this.ctx)}]`, edits: [{ range: v.range, newText: `[${this.ctx.textOf(v.range)}]` }], preferred: true },
      ]);
      return false;
    }
    if (t.minItems !== undefined && v.items.length < t.minItems) {
      this.ctx.report('out-of-range', v.range, `${what} needs at least ${t.minItems} item${t.minItems === 1 ? '' : 's'}`);
      return false;
    }
    return true;
  }

  /** Evaluates a value against a catalogue type. */
  typed(v: Value, t: ValueType, what: string): unknown {
    switch (t.kind) {
      case 'int':
        return this.int(v, t, what);
      case 'number':
        return this.number(v, t, what);
      case 'bool':
        return this.bool(v, what);
      case 'enum':
        return this.enumValue(v, t.values, what);
      case 'range':
        return this.range(v, t, what);
      case 'ref':
        return this.ref(v, t.target, what);
      case 'list':
        return this.typedList(v, t, what);
      case 'task':
        return this.task(v);
      case 'method':
        return t.sweep ? this.methodSweep(v) : this.method(v);
      case 'optimizer':
        return this.optimizer(v);
    }
  }

  // ---- calls --------------------------------------------------------------------------------------

  /**
   * Binds a call's arguments to the function's parameters (positional, then named), evaluates each and
   * fills defaults. Returns undefined when any argument is unusable (already reported).
   */
  args(call: CallValue, def: FunctionDef): Record<string, unknown> | undefined {
    const bound = this.bind(call, def);
    if (!bound) return undefined;
    const params = def.params;
    const out: Record<string, unknown> = {};
    const labels = argLabelsOf(def);
    let ok = true;
    for (let i = 0; i < params.length; i++) {
      const p = params[i]!;
      const v = bound[i];
      if (v) {
        const r = this.typed(v, p.type, labels[i]!);
        if (r === undefined) ok = false;
        else out[p.name] = r;
      } else {
        const d = defaultValue(p.default);
        if (d !== undefined) out[p.name] = d;
      }
    }
    return ok ? out : undefined;
  }

  /**
   * `args` for a sweep: each argument may be a list of values to search (for a list-typed parameter such as
   * LoRA's targets, a list of lists). Returns every parameter's candidate values (one for a plain argument
   * or a default) and the names of the swept parameters.
   */
  sweepArgs(call: CallValue, def: FunctionDef): { values: Record<string, unknown[]>; swept: string[] } | undefined {
    const bound = this.bind(call, def);
    if (!bound) return undefined;
    const params = def.params;
    const values: Record<string, unknown[]> = {};
    const swept: string[] = [];
    const labels = argLabelsOf(def);
    let ok = true;
    for (let i = 0; i < params.length; i++) {
      const p = params[i]!;
      const v = bound[i];
      if (!v) {
        const d = defaultValue(p.default);
        if (d !== undefined) values[p.name] = [d];
        continue;
      }
      const isSweep = v.kind === 'list' && (p.type.kind !== 'list' || v.items[0]?.kind === 'list');
      if (!isSweep) {
        const r = this.typed(v, p.type, labels[i]!);
        if (r === undefined) ok = false;
        else values[p.name] = [r];
        continue;
      }
      const items = (v as ListValue).items;
      if (items.length === 0) {
        this.ctx.report('out-of-range', v.range, `${labels[i]!}: a sweep needs at least one value`);
        ok = false;
        continue;
      }
      const out: unknown[] = [];
      const seen = new Set<string>();
      for (const item of items) {
        const r = this.typed(item, p.type, labels[i]!);
        if (r === undefined) {
          ok = false;
          continue;
        }
        const key = JSON.stringify(r);
        if (seen.has(key)) {
          this.ctx.report('duplicate-key', item.range, `${labels[i]!}: ${this.ctx.textOf(item.range)} is already in this sweep`);
          ok = false;
          continue;
        }
        seen.add(key);
        out.push(r);
      }
      values[p.name] = out;
      if (out.length > 1) swept.push(p.name);
    }
    return ok ? { values, swept } : undefined;
  }

  /** The value bound to each parameter (by position in def.params), or undefined when binding failed (reported). */
  private bind(call: CallValue, def: FunctionDef): Array<Value | undefined> | undefined {
    const params = def.params;
    // At most a handful of parameters.
    const bound: Array<Value | undefined> = params.length ? new Array<Value | undefined>(params.length).fill(undefined) : NO_VALUES;
    let ok = true;
    let position = 0;
    for (const arg of call.args ?? NO_ARGS) {
      let at: number;
      if (arg.key) {
        const key = arg.key.text;
        at = paramIndex(params, key);
        if (at < 0) {
          this.ctx.reportUnknown('unknown-parameter', arg.key.range, `parameter of ${def.name}`, arg.key.text, def.params.map((p) => p.name));
          ok = false;
          continue;
        }
      } else {
        at = position++;
        if (at >= params.length) {
          this.ctx.report('too-many-arguments', arg.range, `${def.name} takes ${def.params.length === 0 ? 'no arguments' : `at most ${def.params.length} argument${def.params.length === 1 ? '' : 's'}`}`);
          ok = false;
          continue;
        }
      }
      const param = params[at]!;
      if (bound[at] !== undefined) {
        this.ctx.report('duplicate-key', arg.key?.range ?? arg.range, `${def.name}: '${param.name}' is given twice`);
        ok = false;
        continue;
      }
      if (!arg.value) {
        ok = false;
        continue;
      }
      bound[at] = arg.value;
    }
    return ok ? bound : undefined;
  }

  private call(v: Value, candidates: readonly FunctionDef[], what: string): { call: CallValue; def: FunctionDef } | undefined {
    if (v.kind !== 'call') {
      this.ctx.report('type-mismatch', v.range, `expected ${what}, not '${show(v, this.ctx)}'`);
      return undefined;
    }
    const def = candidates.find((f) => f.name === v.name.text);
    if (!def) {
      this.ctx.reportUnknown('unknown-function', v.name.range, what, v.name.text, candidates.map((f) => f.name));
      return undefined;
    }
    return { call: v, def };
  }

  method(v: Value): MethodUse | undefined {
    const c = this.call(v, METHODS, 'method');
    if (!c) return undefined;
    const a = this.args(c.call, c.def);
    if (!a) return undefined;
    const use: MethodUse = { method: methodSpec(c.def.name, a), range: v.range };
    if (typeof a['lr'] === 'number') use.lr = a['lr'];
    if (typeof a['steps'] === 'number') use.steps = a['steps'];
    return use;
  }

  /** A compare's method item: a method whose arguments may be lists of values to search (a grid). */
  methodSweep(v: Value): MethodSweep | undefined {
    const c = this.call(v, METHODS, 'method');
    if (!c) return undefined;
    const a = this.sweepArgs(c.call, c.def);
    if (!a) return undefined;
    // The grid: every combination of the candidate values, the first parameter varying slowest.
    let combos: Array<Record<string, unknown>> = [{}];
    for (const p of c.def.params) {
      const vs = a.values[p.name];
      if (!vs) continue;
      combos = combos.flatMap((combo) => vs.map((x) => ({ ...combo, [p.name]: x })));
    }
    const points = combos.map((combo): MethodUse => {
      const use: MethodUse = { method: methodSpec(c.def.name, combo), range: v.range };
      if (typeof combo['lr'] === 'number') use.lr = combo['lr'];
      if (typeof combo['steps'] === 'number') use.steps = combo['steps'];
      return use;
    });
    return { points, swept: a.swept, label: sweepText(c.def, a.values, a.swept), range: v.range };
  }

  optimizer(v: Value): OptimizerSpec | undefined {
    const c = this.call(v, OPTIMIZERS, 'optimizer');
    if (!c) return undefined;
    const a = this.args(c.call, c.def);
    if (!a) return undefined;
    return optimizerSpec(
      c.def.name as OptimizerSpec['kind'],
      a['lr'] as number,
      a['weight_decay'] as number,
      (a['beta1'] as number | undefined) ?? 0.9,
      (a['beta2'] as number | undefined) ?? 0.95,
      (a['momentum'] as number | undefined) ?? 0,
    );
  }

  /** A task expression: a declared task, a primitive, or a `then` composition of those. */
  task(v: Value): TaskUse | undefined {
    if (v.kind === 'then') {
      const steps: TaskStep[] = [];
      let ok = true;
      for (const p of v.parts) {
        const t = this.task(p);
        if (!t) ok = false;
        else steps.push(...t.steps);
      }
      return ok ? { steps, range: v.range } : undefined;
    }
    if (v.kind !== 'call') {
      this.ctx.report('type-mismatch', v.range, `expected a task (a task name or a primitive such as sort(ascending)), not '${show(v, this.ctx)}'`);
      return undefined;
    }
    const name = v.name.text;
    const primitive = PRIMITIVE_BY_NAME.get(name);
    // A primitive with arguments is the primitive even where a task of that name is declared: no lookup.
    const decl = primitive && v.args !== null ? undefined : this.ctx.declarations.get(name);
    if (decl) {
      this.ctx.references.push({ name, range: v.name.range, expected: 'task', target: decl });
      if (v.args !== null) {
        this.ctx.report('type-mismatch', v.argsRange ?? v.range, `'${name}' is a declared task and takes no arguments`);
        return undefined;
      }
      const steps = this.tasks.resolve(name, v.name.range);
      if (steps === 'not-a-task') {
        this.ctx.report('wrong-kind', v.name.range, `'${name}' is a ${this.refKinds(name)}, but a task is expected here`);
        return undefined;
      }
      return steps ? { steps, name, range: v.range } : undefined;
    }
    if (!primitive) {
      this.ctx.reportUnknown('unknown-name', v.name.range, 'task or primitive', name, () => [...this.tasks.names(), ...PRIMITIVES.map((p) => p.name)]);
      return undefined;
    }
    const a = this.args(v, primitive);
    if (!a) return undefined;
    return { steps: [taskStep(name, a)], range: v.range };
  }
}

/** Every OptimizerSpec of the analysis is made here (see below). */
export function optimizerSpec(kind: OptimizerSpec['kind'], lr: number, weightDecay: number, beta1: number, beta2: number, momentum: number): OptimizerSpec {
  return { kind, lr, weightDecay, beta1, beta2, momentum };
}
// Optimizer fields hold fractions (lr 5e-4, beta1 0.9). V8 gives a field that has only held numbers, one of
// them a fraction, a "double" representation, in which every object keeps each such value in a heap number of
// its own, and copies of the object (a block's default optimizer, a method's lr override) copy the boxes too.
// This one object, never used, has non-numbers in those fields, which makes them "tagged": objects point to
// shared numbers. Each optimizer of a run is then one object instead of six.
optimizerSpec('sgd', null as unknown as number, null as unknown as number, null as unknown as number, null as unknown as number, null as unknown as number);

export function defaultValue(d: DefaultValue | undefined): unknown {
  if (d === undefined) return undefined;
  if (typeof d === 'object' && !Array.isArray(d)) return undefined; // derived from other keys by the caller
  return Array.isArray(d) ? [...d] : d;
}

function taskStep(name: string, a: Record<string, unknown>): TaskStep {
  switch (name) {
    case 'sort':
      return { kind: 'sort', order: a['order'] as SortOrder };
    case 'add':
      return { kind: 'add', k: a['k'] as number };
    case 'translate':
      return { kind: 'translate', from: a['from'] as Lang, to: a['to'] as Lang };
    case 'histogram':
      return { kind: 'histogram' };
    case 'reverse':
      return { kind: 'reverse' };
    default:
      return { kind: 'copy' };
  }
}

function methodSpec(name: string, a: Record<string, unknown>): MethodSpec {
  switch (name) {
    case 'lora':
      return { kind: 'lora', rank: a['rank'] as number, alpha: a['alpha'] as number, targets: a['targets'] as LoraTarget[] };
    case 'prefix':
      return { kind: 'prefix', length: a['length'] as number, space: a['space'] as 'residual' | 'kv' };
    case 'soft_prompt':
      return { kind: 'soft_prompt', length: a['length'] as number };
    case 'prompt':
      return { kind: 'prompt', length: a['length'] as number };
    default:
      return { kind: 'full' };
  }
}

/** Canonical text of a method, e.g. `lora(rank: 2)`: non-default arguments only. Used in labels and fixes. */
export function methodText(m: MethodSpec, overrides: { lr?: number; steps?: number } = {}): string {
  // Labels every compare run and every theory fix: built straight from the fields, with no record of the
  // values, copies of the defaults or list of parts per call.
  let args = '';
  for (const p of methodDef(m.kind).params) {
    const v = p.name === 'lr' ? overrides.lr : p.name === 'steps' ? overrides.steps : methodField(m, p.name);
    if (v === undefined || !shownInText(m.kind, p, v)) continue;
    args += (args ? ', ' : '') + p.name + ': ' + valueText(v);
  }
  return args ? `${m.kind}(${args})` : m.kind;
}

/**
 * Canonical text of a sweep item: methodText's rules, with each swept argument as the list of its values,
 * e.g. `prefix(length: [8, 12], lr: [0.003, 0.01])`.
 */
function sweepText(def: FunctionDef, values: Record<string, unknown[]>, swept: readonly string[]): string {
  const kind = def.name as MethodSpec['kind'];
  let args = '';
  for (const p of def.params) {
    const vs = values[p.name];
    if (!vs) continue;
    const many = swept.includes(p.name);
    if (!many && !shownInText(kind, p, vs[0])) continue;
    args += (args ? ', ' : '') + p.name + ': ' + (many ? `[${vs.map(valueText).join(', ')}]` : valueText(vs[0]));
  }
  return args ? `${kind}(${args})` : kind;
}

/** Whether a method's argument appears in its canonical text: sizes always, other arguments when not the default. */
function shownInText(kind: MethodSpec['kind'], p: ParamDef, v: unknown): boolean {
  const always = (kind === 'lora' && p.name === 'rank') || ((kind === 'prefix' || kind === 'soft_prompt' || kind === 'prompt') && p.name === 'length');
  return always || !isDefault(v, p.default);
}

function valueText(v: unknown): string {
  return Array.isArray(v) ? `[${v.join(', ')}]` : String(v);
}

const methodDefs = new Map<string, FunctionDef>();
function methodDef(kind: MethodSpec['kind']): FunctionDef {
  let def = methodDefs.get(kind);
  if (!def) methodDefs.set(kind, (def = findFunction(kind, 'method')!));
  return def;
}

/** The value of a method's parameter (undefined for the schedule overrides and parameters it lacks). */
function methodField(m: MethodSpec, name: string): unknown {
  switch (m.kind) {
    case 'lora':
      return name === 'rank' ? m.rank : name === 'alpha' ? m.alpha : name === 'targets' ? m.targets : undefined;
    case 'prefix':
      return name === 'length' ? m.length : name === 'space' ? m.space : undefined;
    case 'soft_prompt':
    case 'prompt':
      return name === 'length' ? m.length : undefined;
    default:
      return undefined;
  }
}

/** Whether `v` equals a parameter's default (lists item by item, as their joined text). */
function isDefault(v: unknown, d: DefaultValue | undefined): boolean {
  if (Array.isArray(v)) return Array.isArray(d) && v.join() === d.join();
  return v === defaultValue(d);
}
