import { ADDON_NAMES, AddonName, addonPortSummary, isAddonName, unknownAddonMessage } from '../core/addons';
import { ValidationError } from '../core/errors';
import { Command, parseFlags } from './args';

export const addonPorts: Command = {
  usage: `  capi-constructs addon-ports [--addon <${ADDON_NAMES.join('|')}>]
      Print the ports each add-on needs opened in security groups.`,
  run(args, out) {
    const flags = parseFlags(args, ['addon']);
    if (flags.addon !== undefined && !isAddonName(flags.addon)) {
      throw new ValidationError('addon-ports', [{ path: 'addon', message: unknownAddonMessage(flags.addon) }]);
    }
    out.write(`${addonPortSummary(flags.addon ? [flags.addon as AddonName] : ADDON_NAMES)}\n`);
    return 0;
  },
};
