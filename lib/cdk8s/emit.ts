import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { Manifest, Rendered } from '../core/output/manifest';
import { reportWarnings } from '../core/rules/warnings';
// every construct emits through here: cdk8s's Yaml.stringify is Kubernetes-safe wherever one is used
import './yaml-output';

/**
 * Places core manifests into the construct tree as ApiObjects (one child per object) and reports the
 * warnings. Returns the ApiObjects in emit order. The ids are {@link objectId}s: `<prefix><Kind>`.
 */
export function emit(scope: Construct, subject: string, rendered: Rendered, prefix = ''): ApiObject[] {
  const objects = rendered.manifests.map((m: Manifest) => new ApiObject(scope, objectId(scope, `${prefix}${m.kind}`), m));
  for (const w of rendered.warnings) scope.node.addMetadata('capi-constructs:warning', `${w.path}: ${w.message}`);
  reportWarnings(subject, rendered.warnings);
  return objects;
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
