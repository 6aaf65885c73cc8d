// The built `ptx` (bin/ptx.js → dist/cli.js, so `npm run build` first) in child processes on real files,
// and a tiny spec trained once per test file for the CLI tests.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const PTX_BIN = resolve('bin/ptx.js');

export interface PtxResult {
  code: number | null;
  out: string;
  err: string;
}

export function ptx(args: string[], env: NodeJS.ProcessEnv = {}): PtxResult {
  const r = spawnSync(process.execPath, [PTX_BIN, ...args], { encoding: 'utf8', env: { ...process.env, ...env }, maxBuffer: 64 << 20 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/**
 * Two layers and two heads (so head order matters in the exported weights), a compare block over the
 * three weight-changing and context methods with two seeds (mean ± std, run names that need quoting in
 * CSV and file names), and a prefix on a task the pretraining lacks (a theory warning).
 */
export const TINY_SPEC = `
data d { values: 0..3  length: 3  vocab: 5  test: 0.2 }
model m { layers: 2  heads: 2  width: 16  mlp: 32  dropout: 0  context: 10 }
task asc = sort(ascending)
task desc = sort(descending)
pretrain base {
  model: m  data: d  tasks: [asc]
  steps: 30  batch: 16  seed: 1
  optimizer: adamw(lr: 1e-2, weight_decay: 0.1)
  reserve: 2
}
compare cmp from base on desc {
  methods: [full, lora(rank: 2, alpha: 4, targets: [query, value, mlp_in]), prefix(length: 2)]
  steps: 15  optimizer: adamw(lr: 1e-2, weight_decay: 0)
  seeds: [0, 1]
}
evaluate [base, cmp] on [desc, asc] { samples: 32 }
`;

/** A fresh folder with the tiny spec in it (its store will be .ptx/ beside it). */
export function tinySpecDir(prefix: string): { dir: string; spec: string } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const spec = join(dir, 'tiny.ptx');
  writeFileSync(spec, TINY_SPEC);
  return { dir, spec };
}
