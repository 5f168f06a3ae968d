/**
 * `MachineTemplate.from(existing, overrides)`: copy any provider template (seed: "copy the values from
 * another existing template"). Dispatches to the `from` of the template's class; for an object read
 * from a cluster, to the class of its kind. The value `MachineTemplate` shares its name with the
 * `MachineTemplate` interface of lib/core/nodes/machine-template.ts (a type and a value may share a name).
 */
import { Problems, show } from '../rules/errors';
import { MachineTemplate as MachineTemplateContract } from '../nodes/machine-template';
import { checkObject } from '../rules/validation';
import { BASIS_KIND, BasisMachineTemplate, BasisMachineTemplateOverrides } from './basis';
import { MachineTemplateObject } from './common';
import { OpenStackMachineTemplate, OpenStackMachineTemplateOverrides } from './openstack';
import { OVIRT_KIND, OVirtMachineTemplate, OVirtMachineTemplateOverrides } from './ovirt';
import { SHTURVAL_KIND, ShturvalMachineTemplate, ShturvalMachineTemplateOverrides } from './shturval';
import { VSphereMachineTemplate, VSphereMachineTemplateOverrides } from './vsphere';

/** The machine template contract (see lib/core/nodes/machine-template.ts). */
export type MachineTemplate = MachineTemplateContract;

/** Any typed provider template. */
export type ProviderMachineTemplate = VSphereMachineTemplate | OpenStackMachineTemplate | OVirtMachineTemplate | BasisMachineTemplate | ShturvalMachineTemplate;

const BY_KIND: Record<string, (existing: MachineTemplateObject, overrides?: object) => MachineTemplateContract> = {
  VSphereMachineTemplate: (e, o) => VSphereMachineTemplate.from(e, o),
  OpenStackMachineTemplate: (e, o) => OpenStackMachineTemplate.from(e, o),
  [OVIRT_KIND]: (e, o) => OVirtMachineTemplate.from(e, o),
  [BASIS_KIND]: (e, o) => BasisMachineTemplate.from(e, o),
  [SHTURVAL_KIND]: (e, o) => ShturvalMachineTemplate.from(e, o),
};

function from(existing: VSphereMachineTemplate, overrides?: VSphereMachineTemplateOverrides): VSphereMachineTemplate;
function from(existing: OpenStackMachineTemplate, overrides?: OpenStackMachineTemplateOverrides): OpenStackMachineTemplate;
function from(existing: OVirtMachineTemplate, overrides?: OVirtMachineTemplateOverrides): OVirtMachineTemplate;
function from(existing: BasisMachineTemplate, overrides?: BasisMachineTemplateOverrides): BasisMachineTemplate;
function from(existing: ShturvalMachineTemplate, overrides?: ShturvalMachineTemplateOverrides): ShturvalMachineTemplate;
function from(existing: MachineTemplateObject, overrides?: Record<string, unknown>): MachineTemplateContract;
function from(existing: unknown, overrides?: object): MachineTemplateContract {
  if (existing instanceof VSphereMachineTemplate) return VSphereMachineTemplate.from(existing, overrides as VSphereMachineTemplateOverrides);
  if (existing instanceof OpenStackMachineTemplate) return OpenStackMachineTemplate.from(existing, overrides as OpenStackMachineTemplateOverrides);
  if (existing instanceof OVirtMachineTemplate) return OVirtMachineTemplate.from(existing, overrides as OVirtMachineTemplateOverrides);
  if (existing instanceof BasisMachineTemplate) return BasisMachineTemplate.from(existing, overrides as BasisMachineTemplateOverrides);
  if (existing instanceof ShturvalMachineTemplate) return ShturvalMachineTemplate.from(existing, overrides as ShturvalMachineTemplateOverrides);
  const p = new Problems('MachineTemplate.from');
  if (checkObject(p, 'existing', existing)) {
    const kind = (existing as { kind?: unknown }).kind;
    const copy = typeof kind === 'string' ? BY_KIND[kind] : undefined;
    if (copy) return copy(existing as unknown as MachineTemplateObject, overrides);
    p.error('existing.kind', `${show(kind)} is not a kind MachineTemplate.from can copy: use one of ${Object.keys(BY_KIND).join(', ')}, or the kind's own class for an overridden kind`);
  }
  p.throwIfErrors();
  throw new Error('unreachable');
}

/** Copies any provider template: `MachineTemplate.from(existing, overrides)`. */
export const MachineTemplate = Object.freeze({ from });
