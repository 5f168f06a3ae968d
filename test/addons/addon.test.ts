import { Chart, Testing } from 'cdk8s';
import { Cluster, ClusterAddon, ValidationError } from '../../lib';
import {
  ADDON_CATALOG, ADDON_CATALOG_VERSION, ADDON_NAMES, addonComponent, addonNames, addonSuffix, ClusterAddonProps, MAX_RELEASE_NAME_LENGTH, renderClusterAddon,
} from '../../lib/core/addons';
import { renderFleet } from '../../lib/core/fleet/render';
import { fleet } from '../../examples/fleet';
import { clusterChart, helmReleases, synthAddon } from './fixtures';
import { TEST_INFRA } from '../support/infrastructure';

const ref = { name: 'prod', namespace: 'tenants', kubernetesVersion: 'v1.31.4', apiVersion: 'v1beta2' as const };

function validationError(fn: () => unknown): ValidationError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ValidationError);
    return e as ValidationError;
  }
  throw new Error('expected a ValidationError');
}

describe('naming', () => {
  test('synthesizing twice yields the same names and objects', () => {
    const a = synthAddon({ addon: 'kuberay' }).objects;
    const b = synthAddon({ addon: 'kuberay' }).objects;
    expect(a).toEqual(b);
  });

  test('suffix is 4 lower-case alphanumerics and depends on cluster namespace, name and add-on', () => {
    const s = addonSuffix('tenants', 'prod', 'jupyterhub');
    expect(s).toMatch(/^[a-z0-9]{4}$/);
    expect(new Set([s, addonSuffix('other', 'prod', 'jupyterhub'), addonSuffix('tenants', 'prod2', 'jupyterhub'), addonSuffix('tenants', 'prod', 'kuberay')]).size).toBe(4);
  });

  test('namespace is iaas-addon-<addon>-<suffix> and the primary release <addon>-<suffix>, as emitted', () => {
    const { addon, objects } = synthAddon({ addon: 'jupyterhub' });
    const suffix = addonSuffix('tenants', 'prod', 'jupyterhub');
    expect(addon.namespace).toBe(`iaas-addon-jupyterhub-${suffix}`);
    const [hr] = helmReleases(objects);
    expect([hr.metadata.name, hr.spec.releaseName, hr.spec.targetNamespace, hr.spec.storageNamespace])
      .toEqual([`jupyterhub-${suffix}`, `jupyterhub-${suffix}`, addon.namespace, addon.namespace]);
  });

  test('for the longest legal cluster name every name stays within the Kubernetes and Helm limits', () => {
    const cluster = { name: 'c'.repeat(49), namespace: 'n'.repeat(63) };
    for (const a of ADDON_NAMES) {
      const n = addonNames(cluster, a);
      expect(n.namespace.length).toBeLessThanOrEqual(63);
      for (const r of n.releases) expect(r.name.length).toBeLessThanOrEqual(MAX_RELEASE_NAME_LENGTH);
      for (const name of [n.networkPolicy, n.tenantResources, n.prometheusRule]) expect(name.length).toBeLessThanOrEqual(63);
    }
  });
});

