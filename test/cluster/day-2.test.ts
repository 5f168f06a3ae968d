/**
 * Day 2 for fleets (docs/day-2.md) against the real management cluster:
 *
 * - Failure domains: a VSphereCluster's VSphereFailureDomain and VSphereDeploymentZone objects, and an
 *   OpenStackCluster's control-plane availability zones, are accepted by the real CRDs and the CAPV and
 *   CAPO webhooks, and read back as written. What the library refuses for CAPV's webhook rules, the real
 *   webhook refuses too; the failure domain's spec is immutable, the control-plane zones are not.
 * - The upgrade order: the real KubeadmControlPlane webhook lets the control plane move one minor and
 *   refuses two (as `plan` does); the real webhooks take workers upgraded together with the control plane,
 *   so nothing on the server orders the rollouts: `plan --fail-on upgrade-order` does, reading the
 *   control plane's reported version (KubeadmControlPlane `status.version`) from this cluster.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Chart, Testing } from 'cdk8s';
import {
  Cluster, ControlPlaneGroup, OpenStackCluster, OpenStackMachineTemplate, rejectedUpdate, ValidationError, VSphereCluster, VSphereClusterProps, VSphereFailureDomainProps, VSphereMachineTemplate,
  WorkerGroup,
} from '../../lib';
import { runCli } from '../support/cli';
import { apply, deleteNamespaces, freshNamespace, getAs, kubeconfigPath, kubectl, kubectlOk } from '../support/real-cluster';

const namespaces: string[] = [];
const clusterScoped: string[] = [];
afterAll(() => {
  deleteNamespaces(namespaces);
  for (const o of clusterScoped) kubectl(['delete', '--wait=false', '--ignore-not-found', o]);
});

const refusedBy = (r: { status: number | null; stderr: string }, message: RegExp) => {
  expect(r.status).not.toBe(0);
  expect(r.stderr).toMatch(message);
};
const accepted = (r: { status: number | null; stderr: string }) => {
  expect(r.stderr.split('\n').filter((l) => /error|invalid|denied|forbidden/i.test(l))).toEqual([]);
  expect(r.status).toBe(0);
};

describe('failure domains', () => {
  const ns = freshNamespace('day2-fd');
  namespaces.push(ns);
  // cluster-scoped objects: named after the namespace, so that runs do not meet
  const zone = (z: string, over: Partial<VSphereFailureDomainProps> = {}): VSphereFailureDomainProps => ({
    name: `${ns}-${z}`,
    region: { name: 'dc1', tagCategory: 'k8s-region', type: 'Datacenter' },
    zone: { name: `zone-${z}`, tagCategory: 'k8s-zone', type: 'ComputeCluster' },
    topology: { datacenter: 'DC1', computeCluster: `cluster-${z}`, datastore: `vsan-${z}` },
    resourcePool: `cluster-${z}/Resources/k8s`,
    ...over,
  });
  const vsphere = (props: Partial<VSphereClusterProps> = {}) => {
    const chart = new Chart(Testing.app(), 'fd');
    const infrastructure = new VSphereCluster({
      server: 'vcenter.example.com', controlPlaneEndpoint: { host: '10.0.0.10' }, failureDomains: [zone('a'), zone('b'), zone('c', { controlPlane: false })], ...props,
    });
    const cluster = new Cluster(chart, 'c', { name: 'fd', namespace: ns, kubernetesVersion: 'v1.32.3', cni: 'none', cloudController: false, paused: true, infrastructure });
    new WorkerGroup(chart, 'w', {
      cluster, name: 'general', failureDomains: [`${ns}-a`, `${ns}-b`, `${ns}-c`], scaling: { replicas: 5 },
      machineTemplate: new VSphereMachineTemplate({ template: 'ubuntu-2404-kube-v1.32.3', networkName: 'k8s', numCPUs: 2, memoryMiB: 4096 }),
    });
    return Testing.synth(chart) as any[];
  };
  const domainObjects = (objs: any[]) => objs.filter((o) => o.kind === 'VSphereFailureDomain' || o.kind === 'VSphereDeploymentZone');

  test.each(['v1beta2', 'v1beta1'] as const)('VSphereCluster %s: the failure domains, the selector and the workers are accepted', (version) => {
    const objs = vsphere({ version, name: `fd-${version}` });
    // v1beta1: the provider's objects only (the Cluster and groups are the v1beta2 run's)
    const mine = version === 'v1beta2' ? objs : domainObjects(objs).concat(objs.filter((o) => o.kind === 'VSphereCluster'));
    expect(domainObjects(mine)).toHaveLength(6);
    accepted(apply(mine, { dryRun: true }));
    if (version === 'v1beta2') {
      accepted(apply(mine));
      for (const o of domainObjects(mine)) clusterScoped.push(`${o.kind.toLowerCase()}/${o.metadata.name}`);
      // read back as written: the webhooks' defaults (autoConfigure false, controlPlane true) change nothing the library set
      const dz = JSON.parse(kubectlOk(['get', 'vspheredeploymentzones.v1beta2.infrastructure.cluster.x-k8s.io', `${ns}-c`, '-o', 'json']));
      expect(dz.spec).toEqual({ server: 'vcenter.example.com', failureDomain: `${ns}-c`, controlPlane: false, placementConstraint: { resourcePool: 'cluster-c/Resources/k8s' } });
      const vc = getAs('vsphereclusters', 'v1beta2', 'infrastructure.cluster.x-k8s.io', 'fd-v1beta2', ns);
      expect(vc.spec.failureDomainSelector.matchExpressions[0].values).toEqual([`${ns}-a`, `${ns}-b`, `${ns}-c`]);
      const mds = JSON.parse(kubectlOk(['get', 'machinedeployments.v1beta2.cluster.x-k8s.io', '-n', ns, '-o', 'json'])).items;
      expect(mds.map((m: any) => [m.metadata.name, m.spec.replicas, m.spec.template.spec.failureDomain]).sort()).toEqual([
        [`fd-general-${ns}-a`, 2, `${ns}-a`], [`fd-general-${ns}-b`, 2, `${ns}-b`], [`fd-general-${ns}-c`, 1, `${ns}-c`],
      ]);
    }
  });

  test('what the library refuses for CAPV\'s VSphereFailureDomain webhook, the real webhook refuses', () => {
    const [fd] = domainObjects(vsphere()).filter((o) => o.kind === 'VSphereFailureDomain');
    const cases: [string, (spec: any) => void, Partial<VSphereFailureDomainProps>, RegExp][] = [
      ['a HostGroup region', (s) => { s.region.type = 'HostGroup'; }, { region: { name: 'r', tagCategory: 'c', type: 'HostGroup' } }, /region's Failure Domain type cannot be HostGroup/],
      ['a ComputeCluster zone without a compute cluster', (s) => { delete s.topology.computeCluster; s.region.type = 'Datacenter'; },
        { topology: { datacenter: 'DC1' } }, /cannot be nil if zone's Failure Domain type is ComputeCluster/],
      ['a HostGroup zone without hosts', (s) => { s.zone.type = 'HostGroup'; }, { zone: { name: 'z', tagCategory: 'c', type: 'HostGroup' } }, /cannot be nil if zone's Failure Domain type is HostGroup/],
    ];
    for (const [, breakIt, props, message] of cases) {
      const broken = JSON.parse(JSON.stringify(fd));
      broken.metadata.name = `${fd.metadata.name}-broken`;
      breakIt(broken.spec);
      refusedBy(apply([broken], { dryRun: true }), message);
      expect(() => new VSphereCluster({ server: 'v', controlPlaneEndpoint: { host: '10.0.0.10' }, failureDomains: [zone('x', props)] })).toThrow(ValidationError);
    }
  });

  test('a failure domain\'s spec is immutable; an OpenStackCluster\'s control-plane zones are not', () => {
    const [fd] = domainObjects(vsphere()).filter((o) => o.kind === 'VSphereFailureDomain' && o.metadata.name === `${ns}-a`);
    expect(kubectl(['get', 'vspherefailuredomain', fd.metadata.name]).status).toBe(0); // applied by the first test
    const changed = JSON.parse(JSON.stringify(fd));
    changed.spec.topology.datastore = 'vsan-other';
    refusedBy(apply([changed], { dryRun: true }), /VSphereFailureDomainSpec is immutable/);
    // plan says so before the apply
    expect(rejectedUpdate(fd, changed).map((r) => [r.path, r.rule])).toEqual([['spec.topology.datastore', 'spec: Forbidden: VSphereFailureDomainSpec is immutable']]);
    expect(rejectedUpdate(fd, fd)).toEqual([]);

    const os1 = (zones: string[]) => new OpenStackCluster({ name: 'os', cloudName: 'openstack', secretName: 'os-cloud', externalNetwork: 'public', managedSubnets: [{ cidr: '10.6.0.0/24' }], controlPlaneAvailabilityZones: zones });
    const render = (zones: string[]) => {
      const chart = new Chart(Testing.app(), 'os');
      new Cluster(chart, 'c', { name: 'os', namespace: ns, kubernetesVersion: 'v1.32.3', cni: 'none', cloudController: false, paused: true, infrastructure: os1(zones) });
      return (Testing.synth(chart) as any[]).filter((o) => o.kind === 'OpenStackCluster');
    };
    accepted(apply(render(['az-1', 'az-2', 'az-3'])));
    expect(getAs('openstackclusters', 'v1beta1', 'infrastructure.cluster.x-k8s.io', 'os', ns).spec.controlPlaneAvailabilityZones).toEqual(['az-1', 'az-2', 'az-3']);
    accepted(apply(render(['az-1', 'az-2']), { dryRun: true }));
    const omit = new OpenStackCluster({ name: 'os-omit', cloudName: 'openstack', secretName: 'os-cloud', externalNetwork: 'public', controlPlaneOmitAvailabilityZone: true });
    const chart = new Chart(Testing.app(), 'omit');
    new Cluster(chart, 'c', { name: 'os-omit', namespace: ns, kubernetesVersion: 'v1.32.3', cni: 'none', cloudController: false, paused: true, infrastructure: omit });
    accepted(apply((Testing.synth(chart) as any[]).filter((o) => o.kind === 'OpenStackCluster'), { dryRun: true }));
    // a duplicate zone, which the library refuses, the API server refuses too (the list is a set)
    const dup = render(['az-1', 'az-2'])[0];
    dup.spec.controlPlaneAvailabilityZones = ['az-1', 'az-1'];
    refusedBy(apply([dup], { dryRun: true }), /duplicate entries/);
    expect(() => os1(['az-1', 'az-1'])).toThrow(ValidationError);
    // workers boot from a volume in their own zone
    const t = new OpenStackMachineTemplate({ flavor: 'm1.large', image: 'ubuntu-2404-kube-v1.32.3', rootVolume: { sizeGiB: 50, availabilityZone: { from: 'Machine' } } });
    accepted(apply([{ apiVersion: 'infrastructure.cluster.x-k8s.io/v1beta1', kind: 'OpenStackMachineTemplate', metadata: { name: 'w', namespace: ns }, spec: { template: { spec: t.spec } } }], { dryRun: true }));
  });
});

describe('the upgrade order', () => {
  const ns = freshNamespace('day2-upgrade');
  namespaces.push(ns);
  const dirs = fs.mkdtempSync(path.join(os.tmpdir(), 'day2-upgrade-'));
  afterAll(() => fs.rmSync(dirs, { recursive: true, force: true }));

  /** The cluster `up` (paused: no controller changes the reported version under the test) at `cp`, groups at `a` and `b`. */
  function manifests(cp: string, a = cp, b = a): any[] {
    const chart = new Chart(Testing.app(), 'up');
    const template = (v: string, cpu = 2) => new VSphereMachineTemplate({ template: `ubuntu-2404-kube-${v}`, networkName: 'k8s', numCPUs: cpu, memoryMiB: 4096 });
    const cluster = new Cluster(chart, 'c', {
      name: 'up', namespace: ns, kubernetesVersion: cp, cni: 'none', cloudController: false, paused: true,
      infrastructure: new VSphereCluster({ server: 'vcenter.example.com', controlPlaneEndpoint: { host: '10.0.0.20' } }),
    });
    new ControlPlaneGroup(chart, 'cp', { cluster, replicas: 1, machineTemplate: template(cp, 4) });
    new WorkerGroup(chart, 'a', { cluster, name: 'a', kubernetesVersion: a, upgradeStage: 1, scaling: { replicas: 1 }, machineTemplate: template(a) });
    new WorkerGroup(chart, 'b', { cluster, name: 'b', kubernetesVersion: b, upgradeStage: 2, scaling: { replicas: 1 }, machineTemplate: template(b) });
    return Testing.synth(chart) as any[];
  }
  let n = 0;
  function dir(objs: any[]): string {
    const d = path.join(dirs, String(++n));
    fs.mkdirSync(d);
    fs.writeFileSync(path.join(d, 'cluster.yaml'), objs.map((o) => JSON.stringify(o)).join('\n---\n'));
    return d;
  }
  const plan = (previous: any[], next: any[]) => runCli('plan', '--previous', dir(previous), '--next', dir(next), '--fail-on', 'upgrade-order', '--kubeconfig', kubeconfigPath());
  const report = (version: string) => kubectlOk(['patch', 'kubeadmcontrolplanes.v1beta2.controlplane.cluster.x-k8s.io', 'up-control-plane', '-n', ns,
    '--subresource=status', '--type=merge', '-p', JSON.stringify({ status: { version } })]);
  const live = () => getAs('kubeadmcontrolplanes', 'v1beta2', 'controlplane.cluster.x-k8s.io', 'up-control-plane', ns).status?.version;

  const v131 = manifests('v1.31.4');
  test('the cluster is applied at v1.31.4 and its control plane reports it', () => {
    accepted(apply(v131));
    report('v1.31.4');
    expect(live()).toBe('v1.31.4');
  });

  test('two minors at once: the real KubeadmControlPlane webhook refuses, and plan rejects it (exit 2)', () => {
    const next = manifests('v1.33.1', 'v1.31.4');
    const r = apply(next, { dryRun: true });
    refusedBy(r, /KubeadmControlPlane.*up-control-plane/);
    expect(r.stderr).toMatch(/spec\.version/);
    const p = plan(v131, next);
    expect(p.stdout).toMatch(/KubeadmControlPlane .*up-control-plane/);
    expect(p.code).toBe(2);
  });

  test('control plane and workers together: the real webhooks take it all; plan refuses it (exit 3), reading the live version', () => {
    const together = manifests('v1.32.3');
    accepted(apply(together, { dryRun: true }));
    const p = plan(v131, together);
    expect(p.stdout).toContain(`stage 0: control plane KubeadmControlPlane ${ns}/up-control-plane v1.31.4 -> v1.32.3`);
    expect(p.stdout).toContain(`stage 1: workers MachineDeployment ${ns}/up-a v1.31.4 -> v1.32.3\n      out of order: the control plane reports v1.31.4`);
    expect(p.code).toBe(3);
  });

  test('the pipeline: control plane first, then stage 1 once it reports the version, then stage 2', () => {
    const cpFirst = manifests('v1.32.3', 'v1.31.4');
    let p = plan(v131, cpFirst);
    expect(p.code).toBe(0);
    accepted(apply(cpFirst));
    // the KubeadmControlPlane controller has not finished: the live version is still the old one
    const stage1 = manifests('v1.32.3', 'v1.32.3', 'v1.31.4');
    p = plan(cpFirst, stage1);
    expect(p.stdout).toContain('out of order: the control plane reports v1.31.4');
    expect(p.code).toBe(3);
    // ... it has: stage 1 may go
    report('v1.32.3');
    p = plan(cpFirst, stage1);
    expect(p.stdout).not.toContain('out of order');
    expect(p.code).toBe(0);
    accepted(apply(stage1));
    // stage 2 may not overtake stage 1 (checked on the manifests), and goes once stage 1 is applied
    const stage2 = manifests('v1.32.3', 'v1.32.3', 'v1.32.3');
    p = plan(stage1, stage2);
    expect(p.code).toBe(0);
    accepted(apply(stage2));
    const mds = JSON.parse(kubectlOk(['get', 'machinedeployments.v1beta2.cluster.x-k8s.io', '-n', ns, '-o', 'json'])).items;
    expect(mds.map((m: any) => [m.metadata.name, m.spec.template.spec.version]).sort()).toEqual([['up-a', 'v1.32.3'], ['up-b', 'v1.32.3']]);
  });

  test('a worker group newer than the control plane: the library refuses it; the real MachineDeployment webhook does not', () => {
    expect(() => manifests('v1.32.3', 'v1.33.1')).toThrow(/kubernetesVersion/);
    const next = manifests('v1.32.3');
    const md = next.find((o) => o.kind === 'MachineDeployment' && o.metadata.name === 'up-b');
    md.spec.template.spec.version = 'v1.33.1';
    accepted(apply([md], { dryRun: true }));
  });
});
