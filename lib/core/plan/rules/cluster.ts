/**
 * Cluster update rules, mirrored from cluster-api v1.14.0 `core/webhooks/admission/cluster.go`
 * `validate`: `spec.infrastructureRef` and `spec.controlPlaneRef` "cannot be removed" once set, and
 * `spec.topology` "cannot be removed from an existing Cluster".
 */
import { Manifest } from '../../output/manifest';
import { getPath, isPlainObject } from '../diff';
import { RejectedChange } from '../types';
import { CAPI_SOURCE, rejection } from './common';

const SOURCE = `${CAPI_SOURCE} core/webhooks/admission/cluster.go validate`;

const defined = (v: unknown) => isPlainObject(v) && Object.keys(v).length > 0;

function removal(previous: Manifest, next: Manifest, field: string, rule: string, instead: string): RejectedChange[] {
  const before = getPath(previous, ['spec', field]);
  const after = getPath(next, ['spec', field]);
  if (!defined(before) || defined(after)) return [];
  return [rejection(next, { path: `spec.${field}`, old: before, new: after, rule, source: SOURCE, instead })];
}

/** The Cluster webhook's update rules: removed infrastructureRef, controlPlaneRef or topology. */
export function clusterUpdateRules(previous: Manifest, next: Manifest): RejectedChange[] {
  return [
    ...removal(previous, next, 'infrastructureRef', 'Forbidden: cannot be removed',
      'keep the Cluster\'s infrastructure (the `infrastructure` prop): once set, the reference stays; point it at another object only by creating a new cluster'),
    ...removal(previous, next, 'controlPlaneRef', 'Forbidden: cannot be removed',
      'keep the control plane reference; to retire the cluster, delete the Cluster object instead'),
    ...removal(previous, next, 'topology', 'Forbidden: cannot be removed from an existing Cluster',
      'a ClusterClass-managed Cluster stays managed; create a new Cluster to manage it without a topology'),
  ];
}
