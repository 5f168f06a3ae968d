/** planFleet over a fleet change that touches every category; the human and JSON output are snapshots. */
import { formatPlan, planFleet, planJson, ValidationError } from '../../lib';
import { clusterNameOf } from '../../lib/core/plan';
import { clusterSpec, edited, manifestsOf, nextFleet, previousFleet } from './fixtures';

describe('planFleet over a change touching every category', () => {
  const plan = planFleet(manifestsOf(previousFleet()), manifestsOf(nextFleet()));
  const byName = (n: string) => plan.clusters.find((c) => c.cluster.name === n)!;

  test('clusters are sorted and get a status', () => {
    expect(plan.clusters.map((c) => [c.cluster.name, c.status])).toEqual([['edge', 'created'], ['old', 'deleted'], ['prod', 'changed'], ['stage', 'changed']]);
  });

  test('rejected: only the stage cluster, with the upstream rules; a refused update neither rolls nor scales', () => {
    expect(byName('prod').rejected).toEqual([]);
    expect(byName('stage').rejected.map((r) => [r.object.kind, r.path, r.old, r.new])).toEqual([
      ['KubeadmControlPlane', 'spec.version', 'v1.31.4', 'v1.33.0'],
      // the control plane stays at v1.31.4 (its update is refused), so the workers' new machines are never created
      ['MachineDeployment', 'spec.template.spec.version', 'v1.31.4', 'v1.33.0'],
    ]);
    expect(byName('stage').rejected.map((r) => r.effect)).toEqual(['rejected', 'blocked']);
    expect(plan.totals.rejected).toBe(2);
  });

  test('rolls: the control plane and both surviving worker groups, with machines and pacing', () => {
    const rolls = byName('prod').rolls;
    expect(rolls.map((r) => [r.object.name, r.group, r.machines, r.pacing])).toEqual([
      ['prod-control-plane', 'control-plane', 3, { strategy: 'RollingUpdate', maxSurge: 1, surge: 1, unavailable: 0 }],
      ['prod-md', 'workers', 5, { strategy: 'RollingUpdate', maxSurge: '50%', maxUnavailable: 1, surge: 3, unavailable: 1 }],
      ['prod-auto', 'workers', 3, { strategy: 'RollingUpdate', maxSurge: 1, maxUnavailable: 0, surge: 1, unavailable: 0 }],
    ]);
    expect(rolls[0].causes.map((c) => c.path)).toEqual(expect.arrayContaining(['spec.version', 'spec.template.spec.customImage', 'spec.kubeadmConfigSpec.clusterConfiguration.controllerManager']));
    // the template reference moved: the cause is the field of the template that changed
    expect(rolls[0].causes.find((c) => c.path === 'spec.template.spec.customImage')).toMatchObject({
      template: { kind: 'DockerMachineTemplate' }, ref: 'spec.machineTemplate.spec.infrastructureRef.name',
    });
    expect(rolls[2].machinesNote).toBe('autoscaled 3-9: at least 3, the autoscaler may run more');
    // one verdict per group: stage-md's new machines are blocked by the version skew, so nothing rolls there
    expect(byName('stage').rolls).toEqual([]);
    expect(byName('stage').rejected.map((r) => [r.object.name, r.effect])).toContainEqual(['stage-md', 'blocked']);
    expect(plan.totals.machinesRolled).toBe(3 + 5 + 3);
  });

  test('deletes: the batch group with its machines, the add-on, the deleted cluster', () => {
    const d = byName('prod').deletes;
    expect(d.groups).toEqual([{ object: { apiVersion: 'cluster.x-k8s.io/v1beta2', kind: 'MachineDeployment', namespace: 'tenants', name: 'prod-batch' }, group: 'workers', machines: 4 }]);
    expect(d.addons).toEqual([{ object: { apiVersion: 'helm.toolkit.fluxcd.io/v2', kind: 'HelmRelease', namespace: 'tenants', name: 'prod-metrics' }, chart: 'metrics-server', version: '3.12.2', targetNamespace: 'kube-system' }]);
    expect(d.objects.map((o) => o.kind)).toEqual(expect.arrayContaining(['DockerMachineTemplate', 'KubeadmConfigTemplate', 'MachineHealthCheck']));
    expect(byName('old').deletes.groups.map((g) => [g.object.kind, g.machines])).toEqual([['KubeadmControlPlane', 3], ['MachineDeployment', 3]]);
    expect(plan.totals.machinesRemoved).toBe(4 + 3 + 3);
  });

  test('scales: replicas and autoscaler bounds', () => {
    const s = byName('prod').scales;
    expect(s.replicas.map((r) => [r.object.name, r.old, r.new])).toEqual([['prod-md', 3, 5]]);
    expect(s.autoscaler.map((a) => [a.object.name, a.min, a.max])).toEqual([['prod-auto', { old: '2', new: '3' }, { old: '6', new: '9' }]]);
  });

  test('in place: health check timeout and machine labels, not the roll causes', () => {
    const ip = byName('prod').inPlace;
    expect(ip.map((i) => [i.object.kind, i.changes.map((c) => c.path)])).toEqual([
      // the cluster-autoscaler follows the Kubernetes minor
      ['HelmRelease', ['spec.values.image.tag']],
      ['MachineHealthCheck', ['spec.checks.nodeStartupTimeoutSeconds']],
      // the synced label also reaches the autoscaler's capacity labels annotation (metadata: no roll)
      ['MachineDeployment', ['metadata.annotations["capacity.cluster-autoscaler.kubernetes.io/labels"]', 'spec.template.metadata.labels["node.cluster.x-k8s.io/pool"]']],
    ]);
  });

  test('human output', () => {
    expect(formatPlan(plan)).toMatchSnapshot();
  });

  test('JSON output is the plan object', () => {
    const json = planJson(plan);
    expect(JSON.parse(json)).toEqual(JSON.parse(JSON.stringify(plan)));
    expect(json.endsWith('}\n')).toBe(true);
    // (not a snapshot: the conformance suite reads every snapshot holding "apiVersion" as manifests)
    expect(JSON.parse(json).clusters[3].rejected[0]).toEqual({
      object: { apiVersion: 'controlplane.cluster.x-k8s.io/v1beta2', kind: 'KubeadmControlPlane', namespace: 'tenants', name: 'stage-control-plane' },
      path: 'spec.version', old: 'v1.31.4', new: 'v1.33.0', effect: 'rejected',
      rule: 'Forbidden: cannot update Kubernetes version from v1.31.4 to v1.33.0 (at most one minor version per update)',
      source: 'cluster-api v1.14.0 controlplane/kubeadm/webhooks/admission/kubeadmcontrolplane.go validateVersion',
      instead: 'upgrade one minor at a time: apply v1.32.x, wait for the control plane and workers to finish rolling, then go on',
    });
  });

  test('an unchanged fleet plans nothing', () => {
    const same = planFleet(manifestsOf(previousFleet()), manifestsOf(previousFleet()));
    expect(same.clusters.every((c) => c.status === 'unchanged')).toBe(true);
    expect(formatPlan(same)).toBe('cluster tenants/old: unchanged\ncluster tenants/prod: unchanged\ncluster tenants/stage: unchanged\n\nPlan: 0 rejected, 0 rolls (0 machines), 0 groups removed (0 machines), 0 add-ons uninstalled, 0 scaled, 0 changed in place, 0 created.\n');
  });
});

