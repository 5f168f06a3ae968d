/**
 * A catalog add-on on a workload cluster, as Flux objects: HelmRepository + HelmRelease(s), the
 * add-on namespace's NetworkPolicy (delivered to the workload cluster), and a PrometheusRule.
 */
import * as semver from 'semver';
import { checkClusterRef, ClusterComponent, ClusterRef } from '../cluster/cluster';
import { ADDON_CLUSTER_SELECTOR_LABEL, ADDONS_GROUP } from '../output/api-versions';
import { checkEmittedObjects } from '../rules/credentials';
import { peek, Problems, show } from '../rules/errors';
import { compact, Manifest, ObjectMeta, Rendered } from '../output/manifest';
import { memoize } from '../rules/memo';
import { checkPropKeys, propKeys } from '../rules/strict-props';
import { checkEnum, checkObject, checkProps, isPlainRecord } from '../rules/validation';
import { stringifyManifests } from '../output/yaml';
import { ADDON_CATALOG_VERSION, AddonName, catalogEntry, isAddonName, unknownAddonMessage } from './catalog';
import { addonCleanupCommandLine } from './cleanup';
import { AddonMonitoringOptions, checkAddonMonitoring, renderAddonPrometheusRule } from './monitoring';
import { ADDON_MODES, AddonMode, AddonNames, addonNames } from './naming';
import { addonSecurityGroupPorts, renderAddonNetworkPolicies, renderAddonServices, SecurityGroupPort } from './network';
import { AddonParameters, ExactValue, resolveAddonParameters } from './parameters';
import { DriftDetectionProps, renderHelmRelease, renderHelmRepository, resolveDriftDetection } from '../components/flux-release';

export { ADDON_REMEDIATION_RETRIES, HELM_RELEASE_API_VERSION, HELM_REPOSITORY_API_VERSION } from '../components/flux-release';
export { ADDON_CLUSTER_SELECTOR_LABEL, ADDONS_GROUP } from '../output/api-versions';
/** Labels and annotation on every add-on object. */
export const LABEL_ADDON = 'addons.capi-constructs.io/addon';
export const LABEL_ADDON_CLUSTER = 'addons.capi-constructs.io/cluster';
export const ANNOTATION_CATALOG_VERSION = 'addons.capi-constructs.io/catalog-version';

const FLUX_DURATION = /^([0-9]+(\.[0-9]+)?(ms|s|m|h))+$/;

/** Props of a catalog add-on (`ClusterAddon`, `addonComponent`, `renderClusterAddon`). */
export interface ClusterAddonProps<A extends AddonName = AddonName> {
  /** The workload cluster (a `Cluster` construct). Its Kubernetes version must satisfy the add-on's constraint. */
  readonly cluster: ClusterRef;
  /** Add-on from the catalog: `'jupyterhub'` or `'kuberay'`. */
  readonly addon: A;
  /**
   * Add-on parameters; unknown keys are errors.
   * @default the catalog defaults (see docs/addons.md)
   */
  readonly parameters?: AddonParameters[A];
  /**
   * Where Flux runs: `'management'` (HelmReleases on the management cluster, targeting the workload
   * cluster through `<cluster>-kubeconfig`) or `'tenant'` (Flux on the workload cluster).
   * @default 'management'
   */
  readonly mode?: AddonMode;
  /**
   * Flux reconcile interval of the HelmReleases (Flux duration such as `10m`).
   * @default '10m'
   */
  readonly interval?: string;
  /**
   * PrometheusRule options; `false` emits no PrometheusRule (e.g. no prometheus-operator CRDs where Flux runs).
   * @default alerts after 15m not Ready and on mean reconciles over 5m
   */
  readonly monitoring?: AddonMonitoringOptions | false;
  /**
   * Flux drift detection of every HelmRelease of the add-on (`spec.driftDetection`).
   * @default mode 'enabled', ignoring the replicas of Deployments and StatefulSets (DEFAULT_DRIFT_IGNORE)
   */
  readonly driftDetection?: DriftDetectionProps;
}

