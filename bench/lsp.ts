// `npm run bench -- lsp`: the language server's latency on a generated 5,000-line spec, over stdio as an
// editor sees it. Prints one JSON line: p50/p95 of edit → diagnostics, completion and hover over ≥200
// edits, and the server's peak memory; apart, 40 edits that add or remove a line. Then, in a fresh server,
// the big-document scenario: while a 1 MB document is edited (without waiting for its diagnostics),
// completion and hover on a small open document; and the server's memory after the first open, at its
// peak and after every document is closed.
// Targets: diagnostics p95 ≤ 50 ms, completion and hover p95 ≤ 20 ms, line edits p95 ≤ 50 ms; with the
// 1 MB document, small-document completion and hover p95 ≤ 50 ms and RSS after closing ≤ 1.5× RSS after
// the first open.
// Options: --lines N (default 5000), --edits N (default 200), --seed N.
import { readFileSync } from 'node:fs';
import type { CompletionList, Hover } from 'vscode-languageserver-protocol/node';
import { analyseText } from '../grammar/src/index.js';
import { generateSpec as generateBigSpec } from './lib/generate-spec.js';
import { LspClient } from '../tests/server/helpers.js';
import { Rng } from '../runtime/src/data/rng.js';

/** One experiment group (~30 lines) with names suffixed by `i`; repeated to reach the wanted size. */
function group(i: number): string {
  return `// group ${i}
data digits_${i} { values: 0..7  length: 10  vocab: 11 }
model tiny_${i} {
  layers: 1  heads: 1  width: 32
  mlp: 128  dropout: 0.1  context: 24
}
task asc_${i}  = sort(ascending)
task desc_${i} = sort(descending)
task inc_${i}  = add(1)
task hist_${i} = histogram
pretrain base_${i} {
  model: tiny_${i}  data: digits_${i}  tasks: [asc_${i}, inc_${i}]
  steps: 2000  batch: 64  seed: ${i}
  optimizer: adamw(lr: 1e-3, weight_decay: 0.1)
  reserve: 2
}
finetune full_${i} from base_${i} on desc_${i} {
  method: full
  steps: 1000
}
finetune prefix_${i} from base_${i} on desc_${i} {
  method: prefix(length: 2)
  steps: 1000
}
compare cmp_${i} from base_${i} on hist_${i} {
  methods: [full, lora(rank: 1), prefix(length: 2)]
  seeds: [0, 1]
}
evaluate eval_${i} [base_${i}, full_${i}, prefix_${i}] on [asc_${i}, desc_${i}] {
  samples: 100
}
`;
}

export function generateSpec(lines: number): string {
  let text = '';
  let n = 0;
  for (let i = 0; text.split('\n').length < lines; i++) {
    text += group(i);
    n++;
  }
  void n;
  return text;
}

/** Seeded uniform draws (mulberry32, the runtime's generator), so a failure replays exactly. */
const rng = Rng.stream;

function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
}

function stats(xs: number[]): { p50: number; p95: number; n: number } {
  return { p50: +percentile(xs, 50).toFixed(2), p95: +percentile(xs, 95).toFixed(2), n: xs.length };
}

/** Peak resident memory of a process (Linux: VmHWM in /proc), in MiB. */
function peakRssMiB(pid: number, field = 'VmHWM'): number | null {
  try {
    const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? +(Number(m[1]) / 1024).toFixed(1) : null;
  } catch {
    return null;
  }
}

/** Resident memory of a process now (VmRSS), in MiB. */
const rssMiB = (pid: number): number | null => peakRssMiB(pid, 'VmRSS');

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * A fresh server with a small document open; a 1 MB document opened beside it and edited `edits` times
 * (values, and every fifth edit a renamed declaration, which makes every block be analysed again) without
 * waiting for its diagnostics, each edit followed by completion and hover on the small document; then
 * every document closed.
 */
