// Incremental analysis for the language server: one IncrementalAnalyser per open document, fed by the
// document's IncrementalParser. After an edit, only the blocks whose analysis can have changed are analysed
// again; the others' results are reused.
//
// The unit of reuse is a component: blocks linked by names. A block is linked to every block whose name
// (declared, or the generated name of an unnamed evaluate) appears anywhere in it as an identifier, and
// blocks sharing a name are linked to each other. Whatever the analysis reports for a block (diagnostics,
// spec entries, references, methods) it computes from that block, the blocks its names resolve to and a
// few facts about the whole file: the kind and name of every block in order (declarations, duplicates, the
// numbering of unnamed evaluates, the first block of each kind for "add missing keys", the candidates of
// "did you mean"). So a component's results are reused when that list of kinds and names is unchanged and
// every block of the component has the same text (the parser's block origins say so); otherwise its blocks
// are analysed again, together with every other changed component, by analyseBlocks().
//
// A component whose blocks all moved by the same number of lines (a line added or removed above them) is
// reused with every line of its results moved by as much: what the analysis reports depends on where a
// block is only through the ranges it reports, except in messages that quote a line number ("already
// declared ... on line 12"); a result with such a message is reused only at the same lines. Without this
// an Enter near the top of a file re-analysed every block below it.
//
// Diagnostics always equal analyse()'s: each lies inside the block it is about, and the analysis reports
// a block's diagnostics in the same order whether or not other components are analysed beside it. Spec
// maps, references and methods hold the same entries as analyse()'s, possibly in another order (features
// look them up by name or block). Reused results are shared between versions: read them, never change
// them. Any syntax problem, any parse that is not incremental, or any surprise falls back to analyse().
import { Span, type Block, type Position, type PtxFile, type Range } from '../syntax/ast.js';
import type { ParseResult } from '../syntax/parse.js';
import type { Spec } from '../spec.js';
import { blockOrigins, type BlockOrigins } from '../syntax/incremental.js';
import { acknowledge } from './acknowledge.js';
import { analyse, analyseBlocks, type Analysis, type MethodInfo } from './analyse.js';
import type { Reference } from './context.js';
import type { Diagnostic } from './diagnostics.js';

type SpecKey = keyof Spec;
const SPEC_KEYS: readonly SpecKey[] = ['data', 'models', 'tasks', 'pretrains', 'finetunes', 'compares', 'evaluates'];

/** The results of one component, as computed for the blocks `computedFor`. Never mutated once stored. */
interface ComponentResult {
  /** The blocks of the version that computed these results (methods and references point at them). */
  computedFor: Block[];
  /** Chunk, index and line of each of those blocks (see BlockOrigins), flattened. */
  origins: unknown[];
  /** False when a message quotes a line number: then the result holds only where it was computed. */
  movable: boolean;
  diagnostics: Diagnostic[];
  spec: Array<[SpecKey, string, unknown]>;
  references: Reference[];
  methods: MethodInfo[];
}

interface Component {
  blocks: Block[];
  /** Positions of the blocks in the file's block list. */
  indices: number[];
  result: ComponentResult | undefined;
}

export class IncrementalAnalyser {
  /** The previous version: each block's kind, name, origin and identifiers, and its components. */
  private prev: Version | undefined;
  /** Component results of the previous version, by the chunk of their first block. */
  private cache = new Map<object, ComponentResult[]>();
  /** Blocks analysed by the last call (all of them when it analysed the whole file). */
  lastAnalysed = 0;

  /**
   * Same diagnostics as `analyse(text, parsed)`. `parsed` should come from an IncrementalParser: its block
   * origins tell which blocks are unchanged; any other parse result is analysed in full.
   */
  analyse(text: string, parsed: ParseResult): Analysis {
    const origins = blockOrigins(parsed);
    if (parsed.problems.length > 0 || !origins) return this.full(text, parsed);
    try {
      return this.incremental(text, parsed, origins);
    } catch {
      return this.full(text, parsed);
    }
  }

