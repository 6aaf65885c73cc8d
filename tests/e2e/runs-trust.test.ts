// Workspace trust in a real VS Code (code-server): a folder that is not trusted opens in restricted mode;
// the extension still gives diagnostics and lenses, but a run is refused with an explanation, the status
// bar says runs are off, and nothing is trained or written.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { openFile, ROOT, withEditorSession } from './codeServer.js';

test('untrusted workspace: editing works, runs are disabled with an explanation', { timeout: 300_000 }, async (t) => {
  const figure1 = readFileSync(join(ROOT, 'examples', 'figure1.ptx'), 'utf8');
  await withEditorSession(t, 'runs-trust', { files: { 'figure1.ptx': figure1 }, workspaceTrust: true, settings: { 'security.workspace.trust.enabled': true, 'security.workspace.trust.startupPrompt': 'always' } }, async (session) => {
    const { page, workspace } = session;
    // VS Code asks whether to trust the folder: no.
    const dontTrust = page.locator('.monaco-dialog-box .monaco-button', { hasText: /No, I don.t trust/ });
    await dontTrust.first().click({ timeout: 60_000 });
    await openFile(page, 'figure1.ptx');
    const editor = page.locator('.editor-instance .monaco-editor').first();
    // Editing features: the theory warning and the lens are there.
    await editor.locator('.squiggly-warning').first().waitFor({ timeout: 60_000 });
    await page.locator('.statusbar-item', { hasText: 'PTX: runs off' }).first().waitFor({ timeout: 30_000 });
    await editor.locator('.codelens-decoration a', { hasText: 'Train' }).first().click();
    await page.locator('.notifications-toasts .notification-toast', { hasText: /runs are disabled in an untrusted workspace/ }).first().waitFor({ timeout: 30_000 });
    await session.screenshot('runs-trust-refused');
    await new Promise((r) => setTimeout(r, 2000));
    assert.ok(!existsSync(join(workspace, '.ptx')), 'nothing was trained or stored');
  });
});
