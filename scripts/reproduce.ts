// `npm run reproduce [-- --quick] [--only ID] [--fresh] [--store DIR] [--out FILE] [--backend B] [--threads N]`
// Runs the paper's experiments (scripts/reproduce/experiments.ts: the specs in examples/paper/, or the
// smaller ones in examples/paper/quick/ with --quick) one after another through the real `ptx run`, then
// writes the comparison with the paper: docs/results.md and the Figure 1 maps in docs/figures/ (full run),
// or test-artifacts/reproduce-quick.md (quick run). The quick run exits 1 when the direction of any
// conclusion comes out wrong; both exit 1 when a run fails.
//
// Store: the full run uses the store beside the specs (examples/paper/.ptx), so the editor shows the same
// results and a second run only evaluates; --fresh empties it first so every time is measured. The quick
// run always trains from scratch in a temporary store.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { analyse } from '../grammar/src/index.js';
import { EXPERIMENTS, FIGURE1, type Experiment } from './reproduce/experiments.js';
import { writeFigures, type FigurePanel, type WrittenFigure } from './reproduce/figures.js';
import { resultsMarkdown, secs, pct, type ExperimentReport } from './reproduce/markdown.js';
import { NOTES } from './reproduce/notes.js';
import { attentionChanges, directionHolds, rowOutcome, selectResults } from './reproduce/outcomes.js';
import { runSpec } from './reproduce/run-spec.js';
import { theoryChecks } from './reproduce/theory.js';
import { chooseTiming, loadTimings, timingOf, type Timing } from './reproduce/timing.js';

interface Options {
  quick: boolean;
  only: string[];
  fresh: boolean;
  store: string | null;
  out: string | null;
  backend: string;
  threads: number;
}

function parseArgs(argv: string[]): Options {
  const o: Options = { quick: false, only: [], fresh: false, store: null, out: null, backend: 'wasm', threads: 1 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '--quick') o.quick = true;
    else if (a === '--fresh') o.fresh = true;
    else if (a === '--only') o.only.push(value());
    else if (a === '--store') o.store = value();
    else if (a === '--out') o.out = value();
    else if (a === '--backend') o.backend = value();
    else if (a === '--threads') o.threads = Number(value());
    else throw new Error(`unknown argument '${a}'`);
  }
  for (const id of o.only) if (!EXPERIMENTS.some((e) => e.id === id)) throw new Error(`--only ${id}: experiments are ${EXPERIMENTS.map((e) => e.id).join(', ')}`);
  return o;
}

const ROOT = resolve(import.meta.dirname, '..');

async function runExperiment(exp: Experiment, o: Options, store: string, earlier: Timing | undefined): Promise<ExperimentReport> {
  const specFile = o.quick ? exp.quickSpec! : exp.spec;
  const text = readFileSync(join(ROOT, specFile), 'utf8');
  const analysis = analyse(text);
  const errors = analysis.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length) throw new Error(`${specFile}: ${errors.map((d) => `${d.range.start.line + 1}: ${d.message}`).join('; ')}`);
  console.log(`${exp.title}: ptx run ${specFile}`);
  const run = await runSpec(join(ROOT, specFile), { backend: o.backend, threads: o.threads, store, onLine: (l) => console.log(l) });
  if (run.exitCode !== 0 || run.errors.length) throw new Error(`${specFile}: ptx run exited ${run.exitCode}: ${run.errors.join('; ')}`);
  // A quick spec may leave out a method that no direction needs (rows of it are then not reported).
  const rowDefs = o.quick ? exp.rows.filter((row) => selectResults(row.select, run.results, run.verdicts).length > 0) : exp.rows;
  const rows = rowDefs.map((row) => rowOutcome(row, run.results, analysis.spec, run.verdicts));
  const byId = new Map(rows.map((r) => [r.row.id, r]));
  const directions = exp.directions.map((d) => ({ direction: d, ...directionHolds(d, byId) }));
  const { timing, fromEarlier } = chooseTiming(timingOf(run, text, new Date().toISOString().slice(0, 10)), earlier);
  const report: ExperimentReport = {
    exp,
    specFile,
    spec: analysis.spec,
    run,
    timing,
    timingFromEarlier: fromEarlier,
    rows,
    directions,
    changes: attentionChanges(run.results, analysis.spec),
    theory: theoryChecks(text, run.verdicts),
  };
  for (const r of rows) console.log(`  ${r.row.label}: ${r.exact.map(pct).join(', ')}${r.row.paper ? ` (paper ${r.row.paper})` : ''}${r.verdict ? ` — ${r.verdict.message}` : ''}`);
  for (const d of directions) console.log(`  ${d.holds ? 'ok  ' : 'FAIL'} ${d.direction.text}: ${pct(d.higher)} vs ${pct(d.lower)}`);
  console.log(`  ${secs(run.wallSeconds)} wall${run.cpuSeconds !== null ? `, ${secs(run.cpuSeconds)} CPU` : ''}`);
  return report;
}

