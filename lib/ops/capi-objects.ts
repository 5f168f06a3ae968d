/**
 * The fields of Cluster API objects node operations read, in the shapes both v1beta2 and v1beta1 share
 * (and, where they differ, both spellings). `@kubernetes/client-node` has no types for custom resources.
 */
import type { V1ObjectMeta } from '@kubernetes/client-node';
import { CapiVersion, CLUSTER_GROUP, CONTROL_PLANE_GROUP } from '../core/output/api-versions';

/** A condition as either version reports it (v1beta1 adds `severity`). */
export interface CapiCondition {
  readonly type: string;
  readonly status: string;
  readonly reason?: string;
  readonly message?: string;
  readonly severity?: string;
  readonly lastTransitionTime?: string;
}

/** v1beta2 `{apiGroup, kind, name}`; v1beta1 `{apiVersion, kind, name, namespace}`. */
export interface CapiObjectReference {
  readonly apiGroup?: string;
  readonly apiVersion?: string;
  readonly kind: string;
  readonly name: string;
}

export interface CapiObject {
  readonly apiVersion?: string;
  readonly kind?: string;
  readonly metadata: V1ObjectMeta & { readonly name: string };
}

export interface Machine extends CapiObject {
  readonly spec?: {
    readonly clusterName?: string;
    readonly providerID?: string;
    readonly version?: string;
    readonly infrastructureRef?: CapiObjectReference;
  };
  readonly status?: {
    readonly nodeRef?: { readonly name?: string };
    readonly phase?: string;
    readonly conditions?: readonly CapiCondition[];
  };
}

/** MachineDeployment or MachineSet: what `spec.replicas` and the autoscaler annotations sit on. */
export interface ScalableGroup extends CapiObject {
  readonly spec?: { readonly replicas?: number };
  readonly status?: { readonly replicas?: number; readonly readyReplicas?: number; readonly conditions?: readonly CapiCondition[] };
}

export interface KubeadmControlPlane extends CapiObject {
  readonly spec?: { readonly replicas?: number; readonly version?: string };
  readonly status?: { readonly replicas?: number; readonly readyReplicas?: number; readonly conditions?: readonly CapiCondition[] };
}

export interface CapiList<T> {
  readonly items: readonly T[];
}

/** Where a kind is served: group and plural resource name. */
export interface CapiResource {
  readonly group: string;
  readonly plural: string;
}

export const MACHINES: CapiResource = { group: CLUSTER_GROUP, plural: 'machines' };
export const MACHINE_SETS: CapiResource = { group: CLUSTER_GROUP, plural: 'machinesets' };
export const MACHINE_DEPLOYMENTS: CapiResource = { group: CLUSTER_GROUP, plural: 'machinedeployments' };
export const KUBEADM_CONTROL_PLANES: CapiResource = { group: CONTROL_PLANE_GROUP, plural: 'kubeadmcontrolplanes' };

/** The CustomObjectsApi parameters naming one object (or, without `name`, a collection). */
export function objectParams(r: CapiResource, version: CapiVersion, namespace: string) {
  return { group: r.group, version, namespace, plural: r.plural };
}
