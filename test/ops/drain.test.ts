/**
 * drain: cordon, then evictions through the Eviction API (policy/v1) on the workload fake.
 *
 * Fake gaps that matter here: no kubelet, so an evicted pod without finalizers is gone at once (the
 * "wait until gone" loop is exercised with a pod that keeps a finalizer); PDB status is computed at
 * eviction time (no disruption-controller lag). Waits use a fake clock: no real sleeping.
 */
import { ApiException } from '@kubernetes/client-node';
import { DrainProgress, DrainTimeout, NodeOperationRefused } from '../../lib/ops';
import { blockingBudget } from '../../lib/ops/drain';
import { Clusters, fakeClock, pod, startClusters, writeLines } from './harness';

let c: Clusters;
beforeEach(async () => { c = await startClusters(); });
afterEach(async () => { await c.close(); });

function seedW1() {
  c.workload.seed([
    pod('web-1', 'w-1', { owner: 'ReplicaSet', labels: { app: 'web' } }),
    pod('web-2', 'w-2', { owner: 'ReplicaSet', labels: { app: 'web' } }),
    pod('agent-w1', 'w-1', { owner: 'DaemonSet' }),
    pod('static-w1', 'w-1', { mirror: true, namespace: 'kube-system' }),
  ]);
}

const evictions = (c: Clusters) => c.workload.writes().filter((r) => r.path.endsWith('/eviction'));

test('drain cordons, evicts through policy/v1 Eviction, and leaves DaemonSet and mirror pods', async () => {
  seedW1();
  const result = await c.ops({ clock: fakeClock() }).drain('w-1');
  expect(result).toMatchObject({
    changed: true,
    evicted: [{ namespace: 'default', name: 'web-1' }],
    skipped: expect.arrayContaining([{ namespace: 'default', name: 'agent-w1', reason: 'DaemonSet' }, { namespace: 'kube-system', name: 'static-w1', reason: 'MirrorPod' }]),
    summary: 'drained node w-1: 1 pod evicted, 2 skipped (DaemonSet, MirrorPod)',
  });
  expect(c.workload.writes().map((r) => `${r.method} ${r.path}`)).toEqual([
    'PATCH /api/v1/nodes/w-1',
    'POST /api/v1/namespaces/default/pods/web-1/eviction',
  ]);
  expect(evictions(c)[0].body).toEqual({ apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name: 'web-1', namespace: 'default' } });
  expect(c.workload.get('v1', 'Pod', 'default', 'web-1')).toBeUndefined();
  expect(c.workload.get('v1', 'Pod', 'default', 'agent-w1')).toBeDefined();
  expect(c.workload.get('v1', 'Pod', 'kube-system', 'static-w1')).toBeDefined();
  expect(c.workload.get('v1', 'Pod', 'default', 'web-2')).toBeDefined();
  // The pod list is asked by field selector, as kubectl does.
  expect(c.workload.requests.find((r) => r.path === '/api/v1/pods')?.query).toMatchObject({ fieldSelector: 'spec.nodeName=w-1' });
});

test('drain is idempotent: a drained node gets no write', async () => {
  seedW1();
  const ops = c.ops({ clock: fakeClock() });
  await ops.drain('w-1');
  c.workload.reset();
  expect(await ops.drain('w-1')).toMatchObject({ changed: false, requests: [], evicted: [] });
  expect(c.workload.writes()).toEqual([]);
});

test('a pod with emptyDir data refuses the drain before any write (not even the cordon)', async () => {
  seedW1();
  c.workload.seed(pod('cache-1', 'w-1', { owner: 'ReplicaSet', emptyDir: true }));
  const e = await c.ops({ clock: fakeClock() }).drain('w-1').catch((x) => x);
  expect(e).toBeInstanceOf(NodeOperationRefused);
  expect(e.reason).toBe('EmptyDirData');
  expect(e.message).toBe('drain w-1 refused (EmptyDirData): pod default/cache-1 uses emptyDir volumes whose data eviction deletes; pass deleteEmptyDirData (--delete-emptydir-data) to evict them anyway');
  expect(writeLines(c)).toEqual([]);
  expect(c.workload.get('v1', 'Node', undefined, 'w-1').spec.unschedulable).toBeUndefined();
});

