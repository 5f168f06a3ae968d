import {
  ADDON_NAMES, AddonExposure, AddonName, addonPortSummary, addonSecurityGroupPorts, defaultExposure, isAddonName, NO_RAY_ACCESS, ServiceType, unknownAddonMessage,
} from '../core/addons';
import { show, ValidationError } from '../core/rules/errors';
import { Command, parseFlags } from './args';

const SERVICE_TYPES: readonly ServiceType[] = ['ClusterIP', 'NodePort', 'LoadBalancer'];

export const addonPorts: Command = {
  usage: `  capi-constructs addon-ports [--addon <${ADDON_NAMES.join('|')}>] [--service-type <${SERVICE_TYPES.join('|')}>] [--https] [--expose-dashboard]
      Print the ports each add-on needs opened in security groups for that Service type (default: the
      catalog default, ClusterIP: none). --https adds JupyterHub's 443; --expose-dashboard Ray's 8265.`,
  run(args, out) {
    const flags = parseFlags(args, ['addon', 'service-type'], ['https', 'expose-dashboard']);
    const issues = [];
    if (flags.addon !== undefined && !isAddonName(flags.addon)) issues.push({ path: 'addon', message: unknownAddonMessage(flags.addon) });
    const type = flags['service-type'];
    if (type !== undefined && !(SERVICE_TYPES as readonly string[]).includes(type)) {
      issues.push({ path: 'service-type', message: `${show(type)} is not a Service type: use one of ${SERVICE_TYPES.join(', ')}` });
    }
    if (issues.length > 0) throw new ValidationError('addon-ports', issues);
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