  private full(text: string, parsed: ParseResult): Analysis {
    this.prev = undefined;
    this.cache.clear();
    this.lastAnalysed = parsed.ast.blocks.length;
    return analyse(text, parsed);
  }

  private incremental(text: string, parsed: ParseResult, origins: BlockOrigins): Analysis {
    const blocks = parsed.ast.blocks;
    const n = blocks.length;
    const prev = this.prev;
    // Identifiers per block, computed once per chunk text.
    const idsByChunk = new Map<object, string[][]>();
    const ids: string[][] = new Array<string[]>(n);
    for (let i = 0; i < n; i++) {
      const chunk = origins.chunks[i]!;
      let lists = idsByChunk.get(chunk) ?? prev?.idsByChunk.get(chunk);
      if (!lists) lists = [];
      idsByChunk.set(chunk, lists);
      let list = lists[origins.indexes[i]!];
      if (!list) {
        list = [];
        forEachIdentifier(blocks[i]!, list.push.bind(list));
        lists[origins.indexes[i]!] = list;
      }
      ids[i] = list;
    }
    // The kinds and names of all blocks in order: everything the analysis reads about the whole file.
    let sameNames = prev !== undefined && prev.kinds.length === n;
    for (let i = 0; sameNames && i < n; i++) sameNames = prev!.kinds[i] === blocks[i]!.kind && prev!.names[i] === blocks[i]!.name?.text;
    if (!sameNames) this.cache.clear();
    // Components: the previous partition when names and every block's identifiers are unchanged.
    let sameLinks = sameNames;
    for (let i = 0; sameLinks && i < n; i++) sameLinks = ids[i] === prev!.ids[i] || sameList(ids[i]!, prev!.ids[i]!);
    const partition = sameLinks ? prev!.partition : partitionOf(blocks, ids);
    const components: Component[] = partition.map((indices) => {
      const c: Component = { blocks: indices.map((i) => blocks[i]!), indices, result: undefined };
      for (const r of this.cache.get(origins.chunks[indices[0]!]!) ?? []) {
        const dl = lineShift(r, indices, origins);
        if (dl === 0) c.result = r;
        else if (dl !== null) c.result = moved(r, dl, c, origins);
        if (c.result) break;
      }
      return c;
    });

    // Analyse the changed components together (declarations and names are always those of the whole file).
    const dirty = components.filter((c) => !c.result);
    const dirtyBlocks = dirty.length === components.length ? blocks : inFileOrder(blocks, dirty);
    const fresh = analyseBlocks(text, parsed, dirtyBlocks);
    this.lastAnalysed = dirtyBlocks.length;
    const loose = dirty.length ? distribute(fresh, dirty, origins) : [];

    const cache = new Map<object, ComponentResult[]>();
    if (loose.length === 0) {
      for (const c of components) {
        const first = origins.chunks[c.indices[0]!]!;
        const list = cache.get(first);
        if (list) list.push(c.result!);
        else cache.set(first, [c.result!]);
      }
    }
    this.cache = cache;
    this.prev = { kinds: blocks.map((b) => b.kind), names: blocks.map((b) => b.name?.text), ids, idsByChunk, partition };

    const diagnostics: Diagnostic[] = [...loose];
    for (const c of components) for (const d of c.result!.diagnostics) diagnostics.push(d);
    diagnostics.sort(byStart);
    return new CombinedAnalysis(parsed.ast, acknowledge(text, diagnostics), fresh, components);
  }
}

