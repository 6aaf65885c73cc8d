// The server stays responsive with big documents, over a real stdio connection: a 1 MB document lives in a
// worker thread of its own, so requests about a small document are answered while it is analysed; its
// diagnostics equal analyse()'s; a newer version of it stops the analysis of an older one (whose
// diagnostics are never published after it); closing it ends the worker (its memory goes with it). And no request
// answers malformed params with an internal exception's text.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Diagnostic, Hover } from 'vscode-languageserver-protocol/node';
import { analyse } from '../../grammar/src/index.js';
import { generateSpec } from '../../bench/lib/generate-spec.js';
import { REQUEST_METHODS } from '../../server/src/params.js';
import { LspClient, ROOT } from './helpers.js';

const SMALL = readFileSync(join(ROOT, 'examples', 'figure1.ptx'), 'utf8');
const BIG = generateSpec(1_000_000);

/** The server's diagnostics as analyse() gives them (code, range, message). */
const plain = (ds: Diagnostic[]): string[] => ds.map((d) => `${d.code} ${JSON.stringify(d.range)} ${d.message}`);
const expected = (text: string): string[] => analyse(text).diagnostics.map((d) => `${d.code} ${JSON.stringify(d.range)} ${d.message}`);

/** Threads of a process (the main thread, V8's and libuv's, and one or more per worker). */
const threads = (pid: number): number => readdirSync(`/proc/${pid}/task`).length;

test('a 1 MB document does not delay requests about a small one; its diagnostics equal analyse()', { timeout: 300_000 }, async () => {
  const client = await LspClient.start();
  try {
    const small = client.open(SMALL);
    await client.waitForDiagnostics(small, 1, 60_000);
    // On a tuning method: its parameter count needs the small document's analysis.
    const line = SMALL.split('\n').findIndex((l) => l.includes('method: prefix'));
    const hoverAt = { line, character: SMALL.split('\n')[line]!.indexOf('method: prefix') + 9 };
    // Opened small and pasted over: the document moves to a worker when it grows big.
    const big = client.open('// empty for now\n');
    await client.waitForDiagnostics(big, 1, 60_000);
    // A hover on the small document while the big one is being analysed. It tells something only when the
    // big document's new diagnostics came out later than shortly after the hover was sent (its analysis was
    // still running then): a server that answers requests while it analyses has answered the hover first.
    // Returns whether the round told something; a round whose analysis ended at once tells nothing.
    const hoverDuring = async (v: number, label: string): Promise<boolean> => {
      // Long enough for the server to have read the change and started on it.
      await new Promise((r) => setTimeout(r, 300));
      const sentAt = performance.now();
      const hover = await client.request<Hover | null>('textDocument/hover', { textDocument: { uri: small }, position: hoverAt });
      const answeredAt = performance.now();
      assert.ok(hover, 'hover on the small document');
      await client.waitForDiagnostics(big, v, 120_000);
      const publishedAt = client.publications.find((p) => p.uri === big && p.version === v)!.at;
      const busy = publishedAt - sentAt > 100;
      if (busy) assert.ok(answeredAt < publishedAt, `${label}: the hover waited ${(answeredAt - sentAt).toFixed(0)} ms, until the big document's analysis ended`);
      return busy;
    };
    let text = BIG;
    let v = client.change(big, text);
    let told = (await hoverDuring(v, 'first analysis')) ? 1 : 0;
    assert.deepEqual(plain(client.diagnostics.get(big)!.diagnostics), expected(text));
    for (let round = 0; round < 3; round++) {
      // Expensive edits: a syntax error (the whole text goes through the error-recovering parser and the
      // full analysis), then a renamed declaration (every block is analysed again).
      const at = text.indexOf(`data digits_${round * 7}`);
      text = round === 1 ? text.slice(0, at) + 'data digitz_7' + text.slice(at + 'data digits_7'.length) : text.slice(0, at) + '} {' + text.slice(at);
      v = client.change(big, text);
      if (await hoverDuring(v, `round ${round}`)) told++;
      assert.deepEqual(plain(await client.waitForDiagnostics(big, v, 120_000)), expected(text), `round ${round}: diagnostics`);
    }
    // The first analysis of 1 MB takes seconds: at least that round kept the big document busy.
    assert.ok(told >= 1, 'no hover was asked while the big document was being analysed');
  } finally {
    await client.stop();
  }
});

