/**
 * list: the seed's Control Plane and Workers tables, read with one list call per kind (Machines, each
 * kind of infrastructure machine, Nodes), never one call per node. Read-only.
 */
import { ValidationError } from '../../lib/core/rules/errors';
import { Clusters, nodeIp, startClusters, workerMachine, writeLines } from './harness';

let c: Clusters;
beforeEach(async () => { c = await startClusters(); });
afterEach(async () => { await c.close(); });

test('groups the nodes by control plane and worker group, with Ready, Scheduling and Autoscaling', async () => {
  const ops = c.ops();
  await ops.cordon('w-1');
  await ops.excludeFromAutoscaling('a-2');
  c.workload.seed({ ...c.workload.get('v1', 'Node', undefined, 'w-2'), status: { conditions: [{ type: 'Ready', status: 'False', reason: 'KubeletNotReady' }] } });
  c.management.reset();
  c.workload.reset();
  const report = await ops.list();
  expect(report.cluster).toEqual({ name: 'prod', namespace: 'tenants' });
  expect(report.controlPlane.map((g) => [g.kind, g.name, g.nodes.map((n) => n.node)])).toEqual([['KubeadmControlPlane', 'prod-control-plane', ['cp-1', 'cp-2', 'cp-3']]]);
  expect(report.workers.map((g) => [g.kind, g.name, g.nodes.map((n) => n.node)])).toEqual([
    ['MachineDeployment', 'prod-auto', ['a-1', 'a-2']],
    ['Machine', 'prod-standalone', ['s-1']],
    ['MachineDeployment', 'prod-workers', ['w-1', 'w-2']],
  ]);
  const entry = (n: string) => [...report.controlPlane, ...report.workers].flatMap((g) => g.nodes).find((e) => e.node === n);
  expect(entry('w-1')).toEqual({ node: 'w-1', machine: 'prod-workers-abc-1', phase: 'Running', ready: 'True', schedulingDisabled: true, autoscalingForbidden: false, infrastructureReady: true, kubeletVersion: 'v1.31.4', deleting: false });
  expect(entry('w-2')).toMatchObject({ ready: 'False', schedulingDisabled: false });
  expect(entry('a-2')).toMatchObject({ autoscalingForbidden: true, schedulingDisabled: false, infrastructureReady: true });
  // no DockerMachine for a-1: its readiness is unknown, not false
  expect(entry('a-1')).not.toHaveProperty('infrastructureReady');
  expect(entry('a-1')).not.toHaveProperty('addresses');
  expect(writeLines(c)).toEqual([]);
});

test('reads one list per kind, however many nodes there are', async () => {
  const lists = () => [...c.management.requests, ...c.workload.requests].filter((r) => r.method === 'GET' && r.verb === 'list').map((r) => `${r.kind}`);
  const gets = () => [...c.management.requests, ...c.workload.requests].filter((r) => r.verb === 'get' && r.kind !== 'Secret').map((r) => `${r.kind}/${r.name}`);
  await c.ops().list();
  expect(lists().sort()).toEqual(['DockerMachine', 'Machine', 'Node']);
  expect(gets()).toEqual([]);
  // ten more workers: still three lists
  c.management.reset();
  c.workload.reset();
  for (let i = 3; i < 13; i++) {
    c.management.seed(workerMachine('prod-workers', 'prod-workers-abc', `prod-workers-abc-${i}`, `w-${i}`));
  }
  const report = await c.ops().list();
  expect(report.workers.find((g) => g.name === 'prod-workers')!.nodes).toHaveLength(12);
  expect(lists().sort()).toEqual(['DockerMachine', 'Machine', 'Node']);
  expect(gets()).toEqual([]);
});

test('showIps adds the addresses of each node; a Machine without a node is listed with its phase', async () => {
  c.management.seed({ ...workerMachine('prod-workers', 'prod-workers-abc', 'prod-workers-abc-9', 'w-9'), status: { phase: 'Provisioning', addresses: [{ type: 'InternalIP', address: '10.9.9.9' }] } });
  const report = await c.ops().list({ showIps: true });
  const nodes = report.workers.find((g) => g.name === 'prod-workers')!.nodes;
  expect(nodes.find((n) => n.node === 'w-1')!.addresses).toEqual([{ type: 'InternalIP', address: nodeIp('w-1') }, { type: 'Hostname', address: 'w-1' }]);
  const pending = nodes.find((n) => n.machine === 'prod-workers-abc-9')!;
  expect(pending).toEqual({ machine: 'prod-workers-abc-9', phase: 'Provisioning', schedulingDisabled: false, autoscalingForbidden: false, deleting: false, addresses: [{ type: 'InternalIP', address: '10.9.9.9' }] });
});

test('bad options are a ValidationError before any request', async () => {
  await expect(c.ops().list({ showIps: 'yes', colour: true } as never)).rejects.toThrow(ValidationError);
  await expect(c.ops().list({ showIps: 'yes', colour: true } as never)).rejects.toThrow(/options\.colour[\s\S]*options\.showIps|options\.showIps[\s\S]*options\.colour/);
  expect(c.management.requests).toEqual([]);
});
