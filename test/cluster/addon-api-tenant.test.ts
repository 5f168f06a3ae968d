/**
 * The add-on API in tenant mode, on the real API servers: the management cluster holds the Cluster, its
 * `<cluster>-kubeconfig` Secret and the installation's Lease; the workload cluster of the harness is the
 * tenant cluster, where Flux's CRDs are installed (no Flux controller runs: releases stay Installing).
 * The operations guide's cleanup runbook (`kubectl delete helmrelease -n iaas-addon-<name> <name>`, then
 * the namespace) is run verbatim on the tenant cluster.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { addonCleanupCommands, addonNames, installationObjects } from '../../lib/core/addons';
import { AddonService, createAddonService } from '../../lib/service';
import { kubectlPath } from '../support/kubectl';
import { apply, deleteNamespaces, freshNamespace, kubeConfig, kubeconfigPath, kubeconfigText, kubectl, kubectlOk, toYaml } from '../support/real-cluster';
import { applyAddonTestCluster } from '../support/addon-cluster';

const FLUX_CRDS = path.resolve(__dirname, '../../../shared/crds/flux');

let ns: string;
let service: AddonService;
let url: string;
let alice = '';
let victor = '';

beforeAll(async () => {
  // Flux's HelmRelease and HelmRepository CRDs on the tenant cluster
  for (const f of ['helm.toolkit.fluxcd.io_helmreleases.yaml', 'source.toolkit.fluxcd.io_helmrepositories.yaml']) {
    const r = apply(fs.readFileSync(path.join(FLUX_CRDS, f), 'utf8'), { which: 'workload' });
    if (r.status !== 0) throw new Error(r.stderr);
  }
  kubectlOk(['wait', '--for=condition=Established', '--timeout=60s', 'crd/helmreleases.helm.toolkit.fluxcd.io', 'crd/helmrepositories.source.toolkit.fluxcd.io'], { which: 'workload' });

  ns = freshNamespace('addon-tenant');
  applyAddonTestCluster(ns);
  // the tenant cluster's kubeconfig, as Cluster API writes it
  kubectlOk(['apply', '--server-side', '-f', '-'], {
    input: toYaml([{
      apiVersion: 'v1', kind: 'Secret', type: 'cluster.x-k8s.io/secret',
      metadata: { name: 'prod-kubeconfig', namespace: ns, labels: { 'cluster.x-k8s.io/cluster-name': 'prod' } },
      data: { value: Buffer.from(kubeconfigText('workload')).toString('base64') },
    }]),
  });
  // alice may read the Cluster and its kubeconfig (so she could do all of it with kubectl); victor only the Cluster
  const objects: any[] = [];
  const rules = {
    alice: [{ apiGroups: ['cluster.x-k8s.io'], resources: ['clusters'], verbs: ['get'] }, { apiGroups: [''], resources: ['secrets'], verbs: ['get'], resourceNames: ['prod-kubeconfig'] }],
    victor: [{ apiGroups: ['cluster.x-k8s.io', 'helm.toolkit.fluxcd.io'], resources: ['clusters', 'helmreleases'], verbs: ['get', 'list'] }],
  };
  for (const user of ['alice', 'victor'] as const) {
    objects.push({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: user, namespace: ns } });
    objects.push({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: user, namespace: ns }, rules: rules[user] });
    objects.push({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: user, namespace: ns }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: user }, subjects: [{ kind: 'ServiceAccount', name: user, namespace: ns }] });
  }
  kubectlOk(['apply', '--server-side', '-f', '-'], { input: toYaml(objects) });
  alice = kubectlOk(['create', 'token', 'alice', '-n', ns, '--duration=1h']).trim();
  victor = kubectlOk(['create', 'token', 'victor', '-n', ns, '--duration=1h']).trim();
  service = createAddonService({ kubeConfig: kubeConfig(), mode: 'tenant', uninstallPollMs: 200, readinessPollMs: 200, log: { level: 'silent' }, authCacheSeconds: 0 });
  url = await service.listen(0, '127.0.0.1');
  for (let i = 0; i < 300 && !service.lifecycle.ready; i++) await new Promise((res) => setTimeout(res, 100));
}, 120_000);

afterAll(async () => {
  await service?.shutdown();
  deleteNamespaces([ns]);
  deleteNamespaces(['jupyterhub', 'kuberay'].map((a) => addonNames({ name: 'prod', namespace: ns }, a as never).namespace), 'workload');
});

async function api(method: string, p: string, token: string, body?: unknown): Promise<{ status: number; body: any }> {
  const headers: Record<string, string> = { authorization: `Bearer ${token}` };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${url}${p}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}
const addons = (addon?: string) => `/v1/namespaces/${ns}/clusters/prod/addons${addon ? `/${addon}` : ''}`;
const onTenant = (args: string[]) => kubectl(args, { which: 'workload' });
/** `Kind namespace/name` of every object of the installation that exists on the tenant cluster. */
function existing(addon: 'jupyterhub' | 'kuberay'): string[] {
  return installationObjects({ cluster: { name: 'prod', namespace: ns }, addon, mode: 'tenant', monitoring: false })
    .filter((o) => onTenant(['get', o.kind === 'Namespace' ? 'namespace' : `${o.plural}.${o.apiVersion.split('/')[0]}`, o.name, ...(o.namespace ? ['-n', o.namespace] : [])]).status === 0)
    .map((o) => `${o.kind} ${o.name}`);
}
async function until(check: () => Promise<boolean>, what: string, ms = 60_000): Promise<void> {
  for (const end = Date.now() + ms; Date.now() < end;) {
    if (await check()) return;
    await new Promise((res) => setTimeout(res, 250));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('tenant mode: Flux objects on the tenant cluster, in iaas-addon-<name>', () => {
  const n = () => addonNames({ name: 'prod', namespace: ns }, 'jupyterhub');

  it('refuses a caller who may not read the cluster\'s kubeconfig (403), and installs for one who may', async () => {
    expect((await api('POST', addons(), victor, { addon: 'jupyterhub' })).status).toBe(403);
    expect((await api('GET', addons(), victor)).status).toBe(403);
    const res = await api('POST', addons(), alice, { addon: 'jupyterhub' });
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ id: n().release, namespace: n().namespace, status: 'Installing' });
    // on the tenant cluster: the namespace, the HelmRepository and the HelmRelease in it, no kubeConfig
    expect(existing('jupyterhub')).toEqual([`Namespace ${n().namespace}`, `HelmRepository ${n().helmRepository}`, `HelmRelease ${n().release}`]);
    const hr = JSON.parse(kubectlOk(['get', 'helmreleases.helm.toolkit.fluxcd.io', '-n', n().namespace, n().release, '-o', 'json'], { which: 'workload' }));
    expect(hr.spec.kubeConfig).toBeUndefined();
    expect(hr.spec.targetNamespace).toBe(n().namespace);
    // nothing of the add-on on the management cluster but its Lease
    expect(JSON.parse(kubectlOk(['get', 'helmreleases.helm.toolkit.fluxcd.io,helmrepositories.source.toolkit.fluxcd.io,configmaps,clusterresourcesets.addons.cluster.x-k8s.io', '-n', ns, '-o', 'json'])).items
      .filter((o: any) => o.metadata.name.startsWith('jupyterhub'))).toEqual([]);
    // status and list read the tenant cluster
    const status = await api('GET', addons('jupyterhub'), alice);
    expect(status).toMatchObject({ status: 200, body: { phase: 'Installing', id: n().release } });
    expect((await api('GET', addons(), alice)).body.items.map((i: any) => i.id)).toEqual([n().release]);
    // the same install again is unchanged
    expect((await api('POST', addons(), alice, { addon: 'jupyterhub' })).body.unchanged).toBe(true);
  });

  it('the operations guide\'s runbook works verbatim on the tenant cluster, and the status follows it', async () => {
    // step 2 of "Manual Cleanup of Stuck Releases", as written
    const step2 = `kubectl delete helmrelease -n ${n().namespace} ${n().release}`;
    const shell = (command: string) => spawnSync('sh', ['-c', command], {
      encoding: 'utf8', env: { ...process.env, PATH: `${path.dirname(kubectlPath())}:${process.env.PATH}`, KUBECONFIG: kubeconfigPath('workload') },
    });
    const r2 = shell(step2);
    expect(r2.stderr).toBe('');
    expect(r2.status).toBe(0);
    expect(r2.stdout).toMatch(new RegExp(`^helmrelease.helm.toolkit.fluxcd.io "${n().release}" deleted`));
    // a partial installation, as such, on any replica
    const partial = await api('GET', addons('jupyterhub'), alice);
    expect(partial.body).toMatchObject({ phase: 'Failed', reason: 'PartialInstallation', missing: [`HelmRelease ${n().namespace}/${n().release}`] });
    // step 3, as written
    const r3 = shell(`kubectl delete namespace ${n().namespace}`);
    expect(r3.status).toBe(0);
    expect(r3.stdout).toMatch(new RegExp(`^namespace "${n().namespace}" deleted`));
    await until(async () => (await api('GET', addons('jupyterhub'), alice)).status === 404, 'the status to say not installed');
    expect(existing('jupyterhub')).toEqual([]);
  });

  it('uninstalls through the API: releases, then the namespace on the tenant cluster', async () => {
    expect((await api('POST', addons(), alice, { addon: 'kuberay' })).status).toBe(202);
    const k = addonNames({ name: 'prod', namespace: ns }, 'kuberay');
    expect(existing('kuberay')).toHaveLength(4); // namespace, repository, operator and cluster releases
    expect((await api('DELETE', addons('kuberay'), alice)).status).toBe(202);
    await until(async () => (await api('GET', addons('kuberay'), alice)).status === 404, 'the uninstall to finish');
    expect(onTenant(['get', 'namespace', k.namespace]).status).not.toBe(0);
  });

  it('the cleanup commands (addon-cleanup --mode tenant) remove every object of the installation, run as printed', async () => {
    expect((await api('POST', addons(), alice, { addon: 'kuberay' })).status).toBe(202);
    expect(existing('kuberay')).toHaveLength(4);
    const commands = addonCleanupCommands({ cluster: 'prod', namespace: ns, addon: 'kuberay', mode: 'tenant' });
    for (const c of commands) {
      const r = spawnSync('sh', ['-c', c], { encoding: 'utf8', env: { ...process.env, PATH: `${path.dirname(kubectlPath())}:${process.env.PATH}`, KUBECONFIG: kubeconfigPath('workload') } });
      expect({ command: c, status: r.status, stderr: r.stderr }).toEqual({ command: c, status: 0, stderr: '' });
    }
    expect(existing('kuberay')).toEqual([]);
    await until(async () => (await api('GET', addons('kuberay'), alice)).status === 404, 'the status to say not installed');
  });
});
