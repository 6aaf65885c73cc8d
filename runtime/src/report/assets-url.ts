// Where the built view assets are when running from source (tsx): the project's dist/. Imported only in
// that case, by a computed specifier, so the CommonJS bundle never contains `import.meta` (the bundle
// finds them beside itself; see assets.ts).
export const sourceDistUrl = new URL('../../../dist/', import.meta.url).href;
