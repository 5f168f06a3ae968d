/** The subcommands of `capi-constructs`, one file each; add a new one here. */
import { OPS_PEERS, requireRuntimePeers, SERVICE_PEERS } from '../core/rules/runtime-peers';
import { addonCleanup } from './addon-cleanup';
import { addonPorts } from './addon-ports';
import { Command, ConfigError } from './args';
import { plan } from './plan';
import { NODE_USAGE, SERVE_USAGE } from './usage';

/**
 * A command that needs optional packages: its code (and so the packages) is loaded only when it runs,
 * after a check that turns a missing package into a one-line instruction.
 */
function runtimeCommand(name: string, usage: string, peers: readonly string[], load: () => Command): Command {
  return {
    usage,
    run(args, out, err) {
      try {
        requireRuntimePeers(`capi-constructs ${name}`, peers);
      } catch (e) {
        throw new ConfigError((e as Error).message);
      }
      return load().run(args, out, err);
    },
  };
}

export const COMMANDS: Readonly<Record<string, Command>> = {
  'addon-cleanup': addonCleanup,
  'addon-ports': addonPorts,
  node: runtimeCommand('node', NODE_USAGE, OPS_PEERS, () => (require('./node') as typeof import('./node')).node),
  plan,
  serve: runtimeCommand('serve', SERVE_USAGE, SERVICE_PEERS, () => (require('./serve') as typeof import('./serve')).serve),
};
