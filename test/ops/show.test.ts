/**
 * show: read-only report of a node. Fake gaps that matter here: no version conversion (a v1beta1 read
 * returns the v1beta2-shaped object the harness stored), so the v1beta1 test checks the paths read, not
 * the v1beta1 field shapes; the DockerMachine status is what the harness seeds.
 */
import { NodeOperationNotFound, SRIOV_NODE_STATES } from '../../lib/ops';
import { Clusters, NS, pod, startClusters, writeLines } from './harness';

let c: Clusters;
beforeEach(async () => { c = await startClusters(); });
afterEach(async () => { await c.close(); });

test('show reports groups, Machine and infrastructure machine state, conditions and flags, and writes nothing', async () => {
  const ops = c.ops();
  await ops.cordon('w-1');
  c.workload.reset();
  const report = await ops.show('w-1');
  expect(report).toEqual({
    cluster: { name: 'prod', namespace: 'tenants' },
    apiVersion: 'v1beta2',
    role: 'worker',
    node: {
      name: 'w-1', exists: true, providerID: 'docker:////w-1', kubeletVersion: 'v1.31.4', cordoned: true, excludedFromAutoscaling: false,
      conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status' }],
      capacity: { cpu: '4', memory: '16393872Ki', pods: '110' },
      allocatable: { cpu: '3800m', memory: '15742608Ki', pods: '110' },
    },
    pods: [],
    events: [],
    eventCount: 0,
    networkInterfaces: { installed: false },
    groups: [
      { kind: 'MachineDeployment', name: 'prod-workers', replicas: 2, readyReplicas: 2, autoscaling: null },
      { kind: 'MachineSet', name: 'prod-workers-abc', replicas: 2, readyReplicas: 2, autoscaling: null },
    ],
    machine: {
      name: 'prod-workers-abc-1', phase: 'Running', providerID: 'docker:////w-1', version: 'v1.31.4', deleting: false, markedForDeletion: false,
      conditions: [{ type: 'Ready', status: 'True', reason: 'Ready', lastTransitionTime: '2026-12-01T10:00:00Z' }],
    },
    infrastructureMachine: {
      apiVersion: 'infrastructure.cluster.x-k8s.io/v1beta2', kind: 'DockerMachine', name: 'prod-workers-abc-1', ready: true,
      conditions: [{ type: 'Ready', status: 'True', reason: 'Ready' }],
    },
  });
  expect(writeLines(c)).toEqual([]);
});

test('the Cluster API version comes from discovery (GET /apis), and every Cluster API read uses it', async () => {
  await c.ops().show('a-1');
  const paths = c.management.requests.map((r) => r.path);
  expect(paths).toContain('/apis');
  expect(paths.filter((p) => p.startsWith('/apis/cluster.x-k8s.io/')).every((p) => p.startsWith('/apis/cluster.x-k8s.io/v1beta2/'))).toBe(true);
});

