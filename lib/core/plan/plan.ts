/**
 * `planFleet(previous, next)`: what applying `next` over `previous` does, per cluster.
 */
import { Manifest } from '../output/manifest';
import { getPath } from './diff';
import { addonRemoval, AUTOSCALER_PATHS, autoscalerChange, groupKind, groupRemoval, replicaChange } from './deletes-scales';
import { inPlaceChange } from './in-place';
import { ClusterObjects, indexManifests, objectId } from './manifests';
import { groupRoll } from './rolls';
import { machineDeploymentVersionSkewRule, rejectedUpdate } from './rules';
import { upgradeOrder } from './upgrade-order';
import {
  AddonRemoval, AutoscalerChange, ClusterPlan, FleetPlan, GroupRemoval, InPlaceChange, ObjectId, RejectedChange, ReplicaChange, Roll,
} from './types';

const EMPTY: ReadonlyMap<string, Manifest> = new Map();

/** The KubeadmControlPlane's `spec.version` after the apply: the next one, or the previous one when its update is refused. */
function controlPlaneVersion(after: ReadonlyMap<string, Manifest>, before: ReadonlyMap<string, Manifest>, isRefused: (key: string) => boolean): unknown {
  for (const [key, m] of after) {
    if (groupKind(m) !== 'control-plane') continue;
    return getPath(isRefused(key) ? before.get(key) : m, ['spec', 'version']);
  }
  return undefined;
}

/**
 * The plan of one cluster: its objects before and after (either may be empty). An object whose
 * update a webhook rejects keeps its previous state, so it neither rolls nor scales nor changes in
 * place; the worker version-skew check then compares against the control plane version that stays.
 */
export function planCluster(
  namespace: string, name: string, before: ReadonlyMap<string, Manifest>, after: ReadonlyMap<string, Manifest>, reportedControlPlaneVersion?: string,
): ClusterPlan {
  const rejected: RejectedChange[] = [];
  const rolls: Roll[] = [];
  const groups: GroupRemoval[] = [];
  const addons: AddonRemoval[] = [];
  const removedObjects: ObjectId[] = [];
  const replicas: ReplicaChange[] = [];
  const autoscaler: AutoscalerChange[] = [];
  const inPlace: InPlaceChange[] = [];
  const created: ObjectId[] = [];
  // An update the webhook rejects is refused as a whole: the object keeps its previous state.
  const refusals = new Map<string, RejectedChange[]>();
  for (const [key, next] of after) {
    const previous = before.get(key);
    if (previous) refusals.set(key, rejectedUpdate(previous, next));
  }
  const isRefused = (key: string) => (refusals.get(key) ?? []).some((r) => r.effect === 'rejected');
  const cpVersion = controlPlaneVersion(after, before, isRefused);

  for (const [key, next] of after) {
    const previous = before.get(key);
    if (groupKind(next) === 'workers' && !isRefused(key)) rejected.push(...machineDeploymentVersionSkewRule(previous, next, cpVersion));
    if (!previous) {
      created.push(objectId(next));
      continue;
    }
    const refused = refusals.get(key) ?? [];
    rejected.push(...refused);
    if (isRefused(key)) continue;
    const covered = refused.map((r) => r.path);
    if (groupKind(next)) {
      const roll = groupRoll(previous, next);
      if (roll) {
        rolls.push(roll);
        covered.push(...roll.causes.map((c) => c.path));
      }
      const rc = replicaChange(previous, next);
      if (rc) replicas.push(rc);
      covered.push('spec.replicas');
      const ac = autoscalerChange(previous, next);
      if (ac) autoscaler.push(ac);
      covered.push(...AUTOSCALER_PATHS);
    }
    const ip = inPlaceChange(previous, next, covered);
    if (ip) inPlace.push(ip);
  }
  for (const [key, previous] of before) {
    if (after.has(key)) continue;
    const g = groupRemoval(previous);
    const a = addonRemoval(previous);
    if (g) groups.push(g);
    else if (a) addons.push(a);
    else removedObjects.push(objectId(previous));
  }
  const status: ClusterPlan['status'] = before.size === 0 ? 'created' : after.size === 0 ? 'deleted'
    : rejected.length + rolls.length + groups.length + addons.length + removedObjects.length + replicas.length + autoscaler.length + inPlace.length + created.length === 0
      ? 'unchanged' : 'changed';
  return {
    cluster: { namespace, name }, status, rejected, rolls,
    deletes: { groups, addons, objects: removedObjects }, scales: { replicas, autoscaler }, inPlace, created,
    upgrades: upgradeOrder(before, after, reportedControlPlaneVersion),
  };
}

/** Options of {@link planFleet}. */
export interface PlanOptions {
  /**
   * The control planes' live versions (KubeadmControlPlane `status.version`) by `<namespace>/<cluster>`,
   * as read from the management cluster: worker upgrades are in order only once it reports theirs.
   * @default none: the control plane's version before the apply counts as reported
   */
  readonly reportedControlPlaneVersions?: ReadonlyMap<string, string>;
}

/**
 * Plans applying `next` over `previous`: two manifest sets (lists of plain Kubernetes objects, e.g.
 * the documents of every file of two `dist/` directories). Objects are matched by API group, kind,
 * namespace and name, and grouped by the Cluster they belong to (the `cluster.x-k8s.io/cluster-name`
 * label or `spec.clusterName`). Throws a ValidationError listing every malformed or duplicate object.
 */
export function planFleet(previous: readonly unknown[], next: readonly unknown[], options: PlanOptions = {}): FleetPlan {
  const a = indexManifests(previous, 'previous');
  const b = indexManifests(next, 'next');
  const keys = [...new Set([...a.clusters.keys(), ...b.clusters.keys()])].sort((x, y) => {
    const [cx, cy] = [a.clusters.get(x) ?? b.clusters.get(x)!, a.clusters.get(y) ?? b.clusters.get(y)!];
    return cx.namespace.localeCompare(cy.namespace) || cx.name.localeCompare(cy.name);
  });
  const clusters = keys.map((k) => {
    const c: ClusterObjects = a.clusters.get(k) ?? b.clusters.get(k)!;
    return planCluster(c.namespace, c.name, a.clusters.get(k)?.objects ?? EMPTY, b.clusters.get(k)?.objects ?? EMPTY,
      options.reportedControlPlaneVersions?.get(`${c.namespace}/${c.name}`));
  });
  const sum = (f: (c: ClusterPlan) => number) => clusters.reduce((n, c) => n + f(c), 0);
  return {
    clusters,
    totals: {
      rejected: sum((c) => c.rejected.length),
      rolls: sum((c) => c.rolls.length),
      machinesRolled: sum((c) => c.rolls.reduce((n, r) => n + r.machines, 0)),
      groupsRemoved: sum((c) => c.deletes.groups.length),
      machinesRemoved: sum((c) => c.deletes.groups.reduce((n, g) => n + g.machines, 0)),
      addonsRemoved: sum((c) => c.deletes.addons.length),
      replicaChanges: sum((c) => c.scales.replicas.length),
      autoscalerChanges: sum((c) => c.scales.autoscaler.length),
      inPlace: sum((c) => c.inPlace.length),
      created: sum((c) => c.created.length),
      deleted: sum((c) => c.deletes.groups.length + c.deletes.addons.length + c.deletes.objects.length),
      outOfOrder: sum((c) => c.upgrades.filter((u) => u.outOfOrder !== undefined).length),
    },
  };
}
