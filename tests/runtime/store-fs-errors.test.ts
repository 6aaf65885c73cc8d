// When the store itself cannot be used — `.ptx` is a file, `.ptx/lock` is a folder, the file system is
// read-only or full — `ptx run` says so in one line naming the path and exits 1: no internal error, no
// raw errno text, no job reported as a failed training. The read-only and full file systems are real
// tmpfs mounts (this needs root, which the machine and CI have; elsewhere those two cases are skipped).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCaptured } from './run-capture.js';
import { runReport } from '../../runtime/src/commands/report.js';

const SPEC = `
data d { values: 0..3  length: 3  vocab: 5  test: 0.2 }
model m { layers: 1  heads: 1  width: 8  mlp: 16  dropout: 0  context: 10 }
task asc = sort(ascending)
pretrain base {
  model: m  data: d  tasks: [asc]
  steps: 3  batch: 4  seed: 7
  optimizer: adamw(lr: 3e-3)
  reserve: 0
}
`;

function specIn(t: { after: (fn: () => void) => void }): { dir: string; spec: string } {
  const dir = mkdtempSync(join(tmpdir(), 'ptx-fs-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'f.ptx'), SPEC);
  return { dir, spec: join(dir, 'f.ptx') };
}

/** The lines `ptx run` printed on stderr, and its exit code. */
async function run(spec: string, env: NodeJS.ProcessEnv = {}): Promise<{ code: number; lines: string[] }> {
  const r = await runCaptured([spec, '--backend', 'wasm', '--quiet'], env);
  return { code: r.code, lines: r.err.split('\n').filter((l) => l.trim() !== '') };
}

function assertOneLine(r: { code: number; lines: string[] }, expected: string): void {
  assert.equal(r.code, 1, r.lines.join('\n'));
  assert.deepEqual(r.lines, [expected]);
  assert.ok(!r.lines.some((l) => /internal error|EISDIR|ENOTDIR|EROFS|ENOSPC|EEXIST/.test(l)), r.lines.join('\n'));
}

test('.ptx being a file: one line naming it, exit 1', async (t) => {
  const { dir, spec } = specIn(t);
  writeFileSync(join(dir, '.ptx'), 'a file, not the store');
  const r = await run(spec);
  assertOneLine(r, `ptx run: cannot create the store folder ${join(dir, '.ptx')}: something else already has that name`);
  let err = '';
  const rep = await runReport([spec, '-o', join(dir, 'r.html')], { stdout: () => {}, stderr: (s) => void (err += s), env: {} });
  assert.equal(rep, 1);
  assert.equal(err, `ptx report: no finished runs of f.ptx in ${join(dir, '.ptx')} (it is a file, not a folder); run ptx run ${spec} first\n`);
});

test('.ptx/lock being a folder: one line naming it, exit 1', async (t) => {
  const { dir, spec } = specIn(t);
  mkdirSync(join(dir, '.ptx', 'lock'), { recursive: true });
  const r = await run(spec);
  assertOneLine(r, `ptx run: cannot read the lock ${join(dir, '.ptx', 'lock')}: it is a folder, not a file`);
});

/** A tmpfs at a fresh folder, unmounted after the test; null where mounting is not permitted. */
function tmpfs(t: { after: (fn: () => void) => void }, options: string): string | null {
  const at = mkdtempSync(join(tmpdir(), 'ptx-mnt-'));
  const r = spawnSync('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', at], { encoding: 'utf8' });
  if (r.status !== 0) {
    rmSync(at, { recursive: true, force: true });
    return null;
  }
  t.after(() => {
    spawnSync('umount', [at]);
    rmSync(at, { recursive: true, force: true });
  });
  return at;
}

test('a read-only store: one line naming the path, exit 1', async (t) => {
  const mnt = tmpfs(t, 'size=1m');
  if (!mnt) return t.skip('mounting a tmpfs is not permitted here');
  assert.equal(spawnSync('mount', ['-o', 'remount,ro', mnt]).status, 0);
  const { spec } = specIn(t);
  const r = await run(spec, { PTX_STORE: join(mnt, 'store') });
  assertOneLine(r, `ptx run: cannot create the store folder ${join(mnt, 'store')}: the file system is read-only`);
});

test('a full disk while saving a run: one line naming the file, exit 1, and nothing complete-looking is left', async (t) => {
  // 8 KB: room for the lock and .gitignore (a page each), not for the checkpoint.
  const mnt = tmpfs(t, 'size=8k');
  if (!mnt) return t.skip('mounting a tmpfs is not permitted here');
  const { spec } = specIn(t);
  const r = await run(spec, { PTX_STORE: join(mnt, 'store') });
  assert.equal(r.code, 1, r.lines.join('\n'));
  assert.equal(r.lines.length, 1, r.lines.join('\n'));
  assert.match(r.lines[0]!, new RegExp(`^ptx run: cannot write ${join(mnt, 'store', 'runs')}/[0-9a-f]{64}/[a-z.]+: the disk is full$`));
  const ls = spawnSync('find', [join(mnt, 'store'), '-name', 'manifest.json'], { encoding: 'utf8' });
  assert.equal(ls.stdout, '', 'no manifest was written');
});
