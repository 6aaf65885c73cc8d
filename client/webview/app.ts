// The results and attention views in the browser: one app for the editor's panels and the standalone
// HTML report. It keeps the view state, renders the shared figures (render/) into the page, and handles
// sorting, zoom, hover values and export. The host (host.ts) is what differs: VS Code's webview API or
// the report file itself.
import type { EvalRecord, ReportData, RunRecord } from '../../runtime/src/report/data.js';
import { lossChart, type Series } from './render/curves.js';
import { attentionGrid, headZoom, relativeChangeChart } from './render/heatmap.js';
import { attentionEvals, compareSummaries, hasEarlier, referenceEval, tableRows, tokenLabels, visibleRuns } from './render/select.js';
import { shortRunLabels } from './render/labels.js';
import { runStyles, swatch } from './render/palette.js';
import { compareTables, resultsTable } from './render/table.js';
import { verdictTables } from './render/verdicts.js';
import { esc, formatLoss } from './render/text.js';
import { readTheme, type Theme } from './render/theme.js';
import { defaultState, parseState, type HostMessage, type ViewKind, type ViewMessage, type ViewState } from './messages.js';

export interface Host {
  readonly kind: 'vscode' | 'report';
  loadState(): unknown;
  saveState(state: ViewState): void;
  post(message: ViewMessage): void;
  /** Saves an export: SVG text or a PNG data URL. */
  save(name: string, format: 'svg' | 'png', content: string): void;
}

interface Live {
  steps: number[];
  losses: number[];
  total: number;
  running: boolean;
}

export class App {
  private data: ReportData | null = null;
  private state: ViewState;
  private readonly live = new Map<string, Live>();
  private tip: HTMLDivElement | null = null;

  constructor(
    private readonly root: HTMLElement,
    private readonly host: Host,
    view: ViewKind,
  ) {
    this.state = parseState(host.loadState(), view);
    root.addEventListener('click', (e) => this.onClick(e));
    root.addEventListener('change', (e) => this.onChange(e));
    root.addEventListener('mouseover', (e) => this.onHover(e));
    root.addEventListener('mouseleave', () => this.hideTip());
    root.addEventListener('keydown', (e) => {
      const g = (e.target as Element).closest?.('g.head');
      if (g && (e.key === 'Enter' || e.key === ' ')) this.zoomTo(g);
    });
  }

  get view(): ViewKind {
    return this.state.view;
  }

  receive(msg: HostMessage): void {
    if (msg.type === 'data') {
      this.data = msg.data;
      this.state.specUri = msg.specUri;
      if (msg.focus?.view) this.state.view = msg.focus.view;
      if (msg.focus?.run) this.focusRun(msg.focus.run);
      // Stored curves replace the live ones of runs that have finished.
      for (const [name, l] of this.live) if (!l.running) this.live.delete(name);
    } else if (msg.type === 'live') {
      const l = this.live.get(msg.run) ?? { steps: [], losses: [], total: msg.steps, running: true };
      if (l.steps.length && msg.step <= l.steps[l.steps.length - 1]!) l.steps.length = l.losses.length = 0; // restarted
      l.steps.push(msg.step);
      l.losses.push(msg.loss);
      l.total = msg.steps;
      l.running = true;
      this.live.set(msg.run, l);
    } else {
      const l = this.live.get(msg.run);
      if (l) l.running = false;
    }
    this.save();
    this.render();
  }

  /** Shows one run's attention (by run name or hash). */
  focusRun(run: string): void {
    if (!this.data) return;
    const ev = this.data.evals.find((e) => e.attention && (e.runHash === run || e.run === run));
    if (ev) this.state.attention = { eval: ev.hash, zoom: null };
  }

  private save(): void {
    this.host.saveState(this.state);
  }

  private theme(): Theme {
    return readTheme(getComputedStyle(document.documentElement));
  }

