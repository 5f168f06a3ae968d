/**
 * Control-plane failure domains (issue 29): a VSphereCluster's `failureDomains` (CAPV VSphereFailureDomain
 * and VSphereDeploymentZone, selected by the VSphereCluster) and an OpenStackCluster's control-plane
 * availability zones. The two CAPV kinds are not in ../shared/crds; their CRDs are read from the CAPV
 * release manifest in ../shared/management, which the management cluster installs.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseAllDocuments, stringify } from 'yaml';
import { Chart, Testing } from 'cdk8s';
import {
  Cluster, InfrastructureCluster, OpenStackCluster, OpenStackClusterProps, OpenStackMachineTemplate, VSphereCluster, VSphereClusterProps, VSphereFailureDomainProps, VSphereMachineTemplate, WorkerGroup,
} from '../../lib';
import { testCloudController } from '../support/infrastructure';
import { conformanceFailures } from '../conformance/check';
import { crdsDir, validateAgainstCrd } from '../support/crd-schemas';
import { validationError } from './fixtures';

const CAPV_RELEASE = path.resolve(crdsDir(), '../management/cluster-api-provider-vsphere-v1.16.1/infrastructure-components.yaml');

/** The CRD of `plural` from the CAPV release manifest, written to a temporary file for validateAgainstCrd. */
function capvCrd(plural: string): string {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'capv-crd-')), `${plural}.yaml`);
  const doc = parseAllDocuments(fs.readFileSync(CAPV_RELEASE, 'utf8'))
    .map((d) => d.toJS())
    .find((d) => d?.kind === 'CustomResourceDefinition' && d.metadata.name === `${plural}.infrastructure.cluster.x-k8s.io`);
  if (!doc) throw new Error(`no CRD ${plural} in ${CAPV_RELEASE}`);
  fs.writeFileSync(file, stringify(doc));
  return file;
}
const CRD_FILES: Record<string, string> = {};
const crdOf = (kind: string) => (CRD_FILES[kind] ??= capvCrd(kind === 'VSphereFailureDomain' ? 'vspherefailuredomains' : 'vspheredeploymentzones'));

const zone = (z: string, over: Partial<VSphereFailureDomainProps> = {}): VSphereFailureDomainProps => ({
  name: `zone-${z}`,
  region: { name: 'dc1', tagCategory: 'k8s-region', type: 'Datacenter' },
  zone: { name: `zone-${z}`, tagCategory: 'k8s-zone', type: 'ComputeCluster' },
  topology: { datacenter: 'DC1', computeCluster: `cluster-${z}`, datastore: `vsan-${z}` },
  resourcePool: `cluster-${z}/Resources/k8s`,
  ...over,
});
const vsphere = (over: Partial<VSphereClusterProps> = {}) => new VSphereCluster({
  server: 'vcenter.example.com', controlPlaneEndpoint: { host: '10.0.0.10' }, failureDomains: [zone('a'), zone('b'), zone('c')], ...over,
});

function synth(infrastructure: InfrastructureCluster, groups: { name: string; failureDomains: string[] }[] = []): any[] {
  const chart = new Chart(Testing.app(), 'fd');
  const cluster = new Cluster(chart, 'c', { name: 'prod', namespace: 'tenants', cni: 'calico', kubernetesVersion: 'v1.31.4', infrastructure, cloudController: testCloudController(infrastructure) });
  for (const g of groups) {
    new WorkerGroup(chart, g.name, {
      cluster, name: g.name, failureDomains: g.failureDomains, scaling: { replicas: 3 },
      machineTemplate: new VSphereMachineTemplate({ template: 'ubuntu-2404-kube-v1.31.4', networkName: 'k8s', numCPUs: 2 }),
    });
  }
  return Testing.synth(chart);
}

