// Entry of the browser bundle (dist/webview/main.js): starts the views in a VS Code webview panel or in the
// standalone HTML report, whichever page loaded it.
import { App } from './app.js';
import { inVsCode, reportHost, vscodeHost } from './host.js';
import { isReportData, parseHostMessage, type ViewKind } from './messages.js';

function start(): void {
  const root = document.getElementById('app');
  if (!root) return;
  const view: ViewKind = root.dataset.view === 'attention' ? 'attention' : 'results';
  let app: App;
  if (inVsCode()) {
    const host = vscodeHost();
    app = new App(root, host, view);
    window.addEventListener('message', (e: MessageEvent) => {
      const msg = parseHostMessage(e.data);
      if (msg) app.receive(msg);
    });
    app.render();
    host.post({ type: 'ready' });
  } else {
    app = new App(root, reportHost(), view);
    const raw = document.getElementById('ptx-data')?.textContent ?? '';
    let data: unknown = null;
    try {
      data = JSON.parse(raw);
    } catch {
      data = null;
    }
    if (isReportData(data)) app.receive({ type: 'data', data, specUri: '' });
    else root.innerHTML = '<p class="empty">This report holds no readable results.</p>';
  }
  // Redraw when the panel is resized or VS Code switches theme (it rewrites the variables on <html>).
  let pending = 0;
  const redraw = () => {
    cancelAnimationFrame(pending);
    pending = requestAnimationFrame(() => app.render());
  };
  window.addEventListener('resize', redraw);
  new MutationObserver(redraw).observe(document.documentElement, { attributes: true, attributeFilter: ['style', 'class'] });
  new MutationObserver(redraw).observe(document.body, { attributes: true, attributeFilter: ['class'] });
}

start();
