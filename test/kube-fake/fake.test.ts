/**
 * kube-fake driven through the real @kubernetes/client-node 1.4.0 over loopback HTTP.
 *
 * How a caller picks the patch type with client-node 1.4.0 (checked below against the requests the
 * fake records): the typed `patchX` calls send `application/json-patch+json` by default; pass
 * `setHeaderOptions('Content-Type', PatchStrategy.MergePatch)` (or StrategicMergePatch, ServerSideApply)
 * as the options argument to send another type. `KubernetesObjectApi.patch` takes the strategy as its
 * 6th argument (default strategic merge, which custom resources refuse with 415).
 */
import * as http from 'http';
import {
  ApiException, AuthenticationV1Api, AuthorizationV1Api, CoreV1Api, CustomObjectsApi, KubeConfig, KubernetesObjectApi,
  PatchStrategy, PolicyV1Api, setHeaderOptions,
} from '@kubernetes/client-node';
import { EVICTION_BLOCKED, KubeFake, startKubeFake } from '../support/kube-fake';

const CAPI = 'cluster.x-k8s.io';
const MERGE = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
const STRATEGIC = setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch);

/** The Status a failed call answered (fails the test if the call succeeded). */
async function statusOf(p: Promise<unknown>): Promise<any> {
  try {
    await p;
  } catch (e) {
    if (!(e instanceof ApiException)) throw e;
    const body = typeof e.body === 'string' ? JSON.parse(e.body) : e.body;
    return { httpCode: e.code, ...body };
  }
  throw new Error('expected the call to fail');
}

