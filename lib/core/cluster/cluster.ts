/**
 * lib/core/cluster/: the Cluster (this file), its network, and node failure detection, the cluster-wide
 * timing its kubeadm settings derive from. The node groups, providers, components and add-ons refer to a
 * cluster through {@link ClusterRef}.
 *
 * The Cluster object. It owns the names of everything else: the KubeadmControlPlane it references is
 * always `<cluster>-control-plane`, so the reference is emitted even before a ControlPlaneGroup exists.
 */
import * as semver from 'semver';
import {
  CAPI_VERSIONS, CapiVersion, CLUSTER_GROUP, CONTROL_PLANE_GROUP, LABEL_CLUSTER_NAME, ObjectRef, renderRef,
} from '../output/api-versions';
import { checkCidr } from '../rules/cidr';
import { checkEmittedObjects } from '../rules/credentials';
import { peek, Problems, show, Warning } from '../rules/errors';
import { compact, Manifest, Rendered } from '../output/manifest';
import { isProviderBootstrap, ProviderBootstrap } from '../kubeadm/provider-bootstrap';
import { memoize } from '../rules/memo';
import { controlPlaneName } from '../output/naming';
import { NodeFailureDetection, ResolvedNodeFailureDetection, resolveNodeFailureDetection } from './node-failure-detection';
import { checkPropKeys, propKeys } from '../rules/strict-props';
import {
  checkBoolean, checkDns1123Label, checkEnum, checkGeneratedName, checkInt, checkLabels, checkObject, checkProps, checkRequired, checkString,
  isApiGroup, isApiVersionName, isKind, isPlainRecord,
} from '../rules/validation';
import { checkFreeForm } from '../rules/free-form';
import { CloudControllerProps, CniPlugin, ComponentDriftDetectionProps, CsiProps, renderComponents, resolveComponents } from '../components/components';
import { resolveClusterAutoscaler, ResolvedClusterAutoscaler } from '../components/cluster-autoscaler';
import { checkSecurityGroupRules, CALICO_SECURITY_GROUP_RULES } from '../providers/openstack-security-group-rules';

/**
 * The provider's cluster object (VSphereCluster, OpenStackCluster, ...). With a `spec` the Cluster
 * construct emits it; without one it only references an object the user manages elsewhere.
 */
export interface InfrastructureCluster {
  readonly apiGroup: string;
  readonly version: string;
  readonly kind: string;
  /**
   * Name of the infrastructure cluster object.
   * @default the Cluster's name
   */
  readonly name?: string;
  /**
   * Spec to emit. Omit to reference an existing object.
   * @default none (reference only)
   */
  readonly spec?: Readonly<Record<string, unknown>>;
  /** Warnings found when the value was built. */
  readonly warnings?: readonly Warning[];
  /**
   * What this provider needs in every node's kubeadm configuration (cloud provider, provider ID,
   * kube-vip, ...), merged by the node groups with their own `kubeadm` props.
   * @default none
   */
  readonly bootstrap?: ProviderBootstrap;
  /**
   * Objects the provider needs next to its cluster object, emitted by the Cluster with it (e.g. CAPV's
   * cluster-scoped VSphereFailureDomain and VSphereDeploymentZone).
   * @default none
   */
  readonly objects?: readonly Manifest[];
  /**
   * The failure domains the provider will report in the Cluster's `status.failureDomains`, where they are
   * known in advance (VSphereCluster `failureDomains`). A WorkerGroup's `failureDomains` must be among them.
   * @default unknown: any name is accepted (e.g. OpenStack availability zones come from the cloud)
   */
  readonly failureDomains?: readonly string[];
}

/** The Cluster's `spec.clusterNetwork`: pod and service CIDRs, service domain and API server port. */
export interface ClusterNetwork {
  /** Pod CIDR blocks. @default Cluster API / provider default */
  readonly pods?: string[];
  /** Service CIDR blocks. @default Cluster API / provider default */
  readonly services?: string[];
  /** @default 'cluster.local' */
  readonly serviceDomain?: string;
  /** @default 6443 */
  readonly apiServerPort?: number;
}