describe('HelmRelease', () => {
  test('management mode: on the management cluster, targets the workload cluster via <cluster>-kubeconfig', () => {
    const { addon, objects } = synthAddon({ addon: 'jupyterhub' });
    const [hr] = helmReleases(objects);
    expect(hr.apiVersion).toBe('helm.toolkit.fluxcd.io/v2');
    expect(hr.metadata.namespace).toBe('tenants');
    expect(hr.spec.kubeConfig).toEqual({ secretRef: { name: 'prod-kubeconfig', key: 'value' } });
    expect(hr.spec.install.createNamespace).toBe(true);
    expect(hr.spec.targetNamespace).toBe(addon.namespace);
    const repo = objects.find((o) => o.kind === 'HelmRepository');
    expect(repo.apiVersion).toBe('source.toolkit.fluxcd.io/v1');
    expect(hr.spec.chart.spec.sourceRef).toEqual({ kind: 'HelmRepository', name: repo.metadata.name });
    expect(repo.metadata.namespace).toBe(hr.metadata.namespace);
  });

  test('tenant mode: no kubeConfig, everything in the add-on namespace, the Namespace emitted first', () => {
    const { addon, objects } = synthAddon({ addon: 'jupyterhub', mode: 'tenant' });
    expect(objects[0]).toMatchObject({ kind: 'Namespace', metadata: { name: addon.namespace } });
    for (const o of objects.slice(1)) expect(o.metadata.namespace).toBe(addon.namespace);
    const [hr] = helmReleases(objects);
    expect(hr.spec.kubeConfig).toBeUndefined();
    expect(objects.some((o) => o.kind === 'ClusterResourceSet')).toBe(false);
  });

  test('pins the catalog chart versions, replaces CRDs on upgrade and retries failed installs and upgrades', () => {
    for (const a of ADDON_NAMES) {
      const hrs = helmReleases(synthAddon({ addon: a }).objects);
      expect(hrs.map((h) => [h.spec.chart.spec.chart, h.spec.chart.spec.version])).toEqual(ADDON_CATALOG[a].charts.map((c) => [c.chart, c.version]));
      for (const h of hrs) {
        expect(h.spec.upgrade.crds).toBe('CreateReplace');
        expect(h.spec.install.remediation.retries).toBeGreaterThan(0);
        expect(h.spec.upgrade.remediation.retries).toBeGreaterThan(0);
        expect(h.metadata.annotations['addons.capi-constructs.io/catalog-version']).toBe(ADDON_CATALOG_VERSION);
      }
    }
  });

  test('KubeRay: ray-cluster dependsOn the operator release of the same cluster', () => {
    const hrs = helmReleases(synthAddon({ addon: 'kuberay' }).objects);
    const operator = hrs.find((h) => h.spec.chart.spec.chart === 'kuberay-operator');
    const cluster = hrs.find((h) => h.spec.chart.spec.chart === 'ray-cluster');
    // both wait for the cluster's CNI first (docs/components.md)
    expect(cluster.spec.dependsOn).toEqual([{ name: 'prod-cni' }, { name: operator.metadata.name }]);
    expect(operator.spec.dependsOn).toEqual([{ name: 'prod-cni' }]);
  });
});

describe('parameters', () => {
  test('JupyterHub: cpu becomes a number of cores, memory JupyterHub byte notation (binary K/M/G)', () => {
    const [hr] = helmReleases(synthAddon({ addon: 'jupyterhub', parameters: { cpu: '500m', memory: '4Gi', memoryGuarantee: '1536Mi' } }).objects);
    expect(hr.spec.values.singleuser.cpu).toEqual({ limit: 0.5, guarantee: 0.5 });
    expect(hr.spec.values.singleuser.memory).toEqual({ limit: '4G', guarantee: '1536M' });
  });

  test('JupyterHub: defaults come from the catalog', () => {
    const [hr] = helmReleases(synthAddon({ addon: 'jupyterhub' }).objects);
    const d = Object.fromEntries(ADDON_CATALOG.jupyterhub.parameters.map((p) => [p.name, p.default]));
    expect(hr.spec.values.singleuser.storage.capacity).toBe(d.storage);
    // no authentication: the hub stays inside the cluster (defect 1: the chart's LoadBalancer was the default)
    expect(d.serviceType).toBeUndefined();
    expect(hr.spec.values.proxy.service.type).toBe('ClusterIP');
    expect(hr.spec.values.singleuser.cpu.limit).toBe(Number(d.cpu));
  });

  test('KubeRay: head and worker resources are Kubernetes-native, requests = limits; worker counts pass through', () => {
    const hrs = helmReleases(synthAddon({ addon: 'kuberay', parameters: { head: { cpu: '2', memory: '8Gi' }, worker: { cpu: '500m', replicas: 2, minReplicas: 1, maxReplicas: 4 }, autoscaling: true } }).objects);
    const v = hrs.find((h) => h.spec.chart.spec.chart === 'ray-cluster').spec.values;
    expect(v.head.resources).toEqual({ requests: { cpu: '2', memory: '8Gi' }, limits: { cpu: '2', memory: '8Gi' } });
    expect(v.head.enableInTreeAutoscaling).toBe(true);
    expect(v.worker).toMatchObject({ replicas: 2, minReplicas: 1, maxReplicas: 4, resources: { limits: { cpu: '500m', memory: '1Gi' } } });
  });

  test('KubeRay: exposing the head needs the CIDRs allowed to connect, and warns', () => {
    const err = validationError(() => synthAddon({ addon: 'kuberay', parameters: { serviceType: 'LoadBalancer' } }));
    expect(err.issues.map((i) => i.path)).toEqual(['parameters.access.cidrs']);
    const { addon } = synthAddon({ addon: 'kuberay', parameters: { serviceType: 'LoadBalancer', access: { cidrs: ['203.0.113.0/24'] } } });
    expect(addon.warnings.map((w) => w.path)).toEqual(['parameters.access']);
    expect(synthAddon({ addon: 'kuberay' }).addon.warnings).toEqual([]);
  });
});

