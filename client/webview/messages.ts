// The messages between the extension (host) and the panels' browser code (view), both ways, with
// validators: each side checks what arrives before using it (a webview is a separate, untrusted process
// from the host's point of view, and the host's data comes from files on disk).
import type { AttentionRecord } from '../../runtime/src/engine/types.js';
import { REPORT_FORMAT, type EvalRecord, type ReportData, type RunRecord } from '../../runtime/src/report/data.js';

export type ViewKind = 'results' | 'attention';

export interface ViewState {
  view: ViewKind;
  /** The spec whose store the panel shows (the serializer reopens it from this). */
  specUri: string | null;
  sort: { column: string; descending: boolean } | null;
  includeEarlier: boolean;
  /** Attention: the chosen evaluation (by hash) and the zoomed head. */
  attention: { eval: string | null; zoom: { layer: number; head: number } | null };
}

export type HostMessage =
  | { type: 'data'; data: ReportData; specUri: string; focus?: { run?: string; view?: ViewKind } }
  | { type: 'live'; run: string; step: number; steps: number; loss: number }
  | { type: 'live-end'; run: string };

export type ViewMessage =
  | { type: 'ready' }
  | { type: 'export'; format: 'svg' | 'png'; name: string; content: string }
  | { type: 'open-attention'; run: string }
  | { type: 'refresh' }
  /** The empty panel's Train button: run the whole spec. */
  | { type: 'run-spec' };

type Obj = Record<string, unknown>;
const isObj = (x: unknown): x is Obj => typeof x === 'object' && x !== null && !Array.isArray(x);
const isNum = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);
const isStr = (x: unknown): x is string => typeof x === 'string';
const isNumArray = (x: unknown): x is number[] => Array.isArray(x) && x.every(isNum);
const nested = (x: unknown, depth: number): boolean => (depth === 1 ? isNumArray(x) : Array.isArray(x) && x.every((y) => nested(y, depth - 1)));

function isAttention(x: unknown): x is AttentionRecord {
  if (!isObj(x)) return false;
  return (
    isNumArray(x.tokens) &&
    isNum(x.prefixKeys) &&
    nested(x.attention, 4) &&
    (x.alpha === null || nested(x.alpha, 3)) &&
    (x.relativeChange === null || isNumArray(x.relativeChange))
  );
}

function isRun(x: unknown): x is RunRecord {
  if (!isObj(x)) return false;
  const curve = x.curve;
  const layout = x.layout;
  return (
    isStr(x.hash) && isStr(x.name) && (x.kind === 'pretrain' || x.kind === 'finetune') && isStr(x.method) &&
    ['full', 'lora', 'prefix', 'soft_prompt', 'prompt'].includes(x.methodKind as string) &&
    isNum(x.contextLength) && typeof x.kvPrefix === 'boolean' && isStr(x.backend) && isNum(x.threads) && isNum(x.seed) &&
    isNum(x.steps) && isNum(x.trainable) && isNum(x.elapsedMs) && (x.finalLoss === null || isNum(x.finalLoss)) &&
    isStr(x.written) && (x.parent === null || isStr(x.parent)) && (x.group === null || isStr(x.group)) && typeof x.current === 'boolean' &&
    (layout === null || (isObj(layout) && isNum(layout.reserve) && isNum(layout.length) && isNum(layout.vocab))) &&
    isObj(curve) && isNumArray(curve.steps) && isNumArray(curve.losses) && curve.steps.length === curve.losses.length &&
    isNumArray(x.resumedAt) &&
    Array.isArray(x.validation) && x.validation.every((p) => isObj(p) && isNum(p.step) && isNum(p.exact) && isNum(p.perToken) && isNum(p.loss)) &&
    (x.stopped === null || (isObj(x.stopped) && isNum(x.stopped.step) && (x.stopped.reason === 'target' || x.stopped.reason === 'plateau')))
  );
}

/** A verdict is drawn as text: its strings and numbers are checked, the grid only for its shape. */
function isVerdict(x: unknown): boolean {
  if (!isObj(x)) return false;
  const sel = x.selected;
  return (
    isStr(x.compare) && isStr(x.task) && isStr(x.method) && isStr(x.message) && isNum(x.learnedAt) && Array.isArray(x.grid) &&
    ['learned', 'not-learned', 'inconclusive', 'incomplete'].includes(x.verdict as string) &&
    (sel === null || (isObj(sel) && isStr(sel.label) && (sel.test === null || (isObj(sel.test) && isNum(sel.test.mean) && isNum(sel.test.std) && isNum(sel.test.n)))))
  );
}

