// The server survives anything: 1,000 seeded random operations (edits at invalid positions, huge lines,
// binary junk, deleting everything, unknown methods, requests for closed documents, close/reopen), every
// request gets an answer, the process stays up, and the final diagnostics equal `ptx check --format json`
// on the final text.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { Diagnostic, Position, Range } from 'vscode-languageserver-protocol/node';
import { LspClient, ROOT } from './helpers.js';
import { Rng } from '../../runtime/src/data/rng.js';

/** Seeded uniform draws (mulberry32, the runtime's generator), so a failure replays exactly. */
const rng = Rng.stream;

const EXAMPLES = ['figure1', 'compose', 'double-histogram', 'elicit', 'translation', 'quickstart'].map((n) => readFileSync(join(ROOT, 'examples', `${n}.ptx`), 'utf8'));
const FRAGMENTS = [
  '{', '}', '[', ']', '(', ')', ':', ',', '..', '=', ' ', '\n', '\r\n', '\t', '// c\n', '/* open', '*/',
  'data d { values: 0..7 }', 'model m { width: 8 }', 'task t = sort(ascending) then add(1)', 'finetune f from base on desc { method: prefix(length: 2) }',
  'method: prefx(length: 2)', 'method: lora(rank: 999999, targets: [nope])', 'steps: -1', 'dropout: 7', 'heads: 0', 'evaluate [', 'compare c from c on c { methods: [] }',
  'pretrain', 'finetune', 'from', 'on', 'then', 'full', 'lora', 'histogram', '1e999', '-0', '0.5', '99999999999999999999',
];
const METHODS = [
  'textDocument/hover', 'textDocument/completion', 'textDocument/signatureHelp', 'textDocument/definition', 'textDocument/references',
  'textDocument/documentHighlight', 'textDocument/documentSymbol', 'textDocument/foldingRange', 'textDocument/semanticTokens/full',
  'textDocument/formatting', 'textDocument/codeAction', 'textDocument/inlayHint', 'textDocument/codeLens', 'textDocument/prepareRename', 'textDocument/rename',
];
/** Requests that may legitimately be refused with an error (renaming something that is not a name). */
const MAY_REFUSE = new Set(['textDocument/prepareRename', 'textDocument/rename']);

