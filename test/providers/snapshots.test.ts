/**
 * Every provider template in both roles and every API version it supports, rendered through the cdk8s
 * constructs. The conformance suite (test/conformance) also validates these snapshots against the
 * upstream CRDs; the schema check is repeated here so a failure points at the provider.
 */
import { Testing } from 'cdk8s';
import { existingInfrastructureCluster, InfrastructureCluster, MachineTemplate, OpenStackCluster, ProviderBootstrap, VSphereCluster } from '../../lib';
import { conformanceFailures } from '../conformance/check';
import { basis, groupChart, openstack, ovirt, Role, shturval, vsphere } from './fixtures';

/** Each provider's infrastructure cluster, so that the snapshots show its node bootstrap too. */
const vsphereCluster = (): InfrastructureCluster => new VSphereCluster({ server: 'vcenter.example.com', controlPlaneEndpoint: { host: '10.20.0.10' } });
const openstackCluster = (): InfrastructureCluster => new OpenStackCluster({ cloudName: 'openstack', secretName: 'prod-cloud-config', apiServerLoadBalancer: true });
/** The no-CRD providers: a cluster object made elsewhere, with the custom hooks (a kubelet argument). */
const existing = (kind: string) => (): InfrastructureCluster => existingInfrastructureCluster({
  kind, version: 'v1beta1', bootstrap: ProviderBootstrap.custom({ source: `the ${kind} bootstrap`, kubeletExtraArgs: { 'cloud-provider': 'external' } }),
});

const CASES: [string, () => MachineTemplate, () => InfrastructureCluster][] = [
  ['VSphereMachineTemplate v1beta2', () => vsphere('v1beta2'), vsphereCluster],
  ['VSphereMachineTemplate v1beta1', () => vsphere('v1beta1'), vsphereCluster],
  ['OpenStackMachineTemplate v1beta1', () => openstack('v1beta1'), openstackCluster],
  ['OpenStackMachineTemplate v1beta2', () => openstack('v1beta2'), openstackCluster],
  ['OVirtMachineTemplate v1beta1', ovirt, existing('OVirtCluster')],
  ['BasisMachineTemplate v1beta1', basis, existing('BasisCluster')],
  ['ShturvalMachineTemplate v1beta1', shturval, existing('ShturvalCluster')],
];
const ROLES: Role[] = ['control-plane', 'worker'];

describe.each(CASES)('%s', (_name, make, infrastructure) => {
  test.each(ROLES)('as %s matches the snapshot', (role) => {
    expect(Testing.synth(groupChart(make(), role, { infrastructure: infrastructure() }))).toMatchSnapshot();
  });

  test.each(ROLES)('as %s is referenced by the group under its emitted name and version', (role) => {
    const t = make();
    const objs = Testing.synth(groupChart(t, role));
    const infra = objs.filter((o) => o.kind === t.kind);
    expect(infra).toHaveLength(1);
    expect(infra[0].apiVersion).toBe(`${t.apiGroup}/${t.version}`);
    expect(infra[0].metadata.name).toMatch(role === 'control-plane' ? /^prod-control-plane-[0-9a-f]{8}$/ : /^prod-workers-[0-9a-f]{8}$/);
    expect(infra[0].spec.template.spec).toEqual(t.spec);
    const owner = objs.find((o) => o.kind === (role === 'control-plane' ? 'KubeadmControlPlane' : 'MachineDeployment'));
    const ref = role === 'control-plane' ? owner.spec.machineTemplate.spec.infrastructureRef : owner.spec.template.spec.infrastructureRef;
    expect(ref).toEqual({ apiGroup: t.apiGroup, kind: t.kind, name: infra[0].metadata.name });
  });

  test.each(ROLES)('as %s passes the CRD schema (where one exists)', (role) => {
    expect(conformanceFailures(Testing.synth(groupChart(make(), role, { infrastructure: infrastructure() })), role)).toEqual([]);
  });
});

test('a v1beta1 Cluster references a provider template with apiVersion and namespace', () => {
  const t = vsphere('v1beta1');
  const objs = Testing.synth(groupChart(t, 'worker', { capi: 'v1beta1' }));
  const md = objs.find((o) => o.kind === 'MachineDeployment');
  const infra = objs.find((o) => o.kind === 'VSphereMachineTemplate');
  expect(md.spec.template.spec.infrastructureRef).toEqual({
    apiVersion: 'infrastructure.cluster.x-k8s.io/v1beta1', kind: 'VSphereMachineTemplate', name: infra.metadata.name, namespace: 'tenants',
  });
  expect(conformanceFailures(objs, 'v1beta1')).toEqual([]);
});
