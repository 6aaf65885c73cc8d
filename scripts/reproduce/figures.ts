// Figure 1 of the paper from our own runs: the attention of the pretrained (ascending) model, the fully
// fine-tuned and the prefix-tuned (descending) models on the probe input, drawn by the same SVG renderer as
// the editor's Attention panel and `ptx report` (client/webview/render/heatmap.ts) from the stored
// attention records (runtime/src/report/collect.ts), with the panel's light theme.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Spec } from '../../grammar/src/spec.js';
import { collectReport } from '../../runtime/src/report/collect.js';
import type { EvalRecord, RunRecord } from '../../runtime/src/report/data.js';
import { RunStore } from '../../runtime/src/store/run-store.js';
import { headZoom } from '../../client/webview/render/heatmap.js';
import { tokenLabels } from '../../client/webview/render/select.js';
import { readTheme } from '../../client/webview/render/theme.js';

export interface FigurePanel {
  /** File name under the figures folder, e.g. `figure1-pretrained.svg`. */
  file: string;
  title: string;
  run: string;
  task: string;
}

export interface WrittenFigure extends FigurePanel {
  path: string;
  /** Layer-0 change of relative attention vs. the pretrained model (null for the pretrained model). */
  relativeChange: number | null;
}

/** The panel's default light theme: every CSS variable falls back to its light value. */
const LIGHT = readTheme({ getPropertyValue: () => '' });

export function writeFigures(storeRoot: string, specName: string, spec: Spec, panels: readonly FigurePanel[], outDir: string): WrittenFigure[] {
  const data = collectReport(new RunStore(storeRoot), { specName, spec });
  const runs = new Map<string, RunRecord>();
  for (const r of data.runs) if (r.current) runs.set(r.name, r);
  mkdirSync(outDir, { recursive: true });
  return panels.map((p) => {
    const run = runs.get(p.run);
    const ev: EvalRecord | undefined = run && data.evals.find((e) => e.current && e.runHash === run.hash && e.task === p.task && e.attention);
    if (!run || !ev?.attention) throw new Error(`figure ${p.file}: no stored attention of ${p.run} on ${p.task}`);
    const rec = ev.attention;
    const labels = tokenLabels(run, rec.tokens, rec.prefixKeys);
    const svg = headZoom(rec, labels, 0, 0, LIGHT, { title: p.title, width: 40 * (labels.keys.length + 3) });
    const path = join(outDir, p.file);
    writeFileSync(path, svg + '\n');
    return { ...p, path, relativeChange: rec.relativeChange ? rec.relativeChange[0]! : null };
  });
}
