/**
 * Template specs are immutable in Cluster API providers, so the group names a template object after a
 * hash of its content: changing a field yields a new object and a new reference (a rollout), and an
 * unchanged spec keeps both. Same for the workers' KubeadmConfigTemplate.
 */
import { Chart, Testing } from 'cdk8s';
import { Cluster, ControlPlaneGroup, MachineTemplate, NodeFailureDetection, VSphereMachineTemplate, WorkerGroup } from '../../lib';
import { basis, groupChart, openstack, ovirt, Role, shturval, vsphere } from './fixtures';
import { TEST_INFRA } from '../support/infrastructure';

function templateAndRef(t: MachineTemplate, role: Role): { name: string; ref: any } {
  const objs = Testing.synth(groupChart(t, role));
  const infra = objs.find((o) => o.kind === t.kind);
  const owner = objs.find((o) => o.kind === (role === 'control-plane' ? 'KubeadmControlPlane' : 'MachineDeployment'));
  const ref = role === 'control-plane' ? owner.spec.machineTemplate.spec.infrastructureRef : owner.spec.template.spec.infrastructureRef;
  return { name: infra.metadata.name, ref };
}

const CHANGES: [string, () => MachineTemplate, () => MachineTemplate][] = [
  ['vSphere numCPUs', () => vsphere('v1beta2'), () => VSphereMachineTemplate.from(vsphere('v1beta2'), { numCPUs: 8 })],
  ['vSphere version', () => vsphere('v1beta2'), () => vsphere('v1beta1')],
  ['vSphere template metadata', () => vsphere('v1beta2'), () => MachineTemplate.from(vsphere('v1beta2'), { templateMetadata: { labels: { tier: 'dev' } } })],
  ['OpenStack flavor', () => openstack('v1beta1'), () => MachineTemplate.from(openstack('v1beta1'), { flavor: 'm1.xlarge' })],
  ['OpenStack root volume', () => openstack('v1beta2'), () => MachineTemplate.from(openstack('v1beta2'), { rootVolume: { sizeGiB: 80, volumeType: 'ceph-ssd' } })],
  ['oVirt sizemb', ovirt, () => MachineTemplate.from(ovirt(), { sizemb: 16384 })],
  ['oVirt kind', ovirt, () => MachineTemplate.from(ovirt(), { kind: 'OvirtMachineTemplate' })],
  ['Basis disk', basis, () => MachineTemplate.from(basis(), { disk: 100 })],
  ['Shturval selector', shturval, () => MachineTemplate.from(shturval(), { hostSelector: { matchLabels: { 'shturval.tech/pool': 'batch' } } })],
];

describe.each(CHANGES)('changing %s', (_what, before, after) => {
  test.each(['control-plane', 'worker'] as Role[])('as %s gives a new template name and moves the reference to it', (role) => {
    const a = templateAndRef(before(), role);
    const b = templateAndRef(after(), role);
    expect(b.name).not.toBe(a.name);
    expect(a.ref.name).toBe(a.name);
    expect(b.ref.name).toBe(b.name);
    // Only the hash part differs: the base name belongs to the group.
    expect(b.name.slice(0, -8)).toBe(a.name.slice(0, -8));
  });
});

describe('an unchanged spec', () => {
  test.each(['control-plane', 'worker'] as Role[])('as %s keeps its name, whether rebuilt or copied without overrides', (role) => {
    const a = templateAndRef(vsphere('v1beta2'), role);
    expect(templateAndRef(vsphere('v1beta2'), role)).toEqual(a);
    expect(templateAndRef(VSphereMachineTemplate.from(vsphere('v1beta2')), role)).toEqual(a);
  });

  test('keeps its name when props are given in another order', () => {
    const x = new VSphereMachineTemplate({ template: 't', networkName: 'n', numCPUs: 4, memoryMiB: 8192 });
    const y = new VSphereMachineTemplate({ memoryMiB: 8192, numCPUs: 4, networkName: 'n', template: 't' });
    expect(templateAndRef(y, 'worker').name).toBe(templateAndRef(x, 'worker').name);
  });

  test('a template shared by two groups gets one object per group, each named after its group', () => {
    const t = vsphere('v1beta2');
    const chart = new Chart(Testing.app(), 'shared');
    const cluster = new Cluster(chart, 'c', { infrastructure: TEST_INFRA, cni: 'calico', name: 'prod', kubernetesVersion: 'v1.31.4' });
    new ControlPlaneGroup(chart, 'cp', { cluster, machineTemplate: t });
    new WorkerGroup(chart, 'a', { cluster, name: 'a', machineTemplate: t });
    new WorkerGroup(chart, 'b', { cluster, name: 'b', machineTemplate: t });
    const names = Testing.synth(chart).filter((o) => o.kind === 'VSphereMachineTemplate').map((o) => o.metadata.name);
    expect(names).toHaveLength(3);
    const hashes = new Set(names.map((n: string) => n.slice(-8)));
    expect(hashes.size).toBe(1);
    expect(names.map((n: string) => n.slice(0, -9)).sort()).toEqual(['prod-a', 'prod-b', 'prod-control-plane']);
  });
});

describe('KubeadmConfigTemplate of a worker group', () => {
  function kct(nfd?: NodeFailureDetection): { name: string; ref: any } {
    const chart = new Chart(Testing.app(), 'kct');
    const cluster = new Cluster(chart, 'c', { infrastructure: TEST_INFRA, cni: 'calico', name: 'prod', kubernetesVersion: 'v1.31.4', nodeFailureDetection: nfd });
    new WorkerGroup(chart, 'md', { cluster, name: 'workers', machineTemplate: ovirt() });
    const objs = Testing.synth(chart);
    return {
      name: objs.find((o) => o.kind === 'KubeadmConfigTemplate').metadata.name,
      ref: objs.find((o) => o.kind === 'MachineDeployment').spec.template.spec.bootstrap.configRef,
    };
  }

  test('is named <cluster>-<group>-<hash>, and the MachineDeployment references it', () => {
    const a = kct();
    expect(a.name).toMatch(/^prod-workers-[0-9a-f]{8}$/);
    expect(a.ref).toEqual({ apiGroup: 'bootstrap.cluster.x-k8s.io', kind: 'KubeadmConfigTemplate', name: a.name });
  });

  test('changes name and reference when its spec changes (kubelet args), keeps them otherwise', () => {
    const a = kct();
    const b = kct({ nodeStatusUpdateFrequency: '4s', nodeMonitorPeriod: '2s', nodeMonitorGracePeriod: '20s' });
    expect(b.name).not.toBe(a.name);
    expect(b.ref.name).toBe(b.name);
    expect(kct()).toEqual(a);
  });

  test('does not change when only the machine template changes', () => {
    const chart = (t: MachineTemplate): string => {
      const c = new Chart(Testing.app(), 'x');
      const cluster = new Cluster(c, 'c', { infrastructure: TEST_INFRA, cni: 'calico', name: 'prod', kubernetesVersion: 'v1.31.4' });
      new WorkerGroup(c, 'md', { cluster, name: 'workers', machineTemplate: t });
      return Testing.synth(c).find((o) => o.kind === 'KubeadmConfigTemplate').metadata.name;
    };
    expect(chart(MachineTemplate.from(ovirt(), { sizemb: 4096 }))).toBe(chart(ovirt()));
  });
});
