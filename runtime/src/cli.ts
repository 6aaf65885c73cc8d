// The `ptx` command line: `--version`, help from the command table, and dispatch to one module per
// subcommand (each parses its own flags against the table, so it can be called in-process by tests).
import { version } from '../../package.json';
import { runCheck } from './commands/check.js';
import { nearest } from './commands/flags.js';
import { commandHelp, overview, parseOrExplain } from './commands/help.js';
import { endQuietlyOnClosedPipes } from './commands/pipes.js';
import { COMMANDS, commandSpec } from './commands/command-table.js';

const stdio = { stdout: (t: string) => void process.stdout.write(t), stderr: (t: string) => void process.stderr.write(t) };

type Command = (args: string[]) => Promise<number>;

const commands: Record<string, () => Promise<Command>> = {
  check: async () => runCheck,
  run: async () => (await import('./commands/run.js')).runRun,
  report: async () => (await import('./commands/report.js')).runReport,
  export: async () => (await import('./commands/export.js')).runExport,
};

function unknownCommand(name: string): number {
  const guess = nearest(name, COMMANDS.map((c) => c.name));
  process.stderr.write(`ptx: unknown command '${name}'${guess ? ` (did you mean ${guess}?)` : ''}; ptx --help lists the commands\n`);
  return 2;
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined) {
    process.stderr.write(overview());
    return 2;
  }
  if (name === '--version' || name === '-V') {
    process.stdout.write(`ptx ${version}\n`);
    return 0;
  }
  if (name === '--help' || name === '-h') {
    process.stdout.write(overview());
    return 0;
  }
  if (name === 'help') {
    const parsed = parseOrExplain(commandSpec('help'), rest, stdio);
    if (typeof parsed === 'number') return parsed;
    const topic = parsed.operands[0];
    const cmd = topic === undefined ? undefined : COMMANDS.find((c) => c.name === topic);
    if (topic !== undefined && !cmd) return unknownCommand(topic);
    process.stdout.write(cmd ? commandHelp(cmd) : overview());
    return 0;
  }
  if (name.startsWith('-')) {
    const guess = nearest(name.replace(/^-+/, '').split('=')[0]!, ['help', 'version']);
    process.stderr.write(`ptx: unknown option '${name}'${guess ? ` (did you mean --${guess}?)` : ''}; give a command first (ptx --help)\n`);
    return 2;
  }
  const load = commands[name];
  if (!load) return unknownCommand(name);
  return (await load())(rest);
}

endQuietlyOnClosedPipes();
main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`ptx: internal error: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 3;
  },
);
