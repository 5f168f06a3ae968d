/**
 * Monitoring of add-on HelmReleases with the metrics current Flux really exposes.
 *
 * `gotk_reconcile_condition` (named by the operations guide) was removed from the Flux controllers in
 * Flux 2.2 (helm-controller v0.37.0); the collector is still registered but never set, so an alert on
 * it silently never fires. Readiness comes instead from `gotk_resource_info`, which kube-state-metrics
 * exports from a CustomResourceStateMetrics config ({@link renderFluxResourceMetrics}), and slowness
 * from helm-controller's `gotk_reconcile_duration_seconds` histogram.
 */
import { stringify } from 'yaml';
import { Problems, show } from '../rules/errors';
import { checkPropKeys, propKeys } from '../rules/strict-props';
import { compact, Manifest, Rendered } from '../output/manifest';
import { checkDuration, checkLabels, checkObject, checkProps, checkString, isDns1123Label, shortDuration } from '../rules/validation';
import { AddonName } from './catalog';

/** Alert settings of a ClusterAddon. */
export interface AddonMonitoringOptions {
  /**
   * Alert when a HelmRelease of the add-on has not been Ready for this long.
   * @default '15m'
   */
  readonly notReadyFor?: string | number;
  /**
   * Alert when the mean reconcile time of a HelmRelease over 30 minutes stays above this for 15 minutes.
   * @default '5m'
   */
  readonly slowReconcileThreshold?: string | number;
  /**
   * Label holding the HelmRelease namespace on `gotk_reconcile_duration_seconds`. Prometheus renames the
   * metric's `namespace` to `exported_namespace` when it collides with the target's namespace
   * (`honorLabels: false`, the PodMonitor default); use `namespace` with `honorLabels: true`.
   * @default 'exported_namespace'
   */
  readonly namespaceLabel?: string;
  /**
   * Labels on the PrometheusRule object, e.g. what your Prometheus `ruleSelector` matches.
   * @default none
   */
  readonly ruleLabels?: Record<string, string>;
}

/** Validated monitoring options. */
export interface ResolvedAddonMonitoring {
  readonly notReadyForSeconds: number;
  readonly slowReconcileSeconds: number;
  readonly namespaceLabel: string;
  readonly ruleLabels?: Record<string, string>;
}

const PROM_LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** The known keys of {@link AddonMonitoringOptions} (strict props). */
export const ADDON_MONITORING_PROPS = propKeys<AddonMonitoringOptions>()('AddonMonitoringOptions', {
  notReadyFor: true, slowReconcileThreshold: true, namespaceLabel: true, ruleLabels: true,
});

/** Validates the `monitoring` prop: `false` disables the PrometheusRule. */
export function checkAddonMonitoring(p: Problems, path: string, value: unknown): ResolvedAddonMonitoring | false | undefined {
  if (value === false) return false;
  const v = (value ?? {}) as AddonMonitoringOptions;
  if (value !== undefined && !checkObject(p, path, value)) return undefined;
  if (value !== undefined && !checkPropKeys(p, path, value as object, ADDON_MONITORING_PROPS)) return undefined;
  const notReady = checkDuration(p, `${path}.notReadyFor`, v.notReadyFor ?? '15m');
  const slow = checkDuration(p, `${path}.slowReconcileThreshold`, v.slowReconcileThreshold ?? '5m');
  for (const [f, s] of [['notReadyFor', notReady], ['slowReconcileThreshold', slow]] as const) {
    if (s === 0) p.error(`${path}.${f}`, `must be greater than zero, got ${show(v[f])}`);
  }
  let namespaceLabel = 'exported_namespace';
  if (v.namespaceLabel !== undefined) {
    if (checkString(p, `${path}.namespaceLabel`, v.namespaceLabel) && PROM_LABEL.test(v.namespaceLabel)) namespaceLabel = v.namespaceLabel;
    else if (typeof v.namespaceLabel === 'string') p.error(`${path}.namespaceLabel`, `${show(v.namespaceLabel)} is not a Prometheus label name ([a-zA-Z_][a-zA-Z0-9_]*)`);
  }
  const ruleLabels = checkLabels(p, `${path}.ruleLabels`, v.ruleLabels, 'labels');
  if (notReady === undefined || slow === undefined) return undefined;
  return { notReadyForSeconds: notReady, slowReconcileSeconds: slow, namespaceLabel, ruleLabels };
}

