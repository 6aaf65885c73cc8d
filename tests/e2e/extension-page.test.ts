// The Extensions page of the installed .vsix in code-server shows the user's README (what the extension
// does and a tour, not the repository's developer text), and its picture renders (not alt text).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Frame, Page } from 'playwright-core';
import { withEditorSession } from './codeServer.js';

async function readmeFrame(page: Page, timeout = 60_000): Promise<Frame> {
  const deadline = Date.now() + timeout;
  for (;;) {
    for (const f of page.frames()) {
      try {
        if ((await f.locator('h1', { hasText: 'PTX Lab for VS Code' }).count()) > 0) return f;
      } catch {
        // navigating
      }
    }
    if (Date.now() > deadline) throw new Error('no README with the heading "PTX Lab for VS Code" on the Extensions page');
    await new Promise((r) => setTimeout(r, 300));
  }
}

test('Extensions page: the user README with a picture that renders', { timeout: 180_000 }, async (t) => {
  await withEditorSession(t, 'extension-page', { files: { 'a.ptx': 'task asc = sort(ascending)\n' } }, async (session) => {
    const { page } = session;
    await page.keyboard.press('Control+Shift+X');
    const search = page.locator('.extensions-viewlet .suggest-input-container, .extensions-viewlet .monaco-inputbox').first();
    await search.click({ timeout: 30_000 });
    await page.keyboard.type('@installed PTX Lab');
    await page.locator('.extensions-viewlet .monaco-list-row', { hasText: 'PTX Lab' }).first().click({ timeout: 30_000 });
    const readme = await readmeFrame(page);
    const text = await readme.locator('body').innerText();
    assert.match(text, /A two-minute tour/);
    assert.doesNotMatch(text, /npm test|CI runs/, 'no developer text');
    const img = readme.locator('img').first();
    await img.waitFor({ timeout: 20_000 });
    await page.waitForTimeout(1500);
    const size = await img.evaluate((i: HTMLImageElement) => ({ w: i.naturalWidth, complete: i.complete, src: i.src.slice(0, 80) }));
    await session.screenshot('extension-page');
    assert.ok(size.complete && size.w > 100, `the README picture renders (${JSON.stringify(size)})`);
  });
});
