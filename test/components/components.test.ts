/**
 * Cluster components (docs/components.md): the CNI, the cloud controller manager and CSI, rendered
 * with the charts in ../shared/charts from the values the library emits, for every supported
 * Kubernetes minor; ordering; credential delivery; errors; CRD conformance.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Chart, Testing } from 'cdk8s';
import { parse } from 'yaml';
import {
  addonComponent, CALICO_CHART_VERSION, CINDER_CSI_CHART_VERSIONS, ClusterProps, CustomMachineTemplate, existingInfrastructureCluster,
  OPENSTACK_CCM_CHART_VERSIONS, OpenStackCluster, renderClusterAddon, renderFleet, VSPHERE_CPI_CHART_VERSIONS, VSphereCluster,
} from '../../lib/core';
import { buildCluster } from '../../lib/core/cluster/cluster';
import { Cluster } from '../../lib/cdk8s';
import { Manifest } from '../../lib/core/output/manifest';
import { validateManifest } from '../support/crd-schemas';
import { helmTemplate, RenderedObject, sharedChart } from '../support/helm';
import { validationError } from '../support/validation-error';

const POD_CIDR = '172.20.0.0/16';
const openstack = () => new OpenStackCluster({
  cloudName: 'openstack', secretName: 'prod-cloud-config', externalNetwork: 'public', apiServerLoadBalancer: true,
  managedSubnets: [{ cidr: '10.6.0.0/24' }], managedSecurityGroups: true,
});
const vsphere = () => new VSphereCluster({ server: 'vcenter.example.com', controlPlaneEndpoint: { host: '10.20.0.10' } });

function osProps(minor: number, extra: Partial<ClusterProps> = {}): ClusterProps {
  return {
    name: 'prod', namespace: 'tenants', kubernetesVersion: `v1.${minor}.2`, cni: 'calico', clusterNetwork: { pods: [POD_CIDR] },
    infrastructure: openstack(), cloudController: { credentialsSecret: 'prod-cloud-controller' },
    csi: { storageClasses: [{ name: 'ssd', default: true, volumeType: 'ceph-ssd', availabilityZone: 'nova' }, { name: 'archive', reclaimPolicy: 'Retain', volumeType: 'hdd', allowVolumeExpansion: false }] },
    ...extra,
  };
}
const vsProps = (minor: number): ClusterProps => ({
  name: 'prod', namespace: 'tenants', kubernetesVersion: `v1.${minor}.0`, cni: 'cilium', clusterNetwork: { pods: [POD_CIDR] },
  infrastructure: vsphere(), cloudController: { credentialsSecret: 'prod-cloud-controller' },
});

const release = (ms: readonly Manifest[], name: string) => ms.find((m) => m.kind === 'HelmRelease' && m.metadata.name === name) as Manifest & { spec: any };

/**
 * openstack-cloud-controller-manager depends on Bitnami's `common` library chart, which is not in
 * ../shared/charts (and tests download nothing). Its templates include only `common.labels.standard`,
 * so the render uses a temporary copy of the chart with a minimal library chart defining that helper
 * (the labels only; every other template is the upstream one).
 */
