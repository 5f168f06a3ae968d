/**
 * Machine deletion timeouts, shared by the control plane and worker groups (seed: nodeDrainTimeout,
 * nodeVolumeDetachTimeout, nodeDeletionTimeout).
 *
 * - nodeDrainTimeout: total time to drain a node; unset or 0 = wait forever (differs from
 *   `kubectl drain --timeout`).
 * - nodeVolumeDetachTimeout: total time to wait for volumes to detach; unset or 0 = wait forever.
 * - nodeDeletionTimeout: how long to retry deleting the Node after its Machine is marked for deletion;
 *   0 = retry forever; unset = Cluster API's Machine default of 10s.
 *
 * v1beta2: `...spec.deletion.{nodeDrainTimeoutSeconds, nodeVolumeDetachTimeoutSeconds, nodeDeletionTimeoutSeconds}`;
 * v1beta1: `...{nodeDrainTimeout, nodeVolumeDetachTimeout, nodeDeletionTimeout}` as Go duration strings.
 */
import { CapiVersion } from '../output/api-versions';
import { Problems } from '../rules/errors';
import { checkDuration, Duration, goDuration } from '../rules/validation';

/** How machines are deleted: drain, volume-detach and deletion timeouts. */
export interface MachineDeletionProps {
  /** @default unlimited (0) */
  readonly nodeDrainTimeout?: Duration;
  /** @default unlimited (0) */
  readonly nodeVolumeDetachTimeout?: Duration;
  /** @default 10s (Cluster API's Machine default; not emitted) */
  readonly nodeDeletionTimeout?: Duration;
}

export interface ResolvedDeletion {
  readonly drain?: number;
  readonly detach?: number;
  readonly deletion?: number;
}

export function resolveDeletion(p: Problems, props: MachineDeletionProps): ResolvedDeletion {
  return {
    drain: optionalDuration(p, 'nodeDrainTimeout', props.nodeDrainTimeout),
    detach: optionalDuration(p, 'nodeVolumeDetachTimeout', props.nodeVolumeDetachTimeout),
    deletion: optionalDuration(p, 'nodeDeletionTimeout', props.nodeDeletionTimeout),
  };
}

function optionalDuration(p: Problems, path: string, value: Duration | undefined): number | undefined {
  return value === undefined ? undefined : checkDuration(p, path, value);
}

/** v1beta2: the `deletion` object to place in a machine template spec. */
export function deletionV1beta2(d: ResolvedDeletion): Record<string, number | undefined> {
  return { nodeDrainTimeoutSeconds: d.drain, nodeVolumeDetachTimeoutSeconds: d.detach, nodeDeletionTimeoutSeconds: d.deletion };
}

/** v1beta1: the three duration-string fields to spread into a machine template. */
export function deletionV1beta1(d: ResolvedDeletion): Record<string, string | undefined> {
  return { nodeDrainTimeout: optionalGoDuration(d.drain), nodeVolumeDetachTimeout: optionalGoDuration(d.detach), nodeDeletionTimeout: optionalGoDuration(d.deletion) };
}

function optionalGoDuration(v: number | undefined): string | undefined {
  return v === undefined ? undefined : goDuration(v);
}

export function renderDeletion(d: ResolvedDeletion, capi: CapiVersion): Record<string, unknown> {
  return capi === 'v1beta2' ? { deletion: deletionV1beta2(d) } : deletionV1beta1(d);
}