test('with deleteEmptyDirData the emptyDir pod is evicted', async () => {
  seedW1();
  c.workload.seed(pod('cache-1', 'w-1', { owner: 'ReplicaSet', emptyDir: true }));
  const result = await c.ops({ clock: fakeClock() }).drain('w-1', { deleteEmptyDirData: true });
  expect(result.evicted.map((p) => p.name).sort()).toEqual(['cache-1', 'web-1']);
  expect(c.workload.get('v1', 'Pod', 'default', 'cache-1')).toBeUndefined();
});

test('a 429 from a PodDisruptionBudget is retried with backoff, the budget reported, then the eviction succeeds', async () => {
  seedW1();
  c.workload.blockEvictions(2, { pod: 'web-1', pdb: 'web-pdb' });
  const clock = fakeClock();
  const progress: DrainProgress[] = [];
  const result = await c.ops({ clock }).drain('w-1', { onProgress: (p) => progress.push(p) });
  expect(result.evicted).toEqual([{ namespace: 'default', name: 'web-1' }]);
  expect(evictions(c).map((r) => r.status)).toEqual([429, 429, 201]);
  expect(clock.slept).toEqual([1000, 2000]);
  expect(progress[0]).toEqual({ node: 'w-1', podsLeft: 1, evicted: 0, pods: [{ namespace: 'default', name: 'web-1', blockedBy: 'web-pdb' }] });
  expect(progress[progress.length - 1]).toMatchObject({ podsLeft: 0, evicted: 1 });
  // Every attempt is recorded in the result.
  expect(result.requests.filter((r) => r.method === 'POST')).toHaveLength(3);
});

test('a drain a real PodDisruptionBudget blocks times out, naming the pod and the budget; the node stays cordoned', async () => {
  seedW1();
  // Both web pods Ready, minAvailable 2: the budget allows no disruption.
  c.workload.seed({ apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'web', namespace: 'default' }, spec: { minAvailable: 2, selector: { matchLabels: { app: 'web' } } } });
  const clock = fakeClock();
  const e = await c.ops({ clock }).drain('w-1', { timeoutSeconds: 60 }).catch((x) => x);
  expect(e).toBeInstanceOf(DrainTimeout);
  expect(e).toMatchObject({ reason: 'DrainTimeout', timeoutSeconds: 60, remaining: [{ namespace: 'default', name: 'web-1', blockedBy: 'web' }] });
  expect(e.message).toBe('drain w-1 timed out after 60s with 1 pod left: default/web-1 (blocked by PodDisruptionBudget web); the node stays cordoned');
  // Backoff doubles up to its 16 s cap, and the last sleep is cut to the deadline.
  expect(clock.slept).toEqual([1000, 2000, 4000, 8000, 16000, 16000, 13000]);
  expect(clock.slept.reduce((a, b) => a + b)).toBe(60000);
  expect(e.requests.map((r: { method: string }) => r.method)).toEqual(['PATCH', ...Array(8).fill('POST')]);
  expect(c.workload.get('v1', 'Node', undefined, 'w-1').spec.unschedulable).toBe(true);
  expect(c.workload.get('v1', 'Pod', 'default', 'web-1')).toBeDefined();
});

test('an evicted pod that lingers (finalizer) is waited for until it is gone', async () => {
  c.workload.seed({ ...pod('slow-1', 'w-1', { owner: 'ReplicaSet' }), metadata: { ...pod('slow-1', 'w-1', { owner: 'ReplicaSet' }).metadata, finalizers: ['example.com/flush'] } });
  const clock = fakeClock();
  let polls = 0;
  const result = await c.ops({ clock: { ...clock, sleep: async (ms) => { await clock.sleep(ms); if (++polls === 3) c.workload.removeFinalizers('v1', 'Pod', 'default', 'slow-1'); } } }).drain('w-1');
  expect(result.evicted).toEqual([{ namespace: 'default', name: 'slow-1' }]);
  expect(clock.slept).toEqual([1000, 1000, 1000]);
  expect(evictions(c)).toHaveLength(1);
  expect(c.workload.get('v1', 'Pod', 'default', 'slow-1')).toBeUndefined();
});

