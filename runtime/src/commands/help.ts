// Help text made from the command table, so it lists exactly the flags the parser accepts.
import { allFlags, flagSyntax, parseCommand, type CommandSpec, type ParsedCommand } from './flags.js';
import { COMMANDS } from './command-table.js';

/** `ptx run FILE [--only NAME] [--backend node|wasm|cpu] ...` */
export function usageLine(cmd: CommandSpec): string {
  const flags = cmd.flags.map((f) => {
    // `-o OUT.html` reads well, `-q` does not: short forms only for flags with a value.
    const text = f.kind === 'boolean' ? flagSyntax(f).replace(/^-\w, /, '') : flagSyntax(f).replace(/^(-\w), --\S+/, '$1');
    return f.required ? text : `[${text}]`;
  });
  return `usage: ptx ${[cmd.name, cmd.operands, ...flags].filter(Boolean).join(' ')}`;
}

/** `ptx help <command>` and `ptx <command> --help`. */
export function commandHelp(cmd: CommandSpec): string {
  const flags = allFlags(cmd);
  const width = Math.max(...flags.map((f) => flagSyntax(f).length));
  const lines = [usageLine(cmd), '', cmd.summary, '', 'Options:'];
  for (const f of flags) {
    const def = (f.kind === 'choice' || f.kind === 'integer') && f.default !== undefined ? ` (default ${f.default})` : '';
    lines.push(`  ${flagSyntax(f).padEnd(width)}  ${f.help}${def}`);
  }
  if (cmd.notes?.length) lines.push('', ...cmd.notes);
  return lines.join('\n') + '\n';
}

/** `ptx --help`: every command, one line each. */
export function overview(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  const lines = ['ptx — PTX Lab experiment specs', '', 'Usage: ptx COMMAND [OPTIONS]', '', 'Commands:'];
  for (const c of COMMANDS) lines.push(`  ${c.name.padEnd(width)}  ${c.summary}`);
  lines.push('', 'ptx help COMMAND (or ptx COMMAND --help) lists a command\'s options; ptx --version prints the version.');
  return lines.join('\n') + '\n';
}

/**
 * A command's arguments parsed against its table entry; `--help` prints its help and a mistake prints the
 * reason and the usage line, both answered with the exit status to return (0, 2).
 */
export function parseOrExplain(cmd: CommandSpec, args: readonly string[], io: { stdout: (t: string) => void; stderr: (t: string) => void }): ParsedCommand | number {
  const parsed = parseCommand(cmd, args);
  if ('error' in parsed) {
    io.stderr(`ptx ${cmd.name}: ${parsed.error}\n${usageLine(cmd)}\n`);
    return 2;
  }
  if (parsed.help) {
    io.stdout(commandHelp(cmd));
    return 0;
  }
  return parsed;
}
