/**
 * The cluster-autoscaler component (docs/day-2.md): installed on the management cluster once per cluster
 * when a worker group is autoscaled, its image matched to the Kubernetes minor, RBAC limited to the
 * Cluster's namespace; the chart in ../shared/charts renders with the library's values.
 */
import { Chart, Testing } from 'cdk8s';
import * as fs from 'fs';
import { parse } from 'yaml';
import {
  CLUSTER_AUTOSCALER_CHART_VERSION, CLUSTER_AUTOSCALER_IMAGE_TAGS, ClusterProps, existingInfrastructureCluster, renderFleet, VSphereMachineTemplate,
} from '../../lib/core';
import { Cluster, WorkerGroup } from '../../lib/cdk8s';
import { validateManifest } from '../support/crd-schemas';
import { helmTemplate, sharedChart } from '../support/helm';
import { validationError } from '../support/validation-error';

const CHART_DIR = 'cluster-autoscaler-9.59.0';
const template = () => new VSphereMachineTemplate({ template: 'ubuntu-2404-golden', networkName: 'n', numCPUs: 4, memoryMiB: 8192 });
const clusterProps = (extra: Partial<ClusterProps> = {}): ClusterProps => ({
  name: 'prod', namespace: 'tenants', kubernetesVersion: 'v1.33.2', cni: 'calico', cloudController: false,
  infrastructure: existingInfrastructureCluster({ kind: 'VSphereCluster', version: 'v1beta2', name: 'prod' }), ...extra,
});

function chartWith(groups: { name: string; scaling: any }[], extra: Partial<ClusterProps> = {}) {
  const chart = new Chart(Testing.app(), 'ca');
  const cluster = new Cluster(chart, 'cluster', clusterProps(extra));
  for (const g of groups) new WorkerGroup(chart, g.name, { cluster, name: g.name, machineTemplate: template(), scaling: g.scaling });
  return Testing.synth(chart) as any[];
}
function groupWarnings(extra: Partial<ClusterProps>) {
  const chart = new Chart(Testing.app(), 'ca');
  const cluster = new Cluster(chart, 'cluster', clusterProps({ cloudController: false, ...extra }));
  const g = new WorkerGroup(chart, 'w', { cluster, name: 'w', machineTemplate: template(), scaling: { min: 1, max: 3 } });
  return { warnings: g.warnings, objs: Testing.synth(chart) as any[] };
}
const autoscalerReleases = (objs: any[]) => objs.filter((o) => o.kind === 'HelmRelease' && o.spec.chart.spec.chart === 'cluster-autoscaler');

test('installed once, on the management cluster, when a group is autoscaled', () => {
  const objs = chartWith([{ name: 'a', scaling: { min: 1, max: 3 } }, { name: 'b', scaling: { min: 0, max: 2 } }, { name: 'c', scaling: { replicas: 2 } }]);
  const [hr, ...more] = autoscalerReleases(objs);
  expect(more).toEqual([]);
  expect(hr.metadata).toMatchObject({ name: 'prod-autoscaler', namespace: 'tenants' });
  // no kubeConfig: Flux installs it into the management cluster, in the Cluster's namespace
  expect(hr.spec.kubeConfig).toBeUndefined();
  expect(hr.spec.targetNamespace).toBe('tenants');
  expect(hr.spec.chart.spec).toEqual({ chart: 'cluster-autoscaler', version: CLUSTER_AUTOSCALER_CHART_VERSION, sourceRef: { kind: 'HelmRepository', name: 'prod-kubernetes-autoscaler' } });
  expect(hr.spec.values).toMatchObject({
    cloudProvider: 'clusterapi', clusterAPIMode: 'kubeconfig-incluster', clusterAPIKubeconfigSecret: 'prod-kubeconfig',
    autoDiscovery: { clusterName: 'prod', namespace: 'tenants' }, rbac: { clusterScoped: false }, image: { tag: 'v1.33.6' },
  });
  expect(objs.filter((o) => o.kind === 'HelmRepository' && o.metadata.name === 'prod-kubernetes-autoscaler')).toHaveLength(1);
  for (const o of objs.filter((x) => x.kind.startsWith('Helm'))) expect(validateManifest(o)).toEqual([]);
});

test('not installed without an autoscaled group, nor when switched off', () => {
  expect(autoscalerReleases(chartWith([{ name: 'a', scaling: { replicas: 2 } }]))).toEqual([]);
  expect(autoscalerReleases(chartWith([{ name: 'a', scaling: { min: 1, max: 3 } }], { clusterAutoscaler: false }))).toEqual([]);
  expect(validationError(() => chartWith([], { clusterAutoscaler: 'yes' as never })).issues.map((i) => i.path)).toEqual(['clusterAutoscaler']);
});

