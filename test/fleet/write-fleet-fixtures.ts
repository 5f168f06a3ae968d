import { ClusterSpec, CustomMachineTemplate, existingInfrastructureCluster } from '../../lib/core';

/** Two fleets that share some cluster names (different content) and not others (files to add and to drop). */
export function crashFleets(): [ClusterSpec[], ClusterSpec[]] {
  const fleet = (names: string[], version: string): ClusterSpec[] => names.map((name) => ({
    cluster: { name, cni: 'calico', kubernetesVersion: version, infrastructure: existingInfrastructureCluster({ version: 'v1beta1', kind: 'DockerCluster' }) },
    controlPlane: { machineTemplate: new CustomMachineTemplate({ kind: 'DockerMachineTemplate', version: 'v1beta2', spec: { customImage: `kindest/node:${version}` } }) },
    workers: Array.from({ length: 6 }, (_, i) => ({
      name: `md-${i}`,
      machineTemplate: new CustomMachineTemplate({ kind: 'DockerMachineTemplate', version: 'v1beta2', spec: { customImage: `kindest/node:${version}`, extra: 'x'.repeat(2000) } }),
      scaling: { replicas: i + 1 },
    })),
  }));
  return [fleet(['c1', 'c2', 'c3', 'c4', 'c5', 'c6'], 'v1.31.4'), fleet(['c4', 'c5', 'c6', 'c7', 'c8', 'c9'], 'v1.30.8')];
}
