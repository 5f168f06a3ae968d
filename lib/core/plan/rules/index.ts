/**
 * The update rules, one file per upstream webhook, and `rejectedUpdate`, which applies the ones for
 * an object's kind. Each rule is exported on its own for users who hold the previous state elsewhere
 * (e.g. read from the management cluster).
 */
import { ADDONS_GROUP, BOOTSTRAP_GROUP, CLUSTER_GROUP, CONTROL_PLANE_GROUP } from '../../output/api-versions';
import { Manifest } from '../../output/manifest';
import { celViolations } from '../cel/evaluate';
import { toHub } from '../convert';
import { apiGroup, objectId } from '../manifests';
import { RejectedChange } from '../types';
import { clusterUpdateRules } from './cluster';
import { clusterResourceSetCreateRules, clusterResourceSetUpdateRules } from './cluster-resource-set';
import { celRejection, UpdateRule } from './common';
import { kubeadmConfigTemplateUpdateRules } from './kubeadm-config-template';
import { kcpV1beta1EmptiedComponentRule, kubeadmControlPlaneUpdateRules } from './kubeadm-control-plane';
import { machineDeploymentUpdateRules } from './machine-deployment';
import { machineHealthCheckUpdateRules } from './machine-health-check';
import { infraMachineTemplateUpdateRules, isInfraMachineTemplate } from './machine-template';
import { openStackClusterUpdateRules } from './openstack-cluster';
import { isVSphereFailureDomain, vsphereFailureDomainUpdateRules } from './vsphere-failure-domain';

export * from './common';
export * from './cluster';
export * from './cluster-resource-set';
export * from './kubeadm-config-template';
export * from './kubeadm-control-plane';
export * from './machine-deployment';
export * from './machine-health-check';
export * from './machine-template';
export * from './openstack-cluster';
export * from './vsphere-failure-domain';

/** The update rules for an object's kind (none for kinds without update rules). */
export function updateRulesFor(m: Manifest): readonly UpdateRule[] {
  const group = apiGroup(m.apiVersion);
  if (group === CONTROL_PLANE_GROUP && m.kind === 'KubeadmControlPlane') return [kubeadmControlPlaneUpdateRules];
  if (group === CLUSTER_GROUP && m.kind === 'Cluster') return [clusterUpdateRules];
  if (group === CLUSTER_GROUP && m.kind === 'MachineDeployment') return [machineDeploymentUpdateRules];
  if (group === CLUSTER_GROUP && m.kind === 'MachineHealthCheck') return [machineHealthCheckUpdateRules];
  if (group === ADDONS_GROUP && m.kind === 'ClusterResourceSet') return [clusterResourceSetUpdateRules];
  if (group === BOOTSTRAP_GROUP && m.kind === 'KubeadmConfigTemplate') return [kubeadmConfigTemplateUpdateRules];
  if (m.kind === 'OpenStackCluster' && group === 'infrastructure.cluster.x-k8s.io') return [openStackClusterUpdateRules];
  if (isInfraMachineTemplate(m)) return [infraMachineTemplateUpdateRules];
  if (isVSphereFailureDomain(m)) return [vsphereFailureDomainUpdateRules];
  return [];
}

/**
 * Every change from `previous` to `next` (two versions of one object) that the webhooks or the CRD's
 * CEL rules refuse, or that would not take effect. Both sides are converted to the version Cluster
 * API's webhooks see (v1beta2, {@link toHub}) first, so a move between API versions is compared
 * field by field, not as a rename; the CEL rules see `next` in its own version, with `previous` as
 * `oldSelf` when it is in (or converts to) the same version.
 */
export function rejectedUpdate(previous: Manifest, next: Manifest): RejectedChange[] {
  const [a, b] = [toHub(previous), toHub(next)];
  const id = objectId(next);
  const webhook = updateRulesFor(b).flatMap((rule) => rule(a, b)).map((r) => ({ ...r, object: id }));
  // The API server's own refusal of a v1beta1 server-side apply, on the objects as written.
  const applied = apiGroup(next.apiVersion) === CONTROL_PLANE_GROUP && next.kind === 'KubeadmControlPlane' ? kcpV1beta1EmptiedComponentRule(previous, next) : [];
  const old = previous.apiVersion === next.apiVersion ? previous : a.apiVersion === next.apiVersion ? a : undefined;
  // Versions that cannot be matched: the rules still run on `next`, transition rules do not.
  const cel = celViolations(old, next).filter((v) => old !== undefined || !v.transition).map((v) => celRejection(next, v));
  return [...webhook, ...applied, ...cel];
}

/** The create rules: what the webhooks and the CRD's CEL rules refuse in a new object. */
export function rejectedCreate(next: Manifest): RejectedChange[] {
  const hub = toHub(next);
  const group = apiGroup(hub.apiVersion);
  const webhook = group === ADDONS_GROUP && hub.kind === 'ClusterResourceSet' ? clusterResourceSetCreateRules(hub).map((r) => ({ ...r, object: objectId(next) })) : [];
  return [...webhook, ...celViolations(undefined, next).map((v) => celRejection(next, v))];
}
