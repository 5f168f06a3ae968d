/**
 * Several `capi-constructs serve` processes against the real management cluster: installs and uninstalls
 * of the same add-on race across two processes, and processes are killed (SIGKILL) at random points of
 * an install and of an uninstall. After every trial the cluster holds a whole installation or none, and
 * a fresh replica reports what the cluster holds; after every kill a repeated request repairs it.
 *
 * Trial counts are bounded so that the file runs in a few minutes. The figures are printed at the end
 * (docs/addon-api.md quotes them).
 */
import { ChildProcess, spawn } from 'child_process';
import { KubernetesObjectApi } from '@kubernetes/client-node';
import { addonNames, installationObjects, operationOf, showObject } from '../../lib/core/addons';
import { BIN } from '../support/cli';
import { deleteNamespaces, freshNamespace, kubeConfig, kubeconfigPath, kubectlOk, toYaml } from '../support/real-cluster';
import { applyAddonTestCluster } from '../support/addon-cluster';

const LEASE_SECONDS = 3;
const RACE_TRIALS = 6;
const KILL_TRIALS = 4;

let ns: string;
let token = '';
const processes: ChildProcess[] = [];
let objectsApi: KubernetesObjectApi;

interface Replica { url: string; child: ChildProcess }

/** Starts `capi-constructs serve` as a child process; resolves once it listens and is ready. */
async function startServe(): Promise<Replica> {
  const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--host', '127.0.0.1', '--kubeconfig', kubeconfigPath(), '--lease-duration-seconds', String(LEASE_SECONDS)], { stdio: ['ignore', 'pipe', 'pipe'] });
  processes.push(child);
  let out = '';
  child.stdout!.on('data', (d) => { out += String(d); });
  child.stderr!.on('data', () => undefined);
  for (const end = Date.now() + 60_000; Date.now() < end;) {
    const url = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(out)?.[1];
    if (url && (await fetch(`${url}/readyz`).then((r) => r.status, () => 0)) === 200) return { url, child };
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`serve did not start: ${out.slice(-500)}`);
}

async function call(r: Replica, method: string, p: string, body?: unknown): Promise<{ status: number; body: any }> {
  try {
    const res = await fetch(`${r.url}/v1/namespaces/${ns}/clusters/prod/addons${p}`, {
      method, headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) }, body: body ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  } catch {
    return { status: 0, body: undefined }; // the process was killed mid-request
  }
}

const objects = () => installationObjects({ cluster: { name: 'prod', namespace: ns }, addon: 'jupyterhub', mode: 'management', monitoring: true });
/** The objects of the installation that exist, by `Kind namespace/name`, with the live HelmRepository and HelmRelease. */
async function live(): Promise<{ present: string[]; missing: string[]; repo?: any; release?: any }> {
  const present: string[] = [];
  const missing: string[] = [];
  let repo: any;
  let release: any;
  for (const o of objects()) {
    const found = await objectsApi.read({ apiVersion: o.apiVersion, kind: o.kind, metadata: { name: o.name, namespace: o.namespace } } as never).catch(() => undefined);
    (found ? present : missing).push(showObject(o));
    if (o.kind === 'HelmRepository') repo = found;
    if (o.kind === 'HelmRelease') release = found;
  }
  return { present, missing, repo, release };
}

