/**
 * A program with an autoscaled WorkerGroup spread over two failure domains (MachineDeployments
 * prod-workers-a and prod-workers-b, plus the cluster-autoscaler), a second autoscaled group (which shares
 * the one autoscaler), and a group named "workers-a", whose MachineDeployment is a duplicate.
 */
import { Cluster, CustomMachineTemplate, WorkerGroup } from '../../../lib/pulumi';
import { TEST_INFRA } from '../../support/infrastructure';

export default function program(): void {
  const t = () => new CustomMachineTemplate({ kind: 'DockerMachineTemplate', version: 'v1beta2', spec: { customImage: 'kindest/node:v1.31.4' } });
  const cluster = new Cluster('c', { name: 'prod', namespace: 'default', kubernetesVersion: 'v1.31.4', infrastructure: TEST_INFRA, cni: 'none' });
  new WorkerGroup('spread', { cluster, name: 'workers', failureDomains: ['a', 'b'], machineTemplate: t(), scaling: { min: 2, max: 4 } });
  new WorkerGroup('other', { cluster, name: 'batch', machineTemplate: t(), scaling: { min: 1, max: 2 } });
  new WorkerGroup('single', { cluster, name: 'workers-a', machineTemplate: t() });
}