export interface AddonPrometheusRuleInput {
  readonly addon: AddonName;
  /** Workload cluster name (alert label `capi_cluster`). */
  readonly cluster: string;
  /** Name and namespace of the PrometheusRule (where Flux, and so the HelmReleases, live). */
  readonly name: string;
  readonly namespace: string;
  readonly labels: Record<string, string>;
  readonly annotations?: Record<string, string>;
  /** Namespace of the HelmRelease objects. */
  readonly releaseNamespace: string;
  /** HelmRelease names. */
  readonly releases: readonly string[];
  /** The command that prints the cleanup commands, for the runbook annotation. */
  readonly cleanupCommand: string;
  readonly options: ResolvedAddonMonitoring;
}

/** A PromQL label selector: `{k="v", k=~"re", k!="v"}`; a value starting with `=~` or `!=` carries its operator. */
function selector(matchers: Record<string, string>): string {
  let s = '{';
  for (const k in matchers) {
    const v = matchers[k];
    if (s.length > 1) s += ', ';
    const op = v.startsWith('=~') || v.startsWith('!=');
    s += op ? `${k}${v.slice(0, 2)}"${v.slice(2)}"` : `${k}="${v}"`;
  }
  return `${s}}`;
}

/**
 * A `monitoring.coreos.com/v1` PrometheusRule with, for the add-on's HelmReleases:
 * - `FluxHelmReleaseNotReady`: `gotk_resource_info` reports Ready != "True" (False or Unknown) for `notReadyFor`;
 *   aggregated over the `ready` label so a flip between False and Unknown does not restart the timer;
 *   suspended releases are excluded;
 * - `FluxHelmReleaseStateMissing`: no `gotk_resource_info` series for a release (kube-state-metrics not
 *   configured, or the HelmRelease is gone) — otherwise the first alert could never fire, which is exactly
 *   how alerts on the removed `gotk_reconcile_condition` fail; one rule, `absent(...) or absent(...)`;
 * - `FluxHelmReleaseSlowReconcile`: mean of `gotk_reconcile_duration_seconds` over 30m above the threshold.
 */
