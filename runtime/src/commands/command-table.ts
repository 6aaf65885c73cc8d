// Every `ptx` command with its operands and flags: the one table the parser (flags.ts), the help text
// (help.ts) and the docs read. Adding a flag is one entry here plus the code that uses its value.
import type { CommandSpec } from './flags.js';

const FORMAT = { name: 'format', kind: 'choice', choices: ['text', 'json'], default: 'text' } as const;

export const COMMANDS: readonly CommandSpec[] = [
  {
    name: 'check',
    summary: 'report the diagnostics of spec files (the editor\'s analysis)',
    operands: 'FILE...',
    operandName: 'input files',
    minOperands: 1,
    maxOperands: Infinity,
    flags: [{ ...FORMAT, help: 'text: file:line:col: severity code: message lines; json: one array of diagnostics' }],
    notes: ['Exit status: 0 no errors (warnings allowed), 1 errors, 2 usage error or unreadable file.'],
  },
  {
    name: 'run',
    summary: 'train and evaluate what a spec declares; results on stdout, progress on stderr',
    operands: 'FILE',
    operandName: 'spec file',
    minOperands: 1,
    maxOperands: 1,
    flags: [
      { name: 'only', kind: 'string', value: 'NAME', help: 'run one block (pretrain, finetune, compare or evaluate) and what it needs' },
      { name: 'backend', kind: 'choice', choices: ['node', 'wasm', 'cpu'], help: 'TensorFlow.js backend (default: the fastest available)' },
      { name: 'threads', kind: 'integer', value: 'N', min: 1, max: 64, default: 1, help: 'data-parallel training threads; part of each run\'s store key' },
      { name: 'jobs', kind: 'integer', value: 'N', min: 1, max: 64, help: 'independent runs trained at once in worker processes (default: one per core); the same results for any N' },
      { ...FORMAT, help: 'text: a table of results; json: one JSON document (docs/cli.md)' },
      { name: 'events', kind: 'boolean', help: 'JSON lines of progress and results on stdout, for the editor' },
      { name: 'quiet', short: 'q', kind: 'boolean', help: 'no progress, no backend line, no warnings: results and errors only' },
    ],
    notes: [
      'Exit status: 0 done, 1 spec errors, a failed job or an unavailable backend, 2 usage error or',
      'unreadable file, 130 (143 for SIGTERM) when stopped with a resumable snapshot.',
      'Environment: PTX_STORE (store folder, default .ptx/ beside the spec), PTX_SNAPSHOT_EVERY (seconds).',
    ],
  },
  {
    name: 'report',
    summary: 'every stored result as one standalone HTML file, or the views\' data as JSON',
    operands: 'FILE',
    operandName: 'spec file',
    minOperands: 1,
    maxOperands: 1,
    flags: [
      { name: 'out', short: 'o', kind: 'string', value: 'OUT.html', help: 'write the HTML report here' },
      { name: 'json', kind: 'boolean', help: 'print the report data as JSON on stdout instead' },
    ],
    notes: ['Exit status: 0 written, 1 nothing to report or the view bundle is missing, 2 usage error or unreadable spec.'],
  },
  {
    name: 'export',
    summary: 'write the spec\'s stored results for other tools: weights (safetensors), tables (CSV, JSON), the resolved spec (JSON)',
    operands: 'FILE',
    operandName: 'spec file',
    minOperands: 1,
    maxOperands: 1,
    flags: [
      { name: 'out', short: 'o', kind: 'string', value: 'DIR', required: true, help: 'the folder to write (created if missing)' },
      { name: 'only', kind: 'string', value: 'NAME', help: 'only the runs of one block (pretrain, finetune, compare or evaluate)' },
    ],
    notes: [
      'Writes DIR/spec.json, DIR/results.json, DIR/results.csv and DIR/weights/ (docs/cli.md).',
      'Exit status: 0 written, 1 spec errors or no stored runs, 2 usage error or unreadable spec.',
    ],
  },
  {
    name: 'help',
    summary: 'list the commands, or one command\'s flags',
    operands: '[COMMAND]',
    operandName: 'command',
    minOperands: 0,
    maxOperands: 1,
    flags: [],
  },
];

export function commandSpec(name: string): CommandSpec {
  const c = COMMANDS.find((x) => x.name === name);
  if (!c) throw new Error(`no command '${name}' in the table`);
  return c;
}
