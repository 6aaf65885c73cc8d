// Which runs already have attention results in the store beside a spec, read from the files the runtime
// writes (`<store>/runs/<hash>/evals/<hash>/result.json` with the run's name, `attention.json`, and the
// entry's `manifest.json`, written last, so an entry without it is incomplete and ignored). The server does
// not import the runtime: this is a read-only look at its documented layout, cached for a moment because
// code lenses are asked for often.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const TTL_MS = 2000;
const cache = new Map<string, { at: number; runs: Set<string> }>();

/** The store folder of a spec: the setting (relative to the workspace folder) or `.ptx/` beside it. */
export function storeFolder(specUri: string, setting: string, workspaceFolders: string[]): string | undefined {
  if (!specUri.startsWith('file:')) return undefined;
  const spec = fileURLToPath(specUri);
  if (!setting) return join(dirname(spec), '.ptx');
  if (isAbsolute(setting)) return setting;
  const folder = workspaceFolders.map((f) => (f.startsWith('file:') ? fileURLToPath(f) : f)).find((f) => spec.startsWith(f + '/')) ?? dirname(spec);
  return resolve(folder, setting);
}

/** Names of runs with a complete evaluation that recorded attention. */
export function runsWithAttention(store: string): Set<string> {
  const hit = cache.get(store);
  if (hit && Date.now() - hit.at < TTL_MS) return hit.runs;
  const runs = new Set<string>();
  const root = join(store, 'runs');
  if (existsSync(root)) {
    for (const run of safeList(root)) {
      const evals = join(root, run, 'evals');
      for (const ev of safeList(evals)) {
        const dir = join(evals, ev);
        if (!existsSync(join(dir, 'manifest.json')) || !existsSync(join(dir, 'attention.json'))) continue;
        try {
          const info = JSON.parse(readFileSync(join(dir, 'result.json'), 'utf8')) as { run?: unknown; hasAttention?: unknown };
          if (typeof info.run === 'string' && info.hasAttention !== false) runs.add(info.run);
        } catch {
          // An unreadable entry is the runtime's to repair; it just does not count here.
        }
      }
    }
  }
  cache.set(store, { at: Date.now(), runs });
  return runs;
}

function safeList(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
