// Inlay hints per kind, behind `ptx.inlayHints.*` (initializationOptions at start, didChangeConfiguration
// later, as VS Code's client sends them): parameter counts on by default and switchable off, defaults off,
// collapsed ("+N defaults", the list in the tooltip) or all; a count never moves entries aligned after it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { InlayHint } from 'vscode-languageserver-protocol/node';
import { LspClient } from './helpers.js';

const SPEC = `data d { values: 0..7  length: 4  vocab: 10 }
model m { layers: 1  heads: 1  width: 8 }
task asc = sort(ascending)
task desc = sort(descending)
pretrain base { model: m  data: d  tasks: [asc]  reserve: 1 }
finetune tuned from base on desc {
  method: lora(rank: 1)   lr: 0.01
}
finetune whole from base on desc {
  method: full
}
`;

const ALL = { start: { line: 0, character: 0 }, end: { line: 999, character: 0 } };

async function hints(c: LspClient): Promise<InlayHint[]> {
  const uri = c.open(SPEC);
  const got = await c.request<InlayHint[]>('textDocument/inlayHint', { textDocument: { uri }, range: ALL });
  c.close(uri);
  return got;
}

test('defaults collapsed: one short hint per block, the full list in its tooltip; counts keep aligned keys in place', async () => {
  const c = await LspClient.start({ initializationOptions: { inlayHints: { defaults: 'collapsed' } } });
  try {
    const got = await hints(c);
    const defaults = got.filter((h) => /default/.test(String(h.label)));
    assert.ok(defaults.length >= 3, `${defaults.length} defaults hints`);
    for (const h of defaults) {
      assert.match(String(h.label), /^\+\d+ defaults?$/);
      const n = Number(/\d+/.exec(String(h.label))![0]);
      assert.equal(String(h.tooltip).split('\n').length - 1, n, `tooltip lists all ${n}: ${String(h.tooltip)}`);
    }
    // `method: lora(rank: 1)   lr: 0.01` (line 6): the count goes to the end of the line, not between them.
    const lora = got.find((h) => h.position.line === 6 && /params$/.test(String(h.label)));
    assert.ok(lora, got.map((h) => `${h.position.line}:${h.label}`).join(' | '));
    assert.equal(lora.position.character, SPEC.split('\n')[6]!.length);
    // `method: full` alone on its line: right after the method.
    const full = got.find((h) => h.position.line === 9 && /params$/.test(String(h.label)));
    assert.equal(full?.position.character, SPEC.split('\n')[9]!.indexOf('full') + 'full'.length);
  } finally {
    await c.stop();
  }
});

test('settings change while running: counts off, defaults all', async () => {
  const c = await LspClient.start();
  try {
    assert.ok((await hints(c)).some((h) => /params$/.test(String(h.label))));
    c.notify('workspace/didChangeConfiguration', { settings: { ptx: { inlayHints: { parameterCounts: false, defaults: 'all' } } } });
    const got = await hints(c);
    assert.ok(!got.some((h) => /params$/.test(String(h.label))), got.map((h) => h.label).join(' | '));
    assert.ok(got.some((h) => String(h.label).startsWith('defaults: ') && String(h.label).includes('test: 0.2')), got.map((h) => h.label).join(' | '));
  } finally {
    await c.stop();
  }
});
