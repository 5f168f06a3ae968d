/**
 * Every name the library generates, in one place. The CLI (`addon-cleanup`), the cdk8s and Pulumi
 * adapters and the tests all call these functions; nothing else builds a name.
 */
import * as crypto from 'crypto';
import { stableStringify } from './manifest';
import { memoize } from '../rules/memo';
import { checkArguments, isNameArgument } from '../rules/arguments';

const NAME = 'a name: a string of at most 1024 characters';

/** KubeadmControlPlane: `<cluster>-control-plane` (seed: cluster name plus "-control-plane"). */
export function controlPlaneName(cluster: string): string {
  if (!isNameArgument(cluster)) checkArguments('controlPlaneName', [['cluster', cluster, false, NAME]]);
  return `${cluster}-control-plane`;
}

/** MachineDeployment of a worker group: `<cluster>-<group>`. */
export function workerGroupName(cluster: string, group: string): string {
  if (!isNameArgument(cluster) || !isNameArgument(group)) checkArguments('workerGroupName', [['cluster', cluster, isNameArgument(cluster), NAME], ['group', group, isNameArgument(group), NAME]]);
  return `${cluster}-${group}`;
}

/** Control-plane MachineHealthCheck: `<cluster>-controlplane-healthcheck` (seed spelling, no dash in "controlplane"). */
export function controlPlaneHealthCheckName(cluster: string): string {
  if (!isNameArgument(cluster)) checkArguments('controlPlaneHealthCheckName', [['cluster', cluster, false, NAME]]);
  return `${cluster}-controlplane-healthcheck`;
}

/** Worker MachineHealthCheck: `<cluster>-<group>-healthcheck`. */
export function workerHealthCheckName(cluster: string, group: string): string {
  if (!isNameArgument(cluster) || !isNameArgument(group)) checkArguments('workerHealthCheckName', [['cluster', cluster, isNameArgument(cluster), NAME], ['group', group, isNameArgument(group), NAME]]);
  return `${cluster}-${group}-healthcheck`;
}

/** Secret written by Cluster API with the admin kubeconfig of a workload cluster. */
export function kubeconfigSecretName(cluster: string): string {
  if (!isNameArgument(cluster)) checkArguments('kubeconfigSecretName', [['cluster', cluster, false, NAME]]);
  return `${cluster}-kubeconfig`;
}

/**
 * The Lease (coordination.k8s.io/v1, in the Cluster's namespace) every control-plane node deletion of
 * the cluster holds while it checks the quorum and deletes the Machine: `capi-constructs-control-plane-delete-<cluster>`.
 */
export function controlPlaneDeletionLeaseName(cluster: string): string {
  return `capi-constructs-control-plane-delete-${cluster}`;
}

/** Length of the content hash appended to immutable template names. */
export const TEMPLATE_HASH_LENGTH = 8;

/** A short, stable hash of any JSON value (sha256 over a key-sorted serialization). */
export function contentHash(value: unknown, length = TEMPLATE_HASH_LENGTH): string {
  return sha256Hex(stableStringify(value)).slice(0, length);
}

/**
 * sha256 hex per serialized content: a fleet repeats the same template contents in many clusters.
 * Bounded by entries and by the length of the contents it keeps (8M UTF-16 code units, 16 MB): 300
 * renders with a distinct 1 MB value kept 600 MB alive when only the number of entries was bounded.
 */
const sha256Hex = memoize((text) => sha256(text).toString('hex'), 10_000, 8 * 1024 * 1024);

/** What the content-hash memo holds now (entries, and the total length of the contents it keeps). */
export function contentHashMemoHeld(): { readonly entries: number; readonly keyChars: number } {
  return sha256Hex.held();
}

/**
 * A digest: a Node.js Buffer, typed by what the library reads of it, so that the published declarations
 * do not name `Buffer` (a project without Node's types, such as TypeScript 7 without @types/node, has none).
 */
export type Digest = Uint8Array & { toString(encoding: 'hex'): string; readUInt16BE(offset: number): number };

/**
 * sha256 of a UTF-8 string: the one-shot `crypto.hash` where node has it (20.12+, about twice as fast
 * for the short inputs names are made of), else `createHash`. Same bytes either way.
 */
export function sha256(text: string): Digest {
  return oneShot ? oneShot('sha256', text, 'buffer') : crypto.createHash('sha256').update(text).digest();
}
const oneShot = (crypto as { hash?: (algorithm: string, data: string, encoding: 'buffer') => Digest }).hash;

/**
 * Name of an immutable template (InfraMachineTemplate, KubeadmConfigTemplate): `<base>-<hash>`.
 * Providers reject updates to a template's spec, so a changed spec must get a new name; the
 * referencing KubeadmControlPlane or MachineDeployment then rolls its machines to the new template.
 */
export function templateName(base: string, content: unknown): string {
  return `${base}-${contentHash(content)}`;
}
