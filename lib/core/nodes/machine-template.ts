/**
 * The contract between node groups and infrastructure providers.
 *
 * A machine template is a value: it holds one provider's machine spec, validated when it is built.
 * The group that uses it (ControlPlaneGroup or WorkerGroup) emits the template object, because the
 * object's name belongs to the group: `<cluster>-<group>-<hash of the spec>`. One template value may
 * serve several groups; each gets its own object.
 */
import { CapiVersion, checkGvk, INFRASTRUCTURE_GROUP, ObjectRef } from '../output/api-versions';
import { peek, ProblemReporter, Problems, show, Warning } from '../rules/errors';
import { checkFreeForm } from '../rules/free-form';
import { checkPropKeys, propKeys } from '../rules/strict-props';
import { checkLabels, checkObject, checkProps, isPlainRecord } from '../rules/validation';
import { compact, Manifest } from '../output/manifest';
import { templateName } from '../output/naming';
import { checkArguments } from '../rules/arguments';

/** Which kind of group uses a template. */
export type MachineRole = 'control-plane' | 'worker';

/** Labels and annotations emitted at a machine template's `spec.template.metadata`. */
export interface MachineTemplateMetadata {
  readonly labels?: Record<string, string>;
  readonly annotations?: Record<string, string>;
}

const TEMPLATE_METADATA_PROPS = propKeys<MachineTemplateMetadata>()('MachineTemplateMetadata', { labels: true, annotations: true });

/** `templateMetadata`: labels and annotations for `spec.template.metadata`. */
export function checkTemplateMetadata(p: Problems, path: string, value: unknown): MachineTemplateMetadata | undefined {
  if (value === undefined) return undefined;
  if (!checkObject(p, path, value)) return undefined;
  checkPropKeys(p, path, value, TEMPLATE_METADATA_PROPS);
  const labels = checkLabels(p, `${path}.labels`, value.labels, 'labels');
  const annotations = checkLabels(p, `${path}.annotations`, value.annotations, 'annotations');
  const hasLabels = labels && Object.keys(labels).length > 0;
  const hasAnnotations = annotations && Object.keys(annotations).length > 0;
  if (!hasLabels && !hasAnnotations) return undefined;
  return { labels: hasLabels ? { ...labels } : undefined, annotations: hasAnnotations ? { ...annotations } : undefined };
}

/**
 * What one machine of a template has, where the template says it (vSphere, oVirt, Basis): the sizes the
 * cluster-autoscaler needs to grow a group from zero.
 */
export interface MachineCapacity {
  /** CPUs. */
  readonly cpu?: number;
  /** Memory in MiB. */
  readonly memoryMiB?: number;
  /** Root (ephemeral) disk in GiB. */
  readonly diskGiB?: number;
}

/** Implemented by every provider template (VSphereMachineTemplate, OpenStackMachineTemplate, ...). */
export interface MachineTemplate {
  /** API group of the template kind. */
  readonly apiGroup: string;
  /** API version emitted, e.g. `v1beta2`. */
  readonly version: string;
  /** Kind, e.g. `VSphereMachineTemplate`. */
  readonly kind: string;
  /** Provider fields, emitted at `spec.template.spec` (already in the shape of `version`). */
  readonly spec: Readonly<Record<string, unknown>>;
  /** Emitted at `spec.template.metadata` where the provider's schema has it. */
  readonly templateMetadata?: MachineTemplateMetadata;
  /** Legal but risky settings found when the template was built. */
  readonly warnings: readonly Warning[];
  /** The machine's sizes where the template sets them. @default unknown */
  readonly capacity?: MachineCapacity;
  /** The name of the image (or VM template) machines boot from, where the template names one. @default unknown */
  readonly imageName?: string;
  /** Optional checks that depend on the role of the group using the template. */
  validateFor?(role: MachineRole, problems: ProblemReporter, path: string): void;
}

/**
 * Machine template kinds whose provider versions follow the Cluster API contract of the same name, with
 * the provider release that pairs each with a Cluster API version (../shared/facts/providers.md §1).
 * OpenStack is not listed: CAPO's only stable version is v1beta1, which serves Cluster API v1beta2 clusters.
 */
const CONTRACT_VERSIONED_TEMPLATES: Readonly<Record<string, Readonly<Record<CapiVersion, string>>>> = {
  VSphereMachineTemplate: {
    v1beta2: 'CAPV 1.16 and later, for Cluster API 1.11+',
    v1beta1: 'CAPV 1.15 and older (deprecated in CAPV 1.16)',
  },
};

/**
 * Warns when a machine template's API version belongs to another Cluster API generation than the
 * cluster's (e.g. a v1beta1 VSphereMachineTemplate in a v1beta2 Cluster): legal while the provider still
 * serves both, but a mix of provider releases and deprecated APIs.
 */
export function checkTemplateGeneration(template: MachineTemplate, capi: CapiVersion, p: ProblemReporter, path: string): void {
  const releases = template.apiGroup === INFRASTRUCTURE_GROUP ? CONTRACT_VERSIONED_TEMPLATES[template.kind] : undefined;
  if (!releases || template.version === capi || !Object.prototype.hasOwnProperty.call(releases, template.version)) return;
  p.warn(`${path}.version`, `${template.kind} ${template.version} is the API of ${releases[template.version as CapiVersion]}, but the cluster uses Cluster API ${capi}: `
    + `use version "${capi}" (${releases[capi]}) so that the provider and Cluster API releases match`);
}

