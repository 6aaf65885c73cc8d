// analyse(text): the one analysis path shared by `ptx check`, `ptx run` and the language server.
// Parses, resolves names, checks every value against the catalogue, builds the resolved Spec, runs the
// cross-checks and the theory rules. Plain data in, plain data out; never throws.
import { findBlock } from '../catalogue/blocks.js';
import { WORDS } from '../catalogue/words.js';
import type { ParamDef } from '../catalogue/types.js';
import { trainableParameters, type ParamCount } from '../params.js';
import type { Block, BlockKind, Entry, ListValue, PtxFile, Range, Value } from '../syntax/ast.js';
import { parse, type ParseResult } from '../syntax/parse.js';
import type {
  CompareSpec,
  DataSpec,
  EvaluateSpec,
  FinetuneSpec,
  MethodSpec,
  ModelSpec,
  OptimizerSpec,
  PretrainSpec,
  ScheduleSpec,
  Spec,
  TaskSpec,
  TaskStep,
} from '../spec.js';
import { checkInputsFitVocab, checkLoraRank, checkReserve, checkSequenceFits, checkTaskOnData } from './checks.js';
import { AnalysisContext, type Reference, type RefKind } from './context.js';
import type { Diagnostic, Fix } from './diagnostics.js';
import { checkTheory } from './theory-rules.js';
import { defaultValue, Evaluator, methodText, type MethodUse, type TaskUse } from './values.js';

/** A tuning method as written in a finetune or compare block, with its resolved trainable-parameter count. */
export interface MethodInfo {
  /** The finetune name, or the compare run name `<compare>/<method>/seed<s>` of its first seed. */
  run: string;
  block: Block;
  range: Range;
  method: MethodSpec;
  model: ModelSpec | null;
  vocab: number | null;
  count: ParamCount | null;
}

export interface Analysis {
  ast: PtxFile;
  diagnostics: Diagnostic[];
  spec: Spec;
  references: Reference[];
  /** First declaration of each name. */
  declarations: Map<string, Block>;
  /** Evaluate blocks without a name get `evaluate`, `evaluate_2`, … */
  blockNames: Map<Block, string>;
  methods: MethodInfo[];
}

const KIND_OF_BLOCK: Record<BlockKind, RefKind | 'evaluate'> = {
  data: 'data',
  model: 'model',
  task: 'task',
  pretrain: 'run',
  finetune: 'run',
  compare: 'run',
  evaluate: 'evaluate',
};

/** Analyses `text`; `parsed` may be passed when the caller already parsed this exact text. */
export function analyse(text: string, parsed?: ParseResult): Analysis {
  try {
    return new Analyser(text, parsed ?? parse(text)).run();
  } catch (err) {
    // A bug in the analysis must not take the editor or the CLI down: report it on the whole file.
    const parsed = parse(text);
    const end = parsed.ast.range.end;
    return {
      ast: parsed.ast,
      diagnostics: [
        {
          range: { start: { line: 0, character: 0 }, end },
          severity: 'error',
          code: 'internal-error',
          message: `the analysis failed: ${err instanceof Error ? err.message : String(err)}`,
        },
      ],
      spec: emptySpec(),
      references: [],
      declarations: new Map(),
      blockNames: new Map(),
      methods: [],
    };
  }
}

function emptySpec(): Spec {
  return { data: new Map(), models: new Map(), tasks: new Map(), pretrains: new Map(), finetunes: new Map(), compares: new Map(), evaluates: new Map() };
}

/** Values of one block's entries, evaluated against the block's keys. */
type Values = Map<string, { value: unknown; entry: Entry }>;

let defaultCache: Map<string, unknown> | undefined;

class Analyser {
  private readonly ctx: AnalysisContext;
  private readonly ast: PtxFile;
  private readonly spec = emptySpec();
  private readonly ev: Evaluator;
  private readonly taskMemo = new Map<string, TaskStep[] | undefined>();
  private readonly taskVisiting = new Set<string>();
  private readonly blockValues = new Map<Block, Values>();
  private readonly blockNames = new Map<Block, string>();
  private readonly methods: MethodInfo[] = [];

