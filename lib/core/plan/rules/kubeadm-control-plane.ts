/**
 * KubeadmControlPlane update rules, mirrored from cluster-api v1.14.0
 * `controlplane/kubeadm/webhooks/admission/kubeadmcontrolplane.go`:
 * - `ValidateUpdate` allow-list: every path of the JSON merge patch from the old to the new object must
 *   be in the list (`allowed`/`pathsMatch`), otherwise `<path>: Forbidden: cannot be modified`.
 *   Removing `clusterConfiguration`, `initConfiguration` or `joinConfiguration` as a whole is a path
 *   that is not in the list.
 * - `validateVersion`: `spec.version` may move up by at most one minor (`to >= {from.Major, from.Minor+2, 0}`
 *   is Forbidden: "cannot update Kubernetes version from X to Y"); downgrades are not blocked here.
 * - `validateClusterConfiguration`: switching between external and local etcd is Forbidden.
 *
 * The webhook sees the v1beta2 object (v1beta1 requests are converted first), so v1beta1 paths are
 * translated to their v1beta2 names before the allow-list is applied.
 * - Server-side apply of a v1beta1 object (not a Cluster API rule; the API server with the v1beta1 CRD
 *   schema, seen on the real management cluster): once the KCP controller has reconciled the object,
 *   an apply that drops every field of `clusterConfiguration.apiServer`, `.controllerManager` or
 *   `.scheduler` (e.g. the last extraArgs) leaves that field `null`, which the schema refuses:
 *   `<path>: Invalid value: "null": ... in body must be of type object` (kubernetes/kubernetes#117447).
 * Not mirrored: the CoreDNS migration check (`validateCoreDNSVersion`), which needs the CoreDNS
 * migration tables.
 */
import * as semver from 'semver';
import { Manifest } from '../../output/manifest';
import { checkArguments } from '../../rules/arguments';
import { formatPath, getPath, isPlainObject, mergePatchPaths } from '../diff';
import { apiVersionOnly } from '../manifests';
import { RejectedChange } from '../types';
import { CAPI_SOURCE, rejection } from './common';

const FILE = `${CAPI_SOURCE} controlplane/kubeadm/webhooks/admission/kubeadmcontrolplane.go`;

const K = ['spec', 'kubeadmConfigSpec'];
const CC = [...K, 'clusterConfiguration'];
const IC = [...K, 'initConfiguration'];
const JC = [...K, 'joinConfiguration'];

/** The allow-list of `ValidateUpdate`, verbatim (`*`: anything below). */
export const KCP_UPDATE_ALLOWED_PATHS: readonly (readonly string[])[] = [
  ['metadata', '*'],
  [...CC, 'etcd'], [...CC, 'etcd', '*'], [...CC, 'etcd', 'local'], [...CC, 'etcd', 'local', '*'], [...CC, 'etcd', 'external', '*'],
  [...CC, 'dns'], [...CC, 'dns', '*'], [...CC, 'imageRepository'], [...CC, 'featureGates'], [...CC, 'featureGates', '*'],
  [...CC, 'apiServer'], [...CC, 'apiServer', '*'], [...CC, 'controllerManager'], [...CC, 'controllerManager', '*'],
  [...CC, 'scheduler'], [...CC, 'scheduler', '*'], [...CC, 'certificateValidityPeriodDays'], [...CC, 'encryptionAlgorithm'],
  [...IC, 'nodeRegistration'], [...IC, 'nodeRegistration', '*'], [...IC, 'patches', 'directory'], [...IC, 'patches'],
  [...IC, 'skipPhases'], [...IC, 'bootstrapTokens'], [...IC, 'localAPIEndpoint'], [...IC, 'localAPIEndpoint', '*'],
  [...IC, 'timeouts'], [...IC, 'timeouts', '*'],
  [...JC, 'nodeRegistration'], [...JC, 'nodeRegistration', '*'], [...JC, 'patches', 'directory'], [...JC, 'patches'],
  [...JC, 'skipPhases'], [...JC, 'caCertPath'], [...JC, 'controlPlane'], [...JC, 'controlPlane', '*'],
  [...JC, 'discovery'], [...JC, 'discovery', '*'], [...JC, 'timeouts'], [...JC, 'timeouts', '*'],
  [...K, 'bootCommands'], [...K, 'preKubeadmCommands'], [...K, 'postKubeadmCommands'], [...K, 'files'], [...K, 'verbosity'],
  [...K, 'users'], [...K, 'ntp'], [...K, 'ntp', '*'], [...K, 'ignition'], [...K, 'ignition', '*'], [...K, 'diskSetup'],
  [...K, 'diskSetup', '*'], [...K, 'format'], [...K, 'mounts'],
  ['spec', 'machineTemplate', 'metadata'], ['spec', 'machineTemplate', 'metadata', '*'],
  ['spec', 'machineTemplate', 'spec'], ['spec', 'machineTemplate', 'spec', '*'],
  ['spec', 'replicas'], ['spec', 'version'], ['spec', 'remediation'], ['spec', 'remediation', '*'],
  ['spec', 'machineNaming'], ['spec', 'machineNaming', '*'], ['spec', 'rollout'], ['spec', 'rollout', '*'],
];

