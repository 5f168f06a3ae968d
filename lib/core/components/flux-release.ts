/**
 * A Flux HelmRelease (and its HelmRepository) on the management cluster that installs a chart into a
 * workload cluster through Cluster API's `<cluster>-kubeconfig` Secret (`spec.kubeConfig`). The
 * management-mode add-ons and the cluster components (CNI, cloud controller manager, CSI) both use it.
 */
import { Manifest, ObjectMeta } from '../output/manifest';
import { Problems, show } from '../rules/errors';
import { checkPropKeys, propKeys } from '../rules/strict-props';
import { checkEnum, checkObject } from '../rules/validation';

export const HELM_RELEASE_API_VERSION = 'helm.toolkit.fluxcd.io/v2';
export const HELM_REPOSITORY_API_VERSION = 'source.toolkit.fluxcd.io/v1';

/** Retries of a failed install or upgrade before Flux gives up (remediation between attempts). */
export const ADDON_REMEDIATION_RETRIES = 3;

/** Which objects a drift {@link DriftIgnoreRule} applies to (Flux `IgnoreRule.target`). */
export interface DriftIgnoreTarget {
  /** @default any group */
  readonly group?: string;
  /** @default any version */
  readonly version?: string;
  /** @default any kind */
  readonly kind?: string;
  /** @default any name */
  readonly name?: string;
  /** @default any namespace */
  readonly namespace?: string;
  /** Label selector expression, e.g. `app.kubernetes.io/name=foo`. @default any labels */
  readonly labelSelector?: string;
  /** Annotation selector expression. @default any annotations */
  readonly annotationSelector?: string;
}

/** Fields of a release's objects that drift detection leaves alone (another controller owns them). */
export interface DriftIgnoreRule {
  /** JSON Pointers (RFC 6901), e.g. `/spec/replicas`. */
  readonly paths: readonly string[];
  /** @default every object of the release */
  readonly target?: DriftIgnoreTarget;
}

/**
 * Flux helm-controller drift detection of a HelmRelease (`spec.driftDetection`): `enabled` puts objects
 * changed or deleted on the workload cluster back as the chart renders them, `warn` only reports the drift.
 */
export interface DriftDetectionProps {
  /** @default 'enabled' */
  readonly mode?: 'enabled' | 'warn' | 'disabled';
  /**
   * Rules of fields not to correct. They replace the default rules.
   * @default DEFAULT_DRIFT_IGNORE: `/spec/replicas` of Deployments and StatefulSets (a HorizontalPodAutoscaler owns it)
   */
  readonly ignore?: readonly DriftIgnoreRule[];
}

/** The drift detection modes of Flux helm-controller. */
export const DRIFT_DETECTION_MODES = ['enabled', 'warn', 'disabled'] as const;

/**
 * The ignore rules every release gets unless its `driftDetection.ignore` replaces them: the replicas of
 * Deployments and StatefulSets, which a HorizontalPodAutoscaler (or an operator) scales; correcting them
 * would undo every scaling decision at the next reconcile.
 */
export const DEFAULT_DRIFT_IGNORE: readonly DriftIgnoreRule[] = Object.freeze([
  Object.freeze({ paths: Object.freeze(['/spec/replicas']), target: Object.freeze({ group: 'apps', kind: 'Deployment' }) }),
  Object.freeze({ paths: Object.freeze(['/spec/replicas']), target: Object.freeze({ group: 'apps', kind: 'StatefulSet' }) }),
]);

const DRIFT_DETECTION_PROPS = propKeys<DriftDetectionProps>()('DriftDetectionProps', { mode: true, ignore: true });
const DRIFT_IGNORE_RULE_PROPS = propKeys<DriftIgnoreRule>()('DriftIgnoreRule', { paths: true, target: true });
const DRIFT_IGNORE_TARGET_PROPS = propKeys<DriftIgnoreTarget>()('DriftIgnoreTarget', {
  group: true, version: true, kind: true, name: true, namespace: true, labelSelector: true, annotationSelector: true,
});

/** A validated `spec.driftDetection`. */
export interface ResolvedDriftDetection {
  readonly mode: 'enabled' | 'warn' | 'disabled';
  readonly ignore: readonly DriftIgnoreRule[];
}

/** The default: drift corrected, with {@link DEFAULT_DRIFT_IGNORE}. */
export const DEFAULT_DRIFT_DETECTION: ResolvedDriftDetection = Object.freeze({ mode: 'enabled', ignore: DEFAULT_DRIFT_IGNORE });

/** A JSON Pointer (RFC 6901): empty, or `/` followed by tokens where `~` is escaped as `~0` or `~1`. */
function isJsonPointer(s: string): boolean {
  return /^(\/([^~]|~[01])*)+$/.test(s);
}

/** Validates a `driftDetection` prop (every problem into `p`); undefined gives the default. */
export function resolveDriftDetection(p: Problems, path: string, value: unknown): ResolvedDriftDetection | undefined {
  if (value === undefined) return DEFAULT_DRIFT_DETECTION;
  if (!checkObject(p, path, value)) return undefined;
  const before = p.errors.length;
  checkPropKeys(p, path, value, DRIFT_DETECTION_PROPS);
  const v = value as DriftDetectionProps;
  const mode = v.mode === undefined ? 'enabled' : checkEnum(p, `${path}.mode`, v.mode, DRIFT_DETECTION_MODES);
  if (mode === 'disabled') p.warn(`${path}.mode`, `'disabled': objects changed or deleted on the workload cluster stay so until the chart version or values change`);
  let ignore: readonly DriftIgnoreRule[] = DEFAULT_DRIFT_IGNORE;
  if (v.ignore !== undefined) {
    if (!Array.isArray(v.ignore)) {
      p.error(`${path}.ignore`, `must be a list of rules { paths, target }, got ${show(v.ignore)}`);
    } else {
      ignore = v.ignore.map((r: unknown, i) => checkIgnoreRule(p, `${path}.ignore[${i}]`, r));
    }
  }
  return p.errors.length > before ? undefined : { mode: mode!, ignore };
}