async function until<T>(what: string, ms: number, check: () => Promise<T | undefined>): Promise<T> {
  for (const end = Date.now() + ms; Date.now() < end;) {
    const v = await check();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** Retries a request while another holder's Lease answers 409 (a killed process's Lease expires after LEASE_SECONDS). */
async function retryOnLease(r: Replica, method: string, p: string, body?: unknown): Promise<{ status: number; body: any }> {
  return until(`${method} ${p} past the Lease`, 30_000, async () => {
    const res = await call(r, method, p, body);
    return res.status === 409 && /Lease/.test(res.body?.message ?? '') ? undefined : res;
  });
}

/** Waits until no uninstall is under way, then says what the cluster holds and what a replica reports. */
async function settle(r: Replica): Promise<{ state: Awaited<ReturnType<typeof live>>; status: { status: number; body: any } }> {
  await until('the uninstall to finish', 30_000, async () => {
    const s = await call(r, 'GET', '/jupyterhub');
    return s.status === 404 || s.body?.phase !== 'Uninstalling' ? true : undefined;
  });
  return { state: await live(), status: await call(r, 'GET', '/jupyterhub') };
}

/** Whether the reported status is true to what the cluster holds. */
function trueState(state: Awaited<ReturnType<typeof live>>, status: { status: number; body: any }): string | undefined {
  if (state.present.length === 0) return status.status === 404 ? undefined : `nothing exists, but status answers ${status.status} ${JSON.stringify(status.body)}`;
  if (status.status !== 200) return `${state.present.length} objects exist, but status answers ${status.status} (invisible)`;
  const reported = [...(status.body.missing ?? [])].sort();
  if (JSON.stringify(reported) !== JSON.stringify([...state.missing].sort())) return `status reports missing ${JSON.stringify(reported)}, the cluster misses ${JSON.stringify(state.missing)}`;
  if (state.missing.length > 0 && status.body.phase !== 'Failed' && status.body.phase !== 'Uninstalling' && status.body.phase !== 'Installing') return `partial installation reported as ${status.body.phase}`;
  return undefined;
}

beforeAll(async () => {
  ns = freshNamespace('addon-races');
  applyAddonTestCluster(ns);
  // Cluster prod has no workload cluster here: Cluster API's ClusterResourceSet controller would hold a
  // deleted ClusterResourceSet that selects it (its finalizer needs the workload cluster), and the
  // uninstall would rightly wait for it. Without the label the add-on's ClusterResourceSet selects no
  // cluster, and its deletion completes.
  kubectlOk(['label', 'clusters.cluster.x-k8s.io', 'prod', '-n', ns, 'cluster.x-k8s.io/cluster-name-']);
  kubectlOk(['apply', '--server-side', '-f', '-'], {
    input: toYaml([
      { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'racer', namespace: ns } },
      {
        apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'racer', namespace: ns },
        rules: [{ apiGroups: ['', 'cluster.x-k8s.io', 'helm.toolkit.fluxcd.io', 'source.toolkit.fluxcd.io', 'addons.cluster.x-k8s.io', 'monitoring.coreos.com'], resources: ['clusters', 'helmreleases', 'helmrepositories', 'clusterresourcesets', 'prometheusrules', 'configmaps', 'secrets'], verbs: ['get', 'list', 'create', 'delete'] }],
      },
      { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: 'racer', namespace: ns }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'racer' }, subjects: [{ kind: 'ServiceAccount', name: 'racer', namespace: ns }] },
    ]),
  });
  token = kubectlOk(['create', 'token', 'racer', '-n', ns, '--duration=1h']).trim();
  objectsApi = KubernetesObjectApi.makeApiClient(kubeConfig());
}, 120_000);

afterAll(() => {
  for (const p of processes) if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
  deleteNamespaces([ns]);
});

const figures: Record<string, number> = {};
afterAll(() => process.stdout.write(`addon-api races: ${JSON.stringify(figures)}\n`));

describe('two serve processes racing installs and uninstalls of one add-on', () => {
  it(`leaves a whole installation or none, never a lost update, over ${RACE_TRIALS} trials`, async () => {
    const [r1, r2] = await Promise.all([startServe(), startServe()]);
    const problems: string[] = [];
    let bothAccepted = 0;
    for (let t = 0; t < RACE_TRIALS; t++) {
      // install cpu 1 on one process, cpu 2 on the other, and an uninstall, in a random order and spacing
      const ops = [
        () => call(r1, 'POST', '', { addon: 'jupyterhub', parameters: { cpu: '1' } }),
        () => call(r2, 'POST', '', { addon: 'jupyterhub', parameters: { cpu: '2' } }),
        ...(t % 2 === 0 ? [() => call(Math.random() < 0.5 ? r1 : r2, 'DELETE', '/jupyterhub')] : []),
      ].sort(() => Math.random() - 0.5);
      const answers = await Promise.all(ops.map(async (op, i) => { await new Promise((r) => setTimeout(r, i * Math.random() * 30)); return op(); }));
      const installs = answers.filter((a) => a.body?.status === 'Installing');
      const deletes = answers.filter((a) => a.body?.status === 'Uninstalling');
      if (installs.length === 2 && deletes.length === 0) bothAccepted++;
      const { state, status } = await settle(r1);
      const wrong = trueState(state, status);
      if (wrong) problems.push(`trial ${t}: ${wrong}`);
      if (state.present.length > 0 && state.missing.length > 0) problems.push(`trial ${t}: broken installation, missing ${state.missing.join(', ')}`);
      if (operationOf(state.repo?.metadata?.annotations) !== undefined && state.missing.length === 0) problems.push(`trial ${t}: an operation is left recorded on a complete installation`);
      // the values installed are those of an install that was answered 202
      const cpu = state.release?.spec?.values?.singleuser?.cpu?.limit;
      if (cpu !== undefined && !installs.some((a) => a.body.unchanged !== undefined) && deletes.length === 0) problems.push(`trial ${t}: values cpu=${cpu} installed, but no install was accepted`);
      // start the next trial from nothing
      if ((await call(r1, 'DELETE', '/jupyterhub')).status === 202) await settle(r1);
      expect((await live()).present).toEqual([]);
    }
    figures.raceTrials = RACE_TRIALS;
    figures.lostUpdates = bothAccepted;
    figures.brokenAfterRaces = problems.length;
    expect(problems).toEqual([]);
    expect(bothAccepted).toBe(0);
    r1.child.kill('SIGTERM');
    r2.child.kill('SIGTERM');
  }, 300_000);
});

