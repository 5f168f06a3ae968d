import {
  Cluster, ControlPlaneGroup, HealthCheck, ValidationError, WorkerGroup, setWarningHandler,
} from '../../lib';
import { dockerTemplate, newChart, objectsOf, validationError } from './fixtures';
import { TEST_INFRA } from '../support/infrastructure';

function setup(apiVersion: 'v1beta2' | 'v1beta1' = 'v1beta2') {
  const chart = newChart();
  const cluster = new Cluster(chart, 'c', { infrastructure: TEST_INFRA, cni: 'calico', name: 'prod', namespace: 'tenants', kubernetesVersion: 'v1.31.4', apiVersion });
  return { chart, cluster, machineTemplate: dockerTemplate() };
}

const paths = (e: { issues: readonly { path: string }[] }) => e.issues.map((i) => i.path);

describe('Cluster', () => {
  test('valid props emit a Cluster that references <name>-control-plane', () => {
    const { chart } = setup();
    const [c] = objectsOf(chart, 'Cluster');
    expect(c.spec.controlPlaneRef).toEqual({ apiGroup: 'controlplane.cluster.x-k8s.io', kind: 'KubeadmControlPlane', name: 'prod-control-plane' });
  });

  test('v1beta1 references carry apiVersion and namespace', () => {
    const { chart } = setup('v1beta1');
    const [c] = objectsOf(chart, 'Cluster');
    expect(c.spec.controlPlaneRef).toEqual({ apiVersion: 'controlplane.cluster.x-k8s.io/v1beta1', kind: 'KubeadmControlPlane', name: 'prod-control-plane', namespace: 'tenants' });
  });

  test('the Cluster carries cluster.x-k8s.io/cluster-name (add-on ClusterResourceSets select it); a conflicting value is rejected', () => {
    const chart = newChart();
    new Cluster(chart, 'c', { infrastructure: TEST_INFRA, cni: 'calico', name: 'a', kubernetesVersion: 'v1.31.4', labels: { team: 'x' } });
    expect(objectsOf(chart, 'Cluster')[0].metadata.labels).toEqual({ team: 'x', 'cluster.x-k8s.io/cluster-name': 'a' });
    const e = validationError(() => new Cluster(newChart(), 'c', { infrastructure: TEST_INFRA, cni: 'calico', name: 'a', kubernetesVersion: 'v1.31.4', labels: { 'cluster.x-k8s.io/cluster-name': 'b' } }));
    expect(paths(e)).toEqual(['labels.cluster.x-k8s.io/cluster-name']);
  });

  test('a missing leading v is added, as the webhook does', () => {
    const chart = newChart();
    expect(new Cluster(chart, 'c', { infrastructure: TEST_INFRA, cni: 'calico', name: 'a', kubernetesVersion: '1.30.2' }).kubernetesVersion).toBe('v1.30.2');
  });

  test('all problems of the props are reported together, with statusCode 400', () => {
    const chart = newChart();
    const e = validationError(() => new Cluster(chart, 'c', { infrastructure: TEST_INFRA, cni: 'calico',
      name: 'Prod_1', namespace: 'Bad NS', kubernetesVersion: 'v1.31', apiVersion: 'v1alpha4' as any,
      clusterNetwork: { pods: ['10.0.0.0/33'] },
    }));
    expect(e.statusCode).toBe(400);
    expect(paths(e).sort()).toEqual(['apiVersion', 'clusterNetwork.pods[0]', 'kubernetesVersion', 'name', 'namespace']);
    expect(e.message).toContain('"v1.31"');
    expect(e.message).toContain('"Prod_1"');
    expect(objectsOf(chart)).toHaveLength(0);
  });

  test('a name too long for the generated KubeadmControlPlane name says which name overflows', () => {
    const name = 'a'.repeat(50);
    const e = validationError(() => new Cluster(newChart(), 'c', { infrastructure: TEST_INFRA, cni: 'calico', name, kubernetesVersion: 'v1.31.4' }));
    expect(e.issues[0].path).toBe('name');
    expect(e.issues[0].message).toContain(`"${name}-control-plane" is 64 characters`);
    expect(() => new Cluster(newChart(), 'c', { infrastructure: TEST_INFRA, cni: 'calico', name: 'a'.repeat(49), kubernetesVersion: 'v1.31.4' })).not.toThrow();
  });

  test('null or non-object props raise ValidationError, not TypeError', () => {
    expect(() => new Cluster(newChart(), 'c', null as any)).toThrow(ValidationError);
    expect(() => new Cluster(newChart(), 'c', { name: 42, kubernetesVersion: {} } as any)).toThrow(ValidationError);
  });
});

