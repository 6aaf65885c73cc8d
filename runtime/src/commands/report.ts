// `ptx report FILE [-o report.html] [--json]`: every complete run and evaluation in the spec's store
// (PTX_STORE, or .ptx/ beside the spec) as one standalone HTML file with the editor's results and
// attention views, or as the views' JSON data on stdout (what the editor's panels load).
// Exit status: 0 written, 1 nothing to report or the view bundle is missing, 2 usage or unreadable spec.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { analyse } from '../../../grammar/src/index.js';
import { loadViewAssets } from '../report/assets.js';
import { collectReport } from '../report/collect.js';
import { reportHtml } from '../report/html.js';
import { writeFileAtomic } from '../store/atomic.js';
import { RunStore } from '../store/run-store.js';
import { parseOrExplain, usageLine } from './help.js';
import { commandSpec } from './command-table.js';
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
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    io.stderr(`ptx report: cannot read ${file}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}\n`);
    return 2;
  }
  // The store is shared by the specs of a folder: only this spec's runs are reported (collect.ts), and
  // none while it has errors (what it names is then unknown).
  const { spec, diagnostics } = analyse(text);
  const specErrors = diagnostics.filter((d) => d.severity === 'error').length;
  const store = io.env.PTX_STORE ? new RunStore(resolve(io.env.PTX_STORE)) : RunStore.besideSpec(file);
  const data = collectReport(store, { specName: basename(file), spec: specErrors ? null : spec, specRef: specRef(store.root, file), specErrors });
  if (json) {
    io.stdout(JSON.stringify(data) + '\n');
    return 0;
  }
  if (data.runs.length === 0) {
    if (specErrors) {
      io.stderr(`ptx report: ${file} has ${specErrors} error${specErrors === 1 ? '' : 's'}; fix ${specErrors === 1 ? 'it' : 'them'} (ptx check ${file}) to report its runs\n`);
      return 1;
    }
    io.stderr(`ptx report: no finished runs of ${basename(file)} in ${store.root}${existsSync(store.root) ? '' : ' (it does not exist)'}; run ptx run ${file} first\n`);
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
  mkdirSync(dirname(target), { recursive: true });
  writeFileAtomic(target, Buffer.from(reportHtml(data, assets), 'utf8'));
  const withAttention = new Set(data.evals.filter((e) => e.attention).map((e) => e.runHash)).size;
  io.stdout(`wrote ${out}: ${data.runs.length} run${data.runs.length === 1 ? '' : 's'}, ${data.evals.length} evaluation${data.evals.length === 1 ? '' : 's'}, attention for ${withAttention} run${withAttention === 1 ? '' : 's'}\n`);
  return 0;
}

function usage(io: ReportIo, why: string): number {
  io.stderr(`ptx report: ${why}\n${REPORT_USAGE}\n`);
  return 2;
}
