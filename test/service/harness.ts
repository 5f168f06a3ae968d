/**
 * The add-on API service running on loopback against the in-process Kubernetes fake (the management
 * cluster) and a second fake (the workload cluster, reached through the `<cluster>-kubeconfig` Secret).
 * Requests go over real HTTP (fetch); log lines are captured from the pino stream.
 */
import { Writable } from 'stream';
import { buildCluster } from '../../lib/core/cluster/cluster';
import { existingInfrastructureCluster } from '../../lib/core/providers/existing';
import { AddonServiceOptions, createAddonService, AddonService } from '../../lib/service';
import { AuthorizationAttributes, KubeFake, KubeFakeOptions, startKubeFake } from '../support/kube-fake';

/** Tokens of the test users. */
export const TOKENS = {
  /** may do anything in namespace team-a */
  alice: 'alice-token-6f1c2b9d',
  /** may only get and list in team-a */
  victor: 'victor-token-0a9e77d1',
  /** anything in team-a but Secrets */
  dora: 'dora-token-3c3c9e20',
  /** authenticated, no rights */
  mallory: 'mallory-token-55aa01fe',
  /** get and list in team-a, but of the Clusters only `old` */
  olga: 'olga-token-9b8e12c4',
} as const;

export const NAMESPACE = 'team-a';

/** The policy: alice everything in team-a, dora all but Secrets there, victor get/list there, system:masters (the service itself) everything. */
export function policy(a: AuthorizationAttributes): boolean {
  if (a.groups.includes('system:masters')) return true;
  if (a.user === 'alice') return a.namespace === NAMESPACE;
  if (a.user === 'dora') return a.namespace === NAMESPACE && a.resource !== 'secrets';
  if (a.user === 'olga') return a.namespace === NAMESPACE && (a.verb === 'get' || a.verb === 'list') && (a.resource !== 'clusters' || a.name === 'old');
  if (a.user === 'victor') return a.namespace === NAMESPACE && (a.verb === 'get' || a.verb === 'list');
  return false;
}

export interface Harness {
  readonly fake: KubeFake;
  readonly workload: KubeFake;
  readonly service: AddonService;
  readonly url: string;
  /** Every log line so far, parsed. */
  readonly logs: Record<string, any>[];
  /** The raw log text so far. */
  rawLogs(): string;
  /** Seeds a Cluster (as the library's Cluster renders it), its KubeadmControlPlane and kubeconfig Secret. */
  seedCluster(name: string, kubernetesVersion?: string, namespace?: string): void;
  api(method: string, path: string, opts?: { token?: string | null; body?: unknown; rawBody?: string; headers?: Record<string, string> }): Promise<Answer>;
  close(): Promise<void>;
}

export interface Answer {
  status: number;
  headers: Headers;
  body: any;
  text: string;
}

