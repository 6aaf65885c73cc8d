// Both directions of the panel messages are validated: what the host sends (the fixture as `data`, live
// points) and what a view sends (exports, requests), with malformed messages turned away; stored view
// state falls back to defaults when it is damaged.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { isReportData, MAX_EXPORT_CHARS, parseHostMessage, parseState, parseViewMessage } from '../../client/webview/messages.js';

const data = JSON.parse(readFileSync(join(import.meta.dirname, 'fixtures', 'report.json'), 'utf8'));
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- deliberately damaged copies
const clone = (x: unknown): any => JSON.parse(JSON.stringify(x));

test('host messages: the recorded report is accepted; damaged data, unknown types and bad numbers are not', () => {
  assert.ok(isReportData(data));
  const ok = parseHostMessage({ type: 'data', data, specUri: 'file:///w/a.ptx', focus: { run: 'base', view: 'attention' } });
  assert.equal(ok?.type, 'data');
  const bad = [
    { type: 'data', data: { ...data, format: 'other' }, specUri: 'x' },
    { type: 'data', data, specUri: 3 },
    { type: 'data', data, specUri: 'x', focus: { view: 'nope' } },
    { type: 'live', run: 'base', step: 1, steps: 2 },
    { type: 'live', run: 'base', step: Infinity, steps: 2, loss: 1 },
    { type: 'surprise' },
    'data',
    null,
  ];
  for (const b of bad) assert.equal(parseHostMessage(b), null, JSON.stringify(b).slice(0, 80));
  const broken = clone(data);
  broken.evals.find((e: { attention: unknown }) => e.attention).attention.attention[0][0][1][0] = 'x';
  assert.equal(isReportData(broken), false, 'a string inside an attention map');
  const noCurve = clone(data);
  noCurve.runs[0].curve.losses.pop();
  assert.equal(isReportData(noCurve), false, 'curve steps and losses differ in length');
  assert.deepEqual(parseHostMessage({ type: 'live', run: 'base', step: 3, steps: 10, loss: 0.5 }), { type: 'live', run: 'base', step: 3, steps: 10, loss: 0.5 });
});

test('view messages: exports and requests checked before the host acts on them', () => {
  assert.deepEqual(parseViewMessage({ type: 'ready' }), { type: 'ready' });
  assert.deepEqual(parseViewMessage({ type: 'export', format: 'svg', name: 'loss-curves.svg', content: '<svg/>' })?.type, 'export');
  assert.equal(parseViewMessage({ type: 'export', format: 'png', name: 'a.png', content: 'data:image/png;base64,AAAA' })?.type, 'export');
  const bad = [
    { type: 'export', format: 'svg', name: '../../etc/passwd', content: '<svg/>' },
    { type: 'export', format: 'svg', name: 'a.svg', content: '<script>' },
    { type: 'export', format: 'png', name: 'a.png', content: 'data:text/html;base64,AAAA' },
    { type: 'export', format: 'gif', name: 'a.gif', content: '<svg/>' },
    { type: 'export', format: 'svg', name: 'a.svg', content: '<svg' + ' '.repeat(MAX_EXPORT_CHARS) },
    { type: 'open-attention', run: 'not a hash' },
    { type: 'run-shell', command: 'rm -rf /' },
    [],
  ];
  for (const b of bad) assert.equal(parseViewMessage(b), null, JSON.stringify(b).slice(0, 80));
  assert.deepEqual(parseViewMessage({ type: 'open-attention', run: data.runs[0].hash }), { type: 'open-attention', run: data.runs[0].hash });
});

test('view state: restored when well-formed, defaults otherwise', () => {
  const s = { view: 'attention', specUri: 'file:///a.ptx', sort: { column: 'exact', descending: true }, includeEarlier: true, attention: { eval: 'abc', zoom: { layer: 1, head: 0 } } };
  assert.deepEqual(parseState(s), s);
  assert.deepEqual(parseState(undefined, 'attention').view, 'attention');
  const damaged = parseState({ view: 'x', sort: { column: 1 }, attention: { zoom: { layer: 'a' } } });
  assert.equal(damaged.view, 'results');
  assert.equal(damaged.sort, null);
  assert.equal(damaged.attention.zoom, null);
});
