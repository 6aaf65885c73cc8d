// The extension manifest and what `vsce` packages: commands the server's lenses name are contributed,
// settings exist, the editor title, Runs view, problem matcher and walkthrough are there, and the package
// holds the bundles with their source maps, grammar files, media, walkthrough, docs and licence but no
// sources or tests.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { LENS_COMMANDS } from '../../server/src/features/codeLens.js';
import { ROOT } from './helpers.js';

interface Manifest {
  main: string;
  icon: string;
  activationEvents: string[];
  extensionKind: string[];
  contributes: {
    languages: Array<{ id: string; extensions: string[]; configuration: string }>;
    grammars: Array<{ language: string; path: string }>;
    snippets?: Array<{ language: string; path: string }>;
    menus: Record<string, Array<{ command: string; when?: string }>>;
    views?: Record<string, Array<{ id: string }>>;
    problemMatchers?: Array<{ name: string; pattern: { regexp: string; file: number; line: number; column: number; severity: number; code: number } }>;
    walkthroughs?: Array<{ steps: Array<{ media: { markdown: string } }> }>;
    commands: Array<{ command: string; title: string; category: string }>;
    keybindings: Array<{ command: string; key: string }>;
    configuration: { properties: Record<string, { type: string; default: unknown }> };
  };
}

const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as Manifest;

test('manifest: language, activation, commands, keybindings, settings, editor title, views, problem matcher, walkthrough, icon', () => {
  const c = manifest.contributes;
  assert.deepEqual(manifest.activationEvents, ['onLanguage:ptx', 'onWebviewPanel:ptx.results', 'onWebviewPanel:ptx.attention', 'onView:ptx.runs']);
  assert.deepEqual(manifest.extensionKind, ['workspace']);
  assert.ok(c.languages.some((l) => l.id === 'ptx' && l.extensions.includes('.ptx')));
  const commands = c.commands.map((x) => x.command);
  for (const cmd of Object.values(LENS_COMMANDS)) assert.ok(commands.includes(cmd), `${cmd} is not contributed`);
  // Every contributed command is registered by the client.
  const client = readFileSync(join(ROOT, 'client', 'src', 'extension.ts'), 'utf8') + readFileSync(join(ROOT, 'client', 'src', 'runCommands.ts'), 'utf8');
  for (const cmd of commands) assert.ok(client.includes(`'${cmd}'`), `${cmd} is contributed but the client does not register it`);
  for (const k of c.keybindings) assert.ok(commands.includes(k.command));
  for (const key of ['ptx.backend', 'ptx.trace.server', 'ptx.storeDirectory', 'ptx.inlayHints.parameterCounts', 'ptx.inlayHints.defaults']) assert.ok(c.configuration.properties[key], `setting ${key}`);
  // Block snippets come from the server where a block can start; static snippets would show everywhere.
  assert.equal(c.snippets, undefined);
  const title = c.menus['editor/title'] ?? [];
  assert.ok(title.some((m) => m.command === 'ptx.runFile' && /resourceLangId == ptx/.test(m.when ?? '')), '▶ in the editor title');
  assert.ok(title.some((m) => m.command === 'ptx.stop' && /ptx\.running/.test(m.when ?? '')), '■ while running');
  assert.ok(c.views?.explorer?.some((v) => v.id === 'ptx.runs'), 'the PTX Runs view');
  // The problem matcher reads what `ptx check` prints.
  const pm = c.problemMatchers?.find((m) => m.name === 'ptx');
  assert.ok(pm, 'a ptx problem matcher');
  const m = new RegExp(pm.pattern.regexp).exec('examples/figure1.ptx:19:50: warning novel-attention-pattern: prefix-tuning cannot change …');
  assert.ok(m);
  assert.deepEqual([m[pm.pattern.file], m[pm.pattern.line], m[pm.pattern.column], m[pm.pattern.severity], m[pm.pattern.code]], ['examples/figure1.ptx', '19', '50', 'warning', 'novel-attention-pattern']);
  // The walkthrough's media exist and its commands are registered.
  for (const w of c.walkthroughs ?? []) for (const step of w.steps) assert.ok(existsSync(join(ROOT, step.media.markdown)), step.media.markdown);
  assert.ok((c.walkthroughs ?? []).length === 1);
  const png = readFileSync(join(ROOT, manifest.icon));
  assert.equal(png.subarray(1, 4).toString('ascii'), 'PNG');
  assert.equal(manifest.main, './dist/client.js');
});

test('package contents (vsce ls): bundles, grammar, media, snippets, docs, licence; no sources or tests', { timeout: 180_000 }, () => {
  assert.ok(existsSync(join(ROOT, 'dist', 'server.js')), 'run npm run build first');
  const r = spawnSync(process.execPath, [join(ROOT, 'node_modules', '@vscode', 'vsce', 'vsce'), 'ls'], { cwd: ROOT, encoding: 'utf8', timeout: 170_000, maxBuffer: 1 << 26 });
  assert.equal(r.status, 0, r.stderr);
  const files = r.stdout.split('\n').map((l) => l.trim()).filter(Boolean);
  for (const f of ['dist/server.js', 'dist/client.js', 'dist/cli.js', 'bin/ptx.js', 'grammar/ptx.tmLanguage.json', 'grammar/language-configuration.json', 'client/media/icon.png', 'client/walkthrough/train.md', 'dist/server.js.map', 'LICENSE', 'package.json']) {
    assert.ok(files.includes(f), `${f} is not packaged`);
  }
  assert.ok(files.some((f) => f.startsWith('docs/')), 'docs are packaged');
  const own = files.filter((f) => !f.startsWith('node_modules/'));
  for (const f of own) {
    assert.ok(!/\.ts$/.test(f) && !(/\.map$/.test(f) && !f.startsWith('dist/')), `${f} should not be packaged`);
    assert.ok(!/^(tests|bench|scripts|server|runtime|grammar\/src|client\/src|client\/webview|\.e2e|test-artifacts)\//.test(f), `${f} should not be packaged`);
  }
});