/** `pathsMatch` of the webhook, verbatim. */
function pathsMatch(allowed: readonly string[], path: readonly string[]): boolean {
  if (allowed.length === 0 || path.length === 0) return false;
  let i = 0;
  for (i = 0; i < path.length; i++) {
    if (i > allowed.length - 1) return false;
    if (allowed[i] === '*') return true;
    if (path[i] !== allowed[i]) return false;
  }
  // the loop leaves i one past the last index; Go's `for i = range` leaves it at the last index
  return i - 1 >= allowed.length - 1;
}

/** True when the webhook lets `path` change. */
export function kcpPathAllowed(path: readonly string[]): boolean {
  if (!Array.isArray(path) || !path.every((s) => typeof s === 'string')) checkArguments('kcpPathAllowed', [['path', path, false, 'a path as a list of strings, e.g. ["spec", "replicas"]']]);
  return KCP_UPDATE_ALLOWED_PATHS.some((a) => pathsMatch(a, path));
}

/** v1beta1 KubeadmControlPlane paths and the v1beta2 paths they convert to. */
const V1BETA1_RENAMES: readonly [readonly string[], readonly string[]][] = [
  [['spec', 'machineTemplate', 'infrastructureRef'], ['spec', 'machineTemplate', 'spec', 'infrastructureRef']],
  [['spec', 'machineTemplate', 'readinessGates'], ['spec', 'machineTemplate', 'spec', 'readinessGates']],
  [['spec', 'machineTemplate', 'nodeDrainTimeout'], ['spec', 'machineTemplate', 'spec', 'deletion', 'nodeDrainTimeoutSeconds']],
  [['spec', 'machineTemplate', 'nodeVolumeDetachTimeout'], ['spec', 'machineTemplate', 'spec', 'deletion', 'nodeVolumeDetachTimeoutSeconds']],
  [['spec', 'machineTemplate', 'nodeDeletionTimeout'], ['spec', 'machineTemplate', 'spec', 'deletion', 'nodeDeletionTimeoutSeconds']],
  [['spec', 'rolloutStrategy'], ['spec', 'rollout', 'strategy']],
  [['spec', 'rolloutAfter'], ['spec', 'rollout', 'after']],
  [['spec', 'rolloutBefore'], ['spec', 'rollout', 'before']],
  [['spec', 'remediationStrategy'], ['spec', 'remediation']],
  [['spec', 'machineNamingStrategy'], ['spec', 'machineNaming']],
];

function toV1beta2Path(path: readonly string[]): string[] {
  for (const [from, to] of V1BETA1_RENAMES) {
    if (from.every((s, i) => path[i] === s)) return [...to, ...path.slice(from.length)];
  }
  return [...path];
}

/** `ValidateUpdate`'s allow-list: one rejection per merge-patch path outside it. */
export function kcpAllowListRule(previous: Manifest, next: Manifest): RejectedChange[] {
  const v1 = apiVersionOnly(next.apiVersion) === 'v1beta1';
  const out: RejectedChange[] = [];
  for (const raw of mergePatchPaths(withoutStatus(previous), withoutStatus(next))) {
    if (raw[0] === 'apiVersion') continue; // the webhook compares two objects of one version
    const path = v1 ? toV1beta2Path(raw) : raw;
    if (kcpPathAllowed(path)) continue;
    const old = getPath(previous, raw);
    const value = getPath(next, raw);
    const removedConfig = value === undefined && raw.length === 3 && raw[1] === 'kubeadmConfigSpec'
      && ['clusterConfiguration', 'initConfiguration', 'joinConfiguration'].includes(raw[2]);
    out.push(rejection(next, {
      path: formatPath(raw), old, new: value,
      rule: `${formatPath(path)}: Forbidden: cannot be modified (not in the ValidateUpdate allow-list)`,
      source: `${FILE} ValidateUpdate allowedPaths`,
      instead: removedConfig
        ? `keep ${raw[2]} present: change or remove only the fields below it (controllerManager, apiServer, nodeRegistration, ...), which the allow-list lets change`
        : 'this field is fixed at creation: create a new KubeadmControlPlane (a new cluster) to change it, or keep the previous value',
    }));
  }
  return out;
}