export async function startHarness(options: { fake?: KubeFakeOptions; service?: Partial<AddonServiceOptions>; serviceToken?: string } = {}): Promise<Harness> {
  const fake = await startKubeFake({
    tokens: {
      [TOKENS.alice]: { username: 'alice', uid: 'u-alice', groups: ['team-a-admins', 'system:authenticated'] },
      [TOKENS.victor]: { username: 'victor', groups: ['system:authenticated'] },
      [TOKENS.dora]: { username: 'dora', groups: ['system:authenticated'] },
      [TOKENS.mallory]: { username: 'mallory', groups: ['system:authenticated'] },
      [TOKENS.olga]: { username: 'olga', groups: ['system:authenticated'] },
    },
    authorizer: policy,
    ...options.fake,
  });
  const workload = await startKubeFake({ name: 'workload' });
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) { lines.push(...String(chunk).split('\n').filter((l) => l !== '')); cb(); },
  });
  const service = createAddonService({
    kubeConfig: fake.kubeConfig(options.serviceToken),
    uninstallPollMs: 10,
    readinessPollMs: 10,
    log: { stream },
    ...options.service,
  });
  const address = await service.listen(0, '127.0.0.1');
  for (let i = 0; i < 500 && !service.lifecycle.ready; i++) await new Promise((r) => setTimeout(r, 10));

  const h: Harness = {
    fake,
    workload,
    service,
    url: address,
    get logs() { return lines.map((l) => JSON.parse(l)); },
    rawLogs: () => lines.join('\n'),
    seedCluster(name, kubernetesVersion = 'v1.31.4', namespace = NAMESPACE) {
      const cluster = buildCluster({ name, namespace, cni: 'calico', kubernetesVersion, infrastructure: existingInfrastructureCluster({ version: 'v1beta1', kind: 'DockerCluster' }) });
      fake.seed(cluster.manifests.filter((m) => m.kind === 'Cluster'));
      fake.seed({
        apiVersion: 'controlplane.cluster.x-k8s.io/v1beta2',
        kind: 'KubeadmControlPlane',
        metadata: { name: `${name}-control-plane`, namespace },
        spec: { version: kubernetesVersion, replicas: 3 },
      });
      fake.seed({
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: `${name}-kubeconfig`, namespace, labels: { 'cluster.x-k8s.io/cluster-name': name } },
        type: 'cluster.x-k8s.io/secret',
        data: { value: Buffer.from(workload.kubeconfigYaml()).toString('base64') },
      });
    },
    async api(method, path, opts = {}) {
      const headers: Record<string, string> = { ...opts.headers };
      const token = opts.token === undefined ? TOKENS.alice : opts.token;
      if (token !== null) headers.authorization = `Bearer ${token}`;
      let body: string | undefined = opts.rawBody;
      if (opts.body !== undefined) {
        body = JSON.stringify(opts.body);
        headers['content-type'] ??= 'application/json';
      }
      const res = await fetch(`${address}${path}`, { method, headers, body });
      const text = await res.text();
      let parsed: any = text;
      try { parsed = JSON.parse(text); } catch { /* metrics text */ }
      return { status: res.status, headers: res.headers, body: parsed, text };
    },
    async close() {
      await service.shutdown();
      await fake.close();
      await workload.close();
    },
  };
  return h;
}

/** `.../namespaces/<ns>/clusters/<cluster>/addons[/<addon>]` */
export function addonsPath(cluster: string, addon?: string, namespace = NAMESPACE): string {
  return `/v1/namespaces/${namespace}/clusters/${cluster}/addons${addon === undefined ? '' : `/${addon}`}`;
}

/** The fake's writes of objects (the TokenReviews and SubjectAccessReviews every request makes, and the Lease every operation holds, left out). */
export function objectWrites(fake: KubeFake) {
  return fake.writes().filter((w) => !/(tokenreviews|subjectaccessreviews)$/.test(w.path) && w.resource !== 'leases');
}

/** The fake's writes of Leases. */
export function leaseWrites(fake: KubeFake) {
  return fake.writes().filter((w) => w.resource === 'leases');
}

/** helm-controller's part, done by hand: the finalizer and the conditions of a reconciled HelmRelease. */
export function reconcile(fake: KubeFake, namespace: string, name: string, status: { ready: 'True' | 'False' | 'Unknown'; reason: string; message?: string; stalled?: boolean; chartVersion?: string; at?: string }): void {
  const hr = fake.get('helm.toolkit.fluxcd.io/v2', 'HelmRelease', namespace, name);
  if (!hr) throw new Error(`no HelmRelease ${namespace}/${name}`);
  const at = status.at ?? '2026-12-02T07:00:00Z';
  const conditions: any[] = [{ type: 'Ready', status: status.ready, reason: status.reason, message: status.message ?? status.reason, lastTransitionTime: at, observedGeneration: hr.metadata.generation }];
  if (status.stalled) conditions.push({ type: 'Stalled', status: 'True', reason: status.reason, message: status.message ?? status.reason, lastTransitionTime: at });
  fake.seed({
    ...hr,
    metadata: { ...hr.metadata, finalizers: ['finalizers.fluxcd.io'] },
    status: {
      observedGeneration: hr.metadata.generation,
      conditions,
      ...(status.chartVersion ? { history: [{ chartName: hr.spec.chart.spec.chart, chartVersion: status.chartVersion }] } : {}),
    },
  });
}
