/**
 * Rollouts: which changes make Cluster API replace every machine of a group, how many machines that
 * is, and how the rollout is paced.
 * - KubeadmControlPlane (cluster-api v1.14.0 `controlplane/kubeadm/pkg/filters.go` `UpToDate`,
 *   `matchesKubeadmConfig`, `PrepareKubeadmConfigsForDiff`): `spec.version`, the infrastructure
 *   template reference, `spec.kubeadmConfigSpec` (except `clusterConfiguration.dns`,
 *   `clusterConfiguration.controlPlaneEndpoint`, `joinConfiguration.discovery` and the
 *   `controlPlaneComponentHealthCheckSeconds` timeouts), and `rollout.after`.
 * - MachineDeployment (`core/reconcilers/machinedeployment/mdutil/util.go`
 *   `MachineTemplateDeepCopyRolloutFields`): `spec.template.spec.{bootstrap, infrastructureRef,
 *   version, failureDomain}`, and `rollout.after`.
 * Pacing: KubeadmControlPlane replaces one machine at a time (maxSurge 1: create then delete; 0:
 * delete then create; the webhook reads a percentage as 0). A MachineDeployment's maxSurge (percent
 * rounds up, default 1) and maxUnavailable (percent rounds down, default 0) are resolved against the
 * replica count; OnDelete replaces a machine only when someone deletes it.
 */
import { ANNOTATION_AUTOSCALER_MAX, ANNOTATION_AUTOSCALER_MIN } from '../output/api-versions';
import { Manifest } from '../output/manifest';
import { deepEqual, diffFields, getPath, isPlainObject } from './diff';
import { apiVersionOnly, objectId } from './manifests';
import { FieldChange, Roll, RolloutPacing } from './types';

const v1 = (m: Manifest) => apiVersionOnly(m.apiVersion) === 'v1beta1';

/** Paths below spec.kubeadmConfigSpec that KCP leaves out of its comparison (`PrepareKubeadmConfigsForDiff`). */
const KCP_NO_ROLL = [
  ['clusterConfiguration', 'dns'],
  ['clusterConfiguration', 'controlPlaneEndpoint'],
  ['joinConfiguration', 'discovery'],
  ['initConfiguration', 'timeouts', 'controlPlaneComponentHealthCheckSeconds'],
  ['joinConfiguration', 'timeouts', 'controlPlaneComponentHealthCheckSeconds'],
];

/** True when `path` is `prefix` or lies below it. */
export function under(path: string, prefix: string): boolean {
  return path === prefix || path.startsWith(`${prefix}.`) || path.startsWith(`${prefix}[`);
}

function changesUnder(previous: Manifest, next: Manifest, paths: readonly string[][]): FieldChange[] {
  return paths.flatMap((p) => diffFields(getPath(previous, p), getPath(next, p), p));
}

type Json = Record<string, unknown>;

function unset(o: Json, path: readonly string[]): void {
  const parent = getPath(o, path.slice(0, -1));
  if (isPlainObject(parent)) delete parent[path[path.length - 1]];
}

/** Go's `omitempty` seen from JSON: empty lists, maps and structs are the same as unset. */
function dropEmpty(v: unknown): unknown {
  if (Array.isArray(v)) {
    const items = v.map(dropEmpty);
    return items.length === 0 ? undefined : items;
  }
  if (isPlainObject(v)) {
    const out: Json = {};
    for (const [k, x] of Object.entries(v)) {
      const d = dropEmpty(x);
      if (d !== undefined) out[k] = d;
    }
    return Object.keys(out).length === 0 ? undefined : out;
  }
  return v === '' ? undefined : v;
}

/**
 * A KubeadmConfigSpec as KCP compares it (cluster-api v1.14.0 `controlplane/kubeadm/pkg/filters.go`
 * `PrepareKubeadmConfigsForDiff`): the defaults of `ApplyPreviousKubeadmConfigDefaults` filled
 * (`format: cloud-config`, `imagePullPolicy: IfNotPresent` in init and join), discovery, DNS, the
 * endpoint and the health-check timeouts left out, empty values dropped (`dropOmittableFields`).
 */
export function kcpSpecForDiff(spec: unknown): Json {
  const s = (isPlainObject(spec) ? JSON.parse(JSON.stringify(spec)) : {}) as Json;
  for (const p of KCP_NO_ROLL) unset(s, p);
  const filled = (dropEmpty(s) ?? {}) as Json;
  if (filled.format === undefined) filled.format = 'cloud-config';
  for (const c of ['initConfiguration', 'joinConfiguration']) {
    const conf = (isPlainObject(filled[c]) ? filled[c] : (filled[c] = {})) as Json;
    const nr = (isPlainObject(conf.nodeRegistration) ? conf.nodeRegistration : (conf.nodeRegistration = {})) as Json;
    if (nr.imagePullPolicy === undefined) nr.imagePullPolicy = 'IfNotPresent';
  }
  return filled;
}

