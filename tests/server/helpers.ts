// Test harness for the language server: spawns the bundled dist/server.js over stdio and talks JSON-RPC to
// it with vscode-languageserver-protocol's client side, as an editor would. Documents are written with
// markers: `<|>` is a cursor, `«…»` an expected range.
import assert from 'node:assert/strict';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  createProtocolConnection,
  StreamMessageReader,
  StreamMessageWriter,
  type CodeAction,
  type CompletionItem,
  type CompletionList,
  type Diagnostic,
  type Hover,
  type Location,
  type Position,
  type ProtocolConnection,
  type PublishDiagnosticsParams,
  type Range,
  type TextEdit,
  type WorkspaceEdit,
} from 'vscode-languageserver-protocol/node';
import { LineIndex } from '../../grammar/src/services/lineIndex.js';

export const ROOT = join(import.meta.dirname, '..', '..');
export const SERVER = join(ROOT, 'dist', 'server.js');

// ---- markers ----------------------------------------------------------------------------------------

export interface Marked {
  text: string;
  cursors: Position[];
  ranges: Range[];
}

/** Removes `<|>` cursors and `«…»` ranges from `source`, returning their positions in the clean text. */
export function mark(source: string): Marked {
  let text = '';
  const cursorOffsets: number[] = [];
  const rangeOffsets: Array<[number, number]> = [];
  const open: number[] = [];
  for (let i = 0; i < source.length; ) {
    if (source.startsWith('<|>', i)) {
      cursorOffsets.push(text.length);
      i += 3;
    } else if (source[i] === '«') {
      open.push(text.length);
      i++;
    } else if (source[i] === '»') {
      const s = open.pop();
      assert.ok(s !== undefined, 'unbalanced » marker');
      rangeOffsets.push([s, text.length]);
      i++;
    } else {
      text += source[i];
      i++;
    }
  }
  const lines = new LineIndex(text);
  return {
    text,
    cursors: cursorOffsets.map((o) => lines.positionAt(o)),
    ranges: rangeOffsets.sort((a, b) => a[0] - b[0]).map(([s, e]) => ({ start: lines.positionAt(s), end: lines.positionAt(e) })),
  };
}

/** Applies LSP text edits to a text (edits must not overlap). */
export function applyEdits(text: string, edits: TextEdit[]): string {
  const lines = new LineIndex(text);
  const sorted = [...edits].sort((a, b) => lines.offsetAt(b.range.start) - lines.offsetAt(a.range.start));
  let out = text;
  for (const e of sorted) out = out.slice(0, lines.offsetAt(e.range.start)) + e.newText + out.slice(lines.offsetAt(e.range.end));
  return out;
}

// ---- the client ---------------------------------------------------------------------------------------

export interface StartOptions {
  /** Client capabilities to announce (defaults: snippets, markdown, code description support). */
  snippetSupport?: boolean;
  initializationOptions?: unknown;
  workspaceFolders?: Array<{ uri: string; name: string }>;
}

let docCounter = 0;

export class LspClient {
  readonly diagnostics = new Map<string, PublishDiagnosticsParams>();
  /** How many times diagnostics were published for each document. */
  readonly publishCount = new Map<string, number>();
  /** Every publication as it arrived: document, version and time (performance.now()). */
  readonly publications: Array<{ uri: string; version: number | undefined; at: number }> = [];
  private readonly versions = new Map<string, number>();
  private readonly texts = new Map<string, string>();
  private waiters: Array<() => void> = [];
  stderr = '';
  /** Messages the server logged at error level (a feature that threw; the request still got an answer). */
  readonly loggedErrors: string[] = [];

  private constructor(
    readonly proc: ChildProcessWithoutNullStreams,
    readonly connection: ProtocolConnection,
  ) {}

