import { ApiObject, Chart } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { Manifest, Rendered } from '../core/output/manifest';
import { ObjectIdentity, ObjectRegistry } from '../core/output/object-identity';
import { Problems, show } from '../core/rules/errors';
import { describeValue } from '../core/rules/validation';
import { isNameArgument, MAX_NAME_ARGUMENT } from '../core/rules/arguments';
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
 * `manifests` is already defined in the app (by this or another chart). The scope and id have been
 * checked by {@link validated}.
 */
export function checkUnique(scope: Construct | undefined, id: string, className: string, subject: string, manifests: readonly Manifest[]): void {
  // a root chart (no scope) is an app of its own: nothing else is defined in it yet
  if (scope === undefined) return;
  registryOf(scope).check(subject, definitionOf(className, scope, id), manifests);
}

/** Whether `v` is a construct (of any copy of the constructs library), without letting a hostile value throw. */
export function isConstruct(v: unknown): v is Construct {
  try {
    return v !== null && typeof v === 'object' && Construct.isConstruct(v) && typeof (v as IConstruct).node?.tryFindChild === 'function';
  } catch {
    return false;
  }
}

/** Where a construct goes in the tree: what it needs of its scope. */
export type Placement =
  /** emits ApiObjects: a Chart must be its scope or among its scope's ancestors */
  | 'in-chart'
  /** a Chart: an App, any other construct, or no scope (a root chart) */
  | 'chart'
  /** `addFleet`'s app: any construct (an App) */
  | 'app';

/** Stands for an id that is not known before the props are (ClusterChart's is its cluster's name). */
export const ID_FROM_PROPS: unique symbol = Symbol('id from props');

/**
 * The scope and id of a construct, checked before anything is added to the tree (the constructs
 * library would throw a TypeError, or a plain Error for a taken id). Problems go to `p`, to be reported
 * with those of the props.
 */
export function checkPlacement(p: Problems, scope: unknown, id: unknown, placement: Placement): void {
  const scopeName = placement === 'app' ? 'app' : 'scope';
  if (!isConstruct(scope)) {
    if (placement !== 'chart' || scope !== undefined) {
      const what = placement === 'in-chart' ? 'a construct inside a cdk8s Chart (the Chart, or a construct in it)'
        : placement === 'chart' ? 'a construct (a cdk8s App, or the Chart this chart nests in)' : 'a cdk8s App';
      p.error(scopeName, `must be ${what}, got ${describeValue(scope)}`);
    }
    if (id !== ID_FROM_PROPS) checkId(p, undefined, id);
    return;
  }
  if (placement === 'in-chart') {
    try {
      Chart.of(scope);
    } catch {
      p.error(scopeName, `${show(scope.node.path)} is not inside a cdk8s Chart: a construct that emits Kubernetes objects belongs to a chart`);
    }
  }
  if (id !== ID_FROM_PROPS) checkId(p, scope, id);
}

/**
 * The id of a new child of `scope`: a non-empty string of at most 1024 characters that no other child of
 * `scope` has (`scope` undefined: a root, or a scope already found wrong; only the id itself is checked).
 */
export function checkId(p: Problems, scope: Construct | undefined, id: unknown, path = 'id'): void {
  if (!isNameArgument(id) || id === '') {
    p.error(path, `must be a non-empty string of at most ${MAX_NAME_ARGUMENT} characters (the construct's id in its scope), got ${describeValue(id)}`);
    return;
  }
  // the constructs library turns "/" into "--" (a path separator cannot be part of an id)
  if (scope !== undefined && scope.node.tryFindChild(id.replace(/\//g, '--')) !== undefined) {
    p.error(path, `${show(id)} is taken: ${show(scope.node.path || '(the root)')} already has a child of that id (ids are unique among the children of a scope)`);
  }
}

/**
 * Validates a construct's scope and id and runs the core render of its props, before anything is added
 * to the tree: one ValidationError lists every problem (those of the scope and id after the props').
 * A core ValidationError is rethrown with the scope and id problems added.
 */
export function validated<T>(subject: string, scope: unknown, id: unknown, placement: Placement, render: () => T): T {
  const p = new Problems(subject);
  checkPlacement(p, scope, id, placement);
  const result = p.runRender(render);
  p.throwIfErrors();
  return result;
}

/**
 * Places core manifests into the construct tree as ApiObjects (one child per object), records them in
 * the app's registry as defined by `scope`, and reports the warnings. Returns the ApiObjects in emit
 * order. The ids are {@link objectId}s: `<prefix><Kind>`.
 */
export function emit(scope: Construct, subject: string, rendered: Rendered, prefix = '', reported = false): ApiObject[] {
  if (!reported) reportFirst(scope, subject, rendered.warnings);
  const objects = emitObjects(scope, rendered.manifests, prefix);
  recordEmitted(scope, rendered.manifests, rendered.warnings);
  return objects;
}

/** The ApiObjects of {@link emit}, without recording them: one child of `scope` per manifest, in order. */
export function emitObjects(scope: Construct, manifests: readonly Manifest[], prefix = ''): ApiObject[] {
  return manifests.map((m: Manifest) => new ApiObject(scope, objectId(scope, `${prefix}${m.kind}`), m));
}

/**
 * What {@link emit} records besides the ApiObjects: the objects in the app's registry as defined by
 * `scope`, and the warnings as metadata of `scope`. A chart that keeps its objects compact records them
 * when it is built and creates the ApiObjects later ({@link emitObjects}).
 */
export function recordEmitted(scope: Construct, objects: readonly ObjectIdentity[], warnings: Rendered['warnings']): void {
  registryOf(scope).add(`${scope.constructor.name} "${scope.node.path}"`, objects);
  for (const w of warnings) scope.node.addMetadata('capi-constructs:warning', `${w.path}: ${w.message}`);
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
