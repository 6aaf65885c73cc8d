// The command line by the conventions of good tools, tested on the built CLI in child processes: results
// alone on stdout (the table, or one JSON document), everything else on stderr; a closed pipe ends
// quietly; --version; help per command from the flag table; did-you-mean and repeated flags.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { allFlags } from '../../runtime/src/commands/flags.js';
import { usageLine } from '../../runtime/src/commands/help.js';
import { COMMANDS } from '../../runtime/src/commands/command-table.js';
import { RESULTS_FORMAT, type ResultsJson } from '../../runtime/src/commands/run/results-json.js';
import { PTX_BIN, ptx, tinySpecDir } from './cli-process.js';

const NO_STACK = /\n\s+at |EPIPE|Error:/;

test('--version prints the package version on stdout', () => {
  const { version } = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };
  for (const flag of ['--version', '-V']) {
    const r = ptx([flag]);
    assert.equal(r.code, 0);
    assert.equal(r.out, `ptx ${version}\n`);
    assert.equal(r.err, '');
  }
});

test('help: every command lists every flag of its table entry, two ways, on stdout', () => {
  const overview = ptx(['--help']);
  assert.equal(overview.code, 0);
  for (const c of COMMANDS) assert.match(overview.out, new RegExp(`^  ${c.name} +\\S`, 'm'));
  for (const c of COMMANDS.filter((x) => x.name !== 'help')) {
    const a = ptx(['help', c.name]);
    const b = ptx([c.name, '--help']);
    assert.equal(a.code, 0, a.err);
    assert.equal(b.code, 0, b.err);
    assert.equal(a.out, b.out, `ptx help ${c.name} = ptx ${c.name} --help`);
    assert.match(a.out, new RegExp(`^usage: ptx ${c.name} `));
    for (const f of allFlags(c)) assert.match(a.out, new RegExp(`^  (-\\w, )?--${f.name}\\b.*  \\S`, 'm'), `${c.name} --${f.name}`);
  }
  // docs/cli.md opens with every command's usage line as the table makes it.
  const doc = readFileSync('docs/cli.md', 'utf8');
  for (const c of COMMANDS.filter((x) => x.name !== 'help')) assert.ok(doc.includes(`\n${usageLine(c).slice('usage: '.length)}\n`), `docs/cli.md lacks ${usageLine(c)}`);
  // The flags the old help left out.
  const run = ptx(['help', 'run']).out;
  assert.match(run, /^ {2}--threads N +data-parallel/m);
  assert.match(run, /^ {2}-q, --quiet +no progress/m);
  const unknown = ptx(['help', 'rnu']);
  assert.equal(unknown.code, 2);
  assert.equal(unknown.out, '');
  assert.match(unknown.err, /^ptx: unknown command 'rnu' \(did you mean run\?\)/);
});

