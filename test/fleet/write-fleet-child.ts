/**
 * Child process of write-fleet-crash.test.ts: writes fleet A and fleet B to `argv[2]` in turns, forever,
 * until the test kills it with SIGKILL. Prints "ready" once its modules are loaded, and "w<i>" after
 * each run. `argv[3]` = `parallel` writes with render threads.
 */
import { writeFleet } from '../../lib/core/fleet/write-fleet';
import { crashFleets } from './write-fleet-fixtures';

const [a, b] = crashFleets();
process.env.CAPI_CONSTRUCTS_WARNINGS = 'silent';
const parallel = process.argv[3] === 'parallel';
process.stdout.write('ready\n');
for (let i = 0; ; i++) {
  writeFleet(process.argv[2], i % 2 === 0 ? b : a, { parallel });
  process.stdout.write(`w${i}\n`);
}
