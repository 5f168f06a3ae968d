/**
 * The Cluster the add-on API suites install into: Cluster "prod" (TEST_INFRA, Calico) with a control
 * plane, applied to the management cluster in `namespace`. The add-on API reads both (the Cluster and
 * its control plane's version) before it installs anything.
 */
import { Chart, Testing } from 'cdk8s';
import { Cluster, ControlPlaneGroup, CustomMachineTemplate } from '../../lib';
import { TEST_INFRA } from './infrastructure';
import { apply } from './real-cluster';

export function applyAddonTestCluster(namespace: string): void {
  const chart = new Chart(Testing.app(), 'c');
  const cluster = new Cluster(chart, 'c', { name: 'prod', namespace, kubernetesVersion: 'v1.31.4', infrastructure: TEST_INFRA, cni: 'calico' });
  new ControlPlaneGroup(chart, 'cp', { cluster, machineTemplate: new CustomMachineTemplate({ kind: 'DockerMachineTemplate', version: 'v1beta2', spec: { customImage: 'kindest/node:v1.31.4' } }) });
  const r = apply(chart.toJson());
  if (r.status !== 0) throw new Error(r.stderr);
}
