// The views' browser bundle and stylesheet (dist/webview/main.js and style.css, built by scripts/build.mjs
// from client/webview/), which the HTML report inlines.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface ViewAssets {
  script: string;
  style: string;
}

async function distDir(): Promise<string> {
  if (typeof __filename === 'string') return dirname(__filename); // the bundle: dist/cli.js
  const helper = './assets-url.js';
  const { sourceDistUrl } = (await import(helper)) as { sourceDistUrl: string };
  return fileURLToPath(sourceDistUrl);
}

export async function loadViewAssets(): Promise<ViewAssets> {
  const dir = await distDir();
  const script = join(dir, 'webview', 'main.js');
  const style = join(dir, 'webview', 'style.css');
  if (!existsSync(script) || !existsSync(style)) throw new Error(`the view bundle is missing (${script}); run npm run build`);
  return {
    // The source-map comment points at a file the report does not carry.
    script: readFileSync(script, 'utf8').replace(/\n\/\/# sourceMappingURL=\S+\s*$/, '\n'),
    style: readFileSync(style, 'utf8').replace(/\/\*# sourceMappingURL=\S+ \*\/\s*$/, ''),
  };
}
