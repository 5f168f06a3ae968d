/**
 * A reference to an infrastructure cluster object managed elsewhere: the way to point a Cluster at
 * the cluster kinds of providers without a public CRD (oVirt, Basis, Shturval) or at any object the
 * library should not emit.
 *
 * `bootstrap` says what the provider needs in every node's kubeadm configuration. By default an
 * `OpenStackCluster` gets CAPO's (`ProviderBootstrap.openstack()`) and a `VSphereCluster` CAPV's
 * without kube-vip (the endpoint is not known here: pass `ProviderBootstrap.vsphere({ kubeVip })`,
 * or let an external load balancer hold it); other kinds get none: `ProviderBootstrap.custom(...)`.
 */
import { checkGvk, INFRASTRUCTURE_GROUP } from '../output/api-versions';
import { InfrastructureCluster } from '../cluster/cluster';
import { peek, Problems, show } from '../rules/errors';
import { isProviderBootstrap, ProviderBootstrap } from '../kubeadm/provider-bootstrap';
import { checkObject, checkProps } from '../rules/validation';
import { checkObjectName } from './common';

/** Props of {@link existingInfrastructureCluster}: an infrastructure cluster object made elsewhere. */
export interface ExistingInfrastructureClusterProps {
  /** @default 'infrastructure.cluster.x-k8s.io' */
  readonly apiGroup?: string;
  /** API version of the kind, e.g. `v1beta1`. */
  readonly version: string;
  /** Kind, e.g. `OVirtCluster`. */
  readonly kind: string;
  /** Name of the object. @default the Cluster's name */
  readonly name?: string;
  /**
   * The provider's additions to every node's kubeadm configuration, or `false` for none.
   * @default by kind: OpenStackCluster `ProviderBootstrap.openstack()`, VSphereCluster `ProviderBootstrap.vsphere()` (no kube-vip), others none
   */
  readonly bootstrap?: ProviderBootstrap | false;
}

/**
 * An {@link InfrastructureCluster} without a spec: the Cluster references it in
 * `spec.infrastructureRef` and emits nothing for it.
 */
export function existingInfrastructureCluster(props: ExistingInfrastructureClusterProps): InfrastructureCluster {
  const p = new Problems(`existingInfrastructureCluster ${show(peek(props, 'kind'))}`);
  if (!checkProps(p, props)) p.throwIfErrors();
  if (props.version === undefined) p.error('version', 'is required, e.g. "v1beta1"');
  if (props.kind === undefined) p.error('kind', 'is required, e.g. "OVirtCluster"');
  const gvk = checkGvk(p, props, { version: 'v1beta1', kind: 'Cluster' });
  const name = props.name === undefined ? undefined : checkObjectName(p, 'name', props.name, true);
  if (props.bootstrap !== undefined && props.bootstrap !== false && !isProviderBootstrap(props.bootstrap)) {
    p.error('bootstrap', `must be a ProviderBootstrap (ProviderBootstrap.openstack(), .vsphere(...), .custom(...)) or false, got ${show(props.bootstrap)}`);
  }
  for (const k of Object.keys(props)) {
    if (!['apiGroup', 'version', 'kind', 'name', 'bootstrap'].includes(k) && (props as unknown as Record<string, unknown>)[k] !== undefined) {
      p.error(k, `${show(k)} is not a known field; known fields are apiGroup, version, kind, name, bootstrap`);
    }
  }
  p.throwIfErrors();
  const apiGroup = gvk.apiGroup ?? INFRASTRUCTURE_GROUP;
  const bootstrap = props.bootstrap === false ? undefined : props.bootstrap ?? defaultBootstrap(apiGroup, gvk.kind!);
  return Object.freeze({ apiGroup, version: gvk.version!, kind: gvk.kind!, name, bootstrap });
}

function defaultBootstrap(apiGroup: string, kind: string): ProviderBootstrap | undefined {
  if (apiGroup !== INFRASTRUCTURE_GROUP) return undefined;
  if (kind === 'OpenStackCluster') return ProviderBootstrap.openstack();
  if (kind === 'VSphereCluster') return ProviderBootstrap.vsphere();
  return undefined;
}
