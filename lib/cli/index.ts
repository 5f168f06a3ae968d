/**
 * `capi-constructs` command line (bin/capi-constructs.js). One file per subcommand (lib/cli/commands.ts).
 *
 * Exit codes: 0 success, 2 usage error (unknown command or add-on, missing or invalid argument);
 * `plan` has its own (lib/cli/plan.ts: 1 usage error, 2 rejected changes);
 * a subcommand may document others.
 */
import * as fs from 'fs';
import * as path from 'path';
import { ValidationError } from '../core/rules/errors';
import { Output, UsageError } from './args';
import { COMMANDS } from './commands';

export { Output } from './args';

export const USAGE = `Usage:\n${Object.values(COMMANDS).map((c) => c.usage).join('\n')}
  capi-constructs <command> --help | -h
      Print the usage of one command.
  capi-constructs --version
      Print the version of capi-constructs.
`;

/** The package version (package.json sits two levels up, from lib/cli and from build/cli alike). */
export function version(): string {
  const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')) as { version: string };
  return pkg.version;
}

const isHelp = (a: string) => a === '--help' || a === '-h';

/** Runs the CLI; resolves to the exit code. */
export async function main(argv: readonly string[], out: Output = process.stdout, err: Output = process.stderr): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (command === 'help' || (command !== undefined && isHelp(command))) { out.write(USAGE); return 0; }
    if (command === '--version' || command === 'version') { out.write(`${version()}\n`); return 0; }
    if (command === undefined) throw new UsageError('no command given');
    const cmd = Object.prototype.hasOwnProperty.call(COMMANDS, command) ? COMMANDS[command] : undefined;
    if (!cmd) throw new UsageError(`unknown command ${JSON.stringify(command)}`);
    if (rest.some(isHelp)) { out.write(`Usage:\n${cmd.usage}\n`); return 0; }
    return await cmd.run(rest, out, err);
  } catch (e) {
    if (e instanceof UsageError) {
      err.write(`capi-constructs: ${e.message}\n${USAGE}`);
      return 2;
    }
    if (e instanceof ValidationError) {
      err.write(`capi-constructs: ${e.issues.map((i) => `--${i.path}: ${i.message}`).join('\n  ')}\n`);
      return 2;
    }
    throw e;
  }
}