async function main(): Promise<number> {
  const o = parseArgs(process.argv.slice(2));
  const started = Date.now();
  const temp = o.quick && !o.store ? mkdtempSync(join(tmpdir(), 'ptx-reproduce-')) : null;
  const store = resolve(o.store ?? temp ?? join(ROOT, 'examples', 'paper', '.ptx'));
  if (o.fresh && !o.quick) rmSync(store, { recursive: true, force: true });
  const out = resolve(o.out ?? join(ROOT, o.quick ? 'test-artifacts/reproduce-quick.md' : 'docs/results.md'));
  const figuresDir = o.quick ? join(dirname(out), 'reproduce-quick-figures') : join(dirname(out), 'figures');
  try {
    const chosen = EXPERIMENTS.filter((e) => o.only.length === 0 || o.only.includes(e.id)).filter((e) => {
      if (!o.quick || e.quickSpec) return true;
      console.log(`${e.title}: skipped (no direction to show at CPU scale; see docs/results.md)`);
      return false;
    });
    const jsonOut = out.replace(/\.md$/, '') + '.json';
    const earlier = loadTimings(jsonOut);
    const reports: ExperimentReport[] = [];
    for (const exp of chosen) reports.push(await runExperiment(exp, o, store, earlier.get(exp.id)));

    let figures: WrittenFigure[] = [];
    const fig = reports.find((r) => r.exp.id === FIGURE1.experiment);
    if (fig) {
      const panels = FIGURE1.panels.map((p): FigurePanel => {
        if (p.run !== undefined) return { file: p.file, title: p.title, run: p.run, task: p.task };
        const v = fig.run.verdicts.find((x) => x.compare === p.select!.compare && x.kind === p.select!.method);
        if (!v?.selected) throw new Error(`figure ${p.file}: no selected configuration of ${p.select!.method} in ${p.select!.compare}`);
        return { file: p.file, title: p.title, run: v.selected.runs[0]!, task: p.task };
      });
      figures = writeFigures(store, fig.specFile, fig.spec, panels, figuresDir);
    }

    const cpu = cpus();
    const md = resultsMarkdown(
      reports,
      {
        mode: o.quick ? 'quick' : 'full',
        date: new Date().toISOString().slice(0, 10),
        backend: [...new Set(reports.map((r) => r.run.backend))].join(', ') || o.backend,
        threads: o.threads,
        machine: `${cpu.length} × ${cpu[0]?.model.trim() ?? 'unknown CPU'}`,
        node: process.versions.node,
        totalWallSeconds: (Date.now() - started) / 1000,
        figures,
        figureLink: (f) => relative(dirname(out), f.path).split('\\').join('/'),
      },
      NOTES,
    );
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, md);
    writeFileSync(jsonOut, JSON.stringify(reports.map(({ exp, rows, directions, changes, theory, run, timing }) => ({
      id: exp.id, backend: run.backend, timing,
      rows: rows.map((r) => ({ id: r.row.id, method: r.method, exact: r.exact, mean: r.mean, std: r.std, trainable: r.trainable, steps: r.steps, holds: r.holds, verdict: r.verdict })),
      directions: directions.map((d) => ({ text: d.direction.text, holds: d.holds, higher: d.higher, lower: d.lower })),
      changes, theory,
    })), null, 2) + '\n');
    const failed = reports.flatMap((r) => r.directions.filter((d) => !d.holds).map((d) => `${r.exp.id}: ${d.direction.text}`));
    console.log(`wrote ${relative(process.cwd(), out)} in ${secs((Date.now() - started) / 1000)}`);
    if (failed.length) {
      console.log(`directions that do not hold:\n  ${failed.join('\n  ')}`);
      if (o.quick) return 1;
    }
    return 0;
  } finally {
    if (temp) rmSync(temp, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`reproduce: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