  /** The content width of the panel (figures are drawn to it, and redrawn when it changes). */
  private width(): number {
    const style = getComputedStyle(this.root);
    const pad = (parseFloat(style.paddingLeft) || 0) + (parseFloat(style.paddingRight) || 0);
    return Math.max(280, (this.root.clientWidth || document.documentElement.clientWidth || 900) - pad - 2);
  }

  render(): void {
    const theme = this.theme();
    const tabs =
      this.host.kind === 'report'
        ? `<nav class="tabs" role="tablist">${(['results', 'attention'] as const)
            .map((v) => `<button type="button" role="tab" data-tab="${v}" aria-selected="${this.state.view === v}">${v === 'results' ? 'Results' : 'Attention'}</button>`)
            .join('')}</nav>`
        : '';
    const d = this.data;
    const title = d ? `${this.state.view === 'results' ? 'Results' : 'Attention'} · ${esc(d.spec)}` : 'PTX Lab';
    const mine = d ? d.runs.filter((r) => r.current).length : 0;
    const sub = d ? `<span class="muted">${mine} run${mine === 1 ? '' : 's'} of this spec · read ${esc(new Date(d.generated).toLocaleTimeString())}</span>` : '';
    const body = !d ? '<p class="empty">Loading results…</p>' : this.state.view === 'results' ? this.resultsView(d, theme) : this.attentionView(d, theme);
    this.root.innerHTML = `<header><h1>${title}</h1>${sub}</header>${tabs}<main data-view="${this.state.view}">${body}</main><div class="tip" role="status" hidden></div>`;
    this.tip = this.root.querySelector('.tip');
  }

  private figure(name: string, svg: string, caption = ''): string {
    return (
      `<figure class="fig" data-name="${esc(name)}"><div class="fig-tools"><button type="button" data-export="svg" title="Save this figure as SVG">SVG</button>` +
      `<button type="button" data-export="png" title="Save this figure as PNG">PNG</button></div>${svg}${caption ? `<figcaption>${caption}</figcaption>` : ''}</figure>`
    );
  }

