/**
 * Basis (Basis Dynamix): BasisMachineTemplate.
 *
 * NO PUBLIC CLUSTER API CRD EXISTS for this kind. The emitted layout follows the platform's
 * documentation (CPU, memory, disk and the VM image/template) rather than a public schema:
 *
 * ```yaml
 * apiVersion: infrastructure.cluster.x-k8s.io/v1beta1   # apiGroup / version overridable
 * kind: BasisMachineTemplate                             # overridable
 * spec:
 *   template:
 *     metadata: {labels, annotations}                    # templateMetadata, optional
 *     spec:
 *       image: <VM image / template name>                # required
 *       cpu: <vCPUs>                                     # >= 1
 *       memory: <RAM in MiB>                             # >= 1
 *       disk: <root disk in GiB>                         # >= 1
 * ```
 * The same layout is described in docs/providers.md. Fields the platform has beyond these go in
 * `additionalFields`; a different group/version/kind in `apiGroup` / `version` / `kind`.
 */
import { checkGvk } from '../output/api-versions';
import { ProblemReporter, Problems, Warning } from '../rules/errors';
import { checkTemplateMetadata, MachineCapacity, MachineRole, MachineTemplate, MachineTemplateMetadata } from '../nodes/machine-template';
import { compact } from '../output/manifest';
import { checkObject, checkProps } from '../rules/validation';
import {
  checkAdditionalFields, checkControlPlaneCapacity, checkKnownKeys, MachineTemplateObject, mergeOverrides, optInt, readTemplateObject,
  reqString, takeRest,
} from './common';
import { propKeys } from '../rules/strict-props';

export const BASIS_DEFAULT_VERSION = 'v1beta1';
export const BASIS_KIND = 'BasisMachineTemplate';

/** Props of a {@link BasisMachineTemplate} (Basis Dynamix virtual machines). */
export interface BasisMachineTemplateProps {
  /** @default 'infrastructure.cluster.x-k8s.io' */
  readonly apiGroup?: string;
  /** @default 'v1beta1' */
  readonly version?: string;
  /** @default 'BasisMachineTemplate' */
  readonly kind?: string;
  /** VM image (template) the machines boot from. Required. */
  readonly image: string;
  /** Number of vCPUs. @default the platform's */
  readonly cpu?: number;
  /** RAM in MiB. @default the platform's */
  readonly memory?: number;
  /** Root disk size in GiB. @default the image's minimum */
  readonly disk?: number;
  /** Labels/annotations at `spec.template.metadata`. @default none */
  readonly templateMetadata?: MachineTemplateMetadata;
  /** Other `spec.template.spec` fields, emitted verbatim. @default none */
  readonly additionalFields?: Record<string, unknown>;
}

/** Props changed when a Basis template is copied with `BasisMachineTemplate.from`. */
export type BasisMachineTemplateOverrides = Partial<BasisMachineTemplateProps>;

const KNOWN = propKeys<BasisMachineTemplateProps>()('BasisMachineTemplateProps', {
  apiGroup: true, version: true, kind: true, image: true, cpu: true, memory: true, disk: true, templateMetadata: true, additionalFields: true,
});
const TYPED_FIELDS = ['image', 'cpu', 'memory', 'disk'];

/**
 * A Basis machine template, usable as the `machineTemplate` of a ControlPlaneGroup or WorkerGroup.
 * The field layout follows the platform documentation (see the file header), not a public CRD.
 */
export class BasisMachineTemplate implements MachineTemplate {
  /** A copy of `existing` (a value or an object read from a cluster) with `overrides` applied. */
  static from(existing: BasisMachineTemplate | MachineTemplateObject, overrides?: BasisMachineTemplateOverrides): BasisMachineTemplate {
    const base = existing instanceof BasisMachineTemplate ? existing.props : propsFromObject(existing);
    return new BasisMachineTemplate(mergeOverrides('BasisMachineTemplate', base, overrides));
  }

  public readonly apiGroup: string;
  public readonly version: string;
  public readonly kind: string;
  public readonly spec: Readonly<Record<string, unknown>>;
  public readonly templateMetadata?: MachineTemplateMetadata;
  public readonly warnings: readonly Warning[];
  public readonly props: Readonly<BasisMachineTemplateProps>;
  /** cpu, memory and disk, where set. */
  public readonly capacity: MachineCapacity;
  /** The VM image booted. */
  public readonly imageName: string;

  constructor(props: BasisMachineTemplateProps) {
    const p = new Problems('BasisMachineTemplate');
    if (!checkProps(p, props)) p.throwIfErrors();
    checkKnownKeys(p, props, KNOWN, 'the platform credentials belong to the provider, not to a template');
    const gvk = checkGvk(p, props, { version: BASIS_DEFAULT_VERSION, kind: BASIS_KIND });
    const fields = {
      image: reqString(p, 'image', props.image),
      cpu: optInt(p, 'cpu', props.cpu, 1),
      memory: optInt(p, 'memory', props.memory, 1),
      disk: optInt(p, 'disk', props.disk, 1),
    };
    const templateMetadata = checkTemplateMetadata(p, 'templateMetadata', props.templateMetadata);
    const extra = checkAdditionalFields(p, 'additionalFields', props.additionalFields, TYPED_FIELDS);
    p.throwIfErrors();
    this.apiGroup = gvk.apiGroup!;
    this.version = gvk.version!;
    this.kind = gvk.kind!;
    this.spec = compact({ ...extra, ...fields });
    this.templateMetadata = templateMetadata;
    this.warnings = p.warnings;
    this.props = Object.freeze({ ...props });
    this.capacity = Object.freeze({ cpu: props.cpu, memoryMiB: props.memory, diskGiB: props.disk });
    this.imageName = props.image;
  }

  /** kubeadm's control-plane minimums (2 vCPUs, 1700 MB), where the template sets them. */
  validateFor(role: MachineRole, problems: ProblemReporter, path: string): void {
    checkControlPlaneCapacity(role, problems, path, { field: 'cpu', value: this.props.cpu }, { field: 'memory', valueMiB: this.props.memory });
  }
}

function propsFromObject(existing: unknown): BasisMachineTemplateProps {
  const o = readTemplateObject('BasisMachineTemplate', existing);
  const props: Record<string, unknown> = { apiGroup: o.apiGroup, version: o.version, kind: o.kind };
  for (const k of TYPED_FIELDS) if (o.spec[k] !== undefined) props[k] = o.spec[k];
  const rest = takeRest(o.spec, TYPED_FIELDS);
  if (rest) props.additionalFields = rest;
  if (o.metadata) props.templateMetadata = o.metadata;
  return props as unknown as BasisMachineTemplateProps;
}
