/**
 * Status: the add-on's phase from every object of the installation, the operation recorded on it and its
 * HelmReleases' conditions (core `addonStatusOf`): Installing, Ready, Failed (with the reason, and the
 * missing objects of a partial installation) or Uninstalling, plus chart version and last transition time.
 */
import { ADDON_NAMES, AddonName, AddonStatus, addonStatusOf } from '../core/addons';
import { readCluster } from './cluster';
import { addonKey, ServiceContext } from './context';
import { ServiceError } from './errors';
import { presence, readInstallation } from './installation';
import { checkAddon, releaseList } from './releases';

/** The answer of a status request: the add-on's identity and its status. */
export interface StatusAnswer extends AddonStatus {
  id: string;
  addon: AddonName;
  cluster: { namespace: string; name: string };
  namespace: string;
}

/** The status of one add-on, or `undefined` when it is not installed: read from every object of the installation. */
export async function addonStatus(ctx: ServiceContext, namespace: string, cluster: string, addon: AddonName, now = new Date()): Promise<StatusAnswer | undefined> {
  const state = await readInstallation(ctx, namespace, cluster, addon);
  const { names } = state;
  // this process's own uninstall, for one whose HelmRepository (where it is recorded) is already gone
  const uninstall = state.repository === undefined ? ctx.uninstalls.get(addonKey(namespace, cluster, addon)) : undefined;
  const status = addonStatusOf({
    cluster: { name: cluster, namespace },
    addon,
    mode: ctx.mode,
    releases: releaseList(names, addon),
    live: state.releases,
    uninstallTimeoutSeconds: ctx.uninstallTimeoutSeconds,
    uninstallStartedAt: uninstall?.startedAt,
    uninstallError: uninstall?.error,
    objects: presence(state),
    operation: state.operation,
    operationActive: state.leaseHeld,
    now,
  });
  if (status === undefined) return undefined;
  return { id: names.release, addon, cluster: { namespace, name: cluster }, namespace: names.namespace, ...status };
}

/** GET .../addons/{addon}: 400 for an add-on not in the catalog, 404 when it is not installed. */
export async function getAddonStatus(ctx: ServiceContext, namespace: string, cluster: string, addon: unknown): Promise<StatusAnswer> {
  const name = checkAddon('addon', addon);
  const status = await addonStatus(ctx, namespace, cluster, name);
  if (status === undefined) throw new ServiceError(404, 'not-found', `add-on ${name} is not installed on cluster ${namespace}/${cluster}`);
  return status;
}

/** GET .../addons: every installed add-on of the cluster (404 when the Cluster does not exist). */
export async function listAddons(ctx: ServiceContext, namespace: string, cluster: string): Promise<{ items: StatusAnswer[] }> {
  await readCluster(ctx.clients, namespace, cluster, ctx.capiVersion);
  const all = await Promise.all(ADDON_NAMES.map((a) => addonStatus(ctx, namespace, cluster, a)));
  return { items: all.filter((s): s is StatusAnswer => s !== undefined) };
}
