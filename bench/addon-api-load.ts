/**
 * Bounded loopback load test of the add-on API (`npm run bench:addon-api`): concurrent installs of both
 * catalog add-ons on 100 clusters, every install sent twice (duplicates), against the in-process
 * Kubernetes fake. Checks that every request was answered 202, that each duplicate pair produced exactly
 * one change (the other answered `unchanged: true`), and that the fake holds every object exactly once
 * (no apply lost). Prints throughput and latency percentiles. Not a unit test: numbers depend on the machine.
 *
 * With `--kubeconfig <file>` it runs against that real management cluster instead (the Cluster API and
 * Flux CRDs installed, e.g. `npm run mgmt:up`): in a namespace of its own (deleted afterwards), Clusters and
 * KubeadmControlPlanes rendered by the library, a ServiceAccount caller with a Role, real TokenReviews and
 * SubjectAccessReviews, and every object read back from the API server.
 *
 *   npm run bench:addon-api -- [--clusters 100] [--concurrency 32] [--kubeconfig <file>]
 */
import { performance } from 'perf_hooks';
import { Chart, Testing } from 'cdk8s';
import { CoreV1Api, CustomObjectsApi, KubeConfig, KubernetesObject, KubernetesObjectApi, PatchStrategy } from '@kubernetes/client-node';
import { Cluster, ControlPlaneGroup, CustomMachineTemplate } from '../lib';
import { buildCluster } from '../lib/core/cluster/cluster';
import { existingInfrastructureCluster } from '../lib/core/providers/existing';
import { ADDON_NAMES, addonNames, LABEL_ADDON, renderClusterAddon } from '../lib/core/addons';
import { createAddonService } from '../lib/service';
import { startKubeFake } from '../test/support/kube-fake';

/** The parameters every install of an add-on sends. */
const PARAMETERS: Readonly<Record<string, object>> = { jupyterhub: { cpu: '2' }, kuberay: { worker: { replicas: 2 } } };

function flag(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isInteger(v) || v < 1 || v > 10000) throw new Error(`--${name} must be an integer 1..10000`);
  return v;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** Where the service's Kubernetes calls go: the in-process fake, or a real management cluster. */
interface Backend {
  readonly kind: 'fake' | 'real';
  readonly namespace: string;
  readonly token: string;
  readonly kubeConfig: KubeConfig;
  /** The stored object `apiVersion kind name` in the namespace, or undefined. */
  get(apiVersion: string, kind: string, name: string): Promise<unknown>;
  /** How many add-on objects (label `addons.capi-constructs.io/addon`) of a kind (`group/Kind`, core kinds bare) the namespace holds. */
  count(kind: string): Promise<number>;
  close(): Promise<void>;
}

async function fakeBackend(names: readonly string[]): Promise<Backend> {
  const namespace = 'fleet';
  const token = 'bench-token';
  const fake = await startKubeFake({
    tokens: { [token]: { username: 'bench', groups: ['system:authenticated'] } },
    authorizer: (a) => a.groups.includes('system:masters') || (a.user === 'bench' && a.namespace === namespace),
  });
  for (const name of names) {
    fake.seed(buildCluster({ name, namespace, cni: 'calico', kubernetesVersion: 'v1.31.4', infrastructure: existingInfrastructureCluster({ version: 'v1beta1', kind: 'DockerCluster' }) }).manifests.filter((m) => m.kind === 'Cluster'));
    fake.seed({ apiVersion: 'controlplane.cluster.x-k8s.io/v1beta2', kind: 'KubeadmControlPlane', metadata: { name: `${name}-control-plane`, namespace }, spec: { version: 'v1.31.4' } });
  }
  return {
    kind: 'fake', namespace, token, kubeConfig: fake.kubeConfig(),
    get: async (apiVersion, kind, name) => fake.get(apiVersion, kind, namespace, name),
    count: async (kind) => fake.list(kind, namespace).filter((o) => o.metadata.labels?.[LABEL_ADDON] !== undefined).length,
    close: () => fake.close(),
  };
}

