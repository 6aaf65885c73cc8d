// How long an experiment took when it was trained. A second `npm run reproduce` finds every run in the
// store and only reads it back, so its wall time says nothing about training; then the timing of the last
// run that did train the same spec text (kept in the results JSON beside docs/results.md) is reported.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import type { SpecRun } from './run-spec.js';

export interface Timing {
  /** sha256 of the spec text the timing belongs to. */
  specHash: string;
  /** Day of the run (YYYY-MM-DD). */
  date: string;
  wallSeconds: number;
  cpuSeconds: number | null;
  /** Runs trained by this `ptx run`, with their training seconds. */
  trained: Array<{ run: string; seconds: number }>;
  /** Runs found in the store (trained by an earlier spec or run). */
  cachedRuns: string[];
}

export function specHash(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

export function timingOf(run: SpecRun, text: string, date: string): Timing {
  return { specHash: specHash(text), date, wallSeconds: run.wallSeconds, cpuSeconds: run.cpuSeconds, trained: run.trained, cachedRuns: run.cachedRuns };
}

/** Timings by experiment id from an earlier results JSON (missing or unreadable: none). */
export function loadTimings(jsonPath: string): Map<string, Timing> {
  const out = new Map<string, Timing>();
  if (!existsSync(jsonPath)) return out;
  try {
    const list = JSON.parse(readFileSync(jsonPath, 'utf8')) as Array<{ id: string; timing?: Timing }>;
    for (const e of list) if (e.timing && typeof e.timing.specHash === 'string') out.set(e.id, e.timing);
  } catch {
    // An unreadable earlier file only means there is no earlier timing to report.
  }
  return out;
}

/** The current timing, or the earlier one when this run trained nothing and the spec is unchanged. */
export function chooseTiming(current: Timing, earlier: Timing | undefined): { timing: Timing; fromEarlier: boolean } {
  if (current.trained.length === 0 && earlier && earlier.specHash === current.specHash && earlier.trained.length > 0) {
    return { timing: earlier, fromEarlier: true };
  }
  return { timing: current, fromEarlier: false };
}
