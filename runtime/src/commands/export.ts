// `ptx export FILE -o DIR [--only NAME]`: what the store holds for the spec as it is now (or for one of its
// blocks), in formats other tools read:
//   DIR/spec.json                  the resolved spec (docs/spec.schema.json)
//   DIR/results.json               runs, accuracies per task, compare groups (the `ptx run --format json` shape)
//   DIR/results.csv, compares.csv  the same tables as CSV
//   DIR/weights/*.safetensors      each run's model and adapter (export/weights.ts), listed in weights/index.json
// stdout lists the files written, one per line; warnings go to stderr.
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { analyse } from '../../../grammar/src/index.js';
import { readSpecFile } from '../io/spec-file.js';
import type { MethodSpec, Spec } from '../../../grammar/src/spec.js';
import { allFinetunes, buildPlan, expandRuns } from '../plan/plan.js';
import { collectReport } from '../report/collect.js';
import type { RunRecord } from '../report/data.js';
import { writeFileAtomic } from '../store/atomic.js';
import { RunStore } from '../store/run-store.js';
import { comparesCsv, resultsCsv } from '../export/tables.js';
import { specJson } from '../export/spec-json.js';
import { runWeightFiles, safeFileName } from '../export/weights.js';
import { nearest } from './flags.js';
import { parseOrExplain } from './help.js';
import { resultsJson } from './run/results-json.js';
import { commandSpec } from './command-table.js';

export interface ExportIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: NodeJS.ProcessEnv;
}

const processIo = (): ExportIo => ({ stdout: (t) => process.stdout.write(t), stderr: (t) => process.stderr.write(t), env: process.env });

/** One entry of weights/index.json. */
export interface ExportedWeights {
  run: string;
  hash: string;
  method: MethodSpec;
  /** The run it started from (finetunes). */
  base: string | null;
  model: string;
  adapter: string | null;
}

export async function runExport(args: string[], io: ExportIo = processIo()): Promise<number> {
  const cmd = commandSpec('export');
  const parsed = parseOrExplain(cmd, args, io);
  if (typeof parsed === 'number') return parsed;
  const file = parsed.operands[0]!;
  const out = parsed.values.out as string;
  const read = readSpecFile(file);
  if (!read.ok) {
    io.stderr(`ptx export: ${read.message}\n`);
    return 2;
  }
  const text = read.text;
  const { spec, diagnostics } = analyse(text);
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  if (errors) {
    io.stderr(`ptx export: ${errors} error${errors === 1 ? '' : 's'} in ${file} (see ptx check ${file}); nothing was exported\n`);
    return 1;
  }
  const only = parsed.values.only as string | undefined;
  const selected = only === undefined ? null : runsOfBlock(spec, only);
  if (selected && 'error' in selected) {
    io.stderr(`ptx export: ${selected.error}\n`);
    return 2;
  }
  const store = io.env.PTX_STORE ? new RunStore(resolve(io.env.PTX_STORE)) : RunStore.besideSpec(file);
  const data = collectReport(store, { specName: file, spec });

  // What the spec names today; when a run is stored for several backends or thread counts, the newest.
  // Any backend gives the same runs in the same order; the plan only supplies order and model shapes.
  const plan = buildPlan(spec, { backend: 'wasm' });
  const order = [...plan.runs.keys()];
  const latest = new Map<string, RunRecord>();
  for (const r of data.runs) {
    if (!r.current || (selected && !selected.runs.has(r.name))) continue;
    const older = latest.get(r.name);
    if (older) io.stderr(`ptx export: ${r.name} is stored for ${older.backend}×${older.threads} and ${r.backend}×${r.threads}; exporting the newer (${r.backend}×${r.threads})\n`);
    latest.set(r.name, r);
  }
  const runs = [...latest.values()].sort((a, b) => order.indexOf(a.name) - order.indexOf(b.name));
  if (runs.length === 0) {
    const what = only === undefined ? file : `${only} in ${file}`;
    io.stderr(`ptx export: no finished runs of ${what} in ${store.root}; run ptx run ${file}${only === undefined ? '' : ` --only ${only}`} first\n`);
    return 1;
  }
  const hashes = new Set(runs.map((r) => r.hash));
  const evals = data.evals.filter((e) => e.current && hashes.has(e.runHash));

  const dir = resolve(out);
  mkdirSync(join(dir, 'weights'), { recursive: true });
  const written: string[] = [];
  const write = (rel: string, bytes: Buffer | string) => {
    writeFileAtomic(join(dir, rel), typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : bytes);
    written.push(join(out, rel));
  };

  const results = resultsJson(
    file,
    spec,
    null,
    runs.map((r) => ({ name: r.name, kind: r.kind, method: r.method, seed: r.seed, backend: r.backend, threads: r.threads, trainableParameters: r.trainable, steps: r.steps, stoppedAt: r.stopped?.step ?? null, trainSeconds: r.elapsedMs / 1000, finalLoss: r.finalLoss, hash: r.hash })),
    evals,
    data.verdicts.filter((v) => only === undefined || v.compare === only),
  );
  write('spec.json', JSON.stringify(specJson(spec), null, 2) + '\n');
  write('results.json', JSON.stringify(results, null, 2) + '\n');
  write('results.csv', resultsCsv(results));
  write('compares.csv', comparesCsv(results));

  const finetunes = allFinetunes(spec);
  const used = new Set<string>();
  const index: ExportedWeights[] = [];
  for (const r of runs) {
    const f = finetunes.get(r.name);
    const method: MethodSpec = f ? f.method : { kind: 'full' };
    const model = plan.runs.get(r.name)!.model;
    // Distinct run names can make the same file name; the run's hash tells them apart.
    let stem = safeFileName(r.name);
    if (used.has(stem)) stem = `${stem}-${r.hash.slice(0, 8)}`;
    used.add(stem);
    const files = runWeightFiles(store.loadRun(r.hash), { name: r.name, method, model, base: f ? f.from : null });
    write(`weights/${stem}.safetensors`, files.model);
    if (files.adapter) write(`weights/${stem}.adapter.safetensors`, files.adapter);
    index.push({ run: r.name, hash: r.hash, method, base: f ? f.from : null, model: `${stem}.safetensors`, adapter: files.adapter ? `${stem}.adapter.safetensors` : null });
  }
  write('weights/index.json', JSON.stringify(index, null, 2) + '\n');
  io.stdout(written.map((w) => w + '\n').join(''));
  return 0;
}

/** The run names a block stands for, or why the name is not a block. */
function runsOfBlock(spec: Spec, name: string): { runs: Set<string> } | { error: string } {
  if (spec.pretrains.has(name) || spec.finetunes.has(name)) return { runs: new Set([name]) };
  const c = spec.compares.get(name);
  if (c) return { runs: new Set(c.runs.map((r) => r.name)) };
  const e = spec.evaluates.get(name);
  if (e) return { runs: new Set(expandRuns(spec, e.runs)) };
  const blocks = [...spec.pretrains.keys(), ...spec.finetunes.keys(), ...spec.compares.keys(), ...spec.evaluates.keys()];
  const guess = nearest(name, blocks);
  return { error: `--only ${name}: no pretrain, finetune, compare or evaluate block of that name${guess ? ` (did you mean ${guess}?)` : ` (blocks: ${blocks.join(', ') || 'none'})`}` };
}
