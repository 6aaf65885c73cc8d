// The `ptx` command line: dispatches to one module per subcommand.
import { runCheck } from './commands/check.js';

const USAGE = `ptx — PTX Lab experiment specs

Usage:
  ptx check FILE... [--format text|json]   report diagnostics (exit 1 on errors)
  ptx run FILE [--only NAME] [--backend node|wasm|cpu] [--events]
                                           train and evaluate what the spec declares
  ptx report FILE -o report.html [--json]  every stored result as one standalone HTML file
  ptx --help                               this text
`;

type Command = (args: string[]) => Promise<number>;

const commands: Record<string, () => Promise<Command>> = {
  check: async () => runCheck,
  run: async () => (await import('./commands/run.js')).runRun,
  report: async () => (await import('./commands/report.js')).runReport,
};

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(USAGE);
    return name ? 0 : 2;
  }
  const load = commands[name];
  if (!load) {
    process.stderr.write(`ptx: unknown command '${name}' (try ptx --help)\n`);
    return 2;
  }
  return (await load())(rest);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`ptx: internal error: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 3;
  },
);
