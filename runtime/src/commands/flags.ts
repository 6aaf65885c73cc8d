// Command-line flags as data: each command declares its flags in one table (command-table.ts) and this
// module parses arguments against it with Node's util.parseArgs (which does the tokenising: `--x=v`,
// `--x v`, `-o v`, `--` ends the flags) and turns every mistake into one line: an unknown flag with the
// nearest known one, a missing or malformed value, a single-valued flag given twice.
import { parseArgs } from 'node:util';

interface FlagBase {
  /** Long name without the dashes (`only` for `--only`). */
  name: string;
  /** One-letter alias without the dash (`o` for `-o`). */
  short?: string;
  /** One line for the help text. */
  help: string;
  /** The command cannot do without it. */
  required?: boolean;
}

export type FlagSpec =
  | (FlagBase & { kind: 'boolean' })
  | (FlagBase & { kind: 'string'; value: string })
  | (FlagBase & { kind: 'choice'; choices: readonly string[]; default?: string })
  | (FlagBase & { kind: 'integer'; value: string; min: number; max: number; default?: number });

export interface CommandSpec {
  name: string;
  /** What the command does, one line. */
  summary: string;
  /** The operands in the usage line, e.g. `FILE...`. */
  operands: string;
  /** How many operands it takes. */
  minOperands: number;
  maxOperands: number;
  /** What an operand is, for error messages (`spec file`). */
  operandName: string;
  flags: readonly FlagSpec[];
  /** More lines for `ptx help <command>`: exit codes, environment. */
  notes?: readonly string[];
}

export type FlagValue = string | number | boolean;

export interface ParsedCommand {
  /** Values by long flag name; booleans are false and other flags absent (or their default) when not given. */
  values: Record<string, FlagValue | undefined>;
  operands: string[];
  help: boolean;
}

/** The `--help`/`-h` flag every command has. */
export const HELP_FLAG: FlagSpec = { name: 'help', short: 'h', kind: 'boolean', help: 'show this help and exit' };

export function allFlags(cmd: CommandSpec): FlagSpec[] {
  return [...cmd.flags, HELP_FLAG];
}

/** Edit distance with adjacent transpositions counted as one edit (`rnu` → `run`), for did-you-mean. */
export function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const row = d[i]!;
      row[j] = Math.min(d[i - 1]![j]! + 1, row[j - 1]! + 1, d[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) row[j] = Math.min(row[j]!, d[i - 2]![j - 2]! + 1);
    }
  }
  return d[a.length]![b.length]!;
}

/** The candidate closest to `word` if it is close enough to be a likely typo (or a prefix of it). */
export function nearest(word: string, candidates: readonly string[]): string | null {
  let best: string | null = null;
  let bestD = Infinity;
  for (const c of candidates) {
    const d = c.startsWith(word) && word.length >= 2 ? 0.5 : editDistance(word, c);
    if (d < bestD) {
      best = c;
      bestD = d;
    }
  }
  return best !== null && bestD <= Math.max(1, Math.floor(best.length / 3)) ? best : null;
}

export function flagLabel(f: FlagSpec): string {
  return `--${f.name}`;
}

/** `--only NAME`, `--backend node|wasm|cpu`, `-o, --out FILE`: how a flag reads in usage and help. */
export function flagSyntax(f: FlagSpec): string {
  const value = f.kind === 'boolean' ? '' : f.kind === 'choice' ? ` ${f.choices.join('|')}` : ` ${f.value}`;
  return `${f.short ? `-${f.short}, ` : ''}--${f.name}${value}`;
}

/** Why a flag's value is wrong, naming the flag as the user typed it (`-o` or `--out`), or null. */
function valueError(f: FlagSpec, raw: string | undefined, typed: string): string | null {
  if (f.kind === 'choice') return raw !== undefined && f.choices.includes(raw) ? null : `${typed} must be one of ${f.choices.join(', ')}`;
  if (f.kind === 'integer') {
    const n = Number(raw);
    return raw !== undefined && raw.trim() !== '' && Number.isInteger(n) && n >= f.min && n <= f.max ? null : `${typed} needs a whole number from ${f.min} to ${f.max}`;
  }
  if (f.kind === 'string') return raw !== undefined && raw !== '' ? null : `${typed} needs ${/^[AEIOU]/.test(f.value) ? 'an' : 'a'} ${f.value}`;
  return null;
}

/** Parses `args` against the command's flags, or returns the one-line reason they are wrong. */
export function parseCommand(cmd: CommandSpec, args: readonly string[]): ParsedCommand | { error: string } {
  const flags = allFlags(cmd);
  const options = Object.fromEntries(flags.map((f) => [f.name, { type: f.kind === 'boolean' ? ('boolean' as const) : ('string' as const), ...(f.short ? { short: f.short } : {}) }]));
  // Non-strict with tokens: parseArgs splits the arguments and this function judges them, so that every
  // mistake gets a message that says what to do.
  const { tokens } = parseArgs({ args: [...args], options, strict: false, allowPositionals: true, tokens: true });
  const byName = new Map(flags.map((f) => [f.name, f]));
  const values: Record<string, FlagValue | undefined> = {};
  for (const f of flags) {
    if (f.kind === 'boolean') values[f.name] = false;
    else if ((f.kind === 'choice' || f.kind === 'integer') && f.default !== undefined) values[f.name] = f.default;
  }
  const seen = new Set<string>();
  const operands: string[] = [];
  for (const t of tokens) {
    if (t.kind === 'positional') {
      operands.push(t.value);
      continue;
    }
    if (t.kind !== 'option') continue;
    const f = byName.get(t.name);
    if (!f) {
      const guess = nearest(t.name, flags.map((x) => x.name));
      return { error: `unknown option '${t.rawName}'${guess ? ` (did you mean --${guess}?)` : ''}` };
    }
    if (seen.has(f.name)) return { error: `${f.short ? `-${f.short}/` : ''}--${f.name} was given twice; give it once` };
    seen.add(f.name);
    if (f.kind === 'boolean') {
      if (t.value !== undefined) return { error: `--${f.name} takes no value (got '${t.value}')` };
      values[f.name] = true;
      continue;
    }
    // `--only --quiet` would take the next flag as the value: say the value is missing instead.
    const raw = t.value !== undefined && !t.inlineValue && t.value.startsWith('-') && t.value.length > 1 ? undefined : t.value;
    const why = valueError(f, raw, t.rawName);
    if (why) return { error: why };
    values[f.name] = f.kind === 'integer' ? Number(raw) : raw;
  }
  const help = values.help === true;
  if (!help) {
    const missing = flags.find((f) => f.required && !seen.has(f.name));
    if (missing) return { error: `${flagSyntax(missing).replace(/^(-\w), --\S+/, '$1')} is required` };
    if (operands.length < cmd.minOperands) return { error: `no ${cmd.operandName} given` };
    if (operands.length > cmd.maxOperands) {
      return { error: cmd.maxOperands === 1 ? `one ${cmd.operandName} at a time (got '${operands[0]}' and '${operands[1]}')` : `too many operands` };
    }
  }
  return { values, operands, help };
}
