// Open documents and their analysis, computed once per document version and shared by every feature.
// Closed documents have no snapshot: features answer requests about them with empty results.
// Each open document keeps an IncrementalParser and an IncrementalAnalyser, so an edit re-parses only the
// blocks it touched (unchanged blocks are the previous version's objects: ASTs are read-only) and
// re-analyses only the blocks linked to them by names. Features that need only the syntax (completion,
// signature help, folding, symbols) read `ast` and never wait for the analysis.
import { TextDocuments } from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
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

export class DocumentStore {
  readonly documents = new TextDocuments(TextDocument);
  private readonly snapshots = new Map<string, Snapshot>();
  private readonly parsers = new Map<string, { parser: IncrementalParser; analyser: IncrementalAnalyser }>();

  constructor() {
    this.documents.onDidClose((e) => {
      this.snapshots.delete(e.document.uri);
      this.parsers.delete(e.document.uri);
    });
  }

  /** The current version of an open document, or undefined when it is not open. */
  get(uri: string): Snapshot | undefined {
    const doc = this.documents.get(uri);
    if (!doc) return undefined;
    const cached = this.snapshots.get(uri);
    if (cached && cached.version === doc.version) return cached;
    let state = this.parsers.get(uri);
    if (!state) {
      state = { parser: new IncrementalParser(), analyser: new IncrementalAnalyser() };
      this.parsers.set(uri, state);
    }
    const snap = new Snapshot(uri, doc.version, doc.getText(), state.parser, state.analyser);
    this.snapshots.set(uri, snap);
    return snap;
  }
}