function checkIgnoreRule(p: Problems, path: string, rule: unknown): DriftIgnoreRule {
  if (!checkObject(p, path, rule)) return rule as DriftIgnoreRule;
  checkPropKeys(p, path, rule, DRIFT_IGNORE_RULE_PROPS);
  const r = rule as unknown as DriftIgnoreRule;
  if (!Array.isArray(r.paths) || r.paths.length === 0) {
    p.error(`${path}.paths`, `must be a non-empty list of JSON Pointers such as "/spec/replicas", got ${show(r.paths)}`);
  } else {
    r.paths.forEach((x: unknown, i) => {
      if (typeof x !== 'string' || !isJsonPointer(x)) p.error(`${path}.paths[${i}]`, `${show(x)} is not a JSON Pointer (RFC 6901) such as "/spec/replicas": it starts with "/" and escapes "~" as "~0" and "/" as "~1"`);
    });
  }
  if (r.target !== undefined && checkObject(p, `${path}.target`, r.target)) {
    checkPropKeys(p, `${path}.target`, r.target, DRIFT_IGNORE_TARGET_PROPS);
    for (const [k, x] of Object.entries(r.target)) {
      if (typeof x !== 'string' || x === '') p.error(`${path}.target.${k}`, `must be a non-empty string, got ${show(x)}`);
    }
  }
  return { paths: [...(r.paths ?? [])], target: r.target && { ...r.target } };
}

/** `spec.driftDetection` as the HelmRelease carries it. */
function renderDriftDetection(d: ResolvedDriftDetection): Record<string, unknown> {
  if (d.ignore.length === 0) return { mode: d.mode };
  return { mode: d.mode, ignore: d.ignore.map((r) => (r.target ? { paths: [...r.paths], target: { ...r.target } } : { paths: [...r.paths] })) };
}

export interface HelmReleaseOptions {
  readonly metadata: ObjectMeta;
  readonly interval: string;
  /** Helm release name (at most 53 characters). */
  readonly releaseName: string;
  /** Namespace on the target cluster (also where Helm stores the release). */
  readonly targetNamespace: string;
  /** CAPI's kubeconfig Secret of the workload cluster; omitted when Flux runs on the workload cluster itself. */
  readonly kubeconfigSecret?: string;
  /** HelmReleases (same namespace) that must be Ready first. @default none */
  readonly dependsOn?: readonly string[];
  readonly chart: string;
  readonly version: string;
  readonly helmRepository: string;
  /** @default none */
  readonly timeout?: string;
  /** Chart values, already compacted. @default none */
  readonly values?: Record<string, unknown>;
  /** Flux post-renderers (`spec.postRenderers`): what the chart's values cannot set. @default none */
  readonly postRenderers?: readonly Record<string, unknown>[];
  /** @default DEFAULT_DRIFT_DETECTION */
  readonly driftDetection?: ResolvedDriftDetection;
}

/** The HelmRelease. Built without undefined or empty fields. */
export function renderHelmRelease(o: HelmReleaseOptions): Manifest {
  const management = o.kubeconfigSecret !== undefined;
  const spec: Record<string, unknown> = { interval: o.interval, releaseName: o.releaseName, targetNamespace: o.targetNamespace, storageNamespace: o.targetNamespace };
  if (management) spec.kubeConfig = { secretRef: { name: o.kubeconfigSecret, key: 'value' } };
  if (o.dependsOn && o.dependsOn.length > 0) spec.dependsOn = o.dependsOn.map((name) => ({ name }));
  spec.chart = { spec: { chart: o.chart, version: o.version, sourceRef: { kind: 'HelmRepository', name: o.helmRepository } } };
  if (o.timeout !== undefined) spec.timeout = o.timeout;
  // Where Flux runs on the workload cluster, the Namespace is applied with the release (it lives in it).
  spec.install = management
    ? { createNamespace: true, crds: 'CreateReplace', remediation: { retries: ADDON_REMEDIATION_RETRIES } }
    : { crds: 'CreateReplace', remediation: { retries: ADDON_REMEDIATION_RETRIES } };
  spec.upgrade = { crds: 'CreateReplace', cleanupOnFail: true, remediation: { retries: ADDON_REMEDIATION_RETRIES, strategy: 'rollback' } };
  spec.driftDetection = renderDriftDetection(o.driftDetection ?? DEFAULT_DRIFT_DETECTION);
  if (o.values !== undefined) spec.values = o.values;
  if (o.postRenderers !== undefined && o.postRenderers.length > 0) spec.postRenderers = o.postRenderers.map((r) => JSON.parse(JSON.stringify(r)) as Record<string, unknown>);
  return { apiVersion: HELM_RELEASE_API_VERSION, kind: 'HelmRelease', metadata: o.metadata, spec };
}

/** The HelmRepository a release's chart comes from. */
export function renderHelmRepository(metadata: ObjectMeta, url: string): Manifest {
  return { apiVersion: HELM_REPOSITORY_API_VERSION, kind: 'HelmRepository', metadata, spec: { url, interval: '1h' } };
}