/** The spec without `key` (init or join configuration). */
function without(spec: Json, key: string): Json {
  const { [key]: _, ...rest } = spec;
  return rest;
}

/**
 * The first control-plane machine's spec compared as if it had joined (`PrepareKubeadmConfigsForDiff`
 * with `convertCurrentInitConfigurationToJoinConfiguration`): its init timeouts, patches, skipPhases,
 * nodeRegistration and localAPIEndpoint become the join configuration; caCertPath comes from `desired`.
 */
function initAsJoin(current: Json, desired: Json): Json {
  const init = (current.initConfiguration ?? {}) as Json;
  const join: Json = { ...(current.joinConfiguration as Json ?? {}) };
  for (const k of ['timeouts', 'patches', 'skipPhases', 'nodeRegistration']) {
    if (init[k] === undefined) delete join[k];
    else join[k] = init[k];
  }
  join.controlPlane = init.localAPIEndpoint === undefined ? {} : { localAPIEndpoint: init.localAPIEndpoint };
  const caCertPath = getPath(desired, ['joinConfiguration', 'caCertPath']);
  if (caCertPath === undefined) delete join.caCertPath;
  else join.caCertPath = caCertPath;
  return kcpSpecForDiff({ ...without(current, 'initConfiguration'), joinConfiguration: join });
}

/**
 * The changes of a KubeadmControlPlane (both sides in v1beta2, see `toHub`) that roll its machines,
 * and how the first machine (the one that ran kubeadm init) fares. A joined machine rolls when the
 * spec without initConfiguration changes. The init machine is kept when either comparison matches
 * (`matchesKubeadmConfig`): its spec compared as a join with the new join spec, or its spec without
 * joinConfiguration with the new one. So a change of initConfiguration alone rolls only the init
 * machine (`first: 'only'`), and a change of joinConfiguration alone every machine but the init one
 * (`first: 'kept'`); version, infrastructure and `rollout.after` roll every machine.
 */
export function controlPlaneRoll(previous: Manifest, next: Manifest): { causes: FieldChange[]; first?: 'only' | 'kept' } {
  const K = ['spec', 'kubeadmConfigSpec'];
  const base = changesUnder(previous, next, [['spec', 'version'], ['spec', 'machineTemplate', 'spec', 'infrastructureRef'], ['spec', 'rollout', 'after']]);
  const a = kcpSpecForDiff(getPath(previous, K));
  const b = kcpSpecForDiff(getPath(next, K));
  const join = diffFields(without(a, 'initConfiguration'), without(b, 'initConfiguration'), K);
  const init = diffFields(without(a, 'joinConfiguration'), without(b, 'joinConfiguration'), K);
  const firstRolls = base.length > 0
    || (init.length > 0 && !deepEqual(without(initAsJoin(a, b), 'initConfiguration'), without(b, 'initConfiguration')));
  if (base.length + join.length > 0) return { causes: [...base, ...join], ...(firstRolls ? {} : { first: 'kept' as const }) };
  return firstRolls ? { causes: init, first: 'only' } : { causes: [] };
}

/** The changes of a KubeadmControlPlane (both sides in v1beta2) that roll its machines. */
export function controlPlaneRollCauses(previous: Manifest, next: Manifest): FieldChange[] {
  return controlPlaneRoll(previous, next).causes;
}

/**
 * The changes of a MachineDeployment (both sides in v1beta2) that roll its machines: its machine
 * template outside the fields Cluster API changes in place (cluster-api v1.14.0
 * `core/reconcilers/machinedeployment/mdutil/util.go` `MachineTemplateDeepCopyRolloutFields`:
 * labels, annotations, clusterName, providerID, minReadySeconds, readinessGates, deletion timeouts
 * and taints), and `rollout.after`.
 */
export function machineDeploymentRollCauses(previous: Manifest, next: Manifest): FieldChange[] {
  const t = ['spec', 'template', 'spec'];
  const IN_PLACE = ['clusterName', 'providerID', 'minReadySeconds', 'readinessGates', 'deletion', 'taints'];
  const rollFields = (m: Manifest) => {
    const spec = getPath(m, t);
    if (!isPlainObject(spec)) return {};
    return Object.fromEntries(Object.entries(spec).filter(([k]) => !IN_PLACE.includes(k)));
  };
  return [...diffFields(rollFields(previous), rollFields(next), t), ...changesUnder(previous, next, [['spec', 'rollout', 'after']])];
}

function int(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isInteger(v) ? v : undefined;
}

