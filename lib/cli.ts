/**
 * `capi-constructs` command line (bin/capi-constructs.js).
 *
 *   capi-constructs addon-cleanup --cluster <name> --addon <addon> [--namespace <ns>] [--mode management|tenant]
 *   capi-constructs addon-ports [--addon <addon>]
 *
 * Exit codes: 0 success, 2 usage error (unknown command or add-on, missing or invalid argument).
 */
import { ADDON_MODES, ADDON_NAMES, addonCleanupCommands, AddonName, addonPortSummary, isAddonName } from './core/addons';
import { ValidationError } from './core/errors';

/** Where the CLI writes (process.stdout / process.stderr, or a test double). */
export interface Output {
  write(s: string): unknown;
}

export const USAGE = `Usage:
  capi-constructs addon-cleanup --cluster <name> --addon <${ADDON_NAMES.join('|')}> [--namespace <cluster namespace, default "default">] [--mode <${ADDON_MODES.join('|')}, default management>]
      Print the kubectl commands that delete a stuck add-on release (HelmRelease, then namespace).
  capi-constructs addon-ports [--addon <${ADDON_NAMES.join('|')}>]
      Print the ports each add-on needs opened in security groups.
`;

class UsageError extends Error {}

function parseFlags(args: readonly string[], allowed: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(arg);
    if (!m) throw new UsageError(`unexpected argument ${JSON.stringify(arg)}`);
    const [, key, inline] = m;
    if (!allowed.includes(key)) throw new UsageError(`unknown option --${key} (allowed: ${allowed.map((a) => `--${a}`).join(', ')})`);
    const value = inline ?? args[++i];
    if (value === undefined || value === '' || value.startsWith('--')) throw new UsageError(`option --${key} needs a value`);
    if (key in out) throw new UsageError(`option --${key} given twice`);
    out[key] = value;
  }
  return out;
}

function cleanup(args: readonly string[], out: Output): void {
  const flags = parseFlags(args, ['cluster', 'addon', 'namespace', 'mode']);
  const missing = ['cluster', 'addon'].filter((k) => flags[k] === undefined);
  if (missing.length > 0) throw new UsageError(`missing ${missing.map((m) => `--${m}`).join(' and ')}`);
  const commands = addonCleanupCommands({
    cluster: flags.cluster,
    addon: flags.addon,
    namespace: flags.namespace,
    mode: flags.mode as never,
  });
  out.write(`${commands.join('\n')}\n`);
}

function ports(args: readonly string[], out: Output): void {
  const flags = parseFlags(args, ['addon']);
  if (flags.addon !== undefined && !isAddonName(flags.addon)) {
    throw new UsageError(`unknown add-on ${JSON.stringify(flags.addon)}: use one of ${ADDON_NAMES.join(', ')}`);
  }
  out.write(`${addonPortSummary(flags.addon ? [flags.addon as AddonName] : ADDON_NAMES)}\n`);
}

/** Runs the CLI; returns the exit code. */
export function main(argv: readonly string[], out: Output = process.stdout, err: Output = process.stderr): number {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'addon-cleanup': cleanup(rest, out); return 0;
      case 'addon-ports': ports(rest, out); return 0;
      case 'help': case '--help': case '-h': out.write(USAGE); return 0;
      case undefined: throw new UsageError('no command given');
      default: throw new UsageError(`unknown command ${JSON.stringify(command)}`);
    }
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