/** The known keys of {@link ClusterAddonProps} (strict props). */
export const CLUSTER_ADDON_PROPS = propKeys<ClusterAddonProps>()('ClusterAddonProps', {
  cluster: true, addon: true, parameters: true, mode: true, interval: true, monitoring: true, driftDetection: true,
});

/** A rendered add-on. */
export interface AddonModel extends Rendered {
  readonly addon: AddonName;
  readonly mode: AddonMode;
  readonly names: AddonNames;
  /** Where the HelmReleases live (`cluster.namespace` in management mode, the add-on namespace in tenant mode). */
  readonly releaseNamespace: string;
  /** Ports to open in the cluster's security groups: none for ClusterIP, node ports for NodePort, Service ports for LoadBalancer. */
  readonly securityGroupPorts: readonly SecurityGroupPort[];
  /**
   * The add-on namespace's NetworkPolicies (in `manifests` in tenant mode; inside the ClusterResourceSet
   * ConfigMap in management mode): only what the charts do not already allow (see network.ts).
   */
  readonly networkPolicies: readonly Manifest[];
  /** The objects for the workload cluster (Namespace, NetworkPolicies). */
  readonly workloadClusterManifests: readonly Manifest[];
}

/** Checks the cluster's Kubernetes version against the add-on's constraint. */
function checkKubernetesConstraint(p: Problems, cluster: ClusterRef, addon: AddonName): void {
  const entry = catalogEntry(addon);
  const version = cluster.kubernetesVersion.replace(/^v/, '');
  if (!isSemver(version)) {
    p.error('cluster.kubernetesVersion', `${show(cluster.kubernetesVersion)} of cluster "${cluster.name}" is not a semantic version, so add-on "${addon}" cannot check its constraint ${entry.kubernetesVersion}`);
  } else if (!satisfies(version, entry.kubernetesVersion)) {
    const charts = entry.charts.map((c) => `${c.chart} ${c.version}`).join(', ');
    p.error('cluster.kubernetesVersion', `add-on "${addon}" requires Kubernetes ${entry.kubernetesVersion} (${charts}, catalog ${ADDON_CATALOG_VERSION}), but cluster "${cluster.name}" runs ${cluster.kubernetesVersion}`);
  }
}

/** perf: `semver.valid` builds a SemVer on every call; a fleet checks the same few versions for every add-on. */
const isSemver = memoize((version) => semver.valid(version) !== null);

function satisfies(version: string, range: string): boolean {
  // a valid semantic version has no space, so the first space separates it from the range
  return satisfiesMemo(`${version} ${range}`);
}

/** perf: semver.satisfies parses the range on every call; a fleet checks the same few (version, range) pairs thousands of times. */
const satisfiesMemo = memoize((key) => {
  const space = key.indexOf(' ');
  return semver.satisfies(key.slice(0, space), key.slice(space + 1), { includePrerelease: true });
});

/** Metadata of an add-on object: its own copies of the add-on's labels and annotations. */
function objectMeta(name: string, namespace: string | undefined, labels: Record<string, string>, annotations: Record<string, string>): ObjectMeta {
  return { name, namespace, labels: { ...labels }, annotations: { ...annotations } };
}

/** Sets the exact values into (a compacted copy of) the chart values; fresh arrays, so no manifest shares them. */
function withExactValues(values: Record<string, unknown> | undefined, exact: readonly ExactValue[] | undefined): Record<string, unknown> | undefined {
  if (!exact?.length) return values;
  const out = values ?? {};
  for (const { path, value } of exact) {
    let cur = out;
    for (const key of path.slice(0, -1)) cur = (cur[key] ??= {}) as Record<string, unknown>;
    cur[path[path.length - 1]] = Array.isArray(value) ? [...value] : value;
  }
  return out;
}

function releaseNameOf(names: AddonNames, component: string): string {
  return names.releases.find((r) => r.component === component)!.name;
}

/**
 * Validates the props (every problem at once; throws ValidationError with statusCode 400) and renders
 * the add-on's objects.
 */
