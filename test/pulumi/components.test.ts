/**
 * The Pulumi components themselves: the resource tree, registered outputs, the provider option,
 * validation before registration, and the resource class chosen per apiVersion.
 */
import type * as K8s from '@pulumi/kubernetes';
import type * as P from '../../lib/pulumi';
import { spawnSync } from 'child_process';
import { join } from 'path';
import { runPulumi, PulumiRun } from './harness';
import { TEST_INFRA } from '../support/infrastructure';

// Loaded inside the tests, after setMocks (toolchain.md P9).
const lib = (): typeof P => require('../../lib/pulumi');
// Internal: the adapter's object registration (lib/pulumi/emit.ts), required after setMocks as lib() is.
const emitter = (): typeof import('../../lib/pulumi/emit') => require('../../lib/pulumi/emit');
const k8s = (): typeof K8s => require('@pulumi/kubernetes');

const clusterProps = { name: 'demo', namespace: 'tenants', kubernetesVersion: 'v1.31.4', infrastructure: TEST_INFRA, cni: 'none' } as const; // no component objects: the tree of the node groups (components: test/pulumi/parity.test.ts)
const template = () => new (lib().CustomMachineTemplate)({ kind: 'DockerMachineTemplate', version: 'v1beta2', spec: { customImage: 'kindest/node:v1.31.4' } });

function outputsOf(run: PulumiRun, type: string, name: string): Record<string, any> {
  const entry = [...run.state.values()].find((s) => s.urn.endsWith(`::${type}::${name}`));
  if (!entry) throw new Error(`no registered ${type} ${name}; have ${[...run.state.keys()].join(', ')}`);
  return entry.state;
}

describe('resource tree', () => {
  let run: PulumiRun;
  beforeAll(async () => {
    run = await runPulumi(() => {
      const { Cluster, ControlPlaneGroup, WorkerGroup, HealthCheck } = lib();
      const cluster = new Cluster('c', { ...clusterProps, infrastructure: { apiGroup: 'infrastructure.cluster.x-k8s.io', version: 'v1beta2', kind: 'DockerCluster', spec: { loadBalancer: { imageRepository: 'kindest' } } } });
      new ControlPlaneGroup('cp', { cluster, machineTemplate: template(), healthCheck: HealthCheck.controlPlane() });
      new WorkerGroup('md', { cluster, name: 'md', scaling: { replicas: 2 }, machineTemplate: template() });
    });
  });

  test('components are registered with capi-constructs type tokens', () => {
    const components = run.registrations.filter((r) => !r.custom).map((r) => `${r.type} ${r.name}`).sort();
    expect(components).toEqual(['capi-constructs:index:Cluster c', 'capi-constructs:index:ControlPlaneGroup cp', 'capi-constructs:index:WorkerGroup md']);
  });

  test('every object is a child of its component (the parent type is in its URN)', () => {
    const urns = [...run.state.keys()];
    const childrenOf = (component: string) => urns
      .filter((u) => u.includes(`::capi-constructs:index:${component}$kubernetes:`))
      .map((u) => u.split('::').pop())
      .sort();
    expect(childrenOf('Cluster')).toEqual(['Cluster/tenants/demo', 'DockerCluster/tenants/demo']);
    expect(childrenOf('ControlPlaneGroup')).toEqual(expect.arrayContaining(['KubeadmControlPlane/tenants/demo-control-plane', 'MachineHealthCheck/tenants/demo-controlplane-healthcheck']));
    expect(childrenOf('ControlPlaneGroup')).toHaveLength(3);
    expect(childrenOf('WorkerGroup')).toEqual(expect.arrayContaining(['MachineDeployment/tenants/demo-md']));
    expect(childrenOf('WorkerGroup')).toHaveLength(3);
    // No Kubernetes object outside a component.
    const kubernetes = urns.filter((u) => u.includes('kubernetes:'));
    expect(kubernetes.every((u) => u.includes('capi-constructs:index:'))).toBe(true);
  });

  test('the type token of each child is kubernetes:<apiVersion>:<Kind>', () => {
    const md = run.registrations.find((r) => r.name === 'MachineDeployment/tenants/demo-md')!;
    expect(md.type).toBe('kubernetes:cluster.x-k8s.io/v1beta2:MachineDeployment');
    expect(md.inputs.metadata).toMatchObject({ name: 'demo-md', namespace: 'tenants' });
  });

  test('registerOutputs publishes the reference data and the objects of each component', () => {
    const c = outputsOf(run, 'capi-constructs:index:Cluster', 'c');
    expect(c).toMatchObject({ name: 'demo', namespace: 'tenants', kubernetesVersion: 'v1.31.4', apiVersion: 'v1beta2' });
    expect(c.objects).toEqual([
      'infrastructure.cluster.x-k8s.io/v1beta2/DockerCluster/tenants/demo',
      'cluster.x-k8s.io/v1beta2/Cluster/tenants/demo',
    ]);
    const cp = outputsOf(run, 'capi-constructs:index:ControlPlaneGroup', 'cp');
    expect(cp.name).toBe('demo-control-plane');
    expect(cp.objects).toContain('controlplane.cluster.x-k8s.io/v1beta2/KubeadmControlPlane/tenants/demo-control-plane');
    const md = outputsOf(run, 'capi-constructs:index:WorkerGroup', 'md');
    expect(md.name).toBe('demo-md');
    expect(md.objects).toHaveLength(3);
  });
});