interface Version {
  kinds: string[];
  names: Array<string | undefined>;
  ids: string[][];
  idsByChunk: Map<object, string[][]>;
  partition: number[][];
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * By how many lines the blocks of a stored result moved, when they all have the same text and moved by the
 * same number of lines (0: same position); null when the result does not apply to these blocks.
 */
function lineShift(r: ComponentResult, indices: readonly number[], o: BlockOrigins): number | null {
  if (r.origins.length !== indices.length * 3) return null;
  let dl: number | null = null;
  for (let k = 0; k < indices.length; k++) {
    const i = indices[k]!;
    if (r.origins[3 * k] !== o.chunks[i] || r.origins[3 * k + 1] !== o.indexes[i]) return null;
    const d = o.lines[i]! - (r.origins[3 * k + 2] as number);
    if (dl === null) dl = d;
    else if (d !== dl) return null;
  }
  return dl === 0 || r.movable ? dl : null;
}

/** A message that quotes a line number ("on line 12", "(line 3)"): it would not move with its block. */
const QUOTES_A_LINE = /\blines? \d/;

/** A stored result moved down by `dl` lines onto the blocks of `c` (stored results are never changed). */
function moved(r: ComponentResult, dl: number, c: Component, o: BlockOrigins): ComponentResult {
  const origins: unknown[] = [];
  for (const i of c.indices) origins.push(o.chunks[i], o.indexes[i], o.lines[i]);
  // Always moved from the result as computed, so moves never pile up copies of copies.
  const base = r instanceof MovedResult ? r.base : r;
  const total = r instanceof MovedResult ? r.dl + dl : dl;
  // Back where it was computed (a line added and removed again, an undo): the computed result itself,
  // whose blocks CombinedAnalysis maps to this version's like any reused result's.
  if (total === 0) return { ...base, origins };
  return new MovedResult(base, total, c.blocks, origins);
}

/**
 * A computed result moved by `dl` lines: the diagnostics at once (every version publishes them), the
 * references and methods on first use (only some requests read them; an Enter near the top of a big file
 * would otherwise copy thousands of them on every keystroke).
 */
class MovedResult implements ComponentResult {
  readonly movable = true;
  readonly diagnostics: Diagnostic[];
  readonly spec: Array<[SpecKey, string, unknown]>;
  private referencesCache: Reference[] | undefined;
  private methodsCache: MethodInfo[] | undefined;

  constructor(
    readonly base: ComponentResult,
    readonly dl: number,
    readonly computedFor: Block[],
    readonly origins: unknown[],
  ) {
    this.diagnostics = base.diagnostics.map((d) => shiftDiagnostic(d, dl));
    this.spec = base.spec;
  }

  /** This version's block for a block of the computed result (same position in the component). */
  private current(): (b: Block) => Block {
    const map = new Map<Block, Block>();
    this.base.computedFor.forEach((b, k) => map.set(b, this.computedFor[k]!));
    return (b) => map.get(b) ?? b;
  }

  get references(): Reference[] {
    if (!this.referencesCache) {
      const current = this.current();
      this.referencesCache = this.base.references.map((ref) => ({ ...ref, range: shiftRange(ref.range, this.dl), target: ref.target && current(ref.target) }));
    }
    return this.referencesCache;
  }

