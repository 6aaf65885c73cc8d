// External programs the editor tests drive (Neovim, Chromium, code-server). Where one is missing the test
// skips with the reason printed, except under CI (env CI set), where it fails: a green CI run means they ran.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { TestContext } from 'node:test';

export function which(program: string): string | undefined {
  if (program.includes('/')) return existsSync(program) ? program : undefined;
  const r = spawnSync('sh', ['-c', `command -v ${program}`], { encoding: 'utf8' });
  const path = r.stdout.trim();
  return r.status === 0 && path ? path : undefined;
}

/** The path of the first candidate that exists, or skips (fails under CI) the test with `reason`. */
export function requireTool(t: TestContext, candidates: string[], reason: string): string | undefined {
  for (const c of candidates) {
    const found = which(c);
    if (found) return found;
  }
  const message = `${reason} (looked for: ${candidates.join(', ')})`;
  if (process.env['CI']) assert.fail(`${message}; CI is set, so this test must run`);
  console.log(`# skipped: ${message}`);
  t.skip(message);
  return undefined;
}
