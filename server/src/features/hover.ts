// Hover: docs of keywords, keys, primitives, methods and optimizers (with defaults and ranges); on a
// declared name or a reference to it, the block's resolved settings; on a tuning method, its trainable
// parameter count with the formula and the budget of the alternatives.
import { MarkupKind, type Hover, type HoverParams } from 'vscode-languageserver/node';
import {
  BLOCKS,
  describeType,
  formatCount,
  methodText,
  modelParameterCount,
  simplerForm,
  stepsText,
  taskSkills,
  type Analysis,
  type Block,
  type CompareSpec,
  type MethodInfo,
  type Range,
  type DataSpec,
  type ScheduleSpec,
  type TaskSpec,
} from '../../../grammar/src/index.js';
import { alternatives, ATTENTION_LORA_TARGETS, budgetOf } from '../../../grammar/src/services/budgets.js';
import { comparePositions, rangeContains } from '../../../grammar/src/services/lineIndex.js';
import { nodeAt } from '../../../grammar/src/services/nodeAt.js';
import { symbolAt } from '../../../grammar/src/services/symbols.js';
import type { ServerContext } from '../context.js';
import type { Snapshot } from '../documentStore.js';
import { safe } from '../safe.js';
import { functionDoc, paramDoc } from './completion.js';
import { compareEstimate, formatDuration, storedSpeeds } from '../runSpeed.js';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const code = (s: string): string => '```ptx\n' + s + '\n```';

function taskText(t: TaskSpec): string {
  return stepsText(t.steps);
}

function scheduleLines(s: ScheduleSpec): string[] {
  const o = s.optimizer;
  const opt = o.kind === 'adamw' ? `adamw(lr: ${o.lr}, weight_decay: ${o.weightDecay}, beta1: ${o.beta1}, beta2: ${o.beta2})` : `sgd(lr: ${o.lr}, momentum: ${o.momentum}, weight_decay: ${o.weightDecay})`;
  return [`steps: ${s.steps}`, `batch: ${s.batch}`, `seed: ${s.seed}`, `optimizer: ${opt}`, `clip: ${s.clip}`];
}

const THEORY_WHY: Record<'pattern' | 'map', string> = {
  pattern:
    '**Why the theory warns** (`novel-attention-pattern`): context (a prompt, soft prompt or prefix) only rescales the attention over the content and blends in a vector from the prefix values, so it cannot create an attention pattern the pretrained model lacks. LoRA on the query and key weights, or full fine-tuning, can. See docs/diagnostics.md.',
  map: '**Why the theory warns** (`novel-value-map`): context only adds a bias to each layer’s output; it can elicit or combine pretrained skills but cannot add a new value map such as a lookup table. LoRA or full fine-tuning can. See docs/diagnostics.md.',
};

/** Markdown for one method use: its count with the formula, and what the alternatives would train. */
export function methodBudgetMarkdown(m: MethodInfo): string | undefined {
  if (!m.model || m.vocab === null) return undefined;
  const own = budgetOf(m.method, m.model, m.vocab);
  const lines = [`**${formatCount(own.total)} trainable parameters**: \`${own.label}\`: ${own.formula}`, '', 'Same model, other methods:'];
  // The LoRA the theory warning's quick fix suggests (attention targets for a missing pattern), and no prefix
  // longer than the pretraining's reserve.
  const options = { ...(m.theory === 'pattern' ? { loraTargets: ATTENTION_LORA_TARGETS } : {}), ...(m.reserve !== undefined ? { reserve: m.reserve } : {}) };
  for (const a of alternatives(m.method, m.model, m.vocab, options)) lines.push(`- \`${a.label}\`: ${a.formula}`);
  // The theory warning is one sentence; the reasoning behind it is here (and in docs/diagnostics.md).
  if (m.theory) lines.push('', THEORY_WHY[m.theory]);
  return lines.join('\n');
}

/** The data of the runs that use the declared task `name` (pretraining mixes and tuning targets). */
function tasksData(spec: Analysis['spec'], name: string): DataSpec[] {
  const out = new Set<DataSpec>();
  for (const p of spec.pretrains.values()) if (p.tasks.some((t) => t.name === name)) out.add(p.data);
  // A compare's runs all share its task and root: one stands for them.
  const tuned = [...spec.finetunes.values(), ...[...spec.compares.values()].flatMap((c) => c.runs.slice(0, 1))];
  for (const f of tuned) {
    const d = f.task.name === name ? spec.pretrains.get(f.root)?.data : undefined;
    if (d) out.add(d);
  }
  return [...out];
}

