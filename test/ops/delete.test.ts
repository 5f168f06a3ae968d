/**
 * delete: workers with and without replacement, the control-plane guard (replacement only, typed
 * confirmation, two other Ready control-plane nodes checked in separate reads first).
 *
 * Fake gaps that matter here: no Cluster API controllers, so nothing reacts to the deleted Machine or the
 * lowered replicas (no MachineSet creates a replacement, no KubeadmControlPlane removes the etcd member);
 * tests assert the requests and the state they leave. No admission webhooks (the MachineDeployment
 * webhook does not clamp replicas to the autoscaler bounds).
 */
import { ANNOTATION_AUTOSCALER_MAX, ANNOTATION_AUTOSCALER_MIN, ANNOTATION_DELETE_MACHINE } from '../../lib/core/output/api-versions';
import { NodeOperationNotFound, NodeOperationRefused } from '../../lib/ops';
import { CAPI, Clusters, fakeClock, node, NS, resetLogs, startClusters, writeLines } from './harness';
import { microTime } from '../../lib/ops/lease';

let c: Clusters;
beforeEach(async () => { c = await startClusters(); });
afterEach(async () => { await c.close(); });

const machine = (name: string) => c.management.get(CAPI, 'Machine', NS, name);
const md = (name: string) => c.management.get(CAPI, 'MachineDeployment', NS, name);

async function refusal(p: Promise<unknown>): Promise<NodeOperationRefused> {
  const e = await p.then(() => undefined, (x) => x);
  if (!(e instanceof NodeOperationRefused)) throw new Error(`expected NodeOperationRefused, got ${e}`);
  return e;
}

describe('worker with replacement', () => {
  test('deletes the Machine (uid precondition); its MachineSet would create the replacement', async () => {
    const uid = machine('prod-workers-abc-1').metadata.uid;
    const result = await c.ops().delete('w-1', { replace: true });
    expect(result).toMatchObject({ machine: 'prod-workers-abc-1', role: 'worker', replace: true, apiVersion: 'v1beta2', summary: 'deleted Machine prod-workers-abc-1 of node w-1; MachineSet prod-workers-abc creates a replacement' });
    expect(c.management.writes()).toMatchObject([{ method: 'DELETE', path: '/apis/cluster.x-k8s.io/v1beta2/namespaces/tenants/machines/prod-workers-abc-1', body: { preconditions: { uid } } }]);
    expect(machine('prod-workers-abc-1')).toBeUndefined();
    expect(md('prod-workers').spec.replicas).toBe(2);
  });

  test('is allowed for autoscaled groups too', async () => {
    await c.ops().delete('a-1', { replace: true });
    expect(machine('prod-auto-xyz-1')).toBeUndefined();
  });

  test('is idempotent: a Machine already being deleted gets no second delete', async () => {
    const m = machine('prod-workers-abc-1');
    c.management.seed({ ...m, metadata: { ...m.metadata, finalizers: ['machine.cluster.x-k8s.io'] } });
    await c.ops().delete('w-1', { replace: true });
    expect(machine('prod-workers-abc-1').metadata.deletionTimestamp).toBeDefined();
    resetLogs(c);
    expect(await c.ops().delete('w-1', { replace: true })).toMatchObject({ changed: false, summary: 'Machine prod-workers-abc-1 of node w-1 is already being deleted' });
    expect(writeLines(c)).toEqual([]);
  });

  test('is refused for a Machine no MachineSet owns: nothing would replace it', async () => {
    const e = await refusal(c.ops().delete('s-1', { replace: true }));
    expect(e.reason).toBe('NoReplacementOwner');
    expect(writeLines(c)).toEqual([]);
  });
});

