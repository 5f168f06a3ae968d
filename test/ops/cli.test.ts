/**
 * `capi-constructs node ...` end to end: main() with a kubeconfig file pointing at the management fake.
 * Exit codes: 0 done, 1 API error, 2 usage, 3 refused, 4 not found, 5 drain timeout.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { main } from '../../lib/cli';
import { NODE_EXIT, nodeCommand } from '../../lib/cli/node';
import { Clusters, fakeClock, pod, startClusters, writeLines } from './harness';

let c: Clusters;
let dir: string;
let kubeconfig: string;
beforeEach(async () => {
  c = await startClusters();
  dir = mkdtempSync(join(tmpdir(), 'node-cli-'));
  kubeconfig = join(dir, 'management.yaml');
  writeFileSync(kubeconfig, c.management.kubeconfigYaml());
});
afterEach(async () => {
  await c.close();
  rmSync(dir, { recursive: true, force: true });
});

function sink(isTTY = false) {
  let text = '';
  return { isTTY, write: (s: string) => { text += s; return true; }, get text() { return text; } };
}

async function run(...args: string[]) {
  const out = sink();
  const err = sink();
  const code = await main(['node', ...args, '--cluster', 'prod', '--namespace', 'tenants', '--kubeconfig', kubeconfig], out, err);
  return { code, out: out.text, err: err.text };
}

test('cordon prints what it did and the request it sent', async () => {
  const r = await run('cordon', 'w-1');
  expect(r).toEqual({ code: 0, err: '', out: 'cordoned node w-1\n  PATCH /api/v1/nodes/w-1 (workload, application/merge-patch+json) {"spec":{"unschedulable":true}}\n' });
  expect((await run('cordon', 'w-1')).out).toBe('node w-1 is already cordoned\n');
});

test('--dry-run prints the requests it would send and sends none', async () => {
  const r = await run('delete', 'w-1', '--no-replace', '--dry-run');
  expect(r.code).toBe(0);
  expect(r.out).toBe([
    '(dry run) would have marked Machine prod-workers-abc-1 of node w-1 for deletion and lowered MachineDeployment prod-workers from 2 to 1 replicas',
    '  would send PATCH /apis/cluster.x-k8s.io/v1beta2/namespaces/tenants/machines/prod-workers-abc-1 (management, application/merge-patch+json) {"metadata":{"annotations":{"cluster.x-k8s.io/delete-machine":"true"}}}',
    `  would send PATCH /apis/cluster.x-k8s.io/v1beta2/namespaces/tenants/machinedeployments/prod-workers (management, application/merge-patch+json) {"metadata":{"resourceVersion":"${c.management.get('cluster.x-k8s.io/v1beta2', 'MachineDeployment', 'tenants', 'prod-workers').metadata.resourceVersion}"},"spec":{"replicas":1}}`,
    '',
  ].join('\n'));
  expect(writeLines(c)).toEqual([]);
});

test('a refusal exits 3 with the reason on stderr and writes nothing', async () => {
  const r = await run('delete', 'a-1', '--no-replace');
  expect(r.code).toBe(NODE_EXIT.refused);
  expect(r.out).toBe('');
  expect(r.err).toMatch(/^capi-constructs node: delete a-1 refused \(AutoscaledGroup\): node a-1 belongs to MachineDeployment prod-auto, which the cluster-autoscaler sizes \(min 1, max 5\)/);
  expect(writeLines(c)).toEqual([]);
});

test('a control-plane delete with a wrong --confirm exits 3', async () => {
  const r = await run('delete', 'cp-1', '--replace', '--confirm', 'cp-2');
  expect(r.code).toBe(3);
  expect(r.err).toContain('(ConfirmationMismatch)');
  expect(writeLines(c)).toEqual([]);
});

test('--output json prints the result, and a refusal as {error: {reason, message}}', async () => {
  const ok = await run('exclude-from-autoscaling', 'a-1', '--output', 'json');
  expect(JSON.parse(ok.out)).toMatchObject({ action: 'exclude-from-autoscaling', node: 'a-1', changed: true, requests: [{ method: 'PATCH', path: '/api/v1/nodes/a-1' }] });
  const refused = await run('exclude-from-autoscaling', 'w-1', '--output', 'json');
  expect(refused.code).toBe(3);
  expect(JSON.parse(refused.out)).toEqual({ error: { reason: 'NotAutoscaled', message: expect.stringContaining('scaled manually') } });
});

test('show prints the report, as text or JSON', async () => {
  const text = await run('show', 'w-1');
  expect(text.code).toBe(0);
  expect(text.out).toContain('node w-1 (worker) of cluster tenants/prod, read at Cluster API v1beta2');
  expect(text.out).toContain('group:        MachineDeployment prod-workers: 2 replicas, 2 ready, scaled manually');
  const json = JSON.parse((await run('show', 'w-1', '--output', 'json')).out);
  expect(json).toMatchObject({ apiVersion: 'v1beta2', machine: { name: 'prod-workers-abc-1' } });
});

test('not found exits 4', async () => {
  const r = await run('show', 'orphan');
  expect(r.code).toBe(NODE_EXIT.notFound);
  expect(r.err).toContain('has no Machine of cluster tenants/prod');
});

test('an API failure exits 1 with the status, not a stack', async () => {
  c.workload.failNext({ method: 'PATCH', path: '/api/v1/nodes/w-1', status: 503, message: 'apiserver is shutting down' });
  const r = await run('cordon', 'w-1');
  expect(r).toMatchObject({ code: NODE_EXIT.apiError, err: 'capi-constructs node: cordon w-1 failed: HTTP 503 ServiceUnavailable: apiserver is shutting down\n' });
});

test.each([
  [['delete', 'w-1'], 'choose --replace'],
  [['delete', 'w-1', '--replace', '--no-replace'], 'exclude each other'],
  [['cordon', 'w-1', '--confirm', 'w-1'], '--confirm applies only to delete'],
  [['drain', 'w-1', '--timeout', 'soon'], '--timeout: "soon" is not a duration'],
  [['show', 'w-1', '--output', 'yaml'], '--output must be json'],
  [['drain', 'w-1', '--timeout', '0s'], '--timeout: must be longer than 0s'],
  [['show', 'w-1', '--dry-run'], '--dry-run applies only to'],
  [['reboot', 'w-1'], 'action must be one of'],
])('usage errors exit 64: %j', async (args, message) => {
  const r = await run(...args);
  expect(r.code).toBe(NODE_EXIT.usage);
  expect(r.err).toContain(message);
  expect(writeLines(c)).toEqual([]);
});

async function drainWith(isTTY: boolean, ...extra: string[]) {
  c.workload.seed(pod('web-1', 'w-1', { owner: 'ReplicaSet', labels: { app: 'web' } }));
  c.workload.blockEvictions(2, { pdb: 'web-pdb' });
  const out = sink();
  const err = sink(isTTY);
  const code = await nodeCommand({ clock: fakeClock() }).run(['drain', 'w-1', '--cluster', 'prod', '--namespace', 'tenants', '--kubeconfig', kubeconfig, ...extra], out, err);
  return { code, out: out.text, err: err.text };
}

test('drain progress: plain lines when stderr is not a terminal', async () => {
  const r = await drainWith(false);
  expect(r.code).toBe(0);
  expect(r.err).toBe([
    'drain w-1: 0 evicted, 1 pod left; blocked: default/web-1 by PodDisruptionBudget web-pdb',
    'drain w-1: 1 evicted, 0 pods left',
    '',
  ].join('\n'));
  expect(r.out.split('\n')[0]).toBe('drained node w-1: 1 pod evicted');
});

test('drain progress: one line rewritten in place on a terminal', async () => {
  const r = await drainWith(true);
  expect(r.err).toBe('\r\x1b[Kdrain w-1: 0 evicted, 1 pod left; blocked: default/web-1 by PodDisruptionBudget web-pdb\r\x1b[Kdrain w-1: 1 evicted, 0 pods left\n');
});

test('a drain timeout exits 5 naming the blocking budget', async () => {
  c.workload.seed(pod('web-1', 'w-1', { owner: 'ReplicaSet', labels: { app: 'web' } }));
  c.workload.seed({ apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'web', namespace: 'default' }, spec: { minAvailable: 1, selector: { matchLabels: { app: 'web' } } } });
  const out = sink();
  const err = sink();
  const code = await nodeCommand({ clock: fakeClock() }).run(['drain', 'w-1', '--cluster', 'prod', '--namespace', 'tenants', '--kubeconfig', kubeconfig, '--timeout', '10s'], out, err);
  expect(code).toBe(NODE_EXIT.drainTimeout);
  expect(err.text).toContain('capi-constructs node: drain w-1 timed out after 10s with 1 pod left: default/web-1 (blocked by PodDisruptionBudget web); the node stays cordoned');
});

test('an unreadable --kubeconfig is a configuration error (exit 78) naming the file, in one line', async () => {
  const err = sink();
  const code = await main(['node', 'show', 'w-1', '--cluster', 'prod', '--namespace', 'tenants', '--kubeconfig', join(dir, 'missing.yaml')], sink(), err);
  expect(code).toBe(78);
  expect(err.text).toBe(`capi-constructs node: cannot read the kubeconfig ${join(dir, 'missing.yaml')} (--kubeconfig): ENOENT\n`);
});

test('--kubeconfig defaults to KUBECONFIG', async () => {
  const before = process.env.KUBECONFIG;
  process.env.KUBECONFIG = kubeconfig;
  try {
    const out = sink();
    const code = await main(['node', 'cordon', 'w-2', '--cluster', 'prod', '--namespace', 'tenants'], out, sink());
    expect(code).toBe(0);
    expect(out.text).toContain('cordoned node w-2');
  } finally {
    if (before === undefined) delete process.env.KUBECONFIG; else process.env.KUBECONFIG = before;
  }
});

test('drain: a pod no controller manages exits 3 without --force; with --force the text output shows the warning', async () => {
  c.workload.seed(pod('bare', 'w-1'));
  const refused = { out: sink(), err: sink() };
  const args = ['drain', 'w-1', '--cluster', 'prod', '--namespace', 'tenants', '--kubeconfig', kubeconfig];
  expect(await nodeCommand({ clock: fakeClock() }).run(args, refused.out, refused.err)).toBe(NODE_EXIT.refused);
  expect(refused.err.text).toContain('drain w-1 refused (UnmanagedPods): pod default/bare is managed by no controller');
  expect(writeLines(c)).toEqual([]);
  const out = sink();
  expect(await nodeCommand({ clock: fakeClock() }).run([...args, '--force'], out, sink())).toBe(0);
  expect(out.text.split('\n').slice(0, 2)).toEqual(['drained node w-1: 1 pod evicted', 'warning: pod default/bare has no controller: nothing recreates it after eviction']);
});

test('with no kubeconfig anywhere, the CLI says so plainly', async () => {
  const saved = { KUBECONFIG: process.env.KUBECONFIG, HOME: process.env.HOME, KUBERNETES_SERVICE_HOST: process.env.KUBERNETES_SERVICE_HOST };
  process.env.HOME = join(dir, 'nohome');
  delete process.env.KUBECONFIG;
  delete process.env.KUBERNETES_SERVICE_HOST;
  try {
    const err = sink();
    expect(await main(['node', 'show', 'w-1', '--cluster', 'prod', '--namespace', 'tenants'], sink(), err)).toBe(78); // missing configuration (docs/cli.md)
    expect(err.text).toContain('no kubeconfig: pass --kubeconfig <file>, set KUBECONFIG, or create ~/.kube/config');
    expect(err.text).not.toContain('skipTLSVerify');
  } finally {
    for (const [k, v] of Object.entries(saved)) if (v === undefined) delete process.env[k]; else process.env[k] = v;
  }
});

test('node list prints the Control Plane and Workers tables; --show-ips adds the addresses; --output json is the library report', async () => {
  await run('cordon', 'w-1');
  await run('exclude-from-autoscaling', 'a-2');
  c.management.reset();
  c.workload.reset();
  const r = await run('list');
  expect(r.code).toBe(0);
  expect(r.err).toBe('');
  const lines = r.out.split('\n');
  expect(lines.slice(0, 3)).toEqual(['cluster tenants/prod, read at Cluster API v1beta2', 'Control Plane:', '  KubeadmControlPlane prod-control-plane']);
  expect(lines).toContain('Workers:');
  expect(lines.find((l) => l.trim().startsWith('w-1'))).toMatch(/^ {4}w-1\s+prod-workers-abc-1\s+Running\s+True\s+Disabled\s+Ready\s+v1\.31\.4$/);
  expect(lines.find((l) => l.trim().startsWith('a-2'))).toMatch(/^ {4}a-2\s+prod-auto-xyz-2\s+Running\s+True\s+Forbidden\s+Ready\s+v1\.31\.4$/);
  expect(r.out).not.toMatch(/10\.0\.0\./);
  expect((await run('list', '--show-ips')).out).toMatch(/w-1 .* 10\.0\.0\.\d+$/m);
  const json = JSON.parse((await run('list', '--output', 'json')).out);
  expect(json).toEqual(await c.ops().list());
  expect(writeLines(c)).toEqual([]);
});

test('node label / annotate: key=value sets, key- removes, --dry-run plans, a managed key exits 3 with the reason and writes nothing', async () => {
  const set = await run('label', 'w-1', '--on', 'machine', 'node-role.kubernetes.io/gpu=', 'team=data');
  expect(set.code).toBe(0);
  expect(set.out.split('\n').slice(0, 2)).toEqual([
    'labels of Machine prod-workers-abc-1: set node-role.kubernetes.io/gpu=, team=data',
    'note: Cluster API copies label node-role.kubernetes.io/gpu from Machine prod-workers-abc-1 to Node w-1, and removes it there when it is removed here',
  ]);
  expect((await run('label', 'w-1', '--on', 'machine', 'team-', '--dry-run')).out).toMatch(/^\(dry run\) would have labels of Machine prod-workers-abc-1: removed team\n {2}would send PATCH /);
  expect((await run('label', 'w-1', '--on', 'machine', 'team=data')).out).toBe('Machine prod-workers-abc-1 already has the labels as asked\n');
  c.management.reset();
  c.workload.reset();
  const refused = await run('annotate', 'w-1', '--on', 'node', 'cluster-autoscaler.kubernetes.io/scale-down-disabled=true', '--output', 'json');
  expect(refused.code).toBe(NODE_EXIT.refused);
  expect(JSON.parse(refused.out).error.reason).toBe('ManagedKey');
  expect(refused.err).toContain('has its own commands (exclude-from-autoscaling, include-in-autoscaling)');
  expect(writeLines(c)).toEqual([]);
});

test.each([
  [['label', 'w-1', 'a=b'], 'missing --on machine|infra|node'],
  [['label', 'w-1', '--on', 'pod', 'a=b'], '--on must be machine, infra or node'],
  [['label', 'w-1', '--on', 'node'], 'give at least one key=value or key-'],
  [['label', 'w-1', '--on', 'node', 'novalue'], '"novalue" is neither key=value (set) nor key- (remove)'],
  [['label', 'w-1', '--on', 'node', 'bad key=x', 'a=not ok'], 'bad key: "bad key" is not a valid label key'],
  [['annotate', 'w-1', '--on', 'node', 'a=1', 'a=2'], 'a is given twice'],
  [['list', '--on', 'node'], '--on applies only to label, annotate'],
  [['show', 'w-1', '--show-ips'], '--show-ips applies only to list'],
  [['list', '--dry-run'], '--dry-run applies only to'],
])('label/annotate/list usage errors exit 64: %j', async (args, message) => {
  const r = await run(...args);
  expect(r.code).toBe(NODE_EXIT.usage);
  expect(r.err).toContain(message);
  expect(writeLines(c)).toEqual([]);
});
