#!/usr/bin/env node
// Shim for the `capi-constructs` command: runs lib/cli.ts through tsx's CommonJS loader
// (or a compiled lib/cli.js, if one sits next to it).
'use strict';
const fs = require('fs');
const path = require('path');

const compiled = path.join(__dirname, '..', 'lib', 'cli.js');
if (!fs.existsSync(compiled)) require('tsx/cjs/api').register();
const { main } = require(fs.existsSync(compiled) ? compiled : path.join(__dirname, '..', 'lib', 'cli.ts'));
process.exitCode = main(process.argv.slice(2), process.stdout, process.stderr);
