/** MachineHealthCheck update rule, cluster-api v1.14.0 `core/webhooks/admission/machinehealthcheck.go` `validate`: `spec.clusterName` is immutable. */
import { Manifest } from '../../output/manifest';
import { RejectedChange } from '../types';
import { CAPI_SOURCE, immutableField } from './common';

/** The MachineHealthCheck webhook's update rule: `spec.clusterName` is immutable. */
export function machineHealthCheckUpdateRules(previous: Manifest, next: Manifest): RejectedChange[] {
  return immutableField(previous, next, ['spec', 'clusterName'], `${CAPI_SOURCE} core/webhooks/admission/machinehealthcheck.go validate`,
    'create a health check in the other cluster and delete this one');
}
