/**
 * The node operations (lib/ops) against the real clusters: Machines on the management cluster, the
 * workload cluster reached through the `<cluster>-kubeconfig` Secret, Nodes and Pods bound by
 * `nodeName` there, a PodDisruptionBudget whose status the real disruption controller computes, and
 * the real Eviction API. No kubelet runs: Pod status is written through the status subresource, and
 * the pods have `terminationGracePeriodSeconds: 0`, so an eviction deletes them at once.
 */
import { DrainTimeout, NodeOperations } from '../../lib/ops';
import { deleteNamespaces, freshNamespace, kubeConfig, kubeconfigText, kubectl, kubectlOk, toYaml } from '../support/real-cluster';

const CAPI = 'cluster.x-k8s.io/v1beta2';
const suffix = `${process.pid}`;
const nodes = { w1: `rt-w1-${suffix}`, w2: `rt-w2-${suffix}` };
let mgmtNs: string;
let appNs: string;

const wait = async (what: string, ms: number, ok: () => boolean): Promise<void> => {
  const deadline = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 1000));
  }
};

const json = (args: string[], which: 'management' | 'workload') => JSON.parse(kubectlOk([...args, '-o', 'json'], { which }));

beforeAll(async () => {
  mgmtNs = freshNamespace('rt-mgmt');
  appNs = freshNamespace('rt-app', 'workload');
  // Management: a paused Cluster (its controllers leave the hand-made Machines alone), its kubeconfig
  // Secret, and one Machine per Node, matched by providerID.
  const machine = (key: 'w1' | 'w2') => ({
    apiVersion: CAPI, kind: 'Machine',
    metadata: { name: `prod-${key}`, namespace: mgmtNs, labels: { 'cluster.x-k8s.io/cluster-name': 'prod' } },
    spec: {
      clusterName: 'prod', version: 'v1.31.4', providerID: `docker:////${nodes[key]}`,
      bootstrap: { dataSecretName: 'none' },
      infrastructureRef: { apiGroup: 'infrastructure.cluster.x-k8s.io', kind: 'DockerMachine', name: `prod-${key}` },
    },
  });
  kubectlOk(['apply', '--server-side', '-f', '-'], {
    input: toYaml([
      { apiVersion: CAPI, kind: 'Cluster', metadata: { name: 'prod', namespace: mgmtNs }, spec: { paused: true, infrastructureRef: { apiGroup: 'infrastructure.cluster.x-k8s.io', kind: 'DockerCluster', name: 'prod' } } },
      { apiVersion: 'v1', kind: 'Secret', type: 'cluster.x-k8s.io/secret', metadata: { name: 'prod-kubeconfig', namespace: mgmtNs, labels: { 'cluster.x-k8s.io/cluster-name': 'prod' } }, data: { value: Buffer.from(kubeconfigText('workload')).toString('base64') } },
      machine('w1'), machine('w2'),
    ]),
  });
  // Workload: two Ready Nodes, a pod of app=web on each (owned by a ConfigMap, so the garbage collector
  // keeps them and no workload controller replaces them), and a PodDisruptionBudget minAvailable 1.
  for (const key of ['w1', 'w2'] as const) {
    kubectlOk(['apply', '--server-side', '-f', '-'], { which: 'workload', input: toYaml([{ apiVersion: 'v1', kind: 'Node', metadata: { name: nodes[key] }, spec: { providerID: `docker:////${nodes[key]}` } }]) });
    kubectlOk(['patch', 'node', nodes[key], '--subresource=status', '--type=merge', '-p', JSON.stringify({ status: { conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'ready', lastHeartbeatTime: new Date().toISOString(), lastTransitionTime: new Date().toISOString() }] } })], { which: 'workload' });
  }
  kubectlOk(['create', 'configmap', 'web-owner', '-n', appNs], { which: 'workload' });
  const owner = json(['get', 'configmap', 'web-owner', '-n', appNs], 'workload');
  for (const key of ['w1', 'w2'] as const) {
    kubectlOk(['apply', '--server-side', '-f', '-'], {
      which: 'workload',
      input: toYaml([{
        apiVersion: 'v1', kind: 'Pod',
        metadata: { name: `web-${key}`, namespace: appNs, labels: { app: 'web' }, ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'web-owner', uid: owner.metadata.uid, controller: true }] },
        spec: { nodeName: nodes[key], terminationGracePeriodSeconds: 0, containers: [{ name: 'c', image: 'registry.k8s.io/pause:3.10' }] },
      }]),
    });
    kubectlOk(['patch', 'pod', `web-${key}`, '-n', appNs, '--subresource=status', '--type=merge', '-p', JSON.stringify({ status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] } })], { which: 'workload' });
  }
  kubectlOk(['apply', '--server-side', '-f', '-'], { which: 'workload', input: toYaml([{ apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'web', namespace: appNs }, spec: { minAvailable: 1, selector: { matchLabels: { app: 'web' } } } }]) });
  await wait('the disruption controller to allow one disruption', 60_000, () => json(['get', 'pdb', 'web', '-n', appNs], 'workload').status?.disruptionsAllowed === 1);
});

afterAll(() => {
  kubectl(['delete', 'node', nodes.w1, nodes.w2, '--ignore-not-found'], { which: 'workload' });
  deleteNamespaces([appNs], 'workload');
  deleteNamespaces([mgmtNs]);
});

const ops = () => new NodeOperations(kubeConfig(), { name: 'prod', namespace: mgmtNs });

describe('node operations against the real management and workload clusters', () => {
  it('show finds the Machine of a Node through the real APIs', async () => {
    const report = await ops().show(nodes.w1);
    expect(report.apiVersion).toBe('v1beta2');
    expect(report.node.name).toBe(nodes.w1);
    expect(report.machine.name).toBe('prod-w1');
  });

  it('drain cordons and evicts through the real Eviction API while the budget allows it', async () => {
    const result = await ops().drain(nodes.w1, { timeoutSeconds: 60 });
    expect(result.evicted).toEqual([{ namespace: appNs, name: 'web-w1' }]);
    expect(json(['get', 'node', nodes.w1], 'workload').spec.unschedulable).toBe(true);
    expect(kubectl(['get', 'pod', 'web-w1', '-n', appNs], { which: 'workload' }).status).not.toBe(0);
  });

  it('the disruption controller then allows no disruption, and a drain of the other node times out on the budget', async () => {
    await wait('the disruption controller to see one healthy pod', 60_000, () => json(['get', 'pdb', 'web', '-n', appNs], 'workload').status?.disruptionsAllowed === 0);
    let err: unknown;
    try {
      await ops().drain(nodes.w2, { timeoutSeconds: 5 });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(DrainTimeout);
    expect((err as DrainTimeout).remaining.map((p) => p.name)).toEqual(['web-w2']);
    expect(kubectl(['get', 'pod', 'web-w2', '-n', appNs], { which: 'workload' }).status).toBe(0);
  });

  it('uncordon makes the node schedulable again', async () => {
    await ops().uncordon(nodes.w1);
    expect(json(['get', 'node', nodes.w1], 'workload').spec.unschedulable).toBeUndefined();
  });
});
