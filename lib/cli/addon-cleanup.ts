import { ADDON_MODES, ADDON_NAMES, addonCleanupCommands } from '../core/addons';
import { Command, parseFlags, UsageError } from './args';

export const addonCleanup: Command = {
  usage: `  capi-constructs addon-cleanup --cluster <name> --addon <${ADDON_NAMES.join('|')}> [--namespace <cluster namespace, default "default">] [--mode <${ADDON_MODES.join('|')}, default management>]
      Print the kubectl commands that delete a stuck add-on release (HelmRelease, then namespace).`,
  run(args, out, err) {
    const flags = parseFlags(args, ['cluster', 'addon', 'namespace', 'mode']);
    const missing = ['cluster', 'addon'].filter((k) => flags[k] === undefined);
    if (missing.length > 0) throw new UsageError(`missing ${missing.map((m) => `--${m}`).join(' and ')}`);
    // The release names hold the cluster's namespace: a wrong guess names releases that do not exist.
    if (flags.namespace === undefined) err.write('capi-constructs: --namespace not given: assuming the cluster is in namespace "default"\n');
    const commands = addonCleanupCommands({
      cluster: flags.cluster,
      addon: flags.addon,
      namespace: flags.namespace,
      mode: flags.mode as never,
    });
    out.write(`${commands.join('\n')}\n`);
    return 0;
  },
};