  get methods(): MethodInfo[] {
    if (!this.methodsCache) {
      const current = this.current();
      this.methodsCache = this.base.methods.map((m) => ({ ...m, range: shiftRange(m.range, this.dl), block: current(m.block) }));
    }
    return this.methodsCache;
  }
}

/** A range moved by `dl` lines, of the same sort (a Span stays a Span, as in the AST it came from). */
function shiftRange(r: Range, dl: number): Range {
  if (r instanceof Span) return new Span(r.startLine + dl, r.startCharacter, r.endLine + dl, r.endCharacter);
  return plainShift(r, dl);
}

function plainShift(r: Range, dl: number): Range {
  return { start: { line: r.start.line + dl, character: r.start.character }, end: { line: r.end.line + dl, character: r.end.character } };
}

/**
 * A copy of a diagnostic (plain data) moved by `dl` lines: its range and its fixes' edits, the only
 * positions a Diagnostic holds (a field with positions added to it must be moved here too; the
 * incremental-analysis tests compare every moved result with a full analysis).
 */
function shiftDiagnostic(d: Diagnostic, dl: number): Diagnostic {
  const out: Diagnostic = { ...d, range: plainShift(d.range, dl) };
  const fixes = d.data?.fixes;
  if (fixes) out.data = { ...d.data, fixes: fixes.map((f) => ({ ...f, edits: f.edits.map((e) => ({ ...e, range: plainShift(e.range, dl) })) })) };
  return out;
}

function byStart(a: Diagnostic, b: Diagnostic): number {
  return a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character;
}

/** The blocks of `components`, in file order. */
function inFileOrder(blocks: readonly Block[], components: Component[]): Block[] {
  const wanted = new Set<Block>();
  for (const c of components) for (const b of c.blocks) wanted.add(b);
  return blocks.filter((b) => wanted.has(b));
}

/** Names as the analysis gives them (declare()): the block's name, or evaluate, evaluate_2, … */
function blockNames(blocks: readonly Block[]): Array<string | undefined> {
  let evaluates = 0;
  return blocks.map((b) => {
    if (b.name) return b.name.text;
    if (b.kind !== 'evaluate') return undefined;
    evaluates++;
    return evaluates === 1 ? 'evaluate' : `evaluate_${evaluates}`;
  });
}

/** Components of blocks linked by names, as lists of block positions in file order; ordered by first block. */
function partitionOf(blocks: readonly Block[], identifiers: readonly string[][]): number[][] {
  const n = blocks.length;
  const parent = new Int32Array(n);
  for (let i = 0; i < n; i++) parent[i] = i;
  const find = (i: number): number => {
    while (parent[i] !== i) {
      parent[i] = parent[parent[i]!]!;
      i = parent[i]!;
    }
    return i;
  };
  const union = (a: number, b: number): void => {
    const ra = find(a);
    const rb = find(b);
    if (ra !== rb) parent[Math.max(ra, rb)] = Math.min(ra, rb);
  };
  const owner = new Map<string, number>();
  const names = blockNames(blocks);
  for (let i = 0; i < n; i++) {
    const name = names[i];
    if (name === undefined) continue;
    const first = owner.get(name);
    if (first === undefined) owner.set(name, i);
    else union(i, first);
  }
  for (let i = 0; i < n; i++) {
    for (const id of identifiers[i]!) {
      const j = owner.get(id);
      if (j !== undefined) union(i, j);
    }
  }
  const byRoot = new Map<number, number[]>();
  const out: number[][] = [];
  for (let i = 0; i < n; i++) {
    const r = find(i);
    let c = byRoot.get(r);
    if (!c) {
      c = [];
      byRoot.set(r, c);
      out.push(c);
    }
    c.push(i);
  }
  return out;
}

/** Every identifier written in a block: its header names and every word of its values and keys' values. */
function forEachIdentifier(b: Block, f: (id: string) => void): void {
  if (b.from) f(b.from.text);
  if (b.target) forEachValueIdentifier(b.target, f);
  if (b.runs) forEachValueIdentifier(b.runs, f);
  if (b.body) for (const e of b.body.entries) if (e.value) forEachValueIdentifier(e.value, f);
}

function forEachValueIdentifier(v: NonNullable<Block['target']>, f: (id: string) => void): void {
  switch (v.kind) {
    case 'call':
      f(v.name.text);
      if (v.args) for (const a of v.args) if (a.value) forEachValueIdentifier(a.value, f);
      return;
    case 'list':
      for (const x of v.items) forEachValueIdentifier(x, f);
      return;
    case 'then':
      for (const x of v.parts) forEachValueIdentifier(x, f);
      return;
    default:
      return;
  }
}

/**
 * Splits the analysis of the changed components into one result per component. Returns the diagnostics
 * that lie in none of their blocks (none are expected; if any, nothing is cached for this version).
 */
function distribute(fresh: Analysis, dirty: Component[], origins: BlockOrigins): Diagnostic[] {
  const results = new Map<Block, ComponentResult>();
  const located: Array<{ block: Block; result: ComponentResult }> = [];
  for (const c of dirty) {
    const o: unknown[] = [];
    for (const i of c.indices) o.push(origins.chunks[i], origins.indexes[i], origins.lines[i]);
    const result: ComponentResult = { computedFor: c.blocks, origins: o, movable: true, diagnostics: [], spec: [], references: [], methods: [] };
    c.result = result;
    for (const b of c.blocks) {
      results.set(b, result);
      located.push({ block: b, result });
    }
  }
  located.sort((a, b) => comparePositions(a.block.range.start, b.block.range.start));
  const at = (p: Position): ComponentResult | undefined => {
    let lo = 0;
    let hi = located.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (comparePositions(located[mid]!.block.range.start, p) <= 0) lo = mid;
      else hi = mid - 1;
    }
    const hit = located[lo];
    return hit && comparePositions(hit.block.range.start, p) <= 0 && comparePositions(p, hit.block.range.end) <= 0 ? hit.result : undefined;
  };
  const loose: Diagnostic[] = [];
  for (const d of fresh.diagnostics) {
    const r = at(d.range.start);
    if (r) r.diagnostics.push(d);
    else loose.push(d);
  }
  for (const r of results.values()) r.movable = !r.diagnostics.some((d) => QUOTES_A_LINE.test(d.message) || (d.data?.fixes ?? []).some((f) => QUOTES_A_LINE.test(f.title)));
  for (const m of fresh.methods) results.get(m.block)!.methods.push(m);
  for (const ref of fresh.references) {
    const r = at(ref.range.start);
    if (!r) throw new Error('a reference outside the analysed blocks');
    r.references.push(ref);
  }
  // Spec entries belong to the component of the block(s) of that name.
  const owner = new Map<string, ComponentResult>();
  for (const [b, name] of fresh.blockNames) {
    const r = results.get(b);
    if (r) owner.set(name, r);
  }
  for (const key of SPEC_KEYS) {
    for (const [name, value] of fresh.spec[key] as Map<string, unknown>) {
      const r = owner.get(name);
      if (!r) throw new Error(`a ${key} entry without its block`);
      r.spec.push([key, name, value]);
    }
  }
  return loose;
}

