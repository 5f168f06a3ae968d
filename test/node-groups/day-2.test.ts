/**
 * Day 2 of a worker group: its own Kubernetes version (kubelet skew rule, image check), spreading over
 * failure domains, capacity annotations for scaling from zero.
 */
import {
  Cluster, CustomMachineTemplate, HealthCheck, OpenStackMachineTemplate, splitEvenly, VSphereMachineTemplate, WorkerGroup, WorkerGroupProps,
} from '../../lib';
import { dockerTemplate, newChart, objectsOf, validationError } from './fixtures';
import { TEST_INFRA } from '../support/infrastructure';

function setup(kubernetesVersion = 'v1.33.2') {
  const chart = newChart();
  const cluster = new Cluster(chart, 'c', { infrastructure: TEST_INFRA, cni: 'calico', name: 'prod', namespace: 'tenants', kubernetesVersion });
  return { chart, cluster };
}
const sized = (template = 'ubuntu-2404-kube-v1.33.2') => new VSphereMachineTemplate({ template, networkName: 'n', numCPUs: 8, memoryMiB: 16384, diskGiB: 100 });
const group = (props: Partial<WorkerGroupProps>, kubernetesVersion?: string) => {
  const { chart, cluster } = setup(kubernetesVersion);
  const g = new WorkerGroup(chart, 'w', { cluster, name: 'workers', machineTemplate: dockerTemplate('kindest/node'), ...props });
  return { chart, g };
};
const issues = (fn: () => unknown) => validationError(fn).issues;

