/**
 * A reference to an infrastructure cluster object managed elsewhere: the way to point a Cluster at
 * the cluster kinds of providers without a public CRD (oVirt, Basis, Shturval) or at any object the
 * library should not emit.
 */
import { INFRASTRUCTURE_GROUP } from '../api-versions';
import { InfrastructureCluster } from '../cluster';
import { Problems, show } from '../errors';
import { checkObject } from '../validation';
import { checkGvk, checkObjectName } from './common';

export interface ExistingInfrastructureClusterProps {
  /** @default 'infrastructure.cluster.x-k8s.io' */
  readonly apiGroup?: string;
  /** API version of the kind, e.g. `v1beta1`. */
  readonly version: string;
  /** Kind, e.g. `OVirtCluster`. */
  readonly kind: string;
  /** Name of the object. @default the Cluster's name */
  readonly name?: string;
}

/**
 * An {@link InfrastructureCluster} without a spec: the Cluster references it in
 * `spec.infrastructureRef` and emits nothing for it.
 */
export function existingInfrastructureCluster(props: ExistingInfrastructureClusterProps): InfrastructureCluster {
  const p = new Problems(`existingInfrastructureCluster ${show(props?.kind)}`);
  if (!checkObject(p, 'props', props)) p.throwIfErrors();
  if (props.version === undefined) p.error('version', 'is required, e.g. "v1beta1"');
  if (props.kind === undefined) p.error('kind', 'is required, e.g. "OVirtCluster"');
  const gvk = checkGvk(p, props, { version: 'v1beta1', kind: 'Cluster' });
  const name = props.name === undefined ? undefined : checkObjectName(p, 'name', props.name, true);
  p.throwIfErrors();
  return Object.freeze({ apiGroup: gvk.apiGroup ?? INFRASTRUCTURE_GROUP, version: gvk.version!, kind: gvk.kind!, name });
}