describe('worker without replacement', () => {
  test('annotates the Machine delete-machine, then lowers the manual MachineDeployment by one against its resourceVersion', async () => {
    const rv = md('prod-workers').metadata.resourceVersion;
    const result = await c.ops().delete('w-1', { replace: false });
    expect(result).toMatchObject({ replicas: { kind: 'MachineDeployment', name: 'prod-workers', from: 2, to: 1 }, summary: 'marked Machine prod-workers-abc-1 of node w-1 for deletion and lowered MachineDeployment prod-workers from 2 to 1 replicas' });
    expect(c.management.writes()).toMatchObject([
      { method: 'PATCH', path: '/apis/cluster.x-k8s.io/v1beta2/namespaces/tenants/machines/prod-workers-abc-1', contentType: 'application/merge-patch+json', body: { metadata: { annotations: { [ANNOTATION_DELETE_MACHINE]: 'true' } } } },
      { method: 'PATCH', path: '/apis/cluster.x-k8s.io/v1beta2/namespaces/tenants/machinedeployments/prod-workers', contentType: 'application/merge-patch+json', body: { metadata: { resourceVersion: rv }, spec: { replicas: 1 } } },
    ]);
    expect(machine('prod-workers-abc-1').metadata.annotations[ANNOTATION_DELETE_MACHINE]).toBe('true');
    expect(md('prod-workers').spec.replicas).toBe(1);
    expect(machine('prod-workers-abc-1')).toBeDefined();
  });

  test('is idempotent: run again, it neither re-annotates nor lowers the group a second time', async () => {
    await c.ops().delete('w-1', { replace: false });
    resetLogs(c);
    const again = await c.ops().delete('w-1', { replace: false });
    expect(again).toMatchObject({ changed: false, summary: 'Machine prod-workers-abc-1 of node w-1 is already marked for deletion and MachineDeployment prod-workers already lowered' });
    expect(writeLines(c)).toEqual([]);
    expect(md('prod-workers').spec.replicas).toBe(1);
  });

  test('completes an interrupted run: annotated but not lowered yet, it lowers without re-annotating', async () => {
    const m = machine('prod-workers-abc-1');
    c.management.seed({ ...m, metadata: { ...m.metadata, annotations: { [ANNOTATION_DELETE_MACHINE]: 'true' } } });
    resetLogs(c);
    await c.ops().delete('w-1', { replace: false });
    expect(c.management.writes().map((r) => r.path)).toEqual(['/apis/cluster.x-k8s.io/v1beta2/namespaces/tenants/machinedeployments/prod-workers']);
    expect(md('prod-workers').spec.replicas).toBe(1);
  });

  test('a resourceVersion conflict (409) re-reads the MachineDeployment and lowers from the fresh count', async () => {
    // Someone scales the group to 4 between our read and our patch.
    let bumped = false;
    const off = c.management.onChange(() => {
      if (bumped) return;
      const m = machine('prod-workers-abc-1');
      if (!m?.metadata.annotations?.[ANNOTATION_DELETE_MACHINE]) return;
      bumped = true;
      const d = md('prod-workers');
      c.management.seed({ ...d, spec: { ...d.spec, replicas: 4 } });
    });
    const result = await c.ops().delete('w-1', { replace: false });
    off();
    const patches = c.management.writes().filter((r) => r.path.endsWith('/machinedeployments/prod-workers'));
    expect(patches.map((r) => r.status)).toEqual([409, 200]);
    expect(result.replicas).toEqual({ kind: 'MachineDeployment', name: 'prod-workers', from: 4, to: 3 });
    expect(md('prod-workers').spec.replicas).toBe(3);
  });

  test('a group that became autoscaled by the time of the conflict is refused instead of lowered', async () => {
    let done = false;
    const off = c.management.onChange(() => {
      if (done || !machine('prod-workers-abc-1')?.metadata.annotations?.[ANNOTATION_DELETE_MACHINE]) return;
      done = true;
      const d = md('prod-workers');
      c.management.seed({ ...d, metadata: { ...d.metadata, annotations: { [ANNOTATION_AUTOSCALER_MIN]: '1', [ANNOTATION_AUTOSCALER_MAX]: '3' } } });
    });
    const e = await refusal(c.ops().delete('w-1', { replace: false }));
    off();
    expect(e.reason).toBe('AutoscaledGroup');
    expect(e.message).toContain('it became autoscaled while the node was being deleted');
    expect(md('prod-workers').spec.replicas).toBe(2);
  });

  test('gives up after repeated conflicts with the API error', async () => {
    c.management.failNext({ method: 'PATCH', path: '/apis/cluster.x-k8s.io/v1beta2/namespaces/tenants/machinedeployments/prod-workers', status: 409, times: 5 });
    await expect(c.ops().delete('w-1', { replace: false })).rejects.toMatchObject({ code: 409 });
    expect(c.management.writes().filter((r) => r.path.endsWith('/machinedeployments/prod-workers'))).toHaveLength(5);
    expect(md('prod-workers').spec.replicas).toBe(2);
  });

  test('is refused for an autoscaled group, saying why, with no write', async () => {
    const e = await refusal(c.ops().delete('a-1', { replace: false }));
    expect(e.reason).toBe('AutoscaledGroup');
    expect(e.message).toBe('delete a-1 refused (AutoscaledGroup): node a-1 belongs to MachineDeployment prod-auto, which the cluster-autoscaler sizes (min 1, max 5): deleting without replacement is allowed only for manually scaled groups; delete it with replacement, or let the autoscaler remove it');
    expect(writeLines(c)).toEqual([]);
    expect(md('prod-auto').spec.replicas).toBe(2);
    expect(machine('prod-auto-xyz-1').metadata.annotations?.[ANNOTATION_DELETE_MACHINE]).toBeUndefined();
  });

  test('is refused for a Machine of no group', async () => {
    expect((await refusal(c.ops().delete('s-1', { replace: false }))).reason).toBe('NoScalableGroup');
    expect(writeLines(c)).toEqual([]);
  });

  test('dry run plans both patches and sends neither', async () => {
    const result = await c.ops({ dryRun: true }).delete('w-1', { replace: false });
    expect(result.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      'PATCH /apis/cluster.x-k8s.io/v1beta2/namespaces/tenants/machines/prod-workers-abc-1',
      'PATCH /apis/cluster.x-k8s.io/v1beta2/namespaces/tenants/machinedeployments/prod-workers',
    ]);
    expect(writeLines(c)).toEqual([]);
  });
});

