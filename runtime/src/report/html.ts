// The standalone report: one HTML file holding the results data, the views' script and stylesheet, and a
// Content-Security-Policy that allows nothing from outside (no network is needed, or possible, to read it).
import { randomBytes } from 'node:crypto';
import type { ViewAssets } from './assets.js';
import type { ReportData } from './data.js';

/** JSON safe inside a <script> element: no `</script>`, no HTML comment openers, no line separators. */
export function scriptSafeJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
}

export function reportHtml(data: ReportData, assets: ViewAssets): string {
  const nonce = randomBytes(16).toString('base64');
  const csp = `default-src 'none'; script-src 'nonce-${nonce}'; style-src 'nonce-${nonce}'; img-src data: blob:`;
  // The bundle is inlined as it is; only a literal `</script` inside it would end the element early.
  const script = assets.script.replace(/<\/script/gi, '<\\/script');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="ptx report">
<title>PTX Lab report · ${escapeHtml(data.spec)}</title>
<style nonce="${nonce}">${assets.style}</style>
</head>
<body class="ptx-report">
<div id="app" data-view="results"><noscript>This report draws its tables and figures with JavaScript; open it in a browser with scripts enabled.</noscript></div>
<script type="application/json" id="ptx-data">${scriptSafeJson(data)}</script>
<script nonce="${nonce}">${script}</script>
</body>
</html>
`;
}
