// `npm run bench -- train [--widths 64,256] [--repeats 3] [--backends wasm,cpu] [--seconds 3] [--no-torch]`
// `npm run bench -- train --paper [--threads 1] [--seconds 3] [--repeats 3]`: the models of examples/paper/
// instead (see paperMain below).
// Training speed of our engine on every available backend (wasm and node also with 2 data-parallel
// threads, "wasm_2threads") against the PyTorch reference
// (bench/reference/train_bench.py: Debian's python3-torch, 2 threads, OpenBLAS, OMP_WAIT_POLICY=PASSIVE).
// Same model (4 layers, 4 heads, MLP 4×width, dropout 0.1), batch 32, the paper's layout (4 reserved
// positions, 10 input and 10 output tokens, vocab 20), AdamW with clipping. Measurements are interleaved
// (ours and PyTorch alternate within each repeat) and reported as medians: one JSON line per configuration.
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve, join } from 'node:path';
import { createInterface } from 'node:readline';
import { createTrainer, initBackend } from '../runtime/src/engine/index.js';
import type { BackendName, Batch, Layout } from '../runtime/src/engine/types.js';
import type { ModelSpec, ScheduleSpec } from '../grammar/src/spec.js';
import { Rng } from '../runtime/src/engine/rng.js';
import { readFileSync } from 'node:fs';
import { analyse } from '../grammar/src/index.js';
import type { MethodSpec } from '../grammar/src/spec.js';
import { trainStream } from '../runtime/src/data/examples.js';
import { toBatch } from '../runtime/src/data/batch.js';

const LAYOUT: Layout = { reserve: 4, length: 10, vocab: 20 };
const BATCH = 32;
const LAYERS = 4;
const HEADS = 4;
const DROPOUT = 0.1;
const LR = 5e-4;
const WEIGHT_DECAY = 0.1;

