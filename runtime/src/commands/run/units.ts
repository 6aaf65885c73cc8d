// A plan's jobs grouped into units of work that can run side by side: one unit per training run, holding
// the run's training and every evaluation of that run (they reuse the trainer the training leaves in
// memory). A unit depends only on the training of its parent run (a finetune starts from its parent's
// weights; a probe's reference is the root, an ancestor), so every unit whose parent has trained can start.
import type { EvalJob, Plan, TrainJob } from '../../plan/plan.js';

export interface Unit {
  train: TrainJob;
  evals: EvalJob[];
  /** Position of the training job in the plan: the order of `--jobs 1`. */
  index: number;
  /** Estimated work (training sequences processed, evaluations scaled to match); only its ratios matter. */
  cost: number;
  /** Its cost plus the costliest chain of units that wait for it: what list scheduling starts first. */
  priority: number;
  children: Unit[];
}

/**
 * Relative cost of one training sequence by method. Context methods freeze the model: PERF.md measured a
 * prefix step at 0.6–0.8 of a full one; LoRA computes the full backward pass plus its adapters.
 */
const METHOD_COST: Record<TrainJob['method']['kind'], number> = { full: 1, lora: 1, prefix: 0.7, soft_prompt: 0.7, prompt: 0.7 };

/**
 * Greedy decoding of an evaluation runs one forward pass per output position over each test example, and a
 * forward pass is about a third of a training step's work per sequence.
 */
export function evalCost(ev: EvalJob, run: TrainJob): number {
  return (ev.samples * run.layout.length) / 3;
}

export function trainCost(job: TrainJob): number {
  return job.spec.schedule.steps * job.spec.schedule.batch * METHOD_COST[job.method.kind];
}

/** The plan's units in plan order, linked parent → children, with costs and priorities. */
export function planUnits(plan: Plan): Unit[] {
  const byRun = new Map<string, Unit>();
  const units: Unit[] = [];
  plan.jobs.forEach((job, index) => {
    if (job.kind === 'train') {
      const u: Unit = { train: job, evals: [], index, cost: trainCost(job), priority: 0, children: [] };
      byRun.set(job.run, u);
      units.push(u);
      if (job.parent) byRun.get(job.parent.run)?.children.push(u);
      return;
    }
    const u = byRun.get(job.run);
    // The plan puts every run's training before its evaluations (plan.ts); anything else is a bug.
    if (!u) throw new Error(`internal: evaluation ${job.id} comes before the training of ${job.run}`);
    u.evals.push(job);
    u.cost += evalCost(job, u.train);
  });
  // Children come after their parents in plan order, so a backward pass sees every child's priority first.
  for (let i = units.length - 1; i >= 0; i--) {
    const u = units[i]!;
    u.priority = u.cost + Math.max(0, ...u.children.map((c) => c.priority));
  }
  return units;
}
