/**
 * KubeadmConfigTemplate in-place edits. cluster-api v1.14.0
 * `bootstrap/kubeadm/webhooks/admission/kubeadmconfigtemplate.go` `ValidateUpdate` only re-validates
 * the new spec, so the update is accepted; but Machines are bootstrapped from the template when they
 * are created, and a MachineDeployment rolls only when its `bootstrap.configRef` changes
 * (`docs/book/src/tasks/updating-machine-templates.md`). The edit therefore never reaches the
 * existing machines, and only some new ones (after scaling or remediation) get it.
 */
import { Manifest } from '../../output/manifest';
import { diffFields } from '../diff';
import { RejectedChange } from '../types';
import { CAPI_SOURCE, rejection } from './common';

/** One `ignored` entry per changed field of a KubeadmConfigTemplate's `spec.template.spec`. */
export function kubeadmConfigTemplateUpdateRules(previous: Manifest, next: Manifest): RejectedChange[] {
  const spec = (m: Manifest) => ((m.spec as Record<string, unknown> | undefined)?.template as Record<string, unknown> | undefined)?.spec;
  return diffFields(spec(previous), spec(next), ['spec', 'template', 'spec']).map((c) => rejection(next, {
    ...c,
    effect: 'ignored',
    rule: 'accepted, but existing Machines keep their bootstrap config: a MachineDeployment rolls only when bootstrap.configRef changes',
    source: `${CAPI_SOURCE} bootstrap/kubeadm/webhooks/admission/kubeadmconfigtemplate.go ValidateUpdate; docs/book/src/tasks/updating-machine-templates.md`,
    instead: 'create the KubeadmConfigTemplate under a new name and point spec.template.spec.bootstrap.configRef at it (the library names it by a hash of its spec); this rolls the group',
  }));
}