async function bigDocument(edits: number, random: () => number): Promise<Record<string, unknown>> {
  const client = await LspClient.start();
  const pid = client.proc.pid!;
  const small = client.open(generateSpec(60), 'file:///tmp/ptx-bench/small.ptx');
  await client.waitForDiagnostics(small, 1, 120_000);
  const rssFirstOpen = rssMiB(pid);
  const smallLines = client.text(small).split('\n');
  const mLine = smallLines.findIndex((l) => /^\s+method: prefix/.test(l));
  const mAt = smallLines[mLine]!.indexOf('method: ') + 'method: '.length;
  const big = 'file:///tmp/ptx-bench/big-1mb.ptx';
  const bigText = generateBigSpec(1_000_000);
  let t = performance.now();
  client.open(bigText, big);
  await client.waitForDiagnostics(big, 1, 300_000);
  const openMs = performance.now() - t;
  const steps = [...bigText.matchAll(/steps: (\d+)/g)].map((m) => m.index!);
  const completion: number[] = [];
  const hover: number[] = [];
  for (let k = 0; k < edits; k++) {
    const text = client.text(big);
    if (k % 5 === 4) {
      // Rename a declaration back and forth (the name list changes: a full analysis).
      const at = text.indexOf('data digits_0 ');
      const from = at >= 0 ? 'data digits_0 ' : 'data digitz_0 ';
      const i = text.indexOf(from);
      client.change(big, text.slice(0, i) + (at >= 0 ? 'data digitz_0 ' : 'data digits_0 ') + text.slice(i + from.length));
    } else {
      const at = steps[Math.floor(random() * steps.length)]!;
      const pos = client.text(big).slice(0, at).split('\n');
      const line = pos.length - 1;
      const character = pos[line]!.length + 'steps: '.length;
      const old = /^\d+/.exec(text.slice(at + 'steps: '.length))![0];
      client.edit(big, { start: { line, character }, end: { line, character: character + old.length } }, String(1000 + Math.floor(random() * 9000)));
    }
    await sleep(20);
    t = performance.now();
    const items = await client.request<CompletionList | null>('textDocument/completion', { textDocument: { uri: small }, position: { line: mLine, character: mAt } });
    completion.push(performance.now() - t);
    if (!items || !items.items.some((i) => i.label === 'lora')) throw new Error('completion on the small document did not offer methods');
    t = performance.now();
    const h = await client.request<Hover | null>('textDocument/hover', { textDocument: { uri: small }, position: { line: mLine, character: mAt + 1 } });
    hover.push(performance.now() - t);
    if (!h) throw new Error('no hover on the small document');
  }
  t = performance.now();
  await client.waitForDiagnostics(big, client.version(big), 300_000);
  const lastDiagnosticsMs = performance.now() - t;
  const peak = peakRssMiB(pid);
  client.close(big);
  client.close(small);
  await sleep(3000);
  const rssClosed = rssMiB(pid);
  await client.stop();
  const c = stats(completion);
  const h = stats(hover);
  const ratio = rssFirstOpen && rssClosed ? +(rssClosed / rssFirstOpen).toFixed(2) : null;
  return {
    bytes: bigText.length,
    edits,
    open_to_diagnostics_ms: +openMs.toFixed(1),
    last_edit_to_diagnostics_ms: +lastDiagnosticsMs.toFixed(1),
    small_completion_ms: c,
    small_hover_ms: h,
    rss_after_first_open_mib: rssFirstOpen,
    peak_rss_mib: peak,
    rss_after_closing_all_mib: rssClosed,
    rss_closed_over_first_open: ratio,
    meets_targets: c.p95 <= 50 && h.p95 <= 50 && ratio !== null && ratio <= 1.5,
  };
}

