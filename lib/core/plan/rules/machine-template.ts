/**
 * Infrastructure machine template immutability. Every provider's webhook refuses a change of
 * `spec.template.spec` on update:
 * - cluster-api-provider-openstack v0.14.7 `pkg/webhooks/openstackmachinetemplate_webhook.go` `ValidateUpdate`
 *   ("OpenStackMachineTemplate spec.template.spec field is immutable. Please create a new resource instead.");
 * - cluster-api-provider-vsphere v1.16.1 `internal/webhooks/vspheremachinetemplate.go` `ValidateUpdate`;
 * - any other `*MachineTemplate` of `infrastructure.cluster.x-k8s.io`: the Cluster API contract
 *   (cluster-api v1.14.0 `docs/book/src/developer/providers/contracts/infra-machine.md`, "should be
 *   immutable"; CAPD `dockermachinetemplate.go` enforces it), so it is reported the same way.
 * The library renames a template whenever its spec changes (content-hashed names), so this fires
 * only for hand-edited or foreign objects.
 */
import { INFRASTRUCTURE_GROUP } from '../../output/api-versions';
import { Manifest } from '../../output/manifest';
import { diffFields } from '../diff';
import { apiGroup } from '../manifests';
import { RejectedChange } from '../types';
import { CAPI_SOURCE, CAPO_SOURCE, CAPV_SOURCE, rejection } from './common';

const SOURCES: Record<string, string> = {
  OpenStackMachineTemplate: `${CAPO_SOURCE} pkg/webhooks/openstackmachinetemplate_webhook.go ValidateUpdate`,
  VSphereMachineTemplate: `${CAPV_SOURCE} internal/webhooks/vspheremachinetemplate.go ValidateUpdate`,
};

/** True for an infrastructure provider's machine template kind. */
export function isInfraMachineTemplate(m: Manifest): boolean {
  return apiGroup(m.apiVersion) === INFRASTRUCTURE_GROUP && m.kind.endsWith('MachineTemplate');
}

/** One rejection per changed field of an infrastructure machine template's `spec.template.spec`. */
export function infraMachineTemplateUpdateRules(previous: Manifest, next: Manifest): RejectedChange[] {
  const source = SOURCES[next.kind] ?? `${CAPI_SOURCE} docs/book/src/developer/providers/contracts/infra-machine.md (InfraMachineTemplate immutability)`;
  const before = (previous.spec as Record<string, unknown> | undefined)?.template;
  const after = (next.spec as Record<string, unknown> | undefined)?.template;
  const spec = (t: unknown) => (t as Record<string, unknown> | undefined)?.spec;
  return diffFields(spec(before), spec(after), ['spec', 'template', 'spec']).map((c) => rejection(next, {
    ...c,
    rule: `spec.template.spec: Invalid: ${next.kind} spec.template.spec field is immutable. Please create a new resource instead`,
    source,
    instead: 'create the template under a new name and point the group\'s infrastructureRef at it (the library does this by hashing the spec into the name); this rolls the group',
  }));
}
