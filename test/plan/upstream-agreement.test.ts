/**
 * The disagreements found between `plan` and upstream (the webhooks, the CRDs' CEL rules, KCP's and
 * MachineDeployment's rollout logic), one test each: API version moves, the OpenStackCluster region,
 * KCP's diff preparation, the ClusterResourceSet and HelmRelease rules, and how the report groups.
 */
import { formatPlan, Manifest, OpenStackCluster, OpenStackClusterProps, planFleet, rejectedCreate, rejectedUpdate } from '../../lib';
import { clusterSpec, edited, manifestsOf, pick, rendered } from './fixtures';

const strategy = { type: 'RollingUpdate', maxSurge: 1, maxUnavailable: 0 } as const;
const inVersion = (v: 'v1beta1' | 'v1beta2') => manifestsOf([clusterSpec({
  cluster: { apiVersion: v } as never,
  controlPlane: { ...(clusterSpec().controlPlane as object), nodeDrainTimeout: '5m' } as never,
  workers: [{ name: 'md', machineTemplate: (clusterSpec().workers![0] as { machineTemplate: unknown }).machineTemplate, scaling: { replicas: 3 }, strategy } as never],
})]);

describe('a KubeadmControlPlane moving between v1beta1 and v1beta2 is compared after conversion', () => {
  test('v1beta1 -> v1beta2: accepted (no "cannot be modified" for infrastructureRef or rolloutStrategy)', () => {
    const [a, b] = [pick(inVersion('v1beta1'), 'KubeadmControlPlane'), pick(inVersion('v1beta2'), 'KubeadmControlPlane')];
    expect(a.spec).toHaveProperty('rolloutStrategy');
    expect(rejectedUpdate(a, b)).toEqual([]);
    const plan = planFleet(inVersion('v1beta1'), inVersion('v1beta2'));
    expect(plan.totals.rejected).toBe(0);
    expect(plan.clusters[0].rolls.filter((r) => r.group === 'control-plane')).toEqual([]);
  });

  test('v1beta2 -> v1beta1: accepted, and the control plane does not roll', () => {
    const plan = planFleet(inVersion('v1beta2'), inVersion('v1beta1'));
    expect(plan.totals.rejected).toBe(0);
    expect(plan.clusters[0].rolls.filter((r) => r.group === 'control-plane')).toEqual([]);
    expect(plan.clusters[0].inPlace.filter((c) => c.object.kind === 'KubeadmControlPlane')).toEqual([]);
  });
});

describe('OpenStackCluster identityRef.region: the CRD transition rule (CEL, real engine)', () => {
  const osProps: OpenStackClusterProps = { cloudName: 'openstack', secretName: 'prod-cloud-config', externalNetwork: 'public', managedSecurityGroups: true, apiServerLoadBalancer: true };
  const osc = (over: Partial<OpenStackClusterProps> = {}) => rendered(clusterSpec({ cluster: { infrastructure: new OpenStackCluster({ ...osProps, ...over }), cloudController: false } }), 'OpenStackCluster');
  test.each([
    ['set', osc(), osc({ region: 'RegionOne' })],
    ['changed', osc({ region: 'RegionOne' }), osc({ region: 'RegionTwo' })],
    ['removed', osc({ region: 'RegionOne' }), osc()],
  ])('region %s: rejected, "region is immutable"', (_what, a, b) => {
    const r = rejectedUpdate(a, b);
    expect(r.map((x) => [x.path, x.effect])).toEqual([['spec.identityRef', 'rejected']]);
    expect(r[0].rule).toMatch(/region is immutable/);
    expect(r[0].source).toMatch(/openstack\/v0\.14\.7\/infrastructure\.cluster\.x-k8s\.io_openstackclusters\.yaml x-kubernetes-validations/);
  });
  test('region kept: accepted', () => {
    expect(rejectedUpdate(osc({ region: 'RegionOne' }), osc({ region: 'RegionOne' }))).toEqual([]);
  });
});