export function renderClusterAddon(props: ClusterAddonProps): AddonModel {
  const p = new Problems(`ClusterAddon ${show(peek(props, 'addon'))}`);
  if (!checkProps(p, props)) p.throwIfErrors();
  checkPropKeys(p, '', props, CLUSTER_ADDON_PROPS);
  const cluster = checkClusterRef(p, 'cluster', props.cluster);
  const addon = isAddonName(props.addon) ? props.addon : undefined;
  if (addon === undefined) {
    p.error('addon', unknownAddonMessage(props.addon));
  }
  if (cluster) p.subject = `ClusterAddon ${show(props.addon)} on cluster "${cluster.name}"`;
  const mode = props.mode === undefined ? 'management' : checkEnum(p, 'mode', props.mode, ADDON_MODES);
  const interval = props.interval ?? '10m';
  if (typeof interval !== 'string' || !FLUX_DURATION.test(interval)) {
    p.error('interval', `${show(props.interval)} is not a Flux duration such as "10m" or "1h" (units ms, s, m, h)`);
  }
  const monitoring = checkAddonMonitoring(p, 'monitoring', props.monitoring);
  const driftDetection = resolveDriftDetection(p, 'driftDetection', props.driftDetection);
  if (cluster && addon) checkKubernetesConstraint(p, cluster, addon);
  const { values, exactValues, postRenderers, exposure } = addon ? resolveAddonParameters(p, addon, props.parameters) : { values: {}, exactValues: undefined, postRenderers: undefined, exposure: undefined };
  p.throwIfErrors();

  const entry = catalogEntry(addon!);
  const names = addonNames(cluster!, addon!);
  const releaseNamespace = mode === 'tenant' ? names.namespace : cluster!.namespace;
  const labels = { 'app.kubernetes.io/managed-by': 'capi-constructs', [LABEL_ADDON]: addon!, [LABEL_ADDON_CLUSTER]: cluster!.name };
  const annotations = { [ANNOTATION_CATALOG_VERSION]: ADDON_CATALOG_VERSION };

  const namespace: Manifest = compact({ apiVersion: 'v1', kind: 'Namespace', metadata: objectMeta(names.namespace, undefined, labels, annotations) });
  const networkPolicies = renderAddonNetworkPolicies(exposure!, names, labels);
  const workloadClusterManifests = [namespace, ...networkPolicies, ...renderAddonServices(exposure!, names, labels)];

  const repository: Manifest = compact(renderHelmRepository(objectMeta(names.helmRepository, releaseNamespace, labels, annotations), entry.repository.url));
  const releases: Manifest[] = entry.charts.map((chart) => {
    const name = releaseNameOf(names, chart.component);
    const dependsOn = chart.dependsOn.map((c) => releaseNameOf(names, c));
    // Cluster components (CNI) are released from the management cluster, in the Cluster's namespace.
    if (mode === 'management' && cluster!.cniRelease !== undefined) dependsOn.unshift(cluster!.cniRelease);
    return renderHelmRelease({
      metadata: objectMeta(name, releaseNamespace, labels, annotations),
      interval,
      releaseName: name,
      targetNamespace: names.namespace,
      kubeconfigSecret: mode === 'management' ? names.kubeconfigSecret : undefined,
      dependsOn,
      chart: chart.chart,
      version: chart.version,
      helmRepository: names.helmRepository,
      timeout: chart.timeout,
      values: withExactValues(compact(values[chart.component]), exactValues?.[chart.component]),
      postRenderers: postRenderers?.[chart.component],
      driftDetection,
    });
  });

  const manifests: Manifest[] = [];
  if (mode === 'tenant') {
    manifests.push(...workloadClusterManifests, repository, ...releases);
  } else {
    manifests.push(repository, ...releases);
    // Objects applied here would land on the management cluster; the workload cluster gets them from
    // Cluster API's ClusterResourceSet controller through the cluster's kubeconfig.
    manifests.push({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: compact(objectMeta(names.tenantResources, cluster!.namespace, labels, annotations)),
      data: { 'resources.yaml': stringifyManifests(workloadClusterManifests) },
    });
    manifests.push(compact({
      apiVersion: `${ADDONS_GROUP}/${cluster!.apiVersion}`,
      kind: 'ClusterResourceSet',
      metadata: objectMeta(names.clusterResourceSet, cluster!.namespace, labels, annotations),
      spec: {
        strategy: 'Reconcile',
        clusterSelector: { matchLabels: { [ADDON_CLUSTER_SELECTOR_LABEL]: cluster!.name } },
        resources: [{ name: names.tenantResources, kind: 'ConfigMap' }],
      },
    }));
  }
  if (monitoring) {
    manifests.push(renderAddonPrometheusRule({
      addon: addon!,
      cluster: cluster!.name,
      name: names.prometheusRule,
      namespace: releaseNamespace,
      labels: { ...labels },
      annotations,
      releaseNamespace,
      releases: names.releases.map((r) => r.name),
      cleanupCommand: addonCleanupCommandLine(cluster!, addon!, mode!),
      options: monitoring,
    }));
  }
  checkEmittedObjects(p, manifests);
  p.throwIfErrors();
  return {
    addon: addon!,
    mode: mode!,
    names,
    releaseNamespace,
    securityGroupPorts: Object.freeze(addonSecurityGroupPorts(exposure!, names).map((x) => Object.freeze(x))),
    networkPolicies,
    workloadClusterManifests,
    manifests,
    warnings: p.warnings,
  };
}