/** The block's resolved meaning (names resolved, defaults applied), as the runtime will see it. */
/** How long a compare block may take on this machine, as text, when the store knows the speed of its model. */
export type CompareEstimate = (c: CompareSpec) => string | undefined;

export function describeBlock(analysis: Analysis, block: Block, estimate?: CompareEstimate): string {
  const name = block.name?.text ?? analysis.blockNames.get(block) ?? block.kind;
  const spec = analysis.spec;
  const header = `**${block.kind} ${name}**`;
  switch (block.kind) {
    case 'data': {
      const d = spec.data.get(name);
      if (!d) return header;
      const lines = d.kind === 'digits' ? [`kind: digits`, `values: ${d.values[0]}..${d.values[1]}`, `length: ${d.length}`, `vocab: ${d.vocab}`, `test: ${d.test}`, `repeats: ${d.repeats}`] : [`kind: words`, `words: ${d.words}`, `length: ${d.length}`, `vocab: ${d.vocab} (derived)`, `test: ${d.test}`];
      return `${header}\n\n${code(lines.join('\n'))}`;
    }
    case 'model': {
      const m = spec.models.get(name);
      if (!m) return header;
      return `${header}\n\n${code([`layers: ${m.layers}`, `heads: ${m.heads}`, `width: ${m.width}`, `mlp: ${m.mlp}`, `dropout: ${m.dropout}`, `context: ${m.context}`, `norm: ${m.norm}`].join('\n'))}`;
    }
    case 'task': {
      const t = spec.tasks.get(name);
      if (!t) return header;
      const skillLines = (task: TaskSpec): string => taskSkills(task).map((s) => `- ${s.kind === 'pattern' ? 'attention pattern' : 'value map'}: ${s.label}`).join('\n');
      // On the data of the runs that use it, the theory judges the task by what it computes there.
      const judged: string[] = [];
      for (const d of tasksData(spec, name)) {
        const f = simplerForm(t, d);
        if (f) judged.push(`On data \`${d.name}\` it computes \`${taskText(f.form)}\`, which the theory judges it as; that needs:\n${skillLines(f.form)}`);
      }
      return [`${header} = \`${taskText(t)}\``, `Skills it needs as written:\n${skillLines(t)}`, ...judged].join('\n\n');
    }
    case 'pretrain': {
      const p = spec.pretrains.get(name);
      if (!p) return header;
      const count = modelParameterCount(p.model, p.data.vocab);
      const lines = [`model: ${p.model.name} (${p.model.layers} layers, ${p.model.heads} heads, width ${p.model.width})`, `data: ${p.data.name}`, `tasks: [${p.tasks.map((t) => t.name || taskText(t)).join(', ')}]`, ...scheduleLines(p.schedule), `reserve: ${p.reserve}`];
      return `${header}: ${formatCount(count)} parameters\n\n${code(lines.join('\n'))}`;
    }
    case 'finetune': {
      const f = spec.finetunes.get(name);
      if (!f) return header;
      const lines = [`from: ${f.from}${f.root !== f.from ? ` (pretrained: ${f.root})` : ''}`, `on: ${f.task.name || taskText(f.task)}`, `method: ${methodText(f.method)}`, ...scheduleLines(f.schedule)];
      const m = analysis.methods.find((x) => x.block === block);
      const budget = m ? methodBudgetMarkdown(m) : undefined;
      return `${header}\n\n${code(lines.join('\n'))}${budget ? `\n\n${budget}` : ''}`;
    }
    case 'compare': {
      const c = spec.compares.get(name);
      if (!c) return header;
      const rows = c.groups.flatMap((g) => g.points.map((p) => ({ p, info: analysis.methods.find((x) => x.block === block && x.run === p.runs[0]) })))
        .map(({ p, info }) => `| \`${p.label || methodText(p.method)}\` | ${info?.count ? formatCount(info.count.total) : '?'} | ${info?.count?.formula ?? ''} |`);
      const configs = c.groups.reduce((n, g) => n + g.points.length, 0);
      const grid = configs === c.groups.length ? `${configs} methods` : `${c.groups.length} methods in ${configs} configurations`;
      const time = estimate?.(c);
      return `${header}: ${grid} × ${c.seeds.length} seeds = ${c.runs.length} runs from \`${c.from}\` on \`${c.task.name || taskText(c.task)}\`; selected on validation, verdict at ${(100 * c.learnedAt).toFixed(0)}% test exact match${time ? `\n\n${time}` : ''}\n\n| configuration | trainable | formula |\n|---|---:|---|\n${rows.join('\n')}`;
    }
    case 'evaluate': {
      const e = spec.evaluates.get(name);
      if (!e) return header;
      const lines = [`runs: [${e.runs.join(', ')}]`, `tasks: [${e.tasks.map((t) => t.name || taskText(t)).join(', ')}]`, `samples: ${e.samples}`, `probe: ${e.probe ? `[${e.probe.join(', ')}]` : 'none'}`];
      return `${header}\n\n${code(lines.join('\n'))}`;
    }
  }
}