describe('provider', () => {
  test('every child is created with the given Kubernetes provider', async () => {
    const run = await runPulumi(() => {
      const { Cluster, WorkerGroup } = lib();
      const provider = new (k8s().Provider)('mgmt', { kubeconfig: 'apiVersion: v1\nkind: Config\n' });
      const cluster = new Cluster('c', clusterProps, { provider });
      new WorkerGroup('md', { cluster, name: 'md', machineTemplate: template() }, { provider });
    });
    const children = run.registrations.filter((r) => r.type.startsWith('kubernetes:'));
    expect(children).toHaveLength(4);
    for (const r of children) expect(r.provider).toMatch(/::pulumi:providers:kubernetes::mgmt::mgmt-id$/);
  });

  test('without a provider the children use the default provider', async () => {
    const run = await runPulumi(() => new (lib().Cluster)('c', clusterProps));
    const [cluster] = run.registrations.filter((r) => r.type.startsWith('kubernetes:'));
    expect(cluster.provider ?? '').not.toContain('::mgmt::');
  });
});

describe('validation', () => {
  test('invalid props throw the core ValidationError and register nothing', async () => {
    let error: any;
    const run = await runPulumi(() => {
      try {
        new (lib().Cluster)('bad', { name: 'Not_A_Label', kubernetesVersion: 'v1.31' } as any);
      } catch (e) {
        error = e;
      }
    });
    expect(error?.name).toBe('ValidationError');
    expect(error.statusCode).toBe(400);
    expect(error.issues.map((i: any) => i.path).sort()).toEqual(['infrastructure', 'kubernetesVersion', 'name']);
    expect(run.registrations).toEqual([]);
  });

  // These programs fail registrations on purpose, which Pulumi reports as unhandled rejections: they run
  // in their own process (test/pulumi/run-program.ts), where the harness catches them as Pulumi's runtime does.
  const runProgram = (name: string): { thrown?: { name: string; message: string }; errors: { name: string; message: string; isThrown: boolean }[]; registrations: unknown[] } => {
    // The exit status is not asked: Pulumi's leak check fails the exit of a program whose outputs never resolve.
    const { stdout, stderr } = spawnSync(process.execPath, ['--import', 'tsx', join(__dirname, 'run-program.ts'), join(__dirname, 'programs', `${name}.ts`)], { encoding: 'utf8' });
    if (!stdout.startsWith('{')) throw new Error(`run-program.ts ${name} printed no result:\n${stderr}`);
    return JSON.parse(stdout);
  };

  test('a ValidationError in the last component of a program registers nothing of the components before it', () => {
    const run = runProgram('late-validation-error');
    expect(run.thrown?.name).toBe('ValidationError');
    expect(run.thrown?.message).toContain('interval: "soon" is not a Flux duration');
    expect(run.registrations).toEqual([]);
    // Pulumi reports one error: the thrown one (its runtime reports an error object once).
    expect(run.errors).toEqual([{ ...run.thrown, isThrown: true }]);
  }, 60_000);

  test('a program that catches the ValidationError still registers nothing, and fails with that error', () => {
    const run = runProgram('caught-validation-error');
    expect(run.thrown).toBeUndefined();
    expect(run.registrations).toEqual([]);
    expect(run.errors.map((e) => e.name)).toEqual(['ValidationError']);
    expect(run.errors[0].message).toContain('replicas: 2 is even');
  }, 60_000);

  test('a valid program still registers everything, and a later batch is not held back by an earlier failed one', async () => {
    await runPulumi(() => {
      try {
        new (lib().Cluster)('bad', { ...clusterProps, name: 'Not_A_Label' });
      } catch {
        // this run fails; the next one must not
      }
    });
    const run = await runPulumi(() => {
      const { Cluster, WorkerGroup } = lib();
      const cluster = new Cluster('c', clusterProps);
      new WorkerGroup('md', { cluster, name: 'md', machineTemplate: template() });
    });
    expect(run.registrations.map((r) => r.type).sort()).toEqual([
      'capi-constructs:index:Cluster',
      'capi-constructs:index:WorkerGroup',
      'kubernetes:bootstrap.cluster.x-k8s.io/v1beta2:KubeadmConfigTemplate',
      'kubernetes:cluster.x-k8s.io/v1beta2:Cluster',
      'kubernetes:cluster.x-k8s.io/v1beta2:MachineDeployment',
      'kubernetes:infrastructure.cluster.x-k8s.io/v1beta2:DockerMachineTemplate',
    ]);
  });

  test('missing props throw a ValidationError, not a TypeError', async () => {
    const errors: any[] = [];
    await runPulumi(() => {
      const { Cluster, ControlPlaneGroup, WorkerGroup } = lib();
      for (const make of [() => new Cluster('a', undefined as any), () => new ControlPlaneGroup('b', undefined as any), () => new WorkerGroup('c', null as any), () => WorkerGroup.ingress('d', undefined as any)]) {
        try {
          make();
        } catch (e) {
          errors.push(e);
        }
      }
    });
    expect(errors.map((e) => e.name)).toEqual(['ValidationError', 'ValidationError', 'ValidationError', 'ValidationError']);
  });

  test('a provider that is not a Kubernetes provider is reported with the props problems', async () => {
    let error: any;
    const run = await runPulumi(() => {
      try {
        new (lib().Cluster)('c', { ...clusterProps, kubernetesVersion: '1.31' }, { provider: 'mgmt' as any });
      } catch (e) {
        error = e;
      }
    });
    expect(error?.name).toBe('ValidationError');
    expect(error.issues.map((i: any) => i.path)).toEqual(['kubernetesVersion', 'opts.provider']);
    expect(error.issues[1].message).toContain('"mgmt"');
    expect(run.registrations).toEqual([]);
  });
});

