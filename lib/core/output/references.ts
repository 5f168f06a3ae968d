/**
 * Which objects an emitted object names that must exist before it: the machine templates and bootstrap
 * config templates of a node group.
 *
 * A KubeadmControlPlane, MachineDeployment or MachineSet names its templates by name. The library names
 * a template after a hash of its spec, so a changed spec is a new object, and the group's reference moves
 * to it in the same apply (`nodes/machine-template.ts`). If the group is updated before the new template
 * exists, it names an object that is not there: the controllers report reconcile errors until it appears.
 * An adapter that creates objects one by one (Pulumi) therefore creates these first; a file-based one
 * (cdk8s) writes all objects of one apply together and needs nothing of this.
 *
 * The references, as the Cluster API CRDs (v1.14) spell them:
 * - KubeadmControlPlane: v1beta2 `spec.machineTemplate.spec.infrastructureRef` `{apiGroup, kind, name}`;
 *   v1beta1 `spec.machineTemplate.infrastructureRef` (an ObjectReference: `apiVersion`, `kind`, `name`,
 *   `namespace`);
 * - MachineDeployment and MachineSet: `spec.template.spec.infrastructureRef` and
 *   `spec.template.spec.bootstrap.configRef`, `{apiGroup, kind, name}` in v1beta2, ObjectReferences in
 *   v1beta1.
 * A v1beta2 reference has no namespace: the object is in the referencing object's namespace. A v1beta1
 * ObjectReference without a namespace means the same (Cluster API 1.10 requires the two to be equal).
 *
 * Not listed, on purpose: a Cluster's `spec.infrastructureRef` and `spec.controlPlaneRef`. They are not
 * templates. Cluster API expects the Cluster to be created with (or before) the objects it names: the
 * Cluster controller waits for them to appear, adopts them (owner references) and, when the Cluster is
 * deleted, deletes the control plane and the infrastructure cluster itself once the machines are gone.
 * An ordering on them would run the other way on deletion too: the infrastructure cluster and the
 * control plane would be deleted before the Cluster, taking that order away from Cluster API. A
 * MachineHealthCheck's `remediation.templateRef` is not emitted by the library.
 *
 * Framework-free and pure: anything that is not one of these objects with a well-formed reference gives
 * no reference, never an error.
 */
import { CLUSTER_GROUP, CONTROL_PLANE_GROUP } from './api-versions';
import { isPlainObject, Manifest } from './manifest';
import { objectKey } from './object-identity';

/** An object that an emitted object names and that must exist before it. */
export interface RequiredObject {
  /** The API group (`''` for the core group). */
  readonly apiGroup: string;
  readonly kind: string;
  /** The namespace: the referencing object's, unless a v1beta1 reference names another. */
  readonly namespace?: string;
  readonly name: string;
  /** The field of the referencing object that names it, e.g. `spec.template.spec.bootstrap.configRef`. */
  readonly field: string;
}

/** The reference fields per `<group>/<version>` `<Kind>`. */
const REFERENCE_FIELDS: Readonly<Record<string, readonly (readonly string[])[]>> = {
  [`${CONTROL_PLANE_GROUP}/v1beta2 KubeadmControlPlane`]: [['spec', 'machineTemplate', 'spec', 'infrastructureRef']],
  [`${CONTROL_PLANE_GROUP}/v1beta1 KubeadmControlPlane`]: [['spec', 'machineTemplate', 'infrastructureRef']],
  ...Object.fromEntries(['v1beta2', 'v1beta1'].flatMap((v) => ['MachineDeployment', 'MachineSet'].map((kind) => [
    `${CLUSTER_GROUP}/${v} ${kind}`,
    [['spec', 'template', 'spec', 'infrastructureRef'], ['spec', 'template', 'spec', 'bootstrap', 'configRef']],
  ]))),
};

function at(value: unknown, path: readonly string[]): unknown {
  let v = value;
  for (const k of path) {
    if (!isPlainObject(v)) return undefined;
    v = v[k];
  }
  return v;
}

const nonEmpty = (v: unknown): v is string => typeof v === 'string' && v !== '';

/**
 * The objects `m` names that must exist before it (see the file comment), in field order; `[]` for every
 * other object.
 */
export function requiredObjects(m: Manifest): RequiredObject[] {
  if (!isPlainObject(m) || typeof m.apiVersion !== 'string' || typeof m.kind !== 'string') return [];
  const fields = REFERENCE_FIELDS[`${m.apiVersion} ${m.kind}`];
  if (!fields) return [];
  const own = isPlainObject(m.metadata) && nonEmpty(m.metadata.namespace) ? m.metadata.namespace : undefined;
  const out: RequiredObject[] = [];
  for (const path of fields) {
    const ref = at(m, path);
    if (!isPlainObject(ref) || !nonEmpty(ref.kind) || !nonEmpty(ref.name)) continue;
    let apiGroup: string;
    let namespace = own;
    if (m.apiVersion.endsWith('/v1beta2')) {
      if (typeof ref.apiGroup !== 'string') continue;
      apiGroup = ref.apiGroup;
    } else {
      if (!nonEmpty(ref.apiVersion)) continue;
      const slash = ref.apiVersion.indexOf('/');
      apiGroup = slash < 0 ? '' : ref.apiVersion.slice(0, slash);
      if (nonEmpty(ref.namespace)) namespace = ref.namespace;
    }
    out.push({ apiGroup, kind: ref.kind, namespace, name: ref.name, field: path.join('.') });
  }
  return out;
}

/** The identity of a required object, comparable with `objectKey` of the manifest that defines it. */
export function requiredObjectKey(r: RequiredObject): string {
  return objectKey({ apiVersion: r.apiGroup === '' ? 'v1' : `${r.apiGroup}/v`, kind: r.kind, metadata: { name: r.name, namespace: r.namespace } });
}