async function realBackend(file: string, names: readonly string[]): Promise<Backend> {
  const kc = new KubeConfig();
  kc.loadFromFile(file);
  const core = kc.makeApiClient(CoreV1Api);
  const objects = KubernetesObjectApi.makeApiClient(kc);
  const namespace = `bench-addon-api-${process.pid}`;
  await core.createNamespace({ body: { metadata: { name: namespace } } });
  // the clusters as the library renders them (Cluster, infrastructure, KubeadmControlPlane, templates)
  const chart = new Chart(Testing.app(), 'bench');
  for (const name of names) {
    const cluster = new Cluster(chart, name, { name, namespace, kubernetesVersion: 'v1.31.4', infrastructure: existingInfrastructureCluster({ kind: 'DockerCluster', version: 'v1beta2' }), cni: 'calico' });
    new ControlPlaneGroup(chart, `${name}-cp`, { cluster, machineTemplate: new CustomMachineTemplate({ kind: 'DockerMachineTemplate', version: 'v1beta2', spec: { customImage: 'kindest/node:v1.31.4' } }) });
  }
  const caller = 'bench-caller';
  const manifests = [
    ...chart.toJson(),
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: caller, namespace } },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: caller, namespace },
      rules: [{ apiGroups: ['', 'cluster.x-k8s.io', 'helm.toolkit.fluxcd.io', 'source.toolkit.fluxcd.io', 'addons.cluster.x-k8s.io', 'monitoring.coreos.com'], resources: ['clusters', 'helmreleases', 'helmrepositories', 'clusterresourcesets', 'prometheusrules', 'configmaps'], verbs: ['get', 'list', 'create', 'delete'] }],
    },
    { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: caller, namespace }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: caller }, subjects: [{ kind: 'ServiceAccount', name: caller, namespace }] },
  ] as KubernetesObject[];
  for (const m of manifests) await objects.patch({ ...m, metadata: { ...m.metadata, namespace: m.metadata?.namespace ?? namespace } }, undefined, undefined, 'bench', true, PatchStrategy.ServerSideApply);
  const token = (await core.createNamespacedServiceAccountToken({ name: caller, namespace, body: { spec: { expirationSeconds: 3600, audiences: [] } } })).status!.token;
  const custom = kc.makeApiClient(CustomObjectsApi);
  const listOf = async (kind: string): Promise<{ metadata?: { labels?: Record<string, string> } }[]> => {
    const plural = ({ HelmRepository: 'helmrepositories' } as Record<string, string>)[kind.split('/').pop()!] ?? `${kind.split('/').pop()!.toLowerCase()}s`;
    if (!kind.includes('/')) return (plural === 'configmaps' ? (await core.listNamespacedConfigMap({ namespace })).items : []) as never;
    const group = kind.split('/')[0];
    const versions: Record<string, string> = { 'helm.toolkit.fluxcd.io': 'v2', 'source.toolkit.fluxcd.io': 'v1', 'addons.cluster.x-k8s.io': 'v1beta2', 'monitoring.coreos.com': 'v1' };
    return ((await custom.listNamespacedCustomObject({ group, version: versions[group], namespace, plural })) as { items: never[] }).items;
  };
  return {
    kind: 'real', namespace, token, kubeConfig: kc,
    get: (apiVersion, kind, name) => objects.read({ apiVersion, kind, metadata: { name, namespace } } as never).catch(() => undefined),
    count: async (kind) => (await listOf(kind)).filter((o) => o.metadata?.labels?.[LABEL_ADDON] !== undefined).length,
    close: async () => { await core.deleteNamespace({ name: namespace }).catch(() => undefined); },
  };
}

async function main(): Promise<void> {
  const clusters = flag('clusters', 100);
  const concurrency = flag('concurrency', 32);
  const k = process.argv.indexOf('--kubeconfig');
  const names = Array.from({ length: clusters }, (_, i) => `c${String(i).padStart(3, '0')}`);
  const seedStarted = performance.now();
  const backend = k >= 0 ? await realBackend(process.argv[k + 1], names) : await fakeBackend(names);
  const seedSeconds = (performance.now() - seedStarted) / 1000;
  try {
    await measure(backend, clusters, concurrency, names, seedSeconds);
  } finally {
    await backend.close();
  }
}

