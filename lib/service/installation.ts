/**
 * One add-on installation as the cluster holds it: every object of it (core `installationObjects`), the
 * operation recorded on its HelmRepository, and its Lease. Every replica reads the same state from the
 * management cluster; nothing of it lives in a process's memory.
 */
import { setHeaderOptions, PatchStrategy, KubernetesObject } from '@kubernetes/client-node';
import {
  AddonName, AddonNames, addonNames, HELM_REPOSITORY_API_VERSION, HelmReleaseObject, installationLeaseName, InstallationObject, installationObjects,
  InstallationOperation, operationAnnotations, operationOf, showObject,
} from '../core/addons';
import { LeaseHeldError, leaseIsHeld, withLease } from '../ops/lease';
import { ServiceContext } from './context';
import { ServiceError } from './errors';
import { groupVersion, k8sApiError, kubeStatusCode, orNotFound } from './kube';

/** A live object as far as the service reads it. */
export interface LiveObject {
  readonly metadata?: { readonly resourceVersion?: string; readonly annotations?: Record<string, string>; readonly deletionTimestamp?: unknown; readonly uid?: string };
  readonly spec?: unknown;
  readonly status?: unknown;
}

/** What the cluster holds of one installation. */
export interface InstallationState {
  readonly names: AddonNames;
  /** Every object of the installation, in install order. */
  readonly objects: readonly InstallationObject[];
  /** The live objects, by `showObject` name; an absent key is a missing object. */
  readonly live: ReadonlyMap<string, LiveObject>;
  /** The live HelmReleases by name (what `addonStatusOf` reads). */
  readonly releases: ReadonlyMap<string, HelmReleaseObject>;
  readonly repository?: LiveObject;
  /** The operation recorded on the HelmRepository. */
  readonly operation?: InstallationOperation;
  /** Whether the installation's Lease is held by a live process now. */
  readonly leaseHeld: boolean;
}

/** The objects of an add-on of a cluster in the service's mode. */
export function objectsOf(ctx: ServiceContext, namespace: string, cluster: string, addon: AddonName): InstallationObject[] {
  return installationObjects({ cluster: { name: cluster, namespace }, addon, mode: ctx.mode, monitoring: ctx.monitoring, capiVersion: ctx.capiVersion });
}

/** Reads one object of an installation; `undefined` when it does not exist. */
export async function readObject(ctx: ServiceContext, o: InstallationObject): Promise<LiveObject | undefined> {
  const gv = o.apiVersion.includes('/') ? groupVersion(o.apiVersion) : { group: '', version: o.apiVersion };
  return orNotFound(`reading ${showObject(o)}`, () => (gv.group === '' && o.kind === 'ConfigMap'
    ? ctx.clients.core.readNamespacedConfigMap({ namespace: o.namespace!, name: o.name })
    : ctx.clients.custom.getNamespacedCustomObject({ group: gv.group, version: gv.version, namespace: o.namespace!, plural: o.plural, name: o.name })) as Promise<LiveObject>);
}

/** Reads every object of the installation, and its Lease. */
export async function readInstallation(ctx: ServiceContext, namespace: string, cluster: string, addon: AddonName): Promise<InstallationState> {
  const names = addonNames({ name: cluster, namespace }, addon);
  const objects = objectsOf(ctx, namespace, cluster, addon);
  const leaseName = installationLeaseName({ name: cluster, namespace }, addon);
  const [found, lease] = await Promise.all([
    Promise.all(objects.map((o) => readObject(ctx, o))),
    ctx.leases.read(namespace, leaseName).catch((e) => { throw k8sApiError(`reading Lease ${namespace}/${leaseName}`, e); }),
  ]);
  const live = new Map<string, LiveObject>();
  const releases = new Map<string, HelmReleaseObject>();
  let repository: LiveObject | undefined;
  objects.forEach((o, i) => {
    const obj = found[i];
    if (obj === undefined) return;
    live.set(showObject(o), obj);
    if (o.kind === 'HelmRelease') releases.set(o.name, obj as HelmReleaseObject);
    if (o.kind === 'HelmRepository') repository = obj;
  });
  return {
    names, objects, live, releases, repository,
    operation: operationOf(repository?.metadata?.annotations),
    leaseHeld: leaseIsHeld(lease, Date.now()),
  };
}

/** `Kind namespace/name` of the objects that exist and of those that do not. */
export function presence(state: InstallationState): { present: string[]; missing: string[] } {
  const present: string[] = [];
  const missing: string[] = [];
  for (const o of state.objects) (state.live.has(showObject(o)) ? present : missing).push(showObject(o));
  return { present, missing };
}

/**
 * Records `op` (or, `undefined`, no operation) on the HelmRepository: a merge patch carrying the
 * resourceVersion read, so that it never overwrites a change it has not seen; on 409 Conflict it reads
 * again and retries while `still(object)` holds. Returns false when the HelmRepository is gone.
 */
export async function recordOperation(ctx: ServiceContext, namespace: string, names: AddonNames, op: InstallationOperation | undefined, still: (o: LiveObject) => boolean = () => true): Promise<boolean> {
  const repo: InstallationObject = { apiVersion: HELM_REPOSITORY_API_VERSION, kind: 'HelmRepository', name: names.helmRepository, namespace, cluster: 'management', plural: 'helmrepositories' };
  const gv = groupVersion(repo.apiVersion);
  for (let attempt = 1; ; attempt++) {
    const current = await readObject(ctx, repo);
    if (current === undefined || !still(current)) return false;
    const body = { metadata: { resourceVersion: current.metadata?.resourceVersion, annotations: operationAnnotations(op) } };
    try {
      await ctx.clients.custom.patchNamespacedCustomObject(
        { group: gv.group, version: gv.version, namespace, plural: repo.plural, name: names.helmRepository, body },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
      );
      return true;
    } catch (e) {
      if (kubeStatusCode(e) === 404) return false;
      if (kubeStatusCode(e) !== 409 || attempt >= 5) throw k8sApiError(`recording the ${op?.operation ?? 'end of the'} operation on HelmRepository ${namespace}/${names.helmRepository}`, e);
    }
  }
}

/**
 * Runs `fn` holding the installation's Lease (and, within this process, after every earlier operation on
 * it). Another process holding it past the wait is a 409 `conflict`.
 */
export async function underLease<T>(ctx: ServiceContext, namespace: string, cluster: string, addon: AddonName, fn: () => Promise<T>): Promise<T> {
  const name = installationLeaseName({ name: cluster, namespace }, addon);
  return ctx.serialize(`${namespace}/${cluster}/${addon}`, async () => {
    try {
      return await withLease(ctx.leases, namespace, name, ctx.leaseOptions, fn);
    } catch (e) {
      if (e instanceof LeaseHeldError) {
        throw new ServiceError(409, 'conflict', `another operation on add-on ${addon} of cluster ${namespace}/${cluster} is in progress (Lease ${namespace}/${name} is held by ${e.holder}): retry when it has finished`);
      }
      if (e instanceof ServiceError) throw e;
      if (kubeStatusCode(e) !== undefined) throw k8sApiError(`acquiring Lease ${namespace}/${name}`, e);
      throw e;
    }
  });
}

/** A manifest as `KubernetesObject` with extra annotations. */
export function withAnnotations(m: KubernetesObject, annotations: Record<string, string | null>): KubernetesObject {
  const kept = Object.fromEntries(Object.entries(annotations).filter((e): e is [string, string] => e[1] !== null));
  return { ...m, metadata: { ...m.metadata, annotations: { ...m.metadata?.annotations, ...kept } } };
}