/** Props of a Cluster: name, namespace, Kubernetes version, infrastructure, network and node failure detection. */
export interface ClusterProps {
  /** Cluster name: a DNS-1123 label; also a label value, so at most 63 characters (49 with "-control-plane"). */
  readonly name: string;
  /**
   * Namespace on the management cluster for this cluster's objects.
   * @default 'default'
   */
  readonly namespace?: string;
  /** Kubernetes version of the workload cluster, e.g. `v1.31.4` (a leading `v` is added if missing). */
  readonly kubernetesVersion: string;
  /**
   * Cluster API version to emit. v1beta2 is stored by Cluster API 1.11+; v1beta1 is for 1.10 and older.
   * @default 'v1beta2'
   */
  readonly apiVersion?: CapiVersion;
  /** @default none (provider defaults) */
  readonly clusterNetwork?: ClusterNetwork;
  /** @default none (set by the infrastructure provider) */
  readonly controlPlaneEndpoint?: { readonly host: string; readonly port?: number };
  /**
   * The provider's cluster object to emit (VSphereCluster, OpenStackCluster, ...) or, made elsewhere,
   * to reference (`existingInfrastructureCluster(...)`). Required: without `spec.infrastructureRef`
   * nothing fills in the control-plane endpoint and the cluster never boots.
   */
  readonly infrastructure: InfrastructureCluster;
  /**
   * Faster or slower node failure detection, applied to every node group of this cluster.
   * @default none: Kubernetes defaults (10s / 5s / 40-50s)
   */
  readonly nodeFailureDetection?: NodeFailureDetection;
  /**
   * Extra labels on the Cluster object. `cluster.x-k8s.io/cluster-name: <name>` is always set (add-ons
   * deliver tenant-side objects through a ClusterResourceSet that selects the Cluster by it).
   * @default none
   */
  readonly labels?: Record<string, string>;
  /** @default false */
  readonly paused?: boolean;
  /**
   * The CNI, installed from the management cluster before anything else (docs/components.md):
   * `'calico'` (tigera-operator, IP pools = the pod CIDRs), `'cilium'`, or `'none'` when you install
   * your own (a warning: Nodes stay NotReady until you do). Required.
   */
  readonly cni: CniPlugin;
  /**
   * The provider's cloud controller manager (OpenStack CCM, vSphere CPI), chart matched to the
   * Kubernetes minor; its credentials come from the resource-set Secret you name. `false` installs none.
   * @default on for OpenStackCluster and VSphereCluster (then `credentialsSecret` is required); none elsewhere
   */
  readonly cloudController?: CloudControllerProps | false;
  /**
   * The CSI driver with its StorageClasses (Cinder CSI on OpenStack).
   * @default none
   */
  readonly csi?: CsiProps;
  /**
   * Drift detection of the components' HelmReleases (`spec.driftDetection`), per component.
   * @default every component: mode 'enabled', ignoring the replicas of Deployments and StatefulSets
   */
  readonly componentDriftDetection?: ComponentDriftDetectionProps;
  /**
   * The cluster-autoscaler (docs/day-2.md): installed on the management cluster, in the Cluster's
   * namespace, as soon as one worker group of the cluster is autoscaled; `false` never installs it
   * (run your own).
   * @default true
   */
  readonly clusterAutoscaler?: boolean;
}

/** The known keys of {@link ClusterProps} and its nested objects (strict props: tied to the interfaces by the compiler). */
export const CLUSTER_PROPS = propKeys<ClusterProps>()('ClusterProps', {
  name: true, namespace: true, kubernetesVersion: true, apiVersion: true, clusterNetwork: true, controlPlaneEndpoint: true,
  infrastructure: true, nodeFailureDetection: true, labels: true, paused: true, cni: true, cloudController: true, csi: true,
  componentDriftDetection: true, clusterAutoscaler: true,
});
export const CLUSTER_NETWORK_PROPS = propKeys<ClusterNetwork>()('ClusterNetwork', { pods: true, services: true, serviceDomain: true, apiServerPort: true });
export const CONTROL_PLANE_ENDPOINT_PROPS = propKeys<NonNullable<ClusterProps['controlPlaneEndpoint']>>()('controlPlaneEndpoint', { host: true, port: true });
export const INFRASTRUCTURE_CLUSTER_PROPS = propKeys<InfrastructureCluster>()('InfrastructureCluster', {
  apiGroup: true, version: true, kind: true, name: true, spec: true, warnings: true, bootstrap: true, objects: true, failureDomains: true,
});

