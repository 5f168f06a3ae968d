/**
 * Child process of write-fleet-crash.test.ts: synthesizes the crash fixtures' fleet `argv[3]` (`a` or
 * `b`) with a FleetApp into `argv[2]`, after waiting until the file `argv[4]` exists (so that two
 * children start together). Prints `ok`, or `locked` when the other synth held the lock.
 */
import * as fs from 'fs';
import { addFleet, FleetApp, FleetLockedError } from '../../lib';
import { crashFleets } from './write-fleet-fixtures';

process.env.CAPI_CONSTRUCTS_WARNINGS = 'silent';
const [outdir, which, go] = process.argv.slice(2);
const [a, b] = crashFleets();
const app = new FleetApp({ outdir });
addFleet(app, which === 'a' ? a : b);
while (!fs.existsSync(go)) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5);
try {
  app.synth();
  process.stdout.write('ok\n');
} catch (e) {
  if (!(e instanceof FleetLockedError)) throw e;
  process.stdout.write('locked\n');
}
