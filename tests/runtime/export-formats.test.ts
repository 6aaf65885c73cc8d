// The export's file formats byte by byte: safetensors framing (little-endian length, aligned JSON header,
// offsets, little-endian floats), CSV quoting, mean ± std over seeds.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeSafetensors } from '../../runtime/src/export/safetensors.js';
import { csv } from '../../runtime/src/export/csv.js';
import { safeFileName } from '../../runtime/src/export/weights.js';
import { meanStd } from '../../runtime/src/commands/run/results-json.js';

test('safetensors: 8-byte LE header length, JSON header padded to 8 bytes, sorted tensors, LE float32 data', () => {
  const bytes = encodeSafetensors(
    { 'b.weight': { shape: [2, 2], data: Float32Array.from([1, -2, 0.5, 3]) }, 'a.bias': { shape: [1], data: Float32Array.from([7]) } },
    { run: 'x' },
  );
  const n = Number(bytes.readBigUInt64LE(0));
  assert.equal((8 + n) % 8, 0, 'data starts aligned');
  const header = JSON.parse(bytes.subarray(8, 8 + n).toString('utf8')) as Record<string, { dtype: string; shape: number[]; data_offsets: [number, number] }>;
  assert.deepEqual(header.__metadata__, { run: 'x' });
  assert.deepEqual(header['a.bias'], { dtype: 'F32', shape: [1], data_offsets: [0, 4] });
  assert.deepEqual(header['b.weight'], { dtype: 'F32', shape: [2, 2], data_offsets: [4, 20] });
  const data = bytes.subarray(8 + n);
  assert.equal(data.length, 20);
  assert.deepEqual([0, 4, 8, 12, 16].map((o) => data.readFloatLE(o)), [7, 1, -2, 0.5, 3]);
  assert.throws(() => encodeSafetensors({ w: { shape: [3], data: new Float32Array(2) } }), /tensor w: shape \[3\] holds 3 values, data has 2/);
});

test('csv: RFC 4180 quoting; file names from run names', () => {
  assert.equal(csv(['a', 'b'], [['x, y', 'say "hi"'], [null, 1.5]]), 'a,b\r\n"x, y","say ""hi"""\r\n,1.5\r\n');
  assert.equal(safeFileName('cmp/lora(rank: 1, targets: [query])/seed0'), 'cmp_lora_rank_1_targets_query_seed0');
  assert.equal(safeFileName('../..'), 'run');
});

test('mean ± sample std over seeds', () => {
  assert.deepEqual(meanStd([0.5]), { mean: 0.5, std: 0, n: 1 });
  const m = meanStd([1, 2, 3, 4]);
  assert.equal(m.mean, 2.5);
  assert.ok(Math.abs(m.std - Math.sqrt(5 / 3)) < 1e-15);
});
