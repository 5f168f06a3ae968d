/** plan: a VSphereFailureDomain's spec is immutable (CAPV v1.16.1 webhook), the VSphereDeploymentZone's is not. */
import { Chart, Testing } from 'cdk8s';
import { Cluster, planFleet, rejectedUpdate, VSphereCluster, VSphereFailureDomainProps } from '../../lib';

const zone = (datastore: string, controlPlane = true): VSphereFailureDomainProps => ({
  name: 'zone-a', controlPlane, resourcePool: 'rp',
  region: { name: 'dc1', tagCategory: 'k8s-region', type: 'Datacenter' },
  zone: { name: 'zone-a', tagCategory: 'k8s-zone', type: 'ComputeCluster' },
  topology: { datacenter: 'DC1', computeCluster: 'cluster-a', datastore },
});
function objects(z: VSphereFailureDomainProps): any[] {
  const chart = new Chart(Testing.app(), 'fd');
  new Cluster(chart, 'c', {
    name: 'prod', namespace: 'tenants', kubernetesVersion: 'v1.32.3', cni: 'none', cloudController: false,
    infrastructure: new VSphereCluster({ server: 'vcenter.example.com', controlPlaneEndpoint: { host: '10.0.0.10' }, failureDomains: [z] }),
  });
  return Testing.synth(chart);
}
const of = (objs: any[], kind: string) => objs.find((o) => o.kind === kind);

test('a changed failure domain is rejected, field by field, naming the webhook', () => {
  const [a, b] = [objects(zone('vsan-a')), objects(zone('vsan-b'))];
  const r = rejectedUpdate(of(a, 'VSphereFailureDomain'), of(b, 'VSphereFailureDomain'));
  expect(r).toEqual([expect.objectContaining({
    object: expect.objectContaining({ kind: 'VSphereFailureDomain', name: 'zone-a' }), path: 'spec.topology.datastore', old: 'vsan-a', new: 'vsan-b',
    rule: 'spec: Forbidden: VSphereFailureDomainSpec is immutable', source: 'cluster-api-provider-vsphere v1.16.1 internal/webhooks/vspherefailuredomain.go ValidateUpdate',
  })]);
  const plan = planFleet(a, b);
  expect(plan.totals.rejected).toBe(1);
});

test('the deployment zone may change (no webhook rule); an unchanged failure domain is not rejected', () => {
  const [a, b] = [objects(zone('vsan-a')), objects(zone('vsan-a', false))];
  expect(rejectedUpdate(of(a, 'VSphereDeploymentZone'), of(b, 'VSphereDeploymentZone'))).toEqual([]);
  expect(rejectedUpdate(of(a, 'VSphereFailureDomain'), of(b, 'VSphereFailureDomain'))).toEqual([]);
  expect(planFleet(a, b).totals.rejected).toBe(0);
});
