/** A program that catches the ValidationError of its second component and goes on. */
import { Cluster, ControlPlaneGroup, CustomMachineTemplate } from '../../../lib/pulumi';
import { TEST_INFRA } from '../../support/infrastructure';

export default function program(): void {
  const template = new CustomMachineTemplate({ kind: 'DockerMachineTemplate', version: 'v1beta2', spec: { customImage: 'kindest/node:v1.31.4' } });
  const cluster = new Cluster('c', { name: 'demo', namespace: 'tenants', kubernetesVersion: 'v1.31.4', infrastructure: TEST_INFRA, cni: 'none' });
  try {
    new ControlPlaneGroup('cp', { cluster, replicas: 2, machineTemplate: template });
  } catch {
    // ignored by the program: the components still register nothing
  }
}