export function renderAddonPrometheusRule(input: AddonPrometheusRuleInput): Manifest {
  const { options: o } = input;
  const names = input.releases.join('|');
  // the gotk_resource_info matchers of the add-on's HelmReleases (as selector() writes them, without its intermediate objects)
  const info = `customresource_group="helm.toolkit.fluxcd.io", customresource_kind="HelmRelease", exported_namespace="${input.releaseNamespace}"`;
  const labels = { addon: input.addon, capi_cluster: input.cluster };
  const runbook = `Inspect with: flux get helmreleases -n ${input.releaseNamespace}; kubectl describe helmrelease -n ${input.releaseNamespace} {{ $labels.name }}. If the release is stuck, print the cleanup commands with: ${input.cleanupCommand}`;
  const notReady = `max by (exported_namespace, name) (gotk_resource_info{${info}, name=~"${names}", ready!="True", suspended!="true"}) > 0`;
  const dur = selector({ kind: 'HelmRelease', [o.namespaceLabel]: input.releaseNamespace, name: `=~${names}` });
  const by = `${o.namespaceLabel}, name`;
  const slow = `(sum by (${by}) (rate(gotk_reconcile_duration_seconds_sum${dur}[30m]))`
    + ` / sum by (${by}) (rate(gotk_reconcile_duration_seconds_count${dur}[30m]))) > ${o.slowReconcileSeconds}`;
  const rules: Record<string, unknown>[] = [
    {
      alert: 'FluxHelmReleaseNotReady',
      expr: notReady,
      for: shortDuration(o.notReadyForSeconds),
      labels: { severity: 'critical', ...labels },
      annotations: {
        summary: `HelmRelease {{ $labels.exported_namespace }}/{{ $labels.name }} (add-on ${input.addon}, cluster ${input.cluster}) has not been Ready for ${shortDuration(o.notReadyForSeconds)}.`,
        description: runbook,
      },
    },
    {
      // One rule for all releases: rules with the same name and labels are duplicates (promtool lints
      // them). `absent()` keeps the equality matchers as labels, so each missing release is its own series.
      alert: 'FluxHelmReleaseStateMissing',
      expr: input.releases.map((r) => `absent(gotk_resource_info{${info}, name="${r}"})`).join(' or '),
      for: shortDuration(o.notReadyForSeconds),
      labels: { severity: 'warning', ...labels },
      annotations: {
        summary: `No gotk_resource_info for HelmRelease ${input.releaseNamespace}/{{ $labels.name }} (add-on ${input.addon}, cluster ${input.cluster}): its readiness is not monitored.`,
        description: 'kube-state-metrics must run with the Flux CustomResourceStateMetrics config (FluxResourceMetrics / renderFluxResourceMetrics) and may list and watch CustomResourceDefinitions, or the HelmRelease no longer exists.',
      },
    },
    {
      alert: 'FluxHelmReleaseSlowReconcile',
      expr: slow,
      for: '15m',
      labels: { severity: 'warning', ...labels },
      annotations: {
        summary: `HelmRelease {{ $labels.name }} (add-on ${input.addon}, cluster ${input.cluster}) takes {{ $value | humanizeDuration }} per reconcile on average (threshold ${shortDuration(o.slowReconcileSeconds)}).`,
        description: runbook,
      },
    },
  ];
  // The rules are built from defined strings only, so only the metadata (optional annotations) needs `compact`.
  return {
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'PrometheusRule',
    metadata: compact({ name: input.name, namespace: input.namespace, labels: { ...input.labels, ...o.ruleLabels }, annotations: input.annotations }),
    spec: { groups: [{ name: input.name, rules }] },
  };
}

/** Where to put the kube-state-metrics config for `gotk_resource_info`. */
export interface FluxResourceMetricsProps {
  /** Namespace of the ConfigMap (where kube-state-metrics runs). */
  readonly namespace: string;
  /**
   * Name of the ConfigMap and ClusterRole.
   * @default 'flux-resource-metrics'
   */
  readonly name?: string;
  /**
   * kube-state-metrics' ServiceAccount; when set, a ClusterRoleBinding grants it the ClusterRole.
   * @default none (bind the ClusterRole yourself, or merge its rules into your chart's RBAC)
   */
  readonly serviceAccount?: { readonly name: string; readonly namespace: string };
}

/** The known keys of {@link FluxResourceMetricsProps} and of its `serviceAccount` (strict props). */
const FLUX_RESOURCE_METRICS_PROPS = propKeys<FluxResourceMetricsProps>()('FluxResourceMetricsProps', { namespace: true, name: true, serviceAccount: true });
const SERVICE_ACCOUNT_PROPS = propKeys<NonNullable<FluxResourceMetricsProps['serviceAccount']>>()('serviceAccount', { name: true, namespace: true });

/** The ConfigMap key holding the CustomResourceStateMetrics config. */
export const FLUX_RESOURCE_METRICS_KEY = 'config.yaml';

function resourceInfo(group: string, version: string, kind: string, extra: Record<string, string[]>): Record<string, unknown> {
  return {
    groupVersionKind: { group, version, kind },
    metricNamePrefix: 'gotk',
    metrics: [{
      name: 'resource_info',
      help: `The current state of a Flux ${kind} resource.`,
      each: { type: 'Info', info: { labelsFromPath: { name: ['metadata', 'name'] } } },
      labelsFromPath: {
        exported_namespace: ['metadata', 'namespace'],
        ready: ['status', 'conditions', '[type=Ready]', 'status'],
        suspended: ['spec', 'suspend'],
        ...extra,
      },
    }],
  };
}

