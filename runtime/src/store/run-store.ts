// The on-disk store beside a spec: `.ptx/runs/<hash>/` per training run, named by the hash of everything
// that determines it (plan/keys.ts), holding
//   checkpoint.bin + checkpoint.json   the final trainer snapshot (float32 tensors + JSON index)
//   merged.bin + merged.json           LoRA runs: the weights with the adapters folded in
//   metrics.json                       the loss curve
//   manifest.json                      sha256 of each file, written last (entry.ts)
//   evals/<hash>/                      evaluations of this run: result.json, attention.json, manifest.json
//   resume/                            a stopped run's snapshot (its own manifest), removed on completion
// and `.ptx/quarantine/` for what did not verify (quarantine.ts). Every file is written atomically; an
// entry counts only when its manifest verifies. File-system failures are StoreErrors naming the path.
import { existsSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { quarantine } from './quarantine.js';
import { makeFolder, onPath } from './store-error.js';
import type { NamedTensors, TrainerSnapshot } from '../engine/types.js';
import { EntryWriter, loadEntry, verifyEntry, type EntryStatus } from './entry.js';
import { decodeTensors, encodeTensors, groupTensors, ungroupTensors, type TensorIndex } from './tensors.js';
import type { EvalInfo, ResumeState, RunInfo, RunMetrics, StoredEval } from './records.js';

const SNAPSHOT_GROUPS = ['weights', 'adapter', 'optimizer'] as const;

/** A finished run as stored: its final snapshot, loss curve and summary. */
export interface StoredRun {
  snapshot: TrainerSnapshot;
  /**
   * The model with the method's weight changes folded in (LoRA), which finetunes from this run start
   * from; null when it equals `snapshot.weights` (pretraining, full fine-tuning).
   */
  merged: NamedTensors | null;
  metrics: RunMetrics;
  info: RunInfo;
}

function encodeSnapshot(s: TrainerSnapshot): { index: TensorIndex & { step: number; rng: number[] }; bin: Uint8Array } {
  const { index, bin } = encodeTensors(groupTensors({ weights: s.weights, adapter: s.adapter, optimizer: s.optimizer }));
  return { index: { ...index, step: s.step, rng: [...s.rng] }, bin };
}

function decodeSnapshot(indexJson: Buffer, bin: Buffer): TrainerSnapshot {
  const index = JSON.parse(indexJson.toString('utf8')) as TensorIndex & { step: number; rng: number[] };
  const g = ungroupTensors(decodeTensors(index, bin), SNAPSHOT_GROUPS);
  return { step: index.step, rng: index.rng, weights: g.weights!, adapter: g.adapter!, optimizer: g.optimizer! };
}

function json<T>(files: Map<string, Buffer>, name: string): T {
  const b = files.get(name);
  if (!b) throw new Error(`${name} is not in the entry`);
  return JSON.parse(b.toString('utf8')) as T;
}

export class RunStore {
  constructor(readonly root: string) {}

  /** The store of a spec file: `.ptx/` in the spec's folder. */
  static besideSpec(specPath: string): RunStore {
    return new RunStore(join(dirname(resolve(specPath)), '.ptx'));
  }

  runDir(hash: string): string {
    return join(this.root, 'runs', hash);
  }

  evalDir(runHash: string, evalHash: string): string {
    return join(this.runDir(runHash), 'evals', evalHash);
  }

  resumeDir(hash: string): string {
    return join(this.runDir(hash), 'resume');
  }

  private ensureRoot(): void {
    const runs = join(this.root, 'runs');
    makeFolder(runs);
    // Results are local artefacts: keep them out of the user's version control by default.
    const ignore = join(this.root, '.gitignore');
    onPath(ignore, 'write', () => {
      if (!existsSync(ignore)) writeFileSync(ignore, '*\n');
    });
  }

  /**
   * Moves something that did not verify out of the way, into `.ptx/quarantine/`, with the reason beside
   * it; returns where it went. Nothing the store cannot use is deleted, and nothing left in place can be
   * mistaken for a result again.
   */
  quarantine(path: string, reason: string): string {
    this.ensureRoot();
    return quarantine(join(this.root, 'quarantine'), path, reason);
  }

  /**
   * A run folder that is not a complete entry may still hold files: what a crash in the middle of saving
   * left (no manifest yet). They are moved to the quarantine, so the folder holds nothing but resumable
   * snapshots before training starts; returns where they went, or null when there was nothing.
   */
  quarantineLeftovers(hash: string, reason: string): string | null {
    const dir = this.runDir(hash);
    let names: string[];
    try {
      if (!statSync(dir).isDirectory()) return this.quarantine(dir, reason);
      names = readdirSync(dir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      return this.quarantine(dir, reason);
    }
    const leftovers = names.filter((n) => n !== 'resume' && !n.startsWith('resume-'));
    if (leftovers.length === 0) return null;
    if (leftovers.length === names.length) return this.quarantine(dir, reason);
    this.ensureRoot();
    return quarantine(join(this.root, 'quarantine'), dir, reason, leftovers);
  }

  // ---- finished runs ----

  runStatus(hash: string): EntryStatus<RunInfo> {
    return verifyEntry<RunInfo>(this.runDir(hash));
  }

  /**
   * Readies a run folder for a fresh attempt: anything in it but resumable snapshots (what an interrupted
   * save left) goes to the quarantine first; returns where, or null.
   */
  prepareRun(hash: string): string | null {
    this.ensureRoot();
    return this.quarantineLeftovers(hash, 'the run folder held files without a complete manifest (an interrupted save)');
  }

  saveRun(hash: string, key: unknown, run: StoredRun): void {
    this.ensureRoot();
    const w = new EntryWriter(this.runDir(hash));
    const { index, bin } = encodeSnapshot(run.snapshot);
    w.write('checkpoint.bin', bin);
    w.writeJson('checkpoint.json', index);
    if (run.merged) {
      const m = encodeTensors(run.merged);
      w.write('merged.bin', m.bin);
      w.writeJson('merged.json', m.index);
    }
    w.writeJson('metrics.json', run.metrics);
    w.commit(key, run.info);
    this.clearResume(hash);
  }

  loadRun(hash: string): StoredRun {
    const e = loadEntry<RunInfo>(this.runDir(hash));
    const merged = e.files.has('merged.json') ? decodeTensors(json<TensorIndex>(e.files, 'merged.json'), e.files.get('merged.bin')!) : null;
    return {
      snapshot: decodeSnapshot(e.files.get('checkpoint.json')!, e.files.get('checkpoint.bin')!),
      merged,
      metrics: json<RunMetrics>(e.files, 'metrics.json'),
      info: e.manifest.info,
    };
  }

  /** The final model weights of a run, method folded in: what a finetune from it starts from. */
  loadModelWeights(hash: string): NamedTensors {
    const run = this.loadRun(hash);
    return run.merged ?? run.snapshot.weights;
  }

  // ---- evaluations ----

  evalStatus(runHash: string, evalHash: string): EntryStatus<EvalInfo> {
    return verifyEntry<EvalInfo>(this.evalDir(runHash, evalHash));
  }

  saveEval(runHash: string, evalHash: string, key: unknown, ev: StoredEval): void {
    this.ensureRoot();
    const w = new EntryWriter(this.evalDir(runHash, evalHash));
    w.writeJson('result.json', ev.info);
    if (ev.attention) w.writeJson('attention.json', ev.attention);
    w.commit(key, ev.info);
  }

  loadEval(runHash: string, evalHash: string): StoredEval {
    const e = loadEntry<EvalInfo>(this.evalDir(runHash, evalHash));
    return {
      info: json<EvalInfo>(e.files, 'result.json'),
      attention: e.files.has('attention.json') ? json(e.files, 'attention.json') : null,
    };
  }

  // ---- resumable snapshots of stopped runs ----

  /**
   * Writes the snapshot into a fresh folder, seals it, and only then swaps it in for `resume/`, so an
   * interrupted save leaves the previous snapshot (or a complete new one) in place.
   */
  saveResume(hash: string, state: ResumeState): void {
    this.ensureRoot();
    const fresh = join(this.runDir(hash), `resume-${randomBytes(4).toString('hex')}`);
    const w = new EntryWriter(fresh);
    const { index, bin } = encodeSnapshot(state.snapshot);
    w.write('snapshot.bin', bin);
    w.writeJson('snapshot.json', index);
    w.writeJson('state.json', { dataState: state.dataState, losses: state.losses, validation: state.validation ?? [], elapsedMs: state.elapsedMs, resumedAt: state.resumedAt });
    w.commit({ resumeOf: hash }, { step: state.snapshot.step });
    const target = this.resumeDir(hash);
    onPath(target, 'replace', () => {
      rmSync(target, { recursive: true, force: true });
      renameSync(fresh, target);
    });
  }

  /**
   * The newest valid snapshot of a stopped run, or null; invalid ones are reported through `onInvalid`
   * and ignored (a stale `resume-*` folder is what a crash between seal and swap leaves behind).
   */
  loadResume(hash: string, onInvalid: (reason: string) => void = () => {}): ResumeState | null {
    const dir = this.runDir(hash);
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      return null; // no folder (or not one): nothing to resume
    }
    let best: ResumeState | null = null;
    for (const name of names) {
      if (name !== 'resume' && !name.startsWith('resume-')) continue;
      const path = join(dir, name);
      const st = verifyEntry(path);
      if (st.state !== 'complete') {
        if (st.state === 'invalid' || name === 'resume') onInvalid(`${name}: ${st.state === 'invalid' ? st.reason : 'incomplete'}`);
        continue;
      }
      try {
        const e = loadEntry(path);
        const snapshot = decodeSnapshot(e.files.get('snapshot.json')!, e.files.get('snapshot.bin')!);
        const s = json<Omit<ResumeState, 'snapshot'>>(e.files, 'state.json');
        if (!best || snapshot.step > best.snapshot.step) best = { snapshot, ...s };
      } catch (err) {
        onInvalid(`${name}: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    return best;
  }

  clearResume(hash: string): void {
    const dir = this.runDir(hash);
    if (!existsSync(dir)) return;
    for (const name of onPath(dir, 'list', () => readdirSync(dir))) {
      const path = join(dir, name);
      if (name === 'resume' || name.startsWith('resume-')) onPath(path, 'remove', () => rmSync(path, { recursive: true, force: true }));
    }
  }
}
