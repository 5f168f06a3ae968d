/**
 * "How to run it": the manifests `renderAddonApiDeployment` produces, applied to the real management
 * cluster. The API server (schemas, admission, Pod Security `restricted` of the namespace) accepts them.
 * The harness has no kubelet, so the Deployment's pods are never scheduled or started: what runs here is
 * the RBAC. Its ServiceAccount is checked verb by verb with `kubectl auth can-i` (SubjectAccessReviews),
 * `kubectl auth can-i --list` shows nothing granted beyond the rules, and the service itself runs with that
 * ServiceAccount's token as its identity through install, status, list and uninstall, in each mode.
 */
import * as fs from 'fs';
import * as path from 'path';
import { KubeConfig } from '@kubernetes/client-node';
import { AddonMode, addonApiServiceRules, renderAddonApiDeployment } from '../../lib/core/addons';
import { createAddonService } from '../../lib/service';
import { apply, deleteNamespaces, freshNamespace, kubeConfig, kubeconfigText, kubectl, kubectlOk, toYaml } from '../support/real-cluster';
import { applyAddonTestCluster } from '../support/addon-cluster';

const FLUX_CRDS = path.resolve(__dirname, '../../../shared/crds/flux');
const created: { namespaces: string[]; cluster: string[] } = { namespaces: [], cluster: [] };
let clusterNs: string;
let callerToken = '';

beforeAll(() => {
  for (const f of ['helm.toolkit.fluxcd.io_helmreleases.yaml', 'source.toolkit.fluxcd.io_helmrepositories.yaml']) {
    const r = apply(fs.readFileSync(path.join(FLUX_CRDS, f), 'utf8'), { which: 'workload' });
    if (r.status !== 0) throw new Error(r.stderr);
  }
  clusterNs = freshNamespace('addon-deploy');
  created.namespaces.push(clusterNs);
  applyAddonTestCluster(clusterNs);
  kubectlOk(['apply', '--server-side', '-f', '-'], {
    input: toYaml([
      {
        apiVersion: 'v1', kind: 'Secret', type: 'cluster.x-k8s.io/secret',
        metadata: { name: 'prod-kubeconfig', namespace: clusterNs, labels: { 'cluster.x-k8s.io/cluster-name': 'prod' } },
        data: { value: Buffer.from(kubeconfigText('workload')).toString('base64') },
      },
      // the caller: every right an operation can need, in the Cluster's namespace
      { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'caller', namespace: clusterNs } },
      {
        apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'caller', namespace: clusterNs },
        rules: [{ apiGroups: ['', 'cluster.x-k8s.io', 'helm.toolkit.fluxcd.io', 'source.toolkit.fluxcd.io', 'addons.cluster.x-k8s.io', 'monitoring.coreos.com'], resources: ['clusters', 'helmreleases', 'helmrepositories', 'clusterresourcesets', 'prometheusrules', 'configmaps', 'secrets'], verbs: ['get', 'list', 'create', 'delete'] }],
      },
      { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: 'caller', namespace: clusterNs }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'caller' }, subjects: [{ kind: 'ServiceAccount', name: 'caller', namespace: clusterNs }] },
    ]),
  });
  callerToken = kubectlOk(['create', 'token', 'caller', '-n', clusterNs, '--duration=1h']).trim();
}, 120_000);

afterAll(() => {
  for (const c of created.cluster) kubectl(['delete', '--ignore-not-found', '--wait=false', ...c.split(' ')]);
  deleteNamespaces(created.namespaces);
});

/** A KubeConfig for the management cluster that authenticates with `token`. */
function tokenKubeConfig(token: string): KubeConfig {
  const admin = kubeConfig();
  const kc = new KubeConfig();
  const cluster = admin.getCurrentCluster()!;
  kc.loadFromOptions({ clusters: [cluster], users: [{ name: 'sa', token }], contexts: [{ name: 'sa', cluster: cluster.name, user: 'sa' }], currentContext: 'sa' });
  return kc;
}

/** `kubectl auth can-i --list` of a user in a namespace: `verb resource[.group]` pairs (resource rules only). */
function grants(user: string, namespace: string): Set<string> {
  const out = kubectlOk(['auth', 'can-i', '--list', `--as=${user}`, '-n', namespace, '--no-headers']);
  const set = new Set<string>();
  for (const line of out.split('\n')) {
    const m = /^(\S+)\s+(\[[^\]]*\])\s+(\[[^\]]*\])\s+\[([^\]]*)\]\s*$/.exec(line.trim());
    if (!m || m[1] === '') continue;
    for (const verb of m[4].split(/\s+/).filter(Boolean)) set.add(`${verb} ${m[1]}`);
  }
  return set;
}

