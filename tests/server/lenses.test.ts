// "Show attention" lenses appear above the blocks whose runs have attention results in the store beside
// the spec, written by the runtime's own RunStore (the layout the server reads).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, test } from 'node:test';
import type { CodeLens } from 'vscode-languageserver-protocol/node';
import { RunStore } from '../../runtime/src/store/run-store.js';
import { useServer } from './helpers.js';

const SPEC = `data d { values: 0..7  length: 4  vocab: 10 }
model m { layers: 1  heads: 1  width: 8 }
task asc = sort(ascending)
task desc = sort(descending)
pretrain base { model: m  data: d  tasks: [asc]  reserve: 1 }
finetune tuned from base on desc { method: full }
evaluate ev [base, tuned] on [desc] { probe: [1, 2, 3, 4] }
`;

const server = useServer({ before, after });

async function lenses(dir: string): Promise<string[]> {
  const file = join(dir, 'spec.ptx');
  writeFileSync(file, SPEC);
  const c = server();
  const uri = c.open(SPEC, pathToFileURL(file).href);
  const got = await c.request<CodeLens[]>('textDocument/codeLens', { textDocument: { uri } });
  c.close(uri);
  return got.map((l) => `${l.command!.title} ${l.command!.command} ${(l.command!.arguments as string[])[1]}`);
}

test('no results: Train and Evaluate lenses only', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ptx-lens-'));
  try {
    assert.deepEqual(await lenses(dir), ['▷ Train ptx.train base', '▷ Train ptx.train tuned', '▷ Evaluate ptx.evaluate ev']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('attention stored for a run: Show attention above its block and the evaluate block', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ptx-lens-'));
  try {
    const store = new RunStore(join(dir, '.ptx'));
    store.saveEval('runhash', 'evalhash', { any: 'key' }, {
      info: { run: 'tuned', task: 'desc', exact: 1, perToken: 1, samples: 10, backend: 'cpu', seed: 0, trainable: 100, trainMs: 5, hasAttention: true },
      attention: { tokens: [0, 1, 2, 3, 4], prefixKeys: 0, attention: [[[[1]]]], alpha: null, relativeChange: null },
    });
    assert.deepEqual(await lenses(dir), [
      '▷ Train ptx.train base',
      '▷ Train ptx.train tuned',
      'Show attention ptx.showAttention tuned',
      '▷ Evaluate ptx.evaluate ev',
      'Show attention ptx.showAttention ev',
    ]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the store folder comes from the ptx.storeDirectory setting', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ptx-lens-'));
  const elsewhere = join(dir, 'results');
  const { LspClient } = await import('./helpers.js');
  const c = await LspClient.start({ initializationOptions: { storeDirectory: elsewhere } });
  try {
    new RunStore(elsewhere).saveEval('r', 'e', {}, {
      info: { run: 'base', task: 'asc', exact: 1, perToken: 1, samples: 10, backend: 'cpu', seed: 0, trainable: 100, trainMs: 5, hasAttention: true },
      attention: { tokens: [0, 1], prefixKeys: 0, attention: [[[[1]]]], alpha: null, relativeChange: null },
    });
    const file = join(dir, 'spec.ptx');
    writeFileSync(file, SPEC);
    const uri = c.open(SPEC, pathToFileURL(file).href);
    const got = await c.request<CodeLens[]>('textDocument/codeLens', { textDocument: { uri } });
    assert.deepEqual(
      got.filter((l) => l.command!.command === 'ptx.showAttention').map((l) => (l.command!.arguments as string[])[1]),
      ['base', 'ev'],
    );
  } finally {
    await c.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