test('apiVersion v1beta1 reads every Cluster API object at v1beta1 and skips discovery of it', async () => {
  const report = await c.ops({ apiVersion: 'v1beta1' }).show('cp-1');
  expect(report.apiVersion).toBe('v1beta1');
  const capi = c.management.requests.map((r) => r.path).filter((p) => /^\/apis\/(controlplane\.)?cluster\.x-k8s\.io\//.test(p));
  expect(capi.length).toBeGreaterThan(0);
  expect(capi.every((p) => /^\/apis\/(controlplane\.)?cluster\.x-k8s\.io\/v1beta1\//.test(p))).toBe(true);
});

test('a control-plane node shows its KubeadmControlPlane; an autoscaled worker shows its bounds', async () => {
  const cp = await c.ops().show('cp-1');
  expect(cp.role).toBe('control-plane');
  expect(cp.groups).toEqual([{ kind: 'KubeadmControlPlane', name: 'prod-control-plane', replicas: 3, readyReplicas: 3 }]);
  const a = await c.ops().show('a-1');
  expect(a.groups[0]).toEqual({ kind: 'MachineDeployment', name: 'prod-auto', replicas: 2, readyReplicas: 2, autoscaling: { min: 1, max: 5 } });
  expect(a.infrastructureMachine).toMatchObject({ kind: 'DockerMachine', name: 'prod-auto-xyz-1', error: 'not found' });
});

test('show of a node without a Machine is NodeOperationNotFound', async () => {
  await expect(c.ops().show('orphan')).rejects.toBeInstanceOf(NodeOperationNotFound);
});

function event(name: string, namespace: string, involved: { kind: string; name: string; namespace?: string }, e: { reason: string; message: string; type?: string; count?: number; lastTimestamp: string; component: string }) {
  return {
    apiVersion: 'v1', kind: 'Event', metadata: { name, namespace },
    involvedObject: { apiVersion: involved.kind === 'Node' ? 'v1' : 'x', ...involved },
    reason: e.reason, message: e.message, type: e.type ?? 'Normal', count: e.count ?? 1,
    firstTimestamp: e.lastTimestamp, lastTimestamp: e.lastTimestamp, source: { component: e.component },
  };
}

test('show lists the pods bound to the node with one list by spec.nodeName', async () => {
  c.workload.seed([
    pod('web-1', 'w-1', { owner: 'ReplicaSet' }),
    pod('node-exporter-x7k2p', 'w-1', { owner: 'DaemonSet', namespace: 'monitoring' }),
    pod('debug', 'w-1', { phase: 'Pending' }),
    pod('api-1', 'w-2', { owner: 'ReplicaSet' }),
  ]);
  c.workload.reset();
  const report = await c.ops().show('w-1');
  expect(report.pods).toEqual([
    { namespace: 'default', name: 'debug', phase: 'Pending' },
    { namespace: 'default', name: 'web-1', phase: 'Running', ownerKind: 'ReplicaSet' },
    { namespace: 'monitoring', name: 'node-exporter-x7k2p', phase: 'Running', ownerKind: 'DaemonSet' },
  ]);
  const podLists = c.workload.requests.filter((r) => r.kind === 'Pod');
  expect(podLists.map((r) => [r.verb, r.path, r.query.fieldSelector])).toEqual([['list', '/api/v1/pods', 'spec.nodeName=w-1']]);
});

test('show reports the events of the Machine, the infrastructure machine and the Node, newest first, with their counts; others are left out', async () => {
  c.management.seed([
    event('m1', NS, { kind: 'Machine', name: 'prod-workers-abc-1', namespace: NS }, { reason: 'SuccessfulSetNodeRef', message: 'w-1', lastTimestamp: '2026-12-01T10:02:00Z', component: 'machine-controller' }),
    event('d1', NS, { kind: 'DockerMachine', name: 'prod-workers-abc-1', namespace: NS }, { reason: 'Provisioned', message: 'container started', lastTimestamp: '2026-12-01T10:01:00Z', component: 'dockermachine-controller' }),
    event('other', NS, { kind: 'Machine', name: 'prod-workers-abc-2', namespace: NS }, { reason: 'SuccessfulSetNodeRef', message: 'w-2', lastTimestamp: '2026-12-01T10:05:00Z', component: 'machine-controller' }),
  ]);
  c.workload.seed([
    event('n1', 'default', { kind: 'Node', name: 'w-1' }, { reason: 'NodeNotReady', message: 'Node w-1 status is now: NodeNotReady', type: 'Warning', count: 3, lastTimestamp: '2026-12-01T10:03:00Z', component: 'kubelet' }),
    event('n2', 'default', { kind: 'Node', name: 'w-2' }, { reason: 'RegisteredNode', message: 'w-2', lastTimestamp: '2026-12-01T10:04:00Z', component: 'node-controller' }),
  ]);
  const report = await c.ops().show('w-1');
  expect(report.events).toEqual([
    { object: { kind: 'Node', name: 'w-1' }, type: 'Warning', reason: 'NodeNotReady', message: 'Node w-1 status is now: NodeNotReady', count: 3, lastSeen: '2026-12-01T10:03:00.000Z', source: 'kubelet' },
    { object: { kind: 'Machine', name: 'prod-workers-abc-1' }, type: 'Normal', reason: 'SuccessfulSetNodeRef', message: 'w-1', count: 1, lastSeen: '2026-12-01T10:02:00.000Z', source: 'machine-controller' },
    { object: { kind: 'DockerMachine', name: 'prod-workers-abc-1' }, type: 'Normal', reason: 'Provisioned', message: 'container started', count: 1, lastSeen: '2026-12-01T10:01:00.000Z', source: 'dockermachine-controller' },
  ]);
  expect(report.eventCount).toBe(5);
});

test('show reports SR-IOV interfaces from the node\'s SriovNetworkNodeState, and "not installed" without one', async () => {
  expect((await c.ops().show('w-1')).networkInterfaces).toEqual({ installed: false });
  c.workload.registerType({ group: SRIOV_NODE_STATES.group, version: SRIOV_NODE_STATES.version, kind: 'SriovNetworkNodeState', plural: SRIOV_NODE_STATES.plural, namespaced: true });
  // the API is served, but no state for this node yet
  expect((await c.ops().show('w-1')).networkInterfaces).toEqual({ installed: false });
  c.workload.seed({
    apiVersion: 'sriovnetwork.openshift.io/v1', kind: 'SriovNetworkNodeState', metadata: { name: 'w-1', namespace: 'sriov-network-operator' },
    status: { syncStatus: 'Succeeded', interfaces: [
      { name: 'ens1f0', driver: 'ice', numVfs: 8, totalvfs: 64, pciAddress: '0000:3b:00.0', vendor: '8086', deviceID: '159b' },
      { name: 'ens1f1', driver: 'ice', totalvfs: 64, pciAddress: '0000:3b:00.1' },
    ] },
  });
  expect((await c.ops().show('w-1')).networkInterfaces).toEqual({
    installed: true, namespace: 'sriov-network-operator',
    interfaces: [
      { name: 'ens1f0', driver: 'ice', numVfs: 8, totalVfs: 64, pciAddress: '0000:3b:00.0' },
      { name: 'ens1f1', driver: 'ice', totalVfs: 64, pciAddress: '0000:3b:00.1' },
    ],
  });
  expect((await c.ops().show('w-2')).networkInterfaces).toEqual({ installed: false });
});
