// Embeds the README picture of the extension page (client/README.md) as a JPEG data: URI. VS Code's
// Extensions page resolves relative image links against its own static folder in code-server (the picture
// showed as alt text), so the picture travels inside the README. Made with Chromium (Playwright) from
// docs/images/results-panel.png, scaled to 960 px wide. Usage: node scripts/user-readme-image.mjs
import { readFileSync, writeFileSync } from 'node:fs';
import { chromium } from 'playwright-core';

const SOURCE = 'docs/images/results-panel.png';
const README = 'client/README.md';
const WIDTH = 960;

const png = readFileSync(SOURCE).toString('base64');
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', args: ['--no-sandbox'] });
try {
  const page = await browser.newPage({ viewport: { width: WIDTH, height: 600 } });
  await page.setContent(`<body style="margin:0"><img id="i" style="display:block;width:${WIDTH}px" src="data:image/png;base64,${png}"></body>`);
  const img = page.locator('#i');
  await img.evaluate((i) => (i.complete ? null : new Promise((r) => (i.onload = r))));
  const jpeg = await img.screenshot({ type: 'jpeg', quality: 72 });
  const text = readFileSync(README, 'utf8');
  const next = text.replace(/(!\[[^\]]*\]\()(data:image\/jpeg;base64,[^)]*|docs\/images\/results-panel\.png)(\))/, `$1data:image/jpeg;base64,${jpeg.toString('base64')}$3`);
  if (next === text) throw new Error(`no picture link to replace in ${README}`);
  writeFileSync(README, next);
  console.log(`${README}: picture ${jpeg.length} bytes (JPEG, ${WIDTH} px wide)`);
} finally {
  await browser.close();
}
