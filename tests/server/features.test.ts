// Language-server features over a real stdio connection to the bundled dist/server.js.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { CodeLens, DocumentSymbol, FoldingRange, InlayHint, SemanticTokens, SignatureHelp, TextEdit, WorkspaceEdit } from 'vscode-languageserver-protocol/node';
import { applyEdits, expectCodeAction, expectCompletion, expectDefinition, expectDiagnostics, expectHover, expectReferences, mark, ROOT, useServer } from './helpers.js';

const FIGURE1 = readFileSync(join(ROOT, 'examples', 'figure1.ptx'), 'utf8');

const SPEC = `// a spec with every kind of block
data digits { values: 0..7  length: 10  vocab: 10 }
model tiny {
  layers: 1  heads: 1  width: 96
}
task asc  = sort(ascending)
task desc = sort(descending)
pretrain base {
  model: tiny  data: digits  tasks: [asc]
  optimizer: adamw(lr: 1e-3)
  reserve: 1
}
finetune desc_full from base on desc { method: full }
finetune desc_prefix from base on desc { method: prefix(length: 1) }
compare methods from base on desc {
  methods: [full, lora(rank: 1), prefix(length: 1)]
}
evaluate [base, desc_full] on [asc, desc] { samples: 100 }
`;

const BASE = `data digits { values: 0..7  length: 10  vocab: 10 }
model tiny { layers: 1  heads: 1  width: 96  mlp: 384  dropout: 0.1 }
task asc  = sort(ascending)
task desc = sort(descending)
pretrain base {
  model: tiny  data: digits  tasks: [asc]
  steps: 100  reserve: 1
}
`;

