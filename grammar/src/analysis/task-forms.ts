// The `simpler-task-form` information: a task that computes, on its run's data, what a task of fewer steps
// computes (`sort(descending) then reverse` is `sort(ascending)`). The theory rules already judge it by
// that form; this says so where the task is written, with a quick fix to the simpler spelling.
import { formatCount } from '../params.js';
import type { Range } from '../syntax/ast.js';
import type { DataSpec, TaskSpec } from '../spec.js';
import { simplerForm, stepsText } from '../tasks/forms.js';
import type { AnalysisContext } from './context.js';

export interface TaskFormInput {
  task: TaskSpec;
  data: DataSpec;
  /** The task's own text: a declared task's value, or the inline task (the report and the fix go here). */
  range: Range;
  /** The declared task's name, when the text is a declaration's. */
  declared?: string;
}

export function checkTaskForm(ctx: AnalysisContext, input: TaskFormInput): void {
  const found = simplerForm(input.task, input.data);
  if (!found) return;
  const text = stepsText(input.task.steps);
  const form = stepsText(found.form.steps);
  const where = !found.exhaustive
    ? `${formatCount(found.inputs)} sampled inputs`
    : found.compared === found.inputs
      ? `all ${formatCount(found.inputs)} inputs`
      : `the ${formatCount(found.compared)} inputs (of ${formatCount(found.inputs)}) whose outputs fit the vocabulary`;
  const who = input.declared ? `task '${input.declared}' (\`${text}\`)` : `\`${text}\``;
  ctx.report('simpler-task-form', input.range, `${who} computes \`${form}\` on ${where} of data '${input.data.name}'; the theory judges it by that form`, [
    { title: `Write ${form}`, edits: [{ range: input.range, newText: form }], preferred: true },
  ]);
}
