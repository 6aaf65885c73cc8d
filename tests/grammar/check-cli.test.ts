// `ptx check` as a user runs it: the built CLI in a child process, real files on disk.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

function ptx(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['bin/ptx.js', ...args], { encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const dir = mkdtempSync(join(tmpdir(), 'ptx-check-'));
const bad = join(dir, 'bad.ptx');
writeFileSync(bad, 'data d { length: 4 }\nmodel m { width: 32  heads: 3 }\n');

test('every example passes with its expected warnings', () => {
  const expected: Record<string, string[]> = {
    'quickstart.ptx': ['novel-attention-pattern'],
    'figure1.ptx': ['novel-attention-pattern'],
    'elicit.ptx': [],
    'compose.ptx': [],
    'double-histogram.ptx': ['novel-attention-pattern', 'novel-value-map'],
    'translation.ptx': ['novel-value-map', 'untrained-output-tokens'],
  };
  assert.deepEqual(readdirSync('examples').filter((f) => f.endsWith('.ptx')).sort(), Object.keys(expected).sort());
  for (const [file, codes] of Object.entries(expected)) {
    const r = ptx('check', '--format', 'json', join('examples', file));
    assert.equal(r.status, 0, `${file}: ${r.stdout}${r.stderr}`);
    const got = [...new Set((JSON.parse(r.stdout) as Array<{ code: string }>).map((d) => d.code))].sort();
    assert.deepEqual(got, codes, file);
  }
});

test('an acknowledged warning (the quickstart’s control prefix) is printed as such and counted apart', () => {
  const r = ptx('check', join('examples', 'quickstart.ptx'));
  assert.equal(r.status, 0);
  assert.match(r.stdout, /quickstart\.ptx:\d+:\d+: warning \(acknowledged\) novel-attention-pattern: prefix cannot create/);
  assert.match(r.stderr, /^0 errors, 0 warnings, 1 acknowledged$/m);
  const json = JSON.parse(ptx('check', '--format', 'json', join('examples', 'quickstart.ptx')).stdout) as Array<{ severity: string; acknowledged?: boolean }>;
  assert.deepEqual(json.map((d) => [d.severity, d.acknowledged]), [['warning', true]]);
});

test('errors print file:line:col: severity code: message and exit 1', () => {
  const r = ptx('check', bad);
  assert.equal(r.status, 1);
  assert.equal(r.stdout.trim(), `${bad}:2:29: error heads-divide-width: 3 heads do not divide width 32 (each head needs width / heads dimensions)`);
  assert.match(r.stderr, /1 error, 0 warnings/);
  assert.doesNotMatch(r.stderr, /info/);
});

test('information messages print with severity info, count in the summary and do not fail the check', () => {
  const r = ptx('check', join('examples', 'translation.ptx'));
  assert.equal(r.status, 0);
  assert.match(r.stdout, /translation\.ptx:\d+:\d+: info untrained-output-tokens: task `en_es` outputs Spanish words/);
  assert.match(r.stderr, /^0 errors, 1 warning, 2 info messages$/m);
});

test('--format json gives LSP 0-based ranges', () => {
  const r = ptx('check', '--format', 'json', bad);
  assert.equal(r.status, 1);
  const [d] = JSON.parse(r.stdout);
  assert.deepEqual(d, {
    file: bad,
    range: { start: { line: 1, character: 28 }, end: { line: 1, character: 29 } },
    severity: 'error',
    code: 'heads-divide-width',
    message: '3 heads do not divide width 32 (each head needs width / heads dimensions)',
  });
});

test('usage errors and unreadable files exit 2 with one clear line', () => {
  for (const args of [['check'], ['check', join(dir, 'missing.ptx')], ['check', dir], ['check', '--format', 'xml', bad], ['frobnicate']]) {
    const r = ptx(...args);
    assert.equal(r.status, 2, args.join(' '));
    assert.equal(r.stdout, '');
    assert.ok(!/\n\s+at /.test(r.stderr), `no stack trace: ${r.stderr}`);
  }
  assert.match(ptx('check', join(dir, 'missing.ptx')).stderr, /cannot read .*missing\.ptx: no such file or folder/);
});

test('ptx --help works after install', () => {
  const r = ptx('--help');
  assert.equal(r.status, 0);
  assert.match(r.stdout, /^ {2}check +report the diagnostics/m);
});

test('issue 13: ptx check refuses the input spaces and the model that ptx run used to fail on, one located line each', () => {
  const cases: Array<[string, string]> = [
    ['issue13-two-values-length-2.ptx', 'input-space-too-small'],
    ['issue13-one-value.ptx', 'input-space-too-small'],
    ['issue13-test-1e-300.ptx', 'input-space-too-small'],
    ['issue13-test-0.9999999.ptx', 'input-space-too-small'],
    ['issue13-width-8192.ptx', 'run-exceeds-memory'],
  ];
  for (const [file, code] of cases) {
    const path = join('tests', 'runtime', 'agreement-cases', file);
    const r = ptx('check', path);
    assert.equal(r.status, 1, `${file}: ${r.stdout}${r.stderr}`);
    const lines = r.stdout.trim().split('\n');
    assert.ok(lines.length >= 1 && lines.every((l) => l.startsWith(`${path}:`) && l.includes(` error ${code}: `)), `${file}:\n${r.stdout}`);
  }
});