  static async start(options: StartOptions = {}): Promise<LspClient> {
    assert.ok(existsSync(SERVER), `${SERVER} is missing: run npm run build first`);
    const proc = spawn(process.execPath, [SERVER, '--stdio'], { stdio: 'pipe' });
    const connection = createProtocolConnection(new StreamMessageReader(proc.stdout), new StreamMessageWriter(proc.stdin));
    const client = new LspClient(proc, connection);
    proc.stderr.on('data', (d: Buffer) => (client.stderr += d.toString()));
    connection.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => {
      client.diagnostics.set(p.uri, p);
      client.publishCount.set(p.uri, (client.publishCount.get(p.uri) ?? 0) + 1);
      client.publications.push({ uri: p.uri, version: p.version, at: performance.now() });
      const w = client.waiters;
      client.waiters = [];
      w.forEach((f) => f());
    });
    connection.onNotification('window/logMessage', (p: { type: number; message: string }) => {
      if (p.type === 1) client.loggedErrors.push(p.message);
    });
    connection.onRequest('workspace/configuration', () => []);
    connection.onRequest('client/registerCapability', () => null);
    connection.listen();
    await connection.sendRequest('initialize', {
      processId: process.pid,
      rootUri: null,
      workspaceFolders: options.workspaceFolders ?? null,
      initializationOptions: options.initializationOptions,
      capabilities: {
        textDocument: {
          synchronization: { dynamicRegistration: false },
          completion: { completionItem: { snippetSupport: options.snippetSupport ?? true, documentationFormat: ['markdown', 'plaintext'] } },
          hover: { contentFormat: ['markdown', 'plaintext'] },
          publishDiagnostics: { relatedInformation: true, versionSupport: true, codeDescriptionSupport: true, dataSupport: true },
          codeAction: { codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix'] } }, isPreferredSupport: true, dataSupport: true },
          rename: { prepareSupport: true },
          signatureHelp: { signatureInformation: { parameterInformation: { labelOffsetSupport: true } } },
        },
        workspace: { configuration: true },
      },
    });
    await connection.sendNotification('initialized', {});
    return client;
  }

  open(text: string, uri = `file:///tmp/ptx-lsp-test/doc${++docCounter}.ptx`): string {
    this.versions.set(uri, 1);
    this.texts.set(uri, text);
    void this.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'ptx', version: 1, text } });
    return uri;
  }

  /** Replaces the whole text; returns the new version. */
  change(uri: string, text: string): number {
    const v = (this.versions.get(uri) ?? 0) + 1;
    this.versions.set(uri, v);
    this.texts.set(uri, text);
    void this.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version: v }, contentChanges: [{ text }] });
    return v;
  }

  /** An incremental change of one range; returns the new version. */
  edit(uri: string, range: Range, newText: string): number {
    const v = (this.versions.get(uri) ?? 0) + 1;
    this.versions.set(uri, v);
    this.texts.set(uri, applyEdits(this.texts.get(uri) ?? '', [{ range, newText }]));
    void this.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version: v }, contentChanges: [{ range, text: newText }] });
    return v;
  }

  text(uri: string): string {
    return this.texts.get(uri) ?? '';
  }

  version(uri: string): number {
    return this.versions.get(uri) ?? 0;
  }

  close(uri: string): void {
    this.versions.delete(uri);
    this.texts.delete(uri);
    void this.connection.sendNotification('textDocument/didClose', { textDocument: { uri } });
  }

  /** A notification (e.g. workspace/didChangeConfiguration), sent in order with the requests that follow. */
  notify(method: string, params: unknown): void {
    void this.connection.sendNotification(method, params);
  }

  request<R>(method: string, params: unknown): Promise<R> {
    return this.connection.sendRequest(method, params) as Promise<R>;
  }

  /** Waits for diagnostics of `uri` at `version` (or later); fails after `timeoutMs`. */
  async waitForDiagnostics(uri: string, version = this.version(uri), timeoutMs = 10_000): Promise<Diagnostic[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const p = this.diagnostics.get(uri);
      if (p && (p.version === undefined || p.version >= version)) return p.diagnostics;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no diagnostics for ${uri} version ${version} within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  async stop(): Promise<void> {
    try {
      await Promise.race([this.connection.sendRequest('shutdown'), new Promise((r) => setTimeout(r, 2000))]);
      await this.connection.sendNotification('exit');
    } catch {
      // The server may already be gone; the process is killed below either way.
    }
    await new Promise<void>((resolve) => {
      if (this.proc.exitCode !== null) return resolve();
      const t = setTimeout(() => {
        this.proc.kill('SIGKILL');
        resolve();
      }, 2000);
      this.proc.once('exit', () => {
        clearTimeout(t);
        resolve();
      });
    });
    this.connection.dispose();
  }
}

