import { addonCleanupCommands, addonNames } from '../../lib/core/addons';
import { addonsPath, Harness, objectWrites, NAMESPACE, reconcile, startHarness } from './harness';

const HR = 'helm.toolkit.fluxcd.io/v2';
let h: Harness;
beforeAll(async () => {
  h = await startHarness({ service: { uninstallTimeoutSeconds: 1 } });
  for (const c of ['s1', 's2', 'u1', 'u2', 'u3']) h.seedCluster(c);
});
afterAll(async () => h.close());

const names = (cluster: string, addon: 'jupyterhub' | 'kuberay' = 'jupyterhub') => addonNames({ name: cluster, namespace: NAMESPACE }, addon);

async function until(check: () => boolean | Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 400; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('GET .../addons/{addon} (status)', () => {
  it('follows the HelmRelease conditions: Installing, Ready with chart version and transition time, Failed with the reason', async () => {
    expect((await h.api('POST', addonsPath('s1'), { body: { addon: 'jupyterhub' } })).status).toBe(202);
    const path = addonsPath('s1', 'jupyterhub');
    const installing = await h.api('GET', path);
    expect(installing.status).toBe(200);
    expect(installing.body).toMatchObject({ id: names('s1').release, phase: 'Installing', chartVersion: '4.4.0', releases: [{ name: names('s1').release, phase: 'Installing' }] });

    reconcile(h.fake, NAMESPACE, names('s1').release, { ready: 'True', reason: 'InstallSucceeded', chartVersion: '4.4.0', at: '2026-12-02T07:01:02Z' });
    expect((await h.api('GET', path)).body).toMatchObject({ phase: 'Ready', chartVersion: '4.4.0', lastTransitionTime: '2026-12-02T07:01:02.000Z' });

    reconcile(h.fake, NAMESPACE, names('s1').release, { ready: 'False', reason: 'InstallFailed', message: 'context deadline exceeded', at: '2026-12-02T07:20:00Z' });
    expect((await h.api('GET', path)).body).toMatchObject({ phase: 'Failed', reason: 'InstallFailed', message: expect.stringContaining('context deadline exceeded') });

    reconcile(h.fake, NAMESPACE, names('s1').release, { ready: 'False', reason: 'RetriesExceeded', stalled: true });
    expect((await h.api('GET', path)).body).toMatchObject({ phase: 'Failed', reason: 'RetriesExceeded' });
  });

  it('answers 404 for an add-on that is not installed and 400 for one not in the catalog', async () => {
    expect((await h.api('GET', addonsPath('s2', 'kuberay'))).body).toEqual({ error: 'not-found', message: 'add-on kuberay is not installed on cluster team-a/s2' });
    const unknown = await h.api('GET', addonsPath('s2', 'wordpress'));
    expect(unknown.status).toBe(400);
    expect(unknown.body.issues[0].path).toBe('addon');
  });
});

describe('GET .../addons (list)', () => {
  it('lists every installed add-on of the cluster, and answers 404 for an unknown cluster', async () => {
    expect((await h.api('GET', addonsPath('s2'))).body).toEqual({ items: [] });
    await h.api('POST', addonsPath('s2'), { body: { addon: 'kuberay' } });
    await h.api('POST', addonsPath('s2'), { body: { addon: 'jupyterhub' } });
    const list = await h.api('GET', addonsPath('s2'));
    expect(list.status).toBe(200);
    expect(list.body.items.map((i: any) => [i.addon, i.id, i.phase])).toEqual([
      ['jupyterhub', names('s2').release, 'Installing'],
      ['kuberay', names('s2', 'kuberay').release, 'Installing'],
    ]);
    expect((await h.api('GET', addonsPath('ghost'))).status).toBe(404);
  });
});

describe('DELETE .../addons/{addon} (uninstall)', () => {
  it('deletes the HelmReleases (dependents first), and once helm-controller has removed them, the workload namespace, then the HelmRepository', async () => {
    await h.api('POST', addonsPath('u1'), { body: { addon: 'kuberay' } });
    const n = names('u1', 'kuberay');
    h.workload.seed({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: n.namespace } });
    for (const r of n.releases) reconcile(h.fake, NAMESPACE, r.name, { ready: 'True', reason: 'InstallSucceeded', chartVersion: '1.7.0' });
    h.fake.reset();
    h.workload.reset();

    const res = await h.api('DELETE', addonsPath('u1', 'kuberay'));
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ id: n.release, addon: 'kuberay', cluster: { namespace: NAMESPACE, name: 'u1' }, namespace: n.namespace, releases: n.releases.map((r) => r.name), status: 'Uninstalling' });
    const deletes = () => objectWrites(h.fake).filter((w) => w.method === 'DELETE').map((w) => w.path.split('/').slice(-2).join('/'));
    expect(deletes()).toEqual([
      `clusterresourcesets/${n.clusterResourceSet}`, `configmaps/${n.tenantResources}`, `prometheusrules/${n.prometheusRule}`,
      `helmreleases/${n.release}`, `helmreleases/${n.release}-operator`,
    ]);
    // the finalizers hold the HelmReleases: Uninstalling, and the namespace stays
    expect((await h.api('GET', addonsPath('u1', 'kuberay'))).body).toMatchObject({ phase: 'Uninstalling' });
    await new Promise((r) => setTimeout(r, 50));
    expect(h.workload.get('v1', 'Namespace', undefined, n.namespace).metadata.deletionTimestamp).toBeUndefined();
    // a second DELETE while it runs is idempotent
    expect((await h.api('DELETE', addonsPath('u1', 'kuberay'))).status).toBe(202);

    // helm-controller finishes the Helm uninstalls
    for (const r of n.releases) h.fake.removeFinalizers(HR, 'HelmRelease', NAMESPACE, r.name);
    await until(() => h.fake.get('source.toolkit.fluxcd.io/v1', 'HelmRepository', NAMESPACE, n.helmRepository) === undefined, 'the HelmRepository to go');
    expect(objectWrites(h.workload).map((w) => [w.method, w.path])).toEqual([['DELETE', `/api/v1/namespaces/${n.namespace}`]]);
    expect(h.workload.get('v1', 'Namespace', undefined, n.namespace)).toBeUndefined();
    expect(deletes().slice(-1)).toEqual([`helmrepositories/${n.helmRepository}`]);
    expect((await h.api('GET', addonsPath('u1', 'kuberay'))).status).toBe(404);
    expect((await h.api('DELETE', addonsPath('u1', 'kuberay'))).status).toBe(404);
    expect(h.logs.filter((l) => l.msg === 'uninstall completed')).toContainEqual(expect.objectContaining({ clusterId: `${NAMESPACE}/u1`, addon: 'kuberay', addonId: n.release, outcome: 'success' }));
  });

  it('reports an uninstall stuck past the timeout as Failed with the operations guide\'s cleanup commands', async () => {
    await h.api('POST', addonsPath('u2'), { body: { addon: 'jupyterhub' } });
    reconcile(h.fake, NAMESPACE, names('u2').release, { ready: 'True', reason: 'InstallSucceeded' });
    expect((await h.api('DELETE', addonsPath('u2', 'jupyterhub'))).status).toBe(202);
    // the finalizer is never removed (helm-controller cannot reach the workload cluster)
    await until(async () => (await h.api('GET', addonsPath('u2', 'jupyterhub'))).body.phase === 'Failed', 'Failed');
    const status = (await h.api('GET', addonsPath('u2', 'jupyterhub'))).body;
    expect(status).toMatchObject({ phase: 'Failed', reason: 'UninstallTimeout', message: expect.stringMatching(/has not finished within 1s/) });
    expect(status.cleanupCommands).toEqual(addonCleanupCommands({ cluster: 'u2', namespace: NAMESPACE, addon: 'jupyterhub' }));
    expect(status.cleanupCommands[0]).toBe(`kubectl delete helmrelease -n ${NAMESPACE} ${names('u2').release}`);
    // the status is written before the log line: wait for the line rather than read it at once
    await until(async () => h.logs.some((l) => l.msg === 'uninstall failed' && l.clusterId === `${NAMESPACE}/u2`), 'the "uninstall failed" log line');
    expect(h.logs.find((l) => l.msg === 'uninstall failed' && l.clusterId === `${NAMESPACE}/u2`)).toMatchObject({ level: 50, outcome: 'failure', error: expect.stringContaining('still present') });
    // installing again is refused until it is cleaned up
    expect((await h.api('POST', addonsPath('u2'), { body: { addon: 'jupyterhub' } })).status).toBe(409);
    // another DELETE tries again, with a fresh timeout
    expect((await h.api('DELETE', addonsPath('u2', 'jupyterhub'))).status).toBe(202);
    expect((await h.api('GET', addonsPath('u2', 'jupyterhub'))).body.phase).toBe('Uninstalling');
    h.fake.removeFinalizers(HR, 'HelmRelease', NAMESPACE, names('u2').release);
    await until(async () => (await h.api('GET', addonsPath('u2', 'jupyterhub'))).status === 404, 'the retried uninstall to finish');
  });

  it('skips the namespace when the kubeconfig Secret is gone (the workload cluster was deleted)', async () => {
    await h.api('POST', addonsPath('u3'), { body: { addon: 'jupyterhub' } });
    h.fake.remove('v1', 'Secret', NAMESPACE, 'u3-kubeconfig');
    h.workload.reset();
    expect((await h.api('DELETE', addonsPath('u3', 'jupyterhub'))).status).toBe(202);
    await until(async () => (await h.api('GET', addonsPath('u3', 'jupyterhub'))).status === 404, 'the uninstall to finish');
    expect(objectWrites(h.workload)).toEqual([]);
  });
});