describe('language server features', () => {
  const server = useServer({ before, after });

  test('diagnostics: the theory warning on figure1 with its code, link and fixes', async () => {
    const client = server();
    const uri = client.open(FIGURE1, 'file:///tmp/ptx-lsp-test/figure1.ptx');
    const diags = await client.waitForDiagnostics(uri, 1);
    client.close(uri);
    const warn = diags.find((d) => d.code === 'novel-attention-pattern');
    assert.ok(warn, JSON.stringify(diags));
    assert.equal(warn.severity, 2);
    assert.match(warn.codeDescription!.href, /^file:\/\/.*docs\/diagnostics\.md#novel-attention-pattern$/);
    assert.equal(warn.source, 'ptx');
    assert.equal(FIGURE1.split('\n')[warn.range.start.line]!.slice(warn.range.start.character, warn.range.end.character), 'prefix(length: 1)');
  });

  test('diagnostics: an unknown reference and a misspelt key, located', async () => {
    await expectDiagnostics(server(), `${BASE}finetune f from base on desc { method: full  «stesp»: 10 }\nfinetune g from «bsae» on desc { method: full }\n`, [
      { code: 'unknown-key', range: 0, message: "did you mean 'steps'" },
      { code: 'unknown-name', range: 1, message: "did you mean 'base'" },
    ]);
  });

  test('diagnostics: a burst of edits sent together is analysed a few times at most, and the result is that of the last edit', async () => {
    const client = server();
    const uri = client.open(`${BASE}finetune f from base on desc { method: full  steps: 10 }\n`);
    await client.waitForDiagnostics(uri, 1);
    const before = client.publishCount.get(uri) ?? 0;
    // Thirty keystrokes in one write: retype the steps value, ending on a prefix method (a theory warning).
    let text = client.text(uri);
    let v = 0;
    for (let k = 0; k < 30; k++) {
      const next = k < 29 ? text.replace(/steps: \d+/, `steps: ${100 + k}`) : text.replace('method: full', 'method: prefix(length: 1)');
      v = client.change(uri, next);
      text = next;
    }
    const diags = await client.waitForDiagnostics(uri, v);
    assert.deepEqual(diags.map((d) => d.code), ['novel-attention-pattern']);
    await new Promise((r) => setTimeout(r, 100));
    const published = (client.publishCount.get(uri) ?? 0) - before;
    client.close(uri);
    // Usually two; a loaded machine may split the burst over a few reads, but never anywhere near 30.
    assert.ok(published <= 10, `${published} publications for a burst of 30 edits`);
  });

  test('diagnostics update on change and clear on close', async () => {
    const client = server();
    const uri = client.open(`${BASE}finetune f from base on desc { method: full }\n`);
    assert.deepEqual(await client.waitForDiagnostics(uri, 1), []);
    const v = client.change(uri, `${BASE}finetune f from base on desc { method: prefix(length: 1) }\n`);
    const after = await client.waitForDiagnostics(uri, v);
    assert.deepEqual(after.map((d) => d.code), ['novel-attention-pattern']);
    client.close(uri);
    await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(client.diagnostics.get(uri)?.diagnostics, []);
  });

  test('completion: block keywords at the top level', async () => {
    await expectCompletion(server(), `${BASE}\n<|>`, { includes: ['data', 'model', 'task', 'pretrain', 'finetune', 'compare', 'evaluate'], excludes: ['steps', 'full'] });
  });

  test('completion: keys the block accepts and does not have yet', async () => {
    const items = await expectCompletion(server(), `${BASE}finetune f from base on desc {\n  method: full\n  <|>\n}\n`, {
      includes: ['steps', 'batch', 'seed', 'optimizer'],
      excludes: ['method', 'layers', 'data', 'pretrain'],
    });
    assert.equal(items.find((i) => i.label === 'steps')?.insertText, 'steps: ');
  });

  test('completion: methods as snippets after method:', async () => {
    const items = await expectCompletion(server(), `${BASE}finetune f from base on desc { method: <|> }\n`, { exactly: ['full', 'lora', 'prefix', 'soft_prompt', 'prompt'] });
    const lora = items.find((i) => i.label === 'lora')!;
    assert.equal(lora.insertText, 'lora(rank: ${1:1})');
    assert.equal(lora.insertTextFormat, 2);
    assert.match(JSON.stringify(lora.documentation), /rank/);
  });

  test('completion: enum values, declared names by kind, and primitives', async () => {
    const c = server();
    const norms = await expectCompletion(c, `model m { width: 8  norm: <|> }`, { exactly: ['pre', 'post'] });
    assert.match(JSON.stringify(norms[0]!.documentation), /LayerNorm placement/);
    await expectCompletion(c, `${BASE}pretrain p2 { model: <|> }`, { includes: ['tiny'], excludes: ['digits', 'asc', 'base'] });
    await expectCompletion(c, `${BASE}finetune f from <|>`, { includes: ['base'], excludes: ['tiny', 'asc'] });
    await expectCompletion(c, `${BASE}finetune f from base on <|>`, { includes: ['asc', 'desc', 'sort', 'add', 'histogram'], excludes: ['base', 'tiny'] });
    await expectCompletion(c, `${BASE}task t = sort(ascending) then <|>`, { includes: ['add', 'asc'] });
    await expectCompletion(c, `${BASE}evaluate [<|>] on [asc] {}`, { includes: ['base'], excludes: ['asc', 'tiny'] });
    await expectCompletion(c, `${BASE}pretrain p3 { tasks: [asc, <|>] }`, { includes: ['desc', 'sort'] });
  });

  test('completion: arguments of a call and values of an argument', async () => {
    const c = server();
    await expectCompletion(c, `${BASE}finetune f from base on desc { method: lora(<|>) }`, { includes: ['rank', 'alpha', 'targets'] });
    await expectCompletion(c, `${BASE}finetune f from base on desc { method: lora(rank: 1, <|>) }`, { includes: ['alpha', 'targets'], excludes: ['rank'] });
    await expectCompletion(c, `${BASE}finetune f from base on desc { method: prefix(length: 2, space: <|>) }`, { exactly: ['residual', 'kv'] });
    await expectCompletion(c, `${BASE}finetune f from base on desc { method: lora(targets: [query, <|>]) }`, { includes: ['key', 'mlp_out'] });
    await expectCompletion(c, `task t = sort(<|>)`, { includes: ['ascending', 'descending', 'order'] });
    // Sweeps: a list given to a method argument holds that argument's values; for targets, lists of them.
    await expectCompletion(c, `${BASE}compare k from base on desc { methods: [prefix(length: [2, 4], space: [residual, <|>])] }`, { exactly: ['residual', 'kv'] });
    await expectCompletion(c, `${BASE}compare k from base on desc { methods: [lora(targets: [[query], [<|>]])] }`, { includes: ['key', 'mlp_out'] });
  });

  test('completion: nothing inside comments or numbers', async () => {
    const c = server();
    await expectCompletion(c, `${BASE}// a comment <|>`, { exactly: [] });
    await expectCompletion(c, `model m { width: 9<|> }`, { exactly: [] });
  });

  test('hover: a finetune method shows its count, formula and the alternatives', async () => {
    const md = await expectHover(server(), `${BASE}finetune f from base on desc { method: pre<|>fix(length: 1) }\n`, ['96 trainable parameters', '1 × 1 × 96 = 96', 'LoRA rank', 'full']);
    assert.match(md, /full`: all weights = [\d,]+/);
  });

  test('hover: a warned prefix is compared with the LoRA its quick fix suggests (attention targets)', async () => {
    const md = await expectHover(server(), `${BASE}finetune f from base on desc { method: pre<|>fix(length: 1) }\n`, ['LoRA rank 1 (query, key, value, output)`: 1 × (1 × (96 + 96) + 1 × (96 + 96) + 1 × (96 + 96) + 1 × (96 + 96)) = 768']);
    assert.doesNotMatch(md, /output, mlp_in, mlp_out/);
    // The warning is one sentence; the reasoning is in the hover.
    assert.match(md, /\*\*Why the theory warns\*\* \(`novel-attention-pattern`\): context .* only rescales the attention over the content/);
  });

  test('hover: a declared task shows the skills of what it computes on the data of its runs', async () => {
    const md = await expectHover(server(), `${BASE}task desc_<|>rev = sort(descending) then reverse\nfinetune f from base on desc_rev { method: prefix(length: 1) }\n`, [
      'Skills it needs as written:',
      'attention pattern: attend to the largest value not yet written',
      'On data `digits` it computes `sort(ascending)`, which the theory judges it as; that needs:\n- attention pattern: attend to the smallest value not yet written (ascending order)',
    ]);
    assert.doesNotMatch(md.split('On data')[1]!, /largest/);
  });

  test('hover: full fine-tuning never suggests a prefix longer than the reserve', async () => {
    // Its budget would be a prefix of thousands of positions; the pretraining reserves 1.
    const md = await expectHover(server(), `${BASE}finetune f from base on desc { method: fu<|>ll }\n`, ['`prefix(length: 1) (the longest the reserve allows)`: 1 × 1 × 96 = 96']);
    assert.doesNotMatch(md, /prefix\(length: \d{2,}/);
  });

  test('diagnostics: a warning acknowledged by `// expect:` on its line is published as a hint', async () => {
    const client = server();
    const uri = client.open(`${BASE}finetune f from base on desc { method: prefix(length: 1) }  // expect: novel-attention-pattern (the control)\n`);
    const diags = await client.waitForDiagnostics(uri, 1);
    client.close(uri);
    assert.deepEqual(diags.map((d) => [d.code, d.severity]), [['novel-attention-pattern', 4]]);
  });

  test('code actions: a composition with a simpler form gets the fix that writes it', async () => {
    const c = server();
    const src = `${BASE}finetune f from base on «sort(descending) then reverse» { method: prefix(length: 1) }\n`;
    await expectCodeAction(c, src, /Write sort\(ascending\)/, `${BASE}finetune f from base on sort(ascending) { method: prefix(length: 1) }\n`);
  });

  test('hover: the paper-sized budgets (prefix 12 = 12,288; the histogram needs a new pattern, so the closest LoRA on attention: rank 2, 16,384)', async () => {
    const src = `data d { values: 0..7  length: 10  vocab: 11 }
model big { layers: 4  heads: 4  width: 256  context: 40 }
task asc = sort(ascending)
task hist = histogram
pretrain p { model: big  data: d  tasks: [asc]  reserve: 12 }
compare c from p on hist { methods: [pre<|>fix(length: 12), lora(rank: 1)] }
`;
    await expectHover(server(), src, ['12,288 trainable parameters', '4 × 12 × 256 = 12,288', 'LoRA rank 2 (query, key, value, output)`: 4 × (2 × (256 + 256) + 2 × (256 + 256) + 2 × (256 + 256) + 2 × (256 + 256)) = 16,384', 'full`: all weights = 3,175,424']);
  });

  test('hover: keys, keywords, primitives, and a reference shows the resolved block', async () => {
    const c = server();
    await expectHover(c, `model m { width: 8  dro<|>pout: 0.2 }`, ['dropout', 'Default:', '0.1']);
    await expectHover(c, `fine<|>tune f from b on t { method: full }`, ['finetune NAME from RUN on TASK']);
    await expectHover(c, `task t = so<|>rt(descending)`, ['sort(order = ascending)', 'Sort the input tokens']);
    await expectHover(c, `${BASE}finetune f from ba<|>se on desc { method: full }\n`, ['pretrain base', 'steps: 100', 'reserve: 1', 'model: tiny']);
    await expectHover(c, `${BASE}// just a comment<|>\n`, null);
  });

  test('definition and references', async () => {
    const c = server();
    await expectDefinition(c, `data digits { values: 0..7 }\nmodel «tiny» { width: 8 }\npretrain p { model: ti<|>ny  data: digits  tasks: [sort] }`);
    await expectDefinition(c, `pretrain p { model: no<|>where }`);
    await expectReferences(c, `data digits {}\nmodel «tiny» { width: 8 }\npretrain p { model: «ti<|>ny»  data: digits }\npretrain q { model: «tiny» }`);
    await expectReferences(c, `task «a<|>sc» = sort(ascending)\ntask b = «asc» then add(1)\npretrain p { tasks: [«asc», sort(descending)] }\nevaluate [p] on [«asc»] {}`);
  });

  test('rename: every occurrence; keywords and built-ins refused', async () => {
    const c = server();
    const m = mark(`task asc = sort(ascending)\npretrain p { tasks: [a<|>sc] }\nfinetune f from p on asc { method: full }\n`);
    const uri = c.open(m.text);
    const prep = await c.request<{ range: unknown; placeholder: string }>('textDocument/prepareRename', { textDocument: { uri }, position: m.cursors[0] });
    assert.equal(prep.placeholder, 'asc');
    const edit = await c.request<WorkspaceEdit>('textDocument/rename', { textDocument: { uri }, position: m.cursors[0], newName: 'up' });
    assert.equal(applyEdits(m.text, edit.changes![uri]!), 'task up = sort(ascending)\npretrain p { tasks: [up] }\nfinetune f from p on up { method: full }\n');
    await assert.rejects(c.request('textDocument/rename', { textDocument: { uri }, position: m.cursors[0], newName: 'finetune' }), /keyword/);
    await assert.rejects(c.request('textDocument/rename', { textDocument: { uri }, position: m.cursors[0], newName: 'p' }), /already declared/);
    await assert.rejects(c.request('textDocument/prepareRename', { textDocument: { uri }, position: { line: 0, character: 12 } }), /cannot be renamed|built-in/);
    await assert.rejects(c.request('textDocument/prepareRename', { textDocument: { uri }, position: { line: 0, character: 1 } }), /cannot be renamed|built-in/);
    c.close(uri);
  });

  test('code actions: LoRA of the same budget removes the theory warning', async () => {
    const c = server();
    const src = `${BASE}finetune f from base on desc { method: «prefix(length: 1)» }\n`;
    await expectCodeAction(c, src, /Switch to lora/, `${BASE}finetune f from base on desc { method: lora(rank: 1, targets: [query, key, value, output]) }\n`);
    await expectCodeAction(c, src, /full fine-tuning/, `${BASE}finetune f from base on desc { method: full }\n`);
    await expectCodeAction(c, src, /Add desc to the tasks/, src.replace('tasks: [asc]', 'tasks: [asc, desc]'));
    const fixed = c.open(`${BASE}finetune f from base on desc { method: lora(rank: 1, targets: [query, key, value, output]) }\n`);
    assert.deepEqual(await c.waitForDiagnostics(fixed, 1), []);
    c.close(fixed);
  });

  test('code actions: did you mean, and missing required keys', async () => {
    const c = server();
    await expectCodeAction(c, `model m { width: 8  «heds»: 1 }`, "Change to 'heads'", `model m { width: 8  heads: 1 }`);
    await expectCodeAction(c, `${BASE}finetune «f» from base on desc { steps: 10 }\n`, 'Add method', `${BASE}finetune f from base on desc { steps: 10 method: full }\n`);
  });

  test('signature help inside a method call', async () => {
    const c = server();
    const m = mark(`${BASE}finetune f from base on desc { method: lora(rank: 1, <|>) }`);
    const uri = c.open(m.text);
    const help = await c.request<SignatureHelp>('textDocument/signatureHelp', { textDocument: { uri }, position: m.cursors[0] });
    c.close(uri);
    assert.match(help.signatures[0]!.label, /^lora\(rank = 1, alpha = 1, targets = \[output, mlp_in, mlp_out\]/);
    assert.equal(help.activeParameter, 1);
    const [s, e] = help.signatures[0]!.parameters![1]!.label as [number, number];
    assert.equal(help.signatures[0]!.label.slice(s, e), 'alpha = 1');
  });

  test('document symbols, folding ranges and semantic tokens', async () => {
    const c = server();
    const uri = c.open(SPEC);
    const symbols = await c.request<DocumentSymbol[]>('textDocument/documentSymbol', { textDocument: { uri } });
    assert.deepEqual(
      symbols.map((s) => `${s.detail} ${s.name}`),
      ['data digits', 'model tiny', 'task asc', 'task desc', 'pretrain base', 'finetune desc_full', 'finetune desc_prefix', 'compare methods', 'evaluate evaluate'],
    );
    assert.ok(symbols[4]!.children!.some((ch) => ch.name === 'optimizer'));
    const folds = await c.request<FoldingRange[]>('textDocument/foldingRange', { textDocument: { uri } });
    const lines = SPEC.split('\n');
    const pre = lines.findIndex((l) => l.startsWith('pretrain base'));
    assert.ok(folds.some((f) => f.startLine === pre && lines[f.endLine + 1]!.trim() === '}'), JSON.stringify(folds));
    const tokens = await c.request<SemanticTokens>('textDocument/semanticTokens/full', { textDocument: { uri } });
    assert.ok(tokens.data.length > 0 && tokens.data.length % 5 === 0);
    c.close(uri);
  });

  test('formatting is idempotent and keeps comments', async () => {
    const c = server();
    const src = `// head\ndata d {values:0..7 length : 10}   // trailing\n\n\n\nmodel m {\nwidth: 8\n      /* block */ heads:1\n}\n`;
    const uri = c.open(src);
    const edits = await c.request<TextEdit[]>('textDocument/formatting', { textDocument: { uri }, options: { tabSize: 2, insertSpaces: true } });
    const once = applyEdits(src, edits);
    assert.equal(once, `// head\ndata d { values: 0..7  length: 10 }  // trailing\n\nmodel m {\n  width: 8\n  /* block */ heads: 1\n}\n`);
    c.change(uri, once);
    const again = await c.request<TextEdit[]>('textDocument/formatting', { textDocument: { uri }, options: { tabSize: 2, insertSpaces: true } });
    assert.deepEqual(again, []);
    c.close(uri);
  });

  test('inlay hints: parameter counts beside methods; defaulted values off unless a setting asks', async () => {
    const c = server();
    const uri = c.open(SPEC);
    const hints = await c.request<InlayHint[]>('textDocument/inlayHint', { textDocument: { uri }, range: { start: { line: 0, character: 0 }, end: { line: 999, character: 0 } } });
    c.close(uri);
    const labels = hints.map((h) => String(h.label));
    assert.ok(labels.includes('96 params'), labels.join(' | '));
    assert.ok(labels.some((l) => /^\d+(\.\d)?k params$/.test(l)), labels.join(' | '));
    assert.ok(!labels.some((l) => l.includes('default')), `no defaults hints by default: ${labels.join(' | ')}`);
  });

  test('code lenses: client commands with [uri, block name]', async () => {
    const c = server();
    const uri = c.open(SPEC);
    const lenses = await c.request<CodeLens[]>('textDocument/codeLens', { textDocument: { uri } });
    c.close(uri);
    const got = lenses.map((l) => `${l.command!.command} ${(l.command!.arguments as string[])[1]}`);
    assert.deepEqual(got, ['ptx.train base', 'ptx.train desc_full', 'ptx.train desc_prefix', 'ptx.compare methods', 'ptx.evaluate evaluate']);
    assert.equal((lenses[0]!.command!.arguments as string[])[0], uri);
  });

  test('requests about closed or unknown documents get empty answers', async () => {
    const c = server();
    const uri = 'file:///tmp/ptx-lsp-test/never-opened.ptx';
    const pos = { line: 0, character: 0 };
    assert.equal(await c.request('textDocument/hover', { textDocument: { uri }, position: pos }), null);
    assert.equal(await c.request('textDocument/completion', { textDocument: { uri }, position: pos }), null);
    assert.deepEqual(await c.request('textDocument/codeLens', { textDocument: { uri } }), []);
  });
});
