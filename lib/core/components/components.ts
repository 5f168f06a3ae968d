/**
 * A Cluster's components: CNI, cloud controller manager and CSI, delivered from the management cluster
 * (a workload-cluster Flux could not run before the CNI exists). Each is a Flux HelmRelease in the
 * Cluster's namespace with `spec.kubeConfig` from `<cluster>-kubeconfig` (the add-ons' management
 * mechanism, flux-release.ts); credentials reach the workload cluster through a ClusterResourceSet
 * over the user's resource-set Secret (credentials.ts). Order (Flux `dependsOn`): the CNI first, the
 * cloud controller manager next, CSI after both; management-mode add-ons depend on the CNI.
 */
import { CapiVersion } from '../output/api-versions';
import { Problems, show } from '../rules/errors';
import { compact, Manifest } from '../output/manifest';
import { kubeconfigSecretName } from '../output/naming';
import { checkPropKeys, propKeys } from '../rules/strict-props';
import { checkBoolean, checkEnum, checkObject, isDns1123Subdomain, isPlainRecord } from '../rules/validation';
import {
  CALICO_CHART_VERSION, CALICO_REPOSITORY, chartForMinor, CILIUM_CHART_VERSION, CILIUM_REPOSITORY, CINDER_CSI_CHART_VERSIONS, ComponentRepository,
  OPENSTACK_CCM_CHART_VERSIONS, OPENSTACK_REPOSITORY, supportedMinors, VSPHERE_CPI_CHART_VERSIONS, VSPHERE_CPI_REPOSITORY,
} from './charts';
import { calicoValues, ciliumValues } from './cni';
import { OPENSTACK_CLOUD_CONFIG_SECRET, openstackCcmClusterName, openstackCcmValues, VSPHERE_CLOUD_CONFIG_CONFIGMAP, vsphereCpiValues } from './cloud-controller';
import { checkCredentialsSecret, CredentialNeed, renderCredentialsResourceSet } from './credentials';
import { DriftDetectionProps, renderHelmRelease, renderHelmRepository, ResolvedDriftDetection, resolveDriftDetection } from './flux-release';
import { cinderCsiValues, ResolvedStorageClass, StorageClassProps } from './csi';

/** The CNI: `'none'` when you install your own (the cluster's Nodes stay NotReady until you do). */
export type CniPlugin = 'calico' | 'cilium' | 'none';
/** The values of `cni`. */
export const CNI_PLUGINS: readonly CniPlugin[] = ['calico', 'cilium', 'none'];

/** The `cloudController` prop of a Cluster: the resource-set Secret with the cloud controller manager's cloud config. */
export interface CloudControllerProps {
  /**
   * Management-cluster Secret (type `addons.cluster.x-k8s.io/resource-set`, in the Cluster's namespace)
   * holding the manifests the cloud controller manager reads on the workload cluster: for OpenStack the
   * Secret `cloud-config` (kube-system, key `cloud.conf`); for vSphere the ConfigMap `cloud-config`
   * (kube-system, key `vsphere.conf`) and the credentials Secret it names. Required.
   */
  readonly credentialsSecret: string;
}

/** The `csi` prop of a Cluster: the CSI driver's StorageClasses and credentials. */
export interface CsiProps {
  /**
   * StorageClasses of the driver.
   * @default one class "standard", the default class, reclaim policy Delete
   */
  readonly storageClasses?: readonly StorageClassProps[];
  /**
   * Resource-set Secret delivering what the driver reads (OpenStack: the same Secret `cloud-config`
   * the cloud controller manager reads).
   * @default cloudController.credentialsSecret (delivered once)
   */
  readonly credentialsSecret?: string;
}

/** Drift detection of each component's HelmRelease (see {@link DriftDetectionProps}). */
export interface ComponentDriftDetectionProps {
  /** @default mode 'enabled' with DEFAULT_DRIFT_IGNORE */
  readonly cni?: DriftDetectionProps;
  /** @default mode 'enabled' with DEFAULT_DRIFT_IGNORE */
  readonly cloudController?: DriftDetectionProps;
  /** @default mode 'enabled' with DEFAULT_DRIFT_IGNORE */
  readonly csi?: DriftDetectionProps;
  /** @default mode 'enabled' with DEFAULT_DRIFT_IGNORE */
  readonly clusterAutoscaler?: DriftDetectionProps;
}

/** The component props of a Cluster (and ClusterSpec.cluster). */
export interface ClusterComponentsProps {
  readonly cni?: CniPlugin;
  readonly cloudController?: CloudControllerProps | false;
  readonly csi?: CsiProps;
  readonly componentDriftDetection?: ComponentDriftDetectionProps;
}

export const COMPONENT_DRIFT_DETECTION_PROPS = propKeys<ComponentDriftDetectionProps>()('ComponentDriftDetectionProps', {
  cni: true, cloudController: true, csi: true, clusterAutoscaler: true,
});

