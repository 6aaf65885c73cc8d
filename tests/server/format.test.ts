// The formatter (grammar/src/services/format.ts): idempotent, keeps every comment and token, on every
// example and on seeded random mutations of them; refuses text it cannot lex.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { analyseText } from '../../grammar/src/index.js';
import { formatText } from '../../grammar/src/services/format.js';
import { ptxLexer } from '../../grammar/src/syntax/tokens.js';
import { ROOT } from './helpers.js';
import { Rng } from '../../runtime/src/data/rng.js';

const examples = readdirSync(join(ROOT, 'examples'))
  .filter((f) => f.endsWith('.ptx'))
  .map((f) => [f, readFileSync(join(ROOT, 'examples', f), 'utf8')] as const);

function images(text: string): string[] {
  const lexed = ptxLexer.tokenize(text);
  return [...lexed.tokens, ...((lexed.groups['comments'] ?? []) as typeof lexed.tokens)].sort((a, b) => a.startOffset - b.startOffset).map((t) => t.image);
}

/** Seeded uniform draws (mulberry32, the runtime's generator), so a failure replays exactly. */
const rng = Rng.stream;

test('examples: formatting is idempotent, keeps tokens and comments, and keeps the diagnostics', () => {
  assert.ok(examples.length >= 6);
  for (const [name, text] of examples) {
    const once = formatText(text);
    assert.ok(once !== null, name);
    assert.equal(formatText(once), once, `${name}: not idempotent`);
    assert.deepEqual(images(once), images(text), `${name}: tokens changed`);
    const codes = (t: string): string[] => analyseText(t).diagnostics.map((d) => `${d.code} ${d.message}`);
    assert.deepEqual(codes(once), codes(text), `${name}: meaning changed`);
  }
});

test('layout rules: indentation, spacing, blank lines, trailing comments', () => {
  assert.equal(
    formatText('model m{width:8,heads :2}\n\n\n\ntask t=sort( ascending )then add(1)// c\npretrain p {\n        tasks: [\n  t,\n        t\n    ]\n}'),
    'model m { width: 8, heads: 2 }\n\ntask t = sort(ascending) then add(1)  // c\npretrain p {\n  tasks: [\n    t,\n    t\n  ]\n}\n',
  );
  assert.equal(formatText('data d { values: 0 .. 7 }\r\n'), 'data d { values: 0..7 }\r\n');
  assert.equal(formatText(''), '');
  assert.equal(formatText('model m { width: 8 } @'), null, 'text with an unknown character is left alone');
});

test('random mutations of the examples: idempotent and token-preserving whenever it formats', () => {
  const random = rng(99);
  const pieces = ['{', '}', '[', ']', '(', ')', ':', ',', '..', '=', '\n', '\n\n\n', '  ', '// x\n', '/* y */', 'then', 'lora', '7', '-1', 'a_b'];
  let formatted = 0;
  for (let i = 0; i < 300; i++) {
    let text = examples[i % examples.length]![1];
    for (let k = 0; k < 1 + Math.floor(random() * 6); k++) {
      const at = Math.floor(random() * (text.length + 1));
      const cut = random() < 0.3 ? Math.floor(random() * 8) : 0;
      text = text.slice(0, at) + pieces[Math.floor(random() * pieces.length)] + text.slice(at + cut);
    }
    const once = formatText(text);
    if (once === null) continue;
    formatted++;
    assert.equal(formatText(once), once, `not idempotent on:\n${text}`);
    assert.deepEqual(images(once), images(text));
  }
  assert.ok(formatted > 200, `formatted ${formatted} of 300`);
});