describe.each<AddonMode>(['management', 'tenant'])('the service\'s own manifests on the management cluster (%s mode)', (mode) => {
  const namespace = `addon-api-${mode}-${process.pid}`;
  const name = `addon-api-${mode}-${process.pid}`;
  const sa = `system:serviceaccount:${namespace}:${name}`;
  const rendered = renderAddonApiDeployment({ image: 'registry.example.com/capi-constructs:1.0.0', namespace, name, mode, tlsSecret: `${name}-tls` });

  beforeAll(() => {
    created.namespaces.push(namespace);
    created.cluster.push(`clusterrole ${name}`, `clusterrolebinding ${name}`);
    const r = apply(rendered.manifests);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('are accepted by the API server: Deployment of two replicas, PodDisruptionBudget, probes, Service, restricted Pod Security', () => {
    const deployment = JSON.parse(kubectlOk(['get', 'deployment', name, '-n', namespace, '-o', 'json']));
    expect(deployment.spec.replicas).toBe(2);
    expect(deployment.spec.template.spec.serviceAccountName).toBe(name);
    const container = deployment.spec.template.spec.containers[0];
    expect(container.args).toEqual(expect.arrayContaining(['serve', '--mode', mode]));
    expect(container.readinessProbe.httpGet).toMatchObject({ path: '/readyz', scheme: 'HTTPS' });
    expect(container.livenessProbe.httpGet).toMatchObject({ path: '/healthz', scheme: 'HTTPS' });
    const pdb = JSON.parse(kubectlOk(['get', 'poddisruptionbudget', name, '-n', namespace, '-o', 'json']));
    expect(pdb.spec).toMatchObject({ maxUnavailable: 1, selector: deployment.spec.selector });
    expect(JSON.parse(kubectlOk(['get', 'service', name, '-n', namespace, '-o', 'json'])).spec.selector).toEqual(deployment.spec.selector.matchLabels);
    // the pod template passes the namespace's `restricted` Pod Security level (a Pod created from it, dry run)
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'probe', namespace }, spec: { ...deployment.spec.template.spec } };
    const dry = kubectl(['create', '--dry-run=server', '-f', '-'], { input: JSON.stringify(pod) });
    expect(dry.stderr).toBe('');
    expect(dry.status).toBe(0);
  });

  it('grant the ServiceAccount every verb the service uses (kubectl auth can-i, per verb)', () => {
    for (const rule of addonApiServiceRules(mode)) {
      for (const g of rule.apiGroups) {
        for (const resource of rule.resources) {
          for (const verb of rule.verbs) {
            const r = kubectl(['auth', 'can-i', verb, g ? `${resource}.${g}` : resource, `--as=${sa}`, '-n', clusterNs]);
            expect({ verb, resource, group: g, answer: r.stdout.trim() }).toEqual({ verb, resource, group: g, answer: 'yes' });
          }
        }
      }
    }
  });

  it('grant nothing more: its `can-i --list` is that of a ServiceAccount without bindings, plus exactly the rules', () => {
    const baselineSa = `system:serviceaccount:${namespace}:default`;
    const baseline = grants(baselineSa, clusterNs);
    const extra = [...grants(sa, clusterNs)].filter((g) => !baseline.has(g)).sort();
    const expected = addonApiServiceRules(mode).flatMap((r) => r.apiGroups.flatMap((g) => r.resources.flatMap((res) => r.verbs.map((v) => `${v} ${g ? `${res}.${g}` : res}`))))
      .filter((g) => !baseline.has(g)).sort();
    expect(extra).toEqual(expected);
    for (const [verb, resource] of [['list', 'secrets'], ['watch', 'secrets'], ['create', 'secrets'], ['delete', 'clusters.cluster.x-k8s.io'], ['update', 'helmreleases.helm.toolkit.fluxcd.io'], ['list', 'leases.coordination.k8s.io'], ['create', 'pods']]) {
      expect({ verb, resource, answer: kubectl(['auth', 'can-i', verb, resource, `--as=${sa}`, '-n', clusterNs]).stdout.trim() }).toEqual({ verb, resource, answer: 'no' });
    }
  });

  it('are enough: the service, with the ServiceAccount\'s token as its identity, installs, reports, lists and uninstalls', async () => {
    const token = kubectlOk(['create', 'token', name, '-n', namespace, '--duration=1h']).trim();
    const service = createAddonService({ kubeConfig: tokenKubeConfig(token), mode, uninstallPollMs: 200, readinessPollMs: 200, log: { level: 'silent' }, authCacheSeconds: 0 });
    const url = await service.listen(0, '127.0.0.1');
    try {
      for (let i = 0; i < 300 && !service.lifecycle.ready; i++) await new Promise((r) => setTimeout(r, 100));
      const call = async (method: string, p: string, body?: unknown) => {
        const res = await fetch(`${url}/v1/namespaces/${clusterNs}/clusters/prod/addons${p}`, {
          method, headers: { authorization: `Bearer ${callerToken}`, ...(body ? { 'content-type': 'application/json' } : {}) }, body: body ? JSON.stringify(body) : undefined,
        });
        return { status: res.status, body: await res.json() as any };
      };
      const install = await call('POST', '', { addon: 'jupyterhub' });
      expect(install).toMatchObject({ status: 202 });
      expect(await call('GET', '/jupyterhub')).toMatchObject({ status: 200, body: { phase: 'Installing' } });
      expect((await call('GET', '')).body.items).toHaveLength(1);
      expect((await call('DELETE', '/jupyterhub')).status).toBe(202);
      let last = 0;
      for (let i = 0; i < 200 && (last = (await call('GET', '/jupyterhub')).status) !== 404; i++) await new Promise((r) => setTimeout(r, 250));
      expect(last).toBe(404);
    } finally {
      await service.shutdown();
    }
  });
});
