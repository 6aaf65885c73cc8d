// The heat maps' colour map: viridis as matplotlib publishes it (its 9 evenly spaced samples, as R's
// viridisLite lists them), lightness rising monotonically and nearly linearly (perceptually uniform, and
// readable without hue, i.e. with any colour-vision deficiency), and the text colour that stays readable.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { lightness, textOn, viridis, viridisRgb } from '../../client/webview/render/colormap.js';

const PUBLISHED = ['#440154', '#472D7B', '#3B528B', '#2C728E', '#21908C', '#27AD81', '#5DC863', '#AADC32', '#FDE725'];

test('viridis matches its published samples within 4/255 per channel', () => {
  PUBLISHED.forEach((hex, i) => {
    const want = [1, 3, 5].map((o) => parseInt(hex.slice(o, o + 2), 16));
    const got = viridisRgb(i / 8);
    for (let c = 0; c < 3; c++) assert.ok(Math.abs(got[c]! - want[c]!) <= 4, `t=${i / 8}: ${got} vs ${want}`);
  });
  assert.equal(viridis(0.5), '#' + viridisRgb(0.5).map((v) => v.toString(16).padStart(2, '0')).join(''));
  assert.deepEqual(viridisRgb(-1), viridisRgb(0));
  assert.deepEqual(viridisRgb(2), viridisRgb(1));
  assert.deepEqual(viridisRgb(NaN), viridisRgb(0));
});

test('lightness rises monotonically and evenly from end to end', () => {
  const L = Array.from({ length: 101 }, (_, i) => lightness(viridisRgb(i / 100)));
  for (let i = 1; i < L.length; i++) assert.ok(L[i]! > L[i - 1]!, `L* falls at t=${i / 100}: ${L[i - 1]} → ${L[i]}`);
  assert.ok(L[0]! < 20 && L[100]! > 85, `range ${L[0]}–${L[100]}`);
  // Even steps: no tenth of the scale changes lightness by more than twice the average tenth.
  const tenths = Array.from({ length: 10 }, (_, i) => L[(i + 1) * 10]! - L[i * 10]!);
  const avg = (L[100]! - L[0]!) / 10;
  for (const d of tenths) assert.ok(d > avg / 2 && d < avg * 2, `uneven step ${d} (average ${avg})`);
});

test('values printed on cells contrast with the cell colour', () => {
  for (let i = 0; i <= 20; i++) {
    const t = i / 20;
    const cell = lightness(viridisRgb(t));
    const text = textOn(t) === '#ffffff' ? 100 : 0;
    assert.ok(Math.abs(cell - text) > 40, `t=${t}: cell L* ${cell}, text L* ${text}`);
  }
});
