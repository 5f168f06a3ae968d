/**
 * A program with two ControlPlaneGroups of one cluster and two WorkerGroups named "workers": the second
 * of each is a duplicate. It catches both errors and throws them together at the end.
 */
import { Cluster, ControlPlaneGroup, CustomMachineTemplate, WorkerGroup } from '../../../lib/pulumi';
import { TEST_INFRA } from '../../support/infrastructure';

export default function program(): void {
  const t = () => new CustomMachineTemplate({ kind: 'DockerMachineTemplate', version: 'v1beta2', spec: { customImage: 'kindest/node:v1.31.4' } });
  const cluster = new Cluster('c', { name: 'prod', namespace: 'default', kubernetesVersion: 'v1.31.4', infrastructure: TEST_INFRA, cni: 'none' });
  new ControlPlaneGroup('cp-a', { cluster, machineTemplate: t() });
  new WorkerGroup('w-a', { cluster, name: 'workers', machineTemplate: t() });
  const errors: Error[] = [];
  for (const f of [() => new ControlPlaneGroup('cp-b', { cluster, machineTemplate: t() }), () => new WorkerGroup('w-b', { cluster, name: 'workers', machineTemplate: t() })]) {
    try {
      f();
    } catch (e) {
      errors.push(e as Error);
    }
  }
  if (errors.length > 0) throw new Error(errors.map((e) => `${e.name}: ${e.message}`).join('\n'));
}
