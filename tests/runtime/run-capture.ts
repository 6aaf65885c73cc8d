// `ptx run` in the test process with its output captured, for the end-to-end tests.
import { runRun, type RunIo } from '../../runtime/src/commands/run.js';

/** `ptx run` in this process with its output captured (not a terminal). */
export async function runCaptured(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: RunIo = { stdout: (t) => void (out += t), stderr: (t) => void (err += t), tty: false, env };
  const code = await runRun(args, io);
  return { code, out, err };
}