describe('SIGKILL at random points', () => {
  let fresh: Replica;
  beforeAll(async () => { fresh = await startServe(); }, 120_000);

  it(`of an install: a fresh replica reports the true state and a repeated install repairs it (${KILL_TRIALS} trials)`, async () => {
    const problems: string[] = [];
    let partial = 0;
    for (let t = 0; t < KILL_TRIALS; t++) {
      const victim = await startServe();
      const request = call(victim, 'POST', '', { addon: 'jupyterhub' });
      await new Promise((r) => setTimeout(r, Math.random() * 250));
      victim.child.kill('SIGKILL');
      await request;
      const state = await live();
      if (state.present.length > 0 && state.missing.length > 0) partial++;
      const wrong = trueState(state, await call(fresh, 'GET', '/jupyterhub'));
      if (wrong) problems.push(`install trial ${t}: ${wrong}`);
      const repaired = await retryOnLease(fresh, 'POST', '', { addon: 'jupyterhub' });
      if (repaired.status !== 202) problems.push(`install trial ${t}: the repeated install answered ${repaired.status} ${JSON.stringify(repaired.body)}`);
      const after = await live();
      if (after.missing.length > 0 || operationOf(after.repo?.metadata?.annotations) !== undefined) problems.push(`install trial ${t}: unrepaired: missing ${after.missing.join(', ')}`);
      const status = await call(fresh, 'GET', '/jupyterhub');
      if (status.body?.phase !== 'Installing' || status.body?.missing !== undefined) problems.push(`install trial ${t}: after the repair status says ${JSON.stringify(status.body)}`);
      // back to nothing
      await retryOnLease(fresh, 'DELETE', '/jupyterhub');
      await settle(fresh);
    }
    figures.installKills = KILL_TRIALS;
    figures.partialAfterInstallKill = partial;
    figures.wrongAfterInstallKill = problems.length;
    expect(problems).toEqual([]);
  }, 300_000);

  it(`of an uninstall: a fresh replica reports it, and a repeated DELETE finishes it (${KILL_TRIALS} trials)`, async () => {
    const problems: string[] = [];
    for (let t = 0; t < KILL_TRIALS; t++) {
      expect((await retryOnLease(fresh, 'POST', '', { addon: 'jupyterhub' })).status).toBe(202);
      const victim = await startServe();
      const request = call(victim, 'DELETE', '/jupyterhub');
      await new Promise((r) => setTimeout(r, Math.random() * 200));
      victim.child.kill('SIGKILL');
      await request;
      const state = await live();
      const wrong = trueState(state, await call(fresh, 'GET', '/jupyterhub'));
      if (wrong) problems.push(`uninstall trial ${t}: ${wrong}`);
      const again = await retryOnLease(fresh, 'DELETE', '/jupyterhub');
      if (again.status !== 202 && !(again.status === 404 && (await live()).present.length === 0)) problems.push(`uninstall trial ${t}: the repeated DELETE answered ${again.status} ${JSON.stringify(again.body)}`);
      const { state: after, status } = await settle(fresh);
      if (after.present.length > 0 || status.status !== 404) problems.push(`uninstall trial ${t}: unrepaired: ${after.present.join(', ')} left, status ${status.status}`);
    }
    figures.uninstallKills = KILL_TRIALS;
    figures.wrongAfterUninstallKill = problems.length;
    expect(problems).toEqual([]);
  }, 300_000);
});
