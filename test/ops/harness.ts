/**
 * Two kube-fakes, a management cluster and a workload cluster, with the Cluster API objects of one
 * cluster `tenants/prod` and the Nodes and pods of its workload cluster:
 *
 * - control plane: KubeadmControlPlane prod-control-plane, Machines prod-control-plane-{1,2,3} -> nodes cp-{1,2,3};
 * - prod-workers: MachineDeployment scaled by hand (2 replicas), MachineSet prod-workers-abc, nodes w-{1,2};
 * - prod-auto: MachineDeployment lib/core renders for `scaling: { min: 1, max: 5 }` (the autoscaler
 *   annotations), nodes a-{1,2}; both MachineDeployments are lib/core's renders plus replicas and status;
 * - prod-standalone: a Machine of no MachineSet, node s-1; node `orphan` has no Machine at all.
 *
 * The workload cluster is reached only through the `prod-kubeconfig` Secret on the management fake
 * (data.value = the workload fake's kubeconfig), as NodeOperations reaches a real one.
 */
import { KubeConfig } from '@kubernetes/client-node';
import { CustomMachineTemplate, WorkerScaling } from '../../lib/core';
import { LABEL_CLUSTER_NAME, LABEL_CONTROL_PLANE, LABEL_CONTROL_PLANE_NAME, LABEL_DEPLOYMENT_NAME, LABEL_SET_NAME } from '../../lib/core/output/api-versions';
import { renderWorkerGroup } from '../../lib/core/nodes/worker-group';
import { Clock, NodeOperations, NodeOperationsOptions } from '../../lib/ops';
import { KubeFake, startKubeFake } from '../support/kube-fake';

export const NS = 'tenants';
export const CLUSTER = 'prod';
export const CAPI = 'cluster.x-k8s.io/v1beta2';
const KCP_API = 'controlplane.cluster.x-k8s.io/v1beta2';
const INFRA_API = 'infrastructure.cluster.x-k8s.io/v1beta2';

export interface Clusters {
  readonly management: KubeFake;
  readonly workload: KubeFake;
  /** KubeConfig of the management fake. */
  readonly kubeConfig: KubeConfig;
  ops(options?: NodeOperationsOptions): NodeOperations;
  close(): Promise<void>;
}

/** A clock whose sleep advances time at once: drains and backoffs run without real waiting. */
export function fakeClock(): Clock & { readonly slept: number[] } {
  let t = 0;
  const slept: number[] = [];
  return {
    slept,
    now: () => t,
    sleep: async (ms) => { slept.push(ms); t += ms; },
  };
}

