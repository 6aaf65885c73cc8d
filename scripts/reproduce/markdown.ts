// docs/results.md from the outcomes: the paper's numbers next to ours (mean ± std over seeds of the
// configuration selected on validation) with the verdict and search grid of each row, sizes, steps, times
// and backend; the direction of every conclusion; the Figure 1 maps; the change of relative attention of
// every tuned run (layer 0 as an implementation check, all layers as the informative figure); the
// agreement of the theory warnings with the verdicts; and the notes on what the small models change. Everything here is generated: edit scripts/reproduce/, not the file.
import type { Spec } from '../../grammar/src/spec.js';
import type { Direction, Experiment } from './experiments.js';
import type { WrittenFigure } from './figures.js';
import type { AttentionChange, RowOutcome } from './outcomes.js';
import type { SpecRun } from './run-spec.js';
import type { TheoryCheck } from './theory.js';
import { VERDICT_TEXT } from '../../runtime/src/commands/run/verdict-table.js';
import type { Timing } from './timing.js';

/** The theorem's bound on the layer-0 change of relative attention for context methods (float32 noise). */
export const THEOREM_BOUND = 1e-5;

export interface ExperimentReport {
  exp: Experiment;
  specFile: string;
  spec: Spec;
  run: SpecRun;
  /** When the experiment was trained: this run, or an earlier one when this run found everything stored. */
  timing: Timing;
  timingFromEarlier: boolean;
  rows: RowOutcome[];
  directions: Array<{ direction: Direction; holds: boolean; higher: number; lower: number }>;
  changes: AttentionChange[];
  theory: TheoryCheck[];
}

export interface RunContext {
  mode: 'full' | 'quick';
  date: string;
  backend: string;
  threads: number;
  machine: string;
  node: string;
  /** Wall time of this reproduction (reading a full store takes seconds). */
  totalWallSeconds: number;
  figures: WrittenFigure[];
  /** Figure paths relative to the markdown file. */
  figureLink: (f: WrittenFigure) => string;
}

export const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
const pm = (o: RowOutcome) => (o.exact.length > 1 ? `${pct(o.mean)} ± ${(100 * o.std).toFixed(1)}` : pct(o.mean));
export const secs = (s: number) => (s >= 60 ? `${Math.floor(s / 60)} min ${Math.round(s % 60)} s` : `${s.toFixed(0)} s`);
const count = (n: number) => n.toLocaleString('en-US');
const sci = (x: number) => (x === 0 ? '0' : x.toExponential(1));
const yes = (b: boolean) => (b ? 'yes' : '**no**');
const holdsText = (o: RowOutcome) => (o.holds !== null ? yes(o.holds) : o.row.claim ? 'undecided (inconclusive)' : '');
const verdictText = (o: RowOutcome) => (o.verdict ? VERDICT_TEXT[o.verdict.kind] : '–');
const gridText = (o: RowOutcome) => (o.verdict ? `\`${o.verdict.grid}\` (${o.verdict.configurations})` : '–');

function modelLine(spec: Spec): string {
  return [...spec.pretrains.values()]
    .map((p) => {
      const m = p.model;
      const d = p.data;
      const data = d.kind === 'words' ? `${d.length} words of ${d.words} (vocab ${d.vocab})` : `${d.length} digits ${d.values[0]}..${d.values[1]} (vocab ${d.vocab})`;
      return `\`${p.name}\`: ${m.layers} layer${m.layers > 1 ? 's' : ''}, ${m.heads} head${m.heads > 1 ? 's' : ''}, width ${m.width}, MLP ${m.mlp}, dropout ${m.dropout}; ${data}, ${p.reserve} reserved positions; pretrained ${p.schedule.steps} steps, batch ${p.schedule.batch}, lr ${p.schedule.optimizer.lr}`;
    })
    .join('; ');
}

