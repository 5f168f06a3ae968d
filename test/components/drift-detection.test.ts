/**
 * Flux drift detection (`spec.driftDetection`) on every HelmRelease the library emits: enabled by
 * default with the replicas of Deployments and StatefulSets ignored; overridable per add-on and per
 * component; checked against the HelmRelease CRD.
 */
import { ClusterProps, DEFAULT_DRIFT_IGNORE, OpenStackCluster, renderClusterAddon } from '../../lib/core';
import { buildCluster } from '../../lib/core/cluster/cluster';
import { validateManifest } from '../support/crd-schemas';
import { validationError } from '../support/validation-error';

const ref = { name: 'prod', namespace: 'tenants', kubernetesVersion: 'v1.31.4', apiVersion: 'v1beta2' as const, cniRelease: 'prod-cni' };
const props = (extra: Partial<ClusterProps> = {}): ClusterProps => ({
  name: 'prod', namespace: 'tenants', kubernetesVersion: 'v1.31.2', cni: 'calico',
  infrastructure: new OpenStackCluster({ cloudName: 'openstack', secretName: 'prod-cloud-config', externalNetwork: 'public', apiServerLoadBalancer: true, managedSubnets: [{ cidr: '10.6.0.0/24' }] }),
  cloudController: { credentialsSecret: 'prod-cloud-controller' }, csi: {},
  ...extra,
});
const releases = (ms: readonly { kind: string }[]) => ms.filter((m) => m.kind === 'HelmRelease') as any[];
const paths = (fn: () => unknown) => validationError(fn).issues.map((i) => i.path);

test('every component and add-on HelmRelease corrects drift by default, ignoring the replicas HPAs own', () => {
  const all = [...releases(buildCluster(props()).manifests), ...releases(renderClusterAddon({ cluster: ref, addon: 'kuberay' }).manifests)];
  expect(all.length).toBeGreaterThanOrEqual(4);
  for (const hr of all) {
    expect(hr.spec.driftDetection).toEqual({
      mode: 'enabled',
      ignore: [
        { paths: ['/spec/replicas'], target: { group: 'apps', kind: 'Deployment' } },
        { paths: ['/spec/replicas'], target: { group: 'apps', kind: 'StatefulSet' } },
      ],
    });
    expect(validateManifest(hr)).toEqual([]);
  }
  expect(DEFAULT_DRIFT_IGNORE).toHaveLength(2);
});

test('an add-on overrides mode and rules for all its releases', () => {
  const ignore = [{ paths: ['/spec/template/spec/containers/0/image'], target: { kind: 'Deployment', name: 'kuberay-operator' } }];
  const m = renderClusterAddon({ cluster: ref, addon: 'kuberay', driftDetection: { mode: 'warn', ignore } });
  for (const hr of releases(m.manifests)) {
    expect(hr.spec.driftDetection).toEqual({ mode: 'warn', ignore });
    expect(validateManifest(hr)).toEqual([]);
  }
  const off = renderClusterAddon({ cluster: ref, addon: 'kuberay', driftDetection: { mode: 'disabled', ignore: [] } });
  expect(releases(off.manifests)[0].spec.driftDetection).toEqual({ mode: 'disabled' });
  expect(off.warnings.map((w) => w.path)).toContain('driftDetection.mode');
});

test('each component is overridden on its own', () => {
  const ms = buildCluster(props({ componentDriftDetection: { cni: { mode: 'warn' }, csi: { ignore: [] } } })).manifests;
  const byName = Object.fromEntries(releases(ms).map((hr) => [hr.metadata.name, hr.spec.driftDetection]));
  expect(byName['prod-cni'].mode).toBe('warn');
  expect(byName['prod-cni'].ignore).toHaveLength(2);
  expect(byName['prod-csi']).toEqual({ mode: 'enabled' });
  expect(byName['prod-cloud-controller'].mode).toBe('enabled');
});

test.each([
  [{ mode: 'on' }, ['driftDetection.mode']],
  [{ ignore: 'replicas' }, ['driftDetection.ignore']],
  [{ ignore: [{ paths: [] }] }, ['driftDetection.ignore[0].paths']],
  [{ ignore: [{ paths: ['spec/replicas', '/a~2'] }] }, ['driftDetection.ignore[0].paths[0]', 'driftDetection.ignore[0].paths[1]']],
  [{ ignore: [{ paths: ['/x'], target: { kind: '', colour: 'red' } }] }, ['driftDetection.ignore[0].target.colour', 'driftDetection.ignore[0].target.kind']],
  [{ mode: 'enabled', extra: true }, ['driftDetection.extra']],
])('add-on driftDetection %p is rejected at %p', (driftDetection, expected) => {
  expect(paths(() => renderClusterAddon({ cluster: ref, addon: 'kuberay', driftDetection: driftDetection as never })).sort()).toEqual([...expected].sort());
});

test('componentDriftDetection: unknown components and bad rules are rejected together', () => {
  expect(paths(() => buildCluster(props({ componentDriftDetection: { ingress: {} } as never })))).toEqual(['componentDriftDetection.ingress']);
  expect(paths(() => buildCluster(props({ componentDriftDetection: { cni: { mode: 'x' }, csi: { ignore: [{ paths: ['x'] }] } } as never })))).toEqual([
    'componentDriftDetection.cni.mode', 'componentDriftDetection.csi.ignore[0].paths[0]',
  ]);
});
