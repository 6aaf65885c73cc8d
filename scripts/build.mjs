// Bundles every entry point with esbuild. Type checking is separate (`npm run typecheck`).
import { build } from 'esbuild';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';

const watch = process.argv.includes('--watch');
const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  // Minified bundles load faster in the extension host; the source maps (shipped in the .vsix) keep stack
  // traces and debugging readable.
  minify: true,
  keepNames: true,
  logLevel: 'warning',
  // Native and wasm-carrying packages are resolved at run time from node_modules.
  external: ['vscode', '@tensorflow/tfjs-node', '@tensorflow/tfjs-backend-wasm', '@tensorflow/tfjs-core', '@tensorflow/tfjs-backend-cpu'],
};
const entries = [
  { in: 'runtime/src/cli.ts', out: 'dist/cli.js' },
  // Data-parallel training threads load this beside cli.js (runtime/src/engine/parallel.ts).
  { in: 'runtime/src/engine/worker.ts', out: 'dist/engine-worker.js' },
  // `ptx run --jobs N` forks this beside cli.js for the jobs it runs side by side (runtime/src/commands/run/worker-pool.ts).
  { in: 'runtime/src/commands/run/job-worker.ts', out: 'dist/job-worker.js' },
  { in: 'server/src/main.ts', out: 'dist/server.js' },
  // The language server runs each big document in a thread of its own (server/src/documentWorker.ts).
  { in: 'server/src/worker.ts', out: 'dist/server-worker.js' },
  { in: 'client/src/extension.ts', out: 'dist/client.js' },
];
const jobs = entries
  .filter((e) => existsSync(e.in))
  .map((e) => build({ ...common, entryPoints: [e.in], outfile: e.out }));
if (existsSync('client/webview/main.ts')) {
  jobs.push(build({ ...common, platform: 'browser', format: 'iife', target: 'es2020', entryPoints: ['client/webview/main.ts'], outfile: 'dist/webview/main.js', external: [] }));
}
// The views' stylesheet, linked by the webview panels and inlined into `ptx report`'s HTML. Both view
// files sit alone in dist/webview/, the only folder the panels may load from (localResourceRoots).
if (existsSync('client/webview/style.css')) {
  jobs.push(build({ entryPoints: ['client/webview/style.css'], outfile: 'dist/webview/style.css', bundle: true, minify: true, logLevel: 'warning' }));
}
await Promise.all(jobs);
// The package is ESM ("type": "module", needed by chevrotain 11 under tsx); the bundles are CommonJS for
// VS Code's extension host, so dist/ declares itself CommonJS.
mkdirSync('dist', { recursive: true });
writeFileSync('dist/package.json', JSON.stringify({ type: 'commonjs' }) + '\n');
if (watch) console.log('watch mode is not supported; rerun npm run build');
