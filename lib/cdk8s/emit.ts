import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { Manifest, Rendered } from '../core/manifest';
import { reportWarnings } from '../core/warnings';

/**
 * Places core manifests into the construct tree as ApiObjects (one child per object, id
 * `<Kind>-<name>`) and reports the warnings. Returns the ApiObjects in emit order.
 */
export function emit(scope: Construct, subject: string, rendered: Rendered): ApiObject[] {
  const objects = rendered.manifests.map((m: Manifest) => new ApiObject(scope, `${m.kind}-${m.metadata.name}`, m));
  for (const w of rendered.warnings) scope.node.addMetadata('capi-constructs:warning', `${w.path}: ${w.message}`);
  reportWarnings(subject, rendered.warnings);
  return objects;
}
