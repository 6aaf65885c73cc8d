// `ptx report FILE [-o report.html] [--json]`: every complete run and evaluation in the spec's store
// (PTX_STORE, or .ptx/ beside the spec) as one standalone HTML file with the editor's results and
// attention views, or as the views' JSON data on stdout (what the editor's panels load).
// Exit status: 0 written, 1 nothing to report, the view bundle is missing or the output cannot be written,
// 2 usage or unreadable spec.
import { mkdirSync, statSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { analyse } from '../../../grammar/src/index.js';
import { readSpecFile } from '../io/spec-file.js';
import { loadViewAssets } from '../report/assets.js';
import { collectReport } from '../report/collect.js';
import { reportHtml } from '../report/html.js';
import { writeFileAtomic } from '../store/atomic.js';
import { RunStore } from '../store/run-store.js';
import { parseOrExplain, usageLine } from './help.js';
import { commandSpec } from './command-table.js';
import { onPath, StoreError } from '../store/store-error.js';
import { specRef } from '../store/spec-ref.js';

const REPORT_COMMAND = commandSpec('report');
export const REPORT_USAGE = usageLine(REPORT_COMMAND);

export interface ReportIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: NodeJS.ProcessEnv;
}

const processIo = (): ReportIo => ({ stdout: (t) => process.stdout.write(t), stderr: (t) => process.stderr.write(t), env: process.env });

export async function runReport(args: string[], io: ReportIo = processIo()): Promise<number> {
  const parsed = parseOrExplain(REPORT_COMMAND, args, io);
  if (typeof parsed === 'number') return parsed;
  const file = parsed.operands[0]!;
  const out = parsed.values.out as string | undefined;
  const json = parsed.values.json as boolean;
  if (json === (out !== undefined)) return usage(io, 'give either -o OUT.html or --json');
  const read = readSpecFile(file);
  if (!read.ok) {
    io.stderr(`ptx report: ${read.message}\n`);
    return 2;
  }
  const text = read.text;
  // The store is shared by the specs of a folder: only this spec's runs are reported (collect.ts), and
  // none while it has errors (what it names is then unknown).
  const { spec, diagnostics } = analyse(text);
  const specErrors = diagnostics.filter((d) => d.severity === 'error').length;
  const store = io.env.PTX_STORE ? new RunStore(resolve(io.env.PTX_STORE)) : RunStore.besideSpec(file);
  const data = collectReport(store, {
    specName: basename(file),
    spec: specErrors ? null : spec,
    specRef: specRef(store.root, file),
    specErrors,
    onSkip: (path, reason) => io.stderr(`ptx report: left out ${path}: ${reason} (the next ptx run moves it to the quarantine and redoes it)\n`),
  });
  if (json) {
    io.stdout(JSON.stringify(data) + '\n');
    return 0;
  }
  if (data.runs.length === 0) {
    if (specErrors) {
      io.stderr(`ptx report: ${file} has ${specErrors} error${specErrors === 1 ? '' : 's'}; fix ${specErrors === 1 ? 'it' : 'them'} (ptx check ${file}) to report its runs\n`);
      return 1;
    }
    io.stderr(`ptx report: no finished runs of ${basename(file)} in ${store.root}${storeState(store.root)}; run ptx run ${file} first\n`);
    return 1;
  }
  let assets;
  try {
    assets = await loadViewAssets();
  } catch (err) {
    io.stderr(`ptx report: ${(err as Error).message}\n`);
    return 1;
  }
  const target = resolve(out!);
  try {
    onPath(dirname(target), 'create the folder', () => mkdirSync(dirname(target), { recursive: true }));
    writeFileAtomic(target, Buffer.from(reportHtml(data, assets), 'utf8'));
  } catch (err) {
    if (!(err instanceof StoreError)) throw err;
    io.stderr(`ptx report: ${err.message}\n`);
    return 1;
  }
  const withAttention = new Set(data.evals.filter((e) => e.attention).map((e) => e.runHash)).size;
  io.stdout(`wrote ${out}: ${data.runs.length} run${data.runs.length === 1 ? '' : 's'}, ${data.evals.length} evaluation${data.evals.length === 1 ? '' : 's'}, attention for ${withAttention} run${withAttention === 1 ? '' : 's'}\n`);
  return 0;
}

/** Why a store may hold nothing: it is missing, or not a folder at all. */
function storeState(root: string): string {
  try {
    return statSync(root).isDirectory() ? '' : ' (it is a file, not a folder)';
  } catch {
    return ' (it does not exist)';
  }
}

function usage(io: ReportIo, why: string): number {
  io.stderr(`ptx report: ${why}\n${REPORT_USAGE}\n`);
  return 2;
}
