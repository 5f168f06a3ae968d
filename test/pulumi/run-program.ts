/**
 * Runs one Pulumi program under mocks in its own Node process and prints what it registered and the
 * errors Pulumi's runtime would report, as JSON on stdout.
 *
 * For programs whose registrations fail: Pulumi reports a failed registration as an unhandled
 * rejection, which its runtime catches and reports as a program error. Under jest such a rejection
 * fails whichever test is running, and jest's own handler cannot be set aside from inside a test; here
 * the harness catches them as the runtime does.
 *
 * Usage: node --import tsx test/pulumi/run-program.ts <program module>, whose default export is the
 * program; an error it throws is printed as `thrown`.
 */
import { resolve } from 'path';
import { runPulumi } from './harness';

async function main(): Promise<void> {
  const path = resolve(process.argv[2] ?? '');
  let thrown: unknown;
  const run = await runPulumi(() => {
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      (require(path) as { default: () => void }).default();
    } catch (e) {
      thrown = e;
    }
  });
  const describe = (e: unknown) => (e instanceof Error ? { name: e.name, message: e.message } : { name: typeof e, message: String(e) });
  process.stdout.write(JSON.stringify({
    thrown: thrown === undefined ? undefined : describe(thrown),
    // The same object as the thrown error, or another one.
    errors: run.errors.map((e) => ({ ...describe(e), isThrown: e === thrown })),
    registrations: run.registrations.map((r) => ({ type: r.type, name: r.name })),
  }));
}

main().catch((e) => {
  process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
