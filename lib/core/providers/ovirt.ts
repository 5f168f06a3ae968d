/**
 * oVirt: OVirtMachineTemplate.
 *
 * NO PUBLIC CLUSTER API CRD EXISTS for this kind (the public `cluster-api-provider-ovirt` repositories
 * are OpenShift Machine API actuators). The emitted layout follows the platform's node-management
 * documentation, which names these fields, rather than a public schema:
 *
 * ```yaml
 * apiVersion: infrastructure.cluster.x-k8s.io/v1beta1   # apiGroup / version overridable
 * kind: OVirtMachineTemplate                             # overridable
 * spec:
 *   template:
 *     metadata: {labels, annotations}                    # templateMetadata, optional
 *     spec:
 *       template: <VM template name>                     # required
 *       cpu: {cores, sockets, threads}                   # each >= 1; missing ones default to 1
 *       sizemb: <RAM in MB>                              # >= 1
 *       osdisksizegb: <OS disk in GB>                    # >= 1
 *       nics: [{vnicprofile: <vNIC profile>}]            # one entry per NIC
 * ```
 * The same layout is described in docs/providers.md. Fields the platform has beyond these go in
 * `additionalFields`; a different group/version/kind in `apiGroup` / `version` / `kind`.
 */
import { checkGvk } from '../output/api-versions';
import { ProblemReporter, Problems, show, Warning } from '../rules/errors';
import { checkTemplateMetadata, MachineCapacity, MachineRole, MachineTemplate, MachineTemplateMetadata } from '../nodes/machine-template';
import { compact } from '../output/manifest';
import { checkObject, checkProps } from '../rules/validation';
import {
  checkAdditionalFields, checkControlPlaneCapacity, checkKnownKeys, MachineTemplateObject, mergeOverrides, optInt, readTemplateObject,
  reqString, takeRest,
} from './common';
import { checkPropKeys, propKeys } from '../rules/strict-props';

/** Default API version of the no-CRD providers' kinds (overridable with `version`). */
export const OVIRT_DEFAULT_VERSION = 'v1beta1';
export const OVIRT_KIND = 'OVirtMachineTemplate';

/** The CPU topology of an oVirt virtual machine. */
export interface OVirtCpu {
  /** Cores per socket. @default 1 */
  readonly cores?: number;
  /** @default 1 */
  readonly sockets?: number;
  /** Threads per core. @default 1 */
  readonly threads?: number;
}

/** One network interface of an oVirt virtual machine. */
export interface OVirtNic {
  /** vNIC profile of the NIC (seed: nics.vnicprofile). */
  readonly vnicprofile: string;
}

/** Props of an {@link OVirtMachineTemplate} (oVirt virtual machines). */
export interface OVirtMachineTemplateProps {
  /** @default 'infrastructure.cluster.x-k8s.io' */
  readonly apiGroup?: string;
  /** @default 'v1beta1' */
  readonly version?: string;
  /** @default 'OVirtMachineTemplate' */
  readonly kind?: string;
  /** VM template to clone (seed: "Шаблон ВМ"). Required. */
  readonly template: string;
  /** CPU topology. @default the VM template's */
  readonly cpu?: OVirtCpu;
  /** RAM in MB (seed: sizemb). @default the VM template's */
  readonly sizemb?: number;
  /** OS disk size in GB (seed: osdisksizegb). @default the VM template's */
  readonly osdisksizegb?: number;
  /** Network interfaces, one per vNIC profile. @default the VM template's */
  readonly nics?: readonly OVirtNic[];
  /** Labels/annotations at `spec.template.metadata`. @default none */
  readonly templateMetadata?: MachineTemplateMetadata;
  /** Other `spec.template.spec` fields, emitted verbatim. @default none */
  readonly additionalFields?: Record<string, unknown>;
}

/** Props changed when an oVirt template is copied with `OVirtMachineTemplate.from`. */
export type OVirtMachineTemplateOverrides = Partial<OVirtMachineTemplateProps>;

const KNOWN = propKeys<OVirtMachineTemplateProps>()('OVirtMachineTemplateProps', {
  apiGroup: true, version: true, kind: true, template: true, cpu: true, sizemb: true, osdisksizegb: true, nics: true, templateMetadata: true, additionalFields: true,
});
const TYPED_FIELDS = ['template', 'cpu', 'sizemb', 'osdisksizegb', 'nics'];
const CPU_KEYS = ['cores', 'sockets', 'threads'] as const;
const CPU_PROPS = propKeys<OVirtCpu>()('OVirtCpu', { cores: true, sockets: true, threads: true });
const NIC_PROPS = propKeys<OVirtNic>()('OVirtNic', { vnicprofile: true });

/**
 * An oVirt machine template, usable as the `machineTemplate` of a ControlPlaneGroup or WorkerGroup.
 * The field layout follows the platform documentation (see the file header), not a public CRD.
 */
