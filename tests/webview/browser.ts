// Real Chromium (Debian's, through playwright-core) for the view tests: the report page built from a
// fixture, offline, with every request that is not the page itself refused and counted.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { loadViewAssets } from '../../runtime/src/report/assets.js';
import type { ReportData } from '../../runtime/src/report/data.js';
import { reportHtml } from '../../runtime/src/report/html.js';
import { requireTool } from '../server/tools.js';

export const ROOT = join(import.meta.dirname, '..', '..');
export const ARTIFACTS = join(ROOT, 'test-artifacts');

export interface OfflinePage {
  page: Page;
  context: BrowserContext;
  /** URLs the page tried to load from anywhere but its own file (all refused). */
  outside: string[];
  /** Console errors and uncaught exceptions. */
  errors: string[];
  close(): Promise<void>;
}

export async function launch(t: TestContext): Promise<Browser | undefined> {
  const exe = requireTool(t, ['chromium', '/usr/bin/chromium'], 'Chromium is not installed (apt-get install chromium)');
  if (!exe) return undefined;
  return chromium.launch({ executablePath: exe, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
}

/** Opens an HTML file with the network off; `vars` are set on <html> the way VS Code sets its theme. */
export async function openOffline(
  browser: Browser,
  file: string,
  opts: { colorScheme?: 'light' | 'dark'; vars?: Record<string, string>; width?: number } = {},
): Promise<OfflinePage> {
  const context = await browser.newContext({ viewport: { width: opts.width ?? 1280, height: 900 }, colorScheme: opts.colorScheme ?? 'light', offline: true, acceptDownloads: true });
  const outside: string[] = [];
  const errors: string[] = [];
  const own = 'file://' + file;
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (url === own) return route.continue();
    outside.push(url);
    return route.abort();
  });
  const page = await context.newPage();
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(own);
  if (opts.vars) await setThemeVars(page, opts.vars);
  return { page, context, outside, errors, close: () => context.close() };
}

/**
 * Sets theme variables the way VS Code does (custom properties in the style attribute of <html>, also
 * when the user switches theme) and waits for the view's redraw.
 */
export async function setThemeVars(page: Page, vars: Record<string, string>): Promise<void> {
  await page.evaluate(async (v: Record<string, string>) => {
    for (const [k, val] of Object.entries(v)) document.documentElement.style.setProperty(k, val);
    await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
  }, vars);
}

/** Writes the report page for `data` (what `ptx report -o` writes) into a scratch folder. */
export async function writeReport(data: ReportData): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'ptx-view-'));
  const file = join(dir, 'report.html');
  writeFileSync(file, reportHtml(data, await loadViewAssets()));
  return file;
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const path = join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/**
 * The figure drawn through the export path (SVG → image → canvas, as the PNG export does) and the pixels
 * at the given points of its own coordinate system, as [r, g, b].
 */
export async function figurePixels(page: Page, figure: string, points: Array<[number, number]>): Promise<Array<[number, number, number]>> {
  return page.evaluate(
    async ({ figure, points }) => {
      const svg = document.querySelector(`svg[data-figure="${figure}"]`)!;
      const text = new XMLSerializer().serializeToString(svg);
      const img = new Image();
      await new Promise<void>((resolve, reject) => {
        img.onload = () => resolve();
        img.onerror = () => reject(new Error('the figure did not load as an image'));
        img.src = URL.createObjectURL(new Blob([text], { type: 'image/svg+xml' }));
      });
      const canvas = document.createElement('canvas');
      canvas.width = Number(svg.getAttribute('width'));
      canvas.height = Number(svg.getAttribute('height'));
      const ctx = canvas.getContext('2d')!;
      ctx.drawImage(img, 0, 0);
      return points.map(([x, y]) => {
        const d = ctx.getImageData(Math.floor(x), Math.floor(y), 1, 1).data;
        return [d[0]!, d[1]!, d[2]!] as [number, number, number];
      });
    },
    { figure, points },
  );
}
