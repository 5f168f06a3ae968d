/**
 * exclude-from-autoscaling / include-in-autoscaling: the Node annotation the cluster-autoscaler reads,
 * allowed only for nodes of groups carrying the min/max annotations lib/core renders. Fake gap: no
 * cluster-autoscaler reads the annotation; tests assert the Node state left.
 */
import { ANNOTATION_AUTOSCALER_MAX, ANNOTATION_AUTOSCALER_MIN, ANNOTATION_SCALE_DOWN_DISABLED } from '../../lib/core/output/api-versions';
import { NodeOperationRefused } from '../../lib/ops';
import { Clusters, resetLogs, startClusters, writeLines } from './harness';

let c: Clusters;
beforeEach(async () => { c = await startClusters(); });
afterEach(async () => { await c.close(); });

const annotations = (name: string) => c.workload.get('v1', 'Node', undefined, name).metadata.annotations ?? {};

test('the autoscaled group carries the annotations lib/core renders for { min, max } (the harness seeds its render)', () => {
  const md = c.management.get('cluster.x-k8s.io/v1beta2', 'MachineDeployment', 'tenants', 'prod-auto');
  expect(md.metadata.annotations).toEqual({ [ANNOTATION_AUTOSCALER_MIN]: '1', [ANNOTATION_AUTOSCALER_MAX]: '5' });
});

test('exclude annotates the Node scale-down-disabled=true (merge patch on the workload cluster), once', async () => {
  const result = await c.ops().excludeFromAutoscaling('a-1');
  expect(result).toMatchObject({ changed: true, summary: 'excluded node a-1 from autoscaling (MachineDeployment prod-auto, min 1, max 5)' });
  expect(c.workload.writes()).toMatchObject([{ method: 'PATCH', path: '/api/v1/nodes/a-1', contentType: 'application/merge-patch+json', body: { metadata: { annotations: { [ANNOTATION_SCALE_DOWN_DISABLED]: 'true' } } } }]);
  expect(annotations('a-1')[ANNOTATION_SCALE_DOWN_DISABLED]).toBe('true');
  expect(c.management.writes()).toEqual([]);
  resetLogs(c);
  expect(await c.ops().excludeFromAutoscaling('a-1')).toMatchObject({ changed: false, summary: 'node a-1 is already excluded from autoscaling' });
  expect(writeLines(c)).toEqual([]);
});

test('exclude is refused for a node of a manually scaled group, with no write', async () => {
  const e = await c.ops().excludeFromAutoscaling('w-1').catch((x) => x);
  expect(e).toBeInstanceOf(NodeOperationRefused);
  expect(e).toMatchObject({ reason: 'NotAutoscaled', message: 'exclude-from-autoscaling w-1 refused (NotAutoscaled): MachineDeployment prod-workers is scaled manually (no cluster-autoscaler min/max annotations): exclusion from autoscaling applies only to nodes of autoscaled groups' });
  expect(writeLines(c)).toEqual([]);
  expect(annotations('w-1')[ANNOTATION_SCALE_DOWN_DISABLED]).toBeUndefined();
});

test('exclude is refused for a control-plane node', async () => {
  const e = await c.ops().excludeFromAutoscaling('cp-1').catch((x) => x);
  expect(e).toMatchObject({ name: 'NodeOperationRefused', reason: 'NotAutoscaled' });
  expect(writeLines(c)).toEqual([]);
});

test('a group with only one of the two annotations is not autoscaled (the autoscaler needs both)', async () => {
  const md = c.management.get('cluster.x-k8s.io/v1beta2', 'MachineDeployment', 'tenants', 'prod-workers');
  c.management.seed({ ...md, metadata: { ...md.metadata, annotations: { [ANNOTATION_AUTOSCALER_MAX]: '5' } } });
  await expect(c.ops().excludeFromAutoscaling('w-1')).rejects.toMatchObject({ reason: 'NotAutoscaled' });
});

test('include removes the annotation (merge patch null); on a node without it, nothing is sent', async () => {
  await c.ops().excludeFromAutoscaling('a-1');
  resetLogs(c);
  const result = await c.ops().includeInAutoscaling('a-1');
  expect(result.requests[0].body).toEqual({ metadata: { annotations: { [ANNOTATION_SCALE_DOWN_DISABLED]: null } } });
  expect(annotations('a-1')[ANNOTATION_SCALE_DOWN_DISABLED]).toBeUndefined();
  resetLogs(c);
  expect(await c.ops().includeInAutoscaling('a-1')).toMatchObject({ changed: false, summary: 'node a-1 is not excluded from autoscaling' });
  expect(writeLines(c)).toEqual([]);
});
