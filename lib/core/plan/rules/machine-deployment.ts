/**
 * MachineDeployment rules.
 * - Update, cluster-api v1.14.0 `core/webhooks/admission/machinedeployment.go` `validate`:
 *   `spec.clusterName` is immutable ("field is immutable").
 * - The Kubernetes version: the webhook has no rule on how far a MachineDeployment's version moves;
 *   what stops a bad one is the MachineSet preflight checks (on by default) in
 *   `core/reconcilers/machineset/machineset_preflight.go`: `kubernetesVersionPreflightCheck` (the
 *   workers' minor may not be above the control plane's, nor more than 3 below it) and
 *   `kubeadmVersionPreflightCheck` (with the kubeadm bootstrap provider, the minor must equal the
 *   control plane's). They do not refuse the update: the MachineSet never creates the new machines.
 */
import * as semver from 'semver';
import { BOOTSTRAP_GROUP } from '../../output/api-versions';
import { Manifest } from '../../output/manifest';
import { getPath } from '../diff';
import { RejectedChange } from '../types';
import { CAPI_SOURCE, immutableField, rejection } from './common';

/** The MachineDeployment webhook's update rule: `spec.clusterName` is immutable. */
export function machineDeploymentUpdateRules(previous: Manifest, next: Manifest): RejectedChange[] {
  return immutableField(previous, next, ['spec', 'clusterName'], `${CAPI_SOURCE} core/webhooks/admission/machinedeployment.go validate`,
    'a worker group cannot move to another cluster: create a new group in the target cluster and remove this one');
}

function parseVersion(v: unknown): semver.SemVer | undefined {
  if (typeof v !== 'string') return undefined;
  return semver.parse(v.startsWith('v') ? v.slice(1) : v) ?? undefined;
}

/** The MachineDeployment's `spec.template.spec.version`. */
function workerVersion(md: Manifest): unknown {
  return getPath(md, ['spec', 'template', 'spec', 'version']);
}

function usesKubeadm(md: Manifest): boolean {
  const ref = getPath(md, ['spec', 'template', 'spec', 'bootstrap', 'configRef']) as Record<string, unknown> | undefined;
  if (!ref) return false;
  const group = typeof ref.apiGroup === 'string' ? ref.apiGroup : typeof ref.apiVersion === 'string' ? ref.apiVersion.split('/')[0] : '';
  return group === BOOTSTRAP_GROUP && ref.kind === 'KubeadmConfigTemplate';
}

/**
 * The MachineSet preflight version-skew checks for a MachineDeployment against the control plane's
 * version after the apply. `previous` is the MachineDeployment before it (undefined when new): an
 * unchanged version is not reported, since machines of that version already run.
 */
export function machineDeploymentVersionSkewRule(previous: Manifest | undefined, next: Manifest, controlPlaneVersion: unknown): RejectedChange[] {
  const to = workerVersion(next);
  if (previous && workerVersion(previous) === to) return [];
  const ms = parseVersion(to);
  const cp = parseVersion(controlPlaneVersion);
  if (!ms || !cp) return [];
  const source = `${CAPI_SOURCE} core/reconcilers/machineset/machineset_preflight.go`;
  const base = { path: 'spec.template.spec.version', old: previous ? workerVersion(previous) : undefined, new: to, effect: 'blocked' as const };
  if (ms.major !== cp.major || ms.minor > cp.minor) {
    return [rejection(next, {
      ...base,
      rule: `KubernetesVersionSkew: MachineSet version (${to}) is higher than the control plane version (${controlPlaneVersion}); no new machine is created`,
      source: `${source} kubernetesVersionPreflightCheck`,
      instead: `upgrade the control plane first (one minor per apply), then the workers to at most ${controlPlaneVersion}`,
    })];
  }
  if (usesKubeadm(next) && ms.minor !== cp.minor) {
    return [rejection(next, {
      ...base,
      rule: `KubeadmVersionSkew: kubeadm joins only at the control plane's minor (${controlPlaneVersion}), the workers ask for ${to}; no new machine is created`,
      source: `${source} kubeadmVersionPreflightCheck`,
      instead: `set the workers to v${cp.major}.${cp.minor}.x, the control plane's minor`,
    })];
  }
  return [];
}
