// The two places the views run: a VS Code webview (messages to and from the extension, state kept by
// VS Code across reloads) and the standalone HTML report (data embedded in the page, exports downloaded).
import type { Host } from './app.js';
import type { ViewMessage, ViewState } from './messages.js';

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

export function inVsCode(): boolean {
  return typeof acquireVsCodeApi === 'function';
}

export function vscodeHost(): Host {
  const api = acquireVsCodeApi();
  return {
    kind: 'vscode',
    loadState: () => api.getState(),
    saveState: (state: ViewState) => api.setState(state),
    post: (message: ViewMessage) => api.postMessage(message),
    // A webview cannot download files: the extension asks where to save and writes it.
    save: (name, format, content) => api.postMessage({ type: 'export', format, name, content } satisfies ViewMessage),
  };
}

export function reportHost(): Host {
  let state: unknown;
  return {
    kind: 'report',
    loadState: () => state,
    saveState: (s: ViewState) => {
      state = s;
    },
    post: () => undefined,
    save: (name, format, content) => {
      const blob = format === 'svg' ? new Blob([content], { type: 'image/svg+xml' }) : dataUrlBlob(content);
      const a = document.createElement('a');
      a.href = URL.createObjectURL(blob);
      a.download = name;
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
    },
  };
}

function dataUrlBlob(url: string): Blob {
  const [head, data] = url.split(',', 2) as [string, string];
  const bin = atob(data);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return new Blob([bytes], { type: /^data:([^;]+)/.exec(head)?.[1] ?? 'application/octet-stream' });
}
