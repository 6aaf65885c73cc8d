// `npm run reproduce -- --quick` end to end: the reduced paper specs through the real `ptx run`, then the
// direction of every conclusion, the layer-0 theorem on every prefix run, and the time budget (CPU time,
// which the machine's other load does not inflate the way it does wall time). It trains for a few
// minutes, so it runs in CI (CI=true, as .ci/run sets) or when PTX_REPRODUCE_QUICK=1.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXPERIMENTS } from '../../scripts/reproduce/experiments.js';

const enabled = process.env.CI === 'true' || process.env.PTX_REPRODUCE_QUICK === '1';

interface QuickEntry {
  id: string;
  timing: { wallSeconds: number; cpuSeconds: number | null };
  directions: Array<{ text: string; holds: boolean; higher: number; lower: number }>;
  changes: Array<{ run: string; method: string; perLayer: number[]; movesLayer0: boolean }>;
}

test('reproduce --quick: every direction holds, prefixes leave layer-0 relative attention unchanged, within 5 CPU minutes', { skip: enabled ? false : 'set PTX_REPRODUCE_QUICK=1 (CI runs it)', timeout: 15 * 60_000 }, (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'ptx-reproduce-quick-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const out = join(dir, 'quick.md');
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/reproduce.ts', '--quick', '--out', out], { encoding: 'utf8' });
  assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
  assert.ok(existsSync(out));
  const entries = JSON.parse(readFileSync(out.replace(/\.md$/, '.json'), 'utf8')) as QuickEntry[];
  const expected = EXPERIMENTS.filter((e) => e.quickSpec).map((e) => e.id);
  assert.deepEqual(entries.map((e) => e.id), expected);

  for (const e of entries) {
    for (const d of e.directions) assert.ok(d.holds, `${e.id}: ${d.text} (${d.higher} vs ${d.lower})`);
    for (const c of e.changes) {
      if (c.method === 'prefix') assert.ok(c.perLayer[0]! <= 1e-5, `${c.run}: layer-0 change ${c.perLayer[0]}`);
      if (c.movesLayer0) assert.ok(c.perLayer[0]! > 1e-3, `${c.run}: layer-0 change ${c.perLayer[0]}`);
    }
  }
  const directions = entries.reduce((a, e) => a + e.directions.length, 0);
  assert.ok(directions >= 8, `only ${directions} directions checked`);
  assert.ok(entries.some((e) => e.changes.some((c) => c.method === 'prefix')), 'no prefix run recorded attention');
  const cpu = entries.reduce((a, e) => a + (e.timing.cpuSeconds ?? Infinity), 0);
  t.diagnostic(`quick reproduction: ${cpu.toFixed(0)} s CPU, ${entries.reduce((a, e) => a + e.timing.wallSeconds, 0).toFixed(0)} s wall`);
  assert.ok(cpu <= 300, `quick reproduction took ${cpu.toFixed(0)} s of CPU`);
});
