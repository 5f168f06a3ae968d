#!/usr/bin/env node
// Shim for the `capi-constructs` command. An installed package (which ships build/, not lib/) runs the
// compiled build/cli/index.js; inside this repository it runs lib/cli/index.ts through tsx's CommonJS
// loader, so that a stale build/ left by `npm pack` never stands in for the sources.
'use strict';
const fs = require('fs');
const path = require('path');

const source = path.join(__dirname, '..', 'lib', 'cli', 'index.ts');
let entry = path.join(__dirname, '..', 'build', 'cli', 'index.js');
if (fs.existsSync(source)) {
  require('tsx/cjs/api').register();
  entry = source;
}
const { main } = require(entry);
main(process.argv.slice(2), process.stdout, process.stderr).then(
  (code) => { process.exitCode = code; },
  (e) => { process.stderr.write(`capi-constructs: ${String(e && e.message ? e.message : e).split('\n')[0]}\n`); process.exitCode = 1; },
);
