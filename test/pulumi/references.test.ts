/**
 * Creation order under mocks: a KubeadmControlPlane or MachineDeployment depends on the templates it
 * names (core/output/references.ts), so the engine creates a new hashed template before it updates the
 * reference (test/cluster/pulumi.test.ts shows the real engine doing so).
 */
import type * as Pulumi from '@pulumi/pulumi';
import type * as P from '../../lib/pulumi';
import { PulumiRun, Registration, runPulumi } from './harness';
import { TEST_INFRA } from '../support/infrastructure';

// Loaded inside the tests, after setMocks (toolchain.md P9).
const lib = (): typeof P => require('../../lib/pulumi');
const emitter = (): typeof import('../../lib/pulumi/emit') => require('../../lib/pulumi/emit');
const pulumi = (): typeof Pulumi => require('@pulumi/pulumi');

const template = () => new (lib().CustomMachineTemplate)({ kind: 'DockerMachineTemplate', version: 'v1beta2', spec: { customImage: 'kindest/node:v1.31.4' } });

/** The URN of the `kubernetes:*` resource named `<Kind>/<namespace>/<name>` (its kind and name prefix given). */
function urnOf(run: PulumiRun, kind: string, namePrefix = ''): string {
  const urns = [...run.state.keys()].filter((u) => new RegExp(`::${kind}/[^:]*/${namePrefix}[^:/]*$`).test(u));
  if (urns.length !== 1) throw new Error(`expected one ${kind} ${namePrefix}*, have ${urns.join(', ') || 'none'}`);
  return urns[0];
}

function registration(run: PulumiRun, kind: string): Registration {
  const r = run.registrations.filter((x) => x.type.startsWith('kubernetes:') && x.inputs.kind === kind);
  if (r.length !== 1) throw new Error(`expected one ${kind} registration, have ${r.length}`);
  return r[0];
}

describe.each(['v1beta2', 'v1beta1'] as const)('Cluster API %s', (apiVersion) => {
  let run: PulumiRun;
  beforeAll(async () => {
    run = await runPulumi(() => {
      const { Cluster, ControlPlaneGroup, WorkerGroup, HealthCheck } = lib();
      const cluster = new Cluster('c', { name: 'demo', namespace: 'tenants', kubernetesVersion: 'v1.31.4', infrastructure: TEST_INFRA, cni: 'none', apiVersion });
      new ControlPlaneGroup('cp', { cluster, machineTemplate: template(), healthCheck: HealthCheck.controlPlane() });
      new WorkerGroup('md', { cluster, name: 'md', scaling: { replicas: 2 }, machineTemplate: template(), healthCheck: HealthCheck.workers() });
    });
    expect(run.errors).toEqual([]);
  });

  test('the KubeadmControlPlane depends on its machine template', () => {
    const kcp = registration(run, 'KubeadmControlPlane');
    const infra = urnOf(run, 'DockerMachineTemplate', 'demo-control-plane-');
    expect(kcp.inputs.metadata.namespace).toBe('tenants');
    expect(kcp.dependencies).toEqual([infra]);
  });

  test('the MachineDeployment depends on its machine template and its KubeadmConfigTemplate', () => {
    const md = registration(run, 'MachineDeployment');
    expect(md.dependencies.sort()).toEqual([urnOf(run, 'DockerMachineTemplate', 'demo-md-'), urnOf(run, 'KubeadmConfigTemplate')].sort());
  });

  test('nothing else depends on anything: not the Cluster on what it names, not the templates, not the health checks', () => {
    const others = run.registrations.filter((r) => r.type.startsWith('kubernetes:') && !['KubeadmControlPlane', 'MachineDeployment'].includes(r.inputs.kind));
    expect(others.map((r) => r.inputs.kind)).toEqual(expect.arrayContaining(['Cluster', 'DockerMachineTemplate', 'KubeadmConfigTemplate', 'MachineHealthCheck']));
    expect(others.filter((r) => r.dependencies.length > 0).map((r) => r.name)).toEqual([]);
  });

  test('every dependency is a child of the same component', () => {
    for (const r of run.registrations.filter((x) => x.type.startsWith('kubernetes:'))) {
      const own = [...run.state.keys()].find((u) => u.endsWith(`::${r.name}`))!;
      const parent = own.split('::')[2].split('$')[0];
      for (const d of r.dependencies) expect(d.split('::')[2].split('$')[0]).toBe(parent);
    }
  });
});

test('the dependency does not rely on emit order: a template after the object that names it still comes first', async () => {
  const tpl = { apiVersion: 'infrastructure.cluster.x-k8s.io/v1beta2', kind: 'DockerMachineTemplate', metadata: { name: 'md-1', namespace: 'tenants' }, spec: { template: { spec: {} } } };
  const md = {
    apiVersion: 'cluster.x-k8s.io/v1beta2', kind: 'MachineDeployment', metadata: { name: 'md', namespace: 'tenants' },
    spec: { clusterName: 'demo', template: { spec: { clusterName: 'demo', bootstrap: { dataSecretName: 'data' }, infrastructureRef: { apiGroup: 'infrastructure.cluster.x-k8s.io', kind: 'DockerMachineTemplate', name: 'md-1' } } } },
  };
  // same kind and name in another namespace, and another kind of the same name: not what the reference names
  const elsewhere = { ...tpl, metadata: { name: 'md-1', namespace: 'other' } };
  const otherKind = { ...tpl, kind: 'OtherMachineTemplate' };
  const run = await runPulumi(() => {
    const parent = new (pulumi().ComponentResource)('test:index:Group', 'g');
    emitter().registerManifests(parent, [md, elsewhere, otherKind, tpl], undefined);
  });
  expect(run.errors).toEqual([]);
  expect(registration(run, 'MachineDeployment').dependencies).toEqual([[...run.state.keys()].find((u) => u.endsWith('::DockerMachineTemplate/tenants/md-1'))]);
});
