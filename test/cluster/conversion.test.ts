/**
 * Conversion through the real Cluster API conversion webhooks: the library's v1beta1 output, stored
 * by the real API server (storage version v1beta2) and read back as v1beta2, equals field by field the
 * library's v1beta2 output for the same props, stored and read back the same way.
 */
import { Chart, Testing } from 'cdk8s';
import { Cluster, ControlPlaneGroup, CustomMachineTemplate, HealthCheck, WorkerGroup } from '../../lib';
import { TEST_INFRA } from '../support/infrastructure';
import { apply, deleteNamespaces, freshNamespace, kubectlOk } from '../support/real-cluster';

type Capi = 'v1beta1' | 'v1beta2';

/** The props of one cluster with everything that changes shape between v1beta1 and v1beta2. */
function render(capi: Capi, namespace: string, variant: 'manual' | 'autoscaled'): any[] {
  const chart = new Chart(Testing.app(), 'conv');
  const template = () => new CustomMachineTemplate({ kind: 'DockerMachineTemplate', version: 'v1beta2', spec: { customImage: 'kindest/node:v1.31.4' } });
  const cluster = new Cluster(chart, 'c', { name: 'conv', namespace, kubernetesVersion: 'v1.31.4', infrastructure: TEST_INFRA, cni: 'calico', apiVersion: capi });
  new ControlPlaneGroup(chart, 'cp', {
    cluster, machineTemplate: template(), replicas: 3, rollout: { maxSurge: 0 },
    healthCheck: HealthCheck.controlPlane({ nodeStartupTimeout: '15m', maxUnhealthy: '40%' }),
  });
  new WorkerGroup(chart, 'md', {
    cluster, name: 'md', machineTemplate: template(), roles: ['worker'], deletionOrder: 'Oldest',
    machineLabels: { 'node.cluster.x-k8s.io/pool': 'a' },
    ...(variant === 'manual'
      ? { scaling: { replicas: 4 }, strategy: { type: 'RollingUpdate', maxSurge: '25%', maxUnavailable: 1 } }
      : { scaling: { min: 1, max: 5 }, strategy: { type: 'OnDelete' } }),
    healthCheck: HealthCheck.workers({ unhealthyRange: '[1-3]', unhealthyConditions: [{ type: 'Ready', status: 'Unknown', timeout: 300 }] }),
  } as any);
  return chart.toJson();
}

const CAPI_KINDS: Record<string, [resource: string, group: string]> = {
  Cluster: ['clusters', 'cluster.x-k8s.io'],
  MachineDeployment: ['machinedeployments', 'cluster.x-k8s.io'],
  MachineHealthCheck: ['machinehealthchecks', 'cluster.x-k8s.io'],
  KubeadmControlPlane: ['kubeadmcontrolplanes', 'controlplane.cluster.x-k8s.io'],
  KubeadmConfigTemplate: ['kubeadmconfigtemplates', 'bootstrap.cluster.x-k8s.io'],
};

/** An object as stored, read as v1beta2, without what the server owns; namespace names made neutral. */
function readV1beta2(o: any): any {
  const [resource, group] = CAPI_KINDS[o.kind];
  const got = JSON.parse(kubectlOk(['get', `${resource}.v1beta2.${group}`, o.metadata.name, '-n', o.metadata.namespace, '-o', 'json']));
  const annotations = { ...(got.metadata.annotations ?? {}) };
  delete annotations['cluster.x-k8s.io/conversion-data'];
  delete annotations['machinedeployment.clusters.x-k8s.io/revision']; // written by the MachineDeployment controller
  return JSON.parse(JSON.stringify({
    apiVersion: got.apiVersion, kind: got.kind,
    metadata: { name: got.metadata.name, labels: got.metadata.labels ?? {}, annotations },
    spec: got.spec,
  }).split(o.metadata.namespace).join('NS'));
}

const namespaces: string[] = [];
afterAll(() => deleteNamespaces(namespaces));

describe.each(['manual', 'autoscaled'] as const)('v1beta1 output converted by the real webhooks equals v1beta2 output (%s workers)', (variant) => {
  it('field by field, for every Cluster API object', () => {
    const ns1 = freshNamespace('conv-v1');
    const ns2 = freshNamespace('conv-v2');
    namespaces.push(ns1, ns2);
    const v1 = render('v1beta1', ns1, variant);
    const v2 = render('v1beta2', ns2, variant);
    expect(v1.filter((o) => CAPI_KINDS[o.kind]).every((o) => o.apiVersion.endsWith('/v1beta1'))).toBe(true);
    for (const [objs] of [[v1], [v2]]) {
      const r = apply(objs);
      expect(r.stderr.split('\n').filter((l) => /error|invalid|denied|forbidden/i.test(l))).toEqual([]);
      expect(r.status).toBe(0);
    }
    const pick = (objs: any[]) => objs.filter((o) => CAPI_KINDS[o.kind]).sort((a, b) => `${a.kind}/${a.metadata.name}`.localeCompare(`${b.kind}/${b.metadata.name}`));
    const from1 = pick(v1).map(readV1beta2);
    const from2 = pick(v2).map(readV1beta2);
    expect(from1.map((o) => o.kind)).toEqual(['Cluster', 'KubeadmConfigTemplate', 'KubeadmControlPlane', 'MachineDeployment', 'MachineHealthCheck', 'MachineHealthCheck']);
    // The workers' KubeadmConfigTemplate is named `<group>-<hash of the rendered spec>`, and the rendered
    // spec differs between the versions, so its name does (docs/node-management.md: a change of
    // `apiVersion` rolls the worker Machines once). Everything else is equal.
    const kct = (objs: any[]) => objs.find((o) => o.kind === 'KubeadmConfigTemplate').metadata.name as string;
    expect(kct(from1)).not.toBe(kct(from2));
    const unhash = (objs: any[]) => JSON.parse(JSON.stringify(objs).split(kct(objs)).join('conv-md-<hash>'));
    expect(unhash(from1)).toEqual(unhash(from2));
    // and the library's own v1beta2 output is what the server stored (defaults may only add)
    pick(v2).forEach((o, i) => expect(from2[i].spec).toMatchObject(JSON.parse(JSON.stringify(o.spec).split(ns2).join('NS'))));
  });
});
