// `npm run bench -- parse`: time to lex, parse and fully analyse a generated ~1 MB spec, next to
// JSON.parse of a JSON document of the same size, in the same process; plus a 10,000-line spec.
// Prints one JSON line. Medians over repeats; the machine is shared, so the ratio is what counts.
import { build } from 'esbuild';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { generateSpec } from './lib/generate-spec.js';

type Analyse = (text: string) => { diagnostics: unknown[] };
interface Language {
  analyse: Analyse;
  parse: (text: string) => unknown;
}

/**
 * The language as it ships: bundled by esbuild, as dist/cli.js and dist/server.js are. (Run from source
 * through tsx, every cross-module call goes through an export getter, which makes chevrotain's hot loops
 * about 3x slower and would measure the test loader, not the product.)
 */
async function loadBundledLanguage(): Promise<Language> {
  const out = join(mkdtempSync(join(tmpdir(), 'ptx-bench-')), 'grammar.mjs');
  await build({ entryPoints: [join(import.meta.dirname, '..', 'grammar', 'src', 'index.ts')], bundle: true, platform: 'node', format: 'esm', outfile: out, logLevel: 'warning' });
  return (await import(pathToFileURL(out).href)) as Language;
}

/** A JSON document of about the same size and a similar shape (objects, arrays, numbers, strings). */
function generateJson(targetChars: number): string {
  const items: unknown[] = [];
  let size = 2;
  for (let i = 0; size < targetChars; i++) {
    const item = {
      data: { name: `digits_${i}`, values: [0, 7], length: 10, vocab: 11, test: 0.2, repeats: true },
      model: { name: `m_${i}`, layers: 2, heads: 2, width: 64, mlp: 256, dropout: 0.1, context: 40, norm: 'pre' },
      tasks: [{ name: `asc_${i}`, steps: [{ kind: 'sort', order: 'ascending' }] }, { name: `sai_${i}`, steps: [{ kind: 'sort' }, { kind: 'add', k: 1 }] }],
      pretrain: { model: `m_${i}`, data: `digits_${i}`, tasks: [`asc_${i}`], steps: 2000, batch: 64, seed: i, optimizer: { kind: 'adamw', lr: 5e-4, weight_decay: 0.1 } },
      finetune: [{ name: `full_${i}`, method: 'full' }, { name: `prefix_${i}`, method: { kind: 'prefix', length: 12 } }],
      probe: [2, 6, 0, 1, 4, 6, 3, 0, 1, 2],
    };
    const s = JSON.stringify(item);
    items.push(item);
    size += s.length + 1;
  }
  return JSON.stringify(items);
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function time(f: () => void): number {
  const t = performance.now();
  f();
  return performance.now() - t;
}

export default async function main(args: string[]): Promise<void> {
  const { analyse, parse } = await loadBundledLanguage();
  const repeats = Number(args.find((a) => a.startsWith('--repeats='))?.slice(10) ?? 9);
  const spec = generateSpec(1_000_000);
  const json = generateJson(spec.length);
  const lines10k = spec.split('\n').slice(0, 10_000).join('\n');
  // Warm up both paths (JIT), then interleave.
  for (let i = 0; i < 3; i++) {
    analyse(spec);
    JSON.parse(json);
  }
  const ptx: number[] = [];
  const js: number[] = [];
  const small: number[] = [];
  const smallParse: number[] = [];
  let diagnostics = 0;
  for (let i = 0; i < repeats; i++) {
    js.push(time(() => JSON.parse(json)));
    ptx.push(time(() => (diagnostics = analyse(spec).diagnostics.length)));
    small.push(time(() => analyse(lines10k)));
    smallParse.push(time(() => parse(lines10k)));
  }
  const result = {
    bench: 'parse',
    specBytes: spec.length,
    jsonBytes: json.length,
    ptxMs: +median(ptx).toFixed(2),
    jsonParseMs: +median(js).toFixed(2),
    ratio: +(median(ptx) / median(js)).toFixed(2),
    lines10kMs: +median(small).toFixed(2),
    // Where the 10,000-line time goes: lexing and parsing alone (the rest is the analysis).
    lines10kParseMs: +median(smallParse).toFixed(2),
    diagnostics,
    repeats,
    targets: { ratio: 15, lines10kMs: 50 },
  };
  process.stdout.write(JSON.stringify(result) + '\n');
}
