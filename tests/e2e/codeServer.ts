// A real VS Code for end-to-end tests: code-server 4.100.3 (installed by scripts/e2e-setup.sh under
// .e2e/code-server) with the packaged extension installed from its .vsix, a scratch workspace, and a fresh
// profile per run; driven by Playwright in Debian's Chromium.
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { requireTool } from '../server/tools.js';

export const ROOT = join(import.meta.dirname, '..', '..');
export const CODE_SERVER = join(ROOT, '.e2e', 'code-server', 'node_modules', '.bin', 'code-server');
export const ARTIFACTS = join(ROOT, 'test-artifacts');

/** The tools an editor e2e test needs; undefined (test skipped, or failed under CI) when one is missing. */
export function e2eTools(t: TestContext): { codeServer: string; chromium: string } | undefined {
  const codeServer = requireTool(t, [CODE_SERVER], 'code-server is not installed (run scripts/e2e-setup.sh)');
  if (!codeServer) return undefined;
  const browser = requireTool(t, ['chromium', '/usr/bin/chromium'], 'Chromium is not installed (apt-get install chromium)');
  if (!browser) return undefined;
  return { codeServer, chromium: browser };
}

/** Packages the extension exactly as users get it (`npm run package`: vsce with the user README, production dependencies included). */
export function packageExtension(outDir: string): string {
  assert.ok(existsSync(join(ROOT, 'dist', 'server.js')) && existsSync(join(ROOT, 'dist', 'client.js')), 'dist/ is missing: run npm run build first');
  const vsix = join(outDir, 'ptx-lab.vsix');
  const r = spawnSync(process.execPath, [join(ROOT, 'node_modules', '@vscode', 'vsce', 'vsce'), 'package', '--no-rewrite-relative-links', '--readme-path', 'client/README.md', '-o', vsix], { cwd: ROOT, encoding: 'utf8', timeout: 180_000 });
  assert.equal(r.status, 0, `vsce package failed: ${r.stderr}${r.stdout}`);
  return vsix;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => (typeof a === 'object' && a ? resolve(a.port) : reject(new Error('no port'))));
    });
  });
}

export interface EditorSession {
  page: Page;
  browser: Browser;
  workspace: string;
  userData: string;
  url: string;
  /** Saves a screenshot under test-artifacts/<name>.png and returns its path. */
  screenshot(name: string): Promise<string>;
  /** The extension host's log (useful in failure messages). */
  extensionHostLog(): string;
  close(): Promise<void>;
}

export interface SessionOptions {
  tools: { codeServer: string; chromium: string };
  vsix: string;
  /** Files to put in the workspace: name → content. */
  files: Record<string, string>;
  /** Extra user settings. */
  settings?: Record<string, unknown>;
  /** Keep VS Code's workspace trust on (the folder opens in restricted mode when not trusted). */
  workspaceTrust?: boolean;
}

/**
 * One editor test's life: skip (or fail under CI) without the tools, package the extension, open
 * code-server on `files`, run `body`; on failure save a `<name>-failure` screenshot and add the extension
 * host's log to the error; always close the editor and remove the package.
 */
export async function withEditorSession(
  t: TestContext,
  name: string,
  options: Omit<SessionOptions, 'tools' | 'vsix'>,
  body: (session: EditorSession) => Promise<void>,
): Promise<void> {
  const tools = e2eTools(t);
  if (!tools) return;
  const out = mkdtempSync(join(tmpdir(), 'ptx-vsix-'));
  let session: EditorSession | undefined;
  try {
    const vsix = packageExtension(out);
    session = await openEditor({ ...options, tools, vsix });
    await body(session);
  } catch (err) {
    if (session) {
      await session.screenshot(`${name}-failure`).catch(() => undefined);
      throw new Error(`${err instanceof Error ? err.stack : String(err)}\n${session.extensionHostLog()}`);
    }
    throw err;
  } finally {
    await session?.close();
    rmSync(out, { recursive: true, force: true });
  }
}

