// Early stopping from the validation curve: a run stops once its validation exact match reaches the target
// (the method has learned the task; more steps would only cost time), or, with a patience window, once the
// curve has stopped rising. Both rules read the validation split only, never the test split.
import type { StoppingSpec } from '../../../grammar/src/spec.js';
import type { StopReason, ValidationPoint } from '../store/records.js';

/** Whether step `step` (1-based, after the step) of a `steps`-step run is an evaluation point. */
export function isEvalStep(step: number, steps: number, s: StoppingSpec): boolean {
  return step === steps || step % s.evalEvery === 0;
}

/**
 * Why the run should stop after its newest validation point, or null to go on. Plateau: the best exact match
 * in the last `patience` steps is no more than `delta` above the best before them (and there is a "before").
 */
export function stopDecision(curve: readonly ValidationPoint[], s: StoppingSpec): StopReason | null {
  const last = curve[curve.length - 1];
  if (!last) return null;
  if (last.exact >= s.stopAt) return 'target';
  if (s.patience <= 0) return null;
  const windowStart = last.step - s.patience;
  let before = -Infinity;
  let inWindow = -Infinity;
  for (const p of curve) {
    if (p.step <= windowStart) before = Math.max(before, p.exact);
    else inWindow = Math.max(inWindow, p.exact);
  }
  if (before === -Infinity) return null;
  return inWindow <= before + s.delta ? 'plateau' : null;
}