/** What node groups and add-ons read from a cluster. Implemented by the cdk8s and Pulumi Cluster. */
export interface ClusterRef {
  readonly name: string;
  readonly namespace: string;
  /** Normalized, with a leading `v`. */
  readonly kubernetesVersion: string;
  readonly apiVersion: CapiVersion;
  readonly nodeFailureDetection?: ResolvedNodeFailureDetection;
  /** The infrastructure provider's additions to every node's kubeadm configuration. @default none */
  readonly bootstrap?: ProviderBootstrap;
  /**
   * The failure domains the infrastructure will report, where known in advance (InfrastructureCluster
   * `failureDomains`); a WorkerGroup's `failureDomains` must be among them. @default unknown (any name)
   */
  readonly failureDomains?: readonly string[];
  /**
   * The CNI's HelmRelease (in the Cluster's namespace on the management cluster): management-mode
   * add-ons depend on it. @default none (`cni: 'none'`, or a cluster defined elsewhere)
   */
  readonly cniRelease?: string;
  /**
   * The cluster-autoscaler the library installs when a group is autoscaled.
   * @default none (switched off, or a cluster defined elsewhere)
   */
  readonly clusterAutoscaler?: ResolvedClusterAutoscaler;
}

/**
 * Something rendered for a cluster after its node groups, e.g. an add-on. Implemented by the
 * add-on specs; any object with a `render` function that returns core manifests works.
 */
export interface ClusterComponent {
  /** Unique within the cluster; also the construct id in the cdk8s adapter. */
  readonly id: string;
  /** What warnings are reported under, e.g. `ClusterAddon "ingress-nginx"`. @default the id */
  readonly subject?: string;
  /** Validates (throwing a ValidationError) and renders the objects for one cluster. */
  render(cluster: ClusterRef): Rendered;
}

/** A validated cluster: its reference data, its objects and its warnings. */
export interface ClusterModel extends Rendered {
  readonly ref: ClusterRef;
}

/**
 * A strict semantic version (`MAJOR.MINOR.PATCH[-pre][+build]`, no leading zeros) with nothing around
 * it. node-semver's `parse` trims surrounding whitespace and accepts a leading `v` or `=`, which Go's
 * `semver.Parse` (used by the Cluster API webhooks after they strip one `v`) does not.
 */
export function isStrictSemver(s: string): boolean {
  return s.length > 0 && s === s.trim() && s.charCodeAt(0) >= 48 && s.charCodeAt(0) <= 57 && semver.parse(s) !== null;
}

/** `v<strict semver>`. Remembered per string: a fleet checks the same few versions for every group. */
const isFullVersion = memoize((v) => v.startsWith('v') && isStrictSemver(v.slice(1)));

/** Normalizes and checks a Kubernetes version the way the KubeadmControlPlane webhook does. */
export function checkKubernetesVersion(p: Problems, path: string, value: unknown): string | undefined {
  if (!checkRequired(p, path, value) || !checkString(p, path, value)) return undefined;
  if (value.trim() !== value) {
    p.error(path, `${show(value)} has surrounding whitespace: Cluster API parses versions as strict semantic versions such as "v1.31.4"`);
    return undefined;
  }
  const v = value.startsWith('v') ? value : `v${value}`;
  if (!isFullVersion(v)) {
    p.error(path, `${show(value)} is not a strict semantic version such as "v1.31.4": Cluster API rejects "v1.31", leading zeros and other non-semver versions`);
    return undefined;
  }
  return v;
}