function comparePositions(a: Position, b: Position): number {
  return a.line - b.line || a.character - b.character;
}

/**
 * The analysis of a version from reused and fresh component results. Spec, references and methods are
 * assembled on first use, with methods and references pointing at this version's blocks.
 */
class CombinedAnalysis implements Analysis {
  readonly declarations: Map<string, Block>;
  readonly blockNames: Map<Block, string>;
  private specCache: Spec | undefined;
  private referencesCache: Reference[] | undefined;
  private methodsCache: MethodInfo[] | undefined;

  constructor(
    readonly ast: PtxFile,
    readonly diagnostics: Diagnostic[],
    fresh: Analysis,
    private readonly components: Component[],
  ) {
    this.declarations = fresh.declarations;
    this.blockNames = fresh.blockNames;
  }

  get spec(): Spec {
    if (!this.specCache) {
      const spec: Spec = { data: new Map(), models: new Map(), tasks: new Map(), pretrains: new Map(), finetunes: new Map(), compares: new Map(), evaluates: new Map() };
      for (const c of this.components) for (const [key, name, value] of c.result!.spec) (spec[key] as Map<string, unknown>).set(name, value);
      this.specCache = spec;
    }
    return this.specCache;
  }

  get references(): Reference[] {
    if (!this.referencesCache) {
      const out: Reference[] = [];
      for (const c of this.components) {
        const r = c.result!;
        const current = remap(r.computedFor, c.blocks);
        for (const ref of r.references) out.push(current === null ? ref : { ...ref, target: ref.target && current(ref.target) });
      }
      this.referencesCache = out;
    }
    return this.referencesCache;
  }

  get methods(): MethodInfo[] {
    if (!this.methodsCache) {
      const out: MethodInfo[] = [];
      for (const c of this.components) {
        const r = c.result!;
        const current = remap(r.computedFor, c.blocks);
        for (const m of r.methods) out.push(current === null ? m : { ...m, block: current(m.block) });
      }
      this.methodsCache = out;
    }
    return this.methodsCache;
  }
}

/** Maps blocks of the version that computed a result to this version's blocks (null when they are the same). */
function remap(from: Block[], to: Block[]): ((b: Block) => Block) | null {
  if (from === to) return null;
  return (b) => {
    const i = from.indexOf(b);
    return i >= 0 ? to[i]! : b;
  };
}