  private resultsView(d: ReportData, theme: Theme): string {
    if (d.specErrors) {
      return `<p class="empty" data-empty="errors">${esc(d.spec)} has ${d.specErrors} error${d.specErrors === 1 ? '' : 's'}: its results show again when it is fixed (see Problems).</p>`;
    }
    const runs = visibleRuns(d, this.state.includeEarlier);
    const rows = tableRows(d, runs);
    const withAttention = new Set(attentionEvals(d, runs).map((e) => e.runHash));
    const running = [...this.live.entries()].filter(([, l]) => l.running);
    const style = runStyles(d, [...this.live.keys()], theme);
    const label = (() => {
      const labels = shortRunLabels([...runs.map((r) => r.name), ...this.live.keys()]);
      return (name: string) => labels.get(name) ?? name;
    })();
    const liveLines = running
      .map(([name, l]) => {
        const step = l.steps[l.steps.length - 1] ?? 0;
        const loss = l.losses[l.losses.length - 1];
        return `<li data-live="${esc(name)}" title="${esc(name)}">${swatch(style(name).colour)}<strong>${esc(label(name))}</strong> <progress max="${l.total}" value="${step}"></progress> ${step}/${l.total}${loss !== undefined ? ` · loss ${esc(formatLoss(loss))}` : ''}</li>`;
      })
      .join('');
    const earlier = hasEarlier(d)
      ? `<label class="toggle"><input type="checkbox" id="earlier"${this.state.includeEarlier ? ' checked' : ''}> include results of earlier versions of its blocks</label>`
      : '';
    const series: Series[] = runs
      .filter((r) => r.curve.steps.length && !this.live.get(r.name)?.running)
      .map((r) => ({ id: r.hash, label: label(r.name) + (r.current ? '' : ' (earlier)'), title: r.name, steps: r.curve.steps, losses: r.curve.losses, ...style(r.name) }));
    for (const [name, l] of this.live) {
      if (l.running || !runs.some((r) => r.name === name)) series.push({ id: `live:${name}`, label: label(name), title: name, steps: l.steps, losses: l.losses, live: l.running, ...style(name) });
    }
    const compare = compareTables(compareSummaries(rows));
    const verdicts = verdictTables(d.verdicts);
    // Validation exact match during training (finetunes), in each run's colour; where early stopping ended
    // a run, its legend says so.
    const validation: Series[] = runs
      .filter((r) => r.validation.length > 0)
      .map((r) => ({
        id: `val:${r.hash}`,
        label: label(r.name) + (r.stopped ? ` · stopped at ${r.stopped.step}` : ''),
        title: r.stopped ? `${r.name}: stopped at step ${r.stopped.step} (${r.stopped.reason === 'target' ? 'validation target reached' : 'validation plateau'})` : r.name,
        steps: r.validation.map((p) => p.step),
        losses: r.validation.map((p) => p.exact),
        ...style(r.name),
      }));
    const table = resultsTable(rows, this.state.sort, withAttention, { label, style });
    const train = this.host.kind === 'vscode' ? ` <button type="button" data-run-spec title="Run every block of ${esc(d.spec)}">▷ Train</button>` : '';
    const empty = running.length ? '' : `<p class="empty" data-empty="none">No results yet for ${esc(d.spec)} as it is now —${train || ' run it with ptx run'}</p>`;
    return (
      (liveLines ? `<section class="live"><h2>Training</h2><ul>${liveLines}</ul></section>` : '') +
      (table ? `<section><h2>Accuracy</h2>${earlier}${table}</section>` : `${empty}${earlier}`) +
      (verdicts ? `<section><h2>Verdicts <span class="muted">(selected on validation, reported on test)</span></h2>${verdicts}</section>` : '') +
      (compare ? `<section><h2>Compare blocks <span class="muted">(mean ± std over seeds)</span></h2>${compare}</section>` : '') +
      (series.length ? `<section><h2>Loss curves</h2>${this.figure('loss-curves', lossChart(series, theme, { width: this.width() }))}</section>` : '') +
      (validation.length
        ? `<section><h2>Validation exact match</h2>${this.figure('validation-curves', lossChart(validation, theme, { width: this.width(), yLabel: 'validation exact match', fixed: { min: 0, max: 1, percent: true }, figure: 'validation' }))}</section>`
        : '')
    );
  }

