import { ADDON_NAMES, AddonName, addonPortSummary, isAddonName } from '../core/addons';
import { Command, parseFlags, UsageError } from './args';

export const addonPorts: Command = {
  usage: `  capi-constructs addon-ports [--addon <${ADDON_NAMES.join('|')}>]
      Print the ports each add-on needs opened in security groups.`,
  run(args, out) {
    const flags = parseFlags(args, ['addon']);
    if (flags.addon !== undefined && !isAddonName(flags.addon)) {
      throw new UsageError(`unknown add-on ${JSON.stringify(flags.addon)}: use one of ${ADDON_NAMES.join(', ')}`);
    }
    out.write(`${addonPortSummary(flags.addon ? [flags.addon as AddonName] : ADDON_NAMES)}\n`);
    return 0;
  },
};
