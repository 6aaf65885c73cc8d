// Records the webview tests' fixture from the real runtime: trains fixtures/tiny.ptx with `ptx run` in a
// scratch folder, then trains an edited copy (the compare block's steps changed), so the store also holds
// results of an earlier version of the spec, and writes what `ptx report --json` prints to
// fixtures/report.json. Run again after a change to the store or report format:
//   node --import tsx tests/webview/record-fixtures.ts
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runRun } from '../../runtime/src/commands/run.js';
import { runReport } from '../../runtime/src/commands/report.js';

const here = import.meta.dirname;
const dir = mkdtempSync(join(tmpdir(), 'ptx-fixture-'));
const spec = join(dir, 'tiny.ptx');
const io = (sink: string[]) => ({ stdout: (t: string) => void sink.push(t), stderr: (t: string) => void process.stderr.write(t), tty: false, env: {} });
try {
  const original = readFileSync(join(here, 'fixtures', 'tiny.ptx'), 'utf8');
  // First an earlier version (compare trained for 20 steps), then the spec as it is.
  writeFileSync(spec, original.replace('steps: 30', 'steps: 20'));
  if ((await runRun([spec, '--backend', 'wasm', '--quiet'], io([]))) !== 0) throw new Error('ptx run (earlier version) failed');
  writeFileSync(spec, original);
  if ((await runRun([spec, '--backend', 'wasm', '--quiet'], io([]))) !== 0) throw new Error('ptx run failed');
  const out: string[] = [];
  if ((await runReport([spec, '--json'], io(out))) !== 0) throw new Error('ptx report --json failed');
  const data = JSON.parse(out.join(''));
  writeFileSync(join(here, 'fixtures', 'report.json'), JSON.stringify(data) + '\n');
  console.log(`fixtures/report.json: ${data.runs.length} runs, ${data.evals.length} evaluations`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