/** An add-on in a fleet's `ClusterSpec.components`: see {@link addonComponent}. */
export interface AddonComponent<A extends AddonName = AddonName> extends ClusterComponent {
  /** The add-on props, without the cluster (each cluster of the fleet fills it in). */
  readonly props: Omit<ClusterAddonProps<A>, 'cluster'>;
}

/**
 * A catalog add-on as a component of a fleet's `ClusterSpec` (`writeFleet`, `renderFleet`,
 * `addFleet`, `ClusterChart`): renders with {@link renderClusterAddon} for each cluster it is given,
 * so the objects are those of the `ClusterAddon` construct. Its id (the construct id in a
 * `ClusterChart`, unique within a cluster) is the add-on name unless given.
 *
 * ```ts
 * components: [addonComponent({ addon: 'jupyterhub', parameters: { cpu: '2' } })]
 * ```
 */
export function addonComponent<A extends AddonName>(props: Omit<ClusterAddonProps<A>, 'cluster'>, id?: string): AddonComponent<A> {
  const addon = isPlainRecord(props) ? props.addon : undefined;
  const component: AddonComponent<A> = {
    id: id ?? (typeof addon === 'string' ? addon : show(addon)),
    subject: `ClusterAddon ${show(addon)}`,
    props,
    render: (cluster: ClusterRef) => renderClusterAddon((isPlainRecord(props) ? { ...props, cluster } : props) as ClusterAddonProps),
  };
  MADE.set(component, { id: component.id, subject: component.subject!, props, render: component.render });
  return component;
}

/** What {@link addonComponent} made each of its results with: recognises them while they are unchanged. */
const MADE = new WeakMap<object, { readonly id: string; readonly subject: string; readonly props: unknown; readonly render: unknown }>();

/**
 * The arguments `addonComponent(props, id)` was called with, when `value` is one of its results and
 * still holds exactly the fields it made (`id`, `subject`, `props`, `render`, as plain data fields, with
 * the same values, and the subject still the one the props give): calling `addonComponent(props, id)`
 * again gives a component that renders the same. Undefined for anything else. Lets a fleet render
 * such a component on another thread (a closure cannot be sent there).
 */
export function addonComponentArguments(value: unknown): { readonly props: unknown; readonly id: string } | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  const made = MADE.get(value);
  if (!made) return undefined;
  const keys = Reflect.ownKeys(value);
  if (keys.length !== 4 || Object.getPrototypeOf(value) !== Object.prototype) return undefined;
  for (const k of ['id', 'subject', 'props', 'render'] as const) {
    const d = Object.getOwnPropertyDescriptor(value, k);
    if (!d || !('value' in d) || !d.enumerable || d.value !== made[k]) return undefined;
  }
  try {
    const addon = isPlainRecord(made.props) ? peek(made.props, 'addon') : undefined;
    return made.subject === `ClusterAddon ${show(addon)}` ? { props: made.props, id: made.id } : undefined;
  } catch {
    return undefined; // props that cannot be read (a Proxy): not portable
  }
}