  constructor(
    private readonly text: string,
    parsed: ParseResult,
  ) {
    this.ast = parsed.ast;
    this.ctx = new AnalysisContext(text);
    for (const p of parsed.problems) this.ctx.report(p.code, p.range, p.message);
    this.ev = new Evaluator(
      this.ctx,
      {
        resolve: (name, range) => this.resolveTask(name, range),
        names: () => this.ast.blocks.filter((b) => b.kind === 'task' && b.name).map((b) => b.name!.text), // called once per distinct typo
      },
      (name) => {
        const b = this.ctx.declarations.get(name);
        const k = b ? KIND_OF_BLOCK[b.kind] : undefined;
        return k === 'evaluate' ? 'any' : k;
      },
    );
  }

  run(): Analysis {
    this.declare();
    for (const b of this.ast.blocks) this.blockValues.set(b, this.checkBody(b));
    for (const b of this.ast.blocks) if (b.kind === 'task' && b.name) this.resolveTask(b.name.text, null);
    for (const b of this.ast.blocks) if (b.kind === 'data') this.buildData(b);
    for (const b of this.ast.blocks) if (b.kind === 'model') this.buildModel(b);
    for (const b of this.ast.blocks) if (b.kind === 'pretrain') this.buildPretrain(b);
    for (const b of this.ast.blocks) if (b.kind === 'finetune') this.buildRun(b);
    for (const b of this.ast.blocks) if (b.kind === 'compare') this.buildRun(b);
    for (const b of this.ast.blocks) if (b.kind === 'evaluate') this.buildEvaluate(b);
    const diagnostics = this.ctx.diagnostics.sort(
      (a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character,
    );
    return {
      ast: this.ast,
      diagnostics,
      spec: this.spec,
      references: this.ctx.references,
      declarations: this.ctx.declarations,
      blockNames: this.blockNames,
      methods: this.methods,
    };
  }

  // ---- declarations ---------------------------------------------------------------------------------

  private declare(): void {
    let evaluates = 0;
    for (const b of this.ast.blocks) {
      if (!b.name) {
        if (b.kind === 'evaluate') {
          evaluates++;
          const name = evaluates === 1 ? 'evaluate' : `evaluate_${evaluates}`;
          this.blockNames.set(b, name);
        } else {
          this.ctx.report('missing-name', b.keywordRange, `a ${b.kind} block needs a name: ${findBlock(b.kind)?.synopsis ?? b.kind}`);
        }
        continue;
      }
      this.blockNames.set(b, b.name.text);
      const first = this.ctx.declarations.get(b.name.text);
      if (first) {
        this.ctx.report('duplicate-name', b.name.range, `'${b.name.text}' is already declared (as a ${first.kind} on line ${first.name!.range.start.line + 1})`);
        continue;
      }
      this.ctx.declarations.set(b.name.text, b);
    }
  }

  // ---- bodies ------------------------------------------------------------------------------------

  private checkBody(b: Block): Values {
    const values: Values = new Map();
    const def = findBlock(b.kind);
    if (!def || !b.body) return values;
    for (const entry of b.body.entries) {
      const key = def.keys.find((k) => k.name === entry.key.text);
      if (!key) {
        const candidates = def.keys.map((k) => k.name).filter((n) => !b.body!.entries.some((e) => e.key.text === n));
        this.ctx.reportUnknown('unknown-key', entry.key.range, `key of ${b.kind}`, entry.key.text, candidates);
        continue;
      }
      if (values.has(key.name)) {
        this.ctx.report('duplicate-key', entry.key.range, `'${key.name}' is already set in this ${b.kind} block (line ${values.get(key.name)!.entry.range.start.line + 1})`);
        continue;
      }
      const value = entry.value ? this.ev.typed(entry.value, key.type, `${key.name}`) : undefined;
      values.set(key.name, { value, entry });
    }
    const missing = def.keys.filter((k) => k.required && !values.has(k.name) && !b.body!.entries.some((e) => e.key.text === k.name));
    if (missing.length) {
      const where = b.name?.range ?? b.keywordRange;
      const insertAt = this.closingBraceRange(b);
      const fixes: Fix[] = insertAt
        ? [{ title: `Add ${missing.map((k) => k.name).join(', ')}`, edits: [{ range: insertAt, newText: missing.map((k) => `${k.name}: ${this.placeholder(k)}`).join('  ') + ' ' }], preferred: true }]
        : [];
      this.ctx.report('missing-key', where, `${b.kind} '${this.blockNames.get(b) ?? '?'}' needs ${missing.map((k) => `'${k.name}'`).join(', ')}`, fixes);
    }
    return values;
  }

  private closingBraceRange(b: Block): Range | null {
    if (!b.body || !b.body.closed) return null;
    const end = b.body.range.end;
    const at = { line: end.line, character: Math.max(0, end.character - 1) };
    return { start: at, end: at };
  }

  /** A plausible value for a required key, for the "add missing keys" fix. */
  private placeholder(k: ParamDef): string {
    const firstOf = (kind: BlockKind): string | undefined => this.firstNamed(kind);
    switch (k.type.kind) {
      case 'ref':
        return firstOf(k.type.target) ?? k.type.target;
      case 'list':
        return k.type.of.kind === 'task' ? `[${firstOf('task') ?? 'copy'}]` : k.type.of.kind === 'method' ? '[full, prefix(length: 1)]' : '[]';
      case 'method':
        return 'full';
      case 'int':
        return k.name === 'width' ? '64' : String(k.type.min ?? 1);
      default:
        return '1';
    }
  }

  private readonly firstNames = new Map<BlockKind, string | undefined>();
  private firstNamed(kind: BlockKind): string | undefined {
    if (!this.firstNames.has(kind)) this.firstNames.set(kind, this.ast.blocks.find((x) => x.kind === kind && x.name)?.name?.text);
    return this.firstNames.get(kind);
  }

  private get<T>(b: Block, key: string): T | undefined {
    const v = this.blockValues.get(b)?.get(key);
    if (v) return v.value as T | undefined;
    const def = findBlock(b.kind)?.keys.find((k) => k.name === key);
    return def ? (this.defaultOf(def) as T | undefined) : undefined;
  }

  private entryRange(b: Block, key: string): Range {
    const v = this.blockValues.get(b)?.get(key);
    return v?.entry.value?.range ?? v?.entry.range ?? b.name?.range ?? b.keywordRange;
  }

  private hasInvalid(b: Block, key: string): boolean {
    const v = this.blockValues.get(b)?.get(key);
    return v !== undefined && v.value === undefined;
  }

  /** Defaults are written in the language itself ("0..7", "adamw(lr: 5e-4)") and evaluated like source. */
  private defaultOf(def: ParamDef): unknown {
    const d = def.default;
    if (typeof d === 'string' && (def.type.kind === 'range' || def.type.kind === 'optimizer')) {
      defaultCache ??= new Map();
      const key = `${def.type.kind}:${d}`;
      if (!defaultCache.has(key)) {
        const probe = new AnalysisContext(d);
        const parsed = parse(`task __default = ${d}`);
        const value = parsed.ast.blocks[0]?.target;
        const ev = new Evaluator(probe, { resolve: () => undefined, names: () => [] }, () => undefined);
        defaultCache.set(key, value ? ev.typed(value, def.type, def.name) : undefined);
      }
      const v = defaultCache.get(key);
      return Array.isArray(v) ? [...v] : typeof v === 'object' && v !== null ? { ...v } : v;
    }
    return defaultValue(d);
  }

  // ---- tasks -------------------------------------------------------------------------------------

  private resolveTask(name: string, range: Range | null): TaskStep[] | undefined | 'not-a-task' {
    const b = this.ctx.declarations.get(name);
    if (!b) return undefined;
    if (b.kind !== 'task') return 'not-a-task';
    if (this.taskMemo.has(name)) return this.taskMemo.get(name);
    if (this.taskVisiting.has(name)) {
      this.ctx.report('cyclic-dependency', range ?? b.name!.range, `task '${name}' is defined in terms of itself`);
      return undefined;
    }
    this.taskVisiting.add(name);
    const use = b.target ? this.ev.task(b.target) : undefined;
    this.taskVisiting.delete(name);
    const steps = use?.steps;
    this.taskMemo.set(name, steps);
    if (steps) this.spec.tasks.set(name, { name, steps });
    return steps;
  }

  /** Declared tasks map to one shared TaskSpec object (the theory rules cache skills per object). */
  private taskSpec(use: TaskUse): TaskSpec {
    if (use.name) {
      const declared = this.spec.tasks.get(use.name);
      if (declared) return declared;
    }
    return { name: use.name ?? this.ctx.textOf(use.range).replace(/\s+/g, ' '), steps: use.steps };
  }

  // ---- data and models -------------------------------------------------------------------------------

  private buildData(b: Block): void {
    if (!b.name) return;
    const kind = this.get<'digits' | 'words'>(b, 'kind') ?? 'digits';
    const words = this.get<number>(b, 'words') ?? 200;
    const explicit = this.blockValues.get(b)!;
    if (kind === 'words') {
      for (const k of ['values', 'vocab']) {
        const v = explicit.get(k);
        if (v) this.ctx.report('ignored-key', v.entry.key.range, `'${k}' has no effect on word data (the vocabulary is 3 × words + 1 = ${3 * words + 1})`);
      }
      if (words > WORDS.length) this.ctx.report('out-of-range', this.entryRange(b, 'words'), `words must be at most ${WORDS.length}, the size of the built-in word list`);
    } else {
      const v = explicit.get('words');
      if (v) this.ctx.report('ignored-key', v.entry.key.range, `'words' has no effect on digit data (it applies to kind: words)`);
    }
    const values = this.get<[number, number]>(b, 'values');
    const length = this.get<number>(b, 'length');
    const vocab = this.get<number>(b, 'vocab');
    const test = this.get<number>(b, 'test');
    const repeats = this.get<boolean>(b, 'repeats');
    if (!values || length === undefined || vocab === undefined || test === undefined || repeats === undefined) return;
    const data: DataSpec = {
      name: b.name.text,
      kind,
      values: kind === 'words' ? [1, Math.min(words, WORDS.length)] : values,
      length,
      vocab: kind === 'words' ? 3 * Math.min(words, WORDS.length) + 1 : vocab,
      test,
      repeats,
      words: kind === 'words' ? Math.min(words, WORDS.length) : 0,
    };
    checkInputsFitVocab(this.ctx, data, this.entryRange(b, 'vocab'));
    this.spec.data.set(data.name, data);
  }

  private buildModel(b: Block): void {
    if (!b.name) return;
    const width = this.get<number>(b, 'width');
    const layers = this.get<number>(b, 'layers');
    const heads = this.get<number>(b, 'heads');
    const dropout = this.get<number>(b, 'dropout');
    const context = this.get<number>(b, 'context');
    const norm = this.get<'pre' | 'post'>(b, 'norm');
    // Checked as soon as both are known, even when another key of the block is wrong.
    const headsOk = width === undefined || heads === undefined || width % heads === 0;
    if (!headsOk) this.ctx.report('heads-divide-width', this.entryRange(b, 'heads'), `${heads} heads do not divide width ${width} (each head needs width / heads dimensions)`);
    if (width === undefined || layers === undefined || heads === undefined || dropout === undefined || context === undefined || !norm || !headsOk) return;
    const mlp = this.get<number>(b, 'mlp') ?? (this.hasInvalid(b, 'mlp') ? undefined : 4 * width);
    if (mlp === undefined) return;
    this.spec.models.set(b.name.text, { name: b.name.text, layers, heads, width, mlp, dropout, context, norm });
  }

  private readonly baseSchedules = new Map<Block, ScheduleSpec | undefined>();

  /** The block's schedule with a method's overrides and a compare seed; the block part is computed once. */
  private schedule(b: Block, overrides: { lr?: number; steps?: number } = {}, seed?: number): ScheduleSpec | undefined {
    if (!this.baseSchedules.has(b)) this.baseSchedules.set(b, this.blockSchedule(b));
    const base = this.baseSchedules.get(b);
    if (!base) return undefined;
    return {
      steps: overrides.steps ?? base.steps,
      batch: base.batch,
      optimizer: overrides.lr !== undefined ? { ...base.optimizer, lr: overrides.lr } : base.optimizer,
      clip: base.clip,
      seed: seed ?? base.seed,
    };
  }

  private blockSchedule(b: Block, overrides: { lr?: number; steps?: number } = {}, seed?: number): ScheduleSpec | undefined {
    const steps = overrides.steps ?? this.get<number>(b, 'steps');
    const batch = this.get<number>(b, 'batch');
    const optimizer = this.get<OptimizerSpec>(b, 'optimizer');
    const clip = this.get<number>(b, 'clip');
    const s = seed ?? this.get<number>(b, 'seed') ?? (b.kind === 'compare' ? 0 : undefined);
    if (steps === undefined || batch === undefined || !optimizer || clip === undefined || s === undefined) return undefined;
    return { steps, batch, optimizer: overrides.lr !== undefined ? { ...optimizer, lr: overrides.lr } : optimizer, clip, seed: s };
  }

  // ---- runs --------------------------------------------------------------------------------------

  private buildPretrain(b: Block): void {
    if (!b.name) return;
    const modelName = this.get<string>(b, 'model');
    const dataName = this.get<string>(b, 'data');
    const tasks = this.get<TaskUse[]>(b, 'tasks');
    const reserve = this.get<number>(b, 'reserve');
    const schedule = this.schedule(b);
    const model = modelName ? this.spec.models.get(modelName) : undefined;
    const data = dataName ? this.spec.data.get(dataName) : undefined;
    if (!model || !data || !tasks || reserve === undefined || !schedule) return;
    let ok = true;
    const tasksValue = this.blockValues.get(b)?.get('tasks')?.entry.value;
    tasks.forEach((t, i) => {
      const range = tasksValue?.kind === 'list' ? (tasksValue.items[i]?.range ?? t.range) : t.range;
      if (!checkTaskOnData(this.ctx, this.taskSpec(t), data, range)) ok = false;
    });
    checkSequenceFits(this.ctx, model, data, reserve, this.entryRange(b, 'model'));
    if (!ok) return;
    const spec: PretrainSpec = { kind: 'pretrain', name: b.name.text, model, data, tasks: tasks.map((t) => this.taskSpec(t)), schedule, reserve };
    this.spec.pretrains.set(spec.name, spec);
  }

  /** Walks `from` links up to the pretraining run; reports cycles and starts from context-tuned runs. */
  private rootOf(b: Block): { root: PretrainSpec; learned: TaskSpec[] } | undefined {
    const seen = new Set<Block>();
    const learned: TaskSpec[] = [];
    let cur: Block = b;
    for (;;) {
      if (seen.has(cur)) {
        this.ctx.report('cyclic-dependency', b.from?.range ?? b.keywordRange, `run '${b.name?.text}' depends on itself through 'from'`);
        return undefined;
      }
      seen.add(cur);
      if (!cur.from) return undefined;
      const parentName = cur.from.text;
      const parent = this.ctx.declarations.get(parentName);
      if (!parent) return undefined; // reported when the reference was resolved
      if (parent.kind === 'pretrain') {
        const root = this.spec.pretrains.get(parentName);
        // The pretrain's own task list when nothing was learned on the way: one array per root, so the
        // skill sets computed from it are cached (see skillGap).
        return root ? { root, learned: learned.length ? [...root.tasks, ...learned] : root.tasks } : undefined;
      }
      if (parent.kind !== 'finetune') return undefined;
      const m = this.get<MethodUse>(parent, 'method');
      if (m && (m.method.kind === 'prefix' || m.method.kind === 'soft_prompt' || m.method.kind === 'prompt') && cur === b) {
        this.ctx.report('from-context-run', cur.from.range, `'${parentName}' is tuned with ${m.method.kind}; a finetune can only start from a pretrained, fully fine-tuned or LoRA-tuned run`);
        return undefined;
      }
      const t = parent.target ? this.ev.task(parent.target) : undefined;
      if (t) learned.push(this.taskSpec(t));
      cur = parent;
    }
  }

  private buildRun(b: Block): void {
    if (!b.name || !b.from) return;
    const fromName = this.ev.refName(b.from.text, b.from.range, 'run');
    const targetUse = b.target ? this.ev.task(b.target) : undefined;
    if (!fromName || !targetUse) return;
    const fromBlock = this.ctx.declarations.get(fromName);
    if (fromBlock?.kind === 'compare') {
      this.ctx.report('wrong-kind', b.from.range, `'${fromName}' is a compare block; start from a pretrain or finetune run`);
      return;
    }
    const chain = this.rootOf(b);
    if (!chain) return;
    const { root, learned } = chain;
    const task = this.taskSpec(targetUse);
    if (!checkTaskOnData(this.ctx, task, root.data, b.target!.range)) return;
    const rootBlock = this.ctx.declarations.get(root.name)!;
    const tasksValue = this.blockValues.get(rootBlock)?.get('tasks')?.entry.value;
    const pretrainTasksEnd = tasksValue?.kind === 'list' ? listInsertPoint(tasksValue) : null;

    const uses: Array<{ use: MethodUse; item: Value | null }> = [];
    if (b.kind === 'finetune') {
      const m = this.get<MethodUse>(b, 'method');
      if (!m) return;
      uses.push({ use: m, item: null });
    } else {
      const ms = this.get<MethodUse[]>(b, 'methods');
      if (!ms) return;
      ms.forEach((m) => uses.push({ use: m, item: null }));
    }
    const seeds = b.kind === 'compare' ? (this.get<number[]>(b, 'seeds') ?? []) : [undefined];
    const runs: FinetuneSpec[] = [];
    const targetRange = b.target!.range;
    for (const { use } of uses) {
      checkReserve(this.ctx, use.method, root.reserve, root.name, use.range);
      checkLoraRank(this.ctx, use.method, root.model, use.range);
      checkTheory(this.ctx, {
        method: use.method,
        methodRange: use.range,
        target: task,
        targetLabel: task.name,
        targetText: () => this.ctx.textOf(targetRange).replace(/\s+/g, ' '),
        learned,
        pretrainName: root.name,
        pretrainTasksEnd,
        model: root.model,
        vocab: root.data.vocab,
        overrides: { lr: use.lr, steps: use.steps },
      });
      const label = methodText(use.method, { lr: use.lr, steps: use.steps });
      const runName = b.kind === 'finetune' ? b.name.text : `${b.name.text}/${label}/seed${seeds[0] ?? 0}`;
      this.methods.push({
        run: runName,
        block: b,
        range: use.range,
        method: use.method,
        model: root.model,
        vocab: root.data.vocab,
        count: trainableParameters(use.method, root.model, root.data.vocab),
      });
      for (const seed of seeds) {
        const schedule = this.schedule(b, { lr: use.lr, steps: use.steps }, seed);
        if (!schedule) continue;
        runs.push({
          kind: 'finetune',
          name: b.kind === 'finetune' ? b.name.text : `${b.name.text}/${label}/seed${seed}`,
          from: fromName,
          root: root.name,
          task,
          method: use.method,
          schedule,
          ...(b.kind === 'compare' ? { compare: b.name.text } : {}),
        });
      }
    }
    if (b.kind === 'finetune') {
      if (runs[0]) this.spec.finetunes.set(b.name.text, runs[0]);
      return;
    }
    const spec: CompareSpec = { kind: 'compare', name: b.name.text, from: fromName, task, methods: uses.map((u) => u.use.method), seeds: seeds as number[], runs };
    this.spec.compares.set(spec.name, spec);
  }

  // ---- evaluate ----------------------------------------------------------------------------------

  private buildEvaluate(b: Block): void {
    const name = this.blockNames.get(b);
    if (!name || !b.runs) return;
    const runNames: string[] = [];
    for (const item of b.runs.items) {
      if (item.kind !== 'call' || item.args !== null) {
        this.ctx.report('type-mismatch', item.range, `expected the name of a run, not '${this.ctx.textOf(item.range)}'`);
        continue;
      }
      const n = this.ev.refName(item.name.text, item.name.range, 'run');
      if (n) runNames.push(n);
    }
    if (!b.target) return;
    let taskUses: TaskUse[] | undefined;
    if (b.target.kind === 'list') {
      taskUses = this.ev.list(b.target, { kind: 'list', of: { kind: 'task' }, minItems: 1 }, 'tasks', (x) => this.ev.task(x));
    } else {
      const t = this.ev.task(b.target);
      taskUses = t ? [t] : undefined;
    }
    const samples = this.get<number>(b, 'samples');
    const probe = this.get<number[]>(b, 'probe') ?? null;
    if (!taskUses || samples === undefined) return;
    const tasks = taskUses.map((t) => this.taskSpec(t));
    // Every run must be able to run every task on its data; the probe must be an input of that data.
    const roots = new Set<PretrainSpec>();
    for (const r of runNames) {
      const rb = this.ctx.declarations.get(r);
      if (!rb) continue;
      const root = rb.kind === 'pretrain' ? this.spec.pretrains.get(r) : this.spec.pretrains.get(this.rootName(rb) ?? '');
      if (root) roots.add(root);
    }
    for (const root of roots) {
      tasks.forEach((t, i) => checkTaskOnData(this.ctx, t, root.data, taskUses![i]!.range));
      if (probe) {
        const range = this.entryRange(b, 'probe');
        const [lo, hi] = root.data.values;
        if (probe.length !== root.data.length) {
          this.ctx.report('invalid-probe', range, `the probe has ${probe.length} tokens, but inputs of data '${root.data.name}' (used by '${root.name}') have ${root.data.length}`);
        } else if (probe.some((x) => x < lo || x > hi)) {
          this.ctx.report('invalid-probe', range, `probe tokens must lie in ${lo}..${hi}, the input values of data '${root.data.name}'`);
        }
      }
    }
    const spec: EvaluateSpec = { kind: 'evaluate', name, runs: runNames, tasks, samples, probe };
    this.spec.evaluates.set(name, spec);
  }

  private rootName(b: Block): string | undefined {
    if (b.kind === 'finetune') return this.spec.finetunes.get(b.name?.text ?? '')?.root;
    if (b.kind === 'compare') {
      const c = this.spec.compares.get(b.name?.text ?? '');
      return c?.runs[0]?.root;
    }
    return undefined;
  }
}

/** Just before the closing `]` of a list: where `, item` goes. */
function listInsertPoint(list: ListValue): Range {
  const last = list.items[list.items.length - 1];
  const at = last ? last.range.end : { line: list.range.end.line, character: Math.max(0, list.range.end.character - 1) };
  return { start: at, end: at };
}
