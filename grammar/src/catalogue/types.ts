// Types of the built-in catalogue: what each block key, primitive, method and optimizer accepts.

export type ValueType =
  | { kind: 'int'; min?: number; max?: number }
  | { kind: 'number'; min?: number; max?: number; exclusiveMin?: boolean; exclusiveMax?: boolean }
  | { kind: 'bool' }
  | { kind: 'enum'; values: readonly string[] }
  | { kind: 'range'; min?: number; max?: number }
  | { kind: 'ref'; target: 'model' | 'data' }
  | { kind: 'list'; of: ValueType; minItems?: number }
  | { kind: 'task' }
  /** `sweep`: arguments may be lists of values to search (compare blocks). */
  | { kind: 'method'; sweep?: boolean }
  | { kind: 'optimizer' };

/** A default value as it would be written in a spec. */
export type DefaultValue = number | string | boolean | readonly (number | string)[] | { derived: string };

export interface ParamDef {
  name: string;
  type: ValueType;
  /** Absent for required keys and for optional keys without a default. */
  default?: DefaultValue;
  required?: boolean;
  doc: string;
}

export type FunctionCategory = 'primitive' | 'method' | 'optimizer';

export interface FunctionDef {
  name: string;
  category: FunctionCategory;
  params: readonly ParamDef[];
  doc: string;
}

export type BlockKeyword = 'data' | 'model' | 'task' | 'pretrain' | 'finetune' | 'compare' | 'evaluate';

export interface BlockDef {
  keyword: BlockKeyword;
  /** How the block header is written. */
  synopsis: string;
  doc: string;
  keys: readonly ParamDef[];
}

export function describeType(t: ValueType): string {
  switch (t.kind) {
    case 'int':
      return t.min !== undefined && t.max !== undefined ? `integer ${t.min}..${t.max}` : t.min !== undefined ? `integer ≥ ${t.min}` : 'integer';
    case 'number': {
      const lo = t.min === undefined ? '' : `${t.min} ${t.exclusiveMin ? '<' : '≤'} `;
      const hi = t.max === undefined ? '' : ` ${t.exclusiveMax ? '<' : '≤'} ${t.max}`;
      return lo || hi ? `number, ${lo}x${hi}` : 'number';
    }
    case 'bool':
      return 'true or false';
    case 'enum':
      return t.values.join(' | ');
    case 'range':
      return 'range lo..hi of integers';
    case 'ref':
      return `name of a ${t.target} block`;
    case 'list':
      return `list of ${describeType(t.of)}`;
    case 'task':
      return 'task (a task name or an expression such as sort(ascending) then add(1))';
    case 'method':
      return t.sweep
        ? 'tuning method: full, lora(…), prefix(…), soft_prompt(…), prompt(…); an argument given as a list [a, b] is searched'
        : 'tuning method: full, lora(…), prefix(…), soft_prompt(…), prompt(…)';
    case 'optimizer':
      return 'optimizer: adamw(…) or sgd(…)';
  }
}

export function formatDefault(d: DefaultValue | undefined): string | undefined {
  if (d === undefined) return undefined;
  if (typeof d === 'object' && !Array.isArray(d)) return (d as { derived: string }).derived;
  if (Array.isArray(d)) return `[${d.join(', ')}]`;
  return String(d);
}
