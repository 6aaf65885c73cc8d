// The resolved spec (names resolved, defaults applied: grammar/src/spec.ts) as plain JSON, each block
// kind an object keyed by block name. docs/spec.schema.json describes it; a test validates exports
// against that schema.
import type { Spec } from '../../../grammar/src/spec.js';

export const SPEC_FORMAT = 'ptx-spec/1';

export function specJson(spec: Spec): Record<string, unknown> {
  const obj = <T>(m: Map<string, T>) => Object.fromEntries(m);
  return {
    format: SPEC_FORMAT,
    data: obj(spec.data),
    models: obj(spec.models),
    tasks: obj(spec.tasks),
    pretrains: obj(spec.pretrains),
    finetunes: obj(spec.finetunes),
    compares: obj(spec.compares),
    evaluates: obj(spec.evaluates),
  };
}
