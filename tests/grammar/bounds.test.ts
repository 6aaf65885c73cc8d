// Every number the language accepts has an upper bound: steps stop at a million (1e15 steps was accepted,
// with an ETA of 622 million hours), and no integer near 2^53 gets through, where 9007199254740993 would
// silently become 9007199254740992.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyse, BLOCKS, ALL_FUNCTIONS, type ParamDef, type ValueType } from '../../grammar/src/index.js';
import { PREAMBLE } from './helpers.js';

function errorsOf(text: string): string[] {
  return analyse(text)
    .diagnostics.filter((d) => d.severity === 'error')
    .map((d) => `${d.code}: ${d.message}`);
}

for (const [what, text] of [
  ['steps: 1e15', 'pretrain p { model: m  data: digits  tasks: [asc]  steps: 1e15 }'],
  ['steps: 9007199254740993', 'pretrain p { model: m  data: digits  tasks: [asc]  steps: 9007199254740993 }'],
  ['a method overriding steps with 9007199254740993', 'finetune f from base on asc { method: full(steps: 9007199254740993) }'],
] as const) {
  test(`${what} is out of range, shown as written`, () => {
    const literal = /steps: (\S+?)[ )]/.exec(text)![1]!;
    assert.deepEqual(errorsOf(PREAMBLE + text), [`out-of-range: ${what.startsWith('a method') ? "full's steps" : 'steps'} must be 1..1000000, not ${literal}`]);
  });
}

test('a million steps is accepted', () => {
  assert.deepEqual(errorsOf(PREAMBLE + 'finetune f from base on asc { method: full  steps: 1000000 }'), []);
});

/** Every integer type in the catalogue, with where it is. */
function integerTypes(): Array<[string, Extract<ValueType, { kind: 'int' | 'range' }>]> {
  const out: Array<[string, Extract<ValueType, { kind: 'int' | 'range' }>]> = [];
  const visit = (where: string, t: ValueType) => {
    if (t.kind === 'int' || t.kind === 'range') out.push([where, t]);
    if (t.kind === 'list') visit(`${where}[]`, t.of);
  };
  const params = (owner: string, ps: readonly ParamDef[]) => ps.forEach((p) => visit(`${owner}.${p.name}`, p.type));
  for (const b of BLOCKS) params(b.keyword, b.keys);
  for (const f of ALL_FUNCTIONS) params(f.name, f.params);
  return out;
}

test('every integer and range in the catalogue has a maximum far below 2^53 (words: by the size of the word list)', () => {
  const unbounded = integerTypes().filter(([where, t]) => where !== 'data.words' && !(t.max !== undefined && t.max < 2 ** 31));
  assert.deepEqual(unbounded.map(([where]) => where), []);
  assert.ok(integerTypes().length > 15);
  assert.match(errorsOf('data w { kind: words  words: 9007199254740993 }').join('\n'), /out-of-range: words must be at most \d+/);
});
