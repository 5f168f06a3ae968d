#!/usr/bin/env node
// Shim for the `capi-constructs` command. An installed package runs the compiled build/cli.js;
// inside this repository (no build/) it runs lib/cli.ts through tsx's CommonJS loader.
'use strict';
const fs = require('fs');
const path = require('path');

const compiled = path.join(__dirname, '..', 'build', 'cli.js');
let entry = compiled;
if (!fs.existsSync(compiled)) {
  require('tsx/cjs/api').register();
  entry = path.join(__dirname, '..', 'lib', 'cli.ts');
}
const { main } = require(entry);
process.exitCode = main(process.argv.slice(2), process.stdout, process.stderr);
