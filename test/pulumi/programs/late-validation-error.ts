/** A program whose last component is invalid (an interval that is not a Flux duration). */
import { Cluster, ClusterAddon, ControlPlaneGroup, CustomMachineTemplate, HealthCheck, WorkerGroup } from '../../../lib/pulumi';
import { TEST_INFRA } from '../../support/infrastructure';

export default function program(): void {
  const template = new CustomMachineTemplate({ kind: 'DockerMachineTemplate', version: 'v1beta2', spec: { customImage: 'kindest/node:v1.31.4' } });
  const cluster = new Cluster('c', { name: 'demo', namespace: 'tenants', kubernetesVersion: 'v1.31.4', infrastructure: TEST_INFRA, cni: 'calico' });
  new ControlPlaneGroup('cp', { cluster, machineTemplate: template, healthCheck: HealthCheck.controlPlane() });
  new WorkerGroup('md', { cluster, name: 'md', scaling: { replicas: 2 }, machineTemplate: template });
  new ClusterAddon('addon', { cluster, addon: 'jupyterhub', interval: 'soon' } as never);
}
