/** VSphereCluster, OpenStackCluster and existingInfrastructureCluster as the `infrastructure` of a Cluster. */
import { Chart, Testing } from 'cdk8s';
import { Cluster, existingInfrastructureCluster, InfrastructureCluster, OpenStackCluster, ValidationError, VSphereCluster } from '../../lib';
import { testCloudController } from '../support/infrastructure';
import { conformanceFailures } from '../conformance/check';
import { validationError } from './fixtures';

function synth(infrastructure: InfrastructureCluster, apiVersion: 'v1beta2' | 'v1beta1' = 'v1beta2'): any[] {
  const chart = new Chart(Testing.app(), 'infra');
  new Cluster(chart, 'c', { name: 'prod', namespace: 'tenants', cni: 'calico', kubernetesVersion: 'v1.31.4', apiVersion, infrastructure, cloudController: testCloudController(infrastructure) });
  return Testing.synth(chart);
}

describe.each<[string, () => InfrastructureCluster]>([
  ['VSphereCluster v1beta2', () => new VSphereCluster({ server: 'vcenter.example.com', thumbprint: 'AA:BB', identityRef: { kind: 'Secret', name: 'vsphere-creds' }, controlPlaneEndpoint: { host: '10.0.0.10' } })],
  ['VSphereCluster v1beta1', () => new VSphereCluster({ version: 'v1beta1', server: 'vcenter.example.com', controlPlaneEndpoint: { host: '10.0.0.11' }, controlPlaneLoadBalancer: 'external' })],
  ['OpenStackCluster v1beta1', () => new OpenStackCluster({
    cloudName: 'openstack', secretName: 'prod-cloud-config', externalNetwork: 'public', managedSubnets: [{ cidr: '10.6.0.0/24', dnsNameservers: ['8.8.8.8'] }],
    managedSecurityGroups: true, apiServerLoadBalancer: true,
  })],
  ['OpenStackCluster v1beta2', () => new OpenStackCluster({
    version: 'v1beta2', cloudName: 'openstack', secretName: 'prod-cloud-config', externalNetwork: { id: '0b6b8d0c-8a1d-4d0e-9a4a-2b1f8f1c2d3e' },
    managedSubnets: [{ cidr: '10.6.0.0/24' }], managedSecurityGroups: { allowAllInClusterTraffic: true }, apiServerLoadBalancer: true, apiServerFloatingIP: false,
  })],
])('%s', (_name, make) => {
  test('is emitted by the Cluster, which references it', () => {
    const infra = make();
    const objs = synth(infra);
    expect(objs).toMatchSnapshot();
    const obj = objs.find((o) => o.kind === infra.kind);
    expect(obj.apiVersion).toBe(`infrastructure.cluster.x-k8s.io/${infra.version}`);
    expect(obj.metadata.name).toBe('prod');
    expect(objs.find((o) => o.kind === 'Cluster').spec.infrastructureRef).toEqual({ apiGroup: 'infrastructure.cluster.x-k8s.io', kind: infra.kind, name: 'prod' });
  });

  test('passes its CRD schema', () => {
    expect(conformanceFailures(synth(make()), 'infra')).toEqual([]);
  });
});

test('OpenStackCluster maps the API server options to each version', () => {
  const v1 = new OpenStackCluster({ cloudName: 'c', secretName: 's', apiServerLoadBalancer: true, apiServerFloatingIP: false });
  const v2 = new OpenStackCluster({ version: 'v1beta2', cloudName: 'c', secretName: 's', apiServerLoadBalancer: true, apiServerFloatingIP: false });
  expect(v1.spec).toMatchObject({ apiServerLoadBalancer: { enabled: true }, disableAPIServerFloatingIP: true });
  expect(v2.spec).toMatchObject({ apiServer: { managedLoadBalancer: { enabled: true }, enableFloatingIP: false } });
  expect(v1.spec.identityRef).toEqual({ type: 'Secret', name: 's', cloudName: 'c' });
});