let tmp: string | undefined;
function withCommonLibrary(dir: string): string {
  tmp ??= fs.mkdtempSync(path.join(os.tmpdir(), 'capi-components-'));
  const copy = path.join(tmp, dir);
  fs.cpSync(sharedChart(dir), copy, { recursive: true });
  const common = path.join(copy, 'charts', 'common');
  fs.mkdirSync(path.join(common, 'templates'), { recursive: true });
  fs.writeFileSync(path.join(common, 'Chart.yaml'), 'apiVersion: v2\nname: common\nversion: 2.14.1\ntype: library\n');
  fs.writeFileSync(path.join(common, 'templates', '_labels.tpl'), '{{- define "common.labels.standard" -}}\napp.kubernetes.io/name: {{ .Chart.Name }}\napp.kubernetes.io/instance: {{ .Release.Name }}\n{{- end -}}\n');
  return copy;
}
afterAll(() => {
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

/** helm renders, once per chart and values (a suite renders each chart version once). */
const renders = new Map<string, RenderedObject[]>();
function render(hr: Manifest & { spec: any }, dir: string, kubeVersion: string): RenderedObject[] {
  const key = `${dir}\0${JSON.stringify(hr.spec.values)}`;
  if (!renders.has(key)) {
    const chart = dir.startsWith('openstack-cloud-controller-manager-') ? withCommonLibrary(dir) : sharedChart(dir);
    renders.set(key, helmTemplate(chart, hr.spec.values ?? {}, { namespace: hr.spec.targetNamespace, releaseName: hr.spec.releaseName, kubeVersion }));
  }
  return renders.get(key)!;
}
const minors = (t: Readonly<Record<number, string>>) => Object.keys(t).map(Number);

describe('the chart versions are the charts in ../shared/charts, one per Kubernetes minor', () => {
  test.each([
    ['openstack-cloud-controller-manager', OPENSTACK_CCM_CHART_VERSIONS],
    ['openstack-cinder-csi', CINDER_CSI_CHART_VERSIONS],
  ])('%s 2.N.x for 1.N', (chart, table) => {
    for (const [minor, version] of Object.entries(table)) {
      expect(version.startsWith(`2.${minor}.`)).toBe(true);
      expect(parse(fs.readFileSync(`${sharedChart(`${chart}-${version}`)}/Chart.yaml`, 'utf8')).version).toBe(version);
    }
  });
  test('vsphere-cpi 1.N.x for 1.N', () => {
    for (const [minor, version] of Object.entries(VSPHERE_CPI_CHART_VERSIONS)) {
      expect(version.replace(/^v/, '').startsWith(`1.${minor}.`)).toBe(true);
      expect(() => sharedChart(`vsphere-cpi-${version}.tgz`)).not.toThrow();
    }
  });
  test('tigera-operator', () => {
    expect(parse(fs.readFileSync(`${sharedChart(`tigera-operator-${CALICO_CHART_VERSION}`)}/Chart.yaml`, 'utf8')).version).toBe(CALICO_CHART_VERSION);
  });
});

describe('OpenStack: CCM and Cinder CSI render for every supported minor', () => {
  test.each(minors(OPENSTACK_CCM_CHART_VERSIONS))('1.%i: the CCM tolerates the uninitialized taint and reads the delivered Secret', (minor) => {
    const ms = buildCluster(osProps(minor)).manifests;
    const hr = release(ms, 'prod-cloud-controller');
    expect(hr.spec.chart.spec).toMatchObject({ chart: 'openstack-cloud-controller-manager', version: OPENSTACK_CCM_CHART_VERSIONS[minor] });
    const objs = render(hr, `openstack-cloud-controller-manager-${OPENSTACK_CCM_CHART_VERSIONS[minor]}`, `1.${minor}.2`);
    const ds = objs.find((o) => o.kind === 'DaemonSet')!;
    const pod = ds.spec.template.spec;
    expect(pod.tolerations).toContainEqual({ key: 'node.cloudprovider.kubernetes.io/uninitialized', value: 'true', effect: 'NoSchedule' });
    expect(pod.volumes).toContainEqual(expect.objectContaining({ secret: expect.objectContaining({ secretName: 'cloud-config' }) }));
    // the chart creates no Secret: the credentials come only from the ClusterResourceSet
    expect(objs.filter((o) => o.kind === 'Secret')).toEqual([]);
    // --cluster-name=$(CLUSTER_NAME): the cluster's own name, never the chart's default "kubernetes"
    const ccm = pod.containers[0];
    expect(ccm.args).toContain('--cluster-name=$(CLUSTER_NAME)');
    expect(ccm.env).toContainEqual({ name: 'CLUSTER_NAME', value: 'tenants.prod' });
  });

  test('two clusters never share a CCM cluster name (it names their load balancers)', () => {
    const ccmName = (name: string, namespace: string) => release(buildCluster({ ...osProps(33), name, namespace }).manifests, `${name}-cloud-controller`).spec.values.cluster.name;
    // same Cluster name in two namespaces, and names that would join to the same string with a dash
    const pairs: [string, string][] = [['prod', 'tenants'], ['prod', 'other'], ['b-c', 'a'], ['c', 'a-b'], ['b', 'c']];
    const names = pairs.map(([n, ns]) => ccmName(n, ns));
    expect(new Set(names).size).toBe(pairs.length);
    expect(names).not.toContain('kubernetes');
  });

  test.each(minors(CINDER_CSI_CHART_VERSIONS))('1.%i: Cinder CSI StorageClasses carry the props; it reads the same Secret', (minor) => {
    const hr = release(buildCluster(osProps(minor)).manifests, 'prod-csi');
    expect(hr.spec.chart.spec).toMatchObject({ chart: 'openstack-cinder-csi', version: CINDER_CSI_CHART_VERSIONS[minor] });
    const objs = render(hr, `openstack-cinder-csi-${CINDER_CSI_CHART_VERSIONS[minor]}`, `1.${minor}.2`);
    const classes = objs.filter((o) => o.kind === 'StorageClass');
    expect(classes.map((c) => ({ name: c.metadata.name, default: (c.metadata as any).annotations?.['storageclass.kubernetes.io/is-default-class'], reclaim: c.reclaimPolicy, exp: c.allowVolumeExpansion, params: c.parameters, prov: c.provisioner })))
      .toEqual([
        { name: 'ssd', default: 'true', reclaim: 'Delete', exp: true, params: { type: 'ceph-ssd', availability: 'nova' }, prov: 'cinder.csi.openstack.org' },
        { name: 'archive', default: undefined, reclaim: 'Retain', exp: false, params: { type: 'hdd' }, prov: 'cinder.csi.openstack.org' },
      ]);
    const controller = objs.find((o) => o.kind === 'Deployment')!;
    expect(controller.spec.template.spec.volumes).toContainEqual(expect.objectContaining({ secret: expect.objectContaining({ secretName: 'cloud-config' }) }));
    expect(objs.filter((o) => o.kind === 'Secret')).toEqual([]);
  });
});

describe('vSphere: the CPI renders for every supported minor', () => {
  test.each(minors(VSPHERE_CPI_CHART_VERSIONS))('1.%i: tolerates the uninitialized taint and reads the delivered cloud config', (minor) => {
    const hr = release(buildCluster(vsProps(minor)).manifests, 'prod-cloud-controller');
    const version = VSPHERE_CPI_CHART_VERSIONS[minor];
    expect(hr.spec.chart.spec).toMatchObject({ chart: 'vsphere-cpi', version });
    const objs = render(hr, `vsphere-cpi-${version}.tgz`, `1.${minor}.0`);
    const pod = objs.find((o) => o.kind === 'DaemonSet')!.spec.template.spec;
    expect(pod.tolerations).toContainEqual({ key: 'node.cloudprovider.kubernetes.io/uninitialized', value: 'true', effect: 'NoSchedule' });
    expect(pod.volumes).toContainEqual(expect.objectContaining({ configMap: { name: 'cloud-config' } }));
    // with config.enabled false the chart renders neither the config nor the credentials
    expect(objs.filter((o) => o.kind === 'Secret' || o.kind === 'ConfigMap')).toEqual([]);
  });
});

describe('CNI', () => {
  test('Calico: the Installation\'s IP pool is the Cluster\'s pod CIDR (tigera-operator rendered)', () => {
    const hr = release(buildCluster(osProps(31)).manifests, 'prod-cni');
    expect(hr.spec.chart.spec).toMatchObject({ chart: 'tigera-operator', version: CALICO_CHART_VERSION });
    const objs = render(hr, `tigera-operator-${CALICO_CHART_VERSION}`, '1.31.2');
    const installation = objs.find((o) => o.kind === 'Installation')!;
    expect(installation.spec.calicoNetwork.ipPools.map((p: any) => p.cidr)).toEqual([POD_CIDR]);
    expect(installation.spec.calicoNetwork.ipPools[0].encapsulation).toBe('IPIP');
  });

  test('Calico on OpenStack managed security groups: the CAPO reference\'s BGP and IP-in-IP rules are added, once', () => {
    const infra = buildCluster(osProps(31)).manifests.find((m) => m.kind === 'OpenStackCluster') as any;
    const rules = infra.spec.managedSecurityGroups.allNodesSecurityGroupRules;
    expect(rules.map((r: any) => [r.name, r.protocol, r.portRangeMin])).toEqual([['BGP (Calico)', 'tcp', 179], ['IP-in-IP (calico)', '4', undefined]]);
    const cilium = buildCluster(osProps(31, { cni: 'cilium' })).manifests.find((m) => m.kind === 'OpenStackCluster') as any;
    expect(cilium.spec.managedSecurityGroups.allNodesSecurityGroupRules).toBeUndefined();
  });

  test('Cilium: pinned chart; values only use keys of the chart\'s documented values, the pool is the pod CIDR', () => {
    const hr = release(buildCluster(vsProps(31)).manifests, 'prod-cni');
    expect(hr.spec).toMatchObject({ releaseName: 'cilium', targetNamespace: 'kube-system', chart: { spec: { chart: 'cilium', version: '1.18.4' } } });
    // keys from https://docs.cilium.io/en/stable/helm-reference/ (the chart is not in ../shared/charts)
    const DOCUMENTED = ['ipam.mode', 'ipam.operator.clusterPoolIPv4PodCIDRList', 'ipam.operator.clusterPoolIPv6PodCIDRList', 'ipv6.enabled', 'kubeProxyReplacement'];
    const leaves = (o: any, at = ''): string[] => Object.entries(o).flatMap(([k, v]) => (v && typeof v === 'object' && !Array.isArray(v) ? leaves(v, `${at}${k}.`) : [`${at}${k}`]));
    expect(leaves(hr.spec.values).filter((k) => !DOCUMENTED.includes(k))).toEqual([]);
    expect(hr.spec.values.ipam.operator.clusterPoolIPv4PodCIDRList).toEqual([POD_CIDR]);
  });

  test('cni is required; \'none\' warns and installs nothing', () => {
    const { cni: _, ...noCni } = osProps(31);
    const e = validationError(() => buildCluster(noCni as ClusterProps));
    expect(e.issues).toEqual([{ path: 'cni', message: expect.stringContaining("is required: without a CNI the Nodes stay NotReady") }]);
    const bad = validationError(() => buildCluster({ ...osProps(31), cni: 'flannel' as never }));
    expect(bad.issues[0].path).toBe('cni');
    const none = buildCluster({ ...osProps(31), cni: 'none' });
    expect(none.warnings).toContainEqual({ path: 'cni', message: expect.stringContaining('stay NotReady') });
    expect(release(none.manifests, 'prod-cni')).toBeUndefined();
    expect(release(none.manifests, 'prod-cloud-controller').spec.dependsOn).toBeUndefined();
  });
});

describe('ordering: the CNI first, the CCM next, CSI and add-ons after', () => {
  test('dependsOn, and every release targets the workload cluster through its kubeconfig Secret', () => {
    const c = buildCluster(osProps(31));
    expect(release(c.manifests, 'prod-cni').spec.dependsOn).toBeUndefined();
    expect(release(c.manifests, 'prod-cloud-controller').spec.dependsOn).toEqual([{ name: 'prod-cni' }]);
    expect(release(c.manifests, 'prod-csi').spec.dependsOn).toEqual([{ name: 'prod-cni' }, { name: 'prod-cloud-controller' }]);
    for (const hr of c.manifests.filter((m) => m.kind === 'HelmRelease')) {
      expect((hr as any).spec.kubeConfig).toEqual({ secretRef: { name: 'prod-kubeconfig', key: 'value' } });
      expect(hr.metadata.namespace).toBe('tenants');
    }
    const addon = renderClusterAddon({ cluster: c.ref, addon: 'kuberay' });
    for (const hr of addon.manifests.filter((m) => m.kind === 'HelmRelease')) expect((hr as any).spec.dependsOn[0]).toEqual({ name: 'prod-cni' });
    // tenant mode: Flux runs on the workload cluster, which already has its CNI
    const tenant = renderClusterAddon({ cluster: c.ref, addon: 'kuberay', mode: 'tenant' });
    expect(tenant.manifests.filter((m) => m.kind === 'HelmRelease').flatMap((m) => (m as any).spec.dependsOn ?? [])).not.toContainEqual({ name: 'prod-cni' });
  });
});

describe('credential delivery', () => {
  const SECRET_VALUES = ['s3cr3t-openstack-password', 'application-credential-id-1234'];
  // what the user creates on the management cluster (never passed to the library)
  const userSecret = {
    apiVersion: 'v1', kind: 'Secret', type: 'addons.cluster.x-k8s.io/resource-set', metadata: { name: 'prod-cloud-controller', namespace: 'tenants' },
    stringData: { 'cloud-config.yaml': `apiVersion: v1\nkind: Secret\nmetadata: { name: cloud-config, namespace: kube-system }\nstringData:\n  cloud.conf: |\n    [Global]\n    password=${SECRET_VALUES[0]}\n    application-credential-id=${SECRET_VALUES[1]}\n` },
  };

  test('a ClusterResourceSet applies the named Secret; no credential anywhere in the output or the chart renders', () => {
    const ms = buildCluster(osProps(31)).manifests;
    const crs = ms.find((m) => m.kind === 'ClusterResourceSet') as any;
    expect(crs.spec).toEqual({ strategy: 'Reconcile', clusterSelector: { matchLabels: { 'cluster.x-k8s.io/cluster-name': 'prod' } }, resources: [{ name: userSecret.metadata.name, kind: 'Secret' }] });
    const out = JSON.stringify(ms) + JSON.stringify([...renders.values()]);
    for (const v of SECRET_VALUES) expect(out).not.toContain(v);
    expect(ms.filter((m) => m.kind === 'Secret')).toEqual([]);
  });

  test('a missing reference says which Secret to create, with which key', () => {
    const e = validationError(() => buildCluster(osProps(31, { cloudController: undefined, csi: undefined })));
    expect(e.issues).toEqual([{ path: 'cloudController.credentialsSecret', message: expect.stringMatching(/create on the management cluster.*type "addons\.cluster\.x-k8s\.io\/resource-set".*key "cloud-config\.yaml" holds the manifest of the Secret "cloud-config" in namespace kube-system with key "cloud\.conf"/) }]);
    const vs = validationError(() => buildCluster({ ...vsProps(31), cloudController: undefined }));
    expect(vs.issues[0]).toEqual({ path: 'cloudController.credentialsSecret', message: expect.stringContaining('ConfigMap "cloud-config" in namespace kube-system with key "vsphere.conf"') });
    const csiOnly = validationError(() => buildCluster(osProps(31, { cloudController: false })));
    expect(csiOnly.issues.map((i) => i.path)).toEqual(['csi.credentialsSecret']);
    expect(buildCluster(osProps(31, { cloudController: false, csi: { credentialsSecret: 'prod-csi' } })).manifests.filter((m) => m.kind === 'ClusterResourceSet').map((m) => (m as any).spec.resources)).toEqual([[{ name: 'prod-csi', kind: 'Secret' }]]);
  });
});

describe('errors', () => {
  test('an unsupported minor lists the supported ones, for the CCM and for CSI', () => {
    const e = validationError(() => buildCluster(osProps(30)));
    expect(e.issues).toEqual([
      { path: 'kubernetesVersion', message: '"v1.30.2" has no release of the OpenStack cloud controller manager (openstack-cloud-controller-manager): its chart is released per Kubernetes minor, and the supported minors are 1.31, 1.32, 1.33, 1.34, 1.35' },
      { path: 'kubernetesVersion', message: expect.stringContaining('no release of Cinder CSI (openstack-cinder-csi): its chart is released per Kubernetes minor, and the supported minors are 1.31, 1.32, 1.33, 1.34, 1.35') },
    ]);
    expect(validationError(() => buildCluster(vsProps(36))).issues[0].message).toContain('supported minors are 1.31, 1.32, 1.33, 1.34, 1.35');
    // without a cloud controller manager any version is fine
    expect(() => buildCluster({ ...vsProps(29), cloudController: false })).not.toThrow();
  });

  test('unknown keys, bad StorageClasses, components the infrastructure has none of: all reported together', () => {
    const e = validationError(() => buildCluster(osProps(31, {
      cloudController: { credentialsSecret: 'x', credentialSecret: 'y' } as never,
      csi: { storageClasses: [{ name: 'a', default: true, reclaimPolicy: 'Recycle' as never }, { name: 'a', default: true }] },
    })));
    expect(e.issues.map((i) => i.path)).toEqual(['cloudController.credentialSecret', 'csi.storageClasses[0].reclaimPolicy', 'csi.storageClasses[1].name', 'csi.storageClasses']);
    expect(e.issues[0].message).toContain('did you mean "credentialsSecret"');
    const docker = existingInfrastructureCluster({ kind: 'DockerCluster', version: 'v1beta1' });
    const d = validationError(() => buildCluster({ name: 'd', kubernetesVersion: 'v1.31.0', cni: 'calico', infrastructure: docker, cloudController: { credentialsSecret: 'x' }, csi: {} }));
    expect(d.issues.map((i) => i.path)).toEqual(['cloudController', 'csi']);
    const vcsi = validationError(() => buildCluster({ ...vsProps(31), csi: {} }));
    expect(vcsi.issues).toEqual([{ path: 'csi', message: expect.stringContaining('Cinder CSI on OpenStackCluster only') }]);
  });
});

describe('CRD conformance and both paths', () => {
  test('every component object passes its CRD schema', () => {
    for (const props of [osProps(31), vsProps(35)]) {
      for (const m of buildCluster(props).manifests) expect([m.kind, validateManifest(m as never)]).toEqual([m.kind, []]);
    }
  });

  test('the cdk8s Cluster and renderFleet carry the same component objects', () => {
    const chart = new Chart(Testing.app(), 'c');
    new Cluster(chart, 'cluster', osProps(31));
    const synthesized = Testing.synth(chart).filter((o: any) => ['HelmRelease', 'HelmRepository', 'ClusterResourceSet'].includes(o.kind));
    expect(synthesized.map((o: any) => `${o.kind}/${o.metadata.name}`)).toEqual([
      'HelmRepository/prod-projectcalico', 'HelmRelease/prod-cni', 'HelmRepository/prod-cloud-provider-openstack', 'HelmRelease/prod-cloud-controller',
      'HelmRelease/prod-csi', 'ClusterResourceSet/prod-component-credentials',
    ]);
    const machineTemplate = new CustomMachineTemplate({ apiGroup: 'infrastructure.cluster.x-k8s.io', version: 'v1beta1', kind: 'OpenStackMachineTemplate', spec: { template: { spec: { flavor: 'm1' } } } });
    const fleet = renderFleet([{ cluster: osProps(31), controlPlane: { machineTemplate }, components: [addonComponent({ addon: 'kuberay' })] }]);
    const docs = [...fleet.files.values()][0];
    for (const o of synthesized) expect(docs).toContain(`name: ${o.metadata.name}`);
    expect(docs).toContain('- name: prod-cni');
  });
});
