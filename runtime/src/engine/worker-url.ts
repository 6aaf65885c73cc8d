// Where worker.ts and tsx's loader API are when running from source (tsx). Imported only in that case, by a
// computed specifier, so the CommonJS bundles never contain `import.meta` (they use dist/engine-worker.js
// instead; see parallel.ts).
export const workerSourceUrl = new URL('./worker.ts', import.meta.url).href;
export const tsxApiUrl = import.meta.resolve('tsx/esm/api');