const ready = [{ type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status' }];
const notReady = [{ type: 'Ready', status: 'Unknown', reason: 'NodeStatusUnknown', message: 'Kubelet stopped posting node status.' }];

/** A stable address per node name: 10.0.0.<n>. */
export function nodeIp(name: string): string {
  return `10.0.0.${[...name].reduce((n, ch) => (n * 31 + ch.charCodeAt(0)) % 250, 7) + 2}`;
}

export function node(name: string, opts: { ready?: boolean; controlPlane?: boolean } = {}) {
  return {
    apiVersion: 'v1', kind: 'Node',
    metadata: { name, labels: opts.controlPlane ? { 'node-role.kubernetes.io/control-plane': '' } : {} },
    spec: { providerID: `docker:////${name}` },
    status: {
      conditions: opts.ready === false ? notReady : ready, nodeInfo: { kubeletVersion: 'v1.31.4' },
      capacity: { cpu: '4', memory: '16393872Ki', pods: '110' },
      allocatable: { cpu: '3800m', memory: '15742608Ki', pods: '110' },
      addresses: [{ type: 'InternalIP', address: nodeIp(name) }, { type: 'Hostname', address: name }],
    },
  };
}

function machine(name: string, nodeName: string | undefined, labels: Record<string, string>, owner?: { apiVersion: string; kind: string; name: string }) {
  return {
    apiVersion: CAPI, kind: 'Machine',
    metadata: {
      name, namespace: NS, labels: { [LABEL_CLUSTER_NAME]: CLUSTER, ...labels },
      ...(owner ? { ownerReferences: [{ ...owner, uid: `uid-${owner.name}`, controller: true }] } : {}),
    },
    spec: {
      clusterName: CLUSTER, version: 'v1.31.4',
      ...(nodeName ? { providerID: `docker:////${nodeName}` } : {}),
      infrastructureRef: { apiGroup: 'infrastructure.cluster.x-k8s.io', kind: 'DockerMachine', name },
      bootstrap: { configRef: { apiGroup: 'bootstrap.cluster.x-k8s.io', kind: 'KubeadmConfig', name } },
    },
    status: {
      phase: 'Running',
      ...(nodeName ? { nodeRef: { name: nodeName } } : {}),
      conditions: [{ type: 'Ready', status: 'True', reason: 'Ready', lastTransitionTime: '2026-12-01T10:00:00Z' }],
    },
  };
}

/**
 * The MachineDeployment lib/core renders for a worker group, as the API server would store it: with
 * `spec.replicas` set (the webhook defaults an autoscaled group's replicas; here the autoscaler chose it).
 */
function machineDeployment(group: string, scaling: WorkerScaling, replicas: number) {
  const cluster = { name: CLUSTER, namespace: NS, kubernetesVersion: 'v1.31.4', apiVersion: 'v1beta2' } as const;
  const machineTemplate = new CustomMachineTemplate({ kind: 'DockerMachineTemplate', version: 'v1beta2', spec: { customImage: 'kindest/node:v1.31.4' } });
  const md = renderWorkerGroup({ cluster: cluster as never, name: group, scaling, machineTemplate }).manifests.find((m) => m.kind === 'MachineDeployment') as any;
  return { ...md, spec: { ...md.spec, replicas }, status: { replicas, readyReplicas: replicas } };
}

function machineSet(name: string, deployment: string, replicas: number) {
  return {
    apiVersion: CAPI, kind: 'MachineSet',
    metadata: { name, namespace: NS, labels: { [LABEL_CLUSTER_NAME]: CLUSTER, [LABEL_DEPLOYMENT_NAME]: deployment }, ownerReferences: [{ apiVersion: CAPI, kind: 'MachineDeployment', name: deployment, uid: `uid-${deployment}`, controller: true }] },
    spec: { clusterName: CLUSTER, replicas },
    status: { replicas, readyReplicas: replicas },
  };
}

export function workerMachine(deployment: string, set: string, name: string, nodeName: string) {
  return machine(name, nodeName, { [LABEL_DEPLOYMENT_NAME]: deployment, [LABEL_SET_NAME]: set }, { apiVersion: CAPI, kind: 'MachineSet', name: set });
}

export function controlPlaneMachine(i: number) {
  return machine(`prod-control-plane-${i}`, `cp-${i}`, { [LABEL_CONTROL_PLANE]: '', [LABEL_CONTROL_PLANE_NAME]: 'prod-control-plane' }, { apiVersion: KCP_API, kind: 'KubeadmControlPlane', name: 'prod-control-plane' });
}

export function pod(name: string, nodeName: string, opts: { owner?: string; emptyDir?: boolean; mirror?: boolean; labels?: Record<string, string>; namespace?: string; phase?: string } = {}) {
  return {
    apiVersion: 'v1', kind: 'Pod',
    metadata: {
      name, namespace: opts.namespace ?? 'default', labels: opts.labels ?? {},
      ...(opts.owner ? { ownerReferences: [{ apiVersion: 'apps/v1', kind: opts.owner, name: `${name}-owner`, uid: `uid-${name}-owner`, controller: true }] } : {}),
      ...(opts.mirror ? { annotations: { 'kubernetes.io/config.mirror': 'abc123' } } : {}),
    },
    spec: {
      nodeName,
      containers: [{ name: 'c', image: 'registry.k8s.io/pause:3.10' }],
      ...(opts.emptyDir ? { volumes: [{ name: 'scratch', emptyDir: {} }] } : {}),
    },
    status: { phase: opts.phase ?? 'Running', conditions: [{ type: 'Ready', status: 'True' }] },
  };
}

/** Management objects of tenants/prod. */
export function managementObjects(workloadKubeconfig: string): any[] {
  return [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } },
    { apiVersion: 'v1', kind: 'Secret', metadata: { name: `${CLUSTER}-kubeconfig`, namespace: NS, labels: { [LABEL_CLUSTER_NAME]: CLUSTER } }, type: 'cluster.x-k8s.io/secret', data: { value: Buffer.from(workloadKubeconfig).toString('base64') } },
    { apiVersion: KCP_API, kind: 'KubeadmControlPlane', metadata: { name: 'prod-control-plane', namespace: NS, labels: { [LABEL_CLUSTER_NAME]: CLUSTER } }, spec: { replicas: 3, version: 'v1.31.4' }, status: { replicas: 3, readyReplicas: 3 } },
    controlPlaneMachine(1), controlPlaneMachine(2), controlPlaneMachine(3),
    machineDeployment('workers', { replicas: 2 }, 2),
    machineSet('prod-workers-abc', 'prod-workers', 2),
    workerMachine('prod-workers', 'prod-workers-abc', 'prod-workers-abc-1', 'w-1'),
    workerMachine('prod-workers', 'prod-workers-abc', 'prod-workers-abc-2', 'w-2'),
    machineDeployment('auto', { min: 1, max: 5 }, 2),
    machineSet('prod-auto-xyz', 'prod-auto', 2),
    workerMachine('prod-auto', 'prod-auto-xyz', 'prod-auto-xyz-1', 'a-1'),
    workerMachine('prod-auto', 'prod-auto-xyz', 'prod-auto-xyz-2', 'a-2'),
    machine('prod-standalone', 's-1', {}),
    ...['prod-control-plane-1', 'prod-workers-abc-1', 'prod-auto-xyz-2'].map((name) => ({
      apiVersion: INFRA_API, kind: 'DockerMachine', metadata: { name, namespace: NS },
      status: { initialization: { provisioned: true }, conditions: [{ type: 'Ready', status: 'True', reason: 'Ready' }] },
    })),
  ];
}

export function workloadObjects(): any[] {
  return [
    node('cp-1', { controlPlane: true }), node('cp-2', { controlPlane: true }), node('cp-3', { controlPlane: true }),
    node('w-1'), node('w-2'), node('a-1'), node('a-2'), node('s-1'), node('orphan'),
  ];
}

export async function startClusters(): Promise<Clusters> {
  const workload = await startKubeFake({ name: 'workload', objects: workloadObjects() });
  const management = await startKubeFake({ name: 'management', objects: managementObjects(workload.kubeconfigYaml()) });
  const kubeConfig = management.kubeConfig();
  return {
    management, workload, kubeConfig,
    ops: (options) => new NodeOperations(kubeConfig, { name: CLUSTER, namespace: NS }, options),
    close: async () => { await Promise.all([management.close(), workload.close()]); },
  };
}

/** Write requests of both fakes, as `METHOD path` lines: what a test compares. */
export function writeLines(c: Clusters): string[] {
  return [
    ...c.management.writes().map((r) => `management ${r.method} ${r.path}`),
    ...c.workload.writes().map((r) => `workload ${r.method} ${r.path}`),
  ];
}

export function resetLogs(c: Clusters): void {
  c.management.reset();
  c.workload.reset();
}