function summaryTable(reports: readonly ExperimentReport[]): string[] {
  const out = [
    '| experiment | row | paper | ours (mean ± std) | seeds | conclusion | holds | verdict | search grid (configurations) | trainable params | steps | train time per run |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const r of reports) {
    for (const o of r.rows) {
      const claim = o.row.claim ? `${o.row.claim.op === '>=' ? '≥' : '≤'} ${pct(o.row.claim.value).replace('.0%', '%')}` : '';
      out.push(
        `| ${r.exp.title} | ${o.row.label} (\`${o.method}\`) | ${o.row.paper ?? '–'} | ${pm(o)} | ${o.exact.length} | ${claim} | ${holdsText(o)} | ${verdictText(o)} | ${gridText(o)} | ${count(o.trainable)} | ${o.steps} | ${secs(o.trainSeconds)} |`,
      );
    }
  }
  return out;
}

function experimentSection(r: ExperimentReport, notes: readonly string[]): string[] {
  const out = [`### ${r.exp.title}`, ''];
  out.push(`Spec: [\`${r.specFile}\`](../${r.specFile}). Model: ${modelLine(r.spec)}.`, '');
  const t = r.timing;
  const cached = t.cachedRuns.length ? `; reused from the store: ${t.cachedRuns.join(', ')}` : '';
  const when = r.timingFromEarlier ? ` (timed when it was trained on ${t.date}; this reproduction read every run from the store)` : '';
  out.push(
    `Backend ${r.run.backend}. \`ptx run\` wall time ${secs(t.wallSeconds)}${t.cpuSeconds !== null ? `, CPU time ${secs(t.cpuSeconds)}` : ''}${when}; ${t.trained.length} run${t.trained.length === 1 ? '' : 's'} trained (${secs(t.trained.reduce((a, x) => a + x.seconds, 0))} of training)${cached}.`,
    '',
  );
  out.push('| row | method | per seed (exact match) | mean ± std | per-token | trainable | steps |', '|---|---|---|---|---|---|---|');
  for (const o of r.rows) {
    const seeds = o.exact.map((x, i) => `${o.seeds[i]}: ${pct(x)}`).join(', ');
    const perTok = pct(o.perToken.reduce((a, b) => a + b, 0) / o.perToken.length);
    out.push(`| ${o.row.label} | \`${o.method}\` | ${seeds} | ${pm(o)} | ${perTok} | ${count(o.trainable)} | ${o.steps} |`);
  }
  out.push('');
  for (const o of r.rows) if (o.verdict) out.push(`- Verdict, ${o.row.label}: ${o.verdict.message}.`);
  for (const d of r.directions) out.push(`- Direction: ${d.direction.text} (${pct(d.higher)} vs ${pct(d.lower)}): ${d.holds ? 'holds' : '**does not hold**'}.`);
  for (const n of notes) out.push(`- ${n}`);
  out.push('');
  return out;
}

function attentionTable(reports: readonly ExperimentReport[]): string[] {
  const out = [
    `| experiment | run | method | probe task | all layers (informative) | layer 0 (implementation check) | layer-0 identity (context methods: ≤ ${sci(THEOREM_BOUND)}) |`,
    '|---|---|---|---|---|---|---|',
  ];
  for (const r of reports) {
    for (const c of r.changes) {
      const l0 = c.perLayer[0]!;
      const context = c.method === 'prefix' || c.method === 'soft_prompt' || c.method === 'prompt';
      const verdict = context
        ? l0 <= THEOREM_BOUND
          ? 'holds'
          : '**violated**'
        : c.movesLayer0
          ? l0 > 1e-3
            ? 'changes (weights move)'
            : '**no change**'
          : l0 <= THEOREM_BOUND
            ? 'unchanged, as expected: LoRA leaves layer-0 queries and keys alone'
            : '**changed without query/key updates**';
      out.push(`| ${r.exp.title} | \`${c.run}\` | ${c.method} | ${c.task} | ${c.perLayer.map(sci).join(', ')} | ${sci(l0)} | ${verdict} |`);
    }
  }
  return out;
}