describe('errors (ValidationError, statusCode 400, thrown before anything is added to the tree)', () => {
  function expectNoChild(props: Partial<ClusterAddonProps>, kubernetesVersion = 'v1.31.4'): ValidationError {
    const { chart, cluster } = clusterChart({ kubernetesVersion });
    const err = validationError(() => new ClusterAddon(chart, 'addon', { cluster, ...props } as ClusterAddonProps));
    expect(chart.node.tryFindChild('addon')).toBeUndefined();
    expect(err.statusCode).toBe(400);
    return err;
  }

  test('cluster Kubernetes version below the constraint: names the add-on, the constraint and the version', () => {
    for (const a of ADDON_NAMES) {
      const err = expectNoChild({ addon: a }, 'v1.27.9');
      expect(err.issues).toHaveLength(1);
      expect(err.issues[0].path).toBe('cluster.kubernetesVersion');
      expect(err.message).toContain(`"${a}"`);
      expect(err.message).toContain(ADDON_CATALOG[a].kubernetesVersion);
      expect(err.message).toContain('v1.27.9');
    }
  });

  test('the constraint admits prereleases of the minimum version (the chart\'s ">=1.28.0-0") and rejects 1.27', () => {
    const render = (v: string) => () => renderClusterAddon({ cluster: { ...ref, kubernetesVersion: v }, addon: 'kuberay' });
    for (const v of ['v1.28.0-rc.1', 'v1.28.0', 'v1.33.2']) expect(render(v)).not.toThrow();
    for (const v of ['v1.27.15', 'v1.27.0-alpha']) expect(render(v)).toThrow(ValidationError);
  });

  test('unknown add-on lists the catalog', () => {
    const err = expectNoChild({ addon: 'grafana' as never });
    expect(err.issues).toEqual([{ path: 'addon', message: expect.stringContaining('"jupyterhub", "kuberay"') }]);
  });

  test('unknown parameter, also nested, lists the known ones', () => {
    const err = expectNoChild({ addon: 'kuberay', parameters: { gpu: 1, head: { cpu: '1', disk: '1Gi' } } as never });
    expect(err.issues.map((i) => i.path)).toEqual(['parameters.gpu', 'parameters.head.disk']);
    expect(err.issues[1].message).toContain('"cpu", "memory"');
  });

  test('invalid quantities: every one reported, with field and value', () => {
    const err = expectNoChild({ addon: 'jupyterhub', parameters: { cpu: '2 cores', memory: '-1Gi', storage: 0 as never } });
    expect(err.issues.map((i) => i.path)).toEqual(['parameters.cpu', 'parameters.memory', 'parameters.storage']);
    expect(err.issues[0].message).toContain('"2 cores"');
  });

  test('a guarantee above its limit', () => {
    const err = expectNoChild({ addon: 'jupyterhub', parameters: { cpu: '1', cpuGuarantee: '1500m', memory: '1Gi', memoryGuarantee: '2Gi' } });
    expect(err.issues.map((i) => i.path)).toEqual(['parameters.cpuGuarantee', 'parameters.memoryGuarantee']);
  });

  test('worker bounds: min above max, replicas outside the range, wrong types', () => {
    expect(expectNoChild({ addon: 'kuberay', parameters: { worker: { minReplicas: 3, maxReplicas: 2 } } }).issues.map((i) => i.path)).toEqual(['parameters.worker.minReplicas']);
    expect(expectNoChild({ addon: 'kuberay', parameters: { worker: { replicas: 9 } } }).issues.map((i) => i.path)).toEqual(['parameters.worker.replicas']);
    expect(expectNoChild({ addon: 'kuberay', parameters: { worker: { replicas: '2' as never }, autoscaling: 'yes' as never } }).issues.map((i) => i.path))
      .toEqual(['parameters.worker.replicas', 'parameters.autoscaling']);
  });

  test('bad enum, interval, mode, monitoring and parameters types', () => {
    const err = expectNoChild({ addon: 'jupyterhub', mode: 'hybrid' as never, interval: '10 minutes', monitoring: { notReadyFor: 'soon' }, parameters: { serviceType: 'Ingress' as never, storageClass: 'Fast_SSD' } });
    expect(err.issues.map((i) => i.path).sort()).toEqual(['interval', 'mode', 'monitoring.notReadyFor', 'parameters.serviceType', 'parameters.storageClass']);
    expect(expectNoChild({ addon: 'jupyterhub', parameters: [] as never }).issues.map((i) => i.path)).toEqual(['parameters']);
  });

  test('null props, null parameters or a missing cluster never cause a TypeError', () => {
    expect(validationError(() => renderClusterAddon(null as never)).statusCode).toBe(400);
    expect(validationError(() => renderClusterAddon({ addon: 'kuberay', parameters: { head: null } } as never)).issues.map((i) => i.path))
      .toEqual(['cluster', 'parameters.head']);
  });

  test('a Cluster construct can be passed directly', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'c');
    const cluster = new Cluster(chart, 'cluster', { infrastructure: TEST_INFRA, cni: 'calico', name: 'x', kubernetesVersion: '1.30.1' });
    expect(new ClusterAddon(chart, 'a', { cluster, addon: 'kuberay' }).names.kubeconfigSecret).toBe('x-kubeconfig');
  });
});

