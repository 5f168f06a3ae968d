/**
 * ClusterResourceSet rules, mirrored from cluster-api v1.14.0
 * `core/webhooks/admission/clusterresourceset.go` (`Default`, `validate`):
 * - `spec.clusterSelector` must not be empty ("selector must not be empty"), on create and update;
 * - on update, `spec.clusterSelector` is immutable, and so is `spec.strategy` once the stored object
 *   has one (the defaulting webhook sets `ApplyOnce` when it is unset, on both sides).
 */
import { Manifest } from '../../output/manifest';
import { deepEqual, getPath, isPlainObject } from '../diff';
import { RejectedChange } from '../types';
import { CAPI_SOURCE, rejection } from './common';

const SOURCE = `${CAPI_SOURCE} core/webhooks/admission/clusterresourceset.go validate`;

const strategy = (m: Manifest) => {
  const s = getPath(m, ['spec', 'strategy']);
  return s === undefined || s === '' ? 'ApplyOnce' : s;
};

function emptySelector(m: Manifest): boolean {
  const s = getPath(m, ['spec', 'clusterSelector']);
  if (!isPlainObject(s)) return true;
  const labels = isPlainObject(s.matchLabels) ? Object.keys(s.matchLabels).length : 0;
  const exprs = Array.isArray(s.matchExpressions) ? s.matchExpressions.length : 0;
  return labels + exprs === 0;
}

/** Create: the selector must select something. */
export function clusterResourceSetCreateRules(next: Manifest): RejectedChange[] {
  if (!emptySelector(next)) return [];
  return [rejection(next, {
    path: 'spec.clusterSelector', new: getPath(next, ['spec', 'clusterSelector']), rule: 'Invalid: selector must not be empty', source: SOURCE,
    instead: 'give the selector at least one label (an empty selector selects no cluster)',
  })];
}

/** Update: the selector and the strategy are fixed at creation. */
export function clusterResourceSetUpdateRules(previous: Manifest, next: Manifest): RejectedChange[] {
  const out = clusterResourceSetCreateRules(next);
  if (strategy(previous) !== strategy(next)) {
    out.push(rejection(next, {
      path: 'spec.strategy', old: getPath(previous, ['spec', 'strategy']), new: getPath(next, ['spec', 'strategy']), rule: 'Invalid: field is immutable', source: SOURCE,
      instead: 'create a ClusterResourceSet under a new name with the other strategy and delete this one',
    }));
  }
  const before = getPath(previous, ['spec', 'clusterSelector']);
  const after = getPath(next, ['spec', 'clusterSelector']);
  if (!deepEqual(before, after) && !out.some((r) => r.path === 'spec.clusterSelector')) {
    out.push(rejection(next, {
      path: 'spec.clusterSelector', old: before, new: after, rule: 'Invalid: field is immutable', source: SOURCE,
      instead: 'create a ClusterResourceSet under a new name with the new selector and delete this one',
    }));
  }
  return out;
}