export const CLOUD_CONTROLLER_PROPS = propKeys<CloudControllerProps>()('CloudControllerProps', { credentialsSecret: true });
export const CSI_PROPS = propKeys<CsiProps>()('CsiProps', { storageClasses: true, credentialsSecret: true });
export const STORAGE_CLASS_PROPS = propKeys<StorageClassProps>()('StorageClassProps', {
  name: true, default: true, reclaimPolicy: true, volumeType: true, availabilityZone: true, allowVolumeExpansion: true,
});

/** Which cloud the infrastructure is, from its kind. */
export type ComponentCloud = 'openstack' | 'vsphere' | undefined;
export function cloudOf(infrastructureKind: string | undefined): ComponentCloud {
  if (infrastructureKind === 'OpenStackCluster') return 'openstack';
  if (infrastructureKind === 'VSphereCluster') return 'vsphere';
  return undefined;
}

/** Names of a cluster's component objects on the management cluster. */
export function componentNames(cluster: string) {
  return {
    cni: `${cluster}-cni`,
    cloudController: `${cluster}-cloud-controller`,
    csi: `${cluster}-csi`,
    credentials: `${cluster}-component-credentials`,
    repository: (r: ComponentRepository) => `${cluster}-${r.id}`,
  };
}

/** The validated components. */
export interface ResolvedComponents {
  readonly cni: CniPlugin;
  readonly cloud: ComponentCloud;
  readonly cloudController?: { readonly chartVersion: string; readonly credentialsSecret: string };
  readonly csi?: { readonly chartVersion: string; readonly credentialsSecret: string; readonly storageClasses: readonly ResolvedStorageClass[] };
  /** Drift detection per component's HelmRelease. */
  readonly driftDetection: Readonly<Record<keyof ComponentDriftDetectionProps, ResolvedDriftDetection>>;
}

const RECLAIM_POLICIES = ['Delete', 'Retain'] as const;

function versionProblem(component: string, version: string, table: Readonly<Record<number, string>>): string {
  return `${show(version)} has no release of ${component}: its chart is released per Kubernetes minor, and the supported minors are ${supportedMinors(table)}`;
}

/** Validates the component props of a cluster (all problems at once, into `p`). */
export function resolveComponents(
  p: Problems, props: ClusterComponentsProps, cluster: string, kubernetesVersion: string | undefined, infrastructureKind: string | undefined,
): ResolvedComponents | undefined {
  const before = p.errors.length;
  let cni: CniPlugin | undefined;
  if (props.cni === undefined) {
    p.error('cni', `is required: without a CNI the Nodes stay NotReady and the health checks remediate them forever; choose 'calico' or 'cilium', or 'none' if you install your own`);
  } else cni = checkEnum(p, 'cni', props.cni, CNI_PLUGINS);
  if (cni === 'none') p.warn('cni', `'none': the library installs no CNI, so the cluster's Nodes stay NotReady (and the MachineHealthChecks remediate them) until you install one from the management side`);
  const cloud = cloudOf(infrastructureKind);
  const cc = props.cloudController;
  let cloudController: ResolvedComponents['cloudController'];
  if (cc !== undefined && cc !== false && !checkObject(p, 'cloudController', cc)) {
    // reported
  } else if (cc !== false && cloud !== undefined) {
    if (cc !== undefined) checkPropKeys(p, 'cloudController', cc, CLOUD_CONTROLLER_PROPS);
    const table = cloud === 'openstack' ? OPENSTACK_CCM_CHART_VERSIONS : VSPHERE_CPI_CHART_VERSIONS;
    const component = cloud === 'openstack' ? 'the OpenStack cloud controller manager (openstack-cloud-controller-manager)' : 'the vSphere cloud controller manager (vsphere-cpi)';
    const need: CredentialNeed = cloud === 'openstack'
      ? { path: 'cloudController.credentialsSecret', component, key: 'cloud-config.yaml', delivers: `the Secret "${OPENSTACK_CLOUD_CONFIG_SECRET}" in namespace kube-system with key "cloud.conf" (the OpenStack cloud config)` }
      : { path: 'cloudController.credentialsSecret', component, key: 'cloud-config.yaml', delivers: `the ConfigMap "${VSPHERE_CLOUD_CONFIG_CONFIGMAP}" in namespace kube-system with key "vsphere.conf" and the Secret with the vCenter credentials it names` };
    const secret = checkCredentialsSecret(p, need, cc === undefined ? undefined : cc.credentialsSecret, cluster);
    const chartVersion = kubernetesVersion === undefined ? undefined : chartForMinor(table, kubernetesVersion);
    if (kubernetesVersion !== undefined && chartVersion === undefined) p.error('kubernetesVersion', versionProblem(component, kubernetesVersion, table));
    if (secret !== undefined && chartVersion !== undefined) cloudController = { chartVersion, credentialsSecret: secret };
  } else if (cc !== undefined && cc !== false) {
    p.error('cloudController', `${show(infrastructureKind ?? 'no infrastructure')} has no cloud controller manager the library installs (only OpenStackCluster and VSphereCluster): remove cloudController`);
  }
  let csi: ResolvedComponents['csi'];
  const c = props.csi;
  if (c !== undefined && checkObject(p, 'csi', c)) {
    checkPropKeys(p, 'csi', c, CSI_PROPS);
    if (cloud !== 'openstack') {
      p.error('csi', `no CSI driver for ${show(infrastructureKind ?? 'no infrastructure')}: the library installs Cinder CSI on OpenStackCluster only (the vSphere CSI driver has no chart to pin yet; see docs/components.md)`);
    } else {
      // the cloud controller manager's Secret, when it is given (even if something else about it is wrong)
      const ccSecret = isPlainRecord(cc) && typeof cc.credentialsSecret === 'string' ? cc.credentialsSecret : undefined;
      const secret = c.credentialsSecret !== undefined || ccSecret === undefined
        ? checkCredentialsSecret(p, { path: 'csi.credentialsSecret', component: 'Cinder CSI (openstack-cinder-csi)', key: 'cloud-config.yaml', delivers: `the Secret "${OPENSTACK_CLOUD_CONFIG_SECRET}" in namespace kube-system with key "cloud.conf"` }, c.credentialsSecret, cluster)
        : ccSecret;
      const chartVersion = kubernetesVersion === undefined ? undefined : chartForMinor(CINDER_CSI_CHART_VERSIONS, kubernetesVersion);
      if (kubernetesVersion !== undefined && chartVersion === undefined) p.error('kubernetesVersion', versionProblem('Cinder CSI (openstack-cinder-csi)', kubernetesVersion, CINDER_CSI_CHART_VERSIONS));
      const classes = checkStorageClasses(p, 'csi.storageClasses', c.storageClasses);
      if (secret !== undefined && chartVersion !== undefined && classes) csi = { chartVersion, credentialsSecret: secret, storageClasses: classes };
    }
  }
  const driftDetection = resolveComponentDriftDetection(p, props.componentDriftDetection);
  if (p.errors.length > before || cni === undefined || driftDetection === undefined) return undefined;
  return { cni, cloud, cloudController, csi, driftDetection };
}

