// The server's lenses are the run commands only. Result lenses ("✓ asc 99.6%", "stale", "Show attention")
// need each block's store key, which the runtime computes: the VS Code client adds them from `ptx report
// --json` (tests/e2e/results.test.ts). A run of the same name in the store must not change these.
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

test('results in the store beside the spec do not add lenses: the server never reads the store', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ptx-lens-'));
  try {
    // Another spec's run named like one of these blocks, with attention: it must not show as this spec's.
    const store = new RunStore(join(dir, '.ptx'));
    store.saveEval('runhash', 'evalhash', { any: 'key' }, {
      info: { run: 'tuned', task: 'desc', exact: 1, perToken: 1, samples: 10, backend: 'cpu', seed: 0, trainable: 100, trainMs: 5, hasAttention: true },
      attention: { tokens: [0, 1, 2, 3, 4], prefixKeys: 0, attention: [[[[1]]]], alpha: null, relativeChange: null },
    });
    assert.deepEqual(await lenses(dir), ['▷ Train ptx.train base', '▷ Train ptx.train tuned', '▷ Evaluate ptx.evaluate ev']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