describe('kubernetesVersion', () => {
  test('defaults to the cluster version; a group may lag by up to three minors, with the preflight warning', () => {
    expect(objectsOf(group({}).chart, 'MachineDeployment')[0].spec.template.spec.version).toBe('v1.33.2');
    const { chart, g } = group({ kubernetesVersion: '1.30.9' });
    expect(objectsOf(chart, 'MachineDeployment')[0].spec.template.spec.version).toBe('v1.30.9');
    expect(g.warnings.find((w) => w.path === 'kubernetesVersion')?.message).toMatch(/3 minor\(s\) behind the control plane's v1\.33\.2.*KubeadmVersionSkew/);
    expect(group({ kubernetesVersion: 'v1.33.0' }).g.warnings).toEqual([]);
  });

  test.each([
    ['v1.34.0', /v1\.34\.0 is newer than the control plane's v1\.33\.2: a kubelet may be up to 3 minors older than the API server and never newer/],
    ['v1.33.3', /v1\.33\.3 is newer than the control plane's v1\.33\.2/],
    ['v1.29.9', /v1\.29\.9 is more than 3 minors older than the control plane's v1\.33\.2: a kubelet may be up to 3 minors older/],
    ['v2.33.0', /newer/],
    ['1.33', /not a strict semantic version/],
    [133, /got 133|must be a string/],
  ])('%p is rejected naming both versions and the rule', (v, message) => {
    const found = issues(() => group({ kubernetesVersion: v as string }));
    expect(found.map((i) => i.path)).toEqual(['kubernetesVersion']);
    expect(found[0].message).toMatch(message);
  });

  test("the image must carry the group's version where its name shows one", () => {
    const { chart } = group({ kubernetesVersion: 'v1.32.5', machineTemplate: sized('ubuntu-2404-kube-v1.32.5') });
    expect(objectsOf(chart, 'MachineDeployment')[0].spec.template.spec.version).toBe('v1.32.5');
    const found = issues(() => group({ kubernetesVersion: 'v1.32.5', machineTemplate: sized('ubuntu-2404-kube-v1.33.2') }));
    expect(found.map((i) => i.path)).toEqual(['machineTemplate']);
    expect(found[0].message).toMatch(/"ubuntu-2404-kube-v1\.33\.2" carries Kubernetes v1\.33\.2, but the group runs v1\.32\.5/);
    // without kubernetesVersion, the cluster's version is the one the image must carry
    expect(issues(() => group({ machineTemplate: sized('ubuntu-2404-kube-v1.32.5') }))[0].message).toMatch(/runs v1\.33\.2 \(the cluster's kubernetesVersion\)/);
    // an image name without a version, or a template with no image name, is not checked
    expect(() => group({ machineTemplate: sized('ubuntu-2404-golden') })).not.toThrow();
    expect(() => group({ machineTemplate: new CustomMachineTemplate({ kind: 'DockerMachineTemplate', version: 'v1beta2', spec: { customImage: 'kube-v1.20.0' } }) })).not.toThrow();
  });
});

describe('failureDomains', () => {
  test('one MachineDeployment per domain, replicas split with the remainder first, one health check each', () => {
    const { chart } = group({ failureDomains: ['az-1', 'az-2', 'az-3'], scaling: { replicas: 7 }, healthCheck: HealthCheck.workers() });
    const mds = objectsOf(chart, 'MachineDeployment');
    expect(mds.map((m) => [m.metadata.name, m.spec.replicas, m.spec.template.spec.failureDomain])).toEqual([
      ['prod-workers-az-1', 3, 'az-1'], ['prod-workers-az-2', 2, 'az-2'], ['prod-workers-az-3', 2, 'az-3'],
    ]);
    // all use the same templates
    expect(new Set(mds.map((m) => m.spec.template.spec.infrastructureRef.name)).size).toBe(1);
    expect(new Set(mds.map((m) => m.spec.template.spec.bootstrap.configRef.name)).size).toBe(1);
    expect(objectsOf(chart, 'VSphereMachineTemplate').length + objectsOf(chart, 'DockerMachineTemplate').length).toBe(1);
    const mhcs = objectsOf(chart, 'MachineHealthCheck');
    expect(mhcs.map((m) => [m.metadata.name, m.spec.selector.matchLabels['cluster.x-k8s.io/deployment-name']])).toEqual([
      ['prod-workers-az-1-healthcheck', 'prod-workers-az-1'], ['prod-workers-az-2-healthcheck', 'prod-workers-az-2'], ['prod-workers-az-3-healthcheck', 'prod-workers-az-3'],
    ]);
  });

  test('autoscaling min and max are split the same way', () => {
    const { chart } = group({ failureDomains: ['a', 'b'], scaling: { min: 3, max: 9 }, machineTemplate: sized() });
    expect(objectsOf(chart, 'MachineDeployment').map((m) => [
      m.metadata.annotations['cluster.x-k8s.io/cluster-api-autoscaler-node-group-min-size'],
      m.metadata.annotations['cluster.x-k8s.io/cluster-api-autoscaler-node-group-max-size'],
    ])).toEqual([['2', '5'], ['1', '4']]);
  });

  test('splitEvenly keeps the total and differs by at most one', () => {
    for (let n = 0; n < 20; n++) {
      for (let k = 1; k < 6; k++) {
        const parts = splitEvenly(n, k);
        expect(parts.reduce((a, b) => a + b, 0)).toBe(n);
        expect(Math.max(...parts) - Math.min(...parts)).toBeLessThanOrEqual(1);
      }
    }
  });

  test.each([
    [{ failureDomains: [] }, ['failureDomains']],
    [{ failureDomains: ['AZ 1'] }, ['failureDomains[0]']],
    [{ failureDomains: ['a', 'a'] }, ['failureDomains[1]']],
    [{ failureDomains: ['a'], failureDomain: 'a' }, ['failureDomains']],
    [{ failureDomains: ['a', 'b', 'c'], scaling: { min: 1, max: 2 }, machineTemplate: sized() }, ['scaling.max']],
    [{ failureDomains: ['x'.repeat(60)] }, ['failureDomains']],
  ])('%p is rejected at %p', (props, expected) => {
    expect(issues(() => group(props as Partial<WorkerGroupProps>)).map((i) => i.path)).toEqual(expected);
  });

  test('fewer replicas than domains warns', () => {
    expect(group({ failureDomains: ['a', 'b', 'c'], scaling: { replicas: 2 } }).g.warnings.map((w) => w.path)).toEqual(['scaling.replicas']);
  });
});

describe('scaling from zero', () => {
  const annotations = (chart: ReturnType<typeof newChart>) => objectsOf(chart, 'MachineDeployment')[0].metadata.annotations;

  test('sizes come from the machine template; labels and taints from the group', () => {
    const { chart } = group({
      scaling: { min: 0, max: 4 }, machineTemplate: sized(), roles: ['gpu'], machineLabels: { 'node.cluster.x-k8s.io/pool': 'a', team: 'x' },
      kubeadm: { taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }] },
    });
    expect(annotations(chart)).toEqual({
      'cluster.x-k8s.io/cluster-api-autoscaler-node-group-min-size': '0',
      'cluster.x-k8s.io/cluster-api-autoscaler-node-group-max-size': '4',
      'capacity.cluster-autoscaler.kubernetes.io/cpu': '8',
      'capacity.cluster-autoscaler.kubernetes.io/memory': '16384Mi',
      'capacity.cluster-autoscaler.kubernetes.io/ephemeral-disk': '100Gi',
      'capacity.cluster-autoscaler.kubernetes.io/labels': 'node-role.kubernetes.io/gpu=,node.cluster.x-k8s.io/pool=a',
      'capacity.cluster-autoscaler.kubernetes.io/taints': 'dedicated=gpu:NoSchedule',
    });
  });

  test('OpenStack flavors: min 0 needs scaling.capacity; with it, every capacity annotation', () => {
    const os = new OpenStackMachineTemplate({ flavor: 'g1.xlarge', image: 'ubuntu-2404-kube-v1.33.2', cloudName: 'c', secretName: 's' });
    const found = issues(() => group({ scaling: { min: 0, max: 3 }, machineTemplate: os }));
    expect(found.map((i) => i.path)).toEqual(['scaling.min']);
    expect(found[0].message).toMatch(/cpu and memoryMiB are unknown: the OpenStackMachineTemplate does not set them/);
    const { chart } = group({
      scaling: { min: 0, max: 3, capacity: { cpu: 16, memoryMiB: 65536, ephemeralDiskGiB: 200, maxPods: 200, gpuType: 'nvidia.com/gpu', gpuCount: 2 } },
      machineTemplate: os,
    });
    expect(annotations(chart)).toMatchObject({
      'capacity.cluster-autoscaler.kubernetes.io/cpu': '16',
      'capacity.cluster-autoscaler.kubernetes.io/memory': '65536Mi',
      'capacity.cluster-autoscaler.kubernetes.io/ephemeral-disk': '200Gi',
      'capacity.cluster-autoscaler.kubernetes.io/maxPods': '200',
      'capacity.cluster-autoscaler.kubernetes.io/gpu-type': 'nvidia.com/gpu',
      'capacity.cluster-autoscaler.kubernetes.io/gpu-count': '2',
    });
  });

  test('a min split to 0 over failure domains needs the capacity too', () => {
    expect(issues(() => group({ scaling: { min: 1, max: 4 }, failureDomains: ['a', 'b'] }))[0].message).toMatch(/1 over 2 failure domains leaves a MachineDeployment at 0/);
  });

  test.each([
    [{ min: 0, max: 3, capacity: { cpu: 0, memoryMiB: 1 } }, ['scaling.capacity.cpu']],
    [{ min: 0, max: 3, capacity: { cpu: 2, memoryMiB: 1, gpuCount: 1 } }, ['scaling.capacity.gpuType']],
    [{ min: 0, max: 3, capacity: { cpu: 2, memoryMiB: 1, gpuType: 'no gpu', gpuCount: 1 } }, ['scaling.capacity.gpuType']],
    [{ min: 0, max: 3, capacity: { cpu: 2, memory: 1 } }, ['scaling.capacity.memory']],
    [{ replicas: 2, capacity: { cpu: 2 } }, ['scaling.capacity']],
  ])('%p is rejected at %p', (scaling, expected) => {
    expect(issues(() => group({ scaling: scaling as any })).map((i) => i.path)).toEqual(expected);
  });
});
