/**
 * One add-on installation as the cluster holds it: every object of it (core `installationObjects`), the
 * operation recorded on its HelmRepository, and its Lease. Every replica reads the same state from the
 * management cluster; nothing of it lives in a process's memory.
 */
import { setHeaderOptions, PatchStrategy, KubernetesObject } from '@kubernetes/client-node';
import { auditing } from '../ops/audit';
import { kubeConfigFromSecretData } from '../ops/cluster-access';
import { KUBECONFIG_SECRET_KEY } from '../ops/types';
import {
  AddonName, AddonNames, addonNames, HelmReleaseObject, installationLeaseName, InstallationObject, installationObjects,
  InstallationOperation, operationAnnotations, operationOf, showObject,
} from '../core/addons';
import { kubeconfigSecretName } from '../core/output/naming';
import { LeaseHeldError, leaseIsHeld, withLease } from '../ops/lease';
import { ServiceContext } from './context';
import { ServiceError } from './errors';
import { groupVersion, k8sApiError, KubeClients, kubeClients, kubeStatusCode, orNotFound } from './kube';

/** A live object as far as the service reads it. */
export interface LiveObject {
  readonly metadata?: { readonly resourceVersion?: string; readonly annotations?: Record<string, string>; readonly deletionTimestamp?: unknown; readonly uid?: string };
  readonly spec?: unknown;
  readonly status?: unknown;
}

/** What the cluster holds of one installation. */
export interface InstallationState {
  readonly names: AddonNames;
  /**
   * The cluster the installation's objects live on: the management cluster, or in tenant mode the
   * workload cluster (undefined when its `<cluster>-kubeconfig` Secret does not exist: nothing is there).
   */
  readonly target?: KubeClients;
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

/**
 * The clients of the cluster where the add-on's Flux objects live. Management mode: the management
 * cluster. Tenant mode: the workload cluster, through its CAPI kubeconfig Secret (`<cluster>-kubeconfig`,
 * key `value`), read at each operation (Cluster API rotates it) and kept in memory only; `undefined` when
 * the Secret does not exist (the workload cluster is not up yet, or gone).
 */
export async function fluxClients(ctx: ServiceContext, namespace: string, cluster: string): Promise<KubeClients | undefined> {
  if (ctx.mode === 'management') return ctx.clients;
  const name = kubeconfigSecretName(cluster);
  const secret = await orNotFound(`reading Secret ${namespace}/${name}`, () => ctx.clients.core.readNamespacedSecret({ namespace, name }));
  if (secret === undefined) return undefined;
  let kc;
  try {
    kc = kubeConfigFromSecretData(secret.data);
  } catch {
    kc = undefined;
  }
  // never the content: it holds the workload cluster's credentials
  if (kc === undefined) throw new ServiceError(502, 'k8s-api-error', `Secret ${namespace}/${name} does not hold a readable kubeconfig under key "${KUBECONFIG_SECRET_KEY}"`);
  return kubeClients(auditing(kc));
}

/** Reads one object of an installation on `clients` (its cluster); `undefined` when it does not exist. */
export async function readObject(clients: KubeClients, o: InstallationObject): Promise<LiveObject | undefined> {
  const gv = o.apiVersion.includes('/') ? groupVersion(o.apiVersion) : { group: '', version: o.apiVersion };
  return orNotFound(`reading ${showObject(o)}${o.cluster === 'workload' ? ' on the workload cluster' : ''}`, () => (gv.group === '' && o.kind === 'ConfigMap'
    ? clients.core.readNamespacedConfigMap({ namespace: o.namespace!, name: o.name })
    : gv.group === '' && o.kind === 'Namespace'
      ? clients.core.readNamespace({ name: o.name })
      : clients.custom.getNamespacedCustomObject({ group: gv.group, version: gv.version, namespace: o.namespace!, plural: o.plural, name: o.name })) as Promise<LiveObject>);
}

/** Reads every object of the installation (on the cluster of the service's mode), and its Lease (on the management cluster). */
export async function readInstallation(ctx: ServiceContext, namespace: string, cluster: string, addon: AddonName): Promise<InstallationState> {
  const names = addonNames({ name: cluster, namespace }, addon);
  const objects = objectsOf(ctx, namespace, cluster, addon);
  const leaseName = installationLeaseName({ name: cluster, namespace }, addon);
  const target = await fluxClients(ctx, namespace, cluster);
  const [found, lease] = await Promise.all([
    Promise.all(objects.map((o) => (target === undefined ? undefined : readObject(target, o)))),
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
    names, target, objects, live, releases, repository,
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
export async function recordOperation(ctx: ServiceContext, target: KubeClients, namespace: string, cluster: string, addon: AddonName, op: InstallationOperation | undefined, still: (o: LiveObject) => boolean = () => true): Promise<boolean> {
  const repo = repositoryOf(ctx, namespace, cluster, addon);
  const gv = groupVersion(repo.apiVersion);
  for (let attempt = 1; ; attempt++) {
    const current = await readObject(target, repo);
    if (current === undefined || !still(current)) return false;
    const body = { metadata: { resourceVersion: current.metadata?.resourceVersion, annotations: operationAnnotations(op) } };
    try {
      await target.custom.patchNamespacedCustomObject(
        { group: gv.group, version: gv.version, namespace: repo.namespace!, plural: repo.plural, name: repo.name, body },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
      );
      return true;
    } catch (e) {
      if (kubeStatusCode(e) === 404) return false;
      if (kubeStatusCode(e) !== 409 || attempt >= 5) throw k8sApiError(`recording the ${op?.operation ?? 'end of the'} operation on ${showObject(repo)}`, e);
    }
  }
}

/** The installation's HelmRepository (it carries the operation state). */
export function repositoryOf(ctx: ServiceContext, namespace: string, cluster: string, addon: AddonName): InstallationObject {
  return objectsOf(ctx, namespace, cluster, addon).find((o) => o.kind === 'HelmRepository')!;
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