describe('node failure detection', () => {
  test('grace period not above the update frequency is rejected', () => {
    const e = validationError(() => new Cluster(newChart(), 'c', { infrastructure: TEST_INFRA, cni: 'calico',
      name: 'a', kubernetesVersion: 'v1.31.4', nodeFailureDetection: { nodeStatusUpdateFrequency: '40s', nodeMonitorGracePeriod: '40s' },
    }));
    expect(e.issues).toEqual([expect.objectContaining({ path: 'nodeFailureDetection.nodeMonitorGracePeriod' })]);
    expect(e.issues[0].message).toMatch(/40s must be greater than nodeStatusUpdateFrequency \(40s\)/);
  });

  test('monitor period not below the grace period is rejected', () => {
    const e = validationError(() => new Cluster(newChart(), 'c', { infrastructure: TEST_INFRA, cni: 'calico',
      name: 'a', kubernetesVersion: 'v1.31.4', nodeFailureDetection: { nodeMonitorPeriod: '1m', nodeMonitorGracePeriod: '50s' },
    }));
    expect(paths(e)).toEqual(['nodeFailureDetection.nodeMonitorPeriod']);
  });

  test('a grace period of fewer than 4 updates warns', () => {
    const c = new Cluster(newChart(), 'c', { infrastructure: TEST_INFRA, cni: 'calico', name: 'a', kubernetesVersion: 'v1.31.4', nodeFailureDetection: { nodeStatusUpdateFrequency: '10s', nodeMonitorGracePeriod: '20s' } });
    expect(c.warnings.map((w) => w.path)).toEqual(['nodeFailureDetection.nodeMonitorGracePeriod']);
    const ok = new Cluster(newChart(), 'd', { infrastructure: TEST_INFRA, cni: 'calico', name: 'b', kubernetesVersion: 'v1.31.4', nodeFailureDetection: {} });
    expect(ok.warnings).toEqual([]);
  });

  test('flags land at the real v1beta2 and v1beta1 paths', () => {
    for (const apiVersion of ['v1beta2', 'v1beta1'] as const) {
      const chart = newChart();
      const cluster = new Cluster(chart, 'c', { infrastructure: TEST_INFRA, cni: 'calico', name: 'a', kubernetesVersion: 'v1.31.4', apiVersion, nodeFailureDetection: { nodeStatusUpdateFrequency: 5, nodeMonitorPeriod: '2s', nodeMonitorGracePeriod: '30s' } });
      new ControlPlaneGroup(chart, 'cp', { cluster, machineTemplate: dockerTemplate() });
      new WorkerGroup(chart, 'w', { cluster, name: 'w', machineTemplate: dockerTemplate() });
      const kcp = objectsOf(chart, 'KubeadmControlPlane')[0].spec.kubeadmConfigSpec;
      const kct = objectsOf(chart, 'KubeadmConfigTemplate')[0].spec.template.spec;
      if (apiVersion === 'v1beta2') {
        expect(kcp.clusterConfiguration.controllerManager.extraArgs).toEqual([{ name: 'node-monitor-grace-period', value: '30s' }, { name: 'node-monitor-period', value: '2s' }]);
        expect(kcp.initConfiguration.nodeRegistration.kubeletExtraArgs).toEqual([{ name: 'node-status-update-frequency', value: '5s' }]);
        expect(kct.joinConfiguration.nodeRegistration.kubeletExtraArgs).toEqual([{ name: 'node-status-update-frequency', value: '5s' }]);
      } else {
        expect(kcp.clusterConfiguration.controllerManager.extraArgs).toEqual({ 'node-monitor-grace-period': '30s', 'node-monitor-period': '2s' });
        expect(kcp.joinConfiguration.nodeRegistration.kubeletExtraArgs).toEqual({ 'node-status-update-frequency': '5s' });
        expect(kct.joinConfiguration.nodeRegistration.kubeletExtraArgs).toEqual({ 'node-status-update-frequency': '5s' });
      }
      expect(kcp.initConfiguration).toEqual(kcp.joinConfiguration);
    }
  });
});

