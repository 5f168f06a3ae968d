/**
 * The seed's node page against the real clusters: `node list`, `node show` (capacity, pods, events,
 * SR-IOV) and `node label` / `node annotate`, through the library and through the CLI.
 *
 * Management cluster: a paused Cluster `prod` (its controllers leave the hand-made objects alone), its
 * kubeconfig Secret, a KubeadmControlPlane, a MachineDeployment and MachineSet, three Machines and their
 * VSphereMachines (CAPV's CRD and webhooks). Machine and VSphereMachine status is written through the
 * status subresource, as the paused controllers would have. Workload cluster: three Nodes (status
 * written the same way; no kubelet runs) and pods bound to one of them by `nodeName`.
 *
 * Events: no component of these clusters records events about Nodes, Machines or VSphereMachines (no
 * kubelet runs, the workload kube-controller-manager runs no node lifecycle controller, and the Cluster
 * API and CAPV controllers leave the paused Cluster alone), so the test creates them through the Events
 * API (events.k8s.io/v1) as those components would, and `show` reads them through core/v1, where the
 * API server serves the same objects.
 *
 * The last test runs the CLI session docs/operations.md shows under "The node page" and checks that
 * the page carries exactly that output, with the run's name suffix shown as `x7k2p`, times as `<time>`
 * and resourceVersions as `<rv>`.
 */
import { readFileSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { KubeConfig } from '@kubernetes/client-node';
import { main } from '../../lib/cli';
import { NodeOperationRefused, NodeOperations } from '../../lib/ops';
import { deleteNamespaces, kubeConfig, kubeconfigPath, kubeconfigText, kubectl, kubectlOk, toYaml } from '../support/real-cluster';

const CAPI = 'cluster.x-k8s.io/v1beta2';
const INFRA_GROUP = 'infrastructure.cluster.x-k8s.io';
const VSPHERE = `${INFRA_GROUP}/v1beta2`;
const VERSION = 'v1.36.3';
/**
 * This run's suffix of every name (namespaces, Machines, Nodes): five consonants, so that it cannot
 * occur in numbers or words of the output; the docs show it as {@link DOC_SUFFIX} (same length, so
 * tables keep their alignment). Fresh names per run keep an earlier run's events out of this one.
 */
const CONSONANTS = 'bcdfghjklmnpqrstvwxz';
const RUN = Array.from({ length: 5 }, () => CONSONANTS[Math.floor(Math.random() * CONSONANTS.length)]).join('');
const DOC_SUFFIX = 'x7k2p';
const machines = { cp: `prod-control-plane-${RUN}`, w1: `prod-workers-${RUN}-h2c8w`, w2: `prod-workers-${RUN}-q5m6t` } as const;
/** Nodes are named after their Machines, as CAPV names its virtual machines. */
const nodes = machines;
const MACHINE_SET = `prod-workers-${RUN}`;
type Key = keyof typeof nodes;
const ips: Record<Key, string> = { cp: '10.20.0.11', w1: '10.20.0.21', w2: '10.20.0.22' };
let ns: string;
let appNs: string;

const json = (args: string[], which: 'management' | 'workload' = 'management') => JSON.parse(kubectlOk([...args, '-o', 'json'], { which }));
const ops = (options: ConstructorParameters<typeof NodeOperations>[2] = {}, kc: KubeConfig = kubeConfig()) => new NodeOperations(kc, { name: 'prod', namespace: ns }, options);
const rv = (args: string[], which: 'management' | 'workload' = 'management') => json(args, which).metadata.resourceVersion as string;
/** A MicroTime: RFC 3339 with microseconds. */
const micro = (ms: number) => new Date(ms).toISOString().replace(/Z$/, '000Z');

function heartbeat(key: Key): void {
  const now = new Date().toISOString();
  kubectlOk(['patch', 'node', nodes[key], '--subresource=status', '--type=merge', '-p', JSON.stringify({
    status: {
      conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status', lastHeartbeatTime: now, lastTransitionTime: now }],
      capacity: { cpu: '4', memory: '16393872Ki', pods: '110', 'ephemeral-storage': '101430960Ki' },
      allocatable: { cpu: '3800m', memory: '15742608Ki', pods: '110', 'ephemeral-storage': '93478772582' },
      addresses: [{ type: 'InternalIP', address: ips[key] }, { type: 'Hostname', address: nodes[key] }],
      nodeInfo: { kubeletVersion: VERSION, machineID: '', systemUUID: '', bootID: '', kernelVersion: '', osImage: '', containerRuntimeVersion: '', kubeProxyVersion: '', operatingSystem: 'linux', architecture: 'amd64' },
    },
  })], { which: 'workload' });
}

beforeAll(async () => {
  ns = `tenants-${RUN}`;
  appNs = `apps-${RUN}`;
  kubectlOk(['create', 'namespace', ns]);
  kubectlOk(['create', 'namespace', appNs], { which: 'workload' });
  const infraRef = (name: string) => ({ apiGroup: INFRA_GROUP, kind: 'VSphereMachine', name });
  const templateSpec = (kind: string, name: string) => ({ apiGroup: INFRA_GROUP, kind, name });
  const machine = (key: Key, labels: Record<string, string>) => ({
    apiVersion: CAPI, kind: 'Machine',
    metadata: { name: machines[key], namespace: ns, labels: { 'cluster.x-k8s.io/cluster-name': 'prod', ...labels } },
    spec: { clusterName: 'prod', version: VERSION, providerID: `vsphere://4211${key}-0000-0000-0000-000000000000`, bootstrap: { dataSecretName: `${machines[key]}-bootstrap` }, infrastructureRef: infraRef(machines[key]) },
  });
  const vsphereMachine = (key: Key) => ({
    apiVersion: VSPHERE, kind: 'VSphereMachine',
    metadata: { name: machines[key], namespace: ns, labels: { 'cluster.x-k8s.io/cluster-name': 'prod' } },
    spec: { template: 'ubuntu-2404-kube-v1.36.3', cloneMode: 'linkedClone', numCPUs: 4, memoryMiB: 16384, diskGiB: 100, network: { devices: [{ networkName: 'vm-network', dhcp4: true }] } },
  });
  const workerLabels = { 'cluster.x-k8s.io/deployment-name': 'prod-workers', 'cluster.x-k8s.io/set-name': MACHINE_SET };
  const workerTemplate = { metadata: { labels: workerLabels }, spec: { clusterName: 'prod', version: VERSION, bootstrap: { configRef: { apiGroup: 'bootstrap.cluster.x-k8s.io', kind: 'KubeadmConfigTemplate', name: 'prod-workers' } }, infrastructureRef: templateSpec('VSphereMachineTemplate', 'prod-workers') } };
  kubectlOk(['apply', '--server-side', '-f', '-'], {
    input: toYaml([
      { apiVersion: CAPI, kind: 'Cluster', metadata: { name: 'prod', namespace: ns }, spec: { paused: true, infrastructureRef: { apiGroup: INFRA_GROUP, kind: 'VSphereCluster', name: 'prod' } } },
      { apiVersion: 'v1', kind: 'Secret', type: 'cluster.x-k8s.io/secret', metadata: { name: 'prod-kubeconfig', namespace: ns, labels: { 'cluster.x-k8s.io/cluster-name': 'prod' } }, data: { value: Buffer.from(kubeconfigText('workload')).toString('base64') } },
      {
        apiVersion: 'controlplane.cluster.x-k8s.io/v1beta2', kind: 'KubeadmControlPlane', metadata: { name: 'prod-control-plane', namespace: ns, labels: { 'cluster.x-k8s.io/cluster-name': 'prod' } },
        spec: { replicas: 1, version: VERSION, machineTemplate: { spec: { infrastructureRef: templateSpec('VSphereMachineTemplate', 'prod-control-plane') } }, kubeadmConfigSpec: { format: 'cloud-config' } },
      },
      { apiVersion: CAPI, kind: 'MachineDeployment', metadata: { name: 'prod-workers', namespace: ns, labels: { 'cluster.x-k8s.io/cluster-name': 'prod' } }, spec: { clusterName: 'prod', replicas: 2, selector: { matchLabels: workerLabels }, template: workerTemplate } },
      { apiVersion: CAPI, kind: 'MachineSet', metadata: { name: MACHINE_SET, namespace: ns, labels: { 'cluster.x-k8s.io/cluster-name': 'prod', 'cluster.x-k8s.io/deployment-name': 'prod-workers' } }, spec: { clusterName: 'prod', replicas: 2, selector: { matchLabels: workerLabels }, template: workerTemplate } },
      machine('cp', { 'cluster.x-k8s.io/control-plane': '', 'cluster.x-k8s.io/control-plane-name': 'prod-control-plane' }),
      machine('w1', workerLabels), machine('w2', workerLabels),
      vsphereMachine('cp'), vsphereMachine('w1'), vsphereMachine('w2'),
    ]),
  });
  for (const key of Object.keys(nodes) as Key[]) {
    kubectlOk(['patch', 'machine.v1beta2.cluster.x-k8s.io', machines[key], '-n', ns, '--subresource=status', '--type=merge', '-p', JSON.stringify({ status: { phase: 'Running', nodeRef: { name: nodes[key] }, addresses: [{ type: 'InternalIP', address: ips[key] }] } })]);
    kubectlOk(['patch', `vspheremachine.v1beta2.${INFRA_GROUP}`, machines[key], '-n', ns, '--subresource=status', '--type=merge', '-p', JSON.stringify({ status: { initialization: { provisioned: true } } })]);
    kubectlOk(['apply', '--server-side', '-f', '-'], {
      which: 'workload',
      input: toYaml([{ apiVersion: 'v1', kind: 'Node', metadata: { name: nodes[key], labels: { 'kubernetes.io/hostname': nodes[key], ...(key === 'cp' ? { 'node-role.kubernetes.io/control-plane': '' } : {}) } }, spec: { providerID: `vsphere://4211${key}-0000-0000-0000-000000000000` } }]),
    });
    heartbeat(key);
  }
  // pods bound to np-w-1 (one with a controller owner the garbage collector keeps), one on np-w-2
  kubectlOk(['create', 'configmap', 'web-owner', '-n', appNs], { which: 'workload' });
  const owner = json(['get', 'configmap', 'web-owner', '-n', appNs], 'workload');
  const pod = (name: string, node: string, owned: boolean) => ({
    apiVersion: 'v1', kind: 'Pod',
    metadata: { name, namespace: appNs, ...(owned ? { ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'web-owner', uid: owner.metadata.uid, controller: true }] } : {}) },
    spec: { nodeName: node, terminationGracePeriodSeconds: 0, containers: [{ name: 'c', image: 'registry.k8s.io/pause:3.10' }] },
  });
  kubectlOk(['apply', '--server-side', '-f', '-'], { which: 'workload', input: toYaml([pod('web-1', nodes.w1, true), pod('debug', nodes.w1, false), pod('web-2', nodes.w2, true)]) });
  kubectlOk(['patch', 'pod', 'web-1', '-n', appNs, '--subresource=status', '--type=merge', '-p', JSON.stringify({ status: { phase: 'Running' } })], { which: 'workload' });
  // events the paused controllers would have recorded, through the Events API
  const now = Date.now();
  const event = (name: string, regarding: object, reason: string, action: string, note: string, controller: string, at: number, series?: number) => ({
    apiVersion: 'events.k8s.io/v1', kind: 'Event', metadata: { name, namespace: ns },
    regarding, reason, action, note, type: 'Normal', reportingController: controller, reportingInstance: `${controller}-0`,
    eventTime: micro(series ? at - 60_000 : at),
    ...(series ? { series: { count: series, lastObservedTime: micro(at) } } : {}),
  });
  kubectlOk(['create', '-f', '-'], {
    input: toYaml([
      event('machine-provisioned', { apiVersion: CAPI, kind: 'Machine', name: machines.w1, namespace: ns }, 'SuccessfulSetNodeRef', 'SetNodeRef', nodes.w1, 'cluster.x-k8s.io/machine-controller', now - 120_000),
      event('vspheremachine-poweron', { apiVersion: VSPHERE, kind: 'VSphereMachine', name: machines.w1, namespace: ns }, 'PowerOn', 'PowerOn', 'virtual machine powered on', 'capv-controller-manager', now - 90_000, 3),
      event('other-machine', { apiVersion: CAPI, kind: 'Machine', name: machines.w2, namespace: ns }, 'SuccessfulSetNodeRef', 'SetNodeRef', nodes.w2, 'cluster.x-k8s.io/machine-controller', now),
    ]),
  });
  // Node events go to the default namespace, as the kubelet records them
  kubectlOk(['create', '-f', '-'], {
    which: 'workload',
    input: toYaml([
      { ...event(`${nodes.w1}-ready`, { apiVersion: 'v1', kind: 'Node', name: nodes.w1, uid: nodes.w1 }, 'NodeReady', 'NodeReady', `Node ${nodes.w1} status is now: NodeReady`, 'kubelet', now - 30_000), metadata: { name: `${nodes.w1}-ready`, namespace: 'default' } },
      { ...event(`${nodes.w1}-pressure`, { apiVersion: 'v1', kind: 'Node', name: nodes.w1, uid: nodes.w1 }, 'NodeHasSufficientMemory', 'NodeHasSufficientMemory', `Node ${nodes.w1} status is now: NodeHasSufficientMemory`, 'kubelet', now - 10_000, 2), metadata: { name: `${nodes.w1}-memory`, namespace: 'default' } },
      { ...event(`${nodes.w2}-ready`, { apiVersion: 'v1', kind: 'Node', name: nodes.w2, uid: nodes.w2 }, 'NodeReady', 'NodeReady', `Node ${nodes.w2} status is now: NodeReady`, 'kubelet', now), metadata: { name: `${nodes.w2}-ready`, namespace: 'default' } },
    ]),
  });
});

