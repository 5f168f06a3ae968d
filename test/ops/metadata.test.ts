/**
 * label / annotate on a node's Machine, infrastructure machine and Node: the library's label rules,
 * idempotence, dry run, refusals of managed keys with the reason (and no write), the note on labels
 * Cluster API copies to the Node, and a resourceVersion-guarded patch that decides again when another
 * writer came in between.
 */
import { KubeConfig } from '@kubernetes/client-node';
import { ValidationError } from '../../lib/core/rules/errors';
import { NodeOperationNotFound, NodeOperationRefused, NodeOperations } from '../../lib/ops';
import { CAPI, CLUSTER, Clusters, fakeClock, NS, startClusters, writeLines } from './harness';

let c: Clusters;
beforeEach(async () => { c = await startClusters(); });
afterEach(async () => { await c.close(); });

const machineLabels = (name: string) => c.management.get(CAPI, 'Machine', NS, name).metadata.labels ?? {};

test('label --on machine sets and removes keys with one merge patch carrying the resourceVersion read, and notes the labels copied to the Node', async () => {
  const rv = c.management.get(CAPI, 'Machine', NS, 'prod-workers-abc-1').metadata.resourceVersion;
  const result = await c.ops().label('w-1', { on: 'machine', set: { 'node-role.kubernetes.io/gpu': '', team: 'data' } });
  expect(result).toMatchObject({
    action: 'label', node: 'w-1', changed: true, dryRun: false,
    object: { kind: 'Machine', name: 'prod-workers-abc-1', apiVersion: 'cluster.x-k8s.io/v1beta2' },
    set: { 'node-role.kubernetes.io/gpu': '', team: 'data' }, removed: [],
    notes: ['Cluster API copies label node-role.kubernetes.io/gpu from Machine prod-workers-abc-1 to Node w-1, and removes it there when it is removed here'],
  });
  expect(result.requests).toEqual([{
    cluster: 'management', method: 'PATCH', path: '/apis/cluster.x-k8s.io/v1beta2/namespaces/tenants/machines/prod-workers-abc-1', contentType: 'application/merge-patch+json',
    body: { metadata: { resourceVersion: rv, labels: { 'node-role.kubernetes.io/gpu': '', team: 'data' } } },
  }]);
  expect(machineLabels('prod-workers-abc-1')).toMatchObject({ 'node-role.kubernetes.io/gpu': '', team: 'data' });
  const removed = await c.ops().label('w-1', { on: 'machine', remove: ['team', 'absent'] });
  expect(removed.removed).toEqual(['team']);
  expect(machineLabels('prod-workers-abc-1')).not.toHaveProperty('team');
  expect(machineLabels('prod-workers-abc-1')).toHaveProperty(['node-role.kubernetes.io/gpu'], '');
});

test('annotate --on infra and --on node change the DockerMachine and the Node', async () => {
  const infra = await c.ops().annotate('w-1', { on: 'infra', set: { 'example.com/owner': 'team data' } });
  expect(infra.object).toEqual({ kind: 'DockerMachine', name: 'prod-workers-abc-1', apiVersion: 'infrastructure.cluster.x-k8s.io/v1beta2' });
  expect(c.management.get('infrastructure.cluster.x-k8s.io/v1beta2', 'DockerMachine', NS, 'prod-workers-abc-1').metadata.annotations).toEqual({ 'example.com/owner': 'team data' });
  const node = await c.ops().label('w-1', { on: 'node', set: { 'example.com/rack': 'r12' } });
  expect(node.requests.map((r) => `${r.cluster} ${r.method} ${r.path}`)).toEqual(['workload PATCH /api/v1/nodes/w-1']);
  expect(c.workload.get('v1', 'Node', undefined, 'w-1').metadata.labels).toEqual({ 'example.com/rack': 'r12' });
  expect(node.notes).toEqual([]);
});

test('idempotent: asking for what is already there sends nothing', async () => {
  await c.ops().label('w-1', { on: 'node', set: { 'example.com/rack': 'r12' } });
  c.management.reset();
  c.workload.reset();
  const again = await c.ops().label('w-1', { on: 'node', set: { 'example.com/rack': 'r12' }, remove: ['example.com/absent'] });
  expect(again).toMatchObject({ changed: false, requests: [], set: {}, removed: [], summary: 'Node w-1 already has the labels as asked' });
  expect(writeLines(c)).toEqual([]);
});

