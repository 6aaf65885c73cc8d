// End to end in a real VS Code (code-server + Chromium): the packaged extension on examples/figure1.ptx.
// The theory warning shows as a squiggle and in Problems (its code's link opens the docs read-only at its
// section), the Train lens is there, hover shows the
// parameter count, the quick fix to LoRA applies and the warning goes, completion offers the methods.
// Screenshots go to test-artifacts/ (git-ignored).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { openFile, ROOT, withEditorSession } from './codeServer.js';

test('VS Code (code-server): squiggle, Problems, lens, hover, LoRA quick fix, completion', { timeout: 420_000 }, async (t) => {
  const figure1 = readFileSync(join(ROOT, 'examples', 'figure1.ptx'), 'utf8');
  await withEditorSession(t, 'editing', { files: { 'figure1.ptx': figure1 } }, async (session) => {
    const { page } = session;
    const editor = page.locator('.editor-instance .monaco-editor').first();
    await openFile(page, 'figure1.ptx');

    // The warning as a squiggle, and the Train lens above the pretrain block.
    await editor.locator('.squiggly-warning').first().waitFor({ timeout: 60_000 });
    await editor.locator('.codelens-decoration a', { hasText: 'Train' }).first().waitFor({ timeout: 30_000 });
    await session.screenshot('editing-1-squiggle-and-lens');

    // Problems lists it with its code.
    await page.keyboard.press('Control+Shift+M');
    const problemRow = page.locator('.markers-panel .monaco-list-row', { hasText: 'novel-attention-pattern' });
    await problemRow.first().waitFor({ timeout: 30_000 });
    await session.screenshot('editing-2-problems');

    // The code's link opens the docs read-only at its section (not the raw file at line 1).
    const docsLine = readFileSync(join(ROOT, 'docs', 'diagnostics.md'), 'utf8').split('\n').indexOf('### novel-attention-pattern') + 1;
    await problemRow.first().locator('.monaco-link', { hasText: 'novel-attention-pattern' }).first().click();
    await page.locator('.tabs-container .tab.active[aria-label*="diagnostics.md"]').first().waitFor({ timeout: 20_000 });
    await page.locator('.statusbar-item', { hasText: new RegExp(`Ln ${docsLine},`) }).first().waitFor({ timeout: 20_000 });
    const activeLine = page.locator('.editor-instance .monaco-editor .view-line', { hasText: '### novel-attention-pattern' });
    await activeLine.first().waitFor({ timeout: 10_000 });
    await page.keyboard.type('x');
    await page.locator('.monaco-editor-overlaymessage, .monaco-editor .message', { hasText: /read-only|Cannot edit/i }).first().waitFor({ timeout: 10_000 });
    await session.screenshot('editing-2b-diagnostic-docs');
    await page.keyboard.press('Escape');
    await page.keyboard.press('Control+W');
    await page.locator('.tabs-container .tab.active[aria-label*="figure1.ptx"]').first().waitFor({ timeout: 10_000 });

    // Hover on the prefix method: its trainable-parameter count.
    const prefixLine = editor.locator('.view-lines .view-line', { hasText: 'method: prefix(length: 1)' });
    const prefixWord = prefixLine.locator('span > span', { hasText: /^prefix$/ }).first();
    await prefixWord.hover();
    await page.locator('.monaco-hover', { hasText: '96 trainable parameters' }).first().waitFor({ timeout: 30_000 });
    await session.screenshot('editing-3-hover');
    await page.mouse.move(5, 5);

    // The quick fix to LoRA: applies, and the warning goes (squiggle and Problems row).
    await prefixWord.click();
    await page.keyboard.press('Control+.');
    const fix = page.locator('.action-widget .monaco-list-row', { hasText: /Switch to lora/ }).first();
    await fix.waitFor({ timeout: 30_000 });
    await session.screenshot('editing-4-quick-fix-menu');
    // The menu takes keys (a pointer shield covers it for a moment): move the focus to the fix, then Enter.
    for (let i = 0; i < 8; i++) {
      const focused = (await page.locator('.action-widget .monaco-list-row.focused').first().getAttribute('aria-label')) ?? '';
      if (/Switch to lora/.test(focused)) break;
      await page.keyboard.press('ArrowDown');
    }
    await page.keyboard.press('Enter');
    await editor.locator('.view-lines .view-line', { hasText: /method:\slora\(rank:\s\d+/ }).first().waitFor({ timeout: 30_000 });
    await editor.locator('.squiggly-warning').first().waitFor({ state: 'detached', timeout: 30_000 });
    await problemRow.first().waitFor({ state: 'detached', timeout: 30_000 });
    await session.screenshot('editing-5-after-quick-fix');

    // Completion offers the methods after `method: `.
    await editor.locator('.view-lines').click();
    await page.keyboard.press('Control+End');
    await page.keyboard.press('Enter');
    await page.keyboard.type('finetune x from base on desc { method: ');
    await page.keyboard.press('Escape');
    await page.keyboard.press('Control+Space');
    const suggest = page.locator('.suggest-widget .monaco-list-row');
    await suggest.filter({ hasText: 'soft_prompt' }).first().waitFor({ timeout: 30_000 });
    const labels = await suggest.allInnerTexts();
    for (const m of ['full', 'lora', 'prefix', 'soft_prompt', 'prompt']) assert.ok(labels.some((l) => l.includes(m)), `completion rows: ${labels.join(' | ')}`);
    await session.screenshot('editing-6-completion');
  });
});
