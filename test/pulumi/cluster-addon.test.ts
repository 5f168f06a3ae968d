/**
 * The Pulumi ClusterAddon: the core's objects (object for object), the Pulumi-only `waitForReady`
 * annotation, namespace ordering, and validation before registration.
 */
import type * as P from '../../lib/pulumi';
import { canonical, normalize, PulumiRun, runPulumi } from './harness';
import { TEST_INFRA } from '../support/infrastructure';

const lib = (): typeof P => require('../../lib/pulumi');
const cluster = { name: 'demo', namespace: 'tenants', kubernetesVersion: 'v1.31.4', apiVersion: 'v1beta2' } as const;

async function addon(props: Record<string, unknown>): Promise<{ run: PulumiRun; component?: P.ClusterAddon; error?: any }> {
  let component: P.ClusterAddon | undefined;
  let error: any;
  const run = await runPulumi(() => {
    try {
      component = new (lib().ClusterAddon)('addon', { cluster, addon: 'kuberay', ...props } as any);
    } catch (e) {
      error = e;
    }
  });
  return { run, component, error };
}

test('registers exactly the objects of the core render, each a child of the component', async () => {
  const { run } = await addon({});
  const expected = lib().renderClusterAddon({ cluster, addon: 'kuberay' }).manifests;
  expect(expected.length).toBeGreaterThan(3);
  expect(normalize(run.objects)).toEqual(normalize(expected as any[]));
  const kubernetes = [...run.state.keys()].filter((u) => u.includes('kubernetes:'));
  expect(kubernetes).toHaveLength(expected.length);
  for (const urn of kubernetes) expect(urn).toContain('::capi-constructs:index:ClusterAddon$kubernetes:');
  // The ClusterResourceSet's ConfigMap is a core-group object: the typed class, not a CustomResource.
  expect(run.registrations.map((r) => r.type)).toContain('kubernetes:core/v1:ConfigMap');
});

test('waitForReady annotates every HelmRelease, and nothing else changes', async () => {
  const plain = await addon({});
  const waiting = await addon({ waitForReady: true });
  const releases = waiting.run.objects.filter((o) => o.kind === 'HelmRelease');
  expect(releases.map((o) => o.metadata.name).sort()).toEqual([...waiting.component!.names.releases.map((r) => r.name)].sort());
  for (const r of releases) expect(r.metadata.annotations['pulumi.com/waitFor']).toBe('condition=Ready');
  // Remove exactly that annotation: the rest equals the objects without waitForReady.
  const stripped = waiting.run.objects.map((o) => {
    if (o.kind !== 'HelmRelease') return o;
    const { ['pulumi.com/waitFor']: _removed, ...annotations } = o.metadata.annotations;
    return { ...o, metadata: { ...o.metadata, annotations } };
  });
  expect(normalize(stripped)).toEqual(normalize(plain.run.objects));
  expect(plain.run.objects.some((o) => canonical(o).includes('pulumi.com/waitFor'))).toBe(false);
  expect(waiting.run.objects.filter((o) => canonical(o).includes('pulumi.com/waitFor'))).toHaveLength(releases.length);
});

test('in tenant mode, objects in the add-on namespace wait for the Namespace', async () => {
  const { run, component } = await addon({ mode: 'tenant' });
  const ns = component!.names.namespace;
  const nsReg = run.registrations.find((r) => r.type === 'kubernetes:core/v1:Namespace')!;
  expect(nsReg.name).toBe(`Namespace/${ns}`);
  const nsUrn = [...run.state.keys()].find((u) => u.endsWith(`::Namespace/${ns}`))!;
  const inNamespace = run.registrations.filter((r) => r.inputs.metadata?.namespace === ns);
  expect(inNamespace.length).toBeGreaterThan(0);
  for (const r of inNamespace) expect(r.dependencies).toContain(nsUrn);
});

test('invalid props: the core problems and the Pulumi-only ones in one ValidationError, nothing registered', async () => {
  const { run, error } = await addon({ interval: 'soon', waitForReady: 'yes' });
  expect(error?.name).toBe('ValidationError');
  expect(error.statusCode).toBe(400);
  expect(error.issues.map((i: any) => i.path)).toEqual(['interval', 'waitForReady']);
  expect(error.issues[1].message).toContain('"yes"');
  expect(run.registrations).toEqual([]);
});

test('a bad waitForReady alone is reported too', async () => {
  const { run, error } = await addon({ waitForReady: 1 });
  expect(error?.issues?.map((i: any) => i.path)).toEqual(['waitForReady']);
  expect(run.registrations).toEqual([]);
});

test('missing props throw a ValidationError, not a TypeError', async () => {
  let error: any;
  await runPulumi(() => {
    try {
      new (lib().ClusterAddon)('addon', undefined as any);
    } catch (e) {
      error = e;
    }
  });
  expect(error?.name).toBe('ValidationError');
});

test('exposes the same names as the cdk8s ClusterAddon, and the same cleanup commands', async () => {
  const { component } = await addon({});
  const { ClusterAddon: Cdk8sAddon, Cluster: Cdk8sCluster } = require('../../lib');
  const { Chart, Testing } = require('cdk8s');
  const chart = new Chart(Testing.app(), 'c');
  const cdk = new Cdk8sAddon(chart, 'a', { cluster: new Cdk8sCluster(chart, 'cluster', { ...cluster, infrastructure: TEST_INFRA, cni: 'calico' }), addon: 'kuberay' });
  for (const field of ['addon', 'mode', 'namespace', 'releaseName', 'clusterName', 'clusterNamespace', 'names', 'securityGroupPorts'] as const) {
    expect((component as any)[field]).toEqual(cdk[field]);
  }
  expect(component!.cleanupCommands()).toEqual(cdk.cleanupCommands());
  expect(component!.cleanupCommands().length).toBeGreaterThan(0);
});

test('FluxResourceMetrics registers the core objects; cluster-scoped ones get <Kind>/<name> logical names', async () => {
  const props = { namespace: 'monitoring', serviceAccount: { name: 'kube-state-metrics', namespace: 'monitoring' } };
  const run = await runPulumi(() => new (lib().FluxResourceMetrics)('frm', props));
  const expected = lib().renderFluxResourceMetrics(props).manifests;
  expect(normalize(run.objects)).toEqual(normalize(expected as any[]));
  const names = run.registrations.filter((r) => r.type.startsWith('kubernetes:')).map((r) => r.name).sort();
  expect(names).toEqual(expect.arrayContaining(['ClusterRole/flux-resource-metrics', 'ConfigMap/monitoring/flux-resource-metrics']));
});
