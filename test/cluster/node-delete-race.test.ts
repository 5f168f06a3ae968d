/**
 * Control-plane deletions racing across separate `capi-constructs node delete` processes, as users run
 * them (bin/capi-constructs.js, one child process each), against the real management cluster.
 *
 * Management cluster: a paused Cluster `prod` (its controllers leave the hand-made objects alone), its
 * kubeconfig Secret, a KubeadmControlPlane of 3 replicas and its three Machines. The real Cluster API
 * machine controller gives each Machine its finalizer and, the Cluster being paused, holds a deleted
 * Machine "being deleted" (as it would while it drains and deletes it) until the round resets it by
 * removing the finalizer. Workload cluster: the three Nodes, Ready (status written by the test; no
 * kubelet runs).
 *
 * The rule (docs/operations.md): a control-plane node is deleted only while at least two OTHER
 * control-plane nodes are Ready, so of three at most one is deleted at a time. Every round starts two
 * processes, lets them through a start gate together (one of them a random 0..40 ms later), and checks:
 * - different nodes: exactly one process deletes its Machine (exit 0) and the other is refused (exit 3,
 *   ControlPlaneQuorumAtRisk, or OperationInProgress when it waited too long for the Lease);
 * - the same node: exactly one process sends the DELETE, the other finds the Machine being deleted;
 * - always: at most one Machine being deleted, the other Machines and the Nodes untouched (no cordon, no
 *   annotation), and no Lease left.
 * Without the Lease (checked by removing it), 6 of 10 rounds of different nodes went below quorum and
 * 5 of 5 rounds of the same node sent two DELETEs.
 *
 * A process that stops while it holds the cluster's Lease runs through a proxy of the management API
 * that stops answering it once it has taken the Lease:
 * - killed (SIGKILL) there, before its delete: the next run waits for the Lease to expire, takes it
 *   over, deletes, and names the holder it took it from;
 * - stalled there until the Lease expired, another run took it over, deleted and released it: when it
 *   goes on, its last renewal before the delete finds the Lease lost, and it deletes nothing.
 *
 * The figures are printed at the end (docs/operations.md and docs/testing.md quote them).
 */