describe('ControlPlaneGroup', () => {
  test('defaults: 3 replicas, maxSurge 1, name <cluster>-control-plane', () => {
    const { chart, cluster, machineTemplate } = setup();
    const g = new ControlPlaneGroup(chart, 'cp', { cluster, machineTemplate });
    const [kcp] = objectsOf(chart, 'KubeadmControlPlane');
    expect(g.name).toBe('prod-control-plane');
    expect(kcp.metadata.name).toBe('prod-control-plane');
    expect(kcp.spec.replicas).toBe(3);
    expect(kcp.spec.rollout.strategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxSurge: 1 } });
    expect(kcp.spec.machineTemplate.spec.infrastructureRef.name).toMatch(/^prod-control-plane-[0-9a-f]{8}$/);
  });

  test.each([2, 4, 0, -1, 1.5, '3'])('replicas %p is rejected', (replicas) => {
    const { chart, cluster, machineTemplate } = setup();
    const e = validationError(() => new ControlPlaneGroup(chart, 'cp', { cluster, machineTemplate, replicas: replicas as any }));
    expect(paths(e)).toEqual(['replicas']);
    expect(objectsOf(chart, 'KubeadmControlPlane')).toHaveLength(0);
  });

  test('even replicas: the message names the value and the etcd quorum rule', () => {
    const { chart, cluster, machineTemplate } = setup();
    expect(validationError(() => new ControlPlaneGroup(chart, 'cp', { cluster, machineTemplate, replicas: 4 })).issues[0].message).toMatch(/4 is even.*etcd.*quorum/);
  });

  test('1 replica is allowed with a warning', () => {
    const { chart, cluster, machineTemplate } = setup();
    const g = new ControlPlaneGroup(chart, 'cp', { cluster, machineTemplate, replicas: 1 });
    expect(g.warnings.map((w) => w.path)).toEqual(['replicas']);
    const h = new ControlPlaneGroup(newChart(), 'cp', { cluster, machineTemplate, replicas: 5 });
    expect(h.warnings).toEqual([]);
  });

  test.each([
    [1, 3, 1], [0, 3, 0], ['33%', 3, 1], ['0%', 5, 0], ['100%', 1, 1], ['20%', 5, 1],
  ])('maxSurge %p with %p replicas is emitted as %p', (maxSurge, replicas, expected) => {
    const { chart, cluster, machineTemplate } = setup();
    new ControlPlaneGroup(chart, 'cp', { cluster, machineTemplate, replicas, rollout: { maxSurge } });
    expect(objectsOf(chart, 'KubeadmControlPlane')[0].spec.rollout.strategy.rollingUpdate.maxSurge).toBe(expected);
  });

  test.each([
    [2, 3, /accepts only 0 or 1/], ['50%', 3, /"50%" of 3 replicas resolves to 2/], [0, 1, /needs at least 3 replicas, got 1/],
    ['0%', 1, /needs at least 3 replicas/], ['1', 3, /integer or a percentage/], [-1, 3, /non-negative/],
  ])('maxSurge %p with %p replicas is rejected', (maxSurge, replicas, message) => {
    const { chart, cluster, machineTemplate } = setup();
    const e = validationError(() => new ControlPlaneGroup(chart, 'cp', { cluster, machineTemplate, replicas, rollout: { maxSurge } }));
    expect(paths(e)).toEqual(['rollout.maxSurge']);
    expect(e.issues[0].message).toMatch(message);
  });

  test('remediation and deletion timeouts go to seconds (v1beta2) and Go durations (v1beta1)', () => {
    const props = { remediation: { maxRetry: 5, retryPeriod: '2m', minHealthyPeriod: '1h30m' }, nodeDrainTimeout: '5m', nodeVolumeDetachTimeout: 0, nodeDeletionTimeout: '10s' };
    const a = setup('v1beta2');
    new ControlPlaneGroup(a.chart, 'cp', { cluster: a.cluster, machineTemplate: a.machineTemplate, ...props });
    const s2 = objectsOf(a.chart, 'KubeadmControlPlane')[0].spec;
    expect(s2.remediation).toEqual({ maxRetry: 5, retryPeriodSeconds: 120, minHealthyPeriodSeconds: 5400 });
    expect(s2.machineTemplate.spec.deletion).toEqual({ nodeDrainTimeoutSeconds: 300, nodeVolumeDetachTimeoutSeconds: 0, nodeDeletionTimeoutSeconds: 10 });
    const b = setup('v1beta1');
    new ControlPlaneGroup(b.chart, 'cp', { cluster: b.cluster, machineTemplate: b.machineTemplate, ...props });
    const s1 = objectsOf(b.chart, 'KubeadmControlPlane')[0].spec;
    expect(s1.remediationStrategy).toEqual({ maxRetry: 5, retryPeriod: '2m0s', minHealthyPeriod: '1h30m0s' });
    expect(s1.machineTemplate).toMatchObject({ nodeDrainTimeout: '5m0s', nodeVolumeDetachTimeout: '0s', nodeDeletionTimeout: '10s' });
  });

  test('bad durations and retries are all reported together', () => {
    const { chart, cluster, machineTemplate } = setup();
    const e = validationError(() => new ControlPlaneGroup(chart, 'cp', {
      cluster, machineTemplate, remediation: { maxRetry: -1, retryPeriod: '2 minutes', minHealthyPeriod: '1.5s' }, nodeDrainTimeout: -5, nodeDeletionTimeout: '10x',
    }));
    expect(paths(e).sort()).toEqual(['nodeDeletionTimeout', 'nodeDrainTimeout', 'remediation.maxRetry', 'remediation.minHealthyPeriod', 'remediation.retryPeriod']);
  });

  test('a plain ClusterRef object works and gets the same name and version checks', () => {
    const chart = newChart();
    const ref = { name: 'ext', namespace: 'tenants', kubernetesVersion: 'v1.30.1', apiVersion: 'v1beta2' as const };
    new ControlPlaneGroup(chart, 'cp', { cluster: ref, machineTemplate: dockerTemplate() });
    expect(objectsOf(chart, 'KubeadmControlPlane')[0].metadata.name).toBe('ext-control-plane');
    const e = validationError(() => new ControlPlaneGroup(newChart(), 'cp', { cluster: { ...ref, name: 'Ext', kubernetesVersion: '1.30' }, machineTemplate: dockerTemplate() }));
    expect(paths(e).sort()).toEqual(['cluster.kubernetesVersion', 'cluster.name']);
  });

  test('missing cluster or template is a ValidationError, not a TypeError', () => {
    const e = validationError(() => new ControlPlaneGroup(newChart(), 'cp', {} as any));
    expect(paths(e).sort()).toEqual(['cluster', 'machineTemplate']);
  });

  test('an even-replica KCP with a health check on one node warns that remediation cannot act', () => {
    const { chart, cluster, machineTemplate } = setup();
    const g = new ControlPlaneGroup(chart, 'cp', { cluster, machineTemplate, replicas: 1, healthCheck: HealthCheck.controlPlane() });
    expect(g.warnings.map((w) => w.path)).toEqual(['replicas', 'healthCheck']);
  });
});