// ---- expectations ---------------------------------------------------------------------------------------

async function withDocument<T>(client: LspClient, source: string, f: (uri: string, m: Marked) => Promise<T>): Promise<T> {
  const m = mark(source);
  const uri = client.open(m.text);
  try {
    return await f(uri, m);
  } finally {
    client.close(uri);
  }
}

function labels(r: CompletionList | CompletionItem[] | null): CompletionItem[] {
  if (!r) return [];
  return Array.isArray(r) ? r : r.items;
}

export interface CompletionExpectation {
  /** Labels that must be offered. */
  includes?: string[];
  /** Labels that must not be offered. */
  excludes?: string[];
  /** The exact set of labels (order ignored). */
  exactly?: string[];
}

/** Completion at the single `<|>` of `source`; returns the items for further checks. */
export async function expectCompletion(client: LspClient, source: string, expected: CompletionExpectation): Promise<CompletionItem[]> {
  return withDocument(client, source, async (uri, m) => {
    assert.equal(m.cursors.length, 1, 'expectCompletion needs exactly one <|>');
    const items = labels(await client.request<CompletionList | null>('textDocument/completion', { textDocument: { uri }, position: m.cursors[0] }));
    const got = items.map((i) => i.label);
    for (const l of expected.includes ?? []) assert.ok(got.includes(l), `completion should offer '${l}'; got [${got.join(', ')}]`);
    for (const l of expected.excludes ?? []) assert.ok(!got.includes(l), `completion should not offer '${l}'; got [${got.join(', ')}]`);
    if (expected.exactly) assert.deepEqual([...got].sort(), [...expected.exactly].sort());
    return items;
  });
}

/** Hover at the single `<|>`; each string or pattern must appear in the markdown. `null` expects no hover. */
export async function expectHover(client: LspClient, source: string, expected: Array<string | RegExp> | null): Promise<string> {
  return withDocument(client, source, async (uri, m) => {
    assert.equal(m.cursors.length, 1, 'expectHover needs exactly one <|>');
    const h = await client.request<Hover | null>('textDocument/hover', { textDocument: { uri }, position: m.cursors[0] });
    if (expected === null) {
      assert.equal(h, null, `expected no hover, got ${JSON.stringify(h)}`);
      return '';
    }
    assert.ok(h, 'expected a hover');
    const value = typeof h.contents === 'string' ? h.contents : 'value' in h.contents ? h.contents.value : JSON.stringify(h.contents);
    for (const e of expected) {
      if (typeof e === 'string') assert.ok(value.includes(e), `hover should contain ${JSON.stringify(e)}:\n${value}`);
      else assert.match(value, e);
    }
    return value;
  });
}

/** Definition at the single `<|>` must be the single `«…»` range (or nothing when there is none). */
export async function expectDefinition(client: LspClient, source: string): Promise<void> {
  await withDocument(client, source, async (uri, m) => {
    assert.equal(m.cursors.length, 1, 'expectDefinition needs exactly one <|>');
    const r = await client.request<Location | Location[] | null>('textDocument/definition', { textDocument: { uri }, position: m.cursors[0] });
    const locs = r === null ? [] : Array.isArray(r) ? r : [r];
    assert.deepEqual(
      locs.map((l) => l.range),
      m.ranges,
    );
  });
}