function resolveComponentDriftDetection(p: Problems, value: unknown): ResolvedComponents['driftDetection'] | undefined {
  const path = 'componentDriftDetection';
  const v = (value === undefined ? {} : value) as Record<string, unknown>;
  if (value !== undefined && (!checkObject(p, path, value) || !checkPropKeys(p, path, value, COMPONENT_DRIFT_DETECTION_PROPS))) return undefined;
  const cni = resolveDriftDetection(p, `${path}.cni`, v.cni);
  const cloudController = resolveDriftDetection(p, `${path}.cloudController`, v.cloudController);
  const csi = resolveDriftDetection(p, `${path}.csi`, v.csi);
  const clusterAutoscaler = resolveDriftDetection(p, `${path}.clusterAutoscaler`, v.clusterAutoscaler);
  return cni && cloudController && csi && clusterAutoscaler ? { cni, cloudController, csi, clusterAutoscaler } : undefined;
}

function checkStorageClasses(p: Problems, path: string, value: unknown): ResolvedStorageClass[] | undefined {
  if (value === undefined) return [{ name: 'standard', default: true, reclaimPolicy: 'Delete', allowVolumeExpansion: true }];
  if (!Array.isArray(value) || value.length === 0) {
    p.error(path, `must be a non-empty list of StorageClasses { name, default, reclaimPolicy, volumeType }, got ${show(value)}`);
    return undefined;
  }
  const before = p.errors.length;
  const seen = new Set<string>();
  const out = value.map((sc: unknown, i) => {
    const at = `${path}[${i}]`;
    if (!checkObject(p, at, sc)) return undefined;
    checkPropKeys(p, at, sc, STORAGE_CLASS_PROPS);
    const s = sc as unknown as StorageClassProps;
    if (typeof s.name !== 'string' || !isDns1123Subdomain(s.name)) p.error(`${at}.name`, `must be a StorageClass name (a DNS-1123 subdomain), got ${show(s.name)}`);
    else if (seen.has(s.name)) p.error(`${at}.name`, `${show(s.name)} is already used: StorageClass names must be unique`);
    else seen.add(s.name);
    const def = checkBoolean(p, `${at}.default`, s.default) ?? false;
    const reclaimPolicy = s.reclaimPolicy === undefined ? 'Delete' : checkEnum(p, `${at}.reclaimPolicy`, s.reclaimPolicy, RECLAIM_POLICIES);
    const allowVolumeExpansion = checkBoolean(p, `${at}.allowVolumeExpansion`, s.allowVolumeExpansion) ?? true;
    for (const f of ['volumeType', 'availabilityZone'] as const) {
      if (s[f] !== undefined && (typeof s[f] !== 'string' || s[f] === '')) p.error(`${at}.${f}`, `must be a non-empty string, got ${show(s[f])}`);
    }
    return { name: s.name, default: def, reclaimPolicy: reclaimPolicy!, allowVolumeExpansion, volumeType: s.volumeType, availabilityZone: s.availabilityZone };
  });
  if (out.filter((x) => x?.default).length > 1) p.error(path, 'marks more than one StorageClass as default: Kubernetes then picks the newest, so mark one');
  return p.errors.length > before ? undefined : out as ResolvedStorageClass[];
}

