// Open documents and their analysis, computed once per document version and shared by every feature.
// Closed documents have no snapshot: features answer requests about them with empty results.
// Each open document keeps an IncrementalParser, so an edit re-parses only the blocks it touched.
import { TextDocuments } from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { analyseText, type Analysis } from '../../grammar/src/index.js';
import { LineIndex } from '../../grammar/src/services/lineIndex.js';
import { IncrementalParser } from '../../grammar/src/syntax/incremental.js';
import { collectDeclarations, indexSymbols, type Declarations, type SymbolIndex } from '../../grammar/src/services/symbols.js';

export class Snapshot {
  private symbolsCache: SymbolIndex | undefined;
  private declarationsCache: Declarations | undefined;
  private analysisCache: Analysis | undefined;
  readonly lines: LineIndex;

  constructor(
    readonly uri: string,
    readonly version: number,
    readonly text: string,
    /** The document's parser (same result as a full parse, faster after small edits). */
    private readonly parser: IncrementalParser = new IncrementalParser(),
  ) {
    this.lines = new LineIndex(text);
  }

  get analysis(): Analysis {
    this.analysisCache ??= analyseText(this.text, this.parser.parse(this.text));
    return this.analysisCache;
  }

  /** Declared names only: one pass over the blocks. */
  get declarations(): Declarations {
    this.declarationsCache ??= collectDeclarations(this.analysis.ast);
    return this.declarationsCache;
  }

  /** Every declaration and reference (references, rename, semantic tokens). */
  get symbols(): SymbolIndex {
    this.symbolsCache ??= indexSymbols(this.analysis.ast, this.declarations);
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
  private readonly parsers = new Map<string, IncrementalParser>();

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
    let parser = this.parsers.get(uri);
    if (!parser) {
      parser = new IncrementalParser();
      this.parsers.set(uri, parser);
    }
    const snap = new Snapshot(uri, doc.version, doc.getText(), parser);
    this.snapshots.set(uri, snap);
    return snap;
  }
}
