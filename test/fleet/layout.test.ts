/**
 * The fleet API's file layout under App.synth (what `cdk8s synth` writes): one `<cluster>.k8s.yaml`
 * per ClusterChart, holding that cluster's objects only, and nothing added to the app on bad input.
 */
import { App, Testing } from 'cdk8s';
import { addFleet, ClusterAddon, ClusterChart, ClusterSpec, FleetChart, WorkerGroup } from '../../lib';
import { featureFleet, synthApp } from './fixtures';

test('one file per cluster, named after the cluster, holding only its objects', () => {
  const files = synthApp((app) => { addFleet(app, featureFleet()); });
  expect(Object.keys(files)).toEqual(['alpha.k8s.yaml', 'beta.k8s.yaml']);
  for (const [file, content] of Object.entries(files)) {
    const cluster = file.replace('.k8s.yaml', '');
    const docs = content.split('---\n');
    expect(docs.length).toBeGreaterThan(5);
    for (const d of docs) expect(d).toMatch(new RegExp(`name: ${cluster}(-|\\n|$)`));
  }
});

test('ClusterChart exposes the cluster and its parts; constructs can be added to it', () => {
  const app = Testing.app();
  const [spec] = featureFleet();
  const chart = new ClusterChart(app, { spec });
  expect(chart).toBeInstanceOf(FleetChart);
  expect(chart.node.id).toBe('alpha');
  expect(chart.cluster).toMatchObject({ name: 'alpha', namespace: 'tenants', kubernetesVersion: 'v1.31.4', apiVersion: 'v1beta2' });
  expect([...chart.parts.keys()]).toEqual(['cluster', 'cluster-autoscaler', 'control-plane', 'workers-general', 'workers-batch', 'workers-ingress', 'metrics']);
  expect(chart.parts.get('workers-batch')!.map((o) => o.kind)).toEqual(['DockerMachineTemplate', 'KubeadmConfigTemplate', 'MachineDeployment', 'MachineHealthCheck']);
  new WorkerGroup(chart, 'extra', { cluster: chart.cluster, name: 'extra', machineTemplate: spec.controlPlane.machineTemplate });
  const names = chart.toJson().map((o: any) => o.metadata.name);
  expect(names).toContain('alpha-extra');
  expect(names.indexOf('alpha-extra')).toBe(names.length - 1);
});

test('addFleet adds nothing when any spec is invalid', () => {
  const app = new App({ outdir: '/nonexistent' });
  const [a, b] = featureFleet();
  const bad: ClusterSpec = { ...b, workers: [{ ...b.workers![0], name: 'Bad_Name' }] };
  expect(() => addFleet(app, [a, bad])).toThrow(expect.objectContaining({ name: 'ValidationError' }));
  expect(app.node.children).toHaveLength(0);
  expect(() => addFleet(app, [a, a])).toThrow(/already used by clusters\[0\]/);
  expect(app.node.children).toHaveLength(0);
});

test('ClusterChart with invalid or missing props throws ValidationError, not TypeError', () => {
  const app = Testing.app();
  for (const props of [undefined, {}, { spec: null }, { spec: { cluster: { name: 'x' } } }]) {
    expect(() => new ClusterChart(app, props as any)).toThrow(expect.objectContaining({ name: 'ValidationError', statusCode: 400 }));
  }
  expect(app.node.children).toHaveLength(0);
});

test('object construct ids repeat from cluster to cluster (the names are in the manifests) and stay unique in their scope', () => {
  const app = Testing.app();
  const [a, b] = featureFleet();
  const [ca, cb] = [new ClusterChart(app, { spec: a }), new ClusterChart(app, { spec: b })];
  const ids = (c: ClusterChart, part: string) => c.parts.get(part)!.map((o) => o.node.id);
  expect(ids(ca, 'workers-batch')).toEqual(['workers-batch-DockerMachineTemplate', 'workers-batch-KubeadmConfigTemplate', 'workers-batch-MachineDeployment', 'workers-batch-MachineHealthCheck']);
  expect(ids(cb, 'control-plane')).toEqual(ids(ca, 'control-plane'));
  expect(ids(ca, 'control-plane')).toEqual(['control-plane-DockerMachineTemplate', 'control-plane-KubeadmControlPlane', 'control-plane-MachineHealthCheck']);
  const group = new WorkerGroup(ca, 'extra', { cluster: ca.cluster, name: 'extra', machineTemplate: a.controlPlane.machineTemplate });
  expect(group.apiObjects.map((o) => o.node.id)).toEqual(['DockerMachineTemplate', 'KubeadmConfigTemplate', 'MachineDeployment']);
  // a kind emitted twice into one scope gets a numbered id
  const ray = new ClusterAddon(ca, 'ray', { cluster: ca.cluster, addon: 'kuberay' });
  expect(ray.apiObjects.filter((o) => o.kind === 'HelmRelease').map((o) => o.node.id)).toEqual(['HelmRelease', 'HelmRelease-2']);
});
