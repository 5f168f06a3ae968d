/** MachineHealthCheck update rule, cluster-api v1.14.0 `core/webhooks/admission/machinehealthcheck.go` `validate`: `spec.clusterName` is immutable. */
import { Manifest } from '../../manifest';
import { getPath } from '../diff';
import { RejectedChange } from '../types';
import { CAPI_SOURCE, rejection } from './common';

export function machineHealthCheckUpdateRules(previous: Manifest, next: Manifest): RejectedChange[] {
  const before = getPath(previous, ['spec', 'clusterName']);
  const after = getPath(next, ['spec', 'clusterName']);
  if (before === after) return [];
  return [rejection(next, {
    path: 'spec.clusterName', old: before, new: after,
    rule: 'Forbidden: field is immutable',
    source: `${CAPI_SOURCE} core/webhooks/admission/machinehealthcheck.go validate`,
    instead: 'create a health check in the other cluster and delete this one',
  })];
}
