import { addonNames, renderClusterAddon } from '../../lib/core/addons';
import { FIELD_MANAGER } from '../../lib/service';
import { addonsPath, leaseWrites, Harness, objectWrites, NAMESPACE, startHarness } from './harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
  h.seedCluster('prod');
  h.seedCluster('old', 'v1.27.3');
  h.seedCluster('ray');
});
afterAll(async () => h.close());

const ref = (name: string, kubernetesVersion = 'v1.31.4') => ({ name, namespace: NAMESPACE, kubernetesVersion, apiVersion: 'v1beta2' as const });

describe('POST .../addons (install)', () => {
  it('answers 202 with the id, namespace and releases, and applies what the ClusterAddon core renders, by server-side apply under one field manager', async () => {
    h.fake.reset();
    const res = await h.api('POST', addonsPath('prod'), { body: { addon: 'jupyterhub', parameters: { cpu: '2', memory: '4Gi' } } });
    const names = addonNames({ name: 'prod', namespace: NAMESPACE }, 'jupyterhub');
    expect(res.status).toBe(202);
    expect(res.body).toEqual({
      id: names.release, addon: 'jupyterhub', cluster: { namespace: NAMESPACE, name: 'prod' }, namespace: names.namespace,
      releases: [names.release], status: 'Installing', unchanged: false, warnings: [],
    });
    // the fake serves monitoring.coreos.com, so the PrometheusRule is applied too (as the construct's default)
    const model = renderClusterAddon({ cluster: ref('prod'), addon: 'jupyterhub', parameters: { cpu: '2', memory: '4Gi' } });
    expect(model.manifests.map((m) => m.kind)).toEqual(['HelmRepository', 'HelmRelease', 'ConfigMap', 'ClusterResourceSet', 'PrometheusRule']);
    for (const m of model.manifests) {
      const stored = h.fake.get(m.apiVersion, m.kind, m.metadata.namespace, m.metadata.name!);
      expect(stored).toMatchObject({ metadata: { labels: m.metadata.labels, annotations: m.metadata.annotations } });
      expect(stored.spec ?? stored.data).toEqual((m as any).spec ?? (m as any).data);
      expect(stored.metadata.managedFields).toEqual([expect.objectContaining({ manager: FIELD_MANAGER, operation: 'Apply' })]);
    }
    const writes = objectWrites(h.fake);
    // every object applied, then the end of the operation recorded on the HelmRepository
    expect(writes).toHaveLength(model.manifests.length + 1);
    for (const w of writes.slice(0, -1)) {
      expect(w).toMatchObject({ method: 'PATCH', contentType: 'application/apply-patch+yaml', status: expect.any(Number) });
      expect(w.query.fieldManager).toBe(FIELD_MANAGER);
    }
    // the HelmRepository first (it records the install), the HelmRelease, the rule, then the workload-cluster delivery
    const resources = writes.map((w) => w.path.split('/').slice(-2)[0]);
    expect(resources).toEqual(['helmrepositories', 'helmreleases', 'prometheusrules', 'configmaps', 'clusterresourcesets', 'helmrepositories']);
    expect(writes[0].body).toMatchObject({ metadata: { annotations: { 'addons.capi-constructs.io/operation': 'install', 'addons.capi-constructs.io/operation-request-id': res.headers.get('x-request-id') } } });
    expect(writes[5]).toMatchObject({ contentType: 'application/merge-patch+json', body: { metadata: { resourceVersion: expect.any(String), annotations: { 'addons.capi-constructs.io/operation': null } } } });
    const repo = h.fake.get('source.toolkit.fluxcd.io/v1', 'HelmRepository', NAMESPACE, names.helmRepository);
    expect(Object.keys(repo.metadata.annotations).filter((k) => k.includes('operation'))).toEqual([]);
    // under the installation's Lease, created first and released last, every call with the request id as Audit-ID
    const leases = leaseWrites(h.fake);
    expect(leases.map((w) => w.method)).toEqual(['POST', 'DELETE']);
    const lockedWrites = h.fake.writes().filter((w) => !/(tokenreviews|subjectaccessreviews)$/.test(w.path));
    expect(lockedWrites[0].resource).toBe('leases');
    expect(lockedWrites.slice(-1)[0].resource).toBe('leases');
    expect(new Set(h.fake.requests.map((r) => r.auditId))).toEqual(new Set([res.headers.get('x-request-id')]));
  });

  it('is idempotent for the same parameters (also when they are spelled as the defaults), and answers 409 for other parameters', async () => {
    await h.api('POST', addonsPath('ray'), { body: { addon: 'jupyterhub' } });
    h.fake.reset();
    const again = await h.api('POST', addonsPath('ray'), { body: { addon: 'jupyterhub', parameters: {} } });
    expect(again.status).toBe(202);
    expect(again.body.unchanged).toBe(true);
    const spelled = await h.api('POST', addonsPath('ray'), { body: { addon: 'jupyterhub', parameters: { cpu: '1', memory: '1Gi', storage: '10Gi' } } });
    expect(spelled).toMatchObject({ status: 202, body: { unchanged: true } });
    expect(h.fake.list('HelmRelease', NAMESPACE).filter((o) => o.metadata.labels['addons.capi-constructs.io/cluster'] === 'ray')).toHaveLength(1);

    const before = h.fake.get('helm.toolkit.fluxcd.io/v2', 'HelmRelease', NAMESPACE, addonNames({ name: 'ray', namespace: NAMESPACE }, 'jupyterhub').release);
    h.fake.reset();
    const other = await h.api('POST', addonsPath('ray'), { body: { addon: 'jupyterhub', parameters: { cpu: '2' } } });
    expect(other.status).toBe(409);
    expect(other.body).toEqual({ error: 'conflict', message: expect.stringMatching(/already installed on cluster team-a\/ray with other parameters/) });
    expect(objectWrites(h.fake)).toEqual([]);
    expect(h.fake.get('helm.toolkit.fluxcd.io/v2', 'HelmRelease', NAMESPACE, before.metadata.name).spec.values).toEqual(before.spec.values);
  });

  it('installs both KubeRay releases, the operator first, and returns the warnings of risky parameters', async () => {
    h.fake.reset();
    const res = await h.api('POST', addonsPath('ray'), { body: { addon: 'kuberay', parameters: { serviceType: 'LoadBalancer', access: { cidrs: ['203.0.113.0/24'] }, worker: { replicas: 2 } } } });
    const names = addonNames({ name: 'ray', namespace: NAMESPACE }, 'kuberay');
    expect(res.status).toBe(202);
    expect(res.body.releases).toEqual([`${names.release}-operator`, names.release]);
    expect(res.body.warnings).toEqual([{ path: 'parameters.access', message: expect.stringContaining('which runs code for whoever holds the Ray token') }]);
    const hrWrites = objectWrites(h.fake).filter((w) => w.path.includes('/helmreleases/'));
    expect(hrWrites.map((w) => w.path.split('/').pop())).toEqual([`${names.release}-operator`, names.release]);
    expect(h.fake.get('helm.toolkit.fluxcd.io/v2', 'HelmRelease', NAMESPACE, names.release).spec.values.worker.replicas).toBe(2);
  });

  it('warns when the Cluster lacks the label the ClusterResourceSet selects it by (a Cluster not made by the library)', async () => {
    h.fake.seed({ apiVersion: 'cluster.x-k8s.io/v1beta2', kind: 'Cluster', metadata: { name: 'handmade', namespace: NAMESPACE }, spec: { controlPlaneRef: { apiGroup: 'controlplane.cluster.x-k8s.io', kind: 'KubeadmControlPlane', name: 'handmade-cp' } } });
    h.fake.seed({ apiVersion: 'controlplane.cluster.x-k8s.io/v1beta2', kind: 'KubeadmControlPlane', metadata: { name: 'handmade-cp', namespace: NAMESPACE }, spec: { version: 'v1.30.2' } });
    const res = await h.api('POST', addonsPath('handmade'), { body: { addon: 'jupyterhub' } });
    expect(res.status).toBe(202);
    expect(res.body.warnings).toEqual([{ path: 'cluster', message: expect.stringContaining('lacks the label cluster.x-k8s.io/cluster-name: handmade') }]);
  });

  it('answers 400 validation-error for an unmet Kubernetes version constraint, naming the constraint and the version, and writes nothing', async () => {
    h.fake.reset();
    const res = await h.api('POST', addonsPath('old'), { body: { addon: 'jupyterhub' } });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      error: 'validation-error',
      message: expect.any(String),
      issues: [{ path: 'cluster.kubernetesVersion', message: expect.stringMatching(/requires Kubernetes >=1\.28\.0-0 .*runs v1\.27\.3/) }],
    });
    expect(objectWrites(h.fake)).toEqual([]);
  });

  it('answers 400 with every bad parameter at once (unknown key, bad quantity, wrong type), and for a request above its limit', async () => {
    const res = await h.api('POST', addonsPath('prod'), { body: { addon: 'jupyterhub', parameters: { cpu: 'lots', serviceType: 'Ingress', colour: 'blue' } } });
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('validation-error');
    expect(res.body.issues.map((i: any) => i.path).sort()).toEqual(['parameters.colour', 'parameters.cpu', 'parameters.serviceType']);
    const above = await h.api('POST', addonsPath('prod'), { body: { addon: 'jupyterhub', parameters: { memory: '1Gi', memoryGuarantee: '2Gi' } } });
    expect(above.body.issues).toEqual([{ path: 'parameters.memoryGuarantee', message: expect.stringContaining('exceeds the limit memory "1Gi"') }]);
    expect(res.body.issues.find((i: any) => i.path === 'parameters.cpu').message).toContain('"lots"');
  });

  it('answers 400 for an add-on not in the catalog, naming the catalog', async () => {
    const res = await h.api('POST', addonsPath('prod'), { body: { addon: 'wordpress' } });
    expect(res.status).toBe(400);
    expect(res.body.issues).toEqual([{ path: 'addon', message: expect.stringMatching(/"wordpress" is not an add-on in the catalog .*"jupyterhub", "kuberay"/) }]);
  });

  it('answers 404 for an unknown cluster', async () => {
    const res = await h.api('POST', addonsPath('nowhere'), { body: { addon: 'jupyterhub' } });
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ error: 'not-found', message: expect.stringContaining('cluster team-a/nowhere does not exist') });
  });

  it('reads the version from spec.topology.version of a ClusterClass cluster', async () => {
    h.fake.seed({ apiVersion: 'cluster.x-k8s.io/v1beta2', kind: 'Cluster', metadata: { name: 'classy', namespace: NAMESPACE }, spec: { topology: { version: 'v1.26.0', classRef: { name: 'c' } } } });
    const res = await h.api('POST', addonsPath('classy'), { body: { addon: 'kuberay' } });
    expect(res.status).toBe(400);
    expect(res.body.issues[0].message).toContain('runs v1.26.0');
  });

  it('answers 502 k8s-api-error when the management cluster fails the apply, with the API message and without credentials', async () => {
    h.seedCluster('flaky');
    h.fake.failNext({ method: 'PATCH', path: /helmreleases/, status: 500, message: 'etcdserver: request timed out' });
    const res = await h.api('POST', addonsPath('flaky'), { body: { addon: 'jupyterhub' } });
    expect(res.status).toBe(502);
    expect(res.body).toEqual({ error: 'k8s-api-error', message: expect.stringMatching(/applying HelmRelease team-a\/jupyterhub-\w+: HTTP 500 InternalError: etcdserver: request timed out/) });
    expect(res.text).not.toContain('kube-fake-admin');
    // a retry with the same parameters completes the install
    expect((await h.api('POST', addonsPath('flaky'), { body: { addon: 'jupyterhub' } })).status).toBe(202);
  });
});