test('a pod already terminating is waited for, not evicted again', async () => {
  const p = pod('leaving-1', 'w-1', { owner: 'ReplicaSet' });
  c.workload.seed({ ...p, metadata: { ...p.metadata, finalizers: ['example.com/flush'], deletionTimestamp: '2026-12-02T06:00:00Z' } });
  const clock = fakeClock();
  const result = await c.ops({ clock: { ...clock, sleep: async (ms) => { await clock.sleep(ms); c.workload.removeFinalizers('v1', 'Pod', 'default', 'leaving-1'); } } }).drain('w-1');
  expect(evictions(c)).toEqual([]);
  expect(result.evicted).toEqual([]);
  expect(clock.slept).toEqual([1000]);
});

test('a pod no controller manages refuses the drain before anything is written, as kubectl drain does without --force', async () => {
  c.workload.seed([pod('bare', 'w-1'), pod('web-9', 'w-1', { owner: 'ReplicaSet' })]);
  const e = await c.ops({ clock: fakeClock() }).drain('w-1').catch((x) => x);
  expect(e).toMatchObject({ name: 'NodeOperationRefused', reason: 'UnmanagedPods', message: 'drain w-1 refused (UnmanagedPods): pod default/bare is managed by no controller, so nothing recreates it after eviction; pass force (--force) to evict it anyway' });
  expect(c.workload.writes()).toEqual([]);
});

test('finished pods are evicted even with emptyDir; with force a pod without a controller is evicted with a warning', async () => {
  c.workload.seed([
    pod('job-done', 'w-1', { owner: 'Job', emptyDir: true, phase: 'Succeeded' }),
    pod('bare', 'w-1'),
  ]);
  const result = await c.ops({ clock: fakeClock() }).drain('w-1', { force: true });
  expect(result.evicted.map((p) => p.name).sort()).toEqual(['bare', 'job-done']);
  expect(result.warnings).toEqual(['pod default/bare has no controller: nothing recreates it after eviction']);
});

test('a pod gone before its eviction (404) counts as drained', async () => {
  seedW1();
  c.workload.failNext({ method: 'POST', path: '/api/v1/namespaces/default/pods/web-1/eviction', status: 404 });
  const result = await c.ops({ clock: fakeClock() }).drain('w-1');
  expect(result.evicted).toEqual([]);
  expect(evictions(c).map((r) => r.status)).toEqual([404]);
});

test('an eviction error other than 404/429 fails the drain with the API error', async () => {
  seedW1();
  c.workload.failNext({ method: 'POST', path: '/api/v1/namespaces/default/pods/web-1/eviction', status: 500, message: 'etcd unavailable' });
  await expect(c.ops({ clock: fakeClock() }).drain('w-1')).rejects.toMatchObject({ code: 500 });
});

test('dry run plans the cordon and the evictions and sends none', async () => {
  seedW1();
  const result = await c.ops({ dryRun: true, clock: fakeClock() }).drain('w-1');
  expect(result.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['PATCH /api/v1/nodes/w-1', 'POST /api/v1/namespaces/default/pods/web-1/eviction']);
  expect(writeLines(c)).toEqual([]);
  expect(c.workload.get('v1', 'Pod', 'default', 'web-1')).toBeDefined();
});

test('the blocking budget is read from the 429 Status kube-apiserver sends (cause key `reason`)', () => {
  const status = {
    kind: 'Status', apiVersion: 'v1', status: 'Failure', code: 429, reason: 'TooManyRequests',
    message: "Cannot evict pod as it would violate the pod's disruption budget.",
    details: { causes: [{ reason: 'DisruptionBudget', message: 'The disruption budget web-pdb needs 2 healthy pods and has 2 currently' }], retryAfterSeconds: 10 },
  };
  expect(blockingBudget(new ApiException(429, 'Unknown API Status Code!', JSON.stringify(status), {}))).toBe('web-pdb');
  expect(blockingBudget(new ApiException(429, 'Unknown API Status Code!', JSON.stringify({ ...status, details: {} }), {}))).toBeUndefined();
  expect(blockingBudget(new Error('socket hang up'))).toBeUndefined();
});