import { ChildProcess, spawn } from 'child_process';
import { rmSync, writeFileSync } from 'fs';
import * as http from 'http';
import * as https from 'https';
import { tmpdir } from 'os';
import { join } from 'path';
import * as net from 'net';
import { CoordinationV1Api, CoreV1Api, CustomObjectsApi, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { controlPlaneDeletionLeaseName } from '../../lib/core/output/naming';
import { BIN } from '../support/cli';
import { deleteNamespaces, freshNamespace, kubeConfig, kubeconfigPath, kubeconfigText, kubectl, kubectlOk, toYaml } from '../support/real-cluster';

const ROUNDS = Number(process.env.NODE_DELETE_RACE_ROUNDS ?? 20);
const SAME_NODE_ROUNDS = Number(process.env.NODE_DELETE_RACE_SAME_ROUNDS ?? 10);
const KILL_ROUNDS = Number(process.env.NODE_DELETE_RACE_KILL_ROUNDS ?? 2);
/** Largest start offset between the two processes of a round (after the start gate, below). */
const JITTER_MS = 40;

const CAPI_GROUP = 'cluster.x-k8s.io';
const CAPI = `${CAPI_GROUP}/v1beta2`;
const VERSION = 'v1.36.3';
/** Cluster API's machine controller adds it, also to the Machines of a paused Cluster. */
const MACHINE_FINALIZER = 'machine.cluster.x-k8s.io';
const KEYS = ['a', 'b', 'c'] as const;
type Key = typeof KEYS[number];
const RUN = `${process.pid}`;
const machineName = (k: Key) => `prod-control-plane-${k}`;
/** Node names are cluster-wide on the shared workload cluster: unique per run. */
const nodeName = (k: Key) => `cpr-${RUN}-${k}`;
const LEASE = controlPlaneDeletionLeaseName('prod');

let ns: string;
let custom: CustomObjectsApi;
let workloadCore: CoreV1Api;
let leases: CoordinationV1Api;
const children: ChildProcess[] = [];
/** Kubeconfigs the test writes (the start gate's carry the admin credentials): removed at the end. */
const files: string[] = [];

const machineParams = () => ({ group: CAPI_GROUP, version: 'v1beta2', namespace: ns, plural: 'machines' });
const merge = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
const statusCode = (e: unknown) => (e as { code?: number }).code;

async function createMachine(k: Key): Promise<void> {
  await custom.createNamespacedCustomObject({
    ...machineParams(),
    body: {
      apiVersion: CAPI, kind: 'Machine',
      metadata: {
        name: machineName(k), namespace: ns,
        labels: { 'cluster.x-k8s.io/cluster-name': 'prod', 'cluster.x-k8s.io/control-plane': '', 'cluster.x-k8s.io/control-plane-name': 'prod-control-plane' },
      },
      spec: {
        clusterName: 'prod', version: VERSION, providerID: `vsphere://4211cp${k}-${RUN}`,
        bootstrap: { dataSecretName: `${machineName(k)}-bootstrap` },
        infrastructureRef: { apiGroup: 'infrastructure.cluster.x-k8s.io', kind: 'VSphereMachine', name: machineName(k) },
      },
    },
  });
  await custom.patchNamespacedCustomObjectStatus({ ...machineParams(), name: machineName(k), body: { status: { phase: 'Running', nodeRef: { name: nodeName(k) } } } }, merge);
}

interface MachineState { name: string; uid: string; deleting: boolean; annotations: Record<string, string>; settled: boolean; content: string }

async function machines(): Promise<Map<Key, MachineState | undefined>> {
  const out = new Map<Key, MachineState | undefined>();
  for (const k of KEYS) {
    const m = await custom.getNamespacedCustomObject({ ...machineParams(), name: machineName(k) }).catch((e) => { if (statusCode(e) === 404) return undefined; throw e; }) as any;
    out.set(k, m && {
      name: m.metadata.name, uid: m.metadata.uid, deleting: !!m.metadata.deletionTimestamp, annotations: m.metadata.annotations ?? {},
      // the machine controller has reconciled it: its finalizer, and the Paused condition of this generation
      settled: (m.metadata.finalizers ?? []).includes(MACHINE_FINALIZER) && (m.status?.conditions ?? []).some((c: any) => c.type === 'Paused' && c.status === 'True' && c.observedGeneration === m.metadata.generation),
      // what a node operation could write (the controllers write status only, once settled)
      content: JSON.stringify([m.metadata.labels, m.metadata.annotations, m.metadata.finalizers, m.spec]),
    });
  }
  return out;
}

/** Back to three live Machines: a deleted one loses its finalizer (so it goes) and is created again; then waits for the machine controller. */
async function reset(): Promise<Map<Key, MachineState | undefined>> {
  for (const [k, m] of await machines()) {
    if (m && !m.deleting) continue;
    if (m) await custom.patchNamespacedCustomObject({ ...machineParams(), name: machineName(k), body: { metadata: { finalizers: null } } }, merge);
    for (let i = 0; ; i++) {
      const gone = await custom.getNamespacedCustomObject({ ...machineParams(), name: machineName(k) }).then(() => false, (e) => statusCode(e) === 404);
      if (gone) break;
      if (i > 100) throw new Error(`Machine ${machineName(k)} is not gone`);
      await sleep(100);
    }
    await createMachine(k);
  }
  for (let i = 0; ; i++) {
    const all = await machines();
    if ([...all.values()].every((m) => m?.settled)) return all;
    if (i > 300) throw new Error(`the machine controller did not reconcile the Machines: ${JSON.stringify([...all.values()])}`);
    await sleep(100);
  }
}

async function leaseLeft(): Promise<any | undefined> {
  return leases.readNamespacedLease({ namespace: ns, name: LEASE }).catch((e) => { if (statusCode(e) === 404) return undefined; throw e; });
}

interface Run { node: string; code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string; pid: number; child: ChildProcess }

/** Starts `capi-constructs node delete <node> --replace --confirm <node>` as a user runs it; resolves when it exits. */
function deleteProcess(node: string, kubeconfig = kubeconfigPath()): Promise<Run> {
  const child = spawn(process.execPath, [BIN, 'node', 'delete', node, '--replace', '--confirm', node, '--cluster', 'prod', '--namespace', ns, '--kubeconfig', kubeconfig], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => { stdout += String(d); });
  child.stderr!.on('data', (d) => { stderr += String(d); });
  return new Promise((resolve) => child.on('close', (code, signal) => resolve({ node, code, signal, stdout, stderr, pid: child.pid!, child })));
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The start gate of the races: one TCP port per process in front of the management API server. A
 * process's connections wait at its port until every process of the round has connected (so the slow
 * part of a start, loading the program, is over for all of them), then each port opens after its own
 * start offset and passes the bytes through unchanged (TLS end to end: the processes use the real
 * server's CA and credentials, only the port differs).
 */
class StartGate {
  private readonly servers: net.Server[] = [];
  private readonly sockets = new Set<net.Socket>();
  private pending: net.Socket[][] = [];
  private opened: boolean[] = [];
  private offsets: number[] = [];
  readonly kubeconfigs: string[] = [];

  async listen(count: number): Promise<void> {
    const kc = kubeConfig();
    const target = new URL(kc.getCurrentCluster()!.server);
    for (let i = 0; i < count; i++) {
      const server = net.createServer((socket) => {
        this.sockets.add(socket);
        socket.on('close', () => this.sockets.delete(socket));
        socket.on('error', () => socket.destroy());
        if (this.opened[i]) this.pass(socket, target);
        else {
          this.pending[i].push(socket);
          this.maybeOpen(target);
        }
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
      this.servers.push(server);
      const port = (server.address() as net.AddressInfo).port;
      const text = kubeconfigText('management').replace(new RegExp(`https://${target.host.replace(/\./g, '\\.')}\\b`, 'g'), `https://127.0.0.1:${port}`);
      if (!text.includes(`https://127.0.0.1:${port}`)) throw new Error('the management kubeconfig does not name its server as expected');
      const file = join(tmpdir(), `node-delete-race-${RUN}-gate-${i}.kubeconfig`);
      writeFileSync(file, text, { mode: 0o600 });
      files.push(file);
      this.kubeconfigs.push(file);
    }
    this.arm(this.servers.map(() => 0));
  }

  /** The next round: every port closed until all have a connection, then port i opens after offsets[i] ms. */
  arm(offsets: number[]): void {
    this.offsets = offsets;
    this.opened = offsets.map(() => false);
    this.pending = offsets.map(() => []);
  }

  private maybeOpen(target: URL): void {
    if (this.pending.some((p) => p.length === 0) || this.opened.some(Boolean)) return;
    this.offsets.forEach((ms, i) => setTimeout(() => {
      this.opened[i] = true;
      for (const s of this.pending[i].splice(0)) this.pass(s, target);
    }, ms));
  }

  private pass(socket: net.Socket, target: URL): void {
    const up = net.connect(Number(target.port), target.hostname);
    this.sockets.add(up);
    up.on('close', () => { this.sockets.delete(up); socket.destroy(); });
    up.on('error', () => socket.destroy());
    socket.on('close', () => up.destroy());
    socket.pipe(up);
    up.pipe(socket);
  }

  close(): void {
    for (const s of this.sockets) s.destroy();
    for (const s of this.servers) s.close();
  }
}

let gate: StartGate;

/** Two processes through the start gate, one of them (at random) let through a random 0..JITTER_MS later; runs in the order of the arguments. */
function race(a: string, b: string): Promise<[Run, Run]> {
  const offset = Math.random() * JITTER_MS;
  gate.arm(Math.random() < 0.5 ? [0, offset] : [offset, 0]);
  return Promise.all([deleteProcess(a, gate.kubeconfigs[0]), deleteProcess(b, gate.kubeconfigs[1])]);
}

const DELETED = (k: Key, note = '') => new RegExp(`^deleted Machine ${machineName(k)} of control-plane node ${nodeName(k)}; KubeadmControlPlane prod-control-plane replaces it${note}\\n  DELETE /apis/cluster\\.x-k8s\\.io/v1beta2/namespaces/${ns}/machines/${machineName(k)} \\(management\\)`);
const QUORUM_REFUSAL = (node: string) => new RegExp(`^capi-constructs node: delete ${node} refused \\(ControlPlaneQuorumAtRisk\\): only 1 other control-plane node is Ready \\(cpr-${RUN}-[abc]\\); deleting ${node} needs at least 2 so that etcd keeps quorum while it is replaced\\n$`);
const IN_PROGRESS = (node: string) => new RegExp(`^capi-constructs node: delete ${node} refused \\(OperationInProgress\\): another control-plane deletion of cluster ${ns}/prod is in progress`);
const ALREADY = (k: Key) => `Machine ${machineName(k)} of node ${nodeName(k)} is already being deleted\n`;

/** What the clusters hold after a round: problems with the rule or leftovers. */
async function leftovers(before: Map<Key, MachineState | undefined>): Promise<{ deleting: Key[]; problems: string[] }> {
  const after = await machines();
  const problems: string[] = [];
  const deleting = KEYS.filter((k) => after.get(k)?.deleting);
  if (deleting.length > 1) problems.push(`${deleting.length} control-plane Machines being deleted (${deleting.join(', ')}): below quorum`);
  for (const k of KEYS) {
    const m = after.get(k);
    if (!m) problems.push(`Machine ${machineName(k)} is gone`);
    else if (!m.deleting && m.content !== before.get(k)!.content) problems.push(`Machine ${machineName(k)} was changed: ${m.content}, before ${before.get(k)!.content}`);
    const node = await workloadCore.readNode({ name: nodeName(k) });
    if (node.spec?.unschedulable) problems.push(`node ${nodeName(k)} was cordoned`);
    if (node.metadata?.annotations && Object.keys(node.metadata.annotations).length) problems.push(`node ${nodeName(k)} was annotated: ${JSON.stringify(node.metadata.annotations)}`);
  }
  const lease = await leaseLeft();
  if (lease) problems.push(`Lease ${ns}/${LEASE} left, held by ${lease.spec?.holderIdentity}`);
  return { deleting, problems };
}

beforeAll(async () => {
  ns = freshNamespace('cp-race');
  custom = kubeConfig().makeApiClient(CustomObjectsApi);
  leases = kubeConfig().makeApiClient(CoordinationV1Api);
  workloadCore = kubeConfig('workload').makeApiClient(CoreV1Api);
  kubectlOk(['apply', '--server-side', '-f', '-'], {
    input: toYaml([
      { apiVersion: CAPI, kind: 'Cluster', metadata: { name: 'prod', namespace: ns }, spec: { paused: true, infrastructureRef: { apiGroup: 'infrastructure.cluster.x-k8s.io', kind: 'VSphereCluster', name: 'prod' } } },
      { apiVersion: 'v1', kind: 'Secret', type: 'cluster.x-k8s.io/secret', metadata: { name: 'prod-kubeconfig', namespace: ns, labels: { 'cluster.x-k8s.io/cluster-name': 'prod' } }, data: { value: Buffer.from(kubeconfigText('workload')).toString('base64') } },
      {
        apiVersion: 'controlplane.cluster.x-k8s.io/v1beta2', kind: 'KubeadmControlPlane', metadata: { name: 'prod-control-plane', namespace: ns, labels: { 'cluster.x-k8s.io/cluster-name': 'prod' } },
        spec: { replicas: 3, version: VERSION, machineTemplate: { spec: { infrastructureRef: { apiGroup: 'infrastructure.cluster.x-k8s.io', kind: 'VSphereMachineTemplate', name: 'prod-control-plane' } } }, kubeadmConfigSpec: { format: 'cloud-config' } },
      },
    ]),
  });
  for (const k of KEYS) {
    await createMachine(k);
    kubectlOk(['apply', '--server-side', '-f', '-'], {
      which: 'workload',
      input: toYaml([{ apiVersion: 'v1', kind: 'Node', metadata: { name: nodeName(k), labels: { 'kubernetes.io/hostname': nodeName(k), 'node-role.kubernetes.io/control-plane': '' } }, spec: { providerID: `vsphere://4211cp${k}-${RUN}` } }]),
    });
    const now = new Date().toISOString();
    kubectlOk(['patch', 'node', nodeName(k), '--subresource=status', '--type=merge', '-p', JSON.stringify({ status: { conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status', lastHeartbeatTime: now, lastTransitionTime: now }] } })], { which: 'workload' });
  }
}, 120_000);

afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  for (const f of files) rmSync(f, { force: true });
  // The paused Cluster's controllers hold their finalizers: delete the objects, then drop the finalizers
  // (no controller can add one to an object being deleted), then the namespace.
  const kinds = ['machines.cluster.x-k8s.io', 'kubeadmcontrolplanes.controlplane.cluster.x-k8s.io', 'clusters.cluster.x-k8s.io'];
  kubectl(['delete', kinds.join(','), '--all', '-n', ns, '--wait=false']);
  for (const kind of kinds) {
    for (const name of kubectl(['get', kind, '-n', ns, '-o', 'name']).stdout.split('\n').filter(Boolean)) {
      kubectl(['patch', name, '-n', ns, '--type=merge', '-p', '{"metadata":{"finalizers":null}}']);
    }
  }
  kubectl(['delete', 'node', ...KEYS.map(nodeName), '--ignore-not-found', '--wait=false'], { which: 'workload' });
  deleteNamespaces([ns]);
});

const figures: Record<string, unknown> = {};
afterAll(() => process.stdout.write(`node delete races: ${JSON.stringify(figures)}\n`));

describe('two `capi-constructs node delete` processes against the real management cluster', () => {
  beforeAll(async () => {
    gate = new StartGate();
    await gate.listen(2);
  });
  afterAll(() => gate.close());

  it(`deleting two different control-plane nodes at once: one is deleted, the other refused, never below quorum (${ROUNDS} rounds)`, async () => {
    const problems: string[] = [];
    const outcomes: Record<string, number> = {};
    let violations = 0;
    for (let r = 0; r < ROUNDS; r++) {
      const before = await reset();
      const [x, y] = [...KEYS].sort(() => Math.random() - 0.5) as Key[];
      const runs = await race(nodeName(x), nodeName(y));
      const keys = [x, y];
      const what = runs.map((run, i) => {
        if (run.code === 0 && DELETED(keys[i]).test(run.stdout) && run.stderr === '') return 'deleted';
        if (run.code === 3 && QUORUM_REFUSAL(run.node).test(run.stderr) && run.stdout === '') return 'refused ControlPlaneQuorumAtRisk';
        if (run.code === 3 && IN_PROGRESS(run.node).test(run.stderr) && run.stdout === '') return 'refused OperationInProgress';
        return `unexpected (exit ${run.code}): ${(run.stdout + run.stderr).trim().split('\n')[0]}`;
      });
      for (const w of what) outcomes[w] = (outcomes[w] ?? 0) + 1;
      const { deleting, problems: left } = await leftovers(before);
      if (deleting.length > 1) violations++;
      if (what.filter((w) => w === 'deleted').length !== 1 || what.filter((w) => w.startsWith('refused')).length !== 1) problems.push(`round ${r}: ${what.join(' / ')}`);
      const winner = keys[what.indexOf('deleted')];
      if (deleting.length === 1 && deleting[0] !== winner) problems.push(`round ${r}: Machine ${machineName(deleting[0])} is being deleted, but the process that said so deleted ${winner}`);
      problems.push(...left.map((p) => `round ${r}: ${p}`));
    }
    figures.differentNodes = { rounds: ROUNDS, outcomes, belowQuorum: violations };
    expect(problems).toEqual([]);
    expect(violations).toBe(0);
  }, 900_000);

  it(`deleting the same control-plane node twice at once: one DELETE, the other finds it being deleted (${SAME_NODE_ROUNDS} rounds)`, async () => {
    const problems: string[] = [];
    const outcomes: Record<string, number> = {};
    for (let r = 0; r < SAME_NODE_ROUNDS; r++) {
      const before = await reset();
      const k = KEYS[r % KEYS.length];
      const runs = await race(nodeName(k), nodeName(k));
      const what = runs.map((run) => {
        if (run.code === 0 && DELETED(k).test(run.stdout) && run.stderr === '') return 'deleted';
        if (run.code === 0 && run.stdout === ALREADY(k) && run.stderr === '') return 'already being deleted';
        return `unexpected (exit ${run.code}): ${(run.stdout + run.stderr).trim().split('\n')[0]}`;
      });
      for (const w of what) outcomes[w] = (outcomes[w] ?? 0) + 1;
      if ([...what].sort().join(' / ') !== 'already being deleted / deleted') problems.push(`round ${r}: ${what.join(' / ')}`);
      const { deleting, problems: left } = await leftovers(before);
      if (deleting.join() !== k) problems.push(`round ${r}: being deleted: ${deleting.join(', ') || 'none'}, expected ${k}`);
      problems.push(...left.map((p) => `round ${r}: ${p}`));
    }
    figures.sameNode = { rounds: SAME_NODE_ROUNDS, outcomes };
    expect(problems).toEqual([]);
  }, 600_000);
});

/**
 * A plain-HTTP proxy of the management API server (forwarding with the admin client certificate) for
 * one process. It forwards every request until it has forwarded the process's acquisition of the Lease
 * (a successful POST or PUT of a Lease); then
 * - `hang`: it answers nothing more, so the process hangs holding the Lease, before its delete;
 * - `holdNextWrite`: it forwards reads, and holds the next write and everything after it until
 *   `release()`, which forwards them in order: the process stalls between its check and its write,
 *   and its renewals stall too, so its Lease expires meanwhile.
 */
async function stallingProxy(mode: 'hang' | 'holdNextWrite'): Promise<{ kubeconfig: string; requests: string[]; holding(): string | undefined; release(): void; close(): void }> {
  const kc = kubeConfig();
  const cluster = kc.getCurrentCluster()!;
  const user = kc.getCurrentUser()!;
  const target = new URL(cluster.server);
  const b64 = (s?: string) => (s ? Buffer.from(s, 'base64') : undefined);
  const agent = new https.Agent({ ca: b64(cluster.caData), cert: b64(user.certData), key: b64(user.keyData), keepAlive: true });
  const requests: string[] = [];
  let leaseTaken = false;
  let holdingFrom: string | undefined;
  let released = false;
  const held: [http.IncomingMessage, http.ServerResponse][] = [];
  const forward = (req: http.IncomingMessage, res: http.ServerResponse) => {
    const up = https.request({ host: target.hostname, port: target.port, path: req.url, method: req.method, headers: { ...req.headers, host: target.host }, agent }, (answer) => {
      if ((req.method === 'POST' || req.method === 'PUT') && /\/apis\/coordination\.k8s\.io\/v1\/namespaces\/[^/]+\/leases/.test(req.url ?? '') && (answer.statusCode ?? 0) < 300) leaseTaken = true;
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    up.on('error', () => res.destroy());
    req.pipe(up);
  };
  const server = http.createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    const stall = !released && leaseTaken && (mode === 'hang' || holdingFrom !== undefined || req.method !== 'GET');
    if (stall) {
      holdingFrom ??= `${req.method} ${req.url}`;
      held.push([req, res]);
      return;
    }
    forward(req, res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as net.AddressInfo).port;
  const file = join(tmpdir(), `node-delete-race-${RUN}-${port}.kubeconfig`);
  writeFileSync(file, JSON.stringify({
    apiVersion: 'v1', kind: 'Config', 'current-context': 'stalling',
    clusters: [{ name: 'stalling', cluster: { server: `http://127.0.0.1:${port}`, 'insecure-skip-tls-verify': true } }],
    users: [{ name: 'proxy', user: {} }],
    contexts: [{ name: 'stalling', context: { cluster: 'stalling', user: 'proxy' } }],
  }), { mode: 0o600 });
  files.push(file);
  return {
    kubeconfig: file,
    requests,
    holding: () => holdingFrom,
    release: () => {
      released = true;
      for (const [req, res] of held.splice(0)) forward(req, res);
    },
    close: () => { for (const [, res] of held) res.destroy(); server.close(); agent.destroy(); },
  };
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const TOOK_OVER = (holder: string) => ` \\(took over the cluster's control-plane deletion Lease ${ns}/${LEASE} from ${escape(holder)}, which had stopped renewing it at \\S+ and expired after 15 s\\)`;

/** Waits for the Lease to be held, and returns its holder. */
async function leaseHolder(what: string): Promise<string> {
  for (const end = Date.now() + 60_000; Date.now() < end; await sleep(50)) {
    const holder = (await leaseLeft())?.spec?.holderIdentity;
    if (holder) return holder;
  }
  throw new Error(`${what} never took the Lease`);
}

describe('a `node delete` process that stops while it holds the cluster\'s Lease', () => {
  it(`killed (SIGKILL): the Lease expires; the next run takes it over, deletes and says so (${KILL_ROUNDS} rounds)`, async () => {
    const problems: string[] = [];
    const waits: number[] = [];
    for (let r = 0; r < KILL_ROUNDS; r++) {
      const before = await reset();
      // the next run deletes another node, or the same one again
      const [victim, next] = r % 2 === 0 ? (['a', 'b'] as Key[]) : (['c', 'c'] as Key[]);
      const proxy = await stallingProxy('hang');
      try {
        const killed = deleteProcess(nodeName(victim), proxy.kubeconfig);
        const child = children[children.length - 1];
        const holder = await leaseHolder('the victim');
        if (!holder.includes(`_${child.pid}_`)) problems.push(`round ${r}: the Lease is held by ${holder}, not by the victim (pid ${child.pid})`);
        child.kill('SIGKILL');
        const dead = await killed;
        if (dead.signal !== 'SIGKILL') problems.push(`round ${r}: the victim ended with ${dead.code} before it was killed: ${dead.stdout}${dead.stderr}`);
        if (proxy.requests.some((q) => q.startsWith('DELETE /apis/cluster.x-k8s.io/'))) problems.push(`round ${r}: the victim sent its delete`);
        if ((await machines()).get(victim)?.deleting) problems.push(`round ${r}: the victim's Machine is being deleted`);
        if ((await leaseLeft())?.spec?.holderIdentity !== holder) problems.push(`round ${r}: the killed process's Lease is not left`);
        // the user runs it again
        const started = Date.now();
        const again = await deleteProcess(nodeName(next));
        waits.push(Date.now() - started);
        if (r === 0) figures.nextRunOutput = again.stdout;
        if (again.code !== 0 || !DELETED(next, TOOK_OVER(holder)).test(again.stdout) || again.stderr !== '') problems.push(`round ${r}: the next run answered (exit ${again.code}) ${again.stdout}${again.stderr}`);
        const { deleting, problems: left } = await leftovers(before);
        if (deleting.join() !== next) problems.push(`round ${r}: being deleted: ${deleting.join(', ') || 'none'}, expected ${next}`);
        problems.push(...left.map((p) => `round ${r}: ${p}`));
      } finally {
        proxy.close();
      }
    }
    figures.killedHoldingLease = { rounds: KILL_ROUNDS, nextRunSeconds: waits.map((w) => Math.round(w / 100) / 10) };
    expect(problems).toEqual([]);
  }, 300_000);

  it('stalled past the Lease\'s duration between its check and its delete, while another run took over and deleted: it deletes nothing', async () => {
    const before = await reset();
    const proxy = await stallingProxy('holdNextWrite');
    try {
      const stalled = deleteProcess(nodeName('a'), proxy.kubeconfig);
      const holder = await leaseHolder('the stalled process');
      for (const end = Date.now() + 60_000; !proxy.holding() && Date.now() < end;) await sleep(50);
      expect(proxy.holding()).toBeDefined();
      // meanwhile another operator deletes cp-b: it waits for the stalled process's Lease to expire, and takes it over
      const other = await deleteProcess(nodeName('b'));
      expect({ code: other.code, stderr: other.stderr }).toEqual({ code: 0, stderr: '' });
      expect(other.stdout).toMatch(DELETED('b', TOOK_OVER(holder)));
      // the stalled process goes on: its write finds the Lease lost, so it deletes nothing
      proxy.release();
      const late = await stalled;
      figures.stalledPastLease = { heldWrite: proxy.holding(), exit: late.code, stderr: late.stderr };
      expect(late.code).toBe(3);
      expect(late.stderr).toBe(`capi-constructs node: delete ${nodeName('a')} refused (OperationInProgress): the control-plane deletion Lease ${ns}/${LEASE} was lost before the delete (this process did not renew it within its duration, and another process took it over): nothing was deleted; run the command again\n`);
      expect(proxy.requests.filter((q) => q.startsWith('DELETE /apis/cluster.x-k8s.io/'))).toEqual([]);
      const { deleting, problems } = await leftovers(before);
      expect(deleting).toEqual(['b']);
      expect(problems).toEqual([]);
    } finally {
      proxy.close();
    }
  }, 180_000);
});