test.each<[string, () => unknown, string, RegExp]>([
  ['VSphereCluster without server', () => new VSphereCluster({} as any), 'server', /is required/],
  ['VSphereCluster with an unknown identity kind', () => new VSphereCluster({ server: 'v', controlPlaneEndpoint: { host: '10.0.0.10' }, identityRef: { kind: 'Password', name: 'x' } as any }), 'identityRef.kind', /one of "VSphereClusterIdentity", "Secret"/],
  ['VSphereCluster with inline credentials', () => new VSphereCluster({ server: 'v', password: 'x' } as any), 'password', /never inline credentials/],
  ['VSphereCluster with a bad port', () => new VSphereCluster({ server: 'v', controlPlaneEndpoint: { host: 'h', port: 70000 } }), 'controlPlaneEndpoint.port', /between 1 and 65535/],
  ['OpenStackCluster without secretName', () => new OpenStackCluster({ cloudName: 'c' } as any), 'secretName', /is required/],
  ['OpenStackCluster without cloudName', () => new OpenStackCluster({ secretName: 's' } as any), 'cloudName', /is required/],
  ['OpenStackCluster with an inline clouds.yaml', () => new OpenStackCluster({ cloudName: 'c', secretName: 's', clouds: {} } as any), 'clouds', /never inline credentials/],
  ['OpenStackCluster with two managed subnets', () => new OpenStackCluster({ cloudName: 'c', secretName: 's', managedSubnets: [{ cidr: 'a' }, { cidr: 'b' }] }), 'managedSubnets', /at most one/],
  ['OpenStackCluster with a network id that is not a UUID', () => new OpenStackCluster({ cloudName: 'c', secretName: 's', network: { id: 'net' } }), 'network', /name or \{ id: <UUID> \}/],
  ['existingInfrastructureCluster without kind', () => existingInfrastructureCluster({ version: 'v1beta1' } as any), 'kind', /is required/],
  ['existingInfrastructureCluster with a bad version', () => existingInfrastructureCluster({ version: 'beta', kind: 'OVirtCluster' }), 'version', /not a Kubernetes API version/],
])('rejects %s', (_what, fn, path, message) => {
  const err = validationError(fn);
  expect(err.issues.find((i) => i.path === path)?.message).toMatch(message);
});

test('OpenStackCluster warns when the API server has no floating IP, load balancer or endpoint', () => {
  expect(new OpenStackCluster({ cloudName: 'c', secretName: 's', apiServerFloatingIP: false }).warnings.map((w) => w.path)).toEqual(['apiServerFloatingIP']);
  expect(new OpenStackCluster({ cloudName: 'c', secretName: 's', apiServerFloatingIP: false, apiServerLoadBalancer: true }).warnings).toEqual([]);
});

test('existingInfrastructureCluster is only referenced, in either Cluster API version', () => {
  const infra = existingInfrastructureCluster({ version: 'v1beta1', kind: 'OVirtCluster', name: 'prod-ovirt' });
  const v2 = synth(infra);
  expect(v2.map((o) => o.kind)).toEqual(['Cluster', 'HelmRepository', 'HelmRelease']); // Calico (docs/components.md)
  expect(v2[0].spec.infrastructureRef).toEqual({ apiGroup: 'infrastructure.cluster.x-k8s.io', kind: 'OVirtCluster', name: 'prod-ovirt' });
  expect(synth(infra, 'v1beta1')[0].spec.infrastructureRef).toEqual({
    apiVersion: 'infrastructure.cluster.x-k8s.io/v1beta1', kind: 'OVirtCluster', name: 'prod-ovirt', namespace: 'tenants',
  });
});

test.each([null, 3])('infra cluster props %p give a ValidationError', (props) => {
  expect(() => new VSphereCluster(props as any)).toThrow(ValidationError);
  expect(() => new OpenStackCluster(props as any)).toThrow(ValidationError);
  expect(() => existingInfrastructureCluster(props as any)).toThrow(ValidationError);
});
