// analyse(text): the one analysis path shared by `ptx check`, `ptx run` and the language server.
// Parses, resolves names, checks every value against the catalogue, builds the resolved Spec, runs the
// cross-checks and the theory rules. Plain data in, plain data out; never throws.
import { findBlock } from '../catalogue/blocks.js';
import { WORDS } from '../catalogue/words.js';
import type { ParamDef } from '../catalogue/types.js';
import { trainableParameters, type ParamCount } from '../params.js';
import type { Block, BlockKind, Entry, ListValue, PtxFile, Range, Value } from '../syntax/ast.js';
import { parse, type ParseResult } from '../syntax/parse.js';
import {
  CONTEXT_METHODS,
  type CompareSpec,
  type DataSpec,
  type EvaluateSpec,
  type FinetuneSpec,
  type GridPoint,
  type MethodGroup,
  type MethodSpec,
  type ModelSpec,
  type OptimizerSpec,
  type PretrainSpec,
  type ScheduleSpec,
  type Spec,
  type StoppingSpec,
  type TaskSpec,
  type TaskStep,
} from '../spec.js';
import { checkInputsFitVocab, checkLoraRank, checkProbe, checkReserve, checkSequenceFits, checkTaskOnData } from './checks.js';
import { AnalysisContext, type Reference, type RefKind } from './context.js';
import type { Diagnostic, Fix } from './diagnostics.js';
import { checkUntrainedOutputs } from './output-tokens.js';
import { acknowledge } from './acknowledge.js';
import { checkEvaluation, checkPretrainRun, checkTuningMemory, checkTuningTask } from './run-limits.js';
import { checkTaskForm } from './task-forms.js';
import { checkTheory } from './theory-rules.js';
import { defaultValue, Evaluator, methodText, optimizerSpec, type MethodSweep, type MethodUse, type TaskUse } from './values.js';

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
  /** For a point of a sweep: its index among the item's grid points, and how many there are. */
  point?: number;
  points?: number;
  /** Positions the pretraining run reserves (a residual prefix cannot be longer). */
  reserve?: number;
  /** The kind of skill a theory warning on this method says is missing (its quick fix picks LoRA targets by it). */
  theory?: 'pattern' | 'map';
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
    const a = new Analyser(text, parsed ?? parse(text)).run();
    a.diagnostics = acknowledge(text, a.diagnostics);
    return a;
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

/**
 * The analysis of some blocks of a parsed file: `blocks` (in file order) must be closed under references (every
 * block a name in them refers to, and every block sharing a name with one of them, is included; see
 * analysis/incremental.ts). Declarations and block names are those of the whole file; diagnostics, spec,
 * references and methods are those the full analysis reports for these blocks. Syntax problems are not
 * included. Throws on an internal error (the caller falls back to analyse()).
 */
export function analyseBlocks(text: string, parsed: ParseResult, blocks: readonly Block[]): Analysis {
  return new Analyser(text, parsed, blocks).run();
}

function emptySpec(): Spec {
  return { data: new Map(), models: new Map(), tasks: new Map(), pretrains: new Map(), finetunes: new Map(), compares: new Map(), evaluates: new Map() };
}

/** A block kind's keys with their positions: per-block values are arrays indexed by key position. */
interface KeyTable {
  keys: readonly ParamDef[];
  index: Map<string, number>;
  /** Positions of the required keys, in catalogue order. */
  required: number[];
}

const keyTables = new Map<BlockKind, KeyTable | null>();

function keyTable(kind: BlockKind): KeyTable | null {
  let t = keyTables.get(kind);
  if (t === undefined) {
    const def = findBlock(kind);
    t = def ? { keys: def.keys, index: new Map(def.keys.map((k, i) => [k.name, i])), required: def.keys.flatMap((k, i) => (k.required ? [i] : [])) } : null;
    keyTables.set(kind, t);
  }
  return t;
}