/** Checks that a group's `cluster` prop is a cluster (catches a missing or wrong object without a TypeError). */
export function checkClusterRef(p: Problems, path: string, value: unknown): ClusterRef | undefined {
  let c: ClusterRef;
  try {
    // a getter that throws, or a Proxy, is not a cluster: read every field once, here
    c = value as ClusterRef;
    if (!c || typeof c !== 'object' || typeof c.name !== 'string' || typeof c.namespace !== 'string'
      || typeof c.kubernetesVersion !== 'string' || !CAPI_VERSIONS.includes(c.apiVersion)) {
      p.error(path, `must be a Cluster construct, got ${show(value)}`);
      return undefined;
    }
    void [c.bootstrap, c.failureDomains, c.nodeFailureDetection, c.cniRelease, c.clusterAutoscaler];
  } catch {
    p.error(path, `must be a Cluster construct, got ${show(value)}, which cannot be read (a getter or Proxy that throws)`);
    return undefined;
  }
  // A plain ClusterRef object (a cluster defined elsewhere) gets the same name and version rules.
  const before = p.errors.length;
  if (c.bootstrap !== undefined && !isProviderBootstrap(c.bootstrap)) {
    p.error(`${path}.bootstrap`, `must be a ProviderBootstrap (ProviderBootstrap.openstack(), .vsphere(...) or .custom(...)), got ${show(c.bootstrap)}`);
  }
  if (c.failureDomains !== undefined && (!Array.isArray(c.failureDomains) || !c.failureDomains.every((d) => typeof d === 'string' && d !== ''))) {
    p.error(`${path}.failureDomains`, `must be a list of failure domain names, got ${show(c.failureDomains)}`);
  }
  checkDns1123Label(p, `${path}.name`, c.name);
  checkDns1123Label(p, `${path}.namespace`, c.namespace);
  if (checkKubernetesVersion(p, `${path}.kubernetesVersion`, c.kubernetesVersion) !== c.kubernetesVersion && p.errors.length === before) {
    p.error(`${path}.kubernetesVersion`, `${show(c.kubernetesVersion)} must carry its leading "v"`);
  }
  return p.errors.length === before ? c : undefined;
}

function checkInfrastructure(p: Problems, path: string, value: unknown, cluster: string | undefined): InfrastructureCluster | undefined {
  if (value === undefined) {
    p.error(path, `is required: KubeadmControlPlane ${show(controlPlaneName(cluster ?? '<cluster>'))} waits for a control-plane endpoint that only the infrastructure provider fills in, so a Cluster without spec.infrastructureRef never boots; pass the provider's cluster object (VSphereCluster, OpenStackCluster, ...) or, for one made elsewhere, existingInfrastructureCluster({ kind, version, name })`);
    return undefined;
  }
  const v = value as InfrastructureCluster;
  if (!checkObject(p, path, value)) return undefined;
  // a plain object is props; a class instance (VSphereCluster, ...) was validated when it was built
  if (isPlainRecord(value)) checkPropKeys(p, path, value, INFRASTRUCTURE_CLUSTER_PROPS);
  const before = p.errors.length;
  for (const f of ['apiGroup', 'version', 'kind'] as const) {
    if (typeof v[f] !== 'string' || v[f] === '') p.error(`${path}.${f}`, `is required, got ${show(v[f])}`);
  }
  if (p.errors.length > before) return undefined;
  if (!isApiGroup(v.apiGroup)) p.error(`${path}.apiGroup`, `${show(v.apiGroup)} is not an API group: use a DNS subdomain such as "infrastructure.cluster.x-k8s.io"`);
  if (!isApiVersionName(v.version)) p.error(`${path}.version`, `${show(v.version)} is not a Kubernetes API version such as "v1beta1", "v1alpha3" or "v1"`);
  if (!isKind(v.kind)) p.error(`${path}.kind`, `${show(v.kind)} is not a kind: use an UpperCamelCase name such as "VSphereCluster"`);
  if (v.bootstrap !== undefined && !isProviderBootstrap(v.bootstrap)) {
    p.error(`${path}.bootstrap`, `must be a ProviderBootstrap (ProviderBootstrap.openstack(), .vsphere(...) or .custom(...)), got ${show(v.bootstrap)}`);
  }
  let spec: Record<string, unknown> | undefined;
  if (v.spec !== undefined) spec = checkFreeForm(p, `${path}.spec`, v.spec);
  if (v.warnings !== undefined && !Array.isArray(v.warnings)) p.error(`${path}.warnings`, `must be a list of warnings, got ${show(v.warnings)}`);
  if (v.objects !== undefined && (!Array.isArray(v.objects) || !v.objects.every(isObjectManifest))) {
    p.error(`${path}.objects`, `must be a list of objects, each with apiVersion, kind and metadata.name, got ${show(v.objects)}`);
  }
  if (v.failureDomains !== undefined && (!Array.isArray(v.failureDomains) || !v.failureDomains.every((d) => typeof d === 'string' && d !== ''))) {
    p.error(`${path}.failureDomains`, `must be a list of failure domain names, got ${show(v.failureDomains)}`);
  }
  return p.errors.length > before ? undefined : {
    apiGroup: v.apiGroup, version: v.version, kind: v.kind, name: v.name, spec, warnings: v.warnings, bootstrap: v.bootstrap,
    objects: v.objects, failureDomains: v.failureDomains,
  };
}

