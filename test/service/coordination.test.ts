/**
 * Several replicas of the service against one management cluster (the kube-fake): installs, uninstalls
 * and their state coordinate through the Kubernetes API (a Lease per installation, the operation recorded
 * on the HelmRepository, resourceVersion preconditions), not through one process's memory.
 */
import { Writable } from 'stream';
import { addonNames, installationObjects, showObject } from '../../lib/core/addons';
import { microTime } from '../../lib/ops/lease';
import { AddonService, createAddonService } from '../../lib/service';
import { addonsPath, Harness, NAMESPACE, reconcile, startHarness, TOKENS } from './harness';

const HR = 'helm.toolkit.fluxcd.io/v2';
const REPO = 'source.toolkit.fluxcd.io/v1';
let h: Harness;

interface Replica { service: AddonService; url: string; close(): Promise<void> }
const replicas: Replica[] = [];

async function startReplica(options: { uninstallTimeoutSeconds?: number } = {}): Promise<Replica> {
  const service = createAddonService({
    kubeConfig: h.fake.kubeConfig(), uninstallPollMs: 10, readinessPollMs: 10, leaseWaitMs: 5000,
    log: { stream: new Writable({ write(_c, _e, cb) { cb(); } }) }, ...options,
  });
  const url = await service.listen(0, '127.0.0.1');
  for (let i = 0; i < 500 && !service.lifecycle.ready; i++) await new Promise((r) => setTimeout(r, 10));
  const r = { service, url, close: () => service.shutdown() };
  replicas.push(r);
  return r;
}