  private attentionView(d: ReportData, theme: Theme): string {
    if (d.specErrors) return `<p class="empty" data-empty="errors">${esc(d.spec)} has ${d.specErrors} error${d.specErrors === 1 ? '' : 's'}: its attention maps show again when it is fixed.</p>`;
    const runs = visibleRuns(d, true);
    const byHash = new Map(runs.map((r) => [r.hash, r]));
    const evals = attentionEvals(d, runs);
    if (evals.length === 0) {
      return '<p class="empty">No attention records yet. Give an evaluate block a <code>probe: [...]</code> and run it.</p>';
    }
    let ev = evals.find((e) => e.hash === this.state.attention.eval);
    if (!ev) {
      ev = evals.find((e) => byHash.get(e.runHash)?.kind === 'finetune' && byHash.get(e.runHash)?.current) ?? evals[0]!;
      this.state.attention = { eval: ev.hash, zoom: null };
    }
    const run = byHash.get(ev.runHash)!;
    const options = evals
      .map((e) => {
        const r = byHash.get(e.runHash);
        const label = `${e.run}${r && !r.current ? ' (earlier version)' : ''} · probe [${(e.probe ?? []).join(' ')}]`;
        return `<option value="${esc(e.hash)}"${e === ev ? ' selected' : ''}>${esc(label)}</option>`;
      })
      .join('');
    const ref = referenceEval(d, ev);
    const refRun = ref ? byHash.get(ref.runHash) : undefined;
    const side = ref && refRun ? 2 : 1;
    const gridWidth = Math.max(360, Math.floor(this.width() / side) - 24);
    const grid = (e: EvalRecord, r: RunRecord, title: string, zoomable: boolean) =>
      attentionGrid(e.attention!, tokenLabels(r, e.attention!.tokens, e.attention!.prefixKeys), theme, {
        title,
        width: gridWidth,
        selected: zoomable ? this.state.attention.zoom : null,
      });
    let html = `<div class="picker"><label>run <select id="att-run">${options}</select></label> <span class="muted">${esc(run.method)} · ${esc(describeRun(run))}</span></div>`;
    html += `<div class="side">${this.figure(`attention-${slug(run.name)}`, grid(ev, run, run.name, true), 'click a head to zoom · hover a cell for its value')}`;
    if (ref && refRun) html += this.figure(`attention-${slug(refRun.name)}`, grid(ref, refRun, `${refRun.name} (pretrained)`, false), 'the same probe before tuning');
    html += '</div>';
    if (!ref && run.kind === 'finetune') html += `<p class="note">The pretrained model's attention on this probe is not in the store: add the pretrained run to the evaluate block to see it side by side.</p>`;
    const z = this.state.attention.zoom;
    const att = ev.attention!;
    if (z && z.layer < att.attention.length && z.head < (att.attention[z.layer]?.length ?? 0)) {
      const labels = tokenLabels(run, att.tokens, att.prefixKeys);
      html += `<section class="zoom"><h2>Layer ${z.layer + 1}, head ${z.head + 1} <button type="button" class="link" data-close-zoom>close</button></h2>`;
      html += this.figure(`attention-${slug(run.name)}-L${z.layer + 1}H${z.head + 1}`, headZoom(att, labels, z.layer, z.head, theme, { title: `${run.name} · layer ${z.layer + 1}, head ${z.head + 1}`, width: Math.min(this.width(), 900) }));
      html += '</section>';
    }
    if (att.alpha) {
      const means = att.alpha.map((layer) => layer.map((head) => head.reduce((a, b) => a + b, 0) / Math.max(1, head.length)));
      html += `<p class="note">Prefix share α (the strip right of each map): the fraction of each query's attention on the prefix; mean per layer and head ${means.map((l, i) => `L${i + 1} [${l.map((a) => a.toFixed(3)).join(', ')}]`).join(' · ')}.</p>`;
    }
    if (att.relativeChange) html += `<section><h2>Relative attention vs. the theory</h2>${this.figure(`relative-change-${slug(run.name)}`, relativeChangeChart(att.relativeChange, run, theme, { width: this.width() }))}</section>`;
    return html;
  }

  private onClick(e: Event): void {
    const t = e.target as Element;
    const sortBtn = t.closest('[data-sort]');
    if (sortBtn) {
      const column = sortBtn.getAttribute('data-sort')!;
      const s = this.state.sort;
      this.state.sort = s && s.column === column ? { column, descending: !s.descending } : { column, descending: column !== 'run' && column !== 'task' && column !== 'method' && column !== 'backend' };
      return this.commit();
    }
    const exp = t.closest('[data-export]');
    if (exp) return void this.exportFigure(exp.closest('figure')!, exp.getAttribute('data-export') as 'svg' | 'png');
    const att = t.closest('[data-attention]');
    if (att) {
      const hash = att.getAttribute('data-attention')!;
      if (this.host.kind === 'vscode') return this.host.post({ type: 'open-attention', run: hash });
      this.state.view = 'attention';
      this.focusRun(hash);
      return this.commit();
    }
    if (t.closest('[data-run-spec]')) return this.host.post({ type: 'run-spec' });
    const tab = t.closest('[data-tab]');
    if (tab) {
      this.state.view = tab.getAttribute('data-tab') as ViewKind;
      return this.commit();
    }
    if (t.closest('[data-close-zoom]')) {
      this.state.attention.zoom = null;
      return this.commit();
    }
    const head = t.closest('g.head');
    if (head) this.zoomTo(head);
  }