/** A raw request, for inputs the client would never send. */
function raw(fake: KubeFake, method: string, path: string, body?: string | Buffer, headers: Record<string, string> = {}): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${fake.url}${path}`, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let parsed: any = text;
        try { parsed = JSON.parse(text); } catch { /* text */ }
        resolve({ status: res.statusCode ?? 0, body: parsed });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

const node = (name: string, extra: Record<string, any> = {}) => ({ apiVersion: 'v1', kind: 'Node', metadata: { name, labels: { 'node-role.kubernetes.io/worker': '' } }, spec: {}, ...extra });
const readyPod = (name: string, labels: Record<string, string>, nodeName = 'n1', extraMeta: Record<string, any> = {}) => ({
  apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'apps', labels, ...extraMeta },
  spec: { nodeName, containers: [{ name: 'c', image: 'busybox' }] },
  status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] },
});
const machine = (name: string, version = 'v1beta2') => ({
  apiVersion: `${CAPI}/${version}`, kind: 'Machine',
  metadata: { name, namespace: 'default', labels: { [`${CAPI}/cluster-name`]: 'c1' } },
  spec: { clusterName: 'c1', bootstrap: { dataSecretName: `${name}-bootstrap` } },
});

let fake: KubeFake;
let kc: KubeConfig;
let core: CoreV1Api;
let custom: CustomObjectsApi;
let objects: KubernetesObjectApi;

beforeEach(async () => {
  fake = await startKubeFake();
  kc = fake.kubeConfig();
  core = kc.makeApiClient(CoreV1Api);
  custom = kc.makeApiClient(CustomObjectsApi);
  objects = KubernetesObjectApi.makeApiClient(kc);
});
afterEach(() => fake.close());

describe('kubeconfig and discovery', () => {
  test('the kubeconfig points at the fake over http with the token', () => {
    const cluster = kc.getCurrentCluster()!;
    expect(cluster.server).toBe(fake.url);
    expect(cluster.server).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(kc.getCurrentUser()!.token).toBe('kube-fake-admin');
    expect(fake.kubeconfigYaml('other')).toContain('token: other');
  });

  test('every request carries the bearer token and is recorded', async () => {
    const fake2 = await startKubeFake({ requireAuth: true, tokens: { t1: { username: 'alice', groups: ['system:masters'] } } });
    try {
      await expect(fake2.kubeConfig('t1').makeApiClient(CoreV1Api).listNode()).resolves.toMatchObject({ items: [] });
      // client-node drops the body of a 401; the fake answers a Status all the same.
      expect((await statusOf(fake2.kubeConfig('wrong').makeApiClient(CoreV1Api).listNode())).httpCode).toBe(401);
      expect((await statusOf(fake2.kubeConfig(null).makeApiClient(CoreV1Api).listNode())).httpCode).toBe(401);
      expect(fake2.requests.map((r) => [r.user, r.status])).toEqual([['alice', 200], [undefined, 401], [undefined, 401]]);
      expect(fake2.requests[1].response).toEqual({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'Unauthorized', reason: 'Unauthorized', code: 401 });
    } finally {
      await fake2.close();
    }
  });

  test('discovery documents resolve kinds to plurals for KubernetesObjectApi', async () => {
    const groups = (await raw(fake, 'GET', '/apis')).body;
    expect(groups.kind).toBe('APIGroupList');
    const capi = groups.groups.find((g: any) => g.name === CAPI);
    expect(capi.versions.map((v: any) => v.version)).toEqual(['v1beta2', 'v1beta1']);
    expect(capi.preferredVersion.version).toBe('v1beta2');
    const core1 = (await raw(fake, 'GET', '/api/v1')).body;
    expect(core1.resources).toEqual(expect.arrayContaining([
      expect.objectContaining({ name: 'nodes', kind: 'Node', namespaced: false }),
      expect.objectContaining({ name: 'pods/eviction', kind: 'Eviction', group: 'policy', verbs: ['create'] }),
    ]));
    expect((await raw(fake, 'GET', '/apis/helm.toolkit.fluxcd.io/v2')).body.resources).toEqual(expect.arrayContaining([
      expect.objectContaining({ name: 'helmreleases', kind: 'HelmRelease', namespaced: true }),
    ]));
    expect((await raw(fake, 'GET', '/apis/nope.example.com/v1')).status).toBe(404);

    const created = await objects.create<any>(machine('m1'));
    expect(created.metadata!.uid).toBeDefined();
    const read = await objects.read({ apiVersion: `${CAPI}/v1beta2`, kind: 'Machine', metadata: { name: 'm1', namespace: 'default' } });
    expect((read as any).spec.clusterName).toBe('c1');
    const listed = await objects.list(`${CAPI}/v1beta2`, 'Machine', 'default', undefined, undefined, undefined, undefined, `${CAPI}/cluster-name=c1`);
    expect(listed.items.map((m) => [m.apiVersion, m.metadata!.name])).toEqual([[`${CAPI}/v1beta2`, 'm1']]);
    expect(fake.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      'GET /apis', 'GET /api/v1', 'GET /apis/helm.toolkit.fluxcd.io/v2', 'GET /apis/nope.example.com/v1',
      `GET /apis/${CAPI}/v1beta2`, `POST /apis/${CAPI}/v1beta2/namespaces/default/machines`,
      `GET /apis/${CAPI}/v1beta2/namespaces/default/machines/m1`, `GET /apis/${CAPI}/v1beta2/namespaces/default/machines`,
    ]);
  });

  test('one object per group/kind, answered in the version of the request', async () => {
    await custom.createNamespacedCustomObject({ group: CAPI, version: 'v1beta1', namespace: 'default', plural: 'machines', body: machine('m1', 'v1beta1') });
    const v2 = await custom.getNamespacedCustomObject({ group: CAPI, version: 'v1beta2', namespace: 'default', plural: 'machines', name: 'm1' });
    expect(v2.apiVersion).toBe(`${CAPI}/v1beta2`);
    expect(fake.list('Machine')).toHaveLength(1);
    expect(fake.get(`${CAPI}/v1beta1`, 'Machine', 'default', 'm1').apiVersion).toBe(`${CAPI}/v1beta1`);
  });

  test('a registered type is served', async () => {
    fake.registerType({ group: 'example.com', version: 'v1', kind: 'Widget', plural: 'widgets', namespaced: true });
    await objects.create({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w', namespace: 'default' } });
    expect(fake.get('example.com/v1', 'Widget', 'default', 'w')).toMatchObject({ metadata: { name: 'w' } });
  });

  test('a second fake stands for the workload cluster, reached through a <cluster>-kubeconfig Secret', async () => {
    const workload = await startKubeFake({ name: 'workload', objects: [node('w1')] });
    try {
      fake.seed({
        apiVersion: 'v1', kind: 'Secret', metadata: { name: 'c1-kubeconfig', namespace: 'default', labels: { [`${CAPI}/cluster-name`]: 'c1' } },
        type: 'cluster.x-k8s.io/secret', data: { value: Buffer.from(workload.kubeconfigYaml()).toString('base64') },
      });
      const secret = await core.readNamespacedSecret({ name: 'c1-kubeconfig', namespace: 'default' });
      const wkc = new KubeConfig();
      wkc.loadFromString(Buffer.from(secret.data!.value, 'base64').toString('utf8'));
      const nodes = await wkc.makeApiClient(CoreV1Api).listNode();
      expect(nodes.items.map((n) => n.metadata!.name)).toEqual(['w1']);
      expect(workload.requests).toHaveLength(1);
      expect(fake.requests.every((r) => !r.path.includes('nodes'))).toBe(true);
    } finally {
      await workload.close();
    }
  });
});

describe('CRUD', () => {
  test('create, get, list with selectors, replace with conflicts, delete', async () => {
    await core.createNamespace({ body: { metadata: { name: 'apps' } } });
    const created = await core.createNamespacedPod({ namespace: 'apps', body: readyPod('a', { app: 'web', tier: 'fe' }) as any });
    expect(created.metadata).toMatchObject({ name: 'a', namespace: 'apps', generation: 1 });
    expect(created.metadata!.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(created.metadata!.creationTimestamp).toBeInstanceOf(Date);
    // The status of a create through the main resource is dropped (status subresource).
    expect(created.status).toBeUndefined();
    await core.createNamespacedPod({ namespace: 'apps', body: readyPod('b', { app: 'web' }, 'n2') as any });
    await core.createNamespacedPod({ namespace: 'apps', body: readyPod('c', { app: 'db' }) as any });

    expect(await statusOf(core.createNamespacedPod({ namespace: 'apps', body: readyPod('a', {}) as any }))).toEqual({
      httpCode: 409, kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'pods "a" already exists',
      reason: 'AlreadyExists', details: { name: 'a', group: '', kind: 'pods' }, code: 409,
    });
    expect(await statusOf(core.readNode({ name: 'ghost' }))).toMatchObject({ httpCode: 404, reason: 'NotFound', message: 'nodes "ghost" not found', code: 404 });

    const names = async (q: { labelSelector?: string; fieldSelector?: string }) =>
      (await core.listNamespacedPod({ namespace: 'apps', ...q })).items.map((p) => p.metadata!.name);
    expect(await names({ labelSelector: 'app=web' })).toEqual(['a', 'b']);
    expect(await names({ labelSelector: 'app!=web' })).toEqual(['c']);
    expect(await names({ labelSelector: 'tier' })).toEqual(['a']);
    expect(await names({ labelSelector: '!tier,app in (web,db)' })).toEqual(['b', 'c']);
    expect(await names({ fieldSelector: 'spec.nodeName=n1' })).toEqual(['a', 'c']);
    expect(await names({ fieldSelector: 'metadata.name=b' })).toEqual(['b']);
    expect((await core.listPodForAllNamespaces({ fieldSelector: 'metadata.namespace=apps,spec.nodeName!=n1' })).items.map((p) => p.metadata!.name)).toEqual(['b']);
    expect(await statusOf(names({ fieldSelector: 'spec.bogus=1' }))).toMatchObject({ httpCode: 400, message: 'field label not supported: spec.bogus' });
    expect((await statusOf(names({ labelSelector: 'a=(' }))).httpCode).toBe(400);

    const cm = await core.createNamespacedConfigMap({ namespace: 'apps', body: { metadata: { name: 'cfg' }, data: { k: 'v1' } } });
    const rv1 = cm.metadata!.resourceVersion!;
    const replaced = await core.replaceNamespacedConfigMap({ name: 'cfg', namespace: 'apps', body: { ...cm, data: { k: 'v2' } } });
    expect(Number(replaced.metadata!.resourceVersion)).toBeGreaterThan(Number(rv1));
    expect(replaced.metadata!.uid).toBe(cm.metadata!.uid);
    expect(await statusOf(core.replaceNamespacedConfigMap({ name: 'cfg', namespace: 'apps', body: { ...cm, data: { k: 'v3' } } }))).toMatchObject({
      httpCode: 409, reason: 'Conflict',
      message: 'Operation cannot be fulfilled on configmaps "cfg": the object has been modified; please apply your changes to the latest version and try again',
    });
    expect(fake.get('v1', 'ConfigMap', 'apps', 'cfg').data).toEqual({ k: 'v2' });
    // A no-op replace leaves the resourceVersion.
    const same = await core.replaceNamespacedConfigMap({ name: 'cfg', namespace: 'apps', body: replaced });
    expect(same.metadata!.resourceVersion).toBe(replaced.metadata!.resourceVersion);

    const del = await core.deleteNamespacedConfigMap({ name: 'cfg', namespace: 'apps' });
    expect(del).toMatchObject({ kind: 'Status', status: 'Success', details: { name: 'cfg', kind: 'configmaps' } });
    expect(fake.get('v1', 'ConfigMap', 'apps', 'cfg')).toBeUndefined();
    const deletedPod = await core.deleteNamespacedPod({ name: 'c', namespace: 'apps' });
    expect(deletedPod.metadata!.name).toBe('c');
    expect(fake.list('Pod', 'apps').map((p) => p.metadata.name)).toEqual(['a', 'b']);
  });

  test('generation bumps on spec changes only; resourceVersion on every change', async () => {
    const m = await custom.createNamespacedCustomObject({ group: CAPI, version: 'v1beta2', namespace: 'default', plural: 'machines', body: machine('m1') });
    const labelled = await custom.patchNamespacedCustomObject({ group: CAPI, version: 'v1beta2', namespace: 'default', plural: 'machines', name: 'm1', body: { metadata: { labels: { x: 'y' } } } }, MERGE);
    expect(labelled.metadata.generation).toBe(1);
    expect(Number(labelled.metadata.resourceVersion)).toBeGreaterThan(Number(m.metadata.resourceVersion));
    const specced = await custom.patchNamespacedCustomObject({ group: CAPI, version: 'v1beta2', namespace: 'default', plural: 'machines', name: 'm1', body: { spec: { version: 'v1.31.0' } } }, MERGE);
    expect(specced.metadata.generation).toBe(2);
  });

  test('finalizers hold a deleted object until a controller removes them', async () => {
    fake.seed({ ...machine('m1'), metadata: { ...machine('m1').metadata, finalizers: ['machine.cluster.x-k8s.io'] } });
    const answer = await custom.deleteNamespacedCustomObject({ group: CAPI, version: 'v1beta2', namespace: 'default', plural: 'machines', name: 'm1' });
    expect(answer.metadata.deletionTimestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(fake.get(`${CAPI}/v1beta2`, 'Machine', 'default', 'm1').metadata.deletionTimestamp).toBe(answer.metadata.deletionTimestamp);
    // No new finalizer on a deleting object.
    const add = await statusOf(custom.patchNamespacedCustomObject({ group: CAPI, version: 'v1beta2', namespace: 'default', plural: 'machines', name: 'm1', body: { metadata: { finalizers: ['machine.cluster.x-k8s.io', 'other'] } } }, MERGE));
    expect(add).toMatchObject({ httpCode: 403, reason: 'Forbidden' });
    fake.removeFinalizers(`${CAPI}/v1beta2`, 'Machine', 'default', 'm1');
    expect(fake.get(`${CAPI}/v1beta2`, 'Machine', 'default', 'm1')).toBeUndefined();
  });

  test('NamespaceLifecycle: no create in a missing namespace; deleting a namespace deletes its objects', async () => {
    expect(await statusOf(core.createNamespacedSecret({ namespace: 'nowhere', body: { metadata: { name: 's' } } }))).toMatchObject({ httpCode: 404, message: 'namespaces "nowhere" not found' });
    fake.seed([{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a', namespace: 'addon' } },
      { apiVersion: 'helm.toolkit.fluxcd.io/v2', kind: 'HelmRelease', metadata: { name: 'hr', namespace: 'addon', finalizers: ['finalizers.fluxcd.io'] }, spec: {} }]);
    await core.deleteNamespace({ name: 'addon' });
    expect(fake.get('v1', 'Namespace', undefined, 'addon').status.phase).toBe('Terminating');
    expect(fake.get('v1', 'ConfigMap', 'addon', 'a')).toBeUndefined();
    expect(await statusOf(core.createNamespacedConfigMap({ namespace: 'addon', body: { metadata: { name: 'b' } } }))).toMatchObject({ httpCode: 403, reason: 'Forbidden' });
    fake.removeFinalizers('helm.toolkit.fluxcd.io/v2', 'HelmRelease', 'addon', 'hr');
    expect(fake.get('v1', 'Namespace', undefined, 'addon')).toBeUndefined();
  });

  test('dryRun=All answers without storing', async () => {
    const rv = fake.resourceVersion;
    const cm = await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'dry' } }, dryRun: 'All' });
    expect(cm.metadata!.name).toBe('dry');
    expect(fake.get('v1', 'ConfigMap', 'default', 'dry')).toBeUndefined();
    fake.seed(node('n1'));
    await core.patchNode({ name: 'n1', body: { spec: { unschedulable: true } }, dryRun: 'All' }, MERGE);
    await core.deleteNode({ name: 'n1', dryRun: 'All' });
    expect(fake.get('v1', 'Node', undefined, 'n1').spec).toEqual({});
    expect(Number(fake.resourceVersion)).toBe(Number(rv) + 1);
  });
});

describe('patch types', () => {
  beforeEach(() => { fake.seed(node('n1')); });

  test('typed patch calls send a JSON patch unless the Content-Type is overridden', async () => {
    await core.patchNode({ name: 'n1', body: [{ op: 'add', path: '/spec/unschedulable', value: true }] });
    expect(fake.writes()[0]).toMatchObject({ method: 'PATCH', path: '/api/v1/nodes/n1', contentType: 'application/json-patch+json', status: 200, verb: 'patch', kind: 'Node', name: 'n1' });
    expect(fake.get('v1', 'Node', undefined, 'n1').spec.unschedulable).toBe(true);

    // A merge-patch body without the override is a malformed JSON patch.
    expect((await statusOf(core.patchNode({ name: 'n1', body: { spec: { unschedulable: false } } }))).httpCode).toBe(400);

    await core.patchNode({ name: 'n1', body: { spec: { unschedulable: null }, metadata: { labels: { a: 'b' } } } }, MERGE);
    expect(fake.writes()[2]).toMatchObject({ contentType: 'application/merge-patch+json', body: { spec: { unschedulable: null } } });
    expect(fake.get('v1', 'Node', undefined, 'n1')).toMatchObject({ spec: {}, metadata: { labels: { 'node-role.kubernetes.io/worker': '', a: 'b' } } });
  });

  test('JSON patch: every op, test failure 422, missing path 422', async () => {
    await core.patchNode({
      name: 'n1', body: [
        { op: 'test', path: '/metadata/name', value: 'n1' },
        { op: 'add', path: '/metadata/annotations', value: { 'a~b/c': '1' } },
        { op: 'copy', from: '/metadata/annotations/a~0b~1c', path: '/metadata/labels/copied' },
        { op: 'move', from: '/metadata/labels/copied', path: '/metadata/labels/moved' },
        { op: 'add', path: '/spec/taints', value: [{ key: 'k', effect: 'NoSchedule' }] },
        { op: 'add', path: '/spec/taints/-', value: { key: 'k2', effect: 'NoExecute' } },
        { op: 'replace', path: '/spec/taints/0/key', value: 'k0' },
        { op: 'remove', path: '/metadata/labels/node-role.kubernetes.io~1worker' },
      ],
    });
    expect(fake.get('v1', 'Node', undefined, 'n1')).toMatchObject({
      metadata: { annotations: { 'a~b/c': '1' }, labels: { moved: '1' } },
      spec: { taints: [{ key: 'k0', effect: 'NoSchedule' }, { key: 'k2', effect: 'NoExecute' }] },
    });
    expect(fake.get('v1', 'Node', undefined, 'n1').metadata.labels).toEqual({ moved: '1' });
    const rv = fake.resourceVersion;
    expect(await statusOf(core.patchNode({ name: 'n1', body: [{ op: 'test', path: '/spec/unschedulable', value: true }, { op: 'add', path: '/spec/x', value: 1 }] })))
      .toMatchObject({ httpCode: 422, reason: 'Invalid', message: expect.stringContaining('testing value /spec/unschedulable failed') });
    expect(await statusOf(core.patchNode({ name: 'n1', body: [{ op: 'remove', path: '/spec/nothing' }] }))).toMatchObject({ httpCode: 422 });
    expect(await statusOf(core.patchNode({ name: 'n1', body: [{ op: 'frobnicate', path: '/spec' }] }))).toMatchObject({ httpCode: 400 });
    expect(fake.resourceVersion).toBe(rv);
    // resourceVersion as an optimistic lock inside a patch
    expect(await statusOf(core.patchNode({ name: 'n1', body: { metadata: { resourceVersion: '1' } } }, MERGE))).toMatchObject({ httpCode: 409, reason: 'Conflict' });
  });

  test('strategic merge: merge semantics on built-in types, 415 for custom resources', async () => {
    await core.patchNode({ name: 'n1', body: { metadata: { labels: { s: 't' } } } }, STRATEGIC);
    expect(fake.get('v1', 'Node', undefined, 'n1').metadata.labels.s).toBe('t');
    expect(await statusOf(core.patchNode({ name: 'n1', body: { spec: { taints: [{ $patch: 'delete', key: 'k' }] } } }, STRATEGIC))).toMatchObject({ httpCode: 400 });
    fake.seed(machine('m1'));
    const s = await statusOf(objects.patch(machine('m1'), undefined, undefined, undefined, undefined, PatchStrategy.StrategicMergePatch));
    expect(s).toMatchObject({ httpCode: 415, reason: 'UnsupportedMediaType' });
    expect(await statusOf(core.patchNode({ name: 'n1', body: {} }, setHeaderOptions('Content-Type', 'text/plain')))).toMatchObject({ httpCode: 415 });
  });

  test('status subresource: status writes change only status, main writes keep it', async () => {
    fake.seed({ ...machine('m1'), status: { phase: 'Provisioning' } });
    const args = { group: CAPI, version: 'v1beta2', namespace: 'default', plural: 'machines', name: 'm1' };
    const after = await custom.patchNamespacedCustomObjectStatus({ ...args, body: { status: { phase: 'Running' }, spec: { clusterName: 'evil' } } }, MERGE);
    expect(after).toMatchObject({ status: { phase: 'Running' }, spec: { clusterName: 'c1' }, metadata: { generation: 1 } });
    await custom.patchNamespacedCustomObject({ ...args, body: { status: { phase: 'Deleting' }, spec: { version: 'v1.31.0' } } }, MERGE);
    expect(fake.get(`${CAPI}/v1beta2`, 'Machine', 'default', 'm1')).toMatchObject({ status: { phase: 'Running' }, spec: { version: 'v1.31.0' } });
    const st = await custom.getNamespacedCustomObjectStatus(args);
    expect(st.status.phase).toBe('Running');
    const hr = { apiVersion: 'helm.toolkit.fluxcd.io/v2', kind: 'HelmRelease', metadata: { name: 'hr', namespace: 'default' }, spec: { interval: '5m' } };
    fake.seed(hr);
    await custom.replaceNamespacedCustomObjectStatus({ group: 'helm.toolkit.fluxcd.io', version: 'v2', namespace: 'default', plural: 'helmreleases', name: 'hr', body: { ...hr, status: { conditions: [{ type: 'Ready', status: 'True' }] } } });
    expect(fake.get('helm.toolkit.fluxcd.io/v2', 'HelmRelease', 'default', 'hr').status.conditions[0].type).toBe('Ready');
    expect((await raw(fake, 'GET', '/api/v1/namespaces/default/configmaps/x/status')).status).toBe(404);
  });
});

describe('eviction', () => {
  const evict = (name: string) => core.createNamespacedPodEviction({
    name, namespace: 'apps', body: { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name, namespace: 'apps' } },
  });
  const pdb = (spec: Record<string, any>) => ({ apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'web-pdb', namespace: 'apps' }, spec: { selector: { matchLabels: { app: 'web' } }, ...spec } });

  test('allowed: 201 and the pod is gone; blocked: 429 naming the PDB', async () => {
    fake.seed([readyPod('a', { app: 'web' }), readyPod('b', { app: 'web' }), readyPod('other', { app: 'db' }), pdb({ minAvailable: 1 })]);
    expect(fake.pdbStatus('apps', 'web-pdb')).toEqual({ expectedPods: 2, currentHealthy: 2, desiredHealthy: 1, disruptionsAllowed: 1 });
    await expect(evict('a')).resolves.toMatchObject({ kind: 'Status' });
    expect(fake.writes()[0]).toMatchObject({ method: 'POST', path: '/api/v1/namespaces/apps/pods/a/eviction', status: 201, subresource: 'eviction', body: { kind: 'Eviction' } });
    expect(fake.get('v1', 'Pod', 'apps', 'a')).toBeUndefined();
    expect(await statusOf(evict('b'))).toEqual({
      httpCode: 429, kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', code: 429, reason: 'TooManyRequests',
      message: EVICTION_BLOCKED,
      details: { causes: [{ type: 'DisruptionBudget', message: 'The disruption budget web-pdb needs 1 healthy pods and has 1 currently' }] },
    });
    expect(EVICTION_BLOCKED).toBe("Cannot evict pod as it would violate the pod's disruption budget.");
    expect(fake.get('v1', 'Pod', 'apps', 'b')).toBeDefined();
    const read = await kc.makeApiClient(PolicyV1Api).readNamespacedPodDisruptionBudget({ name: 'web-pdb', namespace: 'apps' });
    expect(read.status).toMatchObject({ disruptionsAllowed: 0, currentHealthy: 1, desiredHealthy: 1, expectedPods: 1, conditions: [{ type: 'DisruptionAllowed', status: 'False', reason: 'InsufficientPods' }] });
    await evict('other');
    expect(await statusOf(evict('ghost'))).toMatchObject({ httpCode: 404, message: 'pods "ghost" not found' });
  });

  test('maxUnavailable and percentages; unready pods; finalizers; more than one PDB', async () => {
    fake.seed([readyPod('a', { app: 'web' }), readyPod('b', { app: 'web' }), readyPod('c', { app: 'web' }), pdb({ maxUnavailable: '34%' })]);
    // 34% of 3 rounds up to 2 unavailable: desiredHealthy 1.
    expect(fake.pdbStatus('apps', 'web-pdb')).toMatchObject({ desiredHealthy: 1, disruptionsAllowed: 2 });
    const unready = readyPod('d', { app: 'web' });
    unready.status.conditions = [{ type: 'Ready', status: 'False' }];
    fake.seed(unready);
    // Unready pod, budget healthy (3 >= 1): evicted without using a disruption.
    await evict('d');
    fake.seed({ ...readyPod('e', { app: 'web' }, 'n1', { finalizers: ['example.com/keep'] }) });
    await evict('e');
    expect(fake.get('v1', 'Pod', 'apps', 'e').metadata.deletionTimestamp).toBeDefined();
    const policy = kc.makeApiClient(PolicyV1Api);
    expect(await statusOf(policy.createNamespacedPodDisruptionBudget({ namespace: 'apps', body: { ...pdb({ minAvailable: '150%' }), metadata: { name: 'bad' } } as any })))
      .toMatchObject({ httpCode: 422, reason: 'Invalid', details: { causes: [{ field: 'spec.minAvailable' }] } });
    await policy.createNamespacedPodDisruptionBudget({ namespace: 'apps', body: { ...pdb({ minAvailable: 0 }), metadata: { name: 'second' } } as any });
    expect(await statusOf(evict('a'))).toMatchObject({ httpCode: 500, message: expect.stringContaining('more than one PodDisruptionBudget') });
  });

  test('scripted answers: block twice then allow', async () => {
    fake.seed(readyPod('a', { app: 'web' }));
    fake.blockEvictions(2, { pdb: 'scripted-pdb' });
    for (let i = 0; i < 2; i++) {
      expect(await statusOf(evict('a'))).toMatchObject({ httpCode: 429, details: { causes: [{ message: expect.stringContaining('scripted-pdb') }] } });
    }
    await evict('a');
    expect(fake.writes().map((w) => w.status)).toEqual([429, 429, 201]);
    fake.seed(readyPod('b', { app: 'web' }));
    const stop = fake.onEviction(() => ({ status: 500, message: 'etcd is sad' }));
    expect(await statusOf(evict('b'))).toMatchObject({ httpCode: 500, message: 'etcd is sad' });
    stop();
    await evict('b');
  });
});

describe('server-side apply', () => {
  const hr = (values: Record<string, any>, extra: Record<string, any> = {}) => ({
    apiVersion: 'helm.toolkit.fluxcd.io/v2', kind: 'HelmRelease', metadata: { name: 'hub', namespace: 'default', labels: { owner: 'api' } },
    spec: { interval: '10m', chart: { spec: { chart: 'jupyterhub', version: '3.3.8' } }, values, ...extra },
  });
  const apply = (obj: any, manager = 'addon-api', force?: boolean) =>
    objects.patch(obj, undefined, undefined, manager, force, PatchStrategy.ServerSideApply);

  test('create if absent, update, removal of dropped fields, managedFields', async () => {
    const created = await apply(hr({ a: 1 }, { suspend: false }));
    expect(fake.writes()[0]).toMatchObject({ contentType: 'application/apply-patch+yaml', query: { fieldManager: 'addon-api' }, status: 201 });
    expect(created.metadata!.managedFields).toEqual([expect.objectContaining({
      manager: 'addon-api', operation: 'Apply', apiVersion: 'helm.toolkit.fluxcd.io/v2', fieldsType: 'FieldsV1',
      fieldsV1: {
        'f:metadata': { 'f:labels': { 'f:owner': {} } },
        'f:spec': { 'f:interval': {}, 'f:chart': { 'f:spec': { 'f:chart': {}, 'f:version': {} } }, 'f:values': { 'f:a': {} }, 'f:suspend': {} },
      },
    })]);
    const updated = await apply(hr({ a: 2 }));
    expect((updated as any).spec).toEqual({ interval: '10m', chart: { spec: { chart: 'jupyterhub', version: '3.3.8' } }, values: { a: 2 } });
    expect(updated.metadata!.generation).toBe(2);
    const again = await apply(hr({ a: 2 }));
    expect(again.metadata!.resourceVersion).toBe(updated.metadata!.resourceVersion);
    // The same apply through another served version is a no-op as well.
    fake.registerType({ group: 'helm.toolkit.fluxcd.io', version: 'v2beta2', kind: 'HelmRelease', plural: 'helmreleases', namespaced: true, subresources: ['status'] });
    const older = await objects.patch<any>({ ...hr({ a: 2 }), apiVersion: 'helm.toolkit.fluxcd.io/v2beta2' }, undefined, undefined, 'addon-api', undefined, PatchStrategy.ServerSideApply);
    expect(older.metadata!.resourceVersion).toBe(updated.metadata!.resourceVersion);
    expect(fake.list('HelmRelease')).toHaveLength(1);
  });

  test('conflict with another manager, shared equal values, force takes over', async () => {
    await apply(hr({ a: 1 }));
    // Another manager changes a field with a merge patch (Update): it takes the field over without conflict.
    await custom.patchNamespacedCustomObject({ group: 'helm.toolkit.fluxcd.io', version: 'v2', namespace: 'default', plural: 'helmreleases', name: 'hub', body: { spec: { values: { a: 5 } } } }, setHeaderOptions('Content-Type', PatchStrategy.MergePatch, { middleware: [setHeaderOptions('User-Agent', 'kubectl/v1.31').middleware![0]] }));
    const managers = fake.get('helm.toolkit.fluxcd.io/v2', 'HelmRelease', 'default', 'hub').metadata.managedFields.map((m: any) => `${m.manager}:${m.operation}`);
    expect(managers).toEqual(['addon-api:Apply', 'kubectl:Update']);
    // The same value from a second applier is shared ownership.
    await apply({ apiVersion: 'helm.toolkit.fluxcd.io/v2', kind: 'HelmRelease', metadata: { name: 'hub', namespace: 'default' }, spec: { interval: '10m' } }, 'other');
    const conflict = await statusOf(apply(hr({ a: 1 })));
    expect(conflict).toMatchObject({
      httpCode: 409, reason: 'Conflict',
      message: 'Apply failed with 1 conflict: conflict with "kubectl" using helm.toolkit.fluxcd.io/v2: .spec.values.a',
      details: { causes: [{ type: 'FieldManagerConflict', field: '.spec.values.a' }] },
    });
    expect(fake.get('helm.toolkit.fluxcd.io/v2', 'HelmRelease', 'default', 'hub').spec.values.a).toBe(5);
    const two = await statusOf(apply({ ...hr({ a: 1 }), spec: { ...hr({ a: 1 }).spec, interval: '1m' } }));
    expect(two.message).toMatch(/^Apply failed with 2 conflicts: conflict with "kubectl" using helm.toolkit.fluxcd.io\/v2:\n- \.spec\.values\.a\nconflict with "other" using helm.toolkit.fluxcd.io\/v2:\n- \.spec\.interval$/);
    await apply(hr({ a: 1 }), 'addon-api', true);
    const after = fake.get('helm.toolkit.fluxcd.io/v2', 'HelmRelease', 'default', 'hub');
    expect(after.spec.values.a).toBe(1);
    expect(after.metadata.managedFields.map((m: any) => m.manager)).toEqual(['addon-api', 'other']);
  });

  test('fieldManager is required; name must match; force only for apply', async () => {
    expect(await statusOf(objects.patch(hr({}), undefined, undefined, undefined, undefined, PatchStrategy.ServerSideApply))).toMatchObject({ httpCode: 400, message: expect.stringContaining('fieldManager') });
    const r = await raw(fake, 'PATCH', '/apis/helm.toolkit.fluxcd.io/v2/namespaces/default/helmreleases/other?fieldManager=m', 'apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: hub\n', { 'Content-Type': 'application/apply-patch+yaml' });
    expect(r).toMatchObject({ status: 400, body: { message: 'the name of the object (hub) does not match the name on the URL (other)' } });
    const y = await raw(fake, 'PATCH', '/apis/helm.toolkit.fluxcd.io/v2/namespaces/default/helmreleases/hub?fieldManager=m', 'apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: hub\nspec:\n  interval: 1m\n', { 'Content-Type': 'application/apply-patch+yaml' });
    expect(y.status).toBe(201);
    fake.seed(node('n1'));
    expect(await statusOf(core.patchNode({ name: 'n1', body: { spec: {} }, force: true }, MERGE))).toMatchObject({ httpCode: 400 });
  });
});

describe('reviews and authorization', () => {
  test('TokenReview answers from the token map', async () => {
    fake.addToken('alice-token', { username: 'alice', uid: 'u-1', groups: ['devs'] });
    const authn = kc.makeApiClient(AuthenticationV1Api);
    const ok = await authn.createTokenReview({ body: { spec: { token: 'alice-token', audiences: ['addon-api'] } } });
    expect(ok.status).toEqual({ authenticated: true, user: { username: 'alice', uid: 'u-1', groups: ['devs'] }, audiences: ['addon-api'] });
    const bad = await authn.createTokenReview({ body: { spec: { token: 'nope' } } });
    expect(bad.status!.authenticated).toBeFalsy();
    expect(fake.writes().map((w) => [w.path, w.status])).toEqual([['/apis/authentication.k8s.io/v1/tokenreviews', 201], ['/apis/authentication.k8s.io/v1/tokenreviews', 201]]);
  });

  test('SubjectAccessReview asks the authorizer with the request attributes', async () => {
    const seen: any[] = [];
    fake.setAuthorizer((a) => {
      seen.push(a);
      return a.user === 'alice' && a.namespace === 'team-a' ? { allowed: true, reason: 'RBAC: allowed by RoleBinding' } : { allowed: false, reason: 'no binding' };
    });
    const authz = kc.makeApiClient(AuthorizationV1Api);
    const sar = (namespace: string) => authz.createSubjectAccessReview({
      body: { spec: { user: 'alice', groups: ['devs'], resourceAttributes: { namespace, verb: 'create', group: 'helm.toolkit.fluxcd.io', resource: 'helmreleases' } } },
    });
    expect((await sar('team-a')).status).toEqual({ allowed: true, reason: 'RBAC: allowed by RoleBinding' });
    expect((await sar('team-b')).status).toEqual({ allowed: false, reason: 'no binding' });
    expect(seen[0]).toMatchObject({ user: 'alice', groups: ['devs'], verb: 'create', group: 'helm.toolkit.fluxcd.io', resource: 'helmreleases', namespace: 'team-a' });
    expect(await statusOf(authz.createSubjectAccessReview({ body: { spec: { resourceAttributes: { verb: 'get' } } } }))).toMatchObject({ httpCode: 422 });
  });

  test('authorizeRequests: the fake answers 403 with kube-apiserver\'s text', async () => {
    const guarded = await startKubeFake({
      requireAuth: true, authorizeRequests: true, tokens: { bob: { username: 'bob', groups: [] } },
      authorizer: (a) => a.verb === 'get' || a.verb === 'list',
    });
    try {
      guarded.seed(node('n1'));
      const bob = guarded.kubeConfig('bob').makeApiClient(CoreV1Api);
      await expect(bob.readNode({ name: 'n1' })).resolves.toBeDefined();
      expect(await statusOf(bob.patchNode({ name: 'n1', body: { spec: { unschedulable: true } } }, MERGE))).toMatchObject({
        httpCode: 403, reason: 'Forbidden', message: 'nodes "n1" is forbidden: User "bob" cannot patch resource "nodes" in API group "" at the cluster scope',
      });
      expect(guarded.get('v1', 'Node', undefined, 'n1').spec).toEqual({});
    } finally {
      await guarded.close();
    }
  });
});

describe('fault injection and robustness', () => {
  test('failNext answers the scripted Status for matching requests only, then recovers', async () => {
    fake.seed(node('n1'));
    fake.failNext({ method: 'GET', path: /\/nodes\/n1$/, status: 503, times: 2 });
    fake.failNext({ method: 'PATCH', status: 409, message: 'scripted conflict' });
    expect(await statusOf(core.readNode({ name: 'n1' }))).toMatchObject({ httpCode: 503, reason: 'ServiceUnavailable' });
    await expect(core.listNode()).resolves.toBeDefined();
    expect((await statusOf(core.readNode({ name: 'n1' }))).httpCode).toBe(503);
    await expect(core.readNode({ name: 'n1' })).resolves.toBeDefined();
    expect(await statusOf(core.patchNode({ name: 'n1', body: { spec: { unschedulable: true } } }, MERGE))).toMatchObject({ httpCode: 409, reason: 'Conflict', message: 'scripted conflict' });
    expect(fake.get('v1', 'Node', undefined, 'n1').spec.unschedulable).toBeUndefined();
    await core.patchNode({ name: 'n1', body: { spec: { unschedulable: true } } }, MERGE);
    expect(fake.requests.map((r) => r.status)).toEqual([503, 200, 503, 200, 409, 200]);
    fake.reset();
    expect(fake.requests).toHaveLength(0);
  });

  test('latency injection delays matching requests only', async () => {
    fake.setLatency({ ms: 300, path: '/api/v1/nodes' });
    const done: string[] = [];
    const slow = core.listNode().then(() => done.push('nodes'));
    const fast = core.listNamespace().then(() => done.push('namespaces'));
    await Promise.all([slow, fast]);
    expect(done).toEqual(['namespaces', 'nodes']);
    fake.setLatency(undefined);
  });

  test('malformed input answers 4xx and the fake keeps serving', async () => {
    const small = await startKubeFake({ maxBodyBytes: 1024 });
    try {
      const post = (body: string | Buffer, ct = 'application/json') => raw(small, 'POST', '/api/v1/namespaces/default/configmaps', body, { 'Content-Type': ct });
      expect((await post('{not json')).body).toMatchObject({ kind: 'Status', code: 400, reason: 'BadRequest' });
      expect((await post('[1,2]')).status).toBe(400);
      expect((await post('"str"')).status).toBe(400);
      expect((await post(JSON.stringify({ metadata: { name: 'UPPER' } }))).body).toMatchObject({ code: 422, reason: 'Invalid' });
      expect((await post(JSON.stringify({ metadata: 'x' }))).status).toBe(400);
      expect((await post(JSON.stringify({ kind: 'Secret', metadata: { name: 'x' } }))).status).toBe(400);
      expect((await post(Buffer.alloc(4096, 'a'))).body).toMatchObject({ code: 413, reason: 'RequestEntityTooLarge' });
      expect((await raw(small, 'GET', '/api/v1/nopes')).status).toBe(404);
      expect((await raw(small, 'GET', '/api/v1/namespaces/default/pods/a/b/c')).status).toBe(404);
      expect((await raw(small, 'GET', '/api/v1/pods/%E0%A4%A')).status).toBe(400);
      expect((await raw(small, 'GET', '/api/v1/pods?watch=true')).status).toBe(405);
      expect((await raw(small, 'PUT', '/api/v1/pods')).status).toBe(405);
      expect((await raw(small, 'POST', '/api/v1/nodes/n1', JSON.stringify({ metadata: { name: 'n1' } }), { 'Content-Type': 'application/json' })).status).toBe(405);
      expect(small.list('Node')).toEqual([]);
      expect((await raw(small, 'GET', '/api/v1/pods?continue=@@')).status).toBe(400);
      expect((await raw(small, 'PATCH', '/apis/helm.toolkit.fluxcd.io/v2/namespaces/default/helmreleases/x?fieldManager=m', ': : :\n\t-', { 'Content-Type': 'application/apply-patch+yaml' })).status).toBe(400);
      const ok = await small.kubeConfig().makeApiClient(CoreV1Api).createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'fine' } } });
      expect(ok.metadata!.name).toBe('fine');
    } finally {
      await small.close();
    }
  });

  test('list paging with limit and continue', async () => {
    fake.seed(['a', 'b', 'c'].map((n) => node(n)));
    const p1 = await core.listNode({ limit: 2 });
    expect(p1.items.map((n) => n.metadata!.name)).toEqual(['a', 'b']);
    const p2 = await core.listNode({ limit: 2, _continue: p1.metadata!._continue });
    expect(p2.items.map((n) => n.metadata!.name)).toEqual(['c']);
    expect(p2.metadata!._continue).toBeUndefined();
  });

  test('onChange sees writes, so a test can play a controller', async () => {
    // A MachineSet controller stand-in: a deleted Machine is replaced.
    fake.onChange((e) => {
      if (e.kind === 'Machine' && e.type === 'DELETED') fake.seed(machine(`${e.object.metadata.name}-r`));
    });
    fake.seed(machine('m1'));
    await custom.deleteNamespacedCustomObject({ group: CAPI, version: 'v1beta2', namespace: 'default', plural: 'machines', name: 'm1' });
    expect(fake.list('Machine').map((m) => m.metadata.name)).toEqual(['m1-r']);
  });
});

describe('fuzzed requests', () => {
  test('random methods, paths, content types and bodies never answer 5xx or stop the fake', async () => {
    const fc = await import('fast-check');
    fake.seed([node('n1'), readyPod('p', { app: 'web' }), machine('m1')]);
    const paths = [
      '/api/v1/nodes', '/api/v1/nodes/n1', '/api/v1/nodes/n1/status', '/api/v1/namespaces/apps/pods/p', '/api/v1/namespaces/apps/pods/p/eviction',
      '/api/v1/namespaces', '/api/v1/namespaces/apps', `/apis/${CAPI}/v1beta2/namespaces/default/machines`, `/apis/${CAPI}/v1beta1/namespaces/default/machines/m1`,
      `/apis/${CAPI}/v1beta2/namespaces/default/machines/m1/status`, '/apis/authentication.k8s.io/v1/tokenreviews',
      '/apis/authorization.k8s.io/v1/subjectaccessreviews', '/apis', '/api/v1/pods?labelSelector=a%20in%20(b', '/api/v1/pods?fieldSelector=spec.nodeName%3Dn1',
    ];
    const contentTypes = ['application/json', 'application/merge-patch+json', 'application/json-patch+json', 'application/strategic-merge-patch+json', 'application/apply-patch+yaml', 'text/plain'];
    const body = fc.oneof(
      fc.json(),
      fc.string(),
      fc.constant('{"metadata":{"name":"n1"},"spec":null}'),
      fc.jsonValue().map((v) => JSON.stringify([{ op: 'add', path: '/spec/x', value: v }, { op: 'test', path: '/metadata/name', value: v }])),
      fc.jsonValue().map((v) => JSON.stringify({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1', labels: v }, spec: v, status: v })),
    );
    await fc.assert(fc.asyncProperty(
      fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE'), fc.constantFrom(...paths), fc.constantFrom(...contentTypes),
      fc.constantFrom('', '?dryRun=All', '?fieldManager=fz', '?fieldManager=fz&force=true', '?dryRun=bogus'), body,
      async (method, path, ct, q, b) => {
        const r = await raw(fake, method, path + (path.includes('?') ? q.replace('?', '&') : q), b, { 'Content-Type': ct });
        expect(r.status).toBeLessThan(500);
        expect(r.body).toBeDefined();
      },
    ), { numRuns: 200, seed: 42 });
    await expect(core.readNode({ name: 'n1' }).catch((e) => e.code)).resolves.toBeDefined();
  });
});