function flag(args: string[], name: string, fallback: string): string {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? args[i + 1]! : fallback;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

function model(width: number): ModelSpec {
  const S = LAYOUT.reserve + 2 * LAYOUT.length;
  return { name: `bench${width}`, layers: LAYERS, heads: HEADS, width, mlp: 4 * width, dropout: DROPOUT, context: S, norm: 'pre' };
}

function randomBatch(rng: Rng): Batch {
  const S = LAYOUT.reserve + 2 * LAYOUT.length;
  const tokens = new Int32Array(BATCH * S);
  for (let i = 0; i < tokens.length; i++) tokens[i] = i % S < LAYOUT.reserve ? 0 : rng.int(LAYOUT.vocab);
  return { tokens, batch: BATCH };
}

/** Our steps/s on the running backend: `warmup` steps, then at least minSteps steps and minSeconds. */
async function measureOurs(width: number, threads: number, warmup: number, minSteps: number, minSeconds: number): Promise<number> {
  const schedule: ScheduleSpec = {
    steps: 0,
    batch: BATCH,
    clip: 1,
    seed: 1,
    optimizer: { kind: 'adamw', lr: LR, weightDecay: WEIGHT_DECAY, beta1: 0.9, beta2: 0.95, momentum: 0 },
  };
  const trainer = await createTrainer({ model: model(width), layout: LAYOUT, method: { kind: 'full' }, schedule, base: null, threads });
  const rng = new Rng(2);
  try {
    for (let i = 0; i < warmup; i++) await trainer.step(randomBatch(rng));
    let n = 0;
    const t0 = performance.now();
    while (n < minSteps || performance.now() - t0 < minSeconds * 1000) {
      await trainer.step(randomBatch(rng));
      n++;
    }
    return n / ((performance.now() - t0) / 1000);
  } finally {
    trainer.dispose();
  }
}

/** A long-lived PyTorch worker: one JSON job per line in, one result per line out. */
class TorchWorker {
  private readonly proc: ChildProcessWithoutNullStreams;
  private readonly lines: AsyncIterator<string>;
  constructor(python: string, dir: string) {
    this.proc = spawn(python, [join(dir, 'train_bench.py')], {
      env: { ...process.env, PYTHONPATH: dir, OMP_WAIT_POLICY: 'PASSIVE', OMP_NUM_THREADS: '2', OPENBLAS_NUM_THREADS: '2' },
    });
    this.proc.stderr.on('data', (d: Buffer) => process.stderr.write(`[torch] ${d.toString()}`));
    this.lines = createInterface({ input: this.proc.stdout })[Symbol.asyncIterator]();
  }
  async measure(width: number, minSteps: number, minSeconds: number): Promise<number> {
    const m = model(width);
    const job = { ...LAYOUT, layers: m.layers, heads: m.heads, width, mlp: m.mlp, dropout: DROPOUT, batch: BATCH, lr: LR, weightDecay: WEIGHT_DECAY, minSteps, minSeconds, threads: 2 };
    this.proc.stdin.write(JSON.stringify(job) + '\n');
    const next = await this.lines.next();
    if (next.done) throw new Error('the PyTorch worker exited');
    const r = JSON.parse(next.value) as { stepsPerSec?: number; error?: string };
    if (r.error !== undefined || r.stepsPerSec === undefined) throw new Error(`PyTorch worker: ${r.error}`);
    return r.stepsPerSec;
  }
  close(): void {
    this.proc.stdin.end();
  }
}

function torchPython(): { python: string } | { reason: string } {
  const python = process.env.PTX_PYTHON ?? (existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3');
  const r = spawnSync(python, ['-c', 'import torch'], { encoding: 'utf8' });
  return r.status === 0 ? { python } : { reason: `${python} cannot import torch` };
}

/** The pretrained models of examples/paper/ (the first pretrain block of each spec). */
const PAPER_MODELS: Array<[string, string]> = [
  ['sort (1 layer, width 32)', 'examples/paper/sort-descending.ptx'],
  ['4-task (2 layers, width 48)', 'examples/paper/elicit.ptx'],
  ['4-task quick (2 layers, width 32)', 'examples/paper/quick/elicit.ptx'],
  ['translation (2 layers, width 48, vocab 97)', 'examples/paper/translation.ptx'],
];

/**
 * Steps per second and CPU milliseconds per step of the paper specs' models on wasm, for full fine-tuning,
 * rank-1 LoRA on the four attention matrices and a residual prefix of length min(8, reserve), batch 64,
 * data drawn from the spec's own tasks as `ptx run` does. Each figure is the best of `repeats` windows of
 * `seconds` (CPU time is less load-dependent than wall time, the best window least of all on a shared
 * machine). One JSON line per model and method.
 */
async function paperMain(args: string[]): Promise<void> {
  const seconds = Number(flag(args, 'seconds', '3'));
  const repeats = Number(flag(args, 'repeats', '3'));
  const threads = Number(flag(args, 'threads', '1'));
  await initBackend('wasm');
  for (const [label, file] of PAPER_MODELS) {
    const analysis = analyse(readFileSync(file, 'utf8'));
    const pre = [...analysis.spec.pretrains.values()][0];
    if (!pre) throw new Error(`${file} has no pretrain block`);
    const layout: Layout = { reserve: pre.reserve, length: pre.data.length, vocab: pre.data.vocab };
    const methods: Array<[string, MethodSpec]> = [
      ['full', { kind: 'full' }],
      ['lora', { kind: 'lora', rank: 1, alpha: 1, targets: ['query', 'key', 'value', 'output'] }],
      ['prefix', { kind: 'prefix', length: Math.min(8, pre.reserve), space: 'residual' }],
    ];
    for (const [name, method] of methods) {
      const schedule: ScheduleSpec = { ...pre.schedule, batch: 64 };
      const trainer = await createTrainer({ model: pre.model, layout, method, schedule, base: null, threads });
      const stream = trainStream(pre.data, pre.tasks, 1);
      const step = () => trainer.step(toBatch(stream.take(64), layout));
      try {
        for (let i = 0; i < 5; i++) await step();
        let best = { stepsPerSecond: 0, cpuMsPerStep: Infinity };
        for (let r = 0; r < repeats; r++) {
          let n = 0;
          const c0 = process.cpuUsage();
          const t0 = performance.now();
          while (performance.now() - t0 < seconds * 1000) {
            await step();
            n++;
          }
          const wall = (performance.now() - t0) / 1000;
          const cpu = process.cpuUsage(c0);
          const cpuMs = (cpu.user + cpu.system) / 1000 / n;
          if (cpuMs < best.cpuMsPerStep) best = { stepsPerSecond: n / wall, cpuMsPerStep: cpuMs };
        }
        console.log(JSON.stringify({ model: label, method: name, threads, steps_per_s: round(best.stepsPerSecond), cpu_ms_per_step: round(best.cpuMsPerStep) }));
      } finally {
        trainer.dispose();
      }
    }
  }
}

export default async function main(args: string[]): Promise<void> {
  if (args.includes('--paper')) return paperMain(args);
  const widths = flag(args, 'widths', '64,256').split(',').map(Number);
  const repeats = Number(flag(args, 'repeats', '3'));
  const seconds = Number(flag(args, 'seconds', '3'));
  const wanted = flag(args, 'backends', 'node,wasm,cpu').split(',') as BackendName[];
  const backends: BackendName[] = [];
  for (const b of wanted) {
    try {
      await initBackend(b);
      backends.push(b);
    } catch (e) {
      console.error(`# skipping ${b}: ${(e as Error).message}`);
    }
  }
  const configs: Array<{ backend: BackendName; threads: number; label: string }> = [];
  for (const b of backends) {
    configs.push({ backend: b, threads: 1, label: b });
    if (b !== 'cpu') configs.push({ backend: b, threads: 2, label: `${b}_2threads` });
  }
  const torch = args.includes('--no-torch') ? { reason: '--no-torch' } : torchPython();
  const worker = 'python' in torch ? new TorchWorker(torch.python, resolve('bench/reference')) : null;
  if (!worker) console.error(`# PyTorch reference skipped: ${'reason' in torch ? torch.reason : ''}`);
  const results = new Map<string, number[]>();
  const add = (key: string, v: number) => results.set(key, [...(results.get(key) ?? []), v]);
  try {
    for (let r = 0; r < repeats; r++) {
      for (const width of widths) {
        for (const c of configs) {
          await initBackend(c.backend);
          // The plain-JS cpu backend is far slower: one timed step is all it gets.
          const slow = c.backend === 'cpu';
          add(`${width}/${c.label}`, await measureOurs(width, c.threads, slow ? 1 : 2, slow ? 1 : 5, slow ? 0 : seconds));
        }
        if (worker) add(`${width}/torch`, await worker.measure(width, 5, seconds));
      }
    }
  } finally {
    worker?.close();
  }
  for (const width of widths) {
    const torchMedian = worker ? median(results.get(`${width}/torch`)!) : null;
    const line: Record<string, unknown> = { width, layers: LAYERS, heads: HEADS, batch: BATCH, sequence: LAYOUT.reserve + 2 * LAYOUT.length, vocab: LAYOUT.vocab, repeats };
    if (torchMedian !== null) line['torch_steps_per_s'] = round(torchMedian);
    for (const c of configs) {
      const m = median(results.get(`${width}/${c.label}`)!);
      line[`${c.label}_steps_per_s`] = round(m);
      if (torchMedian !== null) line[`${c.label}_ratio`] = round(m / torchMedian);
    }
    console.log(JSON.stringify(line));
  }
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
