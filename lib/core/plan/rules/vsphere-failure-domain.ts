/**
 * VSphereFailureDomain update rule, mirrored from cluster-api-provider-vsphere v1.16.1
 * `internal/webhooks/vspherefailuredomain.go` `ValidateUpdate`: the whole spec is immutable
 * ("spec: Forbidden: VSphereFailureDomainSpec is immutable"). A VSphereCluster's `failureDomains`
 * entry defines it; changing its region, zone or topology needs a failure domain of a new name.
 */
import { INFRASTRUCTURE_GROUP } from '../../output/api-versions';
import { Manifest } from '../../output/manifest';
import { diffFields } from '../diff';
import { apiGroup } from '../manifests';
import { RejectedChange } from '../types';
import { CAPV_SOURCE, rejection } from './common';

/** True for CAPV's VSphereFailureDomain. */
export function isVSphereFailureDomain(m: Manifest): boolean {
  return apiGroup(m.apiVersion) === INFRASTRUCTURE_GROUP && m.kind === 'VSphereFailureDomain';
}

/** One rejection per changed field of a VSphereFailureDomain's spec. */
export function vsphereFailureDomainUpdateRules(previous: Manifest, next: Manifest): RejectedChange[] {
  return diffFields(previous.spec, next.spec, ['spec']).map((c) => rejection(next, {
    ...c,
    rule: 'spec: Forbidden: VSphereFailureDomainSpec is immutable',
    source: `${CAPV_SOURCE} internal/webhooks/vspherefailuredomain.go ValidateUpdate`,
    instead: 'add a failure domain of a new name (to the VSphereCluster\'s failureDomains and the worker groups\' failureDomains), then remove the old one',
  }));
}
