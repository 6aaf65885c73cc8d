// `npm run bench -- jobs [--rounds N]`: how much `ptx run --jobs 2` gains over `--jobs 1` on independent
// jobs. The spec is examples/quickstart.ptx with `seeds: [0, 1, 2, 3]` (12 finetunes: full, LoRA and
// prefix × 4 seeds, each evaluated). Its pretraining is trained once into a store; every timed run is
// `ptx run SPEC --only desc_methods --jobs N` (the built CLI, a real process) on a fresh copy of that
// store, so only the compare's jobs are timed. Rounds interleave the two (1 then 2, then 2 then 1, ...);
// times are medians. It checks that both stored the same results (loss curves, checkpoint bytes,
// evaluation numbers) and prints one JSON line with both times, `speedup` (jobs 1 time / jobs 2 time),
// the CPU time each took (all its processes) and the load average before and after. The CPU times tell
// the cost of running side by side apart from the machine's load: the kernel shares the cores among
// sessions (autogroup), so while other sessions keep both cores busy, a second process of ours gains
// little wall time whatever the runner does.
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..');
const CLI = join(ROOT, 'bin', 'ptx.js');

function flag(args: string[], name: string, fallback: string): string {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? args[i + 1]! : fallback;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

const round3 = (x: number) => Math.round(x * 1000) / 1000;

const TICKS = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;

/** CPU seconds of this process's finished children and theirs (cutime + cstime of /proc/self/stat). */
function childrenCpuSeconds(): number {
  const fields = readFileSync('/proc/self/stat', 'utf8').replace(/^.*\) /, '').split(' ');
  // After the command name, fields are numbered from 3 (state): cutime and cstime are 16 and 17.
  return (Number(fields[16 - 3]) + Number(fields[17 - 3])) / TICKS;
}

/** Runs the built CLI; resolves with its wall time and the final `done` event. */
function ptx(args: string[], store: string): Promise<{ seconds: number; cpuSeconds: number; done: Record<string, unknown> }> {
  return new Promise((resolvePromise, reject) => {
    const t0 = process.hrtime.bigint();
    const cpu0 = childrenCpuSeconds();
    const child = spawn(process.execPath, [CLI, ...args, '--events'], { env: { ...process.env, PTX_STORE: store }, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.on('error', reject);
    child.on('close', (code) => {
      const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
      const cpuSeconds = childrenCpuSeconds() - cpu0;
      const last = out.trim().split('\n').pop() ?? '';
      const done = JSON.parse(last) as Record<string, unknown>;
      if (code !== 0 || done.event !== 'done') reject(new Error(`ptx ${args.join(' ')} exited ${code}: ${last}`));
      else resolvePromise({ seconds, cpuSeconds, done });
    });
  });
}

/** What must be identical between two stores: per run the loss curve and tensors, per evaluation its numbers. */
function storedResults(store: string): Map<string, string> {
  const out = new Map<string, string>();
  const runs = join(store, 'runs');
  for (const run of readdirSync(runs)) {
    const dir = join(runs, run);
    out.set(`${run}/losses`, JSON.stringify((JSON.parse(readFileSync(join(dir, 'metrics.json'), 'utf8')) as { losses: number[] }).losses));
    for (const f of ['checkpoint.bin', 'merged.bin']) if (existsSync(join(dir, f))) out.set(`${run}/${f}`, readFileSync(join(dir, f)).toString('base64'));
    const evals = join(dir, 'evals');
    if (!existsSync(evals)) continue;
    for (const ev of readdirSync(evals)) {
      // trainMs is the training's wall time, the one field that differs between two identical runs.
      const { trainMs: _t, ...info } = JSON.parse(readFileSync(join(evals, ev, 'result.json'), 'utf8')) as Record<string, unknown>;
      out.set(`${run}/${ev}`, JSON.stringify(info));
      const att = join(evals, ev, 'attention.json');
      if (existsSync(att)) out.set(`${run}/${ev}/attention`, readFileSync(att, 'utf8'));
    }
  }
  return out;
}

function sameResults(a: Map<string, string>, b: Map<string, string>): boolean {
  return a.size === b.size && [...a].every(([k, v]) => b.get(k) === v);
}

export default async function main(args: string[]): Promise<void> {
  const rounds = Number(flag(args, 'rounds', '1'));
  const build = spawnSync(process.execPath, [join(ROOT, 'scripts', 'build.mjs')], { cwd: ROOT, stdio: 'inherit' });
  if (build.status !== 0) throw new Error('npm run build failed');

  const dir = mkdtempSync(join(tmpdir(), 'ptx-bench-jobs-'));
  try {
    const text = readFileSync(join(ROOT, 'examples', 'quickstart.ptx'), 'utf8');
    const seeded = text.replace(/seeds: \[0\]/, 'seeds: [0, 1, 2, 3]');
    if (seeded === text) throw new Error('examples/quickstart.ptx no longer has `seeds: [0]` to replace');
    const spec = join(dir, 'quickstart.ptx');
    writeFileSync(spec, seeded);
    const base = join(dir, 'base-store');
    await ptx(['run', spec, '--only', 'base', '--backend', 'wasm', '--jobs', '1'], base);

    const load = loadavg().map(round3);
    const times: Record<1 | 2, number[]> = { 1: [], 2: [] };
    const cpu: Record<1 | 2, number[]> = { 1: [], 2: [] };
    const results: Partial<Record<1 | 2, Map<string, string>>> = {};
    let trained = 0;
    for (let r = 0; r < rounds; r++) {
      for (const jobs of r % 2 === 0 ? ([1, 2] as const) : ([2, 1] as const)) {
        const store = join(dir, `store-${r}-${jobs}`);
        cpSync(base, store, { recursive: true });
        const { seconds, cpuSeconds, done } = await ptx(['run', spec, '--only', 'desc_methods', '--backend', 'wasm', '--jobs', String(jobs)], store);
        if (done.failed !== 0) throw new Error(`--jobs ${jobs}: ${String(done.failed)} jobs failed`);
        trained = done.trained as number;
        times[jobs].push(seconds);
        cpu[jobs].push(cpuSeconds);
        results[jobs] ??= storedResults(store);
        rmSync(store, { recursive: true, force: true });
      }
    }
    const jobs1 = median(times[1]);
    const jobs2 = median(times[2]);
    console.log(
      JSON.stringify({
        bench: 'jobs',
        runs_trained: trained,
        rounds,
        jobs1_s: round3(jobs1),
        jobs2_s: round3(jobs2),
        speedup: round3(jobs1 / jobs2),
        jobs1_samples_s: times[1].map(round3),
        jobs2_samples_s: times[2].map(round3),
        jobs1_cpu_s: round3(median(cpu[1])),
        jobs2_cpu_s: round3(median(cpu[2])),
        identical: sameResults(results[1]!, results[2]!),
        loadavg_before: load,
        loadavg_after: loadavg().map(round3),
      }),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