describe('KubeadmControlPlane rolls as KCP compares (PrepareKubeadmConfigsForDiff)', () => {
  const objects = manifestsOf([clusterSpec()]);
  const kcp = pick(objects, 'KubeadmControlPlane');
  const replace = (k: Manifest) => objects.map((m) => (m.kind === 'KubeadmControlPlane' ? k : m));
  const cpRolls = (a: Manifest, b: Manifest) => planFleet(replace(a), replace(b)).clusters[0].rolls;

  test('removing format: cloud-config or imagePullPolicy: IfNotPresent rolls nothing (KCP fills the defaults on both sides)', () => {
    const withFormat = edited(kcp, (o) => { o.spec.kubeadmConfigSpec.format = 'cloud-config'; });
    expect(cpRolls(withFormat, kcp)).toEqual([]);
    const noPolicy = edited(kcp, (o) => {
      delete o.spec.kubeadmConfigSpec.joinConfiguration.nodeRegistration.imagePullPolicy;
      delete o.spec.kubeadmConfigSpec.initConfiguration.nodeRegistration.imagePullPolicy;
    });
    expect(kcp.spec).toHaveProperty('kubeadmConfigSpec.joinConfiguration.nodeRegistration.imagePullPolicy', 'IfNotPresent');
    expect(cpRolls(kcp, noPolicy)).toEqual([]);
  });

  test('a real kubeadm change still rolls every machine', () => {
    const changed = edited(kcp, (o) => { o.spec.kubeadmConfigSpec.format = 'ignition'; });
    expect(cpRolls(kcp, changed).map((r) => [r.machines, r.causes.map((c) => c.path)])).toEqual([[3, ['spec.kubeadmConfigSpec.format']]]);
  });

  test('an argument added only to initConfiguration rolls nothing: the init machine is compared as if it had joined', () => {
    const initOnly = edited(kcp, (o) => {
      o.spec.kubeadmConfigSpec.initConfiguration.nodeRegistration.kubeletExtraArgs = [{ name: 'max-pods', value: '200' }];
    });
    const plan = planFleet(replace(kcp), replace(initOnly));
    expect(plan.clusters[0].rolls).toEqual([]);
    expect(plan.totals.rejected).toBe(0);
  });

  test('init differing from join before the edit: only the init machine may roll', () => {
    const differs = edited(kcp, (o) => { o.spec.kubeadmConfigSpec.initConfiguration.nodeRegistration.kubeletExtraArgs = [{ name: 'max-pods', value: '200' }]; });
    const changed = edited(differs, (o) => { o.spec.kubeadmConfigSpec.initConfiguration.nodeRegistration.kubeletExtraArgs = [{ name: 'max-pods', value: '300' }]; });
    const rolls = cpRolls(differs, changed);
    expect(rolls.map((r) => [r.machines, r.machinesNote])).toEqual([[1, expect.stringMatching(/first control-plane machine/)]]);
  });

  test('an argument added only to joinConfiguration rolls the joined machines and keeps the init machine (its init spec still matches)', () => {
    const joinOnly = edited(kcp, (o) => {
      o.spec.kubeadmConfigSpec.joinConfiguration.nodeRegistration.kubeletExtraArgs = [{ name: 'max-pods', value: '200' }];
    });
    const rolls = cpRolls(kcp, joinOnly);
    expect(rolls.map((r) => [r.machines, r.firstMachine, r.causes.map((c) => c.path)])).toEqual([
      [3, 'kept', ['spec.kubeadmConfigSpec.joinConfiguration.nodeRegistration.kubeletExtraArgs']],
    ]);
    expect(rolls[0].machinesNote).toMatch(/kept if it was never replaced/);
    // a change in both keeps no machine apart, nor does a change of clusterConfiguration
    const both = edited(joinOnly, (o) => { o.spec.kubeadmConfigSpec.initConfiguration.nodeRegistration.kubeletExtraArgs = [{ name: 'max-pods', value: '200' }]; });
    expect(cpRolls(kcp, both).map((r) => r.firstMachine)).toEqual([undefined]);
    const cluster = edited(kcp, (o) => { o.spec.kubeadmConfigSpec.clusterConfiguration.apiServer = { extraArgs: [{ name: 'audit-log-maxage', value: '30' }] }; });
    expect(cpRolls(kcp, cluster).map((r) => r.firstMachine)).toEqual([undefined]);
  });
});

describe('ClusterResourceSet (core/webhooks/admission/clusterresourceset.go)', () => {
  const crs = (spec: Record<string, unknown>): Manifest => ({
    apiVersion: 'addons.cluster.x-k8s.io/v1beta2', kind: 'ClusterResourceSet', metadata: { name: 'cni', namespace: 'fleet' },
    spec: { clusterSelector: { matchLabels: { cni: 'calico' } }, resources: [{ kind: 'ConfigMap', name: 'calico' }], ...spec },
  });
  test.each([
    ['selector changed', crs({}), crs({ clusterSelector: { matchLabels: { cni: 'cilium' } } }), [['spec.clusterSelector', 'rejected']]],
    ['strategy changed', crs({ strategy: 'ApplyOnce' }), crs({ strategy: 'Reconcile' }), [['spec.strategy', 'rejected']]],
    ['strategy unset -> Reconcile (the stored object holds the default ApplyOnce)', crs({}), crs({ strategy: 'Reconcile' }), [['spec.strategy', 'rejected']]],
    ['strategy unset -> ApplyOnce (the default)', crs({}), crs({ strategy: 'ApplyOnce' }), []],
    ['resources changed', crs({}), crs({ resources: [{ kind: 'Secret', name: 'calico' }] }), []],
  ])('%s', (_what, a, b, expected) => {
    const r = rejectedUpdate(a, b);
    expect(r.map((x) => [x.path, x.effect])).toEqual(expected);
    for (const x of r) expect(x.rule).toBe('Invalid: field is immutable');
  });
  test('an empty selector is refused on create', () => {
    expect(rejectedCreate(crs({ clusterSelector: {} })).map((x) => [x.path, x.rule])).toEqual([['spec.clusterSelector', 'Invalid: selector must not be empty']]);
  });
});

