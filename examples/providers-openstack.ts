/**
 * OpenStack (CAPO 0.14, v1beta1): an OpenStackCluster and its node groups. The credentials stay in the
 * Secret `openstack-prod-cloud-config` (key `clouds.yaml`), created outside this chart.
 *
 * It boots as CAPO's own template does: the Octavia load balancer is the endpoint, every kubelet
 * runs with the external cloud provider and the provider ID `openstack:///<instance id>` (how
 * Cluster API matches a Machine to its Node), and the managed security groups open BGP and IP-in-IP
 * between the nodes for Calico. Its components come from the management cluster (docs/components.md):
 * Calico, the OpenStack cloud controller manager and Cinder CSI, each a Flux HelmRelease through the
 * cluster's kubeconfig; their cloud config comes from the resource-set Secret `openstack-prod-cloud-controller`
 * you create (it holds the Secret `cloud-config`, key `cloud.conf`), applied by a ClusterResourceSet.
 *
 * The props are exported so that the Pulumi twin (examples/pulumi/providers-openstack.ts) uses the same ones.
 */
import { App, Chart } from 'cdk8s';
import {
  CALICO_SECURITY_GROUP_RULES, Cluster, ClusterProps, ControlPlaneGroup, ControlPlaneGroupProps, HealthCheck, OpenStackCluster, OpenStackMachineTemplate,
  WorkerGroup, WorkerGroupProps,
} from '../lib';

/** Where the OpenStack credentials are: the cloud's name in clouds.yaml and the Secret holding it. */
const identity = { cloudName: 'openstack', secretName: 'openstack-prod-cloud-config' };

/** The cluster, with an OpenStackCluster that manages its subnet, security groups and API load balancer. */
export const clusterProps: ClusterProps = {
  name: 'openstack-prod',
  namespace: 'tenants',
  kubernetesVersion: 'v1.31.4',
  cni: 'calico',
  // the Secret (type addons.cluster.x-k8s.io/resource-set) that delivers kube-system/cloud-config to the cluster
  cloudController: { credentialsSecret: 'openstack-prod-cloud-controller' },
  csi: { storageClasses: [{ name: 'ssd', default: true, volumeType: 'ceph-ssd' }, { name: 'ssd-retain', reclaimPolicy: 'Retain', volumeType: 'ceph-ssd' }] },
  infrastructure: new OpenStackCluster({
    ...identity,
    externalNetwork: 'public',
    managedSubnets: [{ cidr: '10.6.0.0/24', dnsNameservers: ['10.0.0.2'] }],
    managedSecurityGroups: { allNodesSecurityGroupRules: CALICO_SECURITY_GROUP_RULES },
    apiServerLoadBalancer: true,
  }),
};

/** Control-plane machines. */
export const nodeTemplate = new OpenStackMachineTemplate({
  ...identity,
  flavor: 'm1.large',
  image: 'ubuntu-2404-kube-v1.31.4',
  sshKeyName: 'ops',
  rootVolume: { sizeGiB: 50, volumeType: 'ceph-ssd' },
});

/** Workers: a copy of the control-plane template with a bigger flavor and root volume. */
export const workerTemplate = OpenStackMachineTemplate.from(nodeTemplate, { flavor: 'm1.xlarge', rootVolume: { sizeGiB: 100, volumeType: 'ceph-ssd' } });

export const controlPlane: Omit<ControlPlaneGroupProps, 'cluster'> = { replicas: 3, machineTemplate: nodeTemplate, healthCheck: HealthCheck.controlPlane() };

export const workerGroup: Omit<WorkerGroupProps, 'cluster'> = {
  name: 'workers',
  scaling: { replicas: 3 },
  machineTemplate: workerTemplate,
  healthCheck: HealthCheck.workers(),
};

export default function (app: App): void {
  const chart = new Chart(app, 'providers-openstack');
  const cluster = new Cluster(chart, 'cluster', clusterProps);
  new ControlPlaneGroup(chart, 'control-plane', { cluster, ...controlPlane });
  new WorkerGroup(chart, 'workers', { cluster, ...workerGroup });
}