function isEval(x: unknown): x is EvalRecord {
  if (!isObj(x)) return false;
  return (
    isStr(x.hash) && isStr(x.runHash) && isStr(x.run) && isStr(x.task) && isNum(x.exact) && isNum(x.perToken) && isNum(x.samples) &&
    (x.probe === null || isNumArray(x.probe)) && (x.reference === null || isStr(x.reference)) && isStr(x.written) &&
    typeof x.current === 'boolean' && (x.attention === null || isAttention(x.attention))
  );
}

function isBlock(x: unknown): boolean {
  return isObj(x) && isStr(x.name) && ['pretrain', 'finetune', 'compare', 'evaluate'].includes(x.kind as string) && Array.isArray(x.runs) && x.runs.every(isStr);
}

export function isReportData(x: unknown): x is ReportData {
  return (
    isObj(x) && x.format === REPORT_FORMAT && isStr(x.spec) && isStr(x.generated) && isNum(x.specErrors) && Array.isArray(x.blocks) && x.blocks.every(isBlock) &&
    Array.isArray(x.runs) && x.runs.every(isRun) && Array.isArray(x.evals) && x.evals.every(isEval) &&
    Array.isArray(x.verdicts) && x.verdicts.every(isVerdict)
  );
}

const isView = (x: unknown): x is ViewKind => x === 'results' || x === 'attention';

/** The host's message, or null when it is not one (the view ignores it). */
export function parseHostMessage(x: unknown): HostMessage | null {
  if (!isObj(x)) return null;
  switch (x.type) {
    case 'data': {
      if (!isReportData(x.data) || !isStr(x.specUri)) return null;
      const f = x.focus;
      if (f !== undefined && !(isObj(f) && (f.run === undefined || isStr(f.run)) && (f.view === undefined || isView(f.view)))) return null;
      return { type: 'data', data: x.data, specUri: x.specUri, ...(f ? { focus: f as { run?: string; view?: ViewKind } } : {}) };
    }
    case 'live':
      return isStr(x.run) && isNum(x.step) && isNum(x.steps) && isNum(x.loss) ? { type: 'live', run: x.run, step: x.step, steps: x.steps, loss: x.loss } : null;
    case 'live-end':
      return isStr(x.run) ? { type: 'live-end', run: x.run } : null;
    default:
      return null;
  }
}

/** Largest export the host accepts (a PNG of a big attention grid at 2× is a few MB). */
export const MAX_EXPORT_CHARS = 40_000_000;

/** The view's message, or null when it is not one (the host ignores it). */
export function parseViewMessage(x: unknown): ViewMessage | null {
  if (!isObj(x)) return null;
  switch (x.type) {
    case 'ready':
    case 'refresh':
    case 'run-spec':
      return { type: x.type };
    case 'export': {
      if ((x.format !== 'svg' && x.format !== 'png') || !isStr(x.name) || !isStr(x.content) || x.content.length > MAX_EXPORT_CHARS) return null;
      if (!/^[\w.() -]{1,80}$/.test(x.name)) return null;
      if (x.format === 'svg' && !x.content.startsWith('<svg')) return null;
      if (x.format === 'png' && !x.content.startsWith('data:image/png;base64,')) return null;
      return { type: 'export', format: x.format, name: x.name, content: x.content };
    }
    case 'open-attention':
      return isStr(x.run) && /^[0-9a-f]{8,128}$/.test(x.run) ? { type: 'open-attention', run: x.run } : null;
    default:
      return null;
  }
}

export function defaultState(view: ViewKind = 'results'): ViewState {
  return { view, specUri: null, sort: null, includeEarlier: false, attention: { eval: null, zoom: null } };
}

/** A stored state (from getState or the serializer), or the default when it is missing or malformed. */
export function parseState(x: unknown, fallbackView: ViewKind = 'results'): ViewState {
  const d = defaultState(fallbackView);
  if (!isObj(x)) return d;
  const sort = isObj(x.sort) && isStr(x.sort.column) && typeof x.sort.descending === 'boolean' ? { column: x.sort.column, descending: x.sort.descending } : null;
  const att = isObj(x.attention) ? x.attention : {};
  const zoom = isObj(att.zoom) && isNum(att.zoom.layer) && isNum(att.zoom.head) ? { layer: att.zoom.layer, head: att.zoom.head } : null;
  return {
    view: isView(x.view) ? x.view : d.view,
    specUri: isStr(x.specUri) ? x.specUri : null,
    sort,
    includeEarlier: x.includeEarlier === true,
    attention: { eval: isStr(att.eval) ? att.eval : null, zoom },
  };
}
