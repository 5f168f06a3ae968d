/**
 * A fleet: several clusters from one description, in the layout that stays fast for hundreds of
 * clusters (docs/performance.md). Each `ClusterSpec` holds the same props as the Cluster,
 * ControlPlaneGroup, WorkerGroup and ClusterAddon constructs; `addFleet` validates every spec first
 * (all problems of all clusters in one ValidationError, nothing added on error), then adds one
 * `ClusterChart` per cluster, written to dist/<cluster>.k8s.yaml. A pipeline that needs only the
 * files can call `writeFleet('dist', fleet)` from the core instead: same bytes, no construct tree.
 *
 * The fleet is exported so that the Pulumi twin (examples/pulumi/fleet.ts) builds the same clusters.
 */
import { App } from 'cdk8s';
import { addFleet, addonComponent, ClusterSpec, CALICO_SECURITY_GROUP_RULES, HealthCheck, OpenStackCluster, OpenStackMachineTemplate } from '../lib';

/** One template per machine size, shared by every cluster (each group emits its own template object). */
const small = new OpenStackMachineTemplate({ flavor: 'm1.large', image: 'ubuntu-2204-kube-v1.31.4', sshKeyName: 'ops', securityGroups: ['k8s-nodes'] });
const large = OpenStackMachineTemplate.from(small, { flavor: 'm1.xlarge' });

/** The regions of the fleet; the EU clusters also run JupyterHub. */
const REGIONS = [
  { name: 'fleet-eu-1', region: 'eu', workers: 4 },
  { name: 'fleet-eu-2', region: 'eu', workers: 3 },
  { name: 'fleet-us-1', region: 'us', workers: 6 },
] as const;

export const fleet: ClusterSpec[] = REGIONS.map((r) => ({
  cluster: {
    name: r.name,
    namespace: 'fleet',
    kubernetesVersion: 'v1.31.4',
    cni: 'calico',
    cloudController: { credentialsSecret: `${r.name}-cloud-controller` },
    labels: { 'fleet.example.com/region': r.region },
    // Each cluster's OpenStackCluster: the API load balancer is the endpoint; clouds.yaml stays in the Secret <cluster>-cloud-config.
    infrastructure: new OpenStackCluster({
      cloudName: 'openstack', secretName: `${r.name}-cloud-config`, externalNetwork: 'public',
      managedSubnets: [{ cidr: '10.6.0.0/24', dnsNameservers: ['10.0.0.2'] }], managedSecurityGroups: { allNodesSecurityGroupRules: CALICO_SECURITY_GROUP_RULES },
      apiServerLoadBalancer: true,
    }),
  },
  controlPlane: { replicas: 3, machineTemplate: small, healthCheck: HealthCheck.controlPlane() },
  workers: [
    { name: 'general', machineTemplate: large, scaling: { min: r.workers, max: r.workers * 3 }, roles: ['worker'], healthCheck: HealthCheck.workers() },
  ],
  components: r.region === 'eu' ? [addonComponent({ addon: 'jupyterhub', parameters: { cpu: '2', memory: '4Gi' } })] : [],
}));

export default function (app: App): void {
  addFleet(app, fleet);
}
