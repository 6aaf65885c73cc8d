// Spec files as the CLI reads them (runtime/src/io/spec-file.ts): only regular files, at most 16 MB, one
// line naming the file for everything else, for `ptx check`, `ptx run` and `ptx report` alike. Real FIFOs,
// devices, folders and sparse files.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, writeFileSync, ftruncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MAX_SPEC_BYTES, readSpecFile } from '../../runtime/src/io/spec-file.js';
import { runReport } from '../../runtime/src/commands/report.js';
import { runExport } from '../../runtime/src/commands/export.js';
import { runCaptured } from './run-capture.js';

function tempDir(t: { after: (fn: () => void) => void }): string {
  const d = mkdtempSync(join(tmpdir(), 'ptx-input-'));
  t.after(() => rmSync(d, { recursive: true, force: true }));
  return d;
}

test('a regular file is read whole; a folder, a device and a missing file are one line each', (t) => {
  const d = tempDir(t);
  writeFileSync(join(d, 'ok.ptx'), 'model m { width: 16 }\n');
  assert.deepEqual(readSpecFile(join(d, 'ok.ptx')), { ok: true, text: 'model m { width: 16 }\n' });
  assert.deepEqual(readSpecFile(d), { ok: false, message: `cannot read ${d}: it is a folder; a spec must be a regular file` });
  // /dev/zero never ends: reading it would fill memory.
  assert.deepEqual(readSpecFile('/dev/zero'), { ok: false, message: 'cannot read /dev/zero: it is a character device; a spec must be a regular file' });
  assert.deepEqual(readSpecFile(join(d, 'nope.ptx')), { ok: false, message: `cannot read ${join(d, 'nope.ptx')}: no such file or folder` });
  assert.deepEqual(readSpecFile(join(d, 'ok.ptx', 'x')), { ok: false, message: `cannot read ${join(d, 'ok.ptx', 'x')}: a part of the path is a file, not a folder` });
});

test('files above 16 MB are refused before they are read', (t) => {
  const d = tempDir(t);
  const big = join(d, 'big.ptx');
  const fd = openSync(big, 'w');
  ftruncateSync(fd, MAX_SPEC_BYTES + 1); // sparse: costs no disk
  closeSync(fd);
  assert.deepEqual(readSpecFile(big), { ok: false, message: `cannot read ${big}: it has 16.0 MB; spec files are limited to 16.0 MB` });
  const atLimit = join(d, 'limit.ptx');
  writeFileSync(atLimit, Buffer.alloc(MAX_SPEC_BYTES, 0x20));
  const r = readSpecFile(atLimit);
  assert.ok(r.ok && r.text.length === MAX_SPEC_BYTES, 'exactly 16 MB is still read');
});

test('ptx check on a FIFO with no writer exits 2 at once instead of blocking', (t) => {
  const d = tempDir(t);
  const fifo = join(d, 'pipe.ptx');
  execFileSync('mkfifo', [fifo]);
  const started = Date.now();
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'runtime/src/cli.ts', 'check', fifo], { encoding: 'utf8', timeout: 30_000 });
  assert.equal(r.signal, null, `ptx check blocked on the FIFO (killed after ${Date.now() - started} ms)`);
  assert.equal(r.status, 2);
  assert.equal(r.stderr, `ptx check: cannot read ${fifo}: it is a named pipe (FIFO); a spec must be a regular file\n`);
});

test('ptx report DIR, ptx run DIR and ptx export DIR say it is a folder (exit 2), not EISDIR', async (t) => {
  const d = tempDir(t);
  const folder = join(d, 'specs');
  mkdirSync(folder);
  let err = '';
  const code = await runReport([folder, '--json'], { stdout: () => {}, stderr: (s) => void (err += s), env: {} });
  assert.equal(code, 2);
  assert.equal(err, `ptx report: cannot read ${folder}: it is a folder; a spec must be a regular file\n`);

  const run = await runCaptured([folder, '--backend', 'cpu']);
  assert.equal(run.code, 2);
  assert.match(run.err, new RegExp(`cannot read ${folder}: it is a folder; a spec must be a regular file`));
  assert.doesNotMatch(run.err + run.out, /EISDIR/);

  let exportErr = '';
  const exported = await runExport([folder, '-o', join(d, 'out')], { stdout: () => {}, stderr: (s) => void (exportErr += s), env: {} });
  assert.equal(exported, 2);
  assert.equal(exportErr, `ptx export: cannot read ${folder}: it is a folder; a spec must be a regular file\n`);
});
