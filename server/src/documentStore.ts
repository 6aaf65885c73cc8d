// Open documents and their analysis, computed once per document version and shared by every feature.
// Closed documents have no snapshot: features answer requests about them with empty results. The store
// knows no LSP: main.ts (text sync) or worker.ts (messages from the main thread) sets the texts.
// Each open document keeps an IncrementalParser and an IncrementalAnalyser, so an edit re-parses only the
// blocks it touched (unchanged blocks are the previous version's objects: ASTs are read-only) and
// re-analyses only the blocks linked to them by names. Features that need only the syntax (completion,
// signature help, folding, symbols) read `ast` and never wait for the analysis.
import type { Analysis, ParseResult, PtxFile } from '../../grammar/src/index.js';
import { IncrementalAnalyser } from '../../grammar/src/analysis/incremental.js';
import { LineIndex } from '../../grammar/src/services/lineIndex.js';
import { IncrementalParser } from '../../grammar/src/syntax/incremental.js';
import { collectDeclarations, indexSymbols, type Declarations, type SymbolIndex } from '../../grammar/src/services/symbols.js';

export class Snapshot {
  private symbolsCache: SymbolIndex | undefined;
  private declarationsCache: Declarations | undefined;
  private parseCache: ParseResult | undefined;
  private analysisCache: Analysis | undefined;
  readonly lines: LineIndex;

  constructor(
    readonly uri: string,
    readonly version: number,
    readonly text: string,
    /** The document's parser (same result as a full parse, faster after small edits). */
    private readonly parser: IncrementalParser = new IncrementalParser(),
    /** The document's analyser (same diagnostics as analyseText, faster after small edits). */
    private readonly analyser: IncrementalAnalyser = new IncrementalAnalyser(),
  ) {
    this.lines = new LineIndex(text);
  }

  /** The syntax tree alone (no analysis). */
  get ast(): PtxFile {
    return this.parsed.ast;
  }

  private get parsed(): ParseResult {
    this.parseCache ??= this.parser.parse(this.text);
    return this.parseCache;
  }

  get analysis(): Analysis {
    this.analysisCache ??= this.analyser.analyse(this.text, this.parsed);
    return this.analysisCache;
  }

  /** Declared names only: one pass over the blocks. */
  get declarations(): Declarations {
    this.declarationsCache ??= collectDeclarations(this.ast);
    return this.declarationsCache;
  }

  /** Every declaration and reference (references, rename, semantic tokens). */
  get symbols(): SymbolIndex {
    this.symbolsCache ??= indexSymbols(this.ast, this.declarations);
    return this.symbolsCache;
  }

  /** True once the analysis has run (diagnostics use this to skip work already done). */
  get analysed(): boolean {
    return this.analysisCache !== undefined;
  }
}

/**
 * The texts of the documents this thread serves (all small documents on the main thread; one big document
 * in its worker), set by whoever owns the text sync, with their snapshots. Closing drops everything a
 * document holds (parser and analyser caches included), so its memory can be collected.
 */
export class DocumentStore {
  private readonly texts = new Map<string, { version: number; text: string }>();
  private readonly snapshots = new Map<string, Snapshot>();
  private readonly parsers = new Map<string, { parser: IncrementalParser; analyser: IncrementalAnalyser }>();
  private readonly changed: Array<(uri: string) => void> = [];
  private readonly closed: Array<(uri: string) => void> = [];

  /**
   * The newest version of a document that exists, possibly newer than the one set here (a worker reads the
   * main thread's from shared memory before its message arrives): work for an older version is dropped.
   */
  constructor(private readonly newest: (uri: string) => number | undefined = () => undefined) {}

  set(uri: string, version: number, text: string): void {
    this.texts.set(uri, { version, text });
    for (const f of this.changed) f(uri);
  }

  close(uri: string): void {
    if (!this.texts.delete(uri)) return;
    this.snapshots.delete(uri);
    this.parsers.delete(uri);
    for (const f of this.closed) f(uri);
  }

  onDidChange(f: (uri: string) => void): void {
    this.changed.push(f);
  }

  onDidClose(f: (uri: string) => void): void {
    this.closed.push(f);
  }

  /** The version set here, or undefined when the document is not open here. */
  version(uri: string): number | undefined {
    return this.texts.get(uri)?.version;
  }

  /** Whether `version` is still the newest version of the document (work for it is worth finishing). */
  isCurrent(uri: string, version: number): boolean {
    const here = this.texts.get(uri)?.version;
    const newest = this.newest(uri);
    return here === version && (newest === undefined || newest === version);
  }

  /** The current version of an open document, or undefined when it is not open. */
  get(uri: string): Snapshot | undefined {
    const doc = this.texts.get(uri);
    if (!doc) return undefined;
    const cached = this.snapshots.get(uri);
    if (cached && cached.version === doc.version) return cached;
    let state = this.parsers.get(uri);
    if (!state) {
      state = { parser: new IncrementalParser(), analyser: new IncrementalAnalyser() };
      this.parsers.set(uri, state);
    }
    const snap = new Snapshot(uri, doc.version, doc.text, state.parser, state.analyser);
    this.snapshots.set(uri, snap);
    return snap;
  }
}
