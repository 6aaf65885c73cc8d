// The extension manifest and what `vsce` packages: commands the server's lenses name are contributed,
// settings exist, snippets parse, and the package holds the bundles, grammar files, media, snippets, docs
// and licence but no sources or tests.
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
    snippets: Array<{ language: string; path: string }>;
    commands: Array<{ command: string; title: string; category: string }>;
    keybindings: Array<{ command: string; key: string }>;
    configuration: { properties: Record<string, { type: string; default: unknown }> };
  };
}

const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as Manifest;

test('manifest: language, activation, commands, keybindings, settings, snippets, icon', () => {
  const c = manifest.contributes;
  assert.deepEqual(manifest.activationEvents, ['onLanguage:ptx', 'onWebviewPanel:ptx.results', 'onWebviewPanel:ptx.attention']);
  assert.deepEqual(manifest.extensionKind, ['workspace']);
  assert.ok(c.languages.some((l) => l.id === 'ptx' && l.extensions.includes('.ptx')));
  const commands = c.commands.map((x) => x.command);
  for (const cmd of Object.values(LENS_COMMANDS)) assert.ok(commands.includes(cmd), `${cmd} is not contributed`);
  // Every contributed command is registered by the client.
  const client = readFileSync(join(ROOT, 'client', 'src', 'extension.ts'), 'utf8') + readFileSync(join(ROOT, 'client', 'src', 'runCommands.ts'), 'utf8');
  for (const cmd of commands) assert.ok(client.includes(`'${cmd}'`), `${cmd} is contributed but the client does not register it`);
  for (const k of c.keybindings) assert.ok(commands.includes(k.command));
  for (const key of ['ptx.backend', 'ptx.trace.server', 'ptx.storeDirectory']) assert.ok(c.configuration.properties[key], `setting ${key}`);
  const snippets = JSON.parse(readFileSync(join(ROOT, c.snippets[0]!.path), 'utf8')) as Record<string, { prefix: string }>;
  for (const kw of ['data', 'model', 'task', 'pretrain', 'finetune', 'compare', 'evaluate']) assert.ok(Object.values(snippets).some((s) => s.prefix === kw), `snippet for ${kw}`);
  const png = readFileSync(join(ROOT, manifest.icon));
  assert.equal(png.subarray(1, 4).toString('ascii'), 'PNG');
  assert.equal(manifest.main, './dist/client.js');
});

test('package contents (vsce ls): bundles, grammar, media, snippets, docs, licence; no sources or tests', { timeout: 180_000 }, () => {
  assert.ok(existsSync(join(ROOT, 'dist', 'server.js')), 'run npm run build first');
  const r = spawnSync(process.execPath, [join(ROOT, 'node_modules', '@vscode', 'vsce', 'vsce'), 'ls'], { cwd: ROOT, encoding: 'utf8', timeout: 170_000, maxBuffer: 1 << 26 });
  assert.equal(r.status, 0, r.stderr);
  const files = r.stdout.split('\n').map((l) => l.trim()).filter(Boolean);
  for (const f of ['dist/server.js', 'dist/client.js', 'dist/cli.js', 'bin/ptx.js', 'grammar/ptx.tmLanguage.json', 'grammar/language-configuration.json', 'client/media/icon.png', 'client/snippets/ptx.json', 'LICENSE', 'package.json']) {
    assert.ok(files.includes(f), `${f} is not packaged`);
  }
  assert.ok(files.some((f) => f.startsWith('docs/')), 'docs are packaged');
  const own = files.filter((f) => !f.startsWith('node_modules/'));
  for (const f of own) {
    assert.ok(!/\.ts$|\.map$/.test(f), `${f} should not be packaged`);
    assert.ok(!/^(tests|bench|scripts|server|runtime|grammar\/src|client\/src|client\/webview|\.e2e|test-artifacts)\//.test(f), `${f} should not be packaged`);
  }
});