function withoutStatus(m: Manifest): Record<string, unknown> {
  const { status: _status, ...rest } = m;
  return rest;
}

function minorOf(v: unknown): semver.SemVer | undefined {
  if (typeof v !== 'string') return undefined;
  return semver.parse(v.startsWith('v') ? v.slice(1) : v) ?? undefined;
}

/** `validateVersion`: at most one minor up per update. */
export function kcpVersionRule(previous: Manifest, next: Manifest): RejectedChange[] {
  const from = getPath(previous, ['spec', 'version']);
  const to = getPath(next, ['spec', 'version']);
  const f = minorOf(from);
  const t = minorOf(to);
  if (!f || !t || from === to) return [];
  const skipped = t.major > f.major || (t.major === f.major && t.minor >= f.minor + 2);
  if (!skipped) return [];
  return [rejection(next, {
    path: 'spec.version', old: from, new: to,
    rule: `Forbidden: cannot update Kubernetes version from ${from} to ${to} (at most one minor version per update)`,
    source: `${FILE} validateVersion`,
    instead: `upgrade one minor at a time: apply v${f.major}.${f.minor + 1}.x, wait for the control plane and workers to finish rolling, then go on`,
  })];
}

/** `validateClusterConfiguration`: local <-> external etcd. */
export function kcpEtcdRule(previous: Manifest, next: Manifest): RejectedChange[] {
  const path = ['spec', 'kubeadmConfigSpec', 'clusterConfiguration', 'etcd', 'external'];
  const before = getPath(previous, path);
  const after = getPath(next, path);
  const defined = (v: unknown) => isPlainObject(v) && Object.keys(v).length > 0;
  if (defined(before) === defined(after)) return [];
  return [rejection(next, {
    path: formatPath(path), old: before, new: after,
    rule: 'Forbidden: cannot change between external and local etcd',
    source: `${FILE} validateClusterConfiguration`,
    instead: 'keep the etcd topology the cluster was created with; moving etcd needs a new cluster',
  })];
}

/** The v1beta1 clusterConfiguration fields (Go structs, not pointers) that server-side apply leaves `null` when emptied. */
const V1BETA1_COMPONENTS = ['apiServer', 'controllerManager', 'scheduler'] as const;

/**
 * Not a webhook rule: it runs on the objects as applied (v1beta1, before conversion), see rejectedUpdate.
 * v1beta1 server-side apply: a control-plane component of clusterConfiguration that had fields and is
 * gone from the next object becomes `null` in the merged object, which the v1beta1 schema refuses.
 */
export function kcpV1beta1EmptiedComponentRule(previous: Manifest, next: Manifest): RejectedChange[] {
  if (apiVersionOnly(previous.apiVersion) !== 'v1beta1' || apiVersionOnly(next.apiVersion) !== 'v1beta1') return [];
  const out: RejectedChange[] = [];
  for (const c of V1BETA1_COMPONENTS) {
    const path = [...CC, c];
    const before = getPath(previous, path);
    const after = getPath(next, path);
    if (!isPlainObject(before) || Object.keys(before).length === 0) continue;
    if (after !== undefined && !(isPlainObject(after) && Object.keys(after).length === 0)) continue;
    out.push(rejection(next, {
      path: formatPath(path), old: before, new: after,
      rule: `${formatPath(path)}: Invalid value: "null": ${formatPath(path)} in body must be of type object (server-side apply of a v1beta1 object leaves the emptied field null)`,
      source: 'kube-apiserver server-side apply with the v1beta1 KubeadmControlPlane CRD schema (cluster-api v1.14.0; kubernetes/kubernetes#117447)',
      instead: `apply the KubeadmControlPlane as v1beta2 (the v1beta2 apply of the same change is accepted), or keep at least one field under ${c}`,
    }));
  }
  return out;
}

/** Every KubeadmControlPlane update rule. */
export function kubeadmControlPlaneUpdateRules(previous: Manifest, next: Manifest): RejectedChange[] {
  return [...kcpAllowListRule(previous, next), ...kcpVersionRule(previous, next), ...kcpEtcdRule(previous, next)];
}
