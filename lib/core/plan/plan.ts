/**
 * `planFleet(previous, next)`: what applying `next` over `previous` does, per cluster.
 */
import { Manifest } from '../output/manifest';
import { getPath } from './diff';
import { addonRemoval, AUTOSCALER_PATHS, autoscalerChange, groupKind, groupRemoval, replicaChange } from './deletes-scales';
import { inPlaceChange } from './in-place';
import { CLUSTER_GROUP } from '../output/api-versions';
import { apiGroup, indexManifests, ManifestSet, objectId } from './manifests';
import { groupRoll } from './rolls';
import { machineDeploymentVersionSkewRule, rejectedCreate, rejectedUpdate } from './rules';
import { toHub } from './convert';
import { templateCauses } from './template-causes';
import { upgradeOrder } from './upgrade-order';
import {
  AddonRemoval, AutoscalerChange, ClusterPlan, FleetPlan, GroupRemoval, InPlaceChange, ObjectId, RejectedChange, ReplicaChange, Roll,
} from './types';

interface Group {
  readonly namespace: string;
  readonly name: string;
  readonly sets: [Map<string, Manifest>, Map<string, Manifest>];
}

/**
 * The objects of both sets by the Cluster they belong to. An object that names a cluster outside its
 * own namespace (e.g. an add-on's objects in the add-on namespace) joins the one Cluster of that
 * name when there is exactly one; objects of no cluster form one group (namespace and name "").
 */
function groupByCluster(sets: readonly ManifestSet[]): Map<string, Group> {
  const clusterNamespaces = new Map<string, Set<string>>();
  for (const set of sets) {
    for (const c of set.clusters.values()) {
      for (const m of c.objects.values()) {
        if (m.kind === 'Cluster' && apiGroup(m.apiVersion) === CLUSTER_GROUP) {
          const ns = clusterNamespaces.get(m.metadata.name) ?? new Set<string>();
          ns.add(c.namespace);
          clusterNamespaces.set(m.metadata.name, ns);
        }
      }
    }
  }
  const groups = new Map<string, Group>();
  sets.forEach((set, i) => {
    for (const c of set.clusters.values()) {
      let { namespace } = c;
      if (c.name === '') namespace = '';
      else {
        const ns = clusterNamespaces.get(c.name);
        if (ns && !ns.has(namespace) && ns.size === 1) namespace = [...ns][0];
      }
      const key = `${namespace}/${c.name}`;
      let g = groups.get(key);
      if (!g) {
        g = { namespace, name: c.name, sets: [new Map(), new Map()] };
        groups.set(key, g);
      }
      for (const [k, m] of c.objects) g.sets[i].set(k, m);
    }
  });
  return groups;
}

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
    refusals.set(key, previous ? rejectedUpdate(previous, next) : rejectedCreate(next));
  }
  const isRefused = (key: string) => (refusals.get(key) ?? []).some((r) => r.effect === 'rejected');
  const cpVersion = controlPlaneVersion(after, before, isRefused);

  for (const [key, next] of after) {
    const previous = before.get(key);
    const skew = groupKind(next) === 'workers' && !isRefused(key) ? machineDeploymentVersionSkewRule(previous, next, cpVersion) : [];
    rejected.push(...skew);
    const refused = refusals.get(key) ?? [];
    rejected.push(...refused);
    if (!previous) {
      created.push(objectId(next));
      continue;
    }
    if (isRefused(key)) continue;
    // Compared as Cluster API sees them: both sides in v1beta2.
    const [a, b] = [toHub(previous), toHub(next)];
    const covered = [...refused, ...skew].map((r) => r.path);
    if (groupKind(next)) {
      const roll = groupRoll(a, b);
      if (roll) {
        // One verdict per group: a group whose new machines are blocked replaces none (its roll causes are the blocked change).
        if (skew.length === 0) rolls.push({ ...roll, object: objectId(next), causes: templateCauses(roll.causes, a, b, before, after) });
        covered.push(...roll.causes.map((c) => c.path));
        // The replaced machines carry the whole new spec: nothing of it is left to change in place.
        if (roll.group === 'control-plane' && roll.machinesNote === undefined) covered.push('spec.kubeadmConfigSpec');
      }
      const rc = replicaChange(a, b);
      if (rc) replicas.push({ ...rc, object: objectId(next) });
      covered.push('spec.replicas');
      const ac = autoscalerChange(a, b);
      if (ac) autoscaler.push({ ...ac, object: objectId(next) });
      covered.push(...AUTOSCALER_PATHS);
    }
    const ip = inPlaceChange(a, b, [...covered, 'apiVersion']);
    if (ip) inPlace.push({ ...ip, object: objectId(next) });
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
  const groups = groupByCluster([a, b]);
  const keys = [...groups.keys()].sort((x, y) => {
    const [cx, cy] = [groups.get(x)!, groups.get(y)!];
    // Objects of no cluster come last.
    return Number(cx.name === '') - Number(cy.name === '') || cx.namespace.localeCompare(cy.namespace) || cx.name.localeCompare(cy.name);
  });
  const clusters = keys.map((k) => {
    const g = groups.get(k)!;
    return planCluster(g.namespace, g.name, g.sets[0], g.sets[1], options.reportedControlPlaneVersions?.get(`${g.namespace}/${g.name}`));
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
