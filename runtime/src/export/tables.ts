// The result tables as CSV, from the same document as results.json (one row per run and evaluation;
// one row per compare group), with the JSON field names in snake_case as spreadsheet headers.
import type { ResultsJson } from '../commands/run/results-json.js';
import { csv } from './csv.js';

export function resultsCsv(r: ResultsJson): string {
  const header = ['run', 'kind', 'method', 'seed', 'backend', 'threads', 'trainable_parameters', 'steps', 'train_seconds', 'final_loss', 'hash', 'task', 'samples', 'exact_match', 'per_token'];
  const rows = r.runs.flatMap((run) => {
    const common = [run.name, run.kind, run.method, run.seed, run.backend, run.threads, run.trainableParameters, run.steps, run.trainSeconds, run.finalLoss, run.hash];
    // A run without an evaluation still gets its line, with the evaluation columns empty.
    return run.evaluations.length ? run.evaluations.map((e) => [...common, e.task, e.samples, e.exactMatch, e.perToken]) : [[...common, null, null, null, null]];
  });
  return csv(header, rows);
}

export function comparesCsv(r: ResultsJson): string {
  // Seeds space-separated in one cell; the run names (which contain spaces) are in results.json.
  const header = ['compare', 'method', 'task', 'samples', 'seeds', 'exact_match_mean', 'exact_match_std', 'per_token_mean', 'per_token_std'];
  const rows = r.compares.map((g) => [g.compare, g.method, g.task, g.samples, g.seeds.join(' '), g.exactMatch.mean, g.exactMatch.std, g.perToken.mean, g.perToken.std]);
  return csv(header, rows);
}
