// Golden files: the AST and the diagnostics of every example and of tests/grammar/golden/inputs/*.ptx,
// compared with snapshots in tests/grammar/golden/. Regenerate with UPDATE_GOLDEN=1 after a deliberate
// change, and read the diff before committing it.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { test } from 'node:test';
import { analyse, type Range } from '../../grammar/src/index.js';

const DIR = 'tests/grammar/golden';
const UPDATE = process.env['UPDATE_GOLDEN'] === '1';

const inputs = [
  ...readdirSync('examples').filter((f) => f.endsWith('.ptx')).map((f) => join('examples', f)),
  ...readdirSync(join(DIR, 'inputs')).filter((f) => f.endsWith('.ptx')).map((f) => join(DIR, 'inputs', f)),
].sort();

function r(range: Range): string {
  return `${range.start.line + 1}:${range.start.character + 1}-${range.end.line + 1}:${range.end.character + 1}`;
}

/** The AST with ranges written compactly (line:col-line:col, 1-based), one stable JSON document. */
function astSnapshot(text: string): string {
  const { ast } = analyse(text);
  return JSON.stringify(ast, (key, value) => (value && typeof value === 'object' && 'start' in value && 'end' in value && key.toLowerCase().endsWith('range') ? r(value as Range) : value), 1) + '\n';
}

function diagnosticsSnapshot(text: string): string {
  return analyse(text)
    .diagnostics.map((d) => `${r(d.range)} ${d.severity}${d.acknowledged ? ' (acknowledged)' : ''} ${d.code}: ${d.message}${d.data?.fixes ? `\n    fixes: ${d.data.fixes.map((f) => f.title).join(' | ')}` : ''}`)
    .join('\n') + '\n';
}

for (const input of inputs) {
  const name = basename(input, '.ptx');
  test(`golden: ${input}`, () => {
    const text = readFileSync(input, 'utf8');
    for (const [suffix, actual] of [
      ['ast.json', astSnapshot(text)],
      ['diagnostics.txt', diagnosticsSnapshot(text)],
    ] as const) {
      const file = join(DIR, `${name}.${suffix}`);
      if (UPDATE || !existsSync(file)) {
        if (!UPDATE) assert.fail(`${file} is missing: run UPDATE_GOLDEN=1 node scripts/test.mjs golden`);
        writeFileSync(file, actual);
        continue;
      }
      assert.equal(actual, readFileSync(file, 'utf8'), `${file} differs (UPDATE_GOLDEN=1 regenerates it)`);
    }
  });
}
