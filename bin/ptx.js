#!/usr/bin/env node
'use strict';
// The `ptx` command: the bundled CLI built by `npm run build` (run automatically by `npm ci`'s prepare step).
const path = require('node:path');
const fs = require('node:fs');
const bundle = path.join(__dirname, '..', 'dist', 'cli.js');
if (!fs.existsSync(bundle)) {
  process.stderr.write('ptx: dist/cli.js is missing; run `npm run build` in ' + path.dirname(__dirname) + '\n');
  process.exit(2);
}
require(bundle);