export default async function lspBench(args: string[]): Promise<void> {
  const opt = (name: string, dflt: number): number => {
    const i = args.indexOf(`--${name}`);
    return i >= 0 ? Number(args[i + 1]) : dflt;
  };
  const wantLines = opt('lines', 5000);
  const edits = opt('edits', 200);
  const random = rng(opt('seed', 7));
  const client = await LspClient.start();
  const uri = 'file:///tmp/ptx-bench/big.ptx';
  const text = generateSpec(wantLines);
  const lines = text.split('\n');
  const t0 = performance.now();
  client.open(text, uri);
  const first = await client.waitForDiagnostics(uri, 1, 120_000);
  const openMs = performance.now() - t0;

  // Lines whose value we edit, where completion is asked (after `method: `) and where hover is asked (on
  // the method name).
  const stepLines = lines.map((l, i) => (/^\s+steps: \d+$/.test(l) ? i : -1)).filter((i) => i >= 0);
  const methodLines = lines.map((l, i) => (/^\s+method: /.test(l) ? i : -1)).filter((i) => i >= 0);
  const diagnostics: number[] = [];
  const completion: number[] = [];
  const hover: number[] = [];
  let lastCount = first.length;
  for (let k = 0; k < edits; k++) {
    // An edit a user makes while typing: change one `steps:` value.
    const line = stepLines[Math.floor(random() * stepLines.length)]!;
    const current = client.text(uri).split('\n')[line]!;
    const at = current.indexOf(':') + 2;
    const value = String(100 + Math.floor(random() * 9000));
    let t = performance.now();
    const v = client.edit(uri, { start: { line, character: at }, end: { line, character: current.length } }, value);
    lastCount = (await client.waitForDiagnostics(uri, v, 120_000)).length;
    diagnostics.push(performance.now() - t);

    const mLine = methodLines[Math.floor(random() * methodLines.length)]!;
    const mText = client.text(uri).split('\n')[mLine]!;
    const mAt = mText.indexOf('method: ') + 'method: '.length;
    t = performance.now();
    const items = await client.request<CompletionList | null>('textDocument/completion', { textDocument: { uri }, position: { line: mLine, character: mAt } });
    completion.push(performance.now() - t);
    if (!items || !items.items.some((i) => i.label === 'lora')) throw new Error(`completion at ${mLine}:${mAt} did not offer methods`);

    t = performance.now();
    const h = await client.request<Hover | null>('textDocument/hover', { textDocument: { uri }, position: { line: mLine, character: mAt + 1 } });
    hover.push(performance.now() - t);
    if (!h) throw new Error(`no hover at ${mLine}:${mAt + 1}`);
  }
  // Edits that change the line count (Enter, deleting a line) move every block below them: measured apart,
  // since the incremental parser must copy those blocks to their new lines. A comment line is inserted at
  // a random line and removed again by the next edit, so the line numbers above stay valid.
  const lineEdits: number[] = [];
  for (let k = 0; k < 20; k++) {
    const line = Math.floor(random() * lines.length);
    let t = performance.now();
    let v = client.edit(uri, { start: { line, character: 0 }, end: { line, character: 0 } }, '// a new line\n');
    await client.waitForDiagnostics(uri, v, 120_000);
    lineEdits.push(performance.now() - t);
    t = performance.now();
    v = client.edit(uri, { start: { line, character: 0 }, end: { line: line + 1, character: 0 } }, '');
    await client.waitForDiagnostics(uri, v, 120_000);
    lineEdits.push(performance.now() - t);
  }
  const peak = peakRssMiB(client.proc.pid!);
  const finalText = client.text(uri);
  await client.stop();
  // The analysis alone, in this process, on the final text: what the diagnostics latency is made of.
  const analyse: number[] = [];
  for (let k = 0; k < 20; k++) {
    const t = performance.now();
    analyseText(finalText);
    analyse.push(performance.now() - t);
  }
  const d = stats(diagnostics);
  const c = stats(completion);
  const h = stats(hover);
  const l = stats(lineEdits);
  const big = await bigDocument(Math.max(10, Math.round(edits / 5)), random);
  console.log(
    JSON.stringify({
      bench: 'lsp',
      lines: lines.length,
      bytes: text.length,
      edits,
      open_to_diagnostics_ms: +openMs.toFixed(1),
      diagnostics_ms: d,
      completion_ms: c,
      hover_ms: h,
      line_count_edit_diagnostics_ms: l,
      analyse_alone_ms: stats(analyse),
      diagnostics_per_version: lastCount,
      peak_server_rss_mib: peak,
      big_document: big,
      targets: { diagnostics_p95_ms: 50, completion_p95_ms: 20, hover_p95_ms: 20, line_count_edit_p95_ms: 50, big_document_small_requests_p95_ms: 50, rss_closed_over_first_open: 1.5 },
      meets_targets: d.p95 <= 50 && c.p95 <= 20 && h.p95 <= 20 && l.p95 <= 50 && big.meets_targets === true,
    }),
  );
}