test('dry run plans the patch and sends nothing', async () => {
  const result = await c.ops({ dryRun: true }).annotate('w-1', { on: 'machine', set: { 'example.com/ticket': 'OPS-1' } });
  expect(result.changed).toBe(true);
  expect(result.summary).toMatch(/^\(dry run\) would have annotations of Machine prod-workers-abc-1: set example\.com\/ticket=OPS-1$/);
  expect(result.requests).toHaveLength(1);
  expect(writeLines(c)).toEqual([]);
  expect(c.management.get(CAPI, 'Machine', NS, 'prod-workers-abc-1').metadata.annotations ?? {}).toEqual({});
});

test.each([
  ['label', 'machine', { 'cluster.x-k8s.io/deployment-name': 'x' }, 'cluster.x-k8s.io/deployment-name: keys under cluster.x-k8s.io are managed by Cluster API'],
  ['annotate', 'machine', { 'controlplane.cluster.x-k8s.io/remediation-for': 'x' }, 'keys under cluster.x-k8s.io are managed by Cluster API'],
  ['annotate', 'node', { 'cluster-autoscaler.kubernetes.io/scale-down-disabled': 'true' }, 'the exclusion from autoscaling has its own commands (exclude-from-autoscaling, include-in-autoscaling)'],
  ['annotate', 'infra', { 'capi-constructs.io/upgrade-stage': '2' }, 'keys under capi-constructs.io are managed by capi-constructs'],
  ['label', 'node', { 'kubernetes.io/hostname': 'x' }, 'the kubelet (or the cloud provider) sets this label when the node registers'],
] as const)('%s --on %s %j is refused with the reason and sends no write', async (action, on, set, reason) => {
  const ops = c.ops();
  const call = action === 'label' ? ops.label('w-1', { on, set }) : ops.annotate('w-1', { on, set });
  const err = await call.catch((e) => e);
  expect(err).toBeInstanceOf(NodeOperationRefused);
  expect(err.reason).toBe('ManagedKey');
  expect(err.message).toContain(reason);
  expect(writeLines(c)).toEqual([]);
});

test('a removal of a managed key is refused too, and every refused key is named at once', async () => {
  const err = await c.ops().label('w-1', { on: 'machine', set: { ok: 'yes', 'cluster.x-k8s.io/set-name': 'x' }, remove: ['topology.cluster.x-k8s.io/owned'] }).catch((e) => e);
  expect(err).toBeInstanceOf(NodeOperationRefused);
  expect(err.message).toMatch(/cluster\.x-k8s\.io\/set-name: .*; topology\.cluster\.x-k8s\.io\/owned: /);
  expect(writeLines(c)).toEqual([]);
});

test('labels Cluster API copies to Nodes are allowed on the Machine, deletion hooks on Machine annotations', async () => {
  await c.ops().label('w-1', { on: 'machine', set: { 'node.cluster.x-k8s.io/pool': 'blue', 'example.node-restriction.kubernetes.io/fence': 'a' } });
  await c.ops().annotate('w-1', { on: 'machine', set: { 'pre-drain.delete.hook.machine.cluster.x-k8s.io/backup': 'backup-operator' } });
  expect(machineLabels('prod-workers-abc-1')).toMatchObject({ 'node.cluster.x-k8s.io/pool': 'blue' });
  await expect(c.ops().annotate('w-1', { on: 'node', set: { 'pre-drain.delete.hook.machine.cluster.x-k8s.io/backup': 'x' } })).rejects.toBeInstanceOf(NodeOperationRefused);
});

test('on a Node, a label Cluster API copies from the Machine is refused, naming the Machine', async () => {
  const n = c.workload.get('v1', 'Node', undefined, 'w-1');
  c.workload.seed({ ...n, metadata: { ...n.metadata, labels: { 'node-role.kubernetes.io/gpu': '' }, annotations: { 'cluster.x-k8s.io/labels-from-machine': 'node-role.kubernetes.io/gpu' } } });
  c.workload.reset();
  const err = await c.ops().label('w-1', { on: 'node', remove: ['node-role.kubernetes.io/gpu'] }).catch((e) => e);
  expect(err).toBeInstanceOf(NodeOperationRefused);
  expect(err.message).toContain('node-role.kubernetes.io/gpu: Cluster API copies this label from Machine prod-workers-abc-1 and would undo the change; change it with --on machine');
  expect(writeLines(c)).toEqual([]);
  // a label under the same prefix that the Machine does not carry is the user's
  await c.ops().label('w-1', { on: 'node', set: { 'node-role.kubernetes.io/edge': '' } });
});