/** The autoscaler bounds of a MachineDeployment, when both annotations are set to integers. */
export function autoscalerBounds(m: Manifest): { min: number; max: number } | undefined {
  const a = m.metadata.annotations ?? {};
  const min = Number(a[ANNOTATION_AUTOSCALER_MIN]);
  const max = Number(a[ANNOTATION_AUTOSCALER_MAX]);
  if (a[ANNOTATION_AUTOSCALER_MIN] === undefined || a[ANNOTATION_AUTOSCALER_MAX] === undefined || !Number.isInteger(min) || !Number.isInteger(max)) return undefined;
  return { min, max };
}

/**
 * The replica count of a group after the apply. KubeadmControlPlane: `spec.replicas` (webhook default 1).
 * MachineDeployment: `spec.replicas`; unset with autoscaler bounds, the webhook keeps the old count
 * clamped to the bounds, or starts at the minimum (cluster-api v1.14.0
 * `core/webhooks/admission/machinedeployment.go` `calculateMachineDeploymentReplicas`); otherwise 1.
 */
export function desiredMachines(previous: Manifest | undefined, next: Manifest): { machines: number; note?: string } {
  const replicas = int(getPath(next, ['spec', 'replicas']));
  if (replicas !== undefined) return { machines: replicas };
  const bounds = next.kind === 'MachineDeployment' ? autoscalerBounds(next) : undefined;
  if (!bounds) return { machines: 1 };
  const old = previous ? int(getPath(previous, ['spec', 'replicas'])) : undefined;
  if (old !== undefined) {
    const clamped = Math.min(Math.max(old, bounds.min), bounds.max);
    return { machines: clamped, note: `autoscaled ${bounds.min}-${bounds.max}; the webhook keeps the previous ${old}${clamped === old ? '' : ` clamped to ${clamped}`}` };
  }
  return { machines: bounds.min, note: `autoscaled ${bounds.min}-${bounds.max}: at least ${bounds.min}, the autoscaler may run more` };
}

function resolve(v: unknown, replicas: number, round: (x: number) => number, dflt: number): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && v.endsWith('%')) {
    const pct = Number(v.slice(0, -1));
    return Number.isFinite(pct) ? round((replicas * pct) / 100) : dflt;
  }
  return dflt;
}

/** How a group's rollout is paced. */
export function rolloutPacing(m: Manifest, machines: number): RolloutPacing {
  if (m.kind === 'KubeadmControlPlane') {
    const maxSurge = getPath(m, v1(m) ? ['spec', 'rolloutStrategy', 'rollingUpdate', 'maxSurge'] : ['spec', 'rollout', 'strategy', 'rollingUpdate', 'maxSurge']);
    // intstr.IntValue(): a string is Atoi'd, so "100%" is 0 (cluster-api controlplane/kubeadm reconcilers update.go).
    const surge = typeof maxSurge === 'number' ? maxSurge : maxSurge === undefined ? 1 : 0;
    return { strategy: 'RollingUpdate', maxSurge: (maxSurge as number | string | undefined) ?? 1, surge, unavailable: surge === 0 ? 1 : 0 };
  }
  const strategy = getPath(m, v1(m) ? ['spec', 'strategy'] : ['spec', 'rollout', 'strategy']) as Record<string, unknown> | undefined;
  if (strategy?.type === 'OnDelete') return { strategy: 'OnDelete' };
  const ru = (strategy?.rollingUpdate ?? {}) as Record<string, unknown>;
  const maxSurge = (ru.maxSurge as number | string | undefined) ?? 1;
  const maxUnavailable = (ru.maxUnavailable as number | string | undefined) ?? 0;
  return {
    strategy: 'RollingUpdate', maxSurge, maxUnavailable,
    surge: resolve(maxSurge, machines, Math.ceil, 1), unavailable: resolve(maxUnavailable, machines, Math.floor, 0),
  };
}

/** The rollout of a KubeadmControlPlane or MachineDeployment (both sides in v1beta2), or undefined when nothing rolls it. */
export function groupRoll(previous: Manifest, next: Manifest): Roll | undefined {
  const cp = next.kind === 'KubeadmControlPlane';
  const { causes, first } = cp ? controlPlaneRoll(previous, next) : { causes: machineDeploymentRollCauses(previous, next), first: undefined };
  if (causes.length === 0) return undefined;
  const desired = desiredMachines(previous, next);
  const { machines, note } = first === 'only'
    ? { machines: 1, note: 'only the first control-plane machine, the one that ran kubeadm init, if it was never replaced' }
    : first === 'kept'
      ? { machines: desired.machines, note: `every machine that joined; the first control-plane machine, the one that ran kubeadm init, is kept if it was never replaced (its initConfiguration is unchanged)${desired.note ? `; ${desired.note}` : ''}` }
      : desired;
  const roll: Roll = {
    object: objectId(next), group: cp ? 'control-plane' : 'workers', causes, machines, pacing: rolloutPacing(next, machines),
    ...(note ? { machinesNote: note } : {}),
    ...(first ? { firstMachine: first } : {}),
  };
  return roll;
}
