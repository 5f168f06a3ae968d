/**
 * Pulumi twin of examples/providers-openstack.ts (same props; test/pulumi/parity.test.ts compares the objects).
 *
 * OpenStack (CAPO 0.14, v1beta1): an OpenStackCluster and its node groups. The credentials stay in the
 * Secret `openstack-prod-cloud-config` (key `clouds.yaml`), created outside this program.
 */
import { Cluster, ControlPlaneGroup, HealthCheck, OpenStackCluster, OpenStackMachineTemplate, WorkerGroup } from '../../lib/pulumi';

export default function program(): void {
  const identity = { cloudName: 'openstack', secretName: 'openstack-prod-cloud-config' };
  const cluster = new Cluster('providers-openstack-cluster', {
    name: 'openstack-prod',
    namespace: 'tenants',
    kubernetesVersion: 'v1.31.4',
    infrastructure: new OpenStackCluster({
      ...identity,
      externalNetwork: 'public',
      managedSubnets: [{ cidr: '10.6.0.0/24', dnsNameservers: ['10.0.0.2'] }],
      managedSecurityGroups: { allowAllInClusterTraffic: true },
      apiServerLoadBalancer: true,
    }),
  });
  const nodes = new OpenStackMachineTemplate({
    ...identity,
    flavor: 'm1.large',
    image: 'ubuntu-2404-kube-v1.31.4',
    sshKeyName: 'ops',
    rootVolume: { sizeGiB: 50, volumeType: 'ceph-ssd' },
  });
  new ControlPlaneGroup('providers-openstack-control-plane', { cluster, replicas: 3, machineTemplate: nodes, healthCheck: HealthCheck.controlPlane() });
  new WorkerGroup('providers-openstack-workers', {
    cluster,
    name: 'workers',
    scaling: { replicas: 3 },
    machineTemplate: OpenStackMachineTemplate.from(nodes, { flavor: 'm1.xlarge', rootVolume: { sizeGiB: 100, volumeType: 'ceph-ssd' } }),
    healthCheck: HealthCheck.workers(),
  });
}
