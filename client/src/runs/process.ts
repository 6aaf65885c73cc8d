// Starts the bundled `ptx` CLI as a child process with the Node that runs the extension
// (process.execPath; ELECTRON_RUN_AS_NODE=1 makes VS Code's Electron binary behave as plain Node).
import { spawn, type ChildProcess } from 'node:child_process';

export interface CliOptions {
  /** dist/cli.js of the extension. */
  cli: string;
  args: string[];
  cwd: string;
  /** The store folder setting, passed as PTX_STORE (relative to cwd). */
  store?: string;
}

export function spawnCli(o: CliOptions): ChildProcess {
  const env: NodeJS.ProcessEnv = { ...process.env, ELECTRON_RUN_AS_NODE: '1' };
  if (o.store) env.PTX_STORE = o.store;
  else delete env.PTX_STORE;
  return spawn(process.execPath, [o.cli, ...o.args], { cwd: o.cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Runs the CLI to the end and returns its exit code and output. */
export function runCli(o: CliOptions): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawnCli(o);
    let stdout = '';
    let stderr = '';
    child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', (err) => resolve({ code: -1, stdout, stderr: stderr + String(err) }));
    child.on('close', (code, signal) => resolve({ code: code ?? (signal ? 128 : -1), stdout, stderr }));
  });
}
