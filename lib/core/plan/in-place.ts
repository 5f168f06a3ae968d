/**
 * In-place changes: the changed fields of an object that survives the apply and that no other
 * category covers (not a rollout cause, not rejected, not a replica or autoscaler change). Cluster
 * API applies them without replacing machines: machine template labels and annotations, deletion
 * timeouts, health checks, strategies, add-on values (a Helm upgrade), and so on.
 */
import { Manifest } from '../output/manifest';
import { diffFields } from './diff';
import { objectId } from './manifests';
import { under } from './rolls';
import { InPlaceChange } from './types';

/** Fields the API server keeps on stored objects: never part of a plan. */
export const SERVER_FIELDS = [
  'status', 'metadata.uid', 'metadata.resourceVersion', 'metadata.generation', 'metadata.creationTimestamp', 'metadata.managedFields',
  'metadata.annotations["kubectl.kubernetes.io/last-applied-configuration"]',
];

/** The changes of `previous` -> `next` outside `covered` (paths, each covering what lies below it) and the server's own fields. */
export function inPlaceChange(previous: Manifest, next: Manifest, covered: readonly string[] = []): InPlaceChange | undefined {
  const skip = [...SERVER_FIELDS, ...covered];
  const changes = diffFields(previous, next).filter((c) => !skip.some((p) => under(c.path, p)));
  return changes.length === 0 ? undefined : { object: objectId(next), changes };
}
