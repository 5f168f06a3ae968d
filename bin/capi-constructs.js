#!/usr/bin/env node
// Shim for the `capi-constructs` command. An installed package runs the compiled build/cli/index.js;
// inside this repository (no build/) it runs lib/cli/index.ts through tsx's CommonJS loader.
'use strict';
const fs = require('fs');
const path = require('path');

const compiled = path.join(__dirname, '..', 'build', 'cli', 'index.js');
let entry = compiled;
if (!fs.existsSync(compiled)) {
  require('tsx/cjs/api').register();
  entry = path.join(__dirname, '..', 'lib', 'cli', 'index.ts');
}
const { main } = require(entry);
main(process.argv.slice(2), process.stdout, process.stderr).then(
  (code) => { process.exitCode = code; },
  (e) => { process.stderr.write(`capi-constructs: ${e && e.stack ? e.stack : e}\n`); process.exitCode = 1; },
);