test('1,000 random operations: every request answered, final diagnostics equal ptx check', { timeout: 600_000 }, async () => {
  const random = rng(20240501);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
  const int = (n: number): number => Math.floor(random() * n);
  const client = await LspClient.start();
  const uri = 'file:///tmp/ptx-robust/spec.ptx';
  let doc = TextDocument.create(uri, 'ptx', 1, pick(EXAMPLES));
  let open = true;
  void client.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'ptx', version: doc.version, text: doc.getText() } });

  const anyPosition = (): Position => {
    const r = random();
    if (r < 0.15) return { line: int(1e9), character: int(1e9) }; // far outside the text
    if (r < 0.25) return { line: Math.max(0, doc.lineCount - 1), character: int(10_000) }; // past a line's end
    const line = int(doc.lineCount);
    return { line, character: int(200) };
  };
  const anyRange = (): Range => {
    const a = anyPosition();
    const b = random() < 0.5 ? a : anyPosition();
    return a.line < b.line || (a.line === b.line && a.character <= b.character) ? { start: a, end: b } : { start: b, end: a };
  };
  const junk = (n: number): string => {
    let s = '';
    for (let i = 0; i < n; i++) s += String.fromCharCode(int(0x10000));
    return s;
  };

  let sent = 0;
  let answered = 0;
  const failures: string[] = [];
  const pending: Array<Promise<void>> = [];
  const request = (method: string, params: unknown): void => {
    sent++;
    pending.push(
      Promise.race([
        client.request(method, params).then(
          () => {
            answered++;
          },
          (err: { code?: number; message?: string }) => {
            answered++;
            // Unknown methods must be refused as such; known ones only where refusing is the answer.
            if (method.startsWith('ptx/unknown')) {
              if (err.code !== -32601) failures.push(`${method}: expected MethodNotFound, got ${err.code} ${err.message}`);
            } else if (!MAY_REFUSE.has(method)) failures.push(`${method}: ${err.code} ${err.message}`);
          },
        ),
        new Promise<void>((_, reject) => setTimeout(() => reject(new Error(`${method} not answered within 30 s`)), 30_000).unref()),
      ]).catch((e: Error) => {
        failures.push(e.message);
      }),
    );
  };
  const change = (changes: Array<{ range?: Range; text: string }>): void => {
    if (!open) return;
    const version = doc.version + 1;
    doc = TextDocument.update(doc, changes.map((c) => (c.range ? { range: c.range, text: c.text } : { text: c.text })), version);
    void client.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: changes });
  };

  for (let op = 0; op < 1000; op++) {
    const r = random();
    if (r < 0.45) change([{ range: anyRange(), text: Array.from({ length: 1 + int(3) }, () => pick(FRAGMENTS)).join(' ') }]);
    else if (r < 0.55) change([{ range: anyRange(), text: '' }]);
    else if (r < 0.6) change([{ range: anyRange(), text: junk(1 + int(200)) }]);
    else if (r < 0.62) change([{ range: anyRange(), text: 'x'.repeat(50_000 + int(100_000)) }]); // a huge line
    else if (r < 0.65) change([{ text: '' }]); // delete everything
    else if (r < 0.7) change([{ text: pick(EXAMPLES) }]);
    else if (r < 0.73) {
      // Close, ask about the closed document, then reopen.
      if (open) {
        void client.connection.sendNotification('textDocument/didClose', { textDocument: { uri } });
        open = false;
      } else {
        void client.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'ptx', version: doc.version, text: doc.getText() } });
        open = true;
      }
    } else if (r < 0.76) {
      request(`ptx/unknown${int(5)}`, { anything: junk(5) });
      void client.connection.sendNotification('ptx/unknownNotification', { x: 1 });
    }
    // Keep the text bounded so the run stays fast.
    if (doc.getText().length > 300_000) change([{ text: pick(EXAMPLES) }]);
    for (let k = int(4); k > 0; k--) {
      const method = pick(METHODS);
      const target = random() < 0.1 ? 'file:///tmp/ptx-robust/never-opened.ptx' : uri;
      const position = anyPosition();
      request(method, {
        textDocument: { uri: target },
        position,
        range: anyRange(),
        context: { includeDeclaration: true, diagnostics: [] },
        options: { tabSize: 1 + int(8), insertSpaces: random() < 0.8 },
        newName: random() < 0.5 ? 'renamed' : junk(3),
      });
    }
    if (op % 50 === 49) await Promise.all(pending.splice(0));
  }
  await Promise.all(pending.splice(0));
  assert.deepEqual(failures, [], failures.slice(0, 10).join('\n'));
  assert.equal(answered, sent, 'every request answered');
  assert.ok(sent > 1000, `sent ${sent} requests`);
  assert.equal(client.proc.exitCode, null, `server exited: ${client.stderr}`);
  assert.deepEqual(client.loggedErrors, [], 'no feature threw');

  // Final state: open, with an example broken by a few more random edits (so there is plenty to report);
  // its diagnostics must equal ptx check's.
  if (!open) {
    void client.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'ptx', version: doc.version, text: doc.getText() } });
    open = true;
  }
  change([{ text: pick(EXAMPLES) }]);
  for (let i = 0; i < 12; i++) {
    const at = { line: int(doc.lineCount), character: int(60) };
    change([{ range: { start: at, end: at }, text: pick(FRAGMENTS) }]);
  }
  const deadline = Date.now() + 60_000;
  let diags: Diagnostic[] | undefined;
  while (Date.now() < deadline) {
    const p = client.diagnostics.get(uri);
    if (p && p.version === doc.version) {
      diags = p.diagnostics;
      break;
    }
    await new Promise((res) => setTimeout(res, 20));
  }
  assert.ok(diags, 'final diagnostics arrived');
  await client.stop();

  const dir = mkdtempSync(join(tmpdir(), 'ptx-robust-'));
  try {
    const file = join(dir, 'final.ptx');
    writeFileSync(file, doc.getText());
    const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'ptx.js'), 'check', '--format', 'json', file], { encoding: 'utf8', maxBuffer: 1 << 28 });
    assert.ok(r.status === 0 || r.status === 1, `ptx check exited ${r.status}: ${r.stderr}`);
    const cli = JSON.parse(r.stdout) as Array<{ range: Range; severity: string; code: string; message: string; acknowledged?: true }>;
    const severity = ['', 'error', 'warning', 'info', 'hint'];
    const fromServer = diags.map((d) => ({ range: d.range, severity: severity[d.severity ?? 1], code: d.code, message: d.message }));
    // The editor shows an acknowledged warning as a hint.
    const fromCli = cli.map((d) => ({ range: d.range, severity: d.acknowledged ? 'hint' : d.severity, code: d.code, message: d.message }));
    assert.deepEqual(fromServer, fromCli);
    console.log(`# robustness: ${sent} requests answered, final text ${doc.getText().length} chars, ${diags.length} diagnostics equal to ptx check`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