function isObjectManifest(m: unknown): boolean {
  if (!isPlainRecord(m)) return false;
  const meta = m.metadata as Record<string, unknown> | undefined;
  return typeof m.apiVersion === 'string' && typeof m.kind === 'string' && isPlainRecord(meta) && typeof meta.name === 'string';
}

/** Validates cluster props and renders the Cluster (and infrastructure cluster) objects. */
export function buildCluster(props: ClusterProps): ClusterModel {
  const p = new Problems(`Cluster ${show(peek(props, 'name'))}`);
  if (!checkProps(p, props)) p.throwIfErrors();
  checkPropKeys(p, '', props, CLUSTER_PROPS);
  const name = checkDns1123Label(p, 'name', props.name);
  if (name !== undefined) checkGeneratedName(p, 'name', 'KubeadmControlPlane', controlPlaneName(name), 'the cluster name');
  const namespace = props.namespace === undefined ? 'default' : checkDns1123Label(p, 'namespace', props.namespace);
  const version = checkKubernetesVersion(p, 'kubernetesVersion', props.kubernetesVersion);
  const capi = props.apiVersion === undefined ? 'v1beta2' : checkEnum(p, 'apiVersion', props.apiVersion, CAPI_VERSIONS);
  const nfd = resolveNodeFailureDetection(p, 'nodeFailureDetection', props.nodeFailureDetection);
  const labels = checkLabels(p, 'labels', props.labels, 'labels');
  if (labels && name !== undefined && labels[LABEL_CLUSTER_NAME] !== undefined && labels[LABEL_CLUSTER_NAME] !== name) {
    p.error(`labels.${LABEL_CLUSTER_NAME}`, `${show(labels[LABEL_CLUSTER_NAME])} must equal the cluster name ${show(name)}: add-on ClusterResourceSets select the Cluster by this label`);
  }
  const infra = checkInfrastructure(p, 'infrastructure', props.infrastructure, name);
  if (infra?.name !== undefined) checkDns1123Label(p, 'infrastructure.name', infra.name);
  const net = props.clusterNetwork;
  if (net !== undefined && checkObject(p, 'clusterNetwork', net)) {
    checkPropKeys(p, 'clusterNetwork', net, CLUSTER_NETWORK_PROPS);
    for (const key of ['pods', 'services'] as const) {
      const blocks = net[key];
      if (blocks === undefined) continue;
      if (!Array.isArray(blocks) || blocks.length === 0) {
        p.error(`clusterNetwork.${key}`, `must be a non-empty list of CIDR blocks, got ${show(blocks)}`);
        continue;
      }
      blocks.forEach((b, i) => {
        checkCidr(p, `clusterNetwork.${key}[${i}]`, b);
      });
    }
    if (net.apiServerPort !== undefined) checkInt(p, 'clusterNetwork.apiServerPort', net.apiServerPort, 1, 65535);
    if (net.serviceDomain !== undefined && (typeof net.serviceDomain !== 'string' || net.serviceDomain === '')) {
      p.error('clusterNetwork.serviceDomain', `must be a non-empty string, got ${show(net.serviceDomain)}`);
    }
  }
  const ep = props.controlPlaneEndpoint;
  if (ep !== undefined && checkObject(p, 'controlPlaneEndpoint', ep)) {
    checkPropKeys(p, 'controlPlaneEndpoint', ep, CONTROL_PLANE_ENDPOINT_PROPS);
    if (typeof ep.host !== 'string' || ep.host === '') p.error('controlPlaneEndpoint.host', `is required, got ${show(ep.host)}`);
    if (ep.port !== undefined) checkInt(p, 'controlPlaneEndpoint.port', ep.port, 1, 65535);
    // The provider copies its own endpoint to the Cluster (and kube-vip holds the VSphereCluster's): two different ones cannot both hold.
    const infraEp = infra?.spec?.controlPlaneEndpoint as { host?: unknown; port?: unknown } | undefined;
    if (infraEp && typeof infraEp === 'object' && (infraEp.host !== ep.host || (infraEp.port ?? 6443) !== (ep.port ?? 6443))) {
      p.error('controlPlaneEndpoint', `${show(ep)} differs from the ${infra!.kind}'s controlPlaneEndpoint ${show(infraEp)}: the provider fills in the Cluster's endpoint from its own; set it in one place`);
    }
  }
  checkBoolean(p, 'paused', props.paused);
  const autoscalerOn = checkBoolean(p, 'clusterAutoscaler', props.clusterAutoscaler) ?? true;
  const components = name === undefined ? undefined : resolveComponents(p, props, name, version, infra?.kind);
  p.throwIfErrors();

  const base = { name: name!, namespace: namespace!, apiVersion: capi! };
  const rendered = renderComponents(base, components!, net?.pods ?? []);
  const ref: ClusterRef = {
    name: name!, namespace: namespace!, kubernetesVersion: version!, apiVersion: capi!, nodeFailureDetection: nfd, bootstrap: infra?.bootstrap,
    failureDomains: infra?.failureDomains && [...infra.failureDomains],
    cniRelease: rendered.cniRelease,
    clusterAutoscaler: autoscalerOn ? resolveClusterAutoscaler(name!, version!, components!.driftDetection.clusterAutoscaler) : undefined,
  };
  const manifests: Manifest[] = [];
  let infraRef: ObjectRef | undefined;
  if (infra) {
    infraRef = { apiGroup: infra.apiGroup, version: infra.version, kind: infra.kind, name: infra.name ?? ref.name };
    manifests.push(...(infra.objects ?? []).map((o) => structuredClone(o) as Manifest));
    if (infra.spec) {
      manifests.push({
        apiVersion: `${infra.apiGroup}/${infra.version}`,
        kind: infra.kind,
        metadata: { name: infraRef.name, namespace: ref.namespace, labels: { [LABEL_CLUSTER_NAME]: ref.name } },
        spec: compact(components!.cni === 'calico' && infra.kind === 'OpenStackCluster' ? withCalicoRules(infra.spec) : infra.spec),
      });
    }
  }
  const cpRef: ObjectRef = { apiGroup: CONTROL_PLANE_GROUP, version: ref.apiVersion, kind: 'KubeadmControlPlane', name: controlPlaneName(ref.name) };
  manifests.push(compact({
    apiVersion: `${CLUSTER_GROUP}/${ref.apiVersion}`,
    kind: 'Cluster',
    // The cluster-name label lets ClusterResourceSets (add-on namespaces and NetworkPolicies) select this Cluster.
    metadata: { name: ref.name, namespace: ref.namespace, labels: { ...labels, [LABEL_CLUSTER_NAME]: ref.name } },
    spec: {
      paused: props.paused || undefined,
      clusterNetwork: net && {
        apiServerPort: net.apiServerPort,
        pods: net.pods && { cidrBlocks: net.pods },
        services: net.services && { cidrBlocks: net.services },
        serviceDomain: net.serviceDomain,
      },
      controlPlaneEndpoint: ep && { host: ep.host, port: ep.port ?? 6443 },
      controlPlaneRef: renderRef(cpRef, ref.apiVersion, ref.namespace),
      infrastructureRef: infraRef && renderRef(infraRef, ref.apiVersion, ref.namespace),
    },
  }));
  manifests.push(...rendered.manifests);
  checkEmittedObjects(p, manifests);
  p.throwIfErrors();
  return { ref, manifests, warnings: [...p.warnings, ...(infra?.warnings ?? [])] };
}

