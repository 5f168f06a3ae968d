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
import { diffFields, getPath } from './diff';
import { apiVersionOnly, objectId } from './manifests';
import { FieldChange, Roll, RolloutPacing } from './types';

const v1 = (m: Manifest) => apiVersionOnly(m.apiVersion) === 'v1beta1';

/** Paths below spec.kubeadmConfigSpec that KCP changes in place (`PrepareKubeadmConfigsForDiff`). */
const KCP_NO_ROLL = [
  'spec.kubeadmConfigSpec.clusterConfiguration.dns',
  'spec.kubeadmConfigSpec.clusterConfiguration.controlPlaneEndpoint',
  'spec.kubeadmConfigSpec.joinConfiguration.discovery',
  'spec.kubeadmConfigSpec.initConfiguration.timeouts.controlPlaneComponentHealthCheckSeconds',
  'spec.kubeadmConfigSpec.joinConfiguration.timeouts.controlPlaneComponentHealthCheckSeconds',
];

/** True when `path` is `prefix` or lies below it. */
export function under(path: string, prefix: string): boolean {
  return path === prefix || path.startsWith(`${prefix}.`) || path.startsWith(`${prefix}[`);
}

function changesUnder(previous: Manifest, next: Manifest, paths: readonly string[][]): FieldChange[] {
  return paths.flatMap((p) => diffFields(getPath(previous, p), getPath(next, p), p));
}

/** The changes of a KubeadmControlPlane that roll its machines. */
export function controlPlaneRollCauses(previous: Manifest, next: Manifest): FieldChange[] {
  const infra = v1(next) ? ['spec', 'machineTemplate', 'infrastructureRef'] : ['spec', 'machineTemplate', 'spec', 'infrastructureRef'];
  const after = v1(next) ? ['spec', 'rolloutAfter'] : ['spec', 'rollout', 'after'];
  return changesUnder(previous, next, [['spec', 'version'], infra, ['spec', 'kubeadmConfigSpec'], after])
    .filter((c) => !KCP_NO_ROLL.some((p) => under(c.path, p)));
}

/** The changes of a MachineDeployment that roll its machines. */
export function machineDeploymentRollCauses(previous: Manifest, next: Manifest): FieldChange[] {
  const t = ['spec', 'template', 'spec'];
  const after = v1(next) ? ['spec', 'rolloutAfter'] : ['spec', 'rollout', 'after'];
  return changesUnder(previous, next, [[...t, 'bootstrap'], [...t, 'infrastructureRef'], [...t, 'version'], [...t, 'failureDomain'], after]);
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

/** The rollout of a KubeadmControlPlane or MachineDeployment, or undefined when nothing rolls it. */
export function groupRoll(previous: Manifest, next: Manifest): Roll | undefined {
  const cp = next.kind === 'KubeadmControlPlane';
  const causes = cp ? controlPlaneRollCauses(previous, next) : machineDeploymentRollCauses(previous, next);
  if (causes.length === 0) return undefined;
  const { machines, note } = desiredMachines(previous, next);
  const roll: Roll = {
    object: objectId(next), group: cp ? 'control-plane' : 'workers', causes, machines, pacing: rolloutPacing(next, machines),
    ...(note ? { machinesNote: note } : {}),
  };
  return roll;
}
