/**
 * Every HelmRelease the library can emit asks for a chart its HelmRepository serves: each (chart name,
 * version), for every supported Kubernetes minor, cloud and CNI, and for every add-on, is looked up in
 * the repository's index.yaml snapshot in ../shared/chart-indexes (names in every index; versions where
 * the snapshot covers the pinned release, see its README). Rendering a local chart folder cannot catch
 * a wrong name or an unpublished version: Flux's source controller fetches by the index.
 */
import * as fs from 'fs';
import * as path from 'path';
import { parse } from 'yaml';
import {
  ADDON_NAMES, CINDER_CSI_CHART_VERSIONS, ClusterProps, OPENSTACK_CCM_CHART_VERSIONS, OpenStackCluster, renderClusterAddon, VSPHERE_CPI_CHART_VERSIONS, VSphereCluster,
} from '../../lib/core';
import { buildCluster } from '../../lib/core/cluster/cluster';
import { Manifest } from '../../lib/core/output/manifest';

const INDEXES = path.resolve(__dirname, '../../../shared/chart-indexes');

/** The index snapshot of each repository URL, and whether it covers the pinned releases (../shared/chart-indexes/README.md). */
const SNAPSHOTS: Record<string, { file: string; versions: boolean }> = {
  'https://kubernetes.github.io/cloud-provider-openstack': { file: 'cloud-provider-openstack.yaml', versions: true },
  'https://kubernetes.github.io/cloud-provider-vsphere': { file: 'cloud-provider-vsphere.yaml', versions: true },
  'https://kubernetes.github.io/autoscaler': { file: 'autoscaler.yaml', versions: true },
  'https://hub.jupyter.org/helm-chart': { file: 'jupyterhub.yaml', versions: false },
  'https://ray-project.github.io/kuberay-helm': { file: 'kuberay.yaml', versions: false },
};
/** Repositories whose index is not in ../shared/chart-indexes (README: "Not here"). */
const NO_SNAPSHOT = ['https://docs.tigera.io/calico/charts', 'https://helm.cilium.io'];

const normalize = (url: string) => url.replace(/\/+$/, '');

const indexes = new Map<string, Map<string, Set<string>>>();
/** chart name -> versions served, from an index.yaml. */
function index(file: string): Map<string, Set<string>> {
  if (!indexes.has(file)) {
    const doc = parse(fs.readFileSync(path.join(INDEXES, file), 'utf8'), { maxAliasCount: -1 }) as { entries: Record<string, { version: string }[]> };
    indexes.set(file, new Map(Object.entries(doc.entries).map(([name, list]) => [name, new Set(list.map((e) => String(e.version)))])));
  }
  return indexes.get(file)!;
}

interface Ask { readonly from: string; readonly chart: string; readonly version: string; readonly url: string }

/** The (chart, version, repository URL) of every HelmRelease in `manifests`. */
function asks(from: string, manifests: readonly Manifest[]): Ask[] {
  const repos = new Map(manifests.filter((m) => m.kind === 'HelmRepository').map((m) => [`${m.metadata.namespace}/${m.metadata.name}`, (m as any).spec.url as string]));
  return manifests.filter((m) => m.kind === 'HelmRelease').map((m) => {
    const spec = (m as any).spec.chart.spec;
    const url = repos.get(`${spec.sourceRef.namespace ?? m.metadata.namespace}/${spec.sourceRef.name}`);
    if (url === undefined) throw new Error(`${from}: HelmRelease ${m.metadata.name} refers to HelmRepository ${spec.sourceRef.name}, which is not emitted with it`);
    return { from: `${from}: HelmRelease ${m.metadata.name}`, chart: spec.chart, version: spec.version, url: normalize(url) };
  });
}

const MINORS = [...new Set([...Object.keys(OPENSTACK_CCM_CHART_VERSIONS), ...Object.keys(CINDER_CSI_CHART_VERSIONS), ...Object.keys(VSPHERE_CPI_CHART_VERSIONS)])].map(Number);

function clusterProps(minor: number, cloud: 'openstack' | 'vsphere', cni: 'calico' | 'cilium'): ClusterProps {
  const base = { name: 'prod', namespace: 'tenants', kubernetesVersion: `v1.${minor}.2`, cni, clusterNetwork: { pods: ['172.20.0.0/16'] }, cloudController: { credentialsSecret: 'prod-cloud-controller' } };
  return cloud === 'openstack'
    ? {
      ...base,
      infrastructure: new OpenStackCluster({ cloudName: 'openstack', secretName: 'prod-cloud-config', externalNetwork: 'public', apiServerLoadBalancer: true, managedSubnets: [{ cidr: '10.6.0.0/24' }], managedSecurityGroups: true }),
      csi: {},
    }
    : { ...base, infrastructure: new VSphereCluster({ server: 'vcenter.example.com', controlPlaneEndpoint: { host: '10.20.0.10' } }) };
}

/** Every HelmRelease the library can emit: components per minor, cloud and CNI; each add-on per minor. */
function everyAsk(): Ask[] {
  const out: Ask[] = [];
  for (const minor of MINORS) {
    for (const cloud of ['openstack', 'vsphere'] as const) {
      for (const cni of ['calico', 'cilium'] as const) {
        const c = buildCluster(clusterProps(minor, cloud, cni));
        out.push(...asks(`1.${minor} ${cloud} ${cni}`, c.manifests));
        if (cloud === 'openstack' && cni === 'calico') {
          for (const addon of ADDON_NAMES) out.push(...asks(`1.${minor} add-on ${addon}`, renderClusterAddon({ cluster: c.ref, addon }).manifests));
        }
      }
    }
  }
  return out;
}

describe('every HelmRelease asks its repository for a chart the repository serves', () => {
  const all = everyAsk();

  test('the releases cover every component chart and add-on chart', () => {
    const charts = new Set(all.map((a) => a.chart));
    for (const c of ['tigera-operator', 'cilium', 'openstack-cloud-controller-manager', 'openstack-cinder-csi', 'vsphere-cpi', 'jupyterhub', 'kuberay-operator', 'ray-cluster']) {
      expect(charts).toContain(c);
    }
  });

  test('each repository has an index snapshot, but Calico\'s and Cilium\'s', () => {
    const unknown = [...new Set(all.map((a) => a.url))].filter((u) => SNAPSHOTS[u] === undefined);
    expect(unknown.sort()).toEqual([...NO_SNAPSHOT].sort());
  });

  test('each chart name is in its repository\'s index', () => {
    const missing = all.filter((a) => SNAPSHOTS[a.url] && !index(SNAPSHOTS[a.url].file).has(a.chart))
      .map((a) => `${a.from} asks ${a.url} for chart ${a.chart}, which its index does not list`);
    expect([...new Set(missing)]).toEqual([]);
  });

  test('each (chart, version) is in the index where the snapshot covers the release', () => {
    const covered = all.filter((a) => SNAPSHOTS[a.url]?.versions);
    expect(covered.length).toBeGreaterThan(0);
    const missing = covered.filter((a) => !index(SNAPSHOTS[a.url].file).get(a.chart)?.has(a.version))
      .map((a) => `${a.from} asks ${a.url} for ${a.chart} ${a.version}, which its index does not list`);
    expect([...new Set(missing)]).toEqual([]);
  });
});
