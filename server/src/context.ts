// What every feature module gets: where to register, the open documents, where the docs live, and the
// settings the client sent.
import type { DocumentStore } from './documentStore.js';
import type { FeatureRegistry } from './registry.js';

export interface ServerContext {
  connection: FeatureRegistry;
  store: DocumentStore;
  /** file: URL of docs/diagnostics.md, the target of every diagnostic's codeDescription. */
  diagnosticsDocUrl: string;
  /** The `ptx.*` settings the server honours, as the client last sent them. */
  settings: () => ServerSettings;
}

/** `ptx.inlayHints.*`: parameter counts on by default; the defaults a block takes off, collapsed or all. */
export interface ServerSettings {
  parameterCounts: boolean;
  defaults: 'off' | 'collapsed' | 'all';
}

export const DEFAULT_SETTINGS: ServerSettings = { parameterCounts: true, defaults: 'off' };

/** Reads the `ptx` section (initializationOptions or didChangeConfiguration); anything malformed keeps the default. */
export function parseSettings(x: unknown): ServerSettings {
  const hints = typeof x === 'object' && x !== null ? (x as { inlayHints?: unknown }).inlayHints : undefined;
  const h = typeof hints === 'object' && hints !== null ? (hints as Record<string, unknown>) : {};
  return {
    parameterCounts: typeof h.parameterCounts === 'boolean' ? h.parameterCounts : DEFAULT_SETTINGS.parameterCounts,
    defaults: h.defaults === 'off' || h.defaults === 'collapsed' || h.defaults === 'all' ? h.defaults : DEFAULT_SETTINGS.defaults,
  };
}
