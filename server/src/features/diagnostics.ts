// Diagnostics on open and on every change: debounced (a burst of keystrokes is analysed once), dropped as
// soon as a newer version exists (before parsing, between parsing and analysing, and before publishing: a
// stale result is never published and a superseded version is not analysed), and run from a timer so
// requests that are already queued are answered first. Same codes, ranges and messages as `ptx check`.
import type { ServerContext } from '../context.js';
import { toLspDiagnostic } from '../convert.js';

/**
 * Quiet time after the last change before analysing. Changes that arrive together (one read from the
 * client, processed one per event-loop turn) all land within it, so such a burst is analysed once; the
 * latency it adds to every edit is the debounce itself, so it is kept short.
 */
export const DIAGNOSTICS_DEBOUNCE_MS = 2;

export function registerDiagnostics(ctx: ServerContext): void {
  const { connection, store } = ctx;
  const pending = new Map<string, NodeJS.Timeout>();

  const publish = (uri: string): void => {
    pending.delete(uri);
    try {
      const snap = store.get(uri);
      if (!snap || !store.isCurrent(uri, snap.version)) return;
      void snap.ast;
      if (!store.isCurrent(uri, snap.version)) return;
      const diagnostics = snap.analysis.diagnostics.map((d) => toLspDiagnostic(d, ctx.diagnosticsDocUrl));
      // The document may have changed while we were analysing (or been closed): then this result is stale.
      if (!store.isCurrent(uri, snap.version)) return;
      void connection.sendDiagnostics({ uri, version: snap.version, diagnostics });
    } catch (err) {
      connection.console.error(`diagnostics failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    }
  };

  const schedule = (uri: string): void => {
    const old = pending.get(uri);
    if (old) clearTimeout(old);
    pending.set(uri, setTimeout(() => publish(uri), DIAGNOSTICS_DEBOUNCE_MS));
  };

  store.onDidChange(schedule);
  store.onDidClose((uri) => {
    const old = pending.get(uri);
    if (old) clearTimeout(old);
    pending.delete(uri);
    void connection.sendDiagnostics({ uri, diagnostics: [] });
  });
}