describe('control plane', () => {
  test('with replacement, confirmation and two other Ready control-plane nodes: the check reads first, then one DELETE', async () => {
    const result = await c.ops().delete('cp-1', { replace: true, confirm: 'cp-1' });
    expect(result).toMatchObject({ role: 'control-plane', readyControlPlaneNodes: ['cp-2', 'cp-3'], summary: 'deleted Machine prod-control-plane-1 of control-plane node cp-1; KubeadmControlPlane prod-control-plane replaces it' });
    // under the cluster's control-plane deletion Lease, taken after the first check passed, renewed right
    // before the delete (a holder that lost it would delete nothing) and released after the delete
    expect(writeLines(c)).toEqual([
      'management POST /apis/coordination.k8s.io/v1/namespaces/tenants/leases',
      'management PUT /apis/coordination.k8s.io/v1/namespaces/tenants/leases/capi-constructs-control-plane-delete-prod',
      'management DELETE /apis/cluster.x-k8s.io/v1beta2/namespaces/tenants/machines/prod-control-plane-1',
      'management DELETE /apis/coordination.k8s.io/v1/namespaces/tenants/leases/capi-constructs-control-plane-delete-prod',
    ]);
    // The quorum check is its own reads: control-plane Machines (management) and Nodes (workload), before the delete.
    const mgmt = c.management.requests.map((r) => `${r.method} ${r.path}${r.query.labelSelector ? `?${r.query.labelSelector}` : ''}`);
    const del = mgmt.indexOf('DELETE /apis/cluster.x-k8s.io/v1beta2/namespaces/tenants/machines/prod-control-plane-1');
    expect(mgmt.slice(0, del)).toContain('GET /apis/cluster.x-k8s.io/v1beta2/namespaces/tenants/machines?cluster.x-k8s.io/cluster-name=prod,cluster.x-k8s.io/control-plane');
    expect(c.workload.requests.map((r) => `${r.method} ${r.path}`)).toContain('GET /api/v1/nodes');
    expect(machine('prod-control-plane-1')).toBeUndefined();
  });

  test('without replacement is refused', async () => {
    const e = await refusal(c.ops().delete('cp-1', { replace: false, confirm: 'cp-1' }));
    expect(e.reason).toBe('ControlPlaneRequiresReplacement');
    expect(writeLines(c)).toEqual([]);
  });

  test.each([[undefined, 'missing'], ['cp-2', '"cp-2"']])('a confirmation of %s is refused', async (confirm, shown) => {
    const e = await refusal(c.ops().delete('cp-1', { replace: true, ...(confirm ? { confirm } : {}) }));
    expect(e.reason).toBe('ConfirmationMismatch');
    expect(e.message).toContain(`confirm (--confirm) is ${shown}, expected "cp-1"`);
    expect(writeLines(c)).toEqual([]);
    expect(machine('prod-control-plane-1')).toBeDefined();
  });

  test('is refused when only one other control-plane node is Ready, with no DELETE sent', async () => {
    c.workload.seed(node('cp-3', { ready: false, controlPlane: true }));
    const e = await refusal(c.ops().delete('cp-1', { replace: true, confirm: 'cp-1' }));
    expect(e.reason).toBe('ControlPlaneQuorumAtRisk');
    expect(e.message).toBe('delete cp-1 refused (ControlPlaneQuorumAtRisk): only 1 other control-plane node is Ready (cp-2); not Ready: cp-3; deleting cp-1 needs at least 2 so that etcd keeps quorum while it is replaced');
    expect(writeLines(c)).toEqual([]);
    expect(machine('prod-control-plane-1')).toBeDefined();
  });

  test('a control-plane Machine already being deleted does not count as one of the two', async () => {
    const m = machine('prod-control-plane-2');
    c.management.seed({ ...m, metadata: { ...m.metadata, finalizers: ['machine.cluster.x-k8s.io'] } });
    await c.ops().delete('cp-2', { replace: true, confirm: 'cp-2' });
    resetLogs(c);
    const e = await refusal(c.ops().delete('cp-1', { replace: true, confirm: 'cp-1' }));
    expect(e.reason).toBe('ControlPlaneQuorumAtRisk');
    expect(writeLines(c)).toEqual([]);
  });
});