test('argument mistakes: one line on stderr, nothing on stdout, exit 2', () => {
  const { dir, spec } = tinySpecDir('ptx-cli-args-');
  try {
    const cases: Array<[string[], RegExp]> = [
      [['run', spec, '--threds', '2'], /^ptx run: unknown option '--threds' \(did you mean --threads\?\)\nusage: ptx run FILE /],
      [['check', '--format', 'json', '--format', 'text', spec], /^ptx check: --format was given twice; give it once\n/],
      [['report', spec, '--jsn'], /^ptx report: unknown option '--jsn' \(did you mean --json\?\)\n/],
      [['export', spec], /^ptx export: -o DIR is required\nusage: ptx export FILE -o DIR \[--only NAME\]\n$/],
      [['export', spec, '-o', join(dir, 'out'), '--only', 'cpm'], /^ptx export: --only cpm: no pretrain, finetune, compare or evaluate block of that name \(did you mean cmp\?\)\n$/],
      [['run', spec, '--events', '--format', 'json'], /^ptx run: give --events or --format json, not both\n/],
      [['--verison'], /^ptx: unknown option '--verison' \(did you mean --version\?\)/],
      [['exprot'], /^ptx: unknown command 'exprot' \(did you mean export\?\)/],
    ];
    for (const [args, message] of cases) {
      const r = ptx(args);
      assert.equal(r.code, 2, args.join(' '));
      assert.equal(r.out, '', args.join(' '));
      assert.match(r.err, message);
      assert.doesNotMatch(r.err, NO_STACK);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/** stdout of `ptx run` in text mode: the result table, then the compare block's verdicts, and nothing else. */
function assertOnlyTables(out: string, rows: number): void {
  const [results, verdicts, reasons, ...rest] = out.trimEnd().split('\n\n');
  assert.deepEqual(rest, [], out);
  const lines = results!.split('\n');
  assert.match(lines[0]!, /^run +task +exact match +per-token +trainable params +time +backend +seed$/);
  assert.match(lines[1]!, /^[- ]+$/);
  assert.equal(lines.length, 2 + rows, out);
  for (const l of lines.slice(2)) assert.match(l, /^\S.* +(asc|desc) +\d+\.\d% +\d+\.\d% +[\d,]+ +[\d.ms]+ +wasm +\d+$/);
  const v = verdicts!.split('\n');
  assert.match(v[0]!, /^compare +method +verdict +selected +test exact +seeds +grid$/);
  assert.equal(v.length, 2 + 3, 'a verdict per method');
  assert.equal(reasons!.split('\n').length, 3, 'a reason per verdict');
  for (const r of reasons!.split('\n')) assert.match(r, /^cmp · .+: /);
}

test('ptx run: results on stdout; backend, warnings and progress on stderr; --quiet; --format json', { timeout: 120_000 }, () => {
  const { dir, spec } = tinySpecDir('ptx-cli-streams-');
  try {
    // 7 runs (base + 3 methods × 2 seeds) × 2 tasks.
    const first = ptx(['run', spec, '--backend', 'wasm']);
    assert.equal(first.code, 0, first.err);
    assertOnlyTables(first.out, 14);
    assert.match(first.err, /^backend: wasm$/m);
    assert.match(first.err, /tiny\.ptx:\d+:\d+: warning novel-attention-pattern: /);
    assert.match(first.err, /^train cmp\/full\/seed0 \(15 steps/m);
    assert.match(first.err, /done in/);

    const quiet = ptx(['run', spec, '--backend', 'wasm', '--quiet']);
    assert.equal(quiet.code, 0);
    assert.equal(quiet.out, first.out, 'the same table, from the store');
    // Only the notice that nothing had to be trained: no backend line, no warning, no progress.
    assert.equal(quiet.err, 'nothing to train: 7 runs up to date\n');

    const json = ptx(['run', spec, '--backend', 'wasm', '--format', 'json']);
    assert.equal(json.code, 0, json.err);
    const doc = JSON.parse(json.out) as ResultsJson; // one document: JSON.parse fails on anything extra
    assert.equal(doc.format, RESULTS_FORMAT);
    assert.deepEqual(doc.session, { backend: 'wasm', skipped: [], trained: 0, evaluated: 0, cached: 21, failed: 0, stopped: false });
    assert.deepEqual(doc.runs.map((r) => r.name), ['base', 'cmp/full/seed0', 'cmp/full/seed1', 'cmp/lora(rank: 2, alpha: 4, targets: [query, value, mlp_in])/seed0', 'cmp/lora(rank: 2, alpha: 4, targets: [query, value, mlp_in])/seed1', 'cmp/prefix(length: 2)/seed0', 'cmp/prefix(length: 2)/seed1']);
    const lora = doc.runs[3]!;
    assert.equal(lora.kind, 'finetune');
    assert.equal(lora.method, 'lora(rank 2)');
    assert.equal(lora.seed, 0);
    assert.equal(lora.backend, 'wasm');
    assert.equal(lora.steps, 15);
    assert.equal(lora.trainableParameters, 2 * 2 * (16 + 16 + 16 + 16 + 16 + 32)); // 2 layers × rank 2 × (in + out) per target
    assert.ok(lora.trainSeconds > 0);
    assert.deepEqual(lora.evaluations.map((e) => [e.task, e.samples]), [['desc', 32], ['asc', 32]]);
    // The table and the JSON say the same accuracies.
    const tableRow = first.out.split('\n').find((l) => l.startsWith(`${lora.name} `) && / desc /.test(l))!;
    assert.ok(tableRow.includes(`${(100 * lora.evaluations[0]!.exactMatch).toFixed(1)}%`), tableRow);
    // Compare groups: mean and sample std over the two seeds, from the runs' own numbers.
    assert.equal(doc.compares.length, 3 * 2);
    for (const g of doc.compares) {
      const xs = g.runs.map((name) => doc.runs.find((r) => r.name === name)!.evaluations.find((e) => e.task === g.task)!.exactMatch);
      assert.deepEqual(g.seeds, [0, 1]);
      assert.equal(g.exactMatch.n, 2);
      const mean = (xs[0]! + xs[1]!) / 2;
      assert.ok(Math.abs(g.exactMatch.mean - mean) < 1e-12);
      assert.ok(Math.abs(g.exactMatch.std - Math.abs(xs[0]! - xs[1]!) / Math.SQRT2) < 1e-12);
    }
    // Verdicts: one per method item of the compare, each the one the text table printed.
    assert.equal(doc.verdicts.length, 3);
    for (const v of doc.verdicts) assert.ok(first.out.includes(`${v.compare} · ${v.method}: ${v.message}`), v.message);
    assert.doesNotMatch(json.err, /^[{[]/m, 'no JSON on stderr');
    assert.match(json.err, /warning novel-attention-pattern/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/** Runs ptx with its stdout pipe closed by the reader before anything is written. */
function withClosedStdout(args: string[]): Promise<{ code: number | null; err: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [PTX_BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.destroy();
    let err = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, err }));
  });
}

test('a closed pipe ends ptx quietly, with no EPIPE stack trace', { timeout: 120_000 }, async () => {
  const { dir, spec } = tinySpecDir('ptx-cli-pipe-');
  try {
    assert.equal(ptx(['run', spec, '--backend', 'wasm', '--quiet']).code, 0);
    // Many diagnostics: more JSON than a pipe buffers, so the writer meets the closed pipe mid-way.
    const big = join(dir, 'big.ptx');
    writeFileSync(big, Array.from({ length: 3000 }, (_, i) => `model m${i} { width: 32  heads: 3 }\n`).join(''));
    for (const args of [['run', spec, '--backend', 'wasm'], ['run', spec, '--backend', 'wasm', '--format', 'json'], ['report', spec, '--json'], ['check', '--format', 'json', big]]) {
      const r = await withClosedStdout(args);
      assert.equal(r.code, 141, `${args.join(' ')}: exit ${r.code}, stderr ${r.err}`);
      assert.doesNotMatch(r.err, NO_STACK, args.join(' '));
    }
    // As users meet it: a shell pipeline into head.
    for (const [cmd, bytes] of [[`report '${spec}' --json | head -c 10`, 10], [`check --format json '${big}' | head -c 10`, 10], [`run '${spec}' --backend wasm -q | head -1`, null]] as const) {
      const r = spawnSync('sh', ['-c', `'${process.execPath}' '${PTX_BIN}' ${cmd}`], { encoding: 'utf8' });
      assert.equal(r.status, 0, cmd);
      if (bytes !== null) assert.equal(r.stdout.length, bytes, cmd);
      else assert.match(r.stdout, /^run +task +exact match/);
      assert.doesNotMatch(r.stderr.replace('nothing to train: 7 runs up to date\n', ''), /\S/, `${cmd}: stderr ${r.stderr}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
