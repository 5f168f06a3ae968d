/**
 * The RayCluster the library emits (the ray-cluster chart rendered with the release's values, the
 * HelmRelease's post-renderer applied as Flux applies it) is accepted by the real API server with
 * KubeRay 1.7.0's CRD (from ../shared/charts/kuberay-operator-1.7.0/crds), token authentication kept.
 */
import * as fs from 'fs';
import * as path from 'path';
import { ClusterAddonProps, renderClusterAddon } from '../../lib/core/addons';
import { renderAsFluxApplies } from '../support/flux-post-render';
import { sharedChart } from '../support/helm';
import { apply, deleteNamespaces, dryRunCreate, freshNamespace, kubectl, kubectlOk } from '../support/real-cluster';

const ref = { name: 'prod', namespace: 'tenants', kubernetesVersion: 'v1.31.4', apiVersion: 'v1beta2' as const };
const namespaces: string[] = [];
/** What the API server answered, per case: docs/addons.md shows it after `<!-- ray-auth transcript -->` (RAY_TRANSCRIPT=<file> writes it). */
const transcript: string[] = [];

beforeAll(() => {
  const crd = path.join(sharedChart('kuberay-operator-1.7.0'), 'crds', 'ray.io_rayclusters.yaml');
  kubectlOk(['apply', '--server-side', '-f', crd], { which: 'workload' });
  // `kubectl wait` fails instead of waiting while the new CRD has no conditions yet: poll
  const deadline = Date.now() + 60_000;
  // (the jsonpath filter errors while status.conditions is still null: that is "not yet")
  const established = () => kubectl(['get', 'crd', 'rayclusters.ray.io', '-o', 'jsonpath={.status.conditions[?(@.type=="Established")].status}'], { which: 'workload' }).stdout === 'True';
  while (!established()) {
    if (Date.now() > deadline) throw new Error('the RayCluster CRD was not Established within 60s');
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 500);
  }
});
afterAll(() => deleteNamespaces(namespaces, 'workload'));

test.each([
  ['defaults', {}],
  ['LoadBalancer with a named token Secret', { serviceType: 'LoadBalancer', access: { cidrs: ['203.0.113.0/24'], tokenSecret: 'ray-token' } }],
])('%s: the API server accepts the RayCluster with spec.authOptions and the exposed Service', (_, parameters) => {
  const model = renderClusterAddon({ cluster: ref, addon: 'kuberay', parameters } as ClusterAddonProps);
  const hr = model.manifests.find((m) => m.kind === 'HelmRelease' && (m as any).spec.chart.spec.chart === 'ray-cluster') as any;
  const ns = freshNamespace('ray-auth', 'workload');
  namespaces.push(ns);
  const rc = { ...renderAsFluxApplies(hr, 'ray-cluster-1.7.0').find((o) => o.kind === 'RayCluster')!, metadata: { name: 'ray', namespace: ns } };
  const created = apply([rc], { which: 'workload' });
  expect(created.stderr).toBe('');
  const stored = JSON.parse(kubectlOk(['get', 'raycluster', 'ray', '-n', ns, '-o', 'json'], { which: 'workload' }));
  expect(stored.spec.authOptions.mode).toBe('token');
  transcript.push(`${_}: RayCluster stored with spec.authOptions ${JSON.stringify(stored.spec.authOptions)}`);
  for (const svc of model.workloadClusterManifests.filter((m) => m.kind === 'Service')) {
    expect(dryRunCreate({ ...svc, metadata: { ...svc.metadata, namespace: ns } }, { which: 'workload' }).stderr).toBe('');
    const created = JSON.parse(kubectlOk(['create', '--dry-run=server', '-o', 'json', '-f', '-'], { which: 'workload', input: JSON.stringify({ ...svc, metadata: { ...svc.metadata, namespace: ns } }) }));
    const spec = created.spec;
    transcript.push(`  Service ${created.metadata.name}: ${spec.type}, externalTrafficPolicy ${spec.externalTrafficPolicy ?? '(none)'}, `
      + `loadBalancerSourceRanges ${(spec.loadBalancerSourceRanges ?? []).join(', ') || '(none)'}, `
      + `ports ${(spec.ports as any[]).map((p) => `${p.name} ${p.port}`).join(', ')}` // node ports: the server picks them
      + `${(spec.ports as any[]).some((p) => p.nodePort) ? ' (node ports assigned by the server)' : ''}`);
  }
});

test('docs/addons.md shows what the API server stored', () => {
  const text = transcript.join('\n');
  if (process.env.RAY_TRANSCRIPT) fs.writeFileSync(process.env.RAY_TRANSCRIPT, `${text}\n`);
  const md = fs.readFileSync(path.resolve(__dirname, '../../docs/addons.md'), 'utf8').split('\n');
  const at = md.indexOf('<!-- ray-auth transcript -->');
  expect(at).toBeGreaterThanOrEqual(0);
  const start = md.indexOf('```text', at);
  expect(md.slice(start + 1, md.indexOf('```', start + 1)).join('\n')).toBe(text);
});