  private zoomTo(g: Element): void {
    this.state.attention.zoom = { layer: Number(g.getAttribute('data-l')), head: Number(g.getAttribute('data-h')) };
    this.commit();
    this.root.querySelector('.zoom')?.scrollIntoView({ block: 'nearest' });
  }

  private onChange(e: Event): void {
    const t = e.target as HTMLInputElement | HTMLSelectElement;
    if (t.id === 'earlier') this.state.includeEarlier = (t as HTMLInputElement).checked;
    else if (t.id === 'att-run') this.state.attention = { eval: t.value, zoom: null };
    else return;
    this.commit();
  }

  private commit(): void {
    this.save();
    this.render();
  }

  private onHover(e: Event): void {
    const t = e.target as Element;
    if (!this.tip) return;
    const cell = t.closest('rect.cell, rect.alpha, rect.change');
    if (!cell || !this.data) return this.hideTip();
    const l = Number(cell.getAttribute('data-l'));
    let text: string;
    if (cell.classList.contains('change')) text = `layer ${l + 1}: largest |Δ relative attention| = ${cell.getAttribute('data-v')}`;
    else {
      const svg = cell.closest('svg');
      const q = Number(cell.getAttribute('data-q'));
      const qLabel = svg?.querySelectorAll('text.qlabel')[q]?.textContent ?? String(q);
      if (cell.classList.contains('alpha')) text = `layer ${l + 1} head ${Number(cell.getAttribute('data-h')) + 1} · query ${q} (${qLabel}) · α = ${cell.getAttribute('data-alpha')}`;
      else {
        const k = Number(cell.getAttribute('data-k'));
        const kLabel = svg?.querySelectorAll('text.klabel')[k]?.textContent ?? String(k);
        text = `layer ${l + 1} head ${Number(cell.getAttribute('data-h')) + 1} · query ${q} (${qLabel}) → key ${k} (${kLabel}): ${cell.getAttribute('data-v')}`;
      }
    }
    const r = cell.getBoundingClientRect();
    this.tip.textContent = text;
    this.tip.hidden = false;
    this.tip.style.left = `${Math.round(r.right + window.scrollX + 8)}px`;
    this.tip.style.top = `${Math.round(r.top + window.scrollY - 4)}px`;
  }

  private hideTip(): void {
    if (this.tip) this.tip.hidden = true;
  }

  private exportFigure(fig: Element, format: 'svg' | 'png'): void {
    const svg = fig.querySelector('svg');
    if (!svg) return;
    const name = (fig.getAttribute('data-name') ?? 'figure').replace(/[^\w.() -]/g, '_').slice(0, 70);
    const text = new XMLSerializer().serializeToString(svg);
    if (format === 'svg') return this.host.save(`${name}.svg`, 'svg', text);
    const w = Number(svg.getAttribute('width'));
    const h = Number(svg.getAttribute('height'));
    const img = new Image();
    img.onload = () => {
      const scale = 2; // crisp on high-density screens and in documents
      const canvas = document.createElement('canvas');
      canvas.width = w * scale;
      canvas.height = h * scale;
      const ctx = canvas.getContext('2d')!;
      ctx.scale(scale, scale);
      ctx.drawImage(img, 0, 0, w, h);
      this.host.save(`${name}.png`, 'png', canvas.toDataURL('image/png'));
    };
    img.src = 'data:image/svg+xml;base64,' + base64(new TextEncoder().encode(text));
  }
}

function base64(bytes: Uint8Array): string {
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin);
}

function slug(s: string): string {
  return s.replace(/[^\w.()-]+/g, '_');
}

function describeRun(r: RunRecord): string {
  const layout = r.layout ? ` · ${r.layout.reserve} reserved positions, input length ${r.layout.length}` : '';
  return `${r.trainable.toLocaleString('en-US')} trainable params · seed ${r.seed}${layout}`;
}

export { defaultState };