async function measure(backend: Backend, clusters: number, concurrency: number, names: readonly string[], seedSeconds: number): Promise<void> {
  const { namespace, token } = backend;
  const service = createAddonService({ kubeConfig: backend.kubeConfig, readinessPollMs: 10, log: { level: 'warn' } });
  const url = await service.listen(0, '127.0.0.1');
  while (!service.lifecycle.ready) await new Promise((r) => setTimeout(r, 10));

  // every (cluster, add-on) twice, the duplicates interleaved with the other requests
  const jobs = names.flatMap((cluster) => ADDON_NAMES.map((addon) => ({ cluster, addon })));
  const requests = [...jobs, ...jobs].map((j, i) => ({ ...j, i }));
  for (let i = requests.length - 1; i > 0; i--) { // deterministic shuffle
    const k = (i * 7919) % (i + 1);
    [requests[i], requests[k]] = [requests[k], requests[i]];
  }
  const latencies: number[] = [];
  const answers: { cluster: string; addon: string; status: number; unchanged?: boolean }[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < requests.length) {
      const r = requests[next++];
      const t0 = performance.now();
      const res = await fetch(`${url}/v1/namespaces/${namespace}/clusters/${r.cluster}/addons`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ addon: r.addon, parameters: PARAMETERS[r.addon] }),
      });
      const body = await res.json() as { unchanged?: boolean };
      latencies.push(performance.now() - t0);
      answers.push({ cluster: r.cluster, addon: r.addon, status: res.status, unchanged: body.unchanged });
    }
  }));
  const seconds = (performance.now() - started) / 1000;

  const problems: string[] = [];
  if (answers.length !== requests.length) problems.push(`${requests.length - answers.length} requests without an answer`);
  const bad = answers.filter((a) => a.status !== 202);
  if (bad.length) problems.push(`${bad.length} answers were not 202: ${JSON.stringify(bad.slice(0, 3))}`);
  for (const j of jobs) {
    const pair = answers.filter((a) => a.cluster === j.cluster && a.addon === j.addon);
    const changed = pair.filter((a) => a.unchanged === false).length;
    if (pair.length !== 2 || changed !== 1) problems.push(`${j.cluster}/${j.addon}: ${pair.length} answers, ${changed} changes (want 2 and 1)`);
  }
  // no apply lost: every rendered object is stored, exactly once
  let expected = 0;
  const kinds = new Set<string>();
  for (const j of jobs) {
    const model = renderClusterAddon({ cluster: { name: j.cluster, namespace, kubernetesVersion: 'v1.31.4', apiVersion: 'v1beta2' }, addon: j.addon, parameters: PARAMETERS[j.addon] as never });
    for (const m of model.manifests) {
      expected++;
      kinds.add(`${m.apiVersion.split('/')[0]}/${m.kind}`);
      if (!(await backend.get(m.apiVersion, m.kind, m.metadata.name!))) problems.push(`missing ${m.kind} ${m.metadata.name}`);
    }
  }
  let stored = 0;
  for (const kind of [...kinds].map((x) => (x.startsWith('v1/') ? x.slice(3) : x))) stored += await backend.count(kind);
  if (stored !== expected) problems.push(`the ${backend.kind} cluster holds ${stored} add-on objects, expected ${expected}`);
  const releases = await backend.count('helm.toolkit.fluxcd.io/HelmRelease');
  const wantReleases = names.length * ADDON_NAMES.reduce((n, a) => n + addonNames({ name: 'x', namespace }, a).releases.length, 0);
  if (releases !== wantReleases) problems.push(`${releases} HelmReleases, expected ${wantReleases}`);

  await service.shutdown();
  const sorted = [...latencies].sort((a, b) => a - b);
  const result = {
    backend: backend.kind, seedSeconds: Number(seedSeconds.toFixed(1)), clusters, concurrency, requests: requests.length, answered: answers.length, objectsStored: stored, helmReleases: releases,
    seconds: Number(seconds.toFixed(2)), throughputPerSecond: Number((requests.length / seconds).toFixed(1)),
    p50Ms: Number(percentile(sorted, 50).toFixed(1)), p99Ms: Number(percentile(sorted, 99).toFixed(1)), maxMs: Number(sorted[sorted.length - 1].toFixed(1)),
    node: process.version,
  };
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  if (problems.length) {
    process.stderr.write(`FAILED:\n  ${problems.slice(0, 20).join('\n  ')}\n`);
    process.exitCode = 1;
  }
}

main().catch((e) => { process.stderr.write(`${e?.stack ?? e}\n`); process.exitCode = 1; });