/**
 * The Kubernetes version an image name shows, as image-builder names them (`ubuntu-2404-kube-v1.33.1`,
 * `rockylinux-9-kube-1.32.4`); undefined when it names none.
 */
export function imageKubernetesVersion(image: string): string | undefined {
  if (typeof image !== 'string') checkArguments('imageKubernetesVersion', [['image', image, false, 'an image name as a string']]);
  const m = /kube(?:rnetes)?[-_.]?v?(\d+\.\d+\.\d+)(?![\d.])/i.exec(image);
  return m ? `v${m[1]}` : undefined;
}

/** True for any object that implements {@link MachineTemplate}. */
export function isMachineTemplate(value: unknown): value is MachineTemplate {
  const v = value as MachineTemplate | undefined;
  try {
    return !!v && typeof v === 'object' && typeof v.apiGroup === 'string' && typeof v.version === 'string'
      && typeof v.kind === 'string' && !!v.spec && typeof v.spec === 'object' && Array.isArray(v.warnings);
  } catch {
    return false; // a getter or Proxy that throws is no template
  }
}

/** The `spec.template` content of a template object; its hash names the object. */
function templateContent(t: MachineTemplate): Record<string, unknown> {
  return compact({
    metadata: t.templateMetadata ? { labels: t.templateMetadata.labels, annotations: t.templateMetadata.annotations } : undefined,
    spec: t.spec,
  }) ?? {};
}

/** Name of the template object a group emits: `<base>-<hash>`, the hash covering apiVersion, kind and spec. */
export function machineTemplateObjectName(t: MachineTemplate, base: string): string {
  return objectName(t, base, templateContent(t));
}

function objectName(t: MachineTemplate, base: string, template: Record<string, unknown>): string {
  return templateName(base, { apiVersion: `${t.apiGroup}/${t.version}`, kind: t.kind, template });
}

/** The template object for one group, and the reference the group puts in its spec. */
export function renderMachineTemplate(t: MachineTemplate, base: string, namespace: string, labels: Record<string, string>): { manifest: Manifest; ref: ObjectRef } {
  const template = templateContent(t);
  // hashed before it goes into the manifest: the name covers exactly what is emitted
  const name = objectName(t, base, template);
  const manifest: Manifest = {
    apiVersion: `${t.apiGroup}/${t.version}`,
    kind: t.kind,
    metadata: { name, namespace, labels },
    spec: { template },
  };
  return { manifest, ref: { apiGroup: t.apiGroup, version: t.version, kind: t.kind, name } };
}

/** Props of {@link CustomMachineTemplate}. */
export interface CustomMachineTemplateProps {
  /** @default 'infrastructure.cluster.x-k8s.io' */
  readonly apiGroup?: string;
  /** API version of the kind, e.g. `v1beta1`. */
  readonly version: string;
  /** Kind, e.g. `DockerMachineTemplate`. */
  readonly kind: string;
  /** Emitted verbatim at `spec.template.spec`. */
  readonly spec: Record<string, unknown>;
  /** @default none */
  readonly templateMetadata?: MachineTemplateMetadata;
}

/**
 * Any infrastructure provider's template, given as raw fields: the escape hatch for providers the
 * library has no typed class for. No provider-specific validation is done.
 */
export class CustomMachineTemplate implements MachineTemplate {
  public readonly apiGroup: string;
  public readonly version: string;
  public readonly kind: string;
  public readonly spec: Readonly<Record<string, unknown>>;
  public readonly templateMetadata?: MachineTemplateMetadata;
  public readonly warnings: readonly Warning[] = [];

  constructor(props: CustomMachineTemplateProps) {
    const kind = peek(props, 'kind');
    const p = new Problems(`CustomMachineTemplate${typeof kind === 'string' ? ` ${show(kind)}` : ''}`);
    if (!checkProps(p, props)) p.throwIfErrors();
    checkPropKeys(p, '', props, CUSTOM_MACHINE_TEMPLATE_PROPS);
    const gvk = checkGvk(p, props, { version: '', kind: '' });
    if (props.version === undefined) p.error('version', 'is required, e.g. "v1beta1"');
    if (props.kind === undefined) p.error('kind', 'is required, e.g. "DockerMachineTemplate"');
    const spec = props.spec === undefined ? (p.error('spec', 'is required: the fields of spec.template.spec'), undefined) : checkFreeForm(p, 'spec', props.spec);
    const templateMetadata = checkTemplateMetadata(p, 'templateMetadata', props.templateMetadata);
    p.throwIfErrors();
    this.apiGroup = gvk.apiGroup!;
    this.version = gvk.version!;
    this.kind = gvk.kind!;
    this.spec = spec!;
    this.templateMetadata = templateMetadata;
  }
}

/** The known keys of {@link CustomMachineTemplateProps} (strict props). */
const CUSTOM_MACHINE_TEMPLATE_PROPS = propKeys<CustomMachineTemplateProps>()('CustomMachineTemplateProps', {
  apiGroup: true, version: true, kind: true, spec: true, templateMetadata: true,
});
