/**
 * show: read-only report of a node. Fake gaps that matter here: no version conversion (a v1beta1 read
 * returns the v1beta2-shaped object the harness stored), so the v1beta1 test checks the paths read, not
 * the v1beta1 field shapes; the DockerMachine status is what the harness seeds.
 */
import { NodeOperationNotFound } from '../../lib/ops';
import { Clusters, startClusters, writeLines } from './harness';

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
    },
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
