/**
 * Manual cleanup of a stuck add-on release: the exact kubectl commands, from the same naming code the
 * construct uses. Behind `npx capi-constructs addon-cleanup`.
 */
import { Problems, show } from '../rules/errors';
import { checkDns1123Label, checkEnum, checkReadable } from '../rules/validation';
import { AddonName, isAddonName, unknownAddonMessage } from './catalog';
import { ADDON_MODES, AddonMode, addonNames } from './naming';

/** Which add-on of which cluster {@link addonCleanupCommands} prints the cleanup commands for. */
export interface AddonCleanupInput {
  /** Workload cluster name. */
  readonly cluster: string;
  /**
   * Namespace of the Cluster object on the management cluster.
   * @default 'default'
   */
  readonly namespace?: string;
  /** Add-on name from the catalog. */
  readonly addon: string;
  /**
   * Where Flux runs (must match the ClusterAddon's `mode`).
   * @default 'management'
   */
  readonly mode?: AddonMode;
}

/** The CLI invocation that prints the cleanup commands (used in alert runbooks). */
export function addonCleanupCommandLine(cluster: { readonly name: string; readonly namespace: string }, addon: AddonName, mode: AddonMode): string {
  return `npx capi-constructs addon-cleanup --cluster ${cluster.name} --namespace ${cluster.namespace} --addon ${addon}${mode === 'management' ? '' : ` --mode ${mode}`}`;
}

/**
 * The kubectl commands that remove every object of one add-on installation, in order: delete its
 * HelmRelease(s) (dependents first, so the KubeRay operator can still clean up the RayCluster), then the
 * add-on namespace on the workload cluster. In `tenant` mode (commands for the workload cluster) the
 * namespace holds everything else (the PrometheusRule goes with it); the HelmRepository is deleted before it. In `management` mode the HelmReleases, the ClusterResourceSet,
 * its ConfigMap, the PrometheusRule and (last) the HelmRepository are deleted on the management cluster,
 * and the namespace through the workload cluster's CAPI kubeconfig, which is kept in a private temporary
 * file (`mktemp`, mode 0600) that the same command deletes.
 * Throws ValidationError (statusCode 400) for an unknown add-on or invalid names.
 */
export function addonCleanupCommands(input: AddonCleanupInput): string[] {
  const p = new Problems(`addon-cleanup`);
  if (input === null || typeof input !== 'object') {
    p.error('input', `must be an object, got ${show(input)}`);
    p.throwIfErrors();
  }
  if (!checkReadable(p, input, 'input')) p.throwIfErrors();
  const cluster = checkDns1123Label(p, 'cluster', input.cluster);
  const namespace = input.namespace === undefined ? 'default' : checkDns1123Label(p, 'namespace', input.namespace);
  const mode = input.mode === undefined ? 'management' : checkEnum(p, 'mode', input.mode, ADDON_MODES);
  if (!isAddonName(input.addon)) {
    p.error('addon', unknownAddonMessage(input.addon));
  }
  p.throwIfErrors();
  const names = addonNames({ name: cluster!, namespace: namespace! }, input.addon as AddonName);
  const releases = [...names.releases].reverse().map((r) => r.name);
  if (mode === 'tenant') {
    // on the workload cluster, as the operations guide writes them; the HelmRepository is named too, though
    // the namespace deletion removes it. The PrometheusRule (if any) goes with the namespace: a command
    // naming it would fail on a cluster that does not serve monitoring.coreos.com.
    return [
      ...releases.map((r) => `kubectl delete helmrelease -n ${names.namespace} ${r}`),
      `kubectl delete helmrepository -n ${names.namespace} ${names.helmRepository} --ignore-not-found`,
      `kubectl delete namespace ${names.namespace}`,
    ];
  }
  // the workload cluster's admin kubeconfig goes to a private temporary file (mktemp: mode 0600, in $TMPDIR), never
  // into the current directory, and is deleted by the same command that uses it, whether the deletion succeeds or not
  // then every other object of the installation on the management cluster: the ClusterResourceSet before the
  // namespace (so it cannot re-apply it), its ConfigMap, the PrometheusRule (absent without monitoring), and the
  // HelmRepository last, once helm-controller no longer needs it
  return [
    ...releases.map((r) => `kubectl delete helmrelease -n ${namespace} ${r}`),
    `kubectl delete clusterresourceset -n ${namespace} ${names.clusterResourceSet} --ignore-not-found`,
    `kubectl delete configmap -n ${namespace} ${names.tenantResources} --ignore-not-found`,
    `kubectl delete prometheusrule -n ${namespace} ${names.prometheusRule} --ignore-not-found`,
    `kubeconfig="$(mktemp)" && chmod 600 "$kubeconfig"`,
    `kubectl get secret -n ${namespace} ${names.kubeconfigSecret} -o jsonpath='{.data.value}' | base64 -d > "$kubeconfig"`,
    `kubectl --kubeconfig "$kubeconfig" delete namespace ${names.namespace}; rm -f "$kubeconfig"`,
    `kubectl delete helmrepository -n ${namespace} ${names.helmRepository} --ignore-not-found`,
  ];
}