describe('HelmRelease create: the CRD refuses chart and chartRef together', () => {
  const hr = (spec: Record<string, unknown>): Manifest => ({
    apiVersion: 'helm.toolkit.fluxcd.io/v2', kind: 'HelmRelease', metadata: { name: 'm', namespace: 'fleet' }, spec: { interval: '10m', ...spec },
  });
  const chart = { spec: { chart: 'metrics-server', sourceRef: { kind: 'HelmRepository', name: 'metrics' } } };
  const chartRef = { kind: 'OCIRepository', name: 'metrics' };
  test('both: rejected as a create, in the plan too', () => {
    const r = rejectedCreate(hr({ chart, chartRef }));
    expect(r.map((x) => [x.path, x.effect])).toEqual([['spec', 'rejected']]);
    expect(r[0].rule).toMatch(/either chart or chartRef must be set/);
    expect(planFleet([], [hr({ chart, chartRef })]).totals.rejected).toBe(1);
  });
  test('one of them: accepted', () => {
    expect(rejectedCreate(hr({ chart }))).toEqual([]);
    expect(rejectedCreate(hr({ chartRef }))).toEqual([]);
  });
});

describe('the report groups by cluster', () => {
  test('objects of no cluster form one "other objects" group; an add-on\'s objects in its own namespace join their Cluster', () => {
    const fleet = manifestsOf([clusterSpec({ cluster: { name: 'edge', namespace: 'fleet' } })]);
    const others: Manifest[] = [
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a', namespace: 'default' }, data: { x: '1' } },
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'b', namespace: 'monitoring' }, data: { x: '1' } },
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'iaas-addon-jupyterhub-xq2j', labels: { 'cluster.x-k8s.io/cluster-name': 'edge' } }, data: { x: '1' } },
    ];
    const plan = planFleet([...fleet, ...others], [...fleet, ...others]);
    expect(plan.clusters.map((c) => `${c.cluster.namespace}/${c.cluster.name}`)).toEqual(['fleet/edge', '/']);
    const text = formatPlan(plan);
    expect(text).not.toMatch(/cluster default\/|cluster monitoring\/|cluster iaas-addon/);
    const changed = planFleet([...fleet, ...others], [...fleet, ...others.map((o) => edited(o, (x) => { x.data.x = '2'; }))]);
    expect(formatPlan(changed)).toMatch(/other objects \(of no cluster\): changed\n {2}IN PLACE \(2\)\n {4}ConfigMap default\/a/);
    expect(changed.clusters[0].inPlace.map((i) => i.object.name)).toEqual(['c']);
  });
});

describe('v1beta1 KubeadmControlPlane: server-side apply leaves an emptied control-plane component null (real server, differential test)', () => {
  const withArgs = (v: 'v1beta1' | 'v1beta2', args: boolean) => manifestsOf([clusterSpec({
    cluster: { apiVersion: v } as never,
    controlPlane: { ...(clusterSpec().controlPlane as object), kubeadm: args ? { apiServer: { extraArgs: { 'audit-log-maxage': '30' } } } : {} } as never,
  })]);

  test('v1beta1: the last apiServer argument removed is rejected (apiServer: Invalid value: "null")', () => {
    const plan = planFleet(withArgs('v1beta1', true), withArgs('v1beta1', false));
    const r = plan.clusters.flatMap((c) => c.rejected).filter((x) => x.effect === 'rejected');
    expect(r.map((x) => [x.object.kind, x.path])).toEqual([['KubeadmControlPlane', 'spec.kubeadmConfigSpec.clusterConfiguration.apiServer']]);
    expect(r[0].rule).toMatch(/Invalid value: "null"/);
  });

  test('v1beta2, or an argument kept: accepted', () => {
    expect(planFleet(withArgs('v1beta2', true), withArgs('v1beta2', false)).totals.rejected).toBe(0);
    expect(planFleet(withArgs('v1beta1', false), withArgs('v1beta1', true)).totals.rejected).toBe(0);
    expect(planFleet(withArgs('v1beta1', true), withArgs('v1beta1', true)).totals.rejected).toBe(0);
  });
});