function theoryTable(reports: readonly ExperimentReport[]): string[] {
  const all = reports.flatMap((r) => r.theory.map((t) => ({ r, t })));
  const decided = all.filter((x) => x.t.agrees !== null);
  const agree = decided.filter((x) => x.t.agrees).length;
  const out = [
    `The editor's analysis warned about ${all.filter((x) => x.t.warnings.length).length} of ${all.length} tuning methods. The outcome is each method's verdict (its selected configuration's test exact match against the compare's \`learned_at\`, and whether its curves had converged); an inconclusive verdict counts as neither agreement nor disagreement. Agreement: **${agree} of ${decided.length}** decided methods${all.length > decided.length ? ` (${all.length - decided.length} inconclusive)` : ''}.`,
    '',
    '| experiment | method (whole grid, all seeds) | task | warning | selected, test exact match | verdict | agrees |',
    '|---|---|---|---|---|---|---|',
  ];
  for (const { r, t } of all) {
    out.push(`| ${r.exp.title} | \`${t.group}\` | ${t.task} | ${t.warnings.join(', ') || '–'} | ${t.mean === null ? '–' : pct(t.mean)} | ${VERDICT_TEXT[t.verdict]} | ${t.agrees === null ? 'neither' : yes(t.agrees)} |`);
  }
  return out;
}

export function resultsMarkdown(reports: readonly ExperimentReport[], ctx: RunContext, notes: { general: readonly string[]; byExperiment: Record<string, readonly string[]> }): string {
  const out: string[] = [
    '# Reproducing the paper',
    '',
    '<!-- generated by `npm run reproduce` (scripts/reproduce.ts); do not edit by hand -->',
    '',
    `Petrov, Torr & Bibi, "When Do Prompting and Prefix-Tuning Work? A Theory of Capabilities and Limitations" (ICLR 2024), reproduced with PTX Lab's own \`ptx run\` on ${ctx.machine}, Node ${ctx.node}, backend **${ctx.backend}**, ${ctx.threads} training thread${ctx.threads > 1 ? 's' : ''}, ${ctx.date}${ctx.mode === 'quick' ? ' (**quick mode**: reduced specs, directions only)' : ''}. Training everything from scratch took ${secs(reports.reduce((a, r) => a + r.timing.wallSeconds, 0))} of wall time (${secs(reports.reduce((a, r) => a + (r.timing.cpuSeconds ?? 0), 0))} CPU) over ${reports.length} experiments${reports.every((r) => r.timingFromEarlier) ? ' (timed by the reproduction that trained them)' : reports.some((r) => r.timingFromEarlier) ? ' (partly timed by an earlier reproduction, see each experiment)' : ''}; this reproduction took ${secs(ctx.totalWallSeconds)}. Accuracy is exact match (every output token right, greedy decoding) on held-out inputs; mean ± sample standard deviation over seeds.`,
    '',
    'The paper trained 1–4-layer minGPTs of width 96–256 for tens of thousands of steps on a GPU; here every model is smaller and every schedule shorter so the whole reproduction fits a 2-core CPU. The sizes are in each section.',
    '',
    '## Summary',
    '',
    ...summaryTable(reports),
    '',
    '## What changes at CPU scale',
    '',
    ...notes.general.map((n) => `- ${n}`),
    '',
    '## Experiments',
    '',
  ];
  for (const r of reports) out.push(...experimentSection(r, notes.byExperiment[r.exp.id] ?? []));
  if (ctx.figures.length) {
    out.push('## Figure 1: attention on the probe', '');
    out.push('Layer 1, head 1 on the probe input; rows are queries, columns keys; drawn by the editor’s attention renderer from the stored records.', '');
    for (const f of ctx.figures) {
      const change = f.relativeChange === null ? 'the reference' : `layer-0 relative attention change vs. pretrained: ${sci(f.relativeChange)}`;
      out.push(`**${f.title}** (${change})`, '', `![${f.title}](${ctx.figureLink(f)})`, '');
    }
  }
  out.push('## Relative attention', '');
  out.push(
    'The theorem: a context method (prefix, soft prompt, prompt) can only scale the attention over the content in the first layer, never change its relative pattern; in later layers it can shift patterns only through the layer inputs it biases. Measured on each evaluation’s probe as the largest |Δ| of the content-normalised attention against the pretrained model, per layer. The **all-layers** figures are the informative ones: they show how much each method moved attention where it could. The **layer-0** figure of a context method is an implementation check, not evidence: with the model frozen, layer 0’s content keys, queries and values are the pretrained model’s by construction, so a nonzero value could only come from a bug in the engine.',
    '',
  );
  out.push(...attentionTable(reports), '');
  out.push('## Theory warnings and outcomes', '');
  out.push(...theoryTable(reports), '');
  return out.join('\n');
}