test('the image follows the Kubernetes minor; a minor without a release installs none, and the autoscaled group warns', () => {
  for (const [minor, tag] of Object.entries(CLUSTER_AUTOSCALER_IMAGE_TAGS)) {
    const [hr] = autoscalerReleases(chartWith([{ name: 'a', scaling: { min: 1, max: 3 } }], { kubernetesVersion: `v1.${minor}.1` }));
    expect(hr.spec.values.image.tag).toBe(tag);
    expect(tag.startsWith(`v1.${minor}.`)).toBe(true);
  }
  const old = groupWarnings({ kubernetesVersion: 'v1.29.4' });
  expect(autoscalerReleases(old.objs)).toEqual([]);
  expect(old.warnings.map((w) => w.path)).toEqual(['scaling']);
  expect(old.warnings[0].message).toMatch(/Kubernetes v1\.29\.4 has no cluster-autoscaler release .*1\.31, 1\.32.*none is installed/);
  // switched off, the group does not warn: the user runs their own autoscaler
  expect(groupWarnings({ kubernetesVersion: 'v1.29.4', clusterAutoscaler: false }).warnings).toEqual([]);
});

test('a cluster name too long for a Helm release installs none, and the group warns', () => {
  const long = groupWarnings({ name: 'a'.repeat(45) });
  expect(autoscalerReleases(long.objs)).toEqual([]);
  expect(long.warnings.find((w) => w.path === 'scaling')?.message).toMatch(/more than Helm's 53/);
});

test('the fleet render adds it once per cluster', () => {
  const fleet = renderFleet([{
    cluster: clusterProps(), controlPlane: { replicas: 1, machineTemplate: template() },
    workers: [{ name: 'a', machineTemplate: template(), scaling: { min: 1, max: 2 } }, { name: 'b', machineTemplate: template(), scaling: { min: 1, max: 2 } }],
  }]);
  const docs = [...fleet.files.values()].flatMap((content) => content.split(/^---$/m).map((d) => parse(d)).filter(Boolean));
  expect(autoscalerReleases(docs)).toHaveLength(1);
});

test('the chart renders with the library values: namespaced RBAC only, no Service, the workload kubeconfig mounted', () => {
  const [hr] = autoscalerReleases(chartWith([{ name: 'a', scaling: { min: 1, max: 3 } }]));
  const objs = helmTemplate(sharedChart(CHART_DIR), hr.spec.values, { namespace: 'tenants', releaseName: hr.spec.releaseName, kubeVersion: '1.33.2' });
  const kinds = objs.map((o) => o.kind).sort();
  expect(kinds).toEqual(['Deployment', 'PodDisruptionBudget', 'Role', 'RoleBinding', 'ServiceAccount'].sort());
  expect(kinds).not.toContain('ClusterRole');
  const role = objs.find((o) => o.kind === 'Role') as any;
  expect(role.metadata.namespace).toBe('tenants');
  expect(role.rules.some((r: any) => r.apiGroups.includes('cluster.x-k8s.io') && r.resources.includes('machinedeployments/scale'))).toBe(true);
  const dep = objs.find((o) => o.kind === 'Deployment') as any;
  const c = dep.spec.template.spec.containers[0];
  expect(c.image).toBe('registry.k8s.io/autoscaling/cluster-autoscaler:v1.33.6');
  expect(c.command ?? c.args).toEqual(expect.arrayContaining([
    '--cloud-provider=clusterapi', '--node-group-auto-discovery=clusterapi:clusterName=prod,namespace=tenants',
    '--kubeconfig=/etc/kubernetes/value', '--clusterapi-cloud-config-authoritative',
  ]));
  expect(dep.spec.template.spec.volumes).toEqual(expect.arrayContaining([expect.objectContaining({ secret: expect.objectContaining({ secretName: 'prod-kubeconfig' }) })]));
  // the chart's appVersion is the newest minor the table pins
  const appVersion = /appVersion: (\S+)/.exec(fs.readFileSync(`${sharedChart(CHART_DIR)}/Chart.yaml`, 'utf8'))![1];
  expect(Object.values(CLUSTER_AUTOSCALER_IMAGE_TAGS).some((t) => t.startsWith(`v${appVersion.split('.').slice(0, 2).join('.')}.`))).toBe(true);
});