export async function openEditor(options: SessionOptions): Promise<EditorSession> {
  const scratch = mkdtempSync(join(tmpdir(), 'ptx-e2e-'));
  const workspace = join(scratch, 'workspace');
  const userData = join(scratch, 'user-data');
  const extensions = join(scratch, 'extensions');
  const home = join(scratch, 'home');
  for (const d of [workspace, join(userData, 'User'), extensions, home]) mkdirSync(d, { recursive: true });
  for (const [name, content] of Object.entries(options.files)) writeFileSync(join(workspace, name), content);
  writeFileSync(
    join(userData, 'User', 'settings.json'),
    JSON.stringify({
      'workbench.startupEditor': 'none',
      'telemetry.telemetryLevel': 'off',
      'update.mode': 'none',
      'extensions.autoUpdate': false,
      'extensions.ignoreRecommendations': true,
      'workbench.tips.enabled': false,
      'security.workspace.trust.enabled': false,
      'editor.hover.delay': 200,
      ...options.settings,
    }),
  );
  const config = join(scratch, 'config.yaml');
  writeFileSync(config, 'auth: none\ncert: false\n');
  // Trap 3: code-server writes under $HOME and the XDG folders on every call.
  const env = { ...process.env, HOME: home, XDG_CONFIG_HOME: join(home, 'config'), XDG_DATA_HOME: join(home, 'data'), XDG_CACHE_HOME: join(home, 'cache') };
  const common = ['--user-data-dir', userData, '--extensions-dir', extensions, '--config', config];
  const inst = spawnSync(options.tools.codeServer, [...common, '--install-extension', options.vsix], { env, encoding: 'utf8', timeout: 120_000 });
  assert.equal(inst.status, 0, `installing the extension failed: ${inst.stderr}${inst.stdout}`);

  const port = await freePort();
  const server: ChildProcess = spawn(
    options.tools.codeServer,
    [...common, '--bind-addr', `127.0.0.1:${port}`, '--auth', 'none', '--disable-telemetry', '--disable-update-check', ...(options.workspaceTrust ? [] : ['--disable-workspace-trust']), '--disable-getting-started-override', workspace],
    { env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let serverOutput = '';
  server.stdout?.on('data', (d: Buffer) => (serverOutput += d.toString()));
  server.stderr?.on('data', (d: Buffer) => (serverOutput += d.toString()));
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      const r = await fetch(`${base}/healthz`);
      if (r.ok) break;
    } catch {
      // not listening yet
    }
    if (server.exitCode !== null) throw new Error(`code-server exited: ${serverOutput}`);
    if (Date.now() > deadline) throw new Error(`code-server did not answer /healthz within 60 s: ${serverOutput}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  const browser = await chromium.launch({ executablePath: options.tools.chromium, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  const url = `${base}/?folder=${encodeURIComponent(workspace)}`;
  await page.goto(url);
  await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
  mkdirSync(ARTIFACTS, { recursive: true });

  const session: EditorSession = {
    page,
    browser,
    workspace,
    userData,
    url,
    async screenshot(name: string) {
      const path = join(ARTIFACTS, `${name}.png`);
      await page.screenshot({ path });
      return path;
    },
    extensionHostLog() {
      const logs = join(userData, 'logs');
      if (!existsSync(logs)) return '(no logs)';
      const out: string[] = [];
      const walk = (d: string): void => {
        for (const n of readdirSync(d)) {
          const p = join(d, n);
          if (statSync(p).isDirectory()) walk(p);
          else if (/exthost/.test(p) && p.endsWith('.log')) out.push(`== ${p}\n${readFileSync(p, 'utf8').slice(-4000)}`);
        }
      };
      walk(logs);
      return out.join('\n') || '(no extension host log)';
    },
    async close() {
      await browser.close().catch(() => undefined);
      server.kill('SIGTERM');
      await new Promise<void>((resolve) => {
        if (server.exitCode !== null) return resolve();
        const t = setTimeout(() => {
          server.kill('SIGKILL');
          resolve();
        }, 5000);
        server.once('exit', () => {
          clearTimeout(t);
          resolve();
        });
      });
      rmSync(scratch, { recursive: true, force: true });
    },
  };
  return session;
}

/** Opens a workspace file in the editor through Quick Open and waits until its editor shows. */
export async function openFile(page: Page, name: string): Promise<void> {
  await page.locator('.monaco-workbench').click({ position: { x: 700, y: 400 } }).catch(() => undefined);
  await page.keyboard.press('Control+P');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ timeout: 15_000 });
  await input.fill(name);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: name }).first().waitFor({ timeout: 15_000 });
  await page.keyboard.press('Enter');
  await page.locator(`.tabs-container .tab[aria-label*="${name}"]`).first().waitFor({ timeout: 15_000 });
  await page.locator('.editor-instance .monaco-editor .view-lines').first().waitFor({ timeout: 15_000 });
}

/** Runs a command by its title from the Command Palette. */
export async function command(page: Page, name: string): Promise<void> {
  await page.keyboard.press('Control+Shift+P');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor();
  await input.fill(`>${name}`);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: name }).first().waitFor({ timeout: 15_000 });
  await page.keyboard.press('Enter');
}