describe('planFleet input', () => {
  test('every malformed or duplicate object is reported together', () => {
    const ok = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a' } };
    let err: unknown;
    try {
      planFleet([ok, ok, 'x', { kind: 'Secret', metadata: {} }], []);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as ValidationError).issues.map((i) => i.path)).toEqual(['previous[1]', 'previous[2]', 'previous[3].apiVersion', 'previous[3].metadata.name']);
  });
});

describe('clusterNameOf', () => {
  const obj = (extra: Record<string, unknown>) => ({ apiVersion: 'x/v1', kind: 'X', metadata: { name: 'n', namespace: 'ns' }, ...extra }) as never;
  test.each([
    [{ kind: 'Cluster', apiVersion: 'cluster.x-k8s.io/v1beta2', metadata: { name: 'prod' } }, 'prod'],
    [{ metadata: { name: 'n', labels: { 'cluster.x-k8s.io/cluster-name': 'a' } } }, 'a'],
    [{ metadata: { name: 'n', labels: { 'addons.capi-constructs.io/cluster': 'b' } } }, 'b'],
    [{ spec: { clusterName: 'c' } }, 'c'],
    [{ spec: { kubeConfig: { secretRef: { name: 'd-kubeconfig' } } } }, 'd'],
    [{ spec: { kubeConfig: { secretRef: { name: 'other' } } } }, ''],
    [{}, ''],
  ])('%j belongs to %j', (extra, name) => {
    expect(clusterNameOf(obj(extra))).toBe(name);
  });
});