describe('VSphereCluster failureDomains', () => {
  test.each(['v1beta2', 'v1beta1'] as const)('%s: one VSphereFailureDomain and VSphereDeploymentZone per domain, selected by the VSphereCluster', (version) => {
    const objs = synth(vsphere({ version }));
    const of = (kind: string) => objs.filter((o) => o.kind === kind);
    expect(of('VSphereFailureDomain').map((o) => o.metadata.name)).toEqual(['zone-a', 'zone-b', 'zone-c']);
    expect(of('VSphereDeploymentZone').map((o) => o.metadata.name)).toEqual(['zone-a', 'zone-b', 'zone-c']);
    for (const o of [...of('VSphereFailureDomain'), ...of('VSphereDeploymentZone')]) {
      expect(o.apiVersion).toBe(`infrastructure.cluster.x-k8s.io/${version}`);
      expect(o.metadata.namespace).toBeUndefined(); // cluster-scoped
    }
    expect(of('VSphereDeploymentZone')[1].spec).toEqual({
      server: 'vcenter.example.com', failureDomain: 'zone-b', controlPlane: true, placementConstraint: { resourcePool: 'cluster-b/Resources/k8s' },
    });
    expect(of('VSphereFailureDomain')[0].spec).toEqual({
      region: { name: 'dc1', tagCategory: 'k8s-region', type: 'Datacenter' },
      zone: { name: 'zone-a', tagCategory: 'k8s-zone', type: 'ComputeCluster' },
      topology: { datacenter: 'DC1', computeCluster: 'cluster-a', datastore: 'vsan-a' },
    });
    const selector = of('VSphereCluster')[0].spec.failureDomainSelector;
    expect(selector).toEqual({ matchExpressions: [{ key: 'capi-constructs.io/vsphere-deployment-zone', operator: 'In', values: ['zone-a', 'zone-b', 'zone-c'] }] });
    for (const z of of('VSphereDeploymentZone')) expect(z.metadata.labels['capi-constructs.io/vsphere-deployment-zone']).toBe(z.metadata.name);
  });

  test.each(['v1beta2', 'v1beta1'] as const)('%s: the objects pass the CAPV CRDs, the VSphereCluster its own', (version) => {
    const objs = synth(vsphere({ version, failureDomains: [zone('a'), zone('b', { controlPlane: false, folder: 'k8s/b', topology: { datacenter: 'DC1', computeCluster: 'cluster-b', hosts: { vmGroupName: 'vms-b', hostGroupName: 'hosts-b' }, networks: ['net-b'] }, zone: { name: 'b', tagCategory: 'k8s-zone', type: 'HostGroup' } })] }));
    const domainObjects = objs.filter((o) => o.kind === 'VSphereFailureDomain' || o.kind === 'VSphereDeploymentZone');
    expect(domainObjects).toHaveLength(4);
    expect(domainObjects.flatMap((o) => validateAgainstCrd(o, crdOf(o.kind)).map((f) => `${o.kind}/${o.metadata.name}: ${f}`))).toEqual([]);
    expect(conformanceFailures(objs.filter((o) => !domainObjects.includes(o)), 'failure-domains')).toEqual([]);
  });

  test('the CRD check catches a broken object (so the test above can fail)', () => {
    const [fd] = synth(vsphere()).filter((o) => o.kind === 'VSphereFailureDomain');
    expect(validateAgainstCrd({ ...fd, spec: { ...fd.spec, region: { ...fd.spec.region, type: 'Rack' } } }, crdOf('VSphereFailureDomain')).join('\n')).toMatch(/region\.type/);
  });

  test('an entry with its name alone selects a zone defined elsewhere, without emitting it', () => {
    const objs = synth(vsphere({ failureDomains: [zone('a'), { name: 'zone-shared' }] }));
    expect(objs.filter((o) => o.kind === 'VSphereDeploymentZone').map((o) => o.metadata.name)).toEqual(['zone-a']);
    expect(objs.find((o) => o.kind === 'VSphereCluster').spec.failureDomainSelector.matchExpressions[0].values).toEqual(['zone-a', 'zone-shared']);
  });

  test('worker groups may use the domains, and no other', () => {
    const objs = synth(vsphere(), [{ name: 'general', failureDomains: ['zone-a', 'zone-c'] }]);
    expect(objs.filter((o) => o.kind === 'MachineDeployment').map((o) => o.spec.template.spec.failureDomain)).toEqual(['zone-a', 'zone-c']);
    const e = validationError(() => synth(vsphere(), [{ name: 'general', failureDomains: ['zone-a', 'zone-d'] }]));
    expect(e.issues).toEqual([{ path: 'failureDomains[1]', message: expect.stringMatching(/"zone-d" is not a failure domain of cluster "prod" \("zone-a", "zone-b", "zone-c"\)/) }]);
  });

  test('without failureDomains nothing changes: no selector, no objects, any worker domain', () => {
    const objs = synth(vsphere({ failureDomains: undefined }), [{ name: 'general', failureDomains: ['anywhere'] }]);
    expect(objs.filter((o) => /VSphere(FailureDomain|DeploymentZone)/.test(o.kind))).toEqual([]);
    expect(objs.find((o) => o.kind === 'VSphereCluster').spec.failureDomainSelector).toBeUndefined();
  });

  test('every problem is reported together, naming the field, the value and the rule', () => {
    const e = validationError(() => vsphere({
      version: 'v1beta1',
      failureDomains: [
        zone('a', { region: { name: 'r', tagCategory: 'c', type: 'HostGroup' } }),
        zone('b', { zone: { name: 'b', tagCategory: 'c', type: 'HostGroup' } }),
        zone('c', { topology: { datacenter: 'DC1', hosts: { vmGroupName: 'v', hostGroupName: 'h' } }, region: { name: 'r', tagCategory: 'c', type: 'ComputeCluster' } }),
        zone('a', { resourcePool: undefined }),
        { name: 'Zone_D', zone: { name: 'd', tagCategory: 'c', type: 'Datacenter' } } as VSphereFailureDomainProps,
        { name: 'zone-e', colour: 'red' } as unknown as VSphereFailureDomainProps,
      ],
    }));
    const by = (p: string) => e.issues.filter((i) => i.path === p).map((i) => i.message);
    expect(by('failureDomains[0].region.type')).toEqual([expect.stringMatching(/"HostGroup" cannot be a region's type/)]);
    expect(by('failureDomains[1].topology.hosts')).toEqual([expect.stringMatching(/required: the zone's type is HostGroup/)]);
    expect(by('failureDomains[2].topology.computeCluster')).toEqual([
      expect.stringMatching(/required with topology.hosts/), expect.stringMatching(/the region's type is ComputeCluster/), expect.stringMatching(/the zone's type is ComputeCluster/),
    ]);
    expect(by('failureDomains[3].name')).toEqual([expect.stringMatching(/"zone-a" is already failureDomains\[0\]/)]);
    expect(by('failureDomains[3].resourcePool')).toEqual([expect.stringMatching(/required for version v1beta1/)]);
    expect(by('failureDomains[4].name')).toEqual([expect.stringMatching(/"Zone_D" is not a valid object name/)]);
    expect(by('failureDomains[4].region')).toEqual([expect.stringMatching(/is required/)]);
    expect(by('failureDomains[4].topology')).toEqual([expect.stringMatching(/is required/)]);
    expect(by('failureDomains[5].colour')).toHaveLength(1);
  });

  test('bad shapes are errors, not TypeErrors', () => {
    for (const failureDomains of [[], 'zone-a', [null], [{ name: 'z', topology: 'DC1', region: 1, zone: [] }]]) {
      expect(validationError(() => vsphere({ failureDomains: failureDomains as any })).issues.length).toBeGreaterThan(0);
    }
  });

  test('warns when no domain may take the control plane', () => {
    const w = vsphere({ failureDomains: [zone('a', { controlPlane: false })] }).warnings;
    expect(w.map((x) => x.path)).toEqual(['failureDomains']);
  });

  test('a plain InfrastructureCluster with malformed objects or failureDomains is refused', () => {
    const chart = new Chart(Testing.app(), 'bad');
    const e = validationError(() => new Cluster(chart, 'c', {
      name: 'prod', cni: 'none', kubernetesVersion: 'v1.31.4',
      infrastructure: { apiGroup: 'infrastructure.cluster.x-k8s.io', version: 'v1beta2', kind: 'FooCluster', objects: [{ kind: 'X' }] as any, failureDomains: [1] as any },
    }));
    expect(e.issues.map((i) => i.path).sort()).toEqual(['infrastructure.failureDomains', 'infrastructure.objects']);
  });
});

describe('OpenStackCluster control-plane availability zones', () => {
  const base: OpenStackClusterProps = { cloudName: 'openstack', secretName: 'prod-cloud-config', externalNetwork: 'public', managedSubnets: [{ cidr: '10.6.0.0/24' }], apiServerLoadBalancer: true };

  test.each(['v1beta1', 'v1beta2'] as const)('%s: emitted and accepted by the CRD', (version) => {
    for (const props of [{ controlPlaneAvailabilityZones: ['az-1', 'az-2', 'az-3'] }, { controlPlaneOmitAvailabilityZone: true }]) {
      const objs = synth(new OpenStackCluster({ ...base, version, ...props }));
      expect(objs.find((o) => o.kind === 'OpenStackCluster').spec).toMatchObject(props);
      expect(conformanceFailures(objs, 'openstack-az')).toEqual([]);
    }
  });

  test('bad zones are errors that name the field, the value and the rule', () => {
    const e = validationError(() => new OpenStackCluster({ ...base, controlPlaneAvailabilityZones: ['az-1', 'az 2', 'az-1', ''], controlPlaneOmitAvailabilityZone: true }));
    expect(e.issues.map((i) => [i.path, i.message])).toEqual([
      ['controlPlaneAvailabilityZones[1]', expect.stringMatching(/"az 2" is not an availability zone name/)],
      ['controlPlaneAvailabilityZones[2]', expect.stringMatching(/"az-1" is listed twice/)],
      ['controlPlaneAvailabilityZones[3]', expect.stringMatching(/"" is not an availability zone name/)],
      ['controlPlaneOmitAvailabilityZone', expect.stringMatching(/true with controlPlaneAvailabilityZones/)],
    ]);
    expect(validationError(() => new OpenStackCluster({ ...base, controlPlaneAvailabilityZones: [] })).issues.map((i) => i.path)).toEqual(['controlPlaneAvailabilityZones']);
    expect(validationError(() => new OpenStackCluster({ ...base, controlPlaneOmitAvailabilityZone: 'yes' as any })).issues.map((i) => i.path)).toEqual(['controlPlaneOmitAvailabilityZone']);
  });

  test.each(['v1beta1', 'v1beta2'] as const)('%s: a root volume in the Machine\'s zone (rootVolume.availabilityZone { from: Machine }) passes the CRD and round-trips', (version) => {
    const t = new OpenStackMachineTemplate({ version, flavor: 'm1.large', image: 'ubuntu-2404-kube-v1.31.4', rootVolume: { sizeGiB: 50, availabilityZone: { from: 'Machine' } } });
    expect((t.spec.rootVolume as any).availabilityZone).toEqual({ from: 'Machine' });
    const obj = { apiVersion: `infrastructure.cluster.x-k8s.io/${version}`, kind: 'OpenStackMachineTemplate', metadata: { name: 'w', namespace: 'tenants' }, spec: { template: { spec: t.spec } } };
    expect(conformanceFailures([obj], 'root-volume')).toEqual([]);
    expect(OpenStackMachineTemplate.from(obj).spec).toEqual(t.spec);
    const named = new OpenStackMachineTemplate({ version, flavor: 'm1.large', image: 'i', rootVolume: { sizeGiB: 50, availabilityZone: 'az-1' } });
    expect((named.spec.rootVolume as any).availabilityZone).toEqual({ name: 'az-1' });
  });

  test('a root volume zone that is neither a name nor { from: Machine } is an error', () => {
    for (const availabilityZone of [{ from: 'Name' }, { from: 'Machine', name: 'az-1' }, [], { }]) {
      const e = validationError(() => new OpenStackMachineTemplate({ flavor: 'f', image: 'i', rootVolume: { sizeGiB: 5, availabilityZone: availabilityZone as any } }));
      expect(e.issues.map((i) => [i.path, i.message])).toEqual([['rootVolume.availabilityZone', expect.stringMatching(/must be a zone name or \{ from: 'Machine' \}/)]]);
    }
  });
});