describe('WorkerGroup', () => {
  test('manual scaling: replicas set, no autoscaler annotations', () => {
    const { chart, cluster, machineTemplate } = setup();
    new WorkerGroup(chart, 'w', { cluster, name: 'workers', scaling: { replicas: 3 }, machineTemplate });
    const [md] = objectsOf(chart, 'MachineDeployment');
    expect(md.metadata.name).toBe('prod-workers');
    expect(md.spec.replicas).toBe(3);
    expect(md.metadata.annotations).toBeUndefined();
  });

  test('autoscaling: min/max annotations, spec.replicas omitted', () => {
    const { chart, cluster, machineTemplate } = setup();
    const g = new WorkerGroup(chart, 'w', { cluster, name: 'workers', scaling: { min: 2, max: 10 }, machineTemplate });
    const [md] = objectsOf(chart, 'MachineDeployment');
    expect(md.spec).not.toHaveProperty('replicas');
    expect(md.metadata.annotations).toEqual({
      'cluster.x-k8s.io/cluster-api-autoscaler-node-group-min-size': '2',
      'cluster.x-k8s.io/cluster-api-autoscaler-node-group-max-size': '10',
    });
    expect(g.warnings).toEqual([]);
  });

  test('autoscaling with replicas set warns; min 0 with the capacity given passes', () => {
    const { chart, cluster, machineTemplate } = setup();
    const g = new WorkerGroup(chart, 'w', { cluster, name: 'workers', scaling: { min: 0, max: 5, replicas: 2, capacity: { cpu: 4, memoryMiB: 8192 } }, machineTemplate });
    expect(g.warnings.map((w) => w.path).sort()).toEqual(['scaling.replicas']);
    expect(objectsOf(chart, 'MachineDeployment')[0].spec.replicas).toBe(2);
  });

  test.each([
    [{ min: 5, max: 2 }, ['scaling.max']],
    [{ min: 1 }, ['scaling.max']],
    [{ min: 1, max: 3, replicas: 4 }, ['scaling.replicas']],
    [{ replicas: -1 }, ['scaling.replicas']],
    [{}, ['scaling']],
    [{ min: 0, max: 0 }, ['scaling.max']],
  ])('scaling %p is rejected at %p', (scaling, expected) => {
    const { chart, cluster, machineTemplate } = setup();
    expect(paths(validationError(() => new WorkerGroup(chart, 'w', { cluster, name: 'workers', scaling: scaling as any, machineTemplate })))).toEqual(expected);
  });

  test('RollingUpdate defaults to maxSurge 1, maxUnavailable 0; OnDelete has no rollingUpdate', () => {
    const { chart, cluster, machineTemplate } = setup();
    new WorkerGroup(chart, 'a', { cluster, name: 'a', machineTemplate });
    new WorkerGroup(chart, 'b', { cluster, name: 'b', machineTemplate, strategy: { type: 'OnDelete' } });
    const [a, b] = objectsOf(chart, 'MachineDeployment');
    expect(a.spec.rollout.strategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } });
    expect(b.spec.rollout.strategy).toEqual({ type: 'OnDelete' });
  });

  test.each([
    [{ type: 'RollingUpdate', maxSurge: 0, maxUnavailable: 0 }, 'strategy', /cannot both be 0/],
    [{ type: 'RollingUpdate', maxSurge: '0%', maxUnavailable: 0 }, 'strategy', /cannot both be 0/],
    [{ type: 'RollingUpdate', maxSurge: '150%' }, 'strategy.maxSurge', /must not exceed 100%/],
    [{ type: 'RollingUpdate', maxUnavailable: 'all' }, 'strategy.maxUnavailable', /integer or a percentage/],
    [{ type: 'OnDelete', maxSurge: 1 }, 'strategy.maxSurge', /only to RollingUpdate/],
    [{ type: 'Recreate' }, 'strategy.type', /"RollingUpdate", "OnDelete"/],
  ])('strategy %p is rejected', (strategy, path, message) => {
    const { chart, cluster, machineTemplate } = setup();
    const e = validationError(() => new WorkerGroup(chart, 'w', { cluster, name: 'w', machineTemplate, strategy: strategy as any }));
    expect(paths(e)).toEqual([path]);
    expect(e.issues[0].message).toMatch(message);
  });

  test('roles become node-role labels on the machine template metadata, never kubelet flags', () => {
    const { chart, cluster, machineTemplate } = setup();
    new WorkerGroup(chart, 'w', { cluster, name: 'w', machineTemplate, roles: ['ingress', 'gpu'] });
    const [md] = objectsOf(chart, 'MachineDeployment');
    expect(md.spec.template.metadata.labels).toMatchObject({ 'node-role.kubernetes.io/ingress': '', 'node-role.kubernetes.io/gpu': '' });
    expect(JSON.stringify(objectsOf(chart))).not.toContain('node-labels');
  });

  test.each([['Bad Role'], ['control-plane'], ['a/b'], ['x'.repeat(64)]])('role %p is rejected', (role) => {
    const { chart, cluster, machineTemplate } = setup();
    expect(paths(validationError(() => new WorkerGroup(chart, 'w', { cluster, name: 'w', machineTemplate, roles: [role] })))).toEqual(['roles[0]']);
  });

  test('group name: DNS label, and the generated MachineDeployment name must fit 63 characters', () => {
    const { chart, cluster, machineTemplate } = setup();
    expect(paths(validationError(() => new WorkerGroup(chart, 'w', { cluster, name: 'Workers', machineTemplate })))).toEqual(['name']);
    const long = 'w'.repeat(59);
    const e = validationError(() => new WorkerGroup(chart, 'w2', { cluster, name: long, machineTemplate }));
    expect(e.issues[0].message).toContain(`"prod-${long}" is 64 characters`);
    expect(() => new WorkerGroup(chart, 'w3', { cluster, name: 'w'.repeat(58), machineTemplate })).not.toThrow();
  });

  test('v1beta1 emits progressDeadlineSeconds 600 and revisionHistoryLimit 1 by default; v1beta2 ignores them with a warning', () => {
    const a = setup('v1beta1');
    new WorkerGroup(a.chart, 'w', { cluster: a.cluster, name: 'w', machineTemplate: a.machineTemplate, minReadySeconds: 10 });
    const md1 = objectsOf(a.chart, 'MachineDeployment')[0];
    expect(md1.spec).toMatchObject({ progressDeadlineSeconds: 600, revisionHistoryLimit: 1, minReadySeconds: 10 });
    const b = setup('v1beta2');
    const g = new WorkerGroup(b.chart, 'w', { cluster: b.cluster, name: 'w', machineTemplate: b.machineTemplate, minReadySeconds: 10, progressDeadlineSeconds: 900, revisionHistoryLimit: 2 });
    const md2 = objectsOf(b.chart, 'MachineDeployment')[0];
    expect(md2.spec).not.toHaveProperty('progressDeadlineSeconds');
    expect(md2.spec).not.toHaveProperty('revisionHistoryLimit');
    expect(md2.spec.template.spec.minReadySeconds).toBe(10);
    expect(g.warnings.map((w) => w.path)).toEqual(['progressDeadlineSeconds', 'revisionHistoryLimit']);
  });

  test('selector matches the machine template labels', () => {
    const { chart, cluster, machineTemplate } = setup();
    new WorkerGroup(chart, 'w', { cluster, name: 'w', machineTemplate, roles: ['x'] });
    const [md] = objectsOf(chart, 'MachineDeployment');
    for (const [k, v] of Object.entries(md.spec.selector.matchLabels)) expect(md.spec.template.metadata.labels[k]).toBe(v);
  });

  test('machine labels outside the synced domains warn', () => {
    const { chart, cluster, machineTemplate } = setup();
    const g = new WorkerGroup(chart, 'w', { cluster, name: 'w', machineTemplate, machineLabels: { team: 'a', 'node.cluster.x-k8s.io/pool': 'b' } });
    expect(g.warnings.map((w) => w.path)).toEqual(['machineLabels.team']);
  });

  test('ingress preset: group "ingress", role ingress, 2 nodes', () => {
    const { chart, cluster, machineTemplate } = setup();
    const g = WorkerGroup.ingress(chart, 'i', { cluster, machineTemplate });
    const [md] = objectsOf(chart, 'MachineDeployment');
    expect(g.name).toBe('prod-ingress');
    expect(md.spec.replicas).toBe(2);
    expect(md.spec.template.metadata.labels['node-role.kubernetes.io/ingress']).toBe('');
  });

  test('a changed bootstrap setting gives the KubeadmConfigTemplate a new name and updates the reference', () => {
    const names = ['10s', '10s', '5s'].map((freq) => {
      const chart = newChart();
      const cluster = new Cluster(chart, 'c', { infrastructure: TEST_INFRA, cni: 'calico', name: 'p', kubernetesVersion: 'v1.31.4', nodeFailureDetection: { nodeStatusUpdateFrequency: freq } });
      new WorkerGroup(chart, 'w', { cluster, name: 'w', machineTemplate: dockerTemplate() });
      const [kct] = objectsOf(chart, 'KubeadmConfigTemplate');
      const [md] = objectsOf(chart, 'MachineDeployment');
      expect(md.spec.template.spec.bootstrap.configRef.name).toBe(kct.metadata.name);
      return kct.metadata.name;
    });
    expect(names[0]).toBe(names[1]);
    expect(names[2]).not.toBe(names[0]);
  });
});

