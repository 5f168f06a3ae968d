import { ApiObject } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { Manifest, Rendered } from '../core/output/manifest';
import { ObjectRegistry } from '../core/output/object-identity';
import { reportWarnings } from '../core/rules/warnings';
// every construct emits through here: cdk8s's Yaml.stringify is Kubernetes-safe wherever one is used
import './yaml-output';

/** The objects defined in each App (keyed by the root of the construct tree), across all its charts. */
const registries = new WeakMap<IConstruct, ObjectRegistry>();

/** The registry of the app `scope` belongs to. */
export function registryOf(scope: IConstruct): ObjectRegistry {
  const root = scope.node.root;
  let registry = registries.get(root);
  if (!registry) {
    registry = new ObjectRegistry('in a cdk8s App (across all its charts)');
    registries.set(root, registry);
  }
  return registry;
}

/** `ControlPlaneGroup "app/dev/cp"`: a construct by its class and the path it has (or will have) in the tree. */
export function definitionOf(className: string, scope: IConstruct, id: string): string {
  const parent = scope.node.path;
  return `${className} "${parent ? `${parent}/${id}` : id}"`;
}

/**
 * Before a construct is added to the tree: throws a ValidationError naming both definitions if any of
 * `manifests` is already defined in the app (by this or another chart). A scope that is not a
 * construct is left to the constructs library to refuse.
 */
export function checkUnique(scope: Construct, id: string, className: string, subject: string, manifests: readonly Manifest[]): void {
  if (!(scope as Partial<IConstruct> | undefined)?.node?.root || typeof id !== 'string') return;
  registryOf(scope).check(subject, definitionOf(className, scope, id), manifests);
}

/**
 * Places core manifests into the construct tree as ApiObjects (one child per object), records them in
 * the app's registry as defined by `scope`, and reports the warnings. Returns the ApiObjects in emit
 * order. The ids are {@link objectId}s: `<prefix><Kind>`.
 */
export function emit(scope: Construct, subject: string, rendered: Rendered, prefix = '', reported = false): ApiObject[] {
  if (!reported) reportFirst(scope, subject, rendered.warnings);
  const objects = rendered.manifests.map((m: Manifest) => new ApiObject(scope, objectId(scope, `${prefix}${m.kind}`), m));
  registryOf(scope).add(`${scope.constructor.name} "${scope.node.path}"`, rendered.manifests);
  for (const w of rendered.warnings) scope.node.addMetadata('capi-constructs:warning', `${w.path}: ${w.message}`);
  return objects;
}

/**
 * Reports warnings before anything of a construct is emitted: a handler that throws (to fail a
 * pipeline on warnings) fails the construct, which is then taken out of the tree again, so nothing
 * of it is added. `scope` is the construct being built (it has no children yet).
 */
export function reportFirst(scope: Construct, subject: string, warnings: Rendered['warnings']): void {
  try {
    reportWarnings(subject, warnings);
  } catch (e) {
    if (scope.node.children.length === 0) scope.node.scope?.node.tryRemoveChild(scope.node.id);
    throw e;
  }
}

/**
 * The construct id of an emitted object: `base` (e.g. `MachineDeployment`), or `base-2`, `base-3`, ...
 * when the scope already has a child of that id. The ids repeat from cluster to cluster on purpose:
 * the object names (which hold the cluster name) are in the manifests, and ids unique per cluster
 * (thousands of distinct property names in the constructs' child maps) slow down every object V8 builds
 * afterwards, cdk8s's `ApiObject.toJson` included: 31,000 objects took 1.6–2.6 s instead of 0.6 s to
 * turn into JSON when they sat one level below their chart (docs/performance.md).
 */
export function objectId(scope: Construct, base: string): string {
  if (!scope.node.tryFindChild(base)) return base;
  for (let n = 2; ; n++) {
    const id = `${base}-${n}`;
    if (!scope.node.tryFindChild(id)) return id;
  }
}
