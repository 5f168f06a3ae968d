/**
 * The update rules, one file per upstream webhook, and `rejectedUpdate`, which applies the ones for
 * an object's kind. Each rule is exported on its own for users who hold the previous state elsewhere
 * (e.g. read from the management cluster).
 */
import { BOOTSTRAP_GROUP, CLUSTER_GROUP, CONTROL_PLANE_GROUP } from '../../output/api-versions';
import { Manifest } from '../../output/manifest';
import { apiGroup } from '../manifests';
import { RejectedChange } from '../types';
import { clusterUpdateRules } from './cluster';
import { UpdateRule } from './common';
import { kubeadmConfigTemplateUpdateRules } from './kubeadm-config-template';
import { kubeadmControlPlaneUpdateRules } from './kubeadm-control-plane';
import { machineDeploymentUpdateRules } from './machine-deployment';
import { machineHealthCheckUpdateRules } from './machine-health-check';
import { infraMachineTemplateUpdateRules, isInfraMachineTemplate } from './machine-template';
import { openStackClusterUpdateRules } from './openstack-cluster';

export * from './common';
export * from './cluster';
export * from './kubeadm-config-template';
export * from './kubeadm-control-plane';
export * from './machine-deployment';
export * from './machine-health-check';
export * from './machine-template';
export * from './openstack-cluster';

/** The update rules for an object's kind (none for kinds without update rules). */
export function updateRulesFor(m: Manifest): readonly UpdateRule[] {
  const group = apiGroup(m.apiVersion);
  if (group === CONTROL_PLANE_GROUP && m.kind === 'KubeadmControlPlane') return [kubeadmControlPlaneUpdateRules];
  if (group === CLUSTER_GROUP && m.kind === 'Cluster') return [clusterUpdateRules];
  if (group === CLUSTER_GROUP && m.kind === 'MachineDeployment') return [machineDeploymentUpdateRules];
  if (group === CLUSTER_GROUP && m.kind === 'MachineHealthCheck') return [machineHealthCheckUpdateRules];
  if (group === BOOTSTRAP_GROUP && m.kind === 'KubeadmConfigTemplate') return [kubeadmConfigTemplateUpdateRules];
  if (m.kind === 'OpenStackCluster' && group === 'infrastructure.cluster.x-k8s.io') return [openStackClusterUpdateRules];
  if (isInfraMachineTemplate(m)) return [infraMachineTemplateUpdateRules];
  return [];
}

/** Every change from `previous` to `next` (two versions of one object) that the webhooks refuse or that would not take effect. */
export function rejectedUpdate(previous: Manifest, next: Manifest): RejectedChange[] {
  return updateRulesFor(next).flatMap((rule) => rule(previous, next));
}