async function call(r: { url: string }, method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const headers: Record<string, string> = { authorization: `Bearer ${TOKENS.alice}` };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${r.url}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

async function until(check: () => boolean | Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}

const names = (cluster: string, addon: 'jupyterhub' | 'kuberay' = 'jupyterhub') => addonNames({ name: cluster, namespace: NAMESPACE }, addon);
/** `Kind namespace/name` of every object of the installation that exists. */
const existing = (cluster: string, addon: 'jupyterhub' | 'kuberay' = 'jupyterhub') => installationObjects({ cluster: { name: cluster, namespace: NAMESPACE }, addon, mode: 'management', monitoring: true })
  .filter((o) => h.fake.get(o.apiVersion, o.kind, o.namespace, o.name) !== undefined).map(showObject);
const all = (cluster: string, addon: 'jupyterhub' | 'kuberay' = 'jupyterhub') => installationObjects({ cluster: { name: cluster, namespace: NAMESPACE }, addon, mode: 'management', monitoring: true }).map(showObject);

beforeAll(async () => {
  h = await startHarness();
  for (const c of ['r1', 'r2', 'p1', 'p2', 'k1', 'k2', 'u1']) h.seedCluster(c);
});
afterAll(async () => {
  for (const r of replicas) await r.close();
  await h.close();
});

describe('two replicas', () => {
  it('install against install with different parameters: one 202, one 409, and the first one\'s values stay (8 trials)', async () => {
    const b = await startReplica();
    for (let trial = 0; trial < 8; trial++) {
      const [x, y] = await Promise.all([
        call(h, 'POST', addonsPath('r1'), { addon: 'jupyterhub', parameters: { cpu: '2' } }),
        call(b, 'POST', addonsPath('r1'), { addon: 'jupyterhub', parameters: { cpu: '3' } }),
      ]);
      expect([x.status, y.status].sort()).toEqual([202, 409]);
      const winner = x.status === 202 ? '2' : '3';
      const hr = h.fake.get(HR, 'HelmRelease', NAMESPACE, names('r1').release);
      expect(hr.spec.values.singleuser.cpu.limit).toBe(Number(winner));
      expect(existing('r1')).toEqual(all('r1'));
      // clean up for the next trial (no finalizers: the deletes are immediate)
      expect((await call(h, 'DELETE', addonsPath('r1', 'jupyterhub'))).status).toBe(202);
      await until(() => existing('r1').length === 0, 'the uninstall');
    }
  }, 60000);

  it('uninstall against install: never a partial installation, and status tells the truth on both replicas (8 trials)', async () => {
    const b = await startReplica();
    for (let trial = 0; trial < 8; trial++) {
      expect((await call(h, 'POST', addonsPath('r2'), { addon: 'jupyterhub' })).status).toBe(202);
      reconcile(h.fake, NAMESPACE, names('r2').release, { ready: 'True', reason: 'InstallSucceeded' });
      const [del, ins] = await Promise.all([
        call(h, 'DELETE', addonsPath('r2', 'jupyterhub')),
        call(b, 'POST', addonsPath('r2'), { addon: 'jupyterhub', parameters: { cpu: '2' } }),
      ]);
      expect(del.status).toBe(202);
      // the install either ran first (other parameters: 409) or found the uninstall under way (409)
      expect(ins.status).toBe(409);
      const seen = await Promise.all([call(h, 'GET', addonsPath('r2', 'jupyterhub')), call(b, 'GET', addonsPath('r2', 'jupyterhub'))]);
      for (const s of seen) expect(s.status === 404 || s.body.phase === 'Uninstalling').toBe(true);
      h.fake.removeFinalizers(HR, 'HelmRelease', NAMESPACE, names('r2').release);
      await until(() => existing('r2').length === 0, 'the uninstall');
      expect((await call(b, 'GET', addonsPath('r2', 'jupyterhub'))).status).toBe(404);
    }
  }, 60000);

  it('an uninstall interrupted by a restart stays visible on another replica, which finishes it', async () => {
    const a = await startReplica();
    expect((await call(a, 'POST', addonsPath('u1'), { addon: 'jupyterhub' })).status).toBe(202);
    reconcile(h.fake, NAMESPACE, names('u1').release, { ready: 'True', reason: 'InstallSucceeded' });
    expect((await call(a, 'DELETE', addonsPath('u1', 'jupyterhub'))).status).toBe(202);
    await a.close(); // the replica that ran it is gone
    h.fake.removeFinalizers(HR, 'HelmRelease', NAMESPACE, names('u1').release);
    await until(() => h.fake.get(HR, 'HelmRelease', NAMESPACE, names('u1').release) === undefined, 'the HelmRelease to go');
    // HelmReleases gone, HelmRepository left: the uninstall is recorded there
    const b = await startReplica();
    const status = await call(b, 'GET', addonsPath('u1', 'jupyterhub'));
    expect(status).toMatchObject({ status: 200, body: { phase: 'Uninstalling', operation: { operation: 'uninstall' } } });
    expect((await call(b, 'GET', addonsPath('u1'))).body.items).toEqual([expect.objectContaining({ addon: 'jupyterhub', phase: 'Uninstalling' })]);
    // a repeated DELETE on the new replica resumes it
    expect((await call(b, 'DELETE', addonsPath('u1', 'jupyterhub'))).status).toBe(202);
    await until(() => existing('u1').length === 0, 'the resumed uninstall');
    expect((await call(b, 'GET', addonsPath('u1', 'jupyterhub'))).status).toBe(404);
  }, 30000);
});

describe('a partial installation', () => {
  it('an install that fails half-way answers 502 naming the step, status names the missing objects, and a repeated install repairs it', async () => {
    const n = names('p1');
    h.fake.failNext({ method: 'PATCH', path: `/api/v1/namespaces/${NAMESPACE}/configmaps/${n.tenantResources}`, status: 500 });
    const res = await h.api('POST', addonsPath('p1'), { body: { addon: 'jupyterhub' } });
    expect(res.status).toBe(502);
    expect(res.body.message).toMatch(new RegExp(`the install stopped while applying ConfigMap ${NAMESPACE}/${n.tenantResources}: .*the installation is partial`));
    const status = (await h.api('GET', addonsPath('p1', 'jupyterhub'))).body;
    expect(status).toMatchObject({
      phase: 'Failed', reason: 'InstallIncomplete',
      missing: [`ConfigMap ${NAMESPACE}/${n.tenantResources}`, `ClusterResourceSet ${NAMESPACE}/${n.clusterResourceSet}`],
      operation: { operation: 'install', requestId: res.headers.get('x-request-id'), failedStep: `applying ConfigMap ${NAMESPACE}/${n.tenantResources}` },
    });
    const again = await h.api('POST', addonsPath('p1'), { body: { addon: 'jupyterhub' } });
    expect(again.status).toBe(202);
    expect(existing('p1')).toEqual(all('p1'));
    const repaired = (await h.api('GET', addonsPath('p1', 'jupyterhub'))).body;
    expect(repaired).toMatchObject({ phase: 'Installing' });
    expect(repaired.missing).toBeUndefined();
    expect(repaired.operation).toBeUndefined();
  });

  it('an install whose process died (its Lease expired) is reported as incomplete; while the Lease is held, as installing', async () => {
    expect((await h.api('POST', addonsPath('k1'), { body: { addon: 'jupyterhub' } })).status).toBe(202);
    const n = names('k1');
    // what a process killed after its first writes leaves: the HelmRepository recording the install, one object missing
    const repo = h.fake.get(REPO, 'HelmRepository', NAMESPACE, n.helmRepository);
    h.fake.seed({ ...repo, metadata: { ...repo.metadata, annotations: { ...repo.metadata.annotations, 'addons.capi-constructs.io/operation': 'install', 'addons.capi-constructs.io/operation-started-at': '2026-12-07T10:00:00.000Z', 'addons.capi-constructs.io/operation-request-id': 'req-killed' } } });
    h.fake.remove('addons.cluster.x-k8s.io/v1beta2', 'ClusterResourceSet', NAMESPACE, n.clusterResourceSet);
    const lease = { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: `addon-${n.release}`, namespace: NAMESPACE } };
    h.fake.seed({ ...lease, spec: { holderIdentity: 'other-replica', leaseDurationSeconds: 15, renewTime: microTime(new Date()) } });
    expect((await h.api('GET', addonsPath('k1', 'jupyterhub'))).body).toMatchObject({ phase: 'Installing', reason: 'Applying', missing: [`ClusterResourceSet ${NAMESPACE}/${n.clusterResourceSet}`] });
    h.fake.seed({ ...lease, spec: { holderIdentity: 'other-replica', leaseDurationSeconds: 15, renewTime: microTime(new Date(Date.now() - 60000)) } });
    const status = (await h.api('GET', addonsPath('k1', 'jupyterhub'))).body;
    expect(status).toMatchObject({ phase: 'Failed', reason: 'InstallIncomplete', operation: { requestId: 'req-killed' } });
    expect(status.message).toMatch(/the install \(request req-killed\) begun at 2026-12-07T10:00:00.000Z stopped before it finished; missing: ClusterResourceSet/);
    // the expired Lease is taken over, and the install finishes
    expect((await h.api('POST', addonsPath('k1'), { body: { addon: 'jupyterhub' } })).status).toBe(202);
    expect(existing('k1')).toEqual(all('k1'));
    expect((await h.api('GET', addonsPath('k1', 'jupyterhub'))).body.operation).toBeUndefined();
  });

  it('an installation missing objects with no operation recorded is Failed PartialInstallation; an uninstall removes what is left', async () => {
    expect((await h.api('POST', addonsPath('k2'), { body: { addon: 'jupyterhub' } })).status).toBe(202);
    const n = names('k2');
    h.fake.remove('v1', 'ConfigMap', NAMESPACE, n.tenantResources);
    h.fake.remove(HR, 'HelmRelease', NAMESPACE, n.release);
    const status = (await h.api('GET', addonsPath('k2', 'jupyterhub'))).body;
    expect(status).toMatchObject({ phase: 'Failed', reason: 'PartialInstallation', missing: [`HelmRelease ${NAMESPACE}/${n.release}`, `ConfigMap ${NAMESPACE}/${n.tenantResources}`] });
    expect((await h.api('DELETE', addonsPath('k2', 'jupyterhub'))).status).toBe(202);
    await until(() => existing('k2').length === 0, 'the uninstall');
    expect((await h.api('GET', addonsPath('k2', 'jupyterhub'))).status).toBe(404);
  });

  it('another process holding the Lease past the wait is a 409 naming the holder', async () => {
    const n = names('p2');
    h.fake.seed({ apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: `addon-${n.release}`, namespace: NAMESPACE }, spec: { holderIdentity: 'busy-replica', leaseDurationSeconds: 60, renewTime: microTime(new Date()) } });
    const quick = await startReplica();
    (quick.service.context.leaseOptions as { waitMs: number }).waitMs = 100;
    const res = await call(quick, 'POST', addonsPath('p2'), { addon: 'jupyterhub' });
    expect(res).toMatchObject({ status: 409, body: { error: 'conflict', message: expect.stringContaining('is held by busy-replica') } });
    expect(existing('p2')).toEqual([]);
  });
});