describe('HealthCheck presets', () => {
  test('control plane: 100%, Ready Unknown/False 5m, selector on control-plane machines', () => {
    const { chart, cluster, machineTemplate } = setup();
    new ControlPlaneGroup(chart, 'cp', { cluster, machineTemplate, healthCheck: HealthCheck.controlPlane() });
    const [mhc] = objectsOf(chart, 'MachineHealthCheck');
    expect(mhc.metadata.name).toBe('prod-controlplane-healthcheck');
    expect(mhc.spec.remediation.triggerIf.unhealthyLessThanOrEqualTo).toBe('100%');
    expect(mhc.spec.checks.unhealthyNodeConditions).toEqual([
      { type: 'Ready', status: 'Unknown', timeoutSeconds: 300 }, { type: 'Ready', status: 'False', timeoutSeconds: 300 },
    ]);
    expect(mhc.spec.selector.matchLabels).toEqual({ 'cluster.x-k8s.io/control-plane': '' });
  });

  test('workers: 40%, nodeStartupTimeout 10m, <cluster>-<group>-healthcheck', () => {
    const { chart, cluster, machineTemplate } = setup('v1beta1');
    new WorkerGroup(chart, 'w', { cluster, name: 'gpu', scaling: { replicas: 5 }, machineTemplate, healthCheck: HealthCheck.workers() });
    const [mhc] = objectsOf(chart, 'MachineHealthCheck');
    expect(mhc.metadata.name).toBe('prod-gpu-healthcheck');
    expect(mhc.spec).toMatchObject({ maxUnhealthy: '40%', nodeStartupTimeout: '10m0s', selector: { matchLabels: { 'cluster.x-k8s.io/deployment-name': 'prod-gpu' } } });
  });

  test('every value is overridable', () => {
    const { chart, cluster, machineTemplate } = setup();
    new WorkerGroup(chart, 'w', {
      cluster, name: 'w', scaling: { replicas: 10 }, machineTemplate,
      healthCheck: HealthCheck.workers({ maxUnhealthy: 3, nodeStartupTimeout: '20m', unhealthyConditions: [{ type: 'Ready', status: 'False', timeout: '2m' }], unhealthyRange: '[1-4]' }),
    });
    const [mhc] = objectsOf(chart, 'MachineHealthCheck');
    expect(mhc.spec.checks).toEqual({ nodeStartupTimeoutSeconds: 1200, unhealthyNodeConditions: [{ type: 'Ready', status: 'False', timeoutSeconds: 120 }] });
    expect(mhc.spec.remediation.triggerIf).toEqual({ unhealthyLessThanOrEqualTo: 3, unhealthyInRange: '[1-4]' });
  });

  test.each([['10s', true], ['29s', true], [0, false], ['30s', false]])('nodeStartupTimeout %p rejected: %p', (timeout, rejected) => {
    const { chart, cluster, machineTemplate } = setup();
    const make = () => new WorkerGroup(chart, 'w', { cluster, name: 'w', machineTemplate, healthCheck: HealthCheck.workers({ nodeStartupTimeout: timeout }) });
    if (rejected) expect(paths(validationError(make))).toEqual(['healthCheck.nodeStartupTimeout']);
    else expect(make).not.toThrow();
  });

  test('a nodeStartupTimeout under 5m warns (VMs loop); 0 disables without a warning', () => {
    const { chart, cluster, machineTemplate } = setup();
    const g = new WorkerGroup(chart, 'w', { cluster, name: 'w', scaling: { replicas: 5 }, machineTemplate, healthCheck: HealthCheck.workers({ nodeStartupTimeout: '2m' }) });
    expect(g.warnings.map((w) => w.path)).toEqual(['healthCheck.nodeStartupTimeout']);
    const h = new WorkerGroup(chart, 'w2', { cluster, name: 'w2', scaling: { replicas: 5 }, machineTemplate, healthCheck: HealthCheck.workers({ nodeStartupTimeout: 0 }) });
    expect(h.warnings).toEqual([]);
  });

  test('40% of a group of 2 rounds down to 0: warning; of 3: none', () => {
    const { chart, cluster, machineTemplate } = setup();
    const small = new WorkerGroup(chart, 'a', { cluster, name: 'a', scaling: { replicas: 2 }, machineTemplate, healthCheck: HealthCheck.workers() });
    expect(small.warnings).toEqual([expect.objectContaining({ path: 'healthCheck.maxUnhealthy', message: expect.stringContaining('"40%" of 2 machines rounds down to 0') })]);
    const ok = new WorkerGroup(chart, 'b', { cluster, name: 'b', scaling: { replicas: 3 }, machineTemplate, healthCheck: HealthCheck.workers() });
    expect(ok.warnings).toEqual([]);
    const auto = new WorkerGroup(chart, 'auto', { cluster, name: 'c', scaling: { min: 1, max: 9 }, machineTemplate, healthCheck: HealthCheck.workers() });
    expect(auto.warnings.map((w) => w.path)).toEqual(['healthCheck.maxUnhealthy']);
  });

  test('bad overrides are reported with their paths', () => {
    const { chart, cluster, machineTemplate } = setup();
    const e = validationError(() => new WorkerGroup(chart, 'w', {
      cluster, name: 'w', machineTemplate,
      healthCheck: HealthCheck.workers({ maxUnhealthy: '140%', unhealthyRange: '1-3', unhealthyConditions: [{ type: 'Ready', status: 'Maybe', timeout: '5m' }] }),
    }));
    expect(paths(e).sort()).toEqual(['healthCheck.maxUnhealthy', 'healthCheck.unhealthyConditions[0].status', 'healthCheck.unhealthyRange']);
  });

  test('health-check problems are reported together with the group\'s other problems', () => {
    const { chart, cluster, machineTemplate } = setup();
    const w = validationError(() => new WorkerGroup(chart, 'w', { cluster, name: 'W', scaling: { min: 3, max: 1 }, machineTemplate, healthCheck: HealthCheck.workers({ nodeStartupTimeout: '10s' }) }));
    expect(paths(w).sort()).toEqual(['healthCheck.nodeStartupTimeout', 'name', 'scaling.max']);
    const c = validationError(() => new ControlPlaneGroup(chart, 'cp', { cluster, machineTemplate, replicas: 2, healthCheck: HealthCheck.controlPlane({ maxUnhealthy: 'all' }) }));
    expect(paths(c).sort()).toEqual(['healthCheck.maxUnhealthy', 'replicas']);
  });

  test('a plain object instead of a preset is rejected', () => {
    const { chart, cluster, machineTemplate } = setup();
    expect(paths(validationError(() => new WorkerGroup(chart, 'w', { cluster, name: 'w', machineTemplate, healthCheck: { maxUnhealthy: '40%' } as any })))).toEqual(['healthCheck']);
  });
});

describe('warnings are reported, not swallowed', () => {
  test('the warning handler receives every warning with its subject', () => {
    const seen: string[] = [];
    const prev = setWarningHandler((subject, w) => seen.push(`${subject}: ${w.path}`));
    try {
      const { chart, cluster, machineTemplate } = setup();
      new ControlPlaneGroup(chart, 'cp', { cluster, machineTemplate, replicas: 1 });
      new WorkerGroup(chart, 'w', { cluster, name: 'w', scaling: { replicas: 2 }, machineTemplate, healthCheck: HealthCheck.workers() });
    } finally {
      setWarningHandler(prev);
    }
    expect(seen).toEqual(['ControlPlaneGroup "prod-control-plane": replicas', 'WorkerGroup "prod-w": healthCheck.maxUnhealthy']);
  });

  test('warnings are recorded as construct metadata', () => {
    const { chart, cluster, machineTemplate } = setup();
    const g = new ControlPlaneGroup(chart, 'cp', { cluster, machineTemplate, replicas: 1 });
    expect(g.node.metadata.map((m) => m.type)).toContain('capi-constructs:warning');
  });
});