test('invalid keys and values are one ValidationError naming each, before any request', async () => {
  const err = await c.ops().label('w-1', { on: 'pod', set: { 'bad key': 'v', ok: 'not a label value!' }, remove: ['ok', '-x'], extra: 1 } as never).catch((e) => e);
  expect(err).toBeInstanceOf(ValidationError);
  const paths = (err as ValidationError).issues.map((i) => i.path).sort();
  expect(paths).toEqual(['options.extra', 'options.on', 'options.remove[1]', 'options.set.bad key', 'options.set.ok'].sort());
  await expect(c.ops().annotate('w-1', { on: 'node' })).rejects.toThrow(/give at least one key to set or remove/);
  await expect(c.ops().label('w-1', { on: 'node', set: { a: 'b' }, remove: ['a'] })).rejects.toThrow(/"a" is both set and removed/);
  expect(c.management.requests).toEqual([]);
  expect(c.workload.requests).toEqual([]);
});

test('a node without a Machine: --on node works, --on machine is NodeOperationNotFound', async () => {
  await c.ops().label('orphan', { on: 'node', set: { a: 'b' } });
  expect(c.workload.get('v1', 'Node', undefined, 'orphan').metadata.labels).toEqual({ a: 'b' });
  await expect(c.ops().label('orphan', { on: 'machine', set: { a: 'b' } })).rejects.toBeInstanceOf(NodeOperationNotFound);
  await expect(c.ops().label('a-1', { on: 'infra', set: { a: 'b' } })).rejects.toMatchObject({ reason: 'InfrastructureMachineNotFound' });
});

/**
 * A KubeConfig that lets `racer` write once, just before the first PATCH leaves: the other writer
 * comes in between the operation's read and its patch, every time, without timing.
 */
function racingKubeConfig(kc: KubeConfig, racer: () => void): KubeConfig {
  const wrapped = Object.create(kc) as KubeConfig;
  let raced = false;
  wrapped.applySecurityAuthentication = async (context) => {
    await kc.applySecurityAuthentication.call(wrapped, context);
    if (!raced && context.getHttpMethod() === 'PATCH') {
      raced = true;
      racer();
    }
  };
  return wrapped;
}

test('another writer between the read and the patch: the stale patch is refused (409) and the change is decided again on the new state', async () => {
  const m = () => c.management.get(CAPI, 'Machine', NS, 'prod-workers-abc-1');
  // the other writer sets the same label and one of its own
  const kc = racingKubeConfig(c.kubeConfig, () => { c.management.seed({ ...m(), metadata: { ...m().metadata, labels: { ...m().metadata.labels, team: 'data', other: 'x' } } }); });
  const result = await new NodeOperations(kc, { name: CLUSTER, namespace: NS }, { clock: fakeClock() }).label('w-1', { on: 'machine', set: { team: 'data' } });
  expect(c.management.writes().map((w) => `${w.method} ${w.status}`)).toEqual(['PATCH 409']);
  expect(result).toMatchObject({ changed: false, requests: [] });
  expect(machineLabels('prod-workers-abc-1')).toMatchObject({ team: 'data', other: 'x' });
});

test('a racing writer that changes another key: the retry patches on top of it', async () => {
  const m = () => c.management.get(CAPI, 'Machine', NS, 'prod-workers-abc-1');
  const kc = racingKubeConfig(c.kubeConfig, () => { c.management.seed({ ...m(), metadata: { ...m().metadata, labels: { ...m().metadata.labels, team: 'ops' } } }); });
  const result = await new NodeOperations(kc, { name: CLUSTER, namespace: NS }, { clock: fakeClock() }).label('w-1', { on: 'machine', set: { tier: 'gold' }, remove: ['team'] });
  expect(c.management.writes().map((w) => `${w.method} ${w.status}`)).toEqual(['PATCH 409', 'PATCH 200']);
  expect(result).toMatchObject({ changed: true, set: { tier: 'gold' }, removed: ['team'] });
  expect(machineLabels('prod-workers-abc-1')).toMatchObject({ tier: 'gold' });
  expect(machineLabels('prod-workers-abc-1')).not.toHaveProperty('team');
});
