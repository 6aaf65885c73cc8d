// How fast this machine trains, as the store beside a spec knows it: the training time and steps of every
// finished run, by the size of the model it trained and the method, read from the runtime's documented layout
// (`<store>/runs/<hash>/manifest.json`: the run's key and summary; a manifest is written last, so a folder
// without one is ignored). The hover of a compare block turns it into an estimate of the block's time. The
// server does not import the runtime: this is a read-only look at the files, cached for a few seconds.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CompareSpec, ModelSpec } from '../../grammar/src/index.js';

const TTL_MS = 5000;

/** Seconds per step of one stored run, with what its speed depends on. */
interface SpeedSample {
  shape: string;
  method: string;
  secondsPerStep: number;
}

interface StoredKey {
  kind?: string;
  parent?: string;
  model?: Partial<ModelSpec>;
  data?: { length?: number };
  reserve?: number;
  method?: { kind?: string };
  schedule?: { batch?: number };
}

interface StoredInfo {
  steps?: number;
  stoppedAt?: number | null;
  elapsedMs?: number;
}

/** What a step's cost depends on: the model's sizes, the sequence and the batch. */
export function shapeKey(m: Pick<ModelSpec, 'layers' | 'heads' | 'width' | 'mlp'>, sequence: number, batch: number): string {
  return `${m.layers}/${m.heads}/${m.width}/${m.mlp}/${sequence}/${batch}`;
}

const cache = new Map<string, { at: number; samples: SpeedSample[] }>();

export function storedSpeeds(store: string): SpeedSample[] {
  const hit = cache.get(store);
  if (hit && Date.now() - hit.at < TTL_MS) return hit.samples;
  const entries = new Map<string, { key: StoredKey; info: StoredInfo }>();
  const root = join(store, 'runs');
  for (const hash of list(root)) {
    try {
      const m = JSON.parse(readFileSync(join(root, hash, 'manifest.json'), 'utf8')) as { key?: StoredKey; info?: StoredInfo };
      if (m.key && m.info) entries.set(hash, { key: m.key, info: m.info });
    } catch {
      // Not finished, or not ours to judge: the runtime verifies and repairs entries.
    }
  }
  // A finetune's model, sequence and batch are its pretrained root's (model and layout) and its own (batch).
  const rootOf = (hash: string): StoredKey | undefined => {
    let k = entries.get(hash)?.key;
    for (let depth = 0; k && k.kind !== 'pretrain' && depth < 64; depth++) k = k.parent ? entries.get(k.parent)?.key : undefined;
    return k?.kind === 'pretrain' ? k : undefined;
  };
  const samples: SpeedSample[] = [];
  for (const [hash, { key, info }] of entries) {
    const root = rootOf(hash);
    const m = root?.model;
    const steps = info.stoppedAt ?? info.steps;
    if (!root || !m || !m.layers || !m.heads || !m.width || !m.mlp || !steps || !info.elapsedMs || !key.schedule?.batch) continue;
    const sequence = (root.reserve ?? 0) + 2 * (root.data?.length ?? 0);
    samples.push({
      shape: shapeKey(m as ModelSpec, sequence, key.schedule.batch),
      method: key.kind === 'pretrain' ? 'full' : (key.method?.kind ?? 'full'),
      secondsPerStep: info.elapsedMs / 1000 / steps,
    });
  }
  cache.set(store, { at: Date.now(), samples });
  return samples;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/**
 * The longest a compare block can take here, run after run: each run's step budget at the median speed of
 * stored runs of the same model, sequence, batch and method (else of the same model with any method). Null
 * when no stored run has that model. Early stopping usually ends learned runs sooner.
 */
export function compareEstimate(c: CompareSpec, model: ModelSpec, sequence: number, samples: readonly SpeedSample[]): { seconds: number; basis: number } | null {
  let seconds = 0;
  const used = new Set<SpeedSample>();
  for (const run of c.runs) {
    const shape = shapeKey(model, sequence, run.schedule.batch);
    const same = samples.filter((s) => s.shape === shape);
    const exact = same.filter((s) => s.method === run.method.kind);
    const basis = exact.length ? exact : same;
    if (basis.length === 0) return null;
    for (const s of basis) used.add(s);
    seconds += run.schedule.steps * median(basis.map((s) => s.secondsPerStep));
  }
  return { seconds, basis: used.size };
}

export function formatDuration(seconds: number): string {
  if (seconds < 90) return `${Math.round(seconds)} s`;
  if (seconds < 5400) return `${Math.round(seconds / 60)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}

function list(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