/** A compare expanding to more runs than this gets a `large-sweep` warning. */
export const LARGE_SWEEP_RUNS = 256;
/** Validation inputs measured at each evaluation during training: a standard error of at most ~2 points. */
export const VALIDATION_SAMPLES = 512;
/** Gain in validation exact match (a fraction) below which the plateau rule counts no progress. */
export const PLATEAU_DELTA = 0.005;

/** About 20 evaluations a run, at least one step apart. */
export function defaultEvalEvery(steps: number): number {
  return Math.max(1, Math.round(steps / 20));
}

/** A finetune block's one run has the block's own seed (no compare seed): one pass of the seed loop. */
const FINETUNE_SEEDS: readonly undefined[] = [undefined];

/** Shared by blocks without keys (tasks): never written, there is no key position to write. */
const NO_ENTRIES: never[] = [];

/** What the analysis knows about one block: its entries' values (by key position) and derived results. */
class BlockState {
  /** The first entry of each key (undefined when the key is not written). */
  readonly entries: Array<Entry | undefined>;
  /** The evaluated value of each written key (undefined when it is unusable). */
  readonly values: unknown[];
  /** task blocks: resolution state (see resolveTask). */
  taskState: 0 | 1 | 2 = 0;
  taskSteps: TaskStep[] | undefined = undefined;
  /** Run blocks: the block part of the schedule, once computed. */
  scheduleDone = false;
  baseSchedule: ScheduleSpec | undefined = undefined;
  /** pretrain blocks: where `, task` goes in the tasks list (computed once, shared by the fixes). */
  tasksEnd: Range | null | undefined = undefined;

  constructor(
    readonly block: Block,
    readonly table: KeyTable | null,
  ) {
    const n = table ? table.keys.length : 0;
    this.entries = n ? new Array<Entry | undefined>(n).fill(undefined) : NO_ENTRIES;
    this.values = n ? new Array<unknown>(n).fill(undefined) : NO_ENTRIES;
  }

  entry(key: string): Entry | undefined {
    const i = this.table?.index.get(key);
    return i === undefined ? undefined : this.entries[i];
  }
}

/** Sentinel for `Analyser.current` before the first pass (matches no block). */
const NO_STATE = new BlockState(null as unknown as Block, null);


/** Evaluated defaults of catalogue keys (written in the language itself, so evaluated once). */
const defaultCache = new Map<ParamDef, unknown>();

class Analyser {
  private readonly ctx: AnalysisContext;
  private readonly ast: PtxFile;
  /** The blocks analysed: the whole file, or a set of blocks closed under references (see analyseBlocks). */
  private readonly blocks: readonly Block[];
  private readonly spec = emptySpec();
  private readonly ev: Evaluator;
  /**
   * States of the analysed blocks that are the first declaration of their name. Other blocks are only ever
   * looked at while their own pass builds them (see state), so no table from blocks to states is needed.
   */
  private readonly declared = new Map<string, BlockState>();
  /** The block the current pass is building: most lookups ask about it, several times in a row. */
  private current: BlockState = NO_STATE;
  /**
   * Parameter counts by the values they depend on (method kind, then its and the model's numbers, one Map per
   * level; see count): groups of a spec repeat the same models and methods.
   */
  private readonly counts: CountTable = new Map();
  private readonly blockNames = new Map<Block, string>();
  private readonly methods: MethodInfo[] = [];