function blockKeywordDoc(kind: string): string {
  const def = BLOCKS.find((b) => b.keyword === kind);
  if (!def) return kind;
  const keys = def.keys.map((k) => `- \`${k.name}\`: ${k.doc} (${describeType(k.type)}${k.required ? ', required' : ''})`).join('\n');
  return `${code(def.synopsis)}\n\n${def.doc}${keys ? `\n\n${keys}` : ''}`;
}

export function hoverAt(snap: Snapshot, pos: { line: number; character: number }, estimate?: CompareEstimate): { markdown: string; range: Range } | undefined {
  // The syntax tree answers most hovers; the analysis is needed only for resolved blocks and method budgets.
  const sym = symbolAt(snap.ast, snap.declarations, pos);
  if (sym) {
    if (!sym.declaration) return { markdown: `\`${sym.name}\`: no block declares this name`, range: sym.range };
    return { markdown: describeBlock(snap.analysis, sym.declaration.block, estimate), range: sym.range };
  }
  const at = nodeAt(snap.ast, pos);
  if (!at) return undefined;
  switch (at.kind) {
    case 'keyword':
      return { markdown: blockKeywordDoc(at.block.kind), range: at.block.keywordRange };
    case 'block-name':
    case 'from':
      return undefined;
    case 'key':
      return at.param ? { markdown: `**${at.param.name}** (${at.block.kind})\n\n${paramDoc(at.param)}`, range: at.entry.key.range } : undefined;
    case 'argument-name':
      return at.param ? { markdown: `**${at.param.name}** (parameter of ${at.fn?.name})\n\n${paramDoc(at.param)}`, range: at.arg.key!.range } : undefined;
    case 'number':
      return undefined;
    case 'call': {
      const range = at.call.name.range;
      if (at.fn) {
        const parts = [functionDoc(at.fn)];
        if (at.fn.category === 'method') {
          // The method use whose value holds the cursor (a finetune's method or one of a compare's methods).
          const use = snap.analysis.methods.find((m) => rangeContains(m.range, pos) && comparePositions(m.range.start, at.call.range.start) === 0);
          const budget = use ? methodBudgetMarkdown(use) : undefined;
          if (budget) parts.unshift(budget);
        }
        return { markdown: parts.join('\n\n---\n\n'), range };
      }
      if (at.owner) return { markdown: `\`${at.call.name.text}\`: value of **${at.owner.name}**\n\n${paramDoc(at.owner)}`, range };
      return undefined;
    }
  }
}

/**
 * The estimate from the store beside the spec (the default store location; a store the
 * `ptx.storeDirectory` setting puts elsewhere is the client's to know, and then no estimate is shown).
 */
function storeEstimate(uri: string, analysis: Analysis): CompareEstimate | undefined {
  if (!uri.startsWith('file:')) return undefined;
  const store = join(dirname(fileURLToPath(uri)), '.ptx');
  return (c) => {
    const root = analysis.spec.pretrains.get(c.runs[0]?.root ?? '');
    if (!root) return undefined;
    const samples = storedSpeeds(store);
    const est = compareEstimate(c, root.model, root.reserve + 2 * root.data.length, samples);
    if (!est) return undefined;
    return `At most about **${formatDuration(est.seconds)}** of training here, one run after another (at the speed of ${est.basis} stored run${est.basis === 1 ? '' : 's'} of this model; early stopping ends learned runs sooner, parallel jobs divide it).`;
  };
}

export function registerHover(ctx: ServerContext): void {
  ctx.connection.onHover(
    safe(ctx.connection, 'hover', null, (params: HoverParams): Hover | null => {
      const snap = ctx.store.get(params.textDocument.uri);
      if (!snap) return null;
      const h = hoverAt(snap, params.position, storeEstimate(params.textDocument.uri, snap.analysis));
      return h ? { contents: { kind: MarkupKind.Markdown, value: h.markdown }, range: h.range } : null;
    }),
  );
}
