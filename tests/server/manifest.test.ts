// The extension manifest and what `vsce` packages: commands the server's lenses name are contributed,
// settings exist, the editor title, Runs view, problem matcher and walkthrough are there, and the package
// holds the bundles with their source maps, grammar files, media, walkthrough, docs and licence but no
// sources or tests.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { LENS_COMMANDS } from '../../server/src/features/codeLens.js';
import { ROOT } from './helpers.js';

interface Manifest {
  main: string;
  icon: string;
  activationEvents: string[];
  extensionKind: string[];
  capabilities: { untrustedWorkspaces: { supported: string; restrictedConfigurations?: string[] } };
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
    configuration: { properties: Record<string, { type: string; default: unknown; enum?: unknown[] }> };
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

/** Every .ts file under a folder. */
function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? sources(p) : p.endsWith('.ts') ? [p] : [];
  });
}

test('workspace trust: settings that name a path or a program are restricted and not read before trust', () => {
  // A free-form string setting (no enum) can name a path or a program; such settings must be restricted.
  const props = manifest.contributes.configuration.properties;
  const freeText = Object.keys(props).filter((k) => props[k]!.type === 'string' && !props[k]!.enum).sort();
  assert.ok(freeText.includes('ptx.storeDirectory'));
  const restricted = [...(manifest.capabilities.untrustedWorkspaces.restrictedConfigurations ?? [])].sort();
  assert.deepEqual(restricted, freeText, 'capabilities.untrustedWorkspaces.restrictedConfigurations');
  // The client reads them only through client/src/settings.ts, which gives the default until trust is granted.
  const settingsFile = join(ROOT, 'client', 'src', 'settings.ts');
  const settings = readFileSync(settingsFile, 'utf8');
  const listed = /RESTRICTED_SETTINGS = \[([^\]]*)\]/.exec(settings)?.[1]?.match(/'[^']+'/g)?.map((q) => `ptx.${q.slice(1, -1)}`).sort();
  assert.deepEqual(listed, restricted, 'RESTRICTED_SETTINGS in client/src/settings.ts');
  for (const key of restricted) {
    const name = key.slice('ptx.'.length);
    const read = settings.indexOf(`.get<string>('${name}'`);
    assert.ok(read > 0, `settings.ts reads ${key}`);
    const fn = settings.lastIndexOf('export function', read);
    assert.match(settings.slice(fn, read), /if \(!vscode\.workspace\.isTrusted\) return/, `settings.ts checks trust before reading ${key}`);
    for (const file of sources(join(ROOT, 'client', 'src'))) {
      if (file === settingsFile) continue;
      assert.ok(!readFileSync(file, 'utf8').includes(`'${name}'`), `${file} reads ${key} itself (use client/src/settings.ts)`);
    }
  }
  // synchronize.configurationSection would send the whole ptx section, restricted settings included.
  assert.ok(!readFileSync(join(ROOT, 'client', 'src', 'extension.ts'), 'utf8').includes('configurationSection'));
});

test('package contents (vsce ls): bundles, grammar, media, snippets, docs, licence; no sources or tests', { timeout: 180_000 }, () => {
  assert.ok(existsSync(join(ROOT, 'dist', 'server.js')), 'run npm run build first');
  const r = spawnSync(process.execPath, [join(ROOT, 'node_modules', '@vscode', 'vsce', 'vsce'), 'ls'], { cwd: ROOT, encoding: 'utf8', timeout: 170_000, maxBuffer: 1 << 26 });
  assert.equal(r.status, 0, r.stderr);
  const files = r.stdout.split('\n').map((l) => l.trim()).filter(Boolean);
  for (const f of ['dist/server.js', 'dist/server-worker.js', 'dist/client.js', 'dist/cli.js', 'bin/ptx.js', 'grammar/ptx.tmLanguage.json', 'grammar/language-configuration.json', 'client/media/icon.png', 'client/walkthrough/train.md', 'dist/server.js.map', 'LICENSE', 'package.json']) {
    assert.ok(files.includes(f), `${f} is not packaged`);
  }
  assert.ok(files.some((f) => f.startsWith('docs/')), 'docs are packaged');
  const own = files.filter((f) => !f.startsWith('node_modules/'));
  for (const f of own) {
    assert.ok(!/\.ts$/.test(f) && !(/\.map$/.test(f) && !f.startsWith('dist/')), `${f} should not be packaged`);
    assert.ok(!/^(tests|bench|scripts|server|runtime|grammar\/src|client\/src|client\/webview|\.e2e|test-artifacts)\//.test(f), `${f} should not be packaged`);
  }
});