/** Renders a cluster's component objects (management cluster side). */
export function renderComponents(
  cluster: { readonly name: string; readonly namespace: string; readonly apiVersion: CapiVersion },
  resolved: ResolvedComponents, podCidrs: readonly string[],
): { manifests: Manifest[]; cniRelease?: string } {
  const names = componentNames(cluster.name);
  const labels = { 'app.kubernetes.io/managed-by': 'capi-constructs', 'cluster.x-k8s.io/cluster-name': cluster.name };
  const kubeconfigSecret = kubeconfigSecretName(cluster.name);
  const manifests: Manifest[] = [];
  const meta = (name: string) => ({ name, namespace: cluster.namespace, labels: { ...labels } });
  const release = (name: string, repo: ComponentRepository, chart: string, version: string, releaseName: string, targetNamespace: string,
    values: Record<string, unknown>, dependsOn: string[], driftDetection: ResolvedDriftDetection) => {
    manifests.push(renderHelmRepository(meta(names.repository(repo)), repo.url));
    manifests.push(renderHelmRelease({
      metadata: meta(name), interval: '10m', releaseName, targetNamespace, kubeconfigSecret, dependsOn, chart, version,
      helmRepository: names.repository(repo), values: compact(values), driftDetection,
    }));
  };
  let cniRelease: string | undefined;
  if (resolved.cni === 'calico') {
    release(names.cni, CALICO_REPOSITORY, 'tigera-operator', CALICO_CHART_VERSION, 'calico', 'tigera-operator', calicoValues(podCidrs), [], resolved.driftDetection.cni);
    cniRelease = names.cni;
  } else if (resolved.cni === 'cilium') {
    release(names.cni, CILIUM_REPOSITORY, 'cilium', CILIUM_CHART_VERSION, 'cilium', 'kube-system', ciliumValues(podCidrs), [], resolved.driftDetection.cni);
    cniRelease = names.cni;
  }
  const first = cniRelease ? [cniRelease] : [];
  const secrets = new Set<string>();
  if (resolved.cloudController) {
    if (resolved.cloud === 'openstack') {
      release(names.cloudController, OPENSTACK_REPOSITORY, 'openstack-cloud-controller-manager', resolved.cloudController.chartVersion, 'openstack-ccm', 'kube-system', openstackCcmValues(openstackCcmClusterName(cluster)), first, resolved.driftDetection.cloudController);
    } else {
      release(names.cloudController, VSPHERE_CPI_REPOSITORY, 'vsphere-cpi', resolved.cloudController.chartVersion, 'vsphere-cpi', 'kube-system', vsphereCpiValues(), first, resolved.driftDetection.cloudController);
    }
    secrets.add(resolved.cloudController.credentialsSecret);
  }
  if (resolved.csi) {
    const after = [...first, ...(resolved.cloudController ? [names.cloudController] : [])];
    // the HelmRepository is the CCM's when both come from cloud-provider-openstack
    const repoName = names.repository(OPENSTACK_REPOSITORY);
    if (!manifests.some((m) => m.kind === 'HelmRepository' && m.metadata.name === repoName)) manifests.push(renderHelmRepository(meta(repoName), OPENSTACK_REPOSITORY.url));
    manifests.push(renderHelmRelease({
      metadata: meta(names.csi), interval: '10m', releaseName: 'cinder-csi', targetNamespace: 'kube-system', kubeconfigSecret, dependsOn: after,
      chart: 'openstack-cinder-csi', version: resolved.csi.chartVersion, helmRepository: repoName, values: compact(cinderCsiValues(resolved.csi.storageClasses)),
      driftDetection: resolved.driftDetection.csi,
    }));
    secrets.add(resolved.csi.credentialsSecret);
  }
  if (secrets.size > 0) manifests.push(renderCredentialsResourceSet(cluster, names.credentials, [...secrets], labels));
  return { manifests, cniRelease };
}