test('a node without a Machine is NodeOperationNotFound (MachineNotFound)', async () => {
  const e = await c.ops().delete('orphan', { replace: true }).catch((x) => x);
  expect(e).toBeInstanceOf(NodeOperationNotFound);
  expect(e.reason).toBe('MachineNotFound');
  expect(writeLines(c)).toEqual([]);
});

test('a Machine whose Node is already gone is still found by its nodeRef', async () => {
  c.workload.remove('v1', 'Node', undefined, 'w-2');
  await c.ops().delete('w-2', { replace: true });
  expect(machine('prod-workers-abc-2')).toBeUndefined();
});

test('replace must be a boolean: a ValidationError naming the field', async () => {
  await expect(c.ops().delete('w-1', {} as never)).rejects.toMatchObject({ name: 'ValidationError', issues: [{ path: 'options.replace', message: 'must be true (replace the Machine) or false (remove it for good), got undefined' }] });
  expect(writeLines(c)).toEqual([]);
});

describe('control plane, two operators', () => {
  test('two operators deleting different control-plane nodes at once: the quorum allows one, the other is refused (5 trials)', async () => {
    for (let trial = 0; trial < 5; trial++) {
      await c.close();
      c = await startClusters();
      const [a, b] = await Promise.allSettled([
        c.ops().delete('cp-1', { replace: true, confirm: 'cp-1' }),
        c.ops().delete('cp-2', { replace: true, confirm: 'cp-2' }),
      ]);
      const done = [a, b].filter((r) => r.status === 'fulfilled');
      expect(done).toHaveLength(1);
      const refused = [a, b].find((r) => r.status === 'rejected') as PromiseRejectedResult;
      expect(refused.reason).toMatchObject({ reason: 'ControlPlaneQuorumAtRisk' });
      expect(['prod-control-plane-1', 'prod-control-plane-2'].filter((m) => machine(m) === undefined)).toHaveLength(1);
      // the Lease is released either way
      expect(c.management.list('Lease', 'tenants')).toEqual([]);
    }
  });

  test('a control-plane deletion of the cluster held by another process past the wait is refused as OperationInProgress, with no Machine deleted', async () => {
    c.management.seed({
      apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: 'capi-constructs-control-plane-delete-prod', namespace: 'tenants' },
      spec: { holderIdentity: 'operator-b', leaseDurationSeconds: 300, renewTime: microTime(new Date()) },
    });
    const e = await refusal(c.ops({ clock: fakeClock() }).delete('cp-1', { replace: true, confirm: 'cp-1' }));
    expect(e.reason).toBe('OperationInProgress');
    expect(e.message).toMatch(/another control-plane deletion of cluster tenants\/prod is in progress \(Lease tenants\/capi-constructs-control-plane-delete-prod is held by operator-b\)/);
    expect(machine('prod-control-plane-1')).toBeDefined();
  });
});