/**
 * The kube-state-metrics CustomResourceStateMetrics config that defines `gotk_resource_info` for
 * `helm.toolkit.fluxcd.io/v2` HelmRelease and `source.toolkit.fluxcd.io/v1` HelmRepository (the
 * versions Flux 2.8+ serves), as in fluxcd/flux2-monitoring-example; plus a ClusterRole to list and
 * watch them and the CustomResourceDefinitions (kube-state-metrics discovers custom resources through them). Start kube-state-metrics with
 * `--custom-resource-state-config-file=/etc/customresourcestate/config.yaml` (mount the ConfigMap there).
 */
export function renderFluxResourceMetrics(props: FluxResourceMetricsProps): Rendered {
  const p = new Problems('FluxResourceMetrics');
  if (!checkProps(p, props)) p.throwIfErrors();
  checkPropKeys(p, '', props, FLUX_RESOURCE_METRICS_PROPS);
  if (props.serviceAccount !== undefined && checkObject(p, 'serviceAccount', props.serviceAccount)) {
    checkPropKeys(p, 'serviceAccount', props.serviceAccount, SERVICE_ACCOUNT_PROPS);
  }
  const name = props.name ?? 'flux-resource-metrics';
  for (const [path, v] of [['namespace', props.namespace], ['name', name], ['serviceAccount.name', props.serviceAccount?.name], ['serviceAccount.namespace', props.serviceAccount?.namespace]] as const) {
    if (path.startsWith('serviceAccount') && props.serviceAccount === undefined) continue;
    if (typeof v !== 'string' || !isDns1123Label(v)) p.error(path, `${show(v)} is not a valid DNS-1123 label`);
  }
  p.throwIfErrors();
  const config = {
    kind: 'CustomResourceStateMetrics',
    spec: {
      resources: [
        resourceInfo('helm.toolkit.fluxcd.io', 'v2', 'HelmRelease', {
          revision: ['status', 'history', '0', 'chartVersion'],
          chart_name: ['status', 'history', '0', 'chartName'],
          chart_app_version: ['status', 'history', '0', 'appVersion'],
          chart_ref_name: ['spec', 'chartRef', 'name'],
          chart_source_name: ['spec', 'chart', 'spec', 'sourceRef', 'name'],
        }),
        resourceInfo('source.toolkit.fluxcd.io', 'v1', 'HelmRepository', {
          revision: ['status', 'artifact', 'revision'],
          url: ['spec', 'url'],
        }),
      ],
    },
  };
  const labels = { 'app.kubernetes.io/managed-by': 'capi-constructs', 'app.kubernetes.io/component': 'flux-resource-metrics' };
  const manifests: Manifest[] = [
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: props.namespace, labels }, data: { [FLUX_RESOURCE_METRICS_KEY]: stringify(config) } },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name, labels },
      rules: [
        { apiGroups: ['helm.toolkit.fluxcd.io'], resources: ['helmreleases'], verbs: ['list', 'watch'] },
        { apiGroups: ['source.toolkit.fluxcd.io'], resources: ['helmrepositories'], verbs: ['list', 'watch'] },
        // kube-state-metrics' custom-resource-state discovery watches CRDs to find the served resources;
        // without this rule it never exports gotk_resource_info.
        { apiGroups: ['apiextensions.k8s.io'], resources: ['customresourcedefinitions'], verbs: ['list', 'watch'] },
      ],
    },
  ];
  if (props.serviceAccount) {
    manifests.push({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name, labels },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name },
      subjects: [{ kind: 'ServiceAccount', name: props.serviceAccount.name, namespace: props.serviceAccount.namespace }],
    });
  }
  return { manifests, warnings: [] };
}