  constructor(
    private readonly text: string,
    parsed: ParseResult,
    blocks?: readonly Block[],
  ) {
    this.ast = parsed.ast;
    this.blocks = blocks ?? parsed.ast.blocks;
    this.ctx = new AnalysisContext(text);
    // Syntax problems belong to the whole file, not to a subset of its blocks.
    if (!blocks) for (const p of parsed.problems) this.ctx.report(p.code, p.range, p.message);
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
    const blocks = this.blocks;
    // Blocks of each kind, in file order (each pass below handles one kind).
    const byKind: Record<BlockKind, BlockState[]> = { data: [], model: [], task: [], pretrain: [], finetune: [], compare: [], evaluate: [] };
    const states: BlockState[] = [];
    for (const b of blocks) {
      const st = new BlockState(b, keyTable(b.kind));
      states.push(st);
      byKind[b.kind]?.push(st);
    }
    this.declare(states);
    this.pass(states, (b, st) => this.checkBody(b, st));
    for (const st of byKind.task) if (st.block.name) this.resolveTask(st.block.name.text, null);
    this.pass(byKind.data, (b) => this.buildData(b));
    this.pass(byKind.model, (b) => this.buildModel(b));
    this.pass(byKind.pretrain, (b) => this.buildPretrain(b));
    this.pass(byKind.finetune, (b) => this.buildRun(b));
    this.pass(byKind.compare, (b) => this.buildRun(b));
    this.pass(byKind.evaluate, (b) => this.buildEvaluate(b));
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

  /** Runs `build` on each block of `states` in order, as the current block (see state). */
  private pass(states: readonly BlockState[], build: (b: Block, st: BlockState) => void): void {
    for (const st of states) {
      this.current = st;
      build(st.block, st);
    }
    this.current = NO_STATE;
  }

  // ---- declarations ---------------------------------------------------------------------------------

  /**
   * Names and declarations of the whole file; problems are reported for the analysed blocks only (`states`,
   * one per analysed block in order).
   */
  private declare(states: readonly BlockState[]): void {
    let evaluates = 0;
    const fileBlocks = this.ast.blocks;
    // Analysing a subset (see analyseBlocks): which blocks of the file are in it.
    const subset = this.blocks === fileBlocks ? undefined : new Map(states.map((st) => [st.block, st]));
    for (let i = 0; i < fileBlocks.length; i++) {
      const b = fileBlocks[i]!;
      const st = subset ? subset.get(b) : states[i];
      if (!b.name) {
        if (b.kind === 'evaluate') {
          evaluates++;
          const name = evaluates === 1 ? 'evaluate' : `evaluate_${evaluates}`;
          this.blockNames.set(b, name);
        } else if (st) {
          this.ctx.report('missing-name', b.keywordRange, `a ${b.kind} block needs a name: ${findBlock(b.kind)?.synopsis ?? b.kind}`);
        }
        continue;
      }
      this.blockNames.set(b, b.name.text);
      const first = this.ctx.declarations.get(b.name.text);
      if (first) {
        if (st) this.ctx.report('duplicate-name', b.name.range, `'${b.name.text}' is already declared (as a ${first.kind} on line ${first.name!.range.start.line + 1})`);
        continue;
      }
      this.ctx.declarations.set(b.name.text, b);
      if (st) this.declared.set(b.name.text, st);
    }
  }

  // ---- bodies ------------------------------------------------------------------------------------

  private checkBody(b: Block, state: BlockState): void {
    const table = state.table;
    if (!table || !b.body) return;
    const entries = b.body.entries;
    for (const entry of entries) {
      const i = table.index.get(entry.key.text);
      if (i === undefined) {
        // Every key of the block kind, set or not: the message lists what the block accepts (listing only the
        // keys not yet set made `hasOwnProperty` in a full block say "expected one of: clip"), and the list is
        // the same for every block of a kind, as reportUnknown's memo (by kind and word) requires.
        this.ctx.reportUnknown('unknown-key', entry.key.range, `key of ${b.kind}`, entry.key.text, () => table.keys.map((k) => k.name));
        continue;
      }
      const key = table.keys[i]!;
      const first = state.entries[i];
      if (first) {
        this.ctx.report('duplicate-key', entry.key.range, `'${key.name}' is already set in this ${b.kind} block (line ${first.range.start.line + 1})`);
        continue;
      }
      state.entries[i] = entry;
      state.values[i] = entry.value ? this.ev.typed(entry.value, key.type, key.name) : undefined;
    }
    let missing: ParamDef[] | undefined;
    for (const i of table.required) if (!state.entries[i]) (missing ??= []).push(table.keys[i]!);
    if (missing) {
      const where = b.name?.range ?? b.keywordRange;
      const insertAt = this.closingBraceRange(b);
      const fixes: Fix[] = insertAt
        ? [{ title: `Add ${missing.map((k) => k.name).join(', ')}`, edits: [{ range: insertAt, newText: missing.map((k) => `${k.name}: ${this.placeholder(k)}`).join('  ') + ' ' }], preferred: true }]
        : [];
      this.ctx.report('missing-key', where, `${b.kind} '${this.blockNames.get(b) ?? '?'}' needs ${missing.map((k) => `'${k.name}'`).join(', ')}`, fixes);
    }
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

  /**
   * The state of the block being built, or of another block reached through its name (a task resolved, a
   * run's `from` chain and root): those are first declarations, and the analysed blocks are closed under
   * references, so it is in `declared`.
   */
  private state(b: Block): BlockState {
    if (b === this.current.block) return this.current;
    const st = this.declared.get(b.name!.text)!;
    if (st.block !== b) throw new Error(`no state for the ${b.kind} block on line ${b.range.start.line + 1}`);
    return st;
  }

  private get<T>(b: Block, key: string): T | undefined {
    const st = this.state(b);
    const i = st.table?.index.get(key);
    if (i === undefined) return undefined;
    // Compared with undefined rather than tested for truth, which would read the entry itself.
    if (st.entries[i] !== undefined) return st.values[i] as T | undefined;
    return defaultOf(st.table!.keys[i]!) as T | undefined;
  }

  private entryRange(b: Block, key: string): Range {
    const e = this.state(b).entry(key);
    return e?.value?.range ?? e?.range ?? b.name?.range ?? b.keywordRange;
  }

  private hasInvalid(b: Block, key: string): boolean {
    const st = this.state(b);
    const i = st.table?.index.get(key);
    return i !== undefined && st.entries[i] !== undefined && st.values[i] === undefined;
  }

  // ---- tasks -------------------------------------------------------------------------------------

  private resolveTask(name: string, range: Range | null): TaskStep[] | undefined | 'not-a-task' {
    const b = this.ctx.declarations.get(name);
    if (!b) return undefined;
    if (b.kind !== 'task') return 'not-a-task';
    const st = this.state(b);
    if (st.taskState === 2) return st.taskSteps;
    if (st.taskState === 1) {
      this.ctx.report('cyclic-dependency', range ?? b.name!.range, `task '${name}' is defined in terms of itself`);
      return undefined;
    }
    st.taskState = 1;
    const use = b.target ? this.ev.task(b.target) : undefined;
    const steps = use?.steps;
    st.taskState = 2;
    st.taskSteps = steps;
    if (steps) this.spec.tasks.set(name, { name, steps });
    return steps;
  }

  /** Declared tasks whose simpler form was reported, by name and data (each is reported once per data). */
  private readonly formsReported = new Set<string>();

  /** A task use with a simpler equal form on `data` gets an information where its text is written. */
  private checkForm(use: TaskUse, task: TaskSpec, data: DataSpec): void {
    if (task.steps.length < 2) return;
    const decl = use.name ? this.ctx.declarations.get(use.name) : undefined;
    if (decl?.kind === 'task' && decl.target) {
      const key = `${use.name}\u0000${data.name}`;
      if (this.formsReported.has(key)) return;
      this.formsReported.add(key);
      checkTaskForm(this.ctx, { task, data, range: decl.target.range, declared: use.name });
    } else if (!use.name) {
      checkTaskForm(this.ctx, { task, data, range: use.range });
    }
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
    const explicit = this.state(b);
    if (kind === 'words') {
      for (const k of ['values', 'vocab']) {
        const e = explicit.entry(k);
        if (e) this.ctx.report('ignored-key', e.key.range, `'${k}' has no effect on word data (the vocabulary is 3 × words + 1 = ${3 * words + 1})`);
      }
      if (words > WORDS.length) this.ctx.report('out-of-range', this.entryRange(b, 'words'), `words must be at most ${WORDS.length}, the size of the built-in word list`);
    } else {
      const e = explicit.entry('words');
      if (e) this.ctx.report('ignored-key', e.key.range, `'words' has no effect on digit data (it applies to kind: words)`);
    }
    const values = this.get<[number, number]>(b, 'values');
    const length = this.get<number>(b, 'length');
    const vocab = this.get<number>(b, 'vocab');
    const test = this.get<number>(b, 'test');
    const validation = this.get<number>(b, 'validation');
    const repeats = this.get<boolean>(b, 'repeats');
    if (!values || length === undefined || vocab === undefined || test === undefined || validation === undefined || repeats === undefined) return;
    const data: DataSpec = {
      name: b.name.text,
      kind,
      values: kind === 'words' ? [1, Math.min(words, WORDS.length)] : values,
      length,
      vocab: kind === 'words' ? 3 * Math.min(words, WORDS.length) + 1 : vocab,
      test,
      validation,
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

  /** The block part of a run's schedule (computed once per block). */
  private baseSchedule(b: Block): ScheduleSpec | undefined {
    const st = this.state(b);
    if (!st.scheduleDone) {
      st.baseSchedule = this.blockSchedule(b);
      st.scheduleDone = true;
    }
    return st.baseSchedule;
  }

  /** The block's schedule with a method's overrides and a compare seed. */
  private schedule(b: Block, overrides: { lr?: number; steps?: number } = {}, seed?: number): ScheduleSpec | undefined {
    const base = this.baseSchedule(b);
    if (!base) return undefined;
    return {
      steps: overrides.steps ?? base.steps,
      batch: base.batch,
      optimizer: overrides.lr !== undefined ? withLr(base.optimizer, overrides.lr) : base.optimizer,
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
    const tasksValue = this.state(b).entry('tasks')?.value;
    // Each task's spec made once: an inline task's name is its source text, read from the file.
    const specs: TaskSpec[] = [];
    for (let i = 0; i < tasks.length; i++) {
      const t = tasks[i]!;
      const range = tasksValue?.kind === 'list' ? (tasksValue.items[i]?.range ?? t.range) : t.range;
      const task = this.taskSpec(t);
      specs.push(task);
      if (!checkTaskOnData(this.ctx, task, data, range)) ok = false;
      else this.checkForm(t, task, data);
    }
    checkSequenceFits(this.ctx, model, data, reserve, this.entryRange(b, 'model'));
    if (!ok) return;
    const spec: PretrainSpec = { kind: 'pretrain', name: b.name.text, model, data, tasks: specs, schedule, reserve };
    checkPretrainRun(this.ctx, spec, (i) => (tasksValue?.kind === 'list' ? (tasksValue.items[i]?.range ?? tasks[i]!.range) : tasks[i]!.range), this.entryRange(b, 'model'));
    this.spec.pretrains.set(spec.name, spec);
  }

  /** Walks `from` links up to the pretraining run; reports cycles and starts from context-tuned runs. */
  private rootOf(b: Block): { root: PretrainSpec; learned: TaskSpec[] } | undefined {
    // The blocks left behind and the tasks learned on the way are arrays only once the chain passes a finetune:
    // most runs start right at a pretrain.
    let seen: Block[] | undefined;
    let learned: TaskSpec[] | undefined;
    let cur: Block = b;
    for (;;) {
      if (seen?.includes(cur)) {
        this.ctx.report('cyclic-dependency', b.from?.range ?? b.keywordRange, `run '${b.name?.text}' depends on itself through 'from'`);
        return undefined;
      }
      if (!cur.from) return undefined;
      const parentName = cur.from.text;
      const parent = this.ctx.declarations.get(parentName);
      if (!parent) return undefined; // reported when the reference was resolved
      if (parent.kind === 'pretrain') {
        const root = this.spec.pretrains.get(parentName);
        // The pretrain's own task list when nothing was learned on the way.
        return root ? { root, learned: learned ? [...root.tasks, ...learned] : root.tasks } : undefined;
      }
      if (parent.kind !== 'finetune') return undefined;
      const m = this.get<MethodUse>(parent, 'method');
      if (m && (m.method.kind === 'prefix' || m.method.kind === 'soft_prompt' || m.method.kind === 'prompt') && cur === b) {
        this.ctx.report('from-context-run', cur.from.range, `'${parentName}' is tuned with ${m.method.kind}; a finetune can only start from a pretrained, fully fine-tuned or LoRA-tuned run`);
        return undefined;
      }
      const t = parent.target ? this.ev.task(parent.target) : undefined;
      if (t) (learned ??= []).push(this.taskSpec(t));
      (seen ??= []).push(cur);
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
    checkTuningTask(this.ctx, root, task, b.name.text, b.target!.range);
    this.checkForm(targetUse, task, root.data);
    const rootState = this.state(this.ctx.declarations.get(root.name)!);
    if (rootState.tasksEnd === undefined) {
      const tasksValue = rootState.entry('tasks')?.value;
      rootState.tasksEnd = tasksValue?.kind === 'list' ? listInsertPoint(tasksValue) : null;
    }
    const pretrainTasksEnd = rootState.tasksEnd;

    // A finetune's one method is a group of one point; a compare's items may be sweeps (grids of points).
    let groups: MethodSweep[];
    if (b.kind === 'finetune') {
      const m = this.get<MethodUse>(b, 'method');
      if (!m) return;
      groups = [{ points: [m], swept: [], label: '', range: m.range }];
    } else {
      const ms = this.get<MethodSweep[]>(b, 'methods');
      if (!ms) return;
      groups = ms;
    }
    const seeds = b.kind === 'compare' ? (this.get<number[]>(b, 'seeds') ?? []) : FINETUNE_SEEDS;
    const runs: FinetuneSpec[] = [];
    const specGroups: MethodGroup[] = [];
    const count = this.countFn;
    const name = b.name.text;
    const base = this.baseSchedule(b);
    const stopping = base ? this.stopping(b, base.steps) : undefined;
    if (b.kind === 'compare') {
      const total = groups.reduce((n, g) => n + g.points.length, 0) * seeds.length;
      if (total > LARGE_SWEEP_RUNS) {
        this.ctx.report('large-sweep', this.entryRange(b, 'methods'), `compare '${name}' expands to ${total} runs (${groups.map((g) => g.points.length).join(' + ')} configurations × ${seeds.length} seeds); more than ${LARGE_SWEEP_RUNS} is hours of training`);
      }
    }
    for (const group of groups) {
      // Checks and hints once per distinct method of the group (its points differ in lr or steps only, or in
      // the method's own arguments).
      const checked = new Map<string, 'pattern' | 'map' | null>();
      const points: GridPoint[] = [];
      for (const use of group.points) {
        const overrides = { lr: use.lr, steps: use.steps };
        const methodKey = methodText(use.method);
        if (!checked.has(methodKey)) {
          checked.set(methodKey, null);
          checkReserve(this.ctx, use.method, root.reserve, root.name, use.range);
          checkLoraRank(this.ctx, use.method, root.model, use.range);
          if (CONTEXT_METHODS.includes(use.method.kind)) {
            const missing = checkTheory(this.ctx, {
              method: use.method,
              methodRange: use.range,
              target: task,
              targetLabel: task.name,
              targetText: () => this.sourceText(b.target!),
              learned,
              pretrainName: root.name,
              pretrainTasksEnd,
              model: root.model,
              data: root.data,
              vocab: root.data.vocab,
              overrides,
              count,
            });
            checked.set(methodKey, missing);
          }
          if (use.method.kind !== 'full') checkUntrainedOutputs(this.ctx, { method: use.method, methodRange: use.range, target: task, targetLabel: task.name, learned, pretrainName: root.name, data: root.data });
          if (base) checkTuningMemory(this.ctx, root, use.method, this.count(use.method, root.model, root.data.vocab).total, base, stopping?.samples ?? 0, b.kind === 'finetune' ? name : `${name}/${methodText(use.method, overrides)}/seed${seeds[0] ?? 0}`, use.range);
        }
        // Compare runs are named by the point's canonical text; a finetune run by its block.
        const label = b.kind === 'compare' ? methodText(use.method, overrides) : '';
        const runPrefix = b.kind === 'compare' ? `${name}/${label}/seed` : '';
        const runNames = b.kind === 'finetune' ? [name] : seeds.map((seed) => runPrefix + seed);
        this.methods.push({
          run: runNames[0] ?? runPrefix + 0,
          block: b,
          range: use.range,
          method: use.method,
          model: root.model,
          vocab: root.data.vocab,
          count: this.count(use.method, root.model, root.data.vocab),
          ...(group.points.length > 1 ? { point: points.length, points: group.points.length } : {}),
          reserve: root.reserve,
          ...(checked.get(methodKey) ? { theory: checked.get(methodKey)! } : {}),
        });
        points.push({ label, method: use.method, ...(use.lr !== undefined ? { lr: use.lr } : {}), ...(use.steps !== undefined ? { steps: use.steps } : {}), runs: runNames });
        if (!base || !stopping) continue;
        // The point's optimizer is the same for every seed: one object shared by its runs, as runs without an
        // lr override share the block's.
        const optimizer = overrides.lr !== undefined ? withLr(base.optimizer, overrides.lr) : base.optimizer;
        const steps = overrides.steps ?? base.steps;
        const runStopping = steps === base.steps ? stopping : (this.stopping(b, steps) ?? stopping);
        for (const seed of seeds) {
          const schedule: ScheduleSpec = { steps, batch: base.batch, optimizer, clip: base.clip, seed: seed ?? base.seed };
          // Built with all their fields at once (adding `compare` afterwards gave every run a second shape
          // and an out-of-object property store).
          runs.push(
            b.kind === 'compare'
              ? { kind: 'finetune', name: runPrefix + seed, from: fromName, root: root.name, task, method: use.method, schedule, stopping: runStopping, compare: name }
              : { kind: 'finetune', name, from: fromName, root: root.name, task, method: use.method, schedule, stopping: runStopping },
          );
        }
      }
      specGroups.push({ label: group.label, kind: group.points[0]!.method.kind, swept: group.swept, points });
    }
    if (b.kind === 'finetune') {
      if (runs[0]) this.spec.finetunes.set(b.name.text, runs[0]);
      return;
    }
    const learnedAt = this.get<number>(b, 'learned_at');
    if (learnedAt === undefined) return;
    const spec: CompareSpec = {
      kind: 'compare',
      name: b.name.text,
      from: fromName,
      task,
      methods: groups.flatMap((g) => g.points.map((u) => u.method)),
      groups: specGroups,
      seeds: seeds as number[],
      learnedAt,
      runs,
    };
    this.spec.compares.set(spec.name, spec);
  }

  /** Evaluation during training and early stopping of a finetune or compare block's runs of `steps` steps. */
  private stopping(b: Block, steps: number): StoppingSpec | undefined {
    const stopAt = this.get<number>(b, 'stop_at');
    const patience = this.get<number>(b, 'patience');
    const every = this.get<number>(b, 'eval_every') ?? (this.hasInvalid(b, 'eval_every') ? undefined : defaultEvalEvery(steps));
    if (stopAt === undefined || patience === undefined || every === undefined) return undefined;
    return { evalEvery: every, samples: VALIDATION_SAMPLES, stopAt, patience, delta: PLATEAU_DELTA };
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
      checkEvaluation(this.ctx, root, tasks, samples, (i) => taskUses![i]!.range, this.entryRange(b, 'samples'));
      if (probe) checkProbe(this.ctx, probe, root.data, root.name, tasks, this.entryRange(b, 'probe'));
    }
    const spec: EvaluateSpec = { kind: 'evaluate', name, runs: runNames, tasks, samples, probe };
    this.spec.evaluates.set(name, spec);
  }

  /** `count` as a function value for the theory rules (one for the analysis, not one per run block). */
  private readonly countFn = (m: MethodSpec, model: ModelSpec, vocab: number): ParamCount => this.count(m, model, vocab);

  /**
   * trainableParameters, shared by every use with the same method on a model of the same shape (the count
   * and its formula depend on nothing else).
   */
  private count(method: MethodSpec, model: ModelSpec, vocab: number): ParamCount {
    // Looked up by the values themselves, level by level: a key string built for every use (as this was) cost
    // more than the rest of the lookup (concatenated, then flattened and hashed by the Map).
    let at = sub(this.counts, method.kind);
    let last: unknown;
    switch (method.kind) {
      case 'full':
        at = sub(sub(sub(sub(at, model.layers), model.width), model.mlp), model.context);
        last = vocab;
        break;
      case 'lora':
        at = sub(sub(sub(sub(at, method.rank), method.targets.join()), model.layers), model.width);
        last = model.mlp;
        break;
      case 'prefix':
        at = sub(sub(sub(at, method.space), method.length), model.layers);
        last = model.width;
        break;
      case 'soft_prompt':
        at = sub(at, method.length);
        last = model.width;
        break;
      case 'prompt':
        last = method.length;
        break;
    }
    let c = at.get(last) as ParamCount | undefined;
    if (!c) {
      c = trainableParameters(method, model, vocab);
      at.set(last, c);
    }
    return c;
  }

  /** A value's source text on one line (a bare name is its own text: no need to map positions to offsets). */
  private sourceText(v: Value): string {
    if (v.kind === 'call' && v.args === null && sameRange(v.range, v.name.range)) return v.name.text;
    return this.ctx.textOf(v.range).replace(/\s+/g, ' ');
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

/** Defaults are written in the language itself ("0..7", "adamw(lr: 5e-4)") and evaluated like source; a fresh copy each time. */
function defaultOf(def: ParamDef): unknown {
  const d = def.default;
  if (typeof d === 'string' && (def.type.kind === 'range' || def.type.kind === 'optimizer')) {
    let v: unknown;
    if (defaultCache.has(def)) v = defaultCache.get(def);
    else {
      const probe = new AnalysisContext(d);
      const parsed = parse(`task __default = ${d}`);
      const value = parsed.ast.blocks[0]?.target;
      const ev = new Evaluator(probe, { resolve: () => undefined, names: () => [] }, () => undefined);
      v = value ? ev.typed(value, def.type, def.name) : undefined;
      defaultCache.set(def, v);
    }
    return Array.isArray(v) ? [...v] : typeof v === 'object' && v !== null ? { ...v } : v;
  }
  return defaultValue(d);
}

/** A level of the parameter-count cache: the next level, or a count at the last one. */
type CountTable = Map<unknown, unknown>;

/** The level under `key`, made when missing. */
function sub(table: CountTable, key: unknown): CountTable {
  let next = table.get(key) as CountTable | undefined;
  if (next === undefined) {
    next = new Map();
    table.set(key, next);
  }
  return next;
}

/** `{ ...o, lr }`: the same fields in the same order. */
function withLr(o: OptimizerSpec, lr: number): OptimizerSpec {
  return optimizerSpec(o.kind, lr, o.weightDecay, o.beta1, o.beta2, o.momentum);
}

function sameRange(a: Range, b: Range): boolean {
  return a.start.line === b.start.line && a.start.character === b.start.character && a.end.line === b.end.line && a.end.character === b.end.character;
}

/** Just before the closing `]` of a list: where `, item` goes. */
function listInsertPoint(list: ListValue): Range {
  const last = list.items[list.items.length - 1];
  const at = last ? last.range.end : { line: list.range.end.line, character: Math.max(0, list.range.end.character - 1) };
  return { start: at, end: at };
}