describe('planFleet on arbitrary objects', () => {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const fc = require('fast-check') as typeof import('fast-check');
  const kinds = ['KubeadmControlPlane', 'MachineDeployment', 'Cluster', 'OpenStackCluster', 'OpenStackMachineTemplate', 'KubeadmConfigTemplate', 'HelmRelease', 'MachineHealthCheck'];
  const groups: Record<string, string> = {
    KubeadmControlPlane: 'controlplane.cluster.x-k8s.io/v1beta2', MachineDeployment: 'cluster.x-k8s.io/v1beta1', Cluster: 'cluster.x-k8s.io/v1beta2',
    OpenStackCluster: 'infrastructure.cluster.x-k8s.io/v1beta1', OpenStackMachineTemplate: 'infrastructure.cluster.x-k8s.io/v1beta1',
    KubeadmConfigTemplate: 'bootstrap.cluster.x-k8s.io/v1beta2', HelmRelease: 'helm.toolkit.fluxcd.io/v2', MachineHealthCheck: 'cluster.x-k8s.io/v1beta2',
  };
  const object = (kind: string) => fc.record({
    apiVersion: fc.constant(groups[kind]), kind: fc.constant(kind),
    metadata: fc.record({ name: fc.constant('x'), labels: fc.option(fc.dictionary(fc.constantFrom('cluster.x-k8s.io/cluster-name', 'a'), fc.string()), { nil: undefined }) }),
    spec: fc.anything(), status: fc.option(fc.anything(), { nil: undefined }),
  });

  test('never throws and always formats', () => {
    const pair = fc.constantFrom(...kinds).chain((kind) => fc.tuple(object(kind), object(kind)));
    fc.assert(fc.property(pair, ([a, b]) => {
      const plan = planFleet([a], [b]);
      expect(typeof formatPlan(plan)).toBe('string');
      expect(() => JSON.parse(planJson(plan))).not.toThrow();
    }), { numRuns: 500 });
  });
});

test('upgrading the library adds the kubeadmConfigSpec floor: accepted, and it rolls the control plane once', () => {
  const next = manifestsOf([clusterSpec()]);
  const previous = next.map((m) => (m.kind !== 'KubeadmControlPlane' ? m : edited(m, (o) => {
    delete o.spec.kubeadmConfigSpec.clusterConfiguration;
    delete o.spec.kubeadmConfigSpec.initConfiguration;
    delete o.spec.kubeadmConfigSpec.joinConfiguration;
  })));
  const plan = planFleet(previous, next);
  expect(plan.totals.rejected).toBe(0);
  // KCP fills imagePullPolicy: IfNotPresent on both sides before it compares (PrepareKubeadmConfigsForDiff),
  // so only the etcd data directory of the floor is a difference.
  expect(plan.clusters[0].rolls.map((r) => [r.object.kind, r.causes.map((c) => c.path)])).toEqual([['KubeadmControlPlane', [
    'spec.kubeadmConfigSpec.clusterConfiguration',
  ]]]);
});
