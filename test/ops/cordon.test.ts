/**
 * cordon / uncordon against the kube-fake workload cluster, reached through the management fake's
 * `prod-kubeconfig` Secret. Fake gaps relevant here: none beyond kube-fake's own list (no kubelet, no
 * scheduler: nothing observes spec.unschedulable).
 */
import { NodeOperationNotFound, NodeOperations, readControlPlaneVersions } from '../../lib/ops';
import { validationError } from '../support/validation-error';
import { Clusters, resetLogs, startClusters, writeLines } from './harness';

let c: Clusters;
beforeEach(async () => { c = await startClusters(); });
afterEach(async () => { await c.close(); });

test('cordon merge-patches spec.unschedulable on the workload Node, reading the kubeconfig Secret from the management cluster', async () => {
  const result = await c.ops().cordon('w-1');
  expect(result).toMatchObject({ action: 'cordon', node: 'w-1', changed: true, dryRun: false, summary: 'cordoned node w-1' });
  expect(result.requests).toEqual([{ cluster: 'workload', method: 'PATCH', path: '/api/v1/nodes/w-1', contentType: 'application/merge-patch+json', body: { spec: { unschedulable: true } } }]);
  expect(c.workload.get('v1', 'Node', undefined, 'w-1').spec.unschedulable).toBe(true);
  expect(c.management.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /api/v1/namespaces/tenants/secrets/prod-kubeconfig']);
  expect(c.workload.writes()).toMatchObject([{ method: 'PATCH', path: '/api/v1/nodes/w-1', contentType: 'application/merge-patch+json', body: { spec: { unschedulable: true } } }]);
});

test('cordon is idempotent: an already cordoned node gets no write', async () => {
  await c.ops().cordon('w-1');
  resetLogs(c);
  const again = await c.ops().cordon('w-1');
  expect(again).toMatchObject({ changed: false, requests: [], summary: 'node w-1 is already cordoned' });
  expect(writeLines(c)).toEqual([]);
});

test('uncordon removes spec.unschedulable (merge patch null), and is a no-op on a schedulable node', async () => {
  const ops = c.ops();
  await ops.cordon('w-1');
  const un = await ops.uncordon('w-1');
  expect(un.requests[0].body).toEqual({ spec: { unschedulable: null } });
  expect(c.workload.get('v1', 'Node', undefined, 'w-1').spec.unschedulable).toBeUndefined();
  resetLogs(c);
  expect(await ops.uncordon('w-1')).toMatchObject({ changed: false, summary: 'node w-1 is already schedulable' });
  expect(writeLines(c)).toEqual([]);
});

test('dry run lists the patch it would send and sends nothing', async () => {
  const result = await c.ops({ dryRun: true }).cordon('w-2');
  expect(result).toMatchObject({ dryRun: true, changed: true, summary: '(dry run) would have cordoned node w-2' });
  expect(result.requests).toHaveLength(1);
  expect(writeLines(c)).toEqual([]);
  expect(c.workload.get('v1', 'Node', undefined, 'w-2').spec.unschedulable).toBeUndefined();
});

test('a missing node is NodeOperationNotFound (404), with no write', async () => {
  const e = await c.ops().cordon('nope').catch((x) => x);
  expect(e).toBeInstanceOf(NodeOperationNotFound);
  expect(e).toMatchObject({ reason: 'NodeNotFound', statusCode: 404, message: 'cordon nope: node nope not found in cluster tenants/prod' });
  expect(writeLines(c)).toEqual([]);
});

test('a cluster without its kubeconfig Secret is NodeOperationNotFound, naming the Secret', async () => {
  c.management.remove('v1', 'Secret', 'tenants', 'prod-kubeconfig');
  const e = await c.ops().cordon('w-1').catch((x) => x);
  expect(e).toMatchObject({ name: 'NodeOperationNotFound', reason: 'KubeconfigSecretNotFound' });
  expect(e.message).toContain('Secret tenants/prod-kubeconfig not found');
  expect(writeLines(c)).toEqual([]);
});

test('bad node names and options are ValidationErrors naming the field, before any request', async () => {
  await expect(c.ops().cordon('../secrets')).rejects.toMatchObject({ name: 'ValidationError', issues: [{ path: 'node', message: '"../secrets" is not a node name (a DNS-1123 subdomain of at most 253 characters)' }] });
  await expect(c.ops().drain('w-1', { timeoutSeconds: 0, evenIfUnmanaged: true } as never)).rejects.toMatchObject({
    issues: [{ path: 'options.evenIfUnmanaged', message: 'is not an option (allowed: deleteEmptyDirData, force, timeoutSeconds, onProgress)' }, { path: 'options.timeoutSeconds', message: 'must be at least 1, got 0' }],
  });
  expect(() => c.ops({ dryRun: 'yes' } as never)).toThrow(/options\.dryRun: must be a boolean, got "yes"/);
  expect(() => new NodeOperations(c.kubeConfig, { name: 'Prod' } as never)).toThrow(/cluster\.name: .*\n.*cluster\.namespace/);
  expect(c.management.requests).toEqual([]);
  expect(c.workload.requests).toEqual([]);
  expect(() => c.ops({ apiVersion: 'v1alpha4' as never })).toThrow(/options\.apiVersion: "v1alpha4" must be/);
  expect(() => c.ops({ dryrun: true } as never)).toThrow(/options\.dryrun: is not an option/);
});

test('a kubeConfig that is no KubeConfig of @kubernetes/client-node is a ValidationError that does not show it (it holds credentials)', async () => {
  const token = 'kubeconfig-token-0123456789';
  const parsed = { apiVersion: 'v1', kind: 'Config', users: [{ name: 'u', user: { token } }] };
  const text = `apiVersion: v1\nkind: Config\nusers:\n- name: u\n  user:\n    token: ${token}\n`;
  const rule = 'must be a KubeConfig of @kubernetes/client-node (new KubeConfig(), then loadFromDefault() or loadFromFile())';
  for (const [given, got] of [[parsed, 'an object without getCurrentCluster, makeApiClient, applySecurityAuthentication'], [text, 'a string'], [undefined, 'undefined'], [null, 'null']] as const) {
    const e = validationError(() => new NodeOperations(given as never, { name: 'prod', namespace: 'Tenants' }));
    expect(e.issues).toEqual([{ path: 'kubeConfig', message: `${rule}, got ${got}` }, { path: 'cluster.namespace', message: expect.any(String) }]);
    expect(e.message).not.toContain(token);
  }
  await expect(readControlPlaneVersions(parsed as never, [])).rejects.toMatchObject({ name: 'ValidationError', issues: [{ path: 'kubeConfig', message: expect.stringContaining(rule) }] });
  // the real KubeConfig (and one whose prototype is it, as the audit wrapper makes) is accepted
  expect(new NodeOperations(Object.create(c.kubeConfig), { name: 'prod', namespace: 'tenants' })).toBeInstanceOf(NodeOperations);
  expect(c.management.requests).toEqual([]);
});
