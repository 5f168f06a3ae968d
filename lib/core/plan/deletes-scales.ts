/**
 * Deletes and scales: groups removed with their machines, add-ons uninstalled (a HelmRelease removed:
 * Flux's helm-controller uninstalls the release when the object goes), replica changes, and changed
 * cluster-autoscaler bounds (the min/max-size annotations on a MachineDeployment).
 */
import { ANNOTATION_AUTOSCALER_MAX, ANNOTATION_AUTOSCALER_MIN, CLUSTER_GROUP, CONTROL_PLANE_GROUP } from '../output/api-versions';
import { Manifest } from '../output/manifest';
import { formatPath, getPath } from './diff';
import { apiGroup, objectId } from './manifests';
import { desiredMachines } from './rolls';
import { AddonRemoval, AutoscalerChange, GroupRemoval, ReplicaChange } from './types';

export const HELM_RELEASE_GROUP = 'helm.toolkit.fluxcd.io';

/** `control-plane` for a KubeadmControlPlane, `workers` for a MachineDeployment, else undefined. */
export function groupKind(m: Manifest): 'control-plane' | 'workers' | undefined {
  const g = apiGroup(m.apiVersion);
  if (g === CONTROL_PLANE_GROUP && m.kind === 'KubeadmControlPlane') return 'control-plane';
  if (g === CLUSTER_GROUP && m.kind === 'MachineDeployment') return 'workers';
  return undefined;
}

export function isHelmRelease(m: Manifest): boolean {
  return apiGroup(m.apiVersion) === HELM_RELEASE_GROUP && m.kind === 'HelmRelease';
}

/** A removed KubeadmControlPlane or MachineDeployment and the machines it takes with it. */
export function groupRemoval(previous: Manifest): GroupRemoval | undefined {
  const group = groupKind(previous);
  if (!group) return undefined;
  const { machines, note } = desiredMachines(undefined, previous);
  return { object: objectId(previous), group, machines, ...(note ? { machinesNote: note } : {}) };
}

/** A removed HelmRelease: the add-on is uninstalled. */
export function addonRemoval(previous: Manifest): AddonRemoval | undefined {
  if (!isHelmRelease(previous)) return undefined;
  const chart = getPath(previous, ['spec', 'chart', 'spec', 'chart']);
  const version = getPath(previous, ['spec', 'chart', 'spec', 'version']);
  const target = getPath(previous, ['spec', 'targetNamespace']);
  return {
    object: objectId(previous),
    ...(typeof chart === 'string' ? { chart } : {}),
    ...(typeof version === 'string' ? { version } : {}),
    ...(typeof target === 'string' ? { targetNamespace: target } : {}),
  };
}

/** `spec.replicas` of a group, when it changes. */
export function replicaChange(previous: Manifest, next: Manifest): ReplicaChange | undefined {
  if (!groupKind(next)) return undefined;
  const before = getPath(previous, ['spec', 'replicas']);
  const after = getPath(next, ['spec', 'replicas']);
  if (before === after) return undefined;
  return {
    object: objectId(next),
    ...(typeof before === 'number' ? { old: before } : {}),
    ...(typeof after === 'number' ? { new: after } : {}),
  };
}

/** The paths the autoscaler change covers (excluded from in-place changes). */
export const AUTOSCALER_PATHS = [ANNOTATION_AUTOSCALER_MIN, ANNOTATION_AUTOSCALER_MAX].map((a) => formatPath(['metadata', 'annotations', a]));

/** The cluster-autoscaler bounds, when either changes. */
export function autoscalerChange(previous: Manifest, next: Manifest): AutoscalerChange | undefined {
  const a = previous.metadata.annotations ?? {};
  const b = next.metadata.annotations ?? {};
  const pair = (k: string) => ({ ...(a[k] !== undefined ? { old: a[k] } : {}), ...(b[k] !== undefined ? { new: b[k] } : {}) });
  if (a[ANNOTATION_AUTOSCALER_MIN] === b[ANNOTATION_AUTOSCALER_MIN] && a[ANNOTATION_AUTOSCALER_MAX] === b[ANNOTATION_AUTOSCALER_MAX]) return undefined;
  return { object: objectId(next), min: pair(ANNOTATION_AUTOSCALER_MIN), max: pair(ANNOTATION_AUTOSCALER_MAX) };
}
