#!/usr/bin/env node
// The `ptx` command: the bundled CLI (dist/cli.js, CommonJS) built by `npm run build`, which `npm ci` runs
// through the prepare script.
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bundle = join(root, 'dist', 'cli.js');
if (!existsSync(bundle)) {
  process.stderr.write(`ptx: ${bundle} is missing; run \`npm run build\` in ${root}\n`);
  process.exit(2);
}
createRequire(import.meta.url)(bundle);