export class OVirtMachineTemplate implements MachineTemplate {
  /** A copy of `existing` (a value or an object read from a cluster) with `overrides` applied. */
  static from(existing: OVirtMachineTemplate | MachineTemplateObject, overrides?: OVirtMachineTemplateOverrides): OVirtMachineTemplate {
    const base = existing instanceof OVirtMachineTemplate ? existing.props : propsFromObject(existing);
    return new OVirtMachineTemplate(mergeOverrides('OVirtMachineTemplate', base, overrides));
  }

  public readonly apiGroup: string;
  public readonly version: string;
  public readonly kind: string;
  public readonly spec: Readonly<Record<string, unknown>>;
  public readonly templateMetadata?: MachineTemplateMetadata;
  public readonly warnings: readonly Warning[];
  public readonly props: Readonly<OVirtMachineTemplateProps>;
  /** vCPUs (cores × sockets × threads), sizemb and osdisksizegb, where set. */
  public readonly capacity: MachineCapacity;
  /** The VM template cloned. */
  public readonly imageName: string;
  /** Total vCPUs (cores x sockets x threads), when `cpu` is set. */
  public readonly vcpus?: number;

  constructor(props: OVirtMachineTemplateProps) {
    const p = new Problems('OVirtMachineTemplate');
    if (!checkProps(p, props)) p.throwIfErrors();
    checkKnownKeys(p, props, KNOWN, 'the oVirt engine credentials belong to the provider, not to a template');
    const gvk = checkGvk(p, props, { version: OVIRT_DEFAULT_VERSION, kind: OVIRT_KIND });
    const template = reqString(p, 'template', props.template);
    let cpu: Record<string, number | undefined> | undefined;
    if (props.cpu !== undefined && checkObject(p, 'cpu', props.cpu)) {
      const c = props.cpu;
      checkPropKeys(p, 'cpu', c, CPU_PROPS);
      cpu = Object.fromEntries(CPU_KEYS.map((k) => [k, c[k] === undefined ? 1 : optInt(p, `cpu.${k}`, c[k], 1)]));
    }
    const sizemb = optInt(p, 'sizemb', props.sizemb, 1);
    const osdisksizegb = optInt(p, 'osdisksizegb', props.osdisksizegb, 1);
    let nics: Record<string, string | undefined>[] | undefined;
    if (props.nics !== undefined) {
      if (!Array.isArray(props.nics) || props.nics.length === 0) p.error('nics', `must be a non-empty list of { vnicprofile }, got ${show(props.nics)}`);
      else {
        nics = props.nics.map((n, i) => {
          if (!checkObject(p, `nics[${i}]`, n)) return {};
          checkPropKeys(p, `nics[${i}]`, n, NIC_PROPS);
          return { vnicprofile: reqString(p, `nics[${i}].vnicprofile`, n.vnicprofile) };
        });
      }
    }
    const templateMetadata = checkTemplateMetadata(p, 'templateMetadata', props.templateMetadata);
    const extra = checkAdditionalFields(p, 'additionalFields', props.additionalFields, TYPED_FIELDS);
    p.throwIfErrors();
    this.apiGroup = gvk.apiGroup!;
    this.version = gvk.version!;
    this.kind = gvk.kind!;
    this.spec = compact({ ...extra, template, cpu, sizemb, osdisksizegb, nics });
    this.templateMetadata = templateMetadata;
    this.vcpus = cpu ? cpu.cores! * cpu.sockets! * cpu.threads! : undefined;
    this.warnings = p.warnings;
    this.props = Object.freeze({ ...props });
    // sizemb is MB as oVirt counts it (MiB); osdisksizegb is GiB
    this.capacity = Object.freeze({ cpu: this.vcpus, memoryMiB: props.sizemb, diskGiB: props.osdisksizegb });
    this.imageName = props.template;
  }

  /** kubeadm's control-plane minimums (2 vCPUs, 1700 MB), where the template sets them. */
  validateFor(role: MachineRole, problems: ProblemReporter, path: string): void {
    checkControlPlaneCapacity(role, problems, path, { field: 'cpu', value: this.vcpus }, { field: 'sizemb', valueMiB: this.props.sizemb });
  }
}

function propsFromObject(existing: unknown): OVirtMachineTemplateProps {
  const o = readTemplateObject('OVirtMachineTemplate', existing);
  const props: Record<string, unknown> = { apiGroup: o.apiGroup, version: o.version, kind: o.kind };
  for (const k of TYPED_FIELDS) if (o.spec[k] !== undefined) props[k] = o.spec[k];
  const rest = takeRest(o.spec, TYPED_FIELDS);
  if (rest) props.additionalFields = rest;
  if (o.metadata) props.templateMetadata = o.metadata;
  return props as unknown as OVirtMachineTemplateProps;
}
