/**
 * In-place changes: the changed fields of an object that survives the apply and that no other
 * category covers (not a rollout cause, not rejected, not a replica or autoscaler change). Cluster
 * API applies them without replacing machines: machine template labels and annotations, deletion
 * timeouts, health checks, strategies, add-on values (a Helm upgrade), and so on.
 */
import { Manifest } from '../manifest';
import { diffFields } from './diff';
import { objectId } from './manifests';
import { under } from './rolls';
import { InPlaceChange } from './types';

/** The changes of `previous` -> `next` outside `covered` (paths, each covering what lies below it). */
export function inPlaceChange(previous: Manifest, next: Manifest, covered: readonly string[] = []): InPlaceChange | undefined {
  const { status: _a, ...before } = previous;
  const { status: _b, ...after } = next;
  const changes = diffFields(before, after).filter((c) => !covered.some((p) => under(c.path, p)));
  return changes.length === 0 ? undefined : { object: objectId(next), changes };
}
