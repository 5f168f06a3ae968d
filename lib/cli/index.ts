/**
 * `capi-constructs` command line (bin/capi-constructs.js). One file per subcommand (lib/cli/commands.ts).
 *
 * Exit codes: one table for every command, {@link EXIT} in lib/cli/args.ts (docs/cli.md). Every failure
 * is one line on stderr, `capi-constructs[ <command>]: <what is wrong>`; usage errors add where to find
 * the usage.
 */
import * as fs from 'fs';
import * as path from 'path';
import { ValidationError } from '../core/rules/errors';
import { closest, ConfigError, EXIT, Output, UsageError } from './args';
import { COMMANDS } from './commands';

export { EXIT, Output } from './args';

export const EXIT_CODES_HELP = `Exit codes (every command):
  ${EXIT.ok}   done; plan: nothing rejected
  ${EXIT.failed}   the Kubernetes API failed or could not be reached, or the server could not start
  ${EXIT.rejected}   plan: the next apply would be rejected
  ${EXIT.refused}   refused by a rule: node wrote nothing; plan --fail-on rolls or upgrade-order found them
  ${EXIT.notFound}   node: the node, its Machine (or infrastructure machine) or the cluster's kubeconfig Secret does not exist
  ${EXIT.drainTimeout}   node drain: timed out; the node stays cordoned
  ${EXIT.usage}  usage error: unknown command or option, missing or invalid argument, unreadable or invalid input
  ${EXIT.config}  missing or unusable configuration: kubeconfig, TLS files, an optional package not installed
`;

export const USAGE = `Usage:\n${Object.values(COMMANDS).map((c) => c.usage).join('\n')}
  capi-constructs help [<command> | exit-codes]
  capi-constructs <command> --help | -h
      Print the usage of one command, or the exit codes.
  capi-constructs --version | -v
      Print the version of capi-constructs.
`;

/** The package version (package.json sits two levels up, from lib/cli and from build/cli alike). */
export function version(): string {
  const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')) as { version: string };
  return pkg.version;
}

const isHelp = (a: string) => a === '--help' || a === '-h';
const isVersion = (a: string) => a === '--version' || a === '-v' || a === 'version';
const hasCommand = (c: string) => Object.prototype.hasOwnProperty.call(COMMANDS, c);

function unknownCommand(command: string): UsageError {
  const guess = closest(command, [...Object.keys(COMMANDS), 'help', 'version']);
  return new UsageError(`unknown command ${JSON.stringify(command)}${guess ? `; did you mean "${guess}"?` : ''}`);
}

/** `help`, `help <command>`, `help exit-codes`. */
function help(topic: string | undefined, out: Output): number {
  if (topic === undefined) out.write(USAGE);
  else if (topic === 'exit-codes') out.write(EXIT_CODES_HELP);
  else if (hasCommand(topic)) out.write(`Usage:\n${COMMANDS[topic].usage}\n`);
  else throw unknownCommand(topic);
  return EXIT.ok;
}

/** One line: the first line of a message, without the client's stack or request dump. */
function oneLine(message: string): string {
  return message.split('\n')[0].slice(0, 500);
}

/** Runs the CLI; resolves to the exit code ({@link EXIT}). Never throws: every failure is a line on `err`. */
export async function main(argv: readonly string[], out: Output = process.stdout, err: Output = process.stderr): Promise<number> {
  const [command, ...rest] = argv;
  const prefix = command !== undefined && hasCommand(command) ? `capi-constructs ${command}` : 'capi-constructs';
  try {
    if (command === 'help') return help(rest[0], out);
    if (command !== undefined && isHelp(command)) return help(undefined, out);
    if (command !== undefined && isVersion(command)) { out.write(`${version()}\n`); return EXIT.ok; }
    if (command === undefined) throw new UsageError('no command given');
    if (!hasCommand(command)) throw unknownCommand(command);
    const cmd = COMMANDS[command];
    if (rest.some(isHelp)) { out.write(`Usage:\n${cmd.usage}\n`); return EXIT.ok; }
    return await cmd.run(rest, out, err);
  } catch (e) {
    if (e instanceof UsageError) {
      err.write(`${prefix}: ${e.message} (usage: capi-constructs ${prefix === 'capi-constructs' ? 'help' : `${command} --help`})\n`);
      return EXIT.usage;
    }
    if (e instanceof ValidationError) {
      err.write(`${prefix}: ${e.issues.map((i) => `--${i.path}: ${i.message}`).join('; ')}\n`);
      return EXIT.usage;
    }
    if (e instanceof ConfigError) {
      err.write(`${prefix}: ${oneLine(e.message)}\n`);
      return EXIT.config;
    }
    err.write(`${prefix}: ${oneLine(e instanceof Error ? e.message : String(e))}\n`);
    return EXIT.failed;
  }
}
