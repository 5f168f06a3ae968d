import {
  ADDON_NAMES, AddonExposure, AddonName, addonPortSummary, addonSecurityGroupPorts, checkJupyterHubExposureHttps, checkRayAccess, checkRayExposure,
  defaultExposure, isAddonName, NO_RAY_ACCESS, ResolvedRayAccess, ServiceType, unknownAddonMessage,
} from '../core/addons';
import { Problems, show, ValidationError } from '../core/rules/errors';
import { reportWarnings } from '../core/rules/warnings';
import { Command, parseFlags } from './args';

const SERVICE_TYPES: readonly ServiceType[] = ['ClusterIP', 'NodePort', 'LoadBalancer'];

export const addonPorts: Command = {
  usage: `  capi-constructs addon-ports [--addon <${ADDON_NAMES.join('|')}>] [--service-type <${SERVICE_TYPES.join('|')}>] [--https] [--expose-dashboard] [--cidrs <cidr,...>]
      Print the ports each add-on needs opened in security groups for that Service type (default: the
      catalog default, ClusterIP: none). --https adds JupyterHub's 443 (an exposed hub requires it);
      --cidrs lists the sources of an exposed Ray head (required then); --expose-dashboard adds Ray's 8265.
      A configuration the add-on API refuses is refused here too, with the same message.`,
  run(args, out) {
    const flags = parseFlags(args, ['addon', 'service-type', 'cidrs'], ['https', 'expose-dashboard']);
    const issues = [];
    if (flags.addon !== undefined && !isAddonName(flags.addon)) issues.push({ path: 'addon', message: unknownAddonMessage(flags.addon) });
    const type = flags['service-type'];
    if (type !== undefined && !(SERVICE_TYPES as readonly string[]).includes(type)) {
      issues.push({ path: 'service-type', message: `${show(type)} is not a Service type: use one of ${SERVICE_TYPES.join(', ')}` });
    }
    if (issues.length > 0) throw new ValidationError('addon-ports', issues);
    const serviceType = (type as ServiceType | undefined) ?? 'ClusterIP';
    const addons = flags.addon ? [flags.addon as AddonName] : ADDON_NAMES;
    // the add-on API's own exposure rules and messages, at the flags that set what they check
    const p = new Problems('addon-ports');
    let access: ResolvedRayAccess = NO_RAY_ACCESS;
    if (addons.includes('jupyterhub')) checkJupyterHubExposureHttps(p, 'https', flags.https === 'true', serviceType);
    if (addons.includes('kuberay')) {
      const cidrs = flags.cidrs === undefined ? undefined : flags.cidrs.split(',').map((c) => c.trim()).filter(Boolean);
      const resolved = checkRayAccess(p, 'access', { cidrs, exposeDashboard: flags['expose-dashboard'] === 'true' || undefined });
      if (resolved) {
        access = resolved;
        checkRayExposure(p, access, serviceType);
      }
    }
    const flag = (path: string) => path.replace(/^(parameters\.)?access\.cidrs/, 'cidrs').replace(/^(parameters\.)?access\.exposeDashboard/, 'expose-dashboard').replace(/^parameters\.access$/, 'cidrs');
    reportWarnings('addon-ports', p.warnings.map((w) => ({ ...w, path: flag(w.path) })));
    if (p.errors.length > 0) throw new ValidationError('addon-ports', p.errors.map((e) => ({ ...e, path: flag(e.path) })));
    const exposure = (addon: AddonName): AddonExposure => {
      const e = defaultExposure(addon, serviceType);
      if (e.addon === 'jupyterhub') return { ...e, https: flags.https === 'true' ? 'secret' : undefined };
      return { ...e, access };
    };
    out.write(`${addonPortSummary(addons.map((addon) => ({ addon, securityGroupPorts: addonSecurityGroupPorts(exposure(addon)) })))}\n`);
    return 0;
  },
};
