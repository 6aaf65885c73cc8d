// One evaluation: a run's exact-match and per-token accuracy on the test split of a task (greedy decoding
// of every output token), plus the attention record for the probe when one is given.
import type { AttentionRecord, NamedTensors } from '../../engine/types.js';
import { testSet } from '../../data/examples.js';
import { chunk, toBatch } from '../../data/batch.js';
import type { EvalJob, TrainJob } from '../../plan/plan.js';
import type { EvalInfo, RunInfo } from '../../store/records.js';
import type { StopRequest } from './interrupt.js';
import type { Trainer } from './train-job.js';

/** Test examples per evaluation batch: bounded memory, few enough kernel launches. */
export const EVAL_BATCH = 256;

export type EvalOutcome = { status: 'done'; info: EvalInfo; attention: AttentionRecord | null } | { status: 'stopped' };

export async function runEvalJob(
  job: EvalJob,
  run: TrainJob,
  runInfo: RunInfo,
  trainer: Trainer,
  deps: { stop: StopRequest; referenceWeights: (hash: string) => NamedTensors },
): Promise<EvalOutcome> {
  const examples = testSet(run.data, job.task, job.samples);
  let exact = 0;
  let tokenCorrect = 0;
  let tokenTotal = 0;
  for (const part of chunk(examples, EVAL_BATCH)) {
    await new Promise((r) => setImmediate(r));
    if (deps.stop.requested) {
      deps.stop.acknowledge();
      return { status: 'stopped' };
    }
    const r = await trainer.evaluate(toBatch(part, run.layout));
    exact += r.exact;
    tokenCorrect += r.tokenCorrect;
    tokenTotal += r.tokenTotal;
  }
  let attention: AttentionRecord | null = null;
  if (job.probe) {
    const reference = job.reference ? deps.referenceWeights(job.reference.hash) : null;
    attention = await trainer.attention(job.probe, reference);
  }
  const info: EvalInfo = {
    run: job.run,
    task: job.task.name,
    exact: exact / examples.length,
    perToken: tokenTotal ? tokenCorrect / tokenTotal : 0,
    samples: examples.length,
    backend: runInfo.backend,
    threads: runInfo.threads ?? 1,
    seed: runInfo.seed,
    trainable: runInfo.trainable,
    trainMs: runInfo.elapsedMs,
    hasAttention: attention !== null,
  };
  return { status: 'done', info, attention };
}