describe('resource class per apiVersion', () => {
  test('core-group objects use the typed kubernetes.core.v1 class, others CustomResource', async () => {
    let classes: string[] = [];
    const run = await runPulumi(() => {
      const { newResource } = emitter();
      const ns = newResource({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'addons' } }, {});
      const cm = newResource({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'values', namespace: 'addons' }, data: { 'values.yaml': 'a: 1' } }, {});
      const np = newResource({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'deny', namespace: 'addons' }, spec: { podSelector: {} } }, {});
      classes = [ns, cm, np].map((r) => r.constructor.name);
    });
    expect(classes).toEqual(['Namespace', 'ConfigMap', 'CustomResource']);
    // Registrations complete asynchronously: compare without order.
    expect(run.registrations.map((r) => `${r.type} ${r.name}`).sort()).toEqual([
      'kubernetes:core/v1:ConfigMap ConfigMap/addons/values',
      'kubernetes:core/v1:Namespace Namespace/addons',
      'kubernetes:networking.k8s.io/v1:NetworkPolicy NetworkPolicy/addons/deny',
    ]);
    // The typed class sends the object unchanged (apiVersion and kind included).
    expect(run.objects.find((o) => o.kind === 'ConfigMap')).toEqual({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'values', namespace: 'addons' }, data: { 'values.yaml': 'a: 1' } });
  });

  test('an unknown core-group kind is an error, not a silently dropped object', async () => {
    await runPulumi(() => {
      expect(() => emitter().newResource({ apiVersion: 'v1', kind: 'Gadget', metadata: { name: 'x' } }, {})).toThrow(/no Pulumi resource class for v1 Gadget/);
    });
  });
});

describe('warnings', () => {
  test('are kept on the component, reported to the handler and registered as outputs', async () => {
    const { setWarningHandler } = lib();
    const seen: string[] = [];
    const prev = setWarningHandler((subject, w) => seen.push(`${subject}: ${w.path}`));
    try {
      let warnings: readonly { path: string }[] = [];
      const run = await runPulumi(() => {
        const { Cluster, ControlPlaneGroup } = lib();
        const cluster = new Cluster('c', clusterProps);
        warnings = new ControlPlaneGroup('cp', { cluster, replicas: 1, machineTemplate: template() }).warnings;
      });
      expect(warnings.map((w) => w.path)).toContain('replicas');
      expect(seen).toContain('ControlPlaneGroup "demo-control-plane": replicas');
      expect(outputsOf(run, 'capi-constructs:index:ControlPlaneGroup', 'cp').warnings.some((w: string) => w.startsWith('replicas: '))).toBe(true);
    } finally {
      setWarningHandler(prev);
    }
  });
});
