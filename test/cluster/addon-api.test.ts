/**
 * The add-on API (lib/service) against the real management cluster: bearer tokens are real
 * ServiceAccount tokens (TokenRequest), checked by a real TokenReview; permissions are real RBAC Roles,
 * checked by real SubjectAccessReviews; the install is server-side applied to the real API server, its
 * webhooks and CRD schemas.
 */
import { AddonService, createAddonService } from '../../lib/service';
import { deleteNamespaces, freshNamespace, kubeConfig, kubectlOk, toYaml } from '../support/real-cluster';
import { applyAddonTestCluster } from '../support/addon-cluster';

let ns: string;
let service: AddonService;
let url: string;
const tokens: Record<'alice' | 'victor' | 'mallory', string> = { alice: '', victor: '', mallory: '' };

beforeAll(async () => {
  ns = freshNamespace('addon-api');
  applyAddonTestCluster(ns);
  // alice: what install, list, status and uninstall need in the namespace; victor: read only; mallory: nothing.
  const rules = {
    alice: [
      { apiGroups: ['helm.toolkit.fluxcd.io', 'source.toolkit.fluxcd.io', 'addons.cluster.x-k8s.io', 'monitoring.coreos.com', ''], resources: ['helmreleases', 'helmrepositories', 'clusterresourcesets', 'prometheusrules', 'configmaps'], verbs: ['get', 'list', 'create', 'delete'] },
      { apiGroups: ['cluster.x-k8s.io'], resources: ['clusters'], verbs: ['get'] },
      { apiGroups: [''], resources: ['secrets'], verbs: ['get'], resourceNames: ['prod-kubeconfig'] },
    ],
    victor: [{ apiGroups: ['helm.toolkit.fluxcd.io', 'cluster.x-k8s.io'], resources: ['helmreleases', 'clusters'], verbs: ['get', 'list'] }],
  };
  const objects: any[] = [];
  for (const user of ['alice', 'victor', 'mallory'] as const) {
    objects.push({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: user, namespace: ns } });
    if (user !== 'mallory') {
      objects.push({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: user, namespace: ns }, rules: rules[user] });
      objects.push({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: user, namespace: ns }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: user }, subjects: [{ kind: 'ServiceAccount', name: user, namespace: ns }] });
    }
  }
  kubectlOk(['apply', '--server-side', '-f', '-'], { input: toYaml(objects) });
  for (const user of Object.keys(tokens) as (keyof typeof tokens)[]) tokens[user] = kubectlOk(['create', 'token', user, '-n', ns, '--duration=1h']).trim();
  service = createAddonService({ kubeConfig: kubeConfig(), uninstallPollMs: 200, readinessPollMs: 200, log: { level: 'silent' }, authCacheSeconds: 0 });
  url = await service.listen(0, '127.0.0.1');
  for (let i = 0; i < 300 && !service.lifecycle.ready; i++) await new Promise((r) => setTimeout(r, 100));
});

afterAll(async () => {
  await service?.shutdown();
  deleteNamespaces([ns]);
});

async function api(method: string, path: string, token: string | null, body?: unknown): Promise<{ status: number; body: any }> {
  const headers: Record<string, string> = {};
  if (token !== null) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${url}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

const addons = (addon?: string) => `/v1/namespaces/${ns}/clusters/prod/addons${addon ? `/${addon}` : ''}`;

describe('the add-on API with real TokenReview, SubjectAccessReview and RBAC', () => {
  it('refuses a missing and a forged token (401), and a real token without the rights (403)', async () => {
    expect((await api('GET', addons(), null)).status).toBe(401);
    expect((await api('GET', addons(), 'not-a-token')).status).toBe(401);
    const denied = await api('GET', addons(), tokens.mallory);
    expect(denied.status).toBe(403);
    expect(denied.body.error).toBe('forbidden');
  });

  it('lets a ServiceAccount with read rights list, but not install', async () => {
    expect(await api('GET', addons(), tokens.victor)).toMatchObject({ status: 200 });
    expect((await api('POST', addons(), tokens.victor, { addon: 'jupyterhub' })).status).toBe(403);
  });

  it('installs for a ServiceAccount with the rights: the objects are accepted by the real API server', async () => {
    const res = await api('POST', addons(), tokens.alice, { addon: 'jupyterhub' });
    expect(res.status).toBe(202);
    const releases = JSON.parse(kubectlOk(['get', 'helmreleases.helm.toolkit.fluxcd.io', '-n', ns, '-o', 'json'])).items;
    expect(releases.length).toBeGreaterThan(0);
    const status = await api('GET', addons('jupyterhub'), tokens.alice);
    expect(status.status).toBe(200);
    // no Flux controller runs here: the release stays Installing
    expect(status.body.phase).toBe('Installing');
  });
});