test('a newer version of a big document stops the analysis of an older one: no stale diagnostics', { timeout: 300_000 }, async () => {
  const client = await LspClient.start();
  try {
    const big = client.open(BIG);
    await client.waitForDiagnostics(big, 1, 120_000);
    for (let round = 0; round < 2; round++) {
      // An expensive version (a syntax error: the error-recovering parser and a full analysis of 1 MB)…
      const broken = client.change(big, BIG.replace('data digits_3 ', '} { data digits_3 '));
      await new Promise((r) => setTimeout(r, 300));
      // …replaced while it is being analysed by one that differs in a value.
      const sentAt = performance.now();
      const fixed = client.change(big, BIG.replace('steps: 2000', `steps: ${2001 + round}`));
      assert.deepEqual(plain(await client.waitForDiagnostics(big, fixed, 120_000)), expected(client.text(big)));
      // A publication the server wrote before it could have read the newer version (in flight when it was
      // sent: within 50 ms) is not stale; one that comes later is.
      const stale = client.publications.filter((p) => p.uri === big && p.version === broken && p.at > sentAt + 50);
      assert.equal(stale.length, 0, `round ${round}: version ${broken}'s diagnostics were published after version ${fixed} was sent`);
    }
  } finally {
    await client.stop();
  }
});

test('closing a big document ends its worker thread', { timeout: 300_000 }, async () => {
  const client = await LspClient.start();
  try {
    const pid = client.proc.pid!;
    const small = client.open(SMALL);
    await client.waitForDiagnostics(small, 1, 60_000);
    const before = threads(pid);
    const big = client.open(BIG);
    await client.waitForDiagnostics(big, 1, 120_000);
    const during = threads(pid);
    assert.ok(during > before, `a worker thread serves the big document (${before} threads before, ${during} with it)`);
    client.close(big);
    const deadline = Date.now() + 20_000;
    while (threads(pid) > before && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    assert.ok(threads(pid) <= before, `the worker ended (${threads(pid)} threads, ${before} before)`);
    // The small document is still served.
    assert.ok((await client.request('textDocument/documentSymbol', { textDocument: { uri: small } })) !== null);
  } finally {
    await client.stop();
  }
});

test('malformed params get InvalidParams with what is wrong, never an internal error text', { timeout: 120_000 }, async () => {
  const client = await LspClient.start();
  try {
    const uri = client.open(SMALL);
    await client.waitForDiagnostics(uri, 1, 60_000);
    const bad: unknown[] = [null, 7, 'x', [], {}, { textDocument: null }, { textDocument: { uri: 5 } }, { textDocument: { uri }, position: null }, { textDocument: { uri }, position: { line: -1, character: 'a' } }, { textDocument: { uri }, range: { start: 1 } }];
    let checked = 0;
    for (const method of REQUEST_METHODS) {
      for (const params of bad) {
        const err = await client.request(method, params).then(
          () => undefined,
          (e: { code: number; message: string }) => e,
        );
        const needsMore = typeof params === 'object' && params !== null && !Array.isArray(params) && 'textDocument' in params && (params as { textDocument: { uri?: unknown } }).textDocument?.uri === uri;
        // Params with a good document may be enough for methods that need nothing else (documentSymbol, …).
        if (!err && needsMore) continue;
        assert.ok(err, `${method} accepted ${JSON.stringify(params)}`);
        assert.equal(err.code, -32602, `${method} ${JSON.stringify(params)}: ${err.message}`);
        assert.doesNotMatch(err.message, /TypeError|Cannot read|undefined|null \(reading|at .*\.js/, `${method}: ${err.message}`);
        checked++;
      }
    }
    assert.ok(checked >= REQUEST_METHODS.length * 7);
    // The server is still fine.
    assert.ok(await client.request('textDocument/hover', { textDocument: { uri }, position: { line: 0, character: 0 } }) !== undefined);
    assert.deepEqual(client.loggedErrors, []);
    // Malformed text-sync notifications are dropped with a line saying what was wrong.
    for (const method of ['textDocument/didOpen', 'textDocument/didChange', 'textDocument/didClose', 'textDocument/didSave']) {
      for (const params of [{}, { textDocument: 3 }, { textDocument: { uri } }, { textDocument: { uri, version: 'x' }, contentChanges: [{ text: 1 }] }]) {
        if (method !== 'textDocument/didOpen' && method !== 'textDocument/didChange' && JSON.stringify(params).includes('"uri"')) continue;
        await client.connection.sendNotification(method, params);
      }
    }
    const symbols = await client.request<unknown[]>('textDocument/documentSymbol', { textDocument: { uri } });
    assert.ok(symbols.length > 0, 'the document is still open with its text');
    assert.ok(client.loggedErrors.length >= 8);
    for (const line of client.loggedErrors) assert.match(line, /^textDocument\/did\w+ ignored: params/, line);
  } finally {
    await client.stop();
  }
});