afterAll(() => {
  kubectl(['delete', 'node', ...Object.values(nodes), '--ignore-not-found', '--wait=false'], { which: 'workload' });
  kubectl(['delete', 'events.v1.events.k8s.io', '-n', 'default', `${nodes.w1}-ready`, `${nodes.w1}-memory`, `${nodes.w2}-ready`, '--ignore-not-found'], { which: 'workload' });
  deleteNamespaces([appNs], 'workload');
  deleteNamespaces([ns]);
});

/** A KubeConfig that records the method and path of every request of the clients made from it. */
function recording(kc: KubeConfig, log: string[], before?: (method: string, url: string) => void): KubeConfig {
  const wrapped = Object.create(kc) as KubeConfig;
  wrapped.applySecurityAuthentication = async (context) => {
    await kc.applySecurityAuthentication.call(wrapped, context);
    const url = new URL(context.getUrl());
    log.push(`${context.getHttpMethod()} ${url.pathname}`);
    before?.(context.getHttpMethod(), url.pathname);
  };
  return wrapped;
}

describe('the node page against the real management and workload clusters', () => {
  it('list: the control-plane and worker groups with their nodes, one list call per kind on the management cluster', async () => {
    heartbeat('w1');
    kubectlOk(['cordon', nodes.w2], { which: 'workload' });
    const log: string[] = [];
    const report = await ops({}, recording(kubeConfig(), log)).list({ showIps: true });
    kubectlOk(['uncordon', nodes.w2], { which: 'workload' });
    expect(report.controlPlane).toEqual([{ kind: 'KubeadmControlPlane', name: 'prod-control-plane', nodes: [expect.objectContaining({ node: nodes.cp, machine: machines.cp, ready: 'True', infrastructureReady: true })] }]);
    expect(report.workers.map((g) => [g.kind, g.name, g.nodes.map((n) => n.node)])).toEqual([['MachineDeployment', 'prod-workers', [nodes.w1, nodes.w2]]]);
    const w2 = report.workers[0].nodes[1];
    expect(w2).toMatchObject({ schedulingDisabled: true, autoscalingForbidden: false, phase: 'Running', kubeletVersion: VERSION });
    expect(w2.addresses).toEqual([{ type: 'InternalIP', address: ips.w2 }, { type: 'Hostname', address: nodes.w2 }]);
    // management: the kubeconfig Secret, discovery, one list of Machines, one of VSphereMachines
    const lists = log.filter((l) => l.startsWith('GET') && /\/(machines|vspheremachines)$/.test(l));
    expect(lists).toEqual([`GET /apis/cluster.x-k8s.io/v1beta2/namespaces/${ns}/machines`, `GET /apis/${VSPHERE}/namespaces/${ns}/vspheremachines`]);
    expect(log.filter((l) => /\/(machines|vspheremachines)\/./.test(l))).toEqual([]);
    expect(log.filter((l) => !l.startsWith('GET'))).toEqual([]);
  });

  it('show: capacity, the pods bound to the node, the events of the three objects newest first with counts, SR-IOV not installed', async () => {
    heartbeat('w1');
    const report = await ops().show(nodes.w1);
    expect(report.node.capacity).toEqual({ cpu: '4', memory: '16393872Ki', pods: '110', 'ephemeral-storage': '101430960Ki' });
    expect(report.node.allocatable).toMatchObject({ cpu: '3800m' });
    expect(report.pods).toEqual([
      { namespace: appNs, name: 'debug', phase: 'Pending' },
      { namespace: appNs, name: 'web-1', phase: 'Running', ownerKind: 'ConfigMap' },
    ]);
    expect(report.networkInterfaces).toEqual({ installed: false });
    const mine = report.events.map((e) => [e.object.kind, e.reason, e.count, e.source]);
    expect(mine).toEqual(expect.arrayContaining([
      ['Node', 'NodeReady', 1, 'kubelet'],
      ['Node', 'NodeHasSufficientMemory', 2, 'kubelet'],
      ['Machine', 'SuccessfulSetNodeRef', 1, 'cluster.x-k8s.io/machine-controller'],
      ['VSphereMachine', 'PowerOn', 3, 'capv-controller-manager'],
    ]));
    expect(report.events.some((e) => e.object.name === machines.w2)).toBe(false);
    expect(report.events).toHaveLength(4);
    const times = report.events.map((e) => e.lastSeen ?? '');
    expect(times).toEqual([...times].sort().reverse());
    expect(report.eventCount).toBe(report.events.reduce((n, e) => n + e.count, 0));
    expect(report.eventCount).toBe(7);
  });

  it('label and annotate the Machine, the VSphereMachine and the Node; again is a no-op', async () => {
    const m = await ops().label(nodes.w1, { on: 'machine', set: { 'node-role.kubernetes.io/gpu': '', team: 'data' } });
    expect(m.notes).toHaveLength(1);
    expect(json(['get', 'machine.v1beta2.cluster.x-k8s.io', machines.w1, '-n', ns]).metadata.labels).toMatchObject({ 'node-role.kubernetes.io/gpu': '', team: 'data' });
    await ops().annotate(nodes.w1, { on: 'infra', set: { 'example.com/owner': 'data-team' } });
    expect(json(['get', `vspheremachine.v1beta2.${INFRA_GROUP}`, machines.w1, '-n', ns]).metadata.annotations).toMatchObject({ 'example.com/owner': 'data-team' });
    await ops().label(nodes.w1, { on: 'node', set: { 'example.com/rack': 'r12' } });
    expect(json(['get', 'node', nodes.w1], 'workload').metadata.labels).toMatchObject({ 'example.com/rack': 'r12' });
    const before = rv(['get', 'node', nodes.w1], 'workload');
    const again = await ops().label(nodes.w1, { on: 'node', set: { 'example.com/rack': 'r12' } });
    expect(again).toMatchObject({ changed: false, requests: [] });
    expect(rv(['get', 'node', nodes.w1], 'workload')).toBe(before);
    await ops().label(nodes.w1, { on: 'machine', remove: ['team'] });
    expect(json(['get', 'machine.v1beta2.cluster.x-k8s.io', machines.w1, '-n', ns]).metadata.labels).not.toHaveProperty('team');
  });

  it('every refusal writes nothing: the three objects keep their resourceVersion', async () => {
    const versions = () => [
      rv(['get', 'machine.v1beta2.cluster.x-k8s.io', machines.w1, '-n', ns]),
      rv(['get', `vspheremachine.v1beta2.${INFRA_GROUP}`, machines.w1, '-n', ns]),
      rv(['get', 'node', nodes.w1], 'workload'),
    ];
    const start = versions();
    const log: string[] = [];
    const refused = [
      ops({}, recording(kubeConfig(), log)).label(nodes.w1, { on: 'machine', set: { 'cluster.x-k8s.io/cluster-name': 'other' } }),
      ops({}, recording(kubeConfig(), log)).annotate(nodes.w1, { on: 'infra', remove: ['capi-constructs.io/upgrade-stage'] }),
      ops({}, recording(kubeConfig(), log)).annotate(nodes.w1, { on: 'node', set: { 'cluster-autoscaler.kubernetes.io/scale-down-disabled': 'true' } }),
      ops({}, recording(kubeConfig(), log)).label(nodes.w1, { on: 'node', set: { 'kubernetes.io/hostname': 'elsewhere' } }),
    ];
    for (const r of await Promise.allSettled(refused)) {
      expect(r.status).toBe('rejected');
      expect((r as PromiseRejectedResult).reason).toBeInstanceOf(NodeOperationRefused);
    }
    expect(log.filter((l) => !l.startsWith('GET'))).toEqual([]);
    expect(versions()).toEqual(start);
  });

  it('a writer racing between the read and the patch: the resourceVersion makes the server refuse the stale patch (409), and the retry keeps both changes', async () => {
    const log: string[] = [];
    let raced = false;
    const kc = recording(kubeConfig(), log, (method, path) => {
      if (raced || method !== 'PATCH' || !path.endsWith(`/machines/${machines.w1}`)) return;
      raced = true;
      kubectlOk(['label', 'machine.v1beta2.cluster.x-k8s.io', machines.w1, '-n', ns, 'example.com/racer=1']);
    });
    const result = await ops({}, kc).label(nodes.w1, { on: 'machine', set: { 'example.com/mine': '1' } });
    expect(raced).toBe(true);
    expect(log.filter((l) => l.startsWith('PATCH'))).toHaveLength(2);
    expect(result.changed).toBe(true);
    expect(json(['get', 'machine.v1beta2.cluster.x-k8s.io', machines.w1, '-n', ns]).metadata.labels).toMatchObject({ 'example.com/racer': '1', 'example.com/mine': '1' });
  });

  it('concurrent writers of one Node: every label arrives, none is lost', async () => {
    const writers = [
      ...[1, 2, 3, 4].map((i) => ops().label(nodes.w2, { on: 'node', set: { [`example.com/w${i}`]: 'x' } })),
      ...[1, 2, 3, 4].map((i) => ops().annotate(nodes.w2, { on: 'node', set: { [`example.com/a${i}`]: 'y' } })),
    ];
    const racer = Promise.resolve().then(() => kubectlOk(['label', 'node', nodes.w2, 'example.com/kubectl=z'], { which: 'workload' }));
    await Promise.all([...writers, racer]);
    const meta = json(['get', 'node', nodes.w2], 'workload').metadata;
    expect(meta.labels).toMatchObject({ 'example.com/w1': 'x', 'example.com/w2': 'x', 'example.com/w3': 'x', 'example.com/w4': 'x', 'example.com/kubectl': 'z' });
    expect(meta.annotations).toMatchObject({ 'example.com/a1': 'y', 'example.com/a2': 'y', 'example.com/a3': 'y', 'example.com/a4': 'y' });
  });

  it('docs/operations.md shows the CLI session of the node page exactly as the real clusters answer it', async () => {
    // a clean slate for the session: the earlier tests' labels and annotations are removed
    kubectlOk(['label', 'machine.v1beta2.cluster.x-k8s.io', machines.w1, '-n', ns, 'node-role.kubernetes.io/gpu-', 'example.com/racer-', 'example.com/mine-', 'team-']);
    kubectlOk(['annotate', `vspheremachine.v1beta2.${INFRA_GROUP}`, machines.w1, '-n', ns, 'example.com/owner-']);
    kubectl(['label', 'node', nodes.w1, 'example.com/rack-'], { which: 'workload' });
    expect(json(['get', 'machine.v1beta2.cluster.x-k8s.io', machines.w1, '-n', ns]).metadata.labels).not.toHaveProperty('team');
    heartbeat('cp');
    heartbeat('w1');
    heartbeat('w2');
    const session = normalise(await cliSession([
      'list',
      'list --show-ips',
      `show ${nodes.w1}`,
      `label ${nodes.w1} --on machine node-role.kubernetes.io/gpu= team=data`,
      `label ${nodes.w1} --on machine team=data`,
      `label ${nodes.w1} --on node example.com/rack=r12 --dry-run`,
      `label ${nodes.w1} --on node example.com/rack=r12`,
      `annotate ${nodes.w1} --on infra example.com/owner=data-team`,
      `label ${nodes.w1} --on machine team-`,
      `annotate ${nodes.w1} --on node cluster-autoscaler.kubernetes.io/scale-down-disabled=true`,
      `label ${nodes.w1} --on machine cluster.x-k8s.io/cluster-name=other kubernetes.io/hostname=x`,
      `label ${nodes.w1} --on node kubernetes.io/hostname=elsewhere`,
      `label ${nodes.w1} --on node "bad key"=x`,
    ]));
    writeFileSync(join(tmpdir(), 'capi-constructs-node-page-session.txt'), session);
    const doc = readFileSync(join(__dirname, '../../docs/operations.md'), 'utf8');
    const blocks = [...doc.matchAll(/```console real-cluster\n([\s\S]*?)```/g)].map((x) => x[1]);
    expect(blocks.join('\n')).toBe(session);
  });
});

/** Runs `capi-constructs node <line>` for each line, as docs/operations.md shows it. */
async function cliSession(lines: readonly string[]): Promise<string> {
  let text = '';
  const sink = { write: (s: string) => { text += s; return true; } };
  for (const line of lines) {
    text += `$ capi-constructs node ${line} --cluster prod --namespace ${ns}\n`;
    const args = (line.match(/"[^"]*"=\S*|\S+/g) ?? []).map((a) => a.replace(/^"([^"]*)"/, '$1'));
    const code = await main(['node', ...args, '--cluster', 'prod', '--namespace', ns, '--kubeconfig', kubeconfigPath()], sink, sink);
    text += `[exit ${code}]\n\n`;
  }
  return text.replace(/\n+$/, '\n');
}

/** The run's suffix as {@link DOC_SUFFIX}, times as `<time>`, resourceVersions as `<rv>`. */
function normalise(text: string): string {
  return text
    .split(RUN).join(DOC_SUFFIX)
    .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z/g, '<time>')
    .replace(/"resourceVersion":"\d+"/g, '"resourceVersion":"<rv>"');
}