/** References at `<|>` (declaration included) must be exactly the `«…»` ranges. */
export async function expectReferences(client: LspClient, source: string, includeDeclaration = true): Promise<void> {
  await withDocument(client, source, async (uri, m) => {
    const r = await client.request<Location[] | null>('textDocument/references', { textDocument: { uri }, position: m.cursors[0], context: { includeDeclaration } });
    const sortKey = (x: Range): number => x.start.line * 1e6 + x.start.character;
    assert.deepEqual((r ?? []).map((l) => l.range).sort((a, b) => sortKey(a) - sortKey(b)), m.ranges);
  });
}

export interface DiagnosticExpectation {
  code: string;
  severity?: 1 | 2 | 3 | 4;
  /** Index into the `«…»` ranges of the source. */
  range?: number;
  message?: string | RegExp;
}

/** The diagnostics of `source` must be exactly `expected` (as a multiset of codes, with the given details). */
export async function expectDiagnostics(client: LspClient, source: string, expected: DiagnosticExpectation[]): Promise<Diagnostic[]> {
  return withDocument(client, source, async (uri, m) => {
    const got = await client.waitForDiagnostics(uri, 1);
    assert.deepEqual(
      got.map((d) => d.code).sort(),
      expected.map((e) => e.code).sort(),
      `diagnostics: ${JSON.stringify(got.map((d) => [d.code, d.message]), null, 1)}`,
    );
    for (const e of expected) {
      const candidates = got.filter((d) => d.code === e.code);
      const ok = candidates.some(
        (d) =>
          (e.severity === undefined || d.severity === e.severity) &&
          (e.range === undefined || JSON.stringify(d.range) === JSON.stringify(m.ranges[e.range])) &&
          (e.message === undefined || (typeof e.message === 'string' ? d.message.includes(e.message) : e.message.test(d.message))),
      );
      assert.ok(ok, `no ${e.code} diagnostic matches ${JSON.stringify(e)} (ranges ${JSON.stringify(m.ranges)}): ${JSON.stringify(candidates)}`);
    }
    return got;
  });
}

/**
 * Asks for code actions at `<|>` (or over the first `«…»` range), picks the one whose title matches, applies
 * its edit, and compares the result with `after` (markers in `after` are ignored).
 */
export async function expectCodeAction(client: LspClient, source: string, title: string | RegExp, after: string): Promise<CodeAction> {
  return withDocument(client, source, async (uri, m) => {
    const range = m.ranges[0] ?? { start: m.cursors[0]!, end: m.cursors[0]! };
    const diagnostics = await client.waitForDiagnostics(uri, 1);
    const actions = (await client.request<CodeAction[] | null>('textDocument/codeAction', { textDocument: { uri }, range, context: { diagnostics } })) ?? [];
    const action = actions.find((a) => (typeof title === 'string' ? a.title.includes(title) : title.test(a.title)));
    assert.ok(action, `no code action titled ${title}; got ${JSON.stringify(actions.map((a) => a.title))}`);
    const edits = (action.edit as WorkspaceEdit | undefined)?.changes?.[uri] ?? [];
    assert.ok(edits.length > 0, 'the code action has no edits for the document');
    assert.equal(applyEdits(m.text, edits), mark(after).text);
    return action;
  });
}

/** Shared server for a test file: started once, stopped after. */
export function useServer(hooks: { before: (f: () => Promise<void>) => void; after: (f: () => Promise<void>) => void }, options?: StartOptions): () => LspClient {
  let client: LspClient | undefined;
  hooks.before(async () => {
    client = await LspClient.start(options);
  });
  hooks.after(async () => {
    await client?.stop();
  });
  return () => {
    assert.ok(client, 'server not started');
    return client;
  };
}
