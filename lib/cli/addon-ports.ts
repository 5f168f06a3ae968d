import { ADDON_NAMES, AddonExposure, AddonName, addonPortSummary, addonSecurityGroupPorts, defaultExposure, isAddonName, NO_RAY_ACCESS, ServiceType } from '../core/addons';
import { Command, parseFlags, UsageError } from './args';

const SERVICE_TYPES: readonly ServiceType[] = ['ClusterIP', 'NodePort', 'LoadBalancer'];

export const addonPorts: Command = {
  usage: `  capi-constructs addon-ports [--addon <${ADDON_NAMES.join('|')}>] [--service-type <${SERVICE_TYPES.join('|')}>] [--https] [--expose-dashboard]
      Print the ports each add-on needs opened in security groups for that Service type (default: the
      catalog default, ClusterIP: none). --https adds JupyterHub's 443; --expose-dashboard Ray's 8265.`,
  run(args, out) {
    const flags = parseFlags(args, ['addon', 'service-type'], ['https', 'expose-dashboard']);
    if (flags.addon !== undefined && !isAddonName(flags.addon)) {
      throw new UsageError(`unknown add-on ${JSON.stringify(flags.addon)}: use one of ${ADDON_NAMES.join(', ')}`);
    }
    const type = flags['service-type'];
    if (type !== undefined && !(SERVICE_TYPES as readonly string[]).includes(type)) {
      throw new UsageError(`unknown --service-type ${JSON.stringify(type)}: use one of ${SERVICE_TYPES.join(', ')}`);
    }
    const exposure = (addon: AddonName): AddonExposure => {
      const e = defaultExposure(addon, (type as ServiceType | undefined) ?? 'ClusterIP');
      if (e.addon === 'jupyterhub') return { ...e, https: flags.https === 'true' ? 'secret' : undefined };
      return { ...e, access: { ...NO_RAY_ACCESS, exposeDashboard: flags['expose-dashboard'] === 'true' } };
    };
    const addons = flags.addon ? [flags.addon as AddonName] : ADDON_NAMES;
    out.write(`${addonPortSummary(addons.map((addon) => ({ addon, securityGroupPorts: addonSecurityGroupPorts(exposure(addon)) })))}\n`);
    return 0;
  },
};