/**
 * CAPO's managed security groups with Calico: BGP and IP-in-IP between all nodes (the CAPO reference's
 * rules), added unless a rule of the same name is there or all in-cluster traffic is allowed.
 */
function withCalicoRules(spec: Record<string, unknown>): Record<string, unknown> {
  const sg = spec.managedSecurityGroups as Record<string, unknown> | undefined;
  if (!isPlainRecord(sg) || sg.allowAllInClusterTraffic === true) return spec;
  const field = 'clusterNodesSecurityGroupRules' in sg ? 'clusterNodesSecurityGroupRules'
    : 'allNodesSecurityGroupRules' in sg || !isPlainRecord(spec.apiServer) ? 'allNodesSecurityGroupRules' : 'clusterNodesSecurityGroupRules';
  const existing = Array.isArray(sg[field]) ? sg[field] as Record<string, unknown>[] : [];
  const names = new Set(existing.map((r) => r.name));
  const added = (checkSecurityGroupRules(new Problems('CALICO_SECURITY_GROUP_RULES'), 'rules', CALICO_SECURITY_GROUP_RULES) ?? []).filter((r) => !names.has(r.name));
  if (added.length === 0) return spec;
  return { ...spec, managedSecurityGroups: { ...sg, [field]: [...existing, ...added] } };
}
