// Whole-block snippets only where a block can start: between blocks one item per block keyword (a
// snippet), never inside a block, inside `methods: [` or inside a call's arguments, and each keyword once.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { CompletionItem, CompletionList } from 'vscode-languageserver-protocol/node';
import { InsertTextFormat } from 'vscode-languageserver-protocol/node';
import { mark, useServer } from './helpers.js';

const server = useServer({ before, after });

const HEAD = `data d { values: 0..7  length: 4  vocab: 10 }
model m { layers: 1  heads: 1  width: 8 }
task asc = sort(ascending)
task desc = sort(descending)
pretrain base { model: m  data: d  tasks: [asc]  reserve: 2 }
`;

async function items(source: string): Promise<CompletionItem[]> {
  const m = mark(source);
  const c = server();
  const uri = c.open(m.text);
  const r = await c.request<CompletionList | CompletionItem[] | null>('textDocument/completion', { textDocument: { uri }, position: m.cursors[0] });
  c.close(uri);
  return Array.isArray(r) ? r : (r?.items ?? []);
}

const BLOCK_KEYWORDS = ['data', 'model', 'task', 'pretrain', 'finetune', 'compare', 'evaluate'];
const isBlockSnippet = (i: CompletionItem) => i.insertTextFormat === InsertTextFormat.Snippet && /\{\n|=/.test(i.insertText ?? '') && BLOCK_KEYWORDS.includes(i.label);

test('between blocks: each block keyword once, as a whole-block snippet', async () => {
  const got = await items(`${HEAD}<|>\n`);
  for (const kw of BLOCK_KEYWORDS) assert.equal(got.filter((i) => i.label === kw).length, 1, `${kw}: ${got.map((i) => i.label).join(', ')}`);
  assert.ok(got.filter(isBlockSnippet).length >= 6, got.map((i) => `${i.label}:${i.insertTextFormat}`).join(', '));
  const finetune = got.find((i) => i.label === 'finetune')!;
  assert.match(finetune.insertText!, /^finetune \$\{1:[^}]+\} from/);
});

test('no block snippets inside a block, inside methods: [ or inside call arguments', async () => {
  const places = [
    `${HEAD}finetune x from base on desc {\n  <|>\n}\n`,
    `${HEAD}compare c from base on desc {\n  methods: [full, <|>]\n}\n`,
    `${HEAD}finetune x from base on desc {\n  method: lora(rank: 1, <|>)\n}\n`,
  ];
  for (const src of places) {
    const got = await items(src);
    assert.equal(got.filter(isBlockSnippet).length, 0, `${src}: ${got.map((i) => i.label).join(', ')}`);
    assert.equal(got.filter((i) => BLOCK_KEYWORDS.includes(i.label) && i.kind === 14).length, 0, 'no block keywords either');
  }
});