describe('core objects', () => {
  /**
   * Paths of undefined values and of empty objects or lists, except the NetworkPolicy selectors where `{}`
   * means "all", and z2jh's `allowedIngressPorts`, where `[]` replaces the chart's default list (HelmRelease
   * values are free-form, so the API server accepts it).
   */
  function emptyPaths(v: unknown, path: string, out: string[] = []): string[] {
    if (v === undefined) out.push(path);
    else if (Array.isArray(v)) {
      if (v.length === 0 && !/\.spec\.values\.proxy\.(chp|traefik)\.networkPolicy\.allowedIngressPorts$/.test(path)) out.push(path);
      v.forEach((x, i) => emptyPaths(x, `${path}[${i}]`, out));
    } else if (v !== null && typeof v === 'object') {
      if (Object.keys(v).length === 0 && !/\.(podSelector|namespaceSelector)$/.test(path)) out.push(path);
      for (const [k, x] of Object.entries(v)) emptyPaths(x, `${path}.${k}`, out);
    }
    return out;
  }

  test.each(ADDON_NAMES.flatMap((addon) => (['management', 'tenant'] as const).flatMap((mode) => [
    [addon, mode, 'defaults', undefined],
    [addon, mode, 'monitoring off', false],
  ] as const)))('%s in %s mode (%s) holds no undefined value and no empty object or list', (addon, mode, _what, monitoring) => {
    const model = renderClusterAddon({ cluster: ref, addon, mode, ...(monitoring === false ? { monitoring } : {}) });
    const all = [...model.manifests, ...model.workloadClusterManifests];
    expect(all.flatMap((m) => emptyPaths(m, `${m.kind}/${m.metadata.name}`))).toEqual([]);
  });
});

describe('addonComponent (an add-on in a fleet ClusterSpec)', () => {
  test('renders the objects of renderClusterAddon for the cluster it is given, id and subject from the add-on', () => {
    const c = addonComponent({ addon: 'kuberay', mode: 'tenant' });
    expect([c.id, c.subject]).toEqual(['kuberay', 'ClusterAddon "kuberay"']);
    expect(c.render(ref)).toEqual(renderClusterAddon({ cluster: ref, addon: 'kuberay', mode: 'tenant' }));
    expect(addonComponent({ addon: 'kuberay' }, 'ray').id).toBe('ray');
  });

  test('bad add-on props are reported per cluster with the full path, with the other problems of the fleet', () => {
    const [spec] = fleet;
    const bad = { ...spec, components: [addonComponent({ addon: 'jupyterhub', parameters: { cpu: 'lots' } })] };
    const err = validationError(() => renderFleet([bad, { ...bad, cluster: { ...bad.cluster, name: 'other', kubernetesVersion: 'v1.20.0', cloudController: false } }]));
    const paths = err.issues.map((i) => i.path);
    expect(paths).toContain('clusters[0].components[0].parameters.cpu');
    expect(paths).toContain('clusters[1].components[0].parameters.cpu');
    expect(paths).toContain('clusters[1].components[0].cluster.kubernetesVersion');
  });
});
