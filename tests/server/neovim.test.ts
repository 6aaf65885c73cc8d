// A second, independent editor: Neovim's built-in LSP client talks to dist/server.js over stdio on
// examples/figure1.ptx. Diagnostics must include novel-attention-pattern; completion and hover must answer.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ROOT, SERVER } from './helpers.js';
import { requireTool } from './tools.js';

test('Neovim: diagnostics, completion and hover on examples/figure1.ptx', (t) => {
  const nvim = requireTool(t, ['nvim'], "Neovim is not installed (apt-get install neovim)");
  if (!nvim) return;
  const file = join(ROOT, 'examples', 'figure1.ptx');
  const lines = readFileSync(file, 'utf8').split('\n');
  const line = lines.findIndex((l) => l.includes('method: prefix('));
  assert.ok(line >= 0, 'figure1.ptx has a prefix method');
  const methodAt = lines[line]!.indexOf('prefix(');
  const dir = mkdtempSync(join(tmpdir(), 'ptx-nvim-'));
  try {
    const out = join(dir, 'result.json');
    const r = spawnSync(nvim, ['--headless', '--clean', '-c', `luafile ${join(ROOT, 'tests', 'server', 'neovim', 'check.lua')}`], {
      env: {
        ...process.env,
        PTX_SERVER: SERVER,
        PTX_FILE: file,
        PTX_OUT: out,
        // Completion right after `method: ` (the methods), hover on `prefix` (the parameter count).
        PTX_COMPLETION_AT: `${line}:${methodAt}`,
        PTX_HOVER_AT: `${line}:${methodAt + 2}`,
        XDG_STATE_HOME: dir,
        XDG_DATA_HOME: dir,
        XDG_CACHE_HOME: dir,
      },
      encoding: 'utf8',
      timeout: 60_000,
    });
    assert.equal(r.status, 0, `nvim exited with ${r.status}: ${r.stderr}${r.stdout}`);
    const result = JSON.parse(readFileSync(out, 'utf8')) as { codes: string[]; completion: string[]; hover: string; lenses: string[] };
    assert.ok(result.codes.includes('novel-attention-pattern'), `codes: ${result.codes.join(', ')}`);
    for (const m of ['full', 'lora', 'prefix', 'soft_prompt', 'prompt']) assert.ok(result.completion.includes(m), `completion: ${result.completion.join(', ')}`);
    assert.match(result.hover, /96 trainable parameters/);
    assert.ok(result.lenses.some((l) => l.includes('Train')), `lenses: ${result.lenses.join(', ')}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
