/**
 * Kinds the library may emit for which no CRD exists under ../shared/crds, each with the reason.
 * Objects of these kinds still get the ObjectMeta checks; any OTHER kind without a schema fails the
 * conformance suite, so a new kind cannot slip through unchecked. Add a kind here only with a reason.
 */
export const NO_SCHEMA_KINDS: Readonly<Record<string, string>> = {
  // Infrastructure providers without a public Cluster API CRD (../shared/facts/providers.md §3-§5).
  OVirtMachineTemplate: 'no public Cluster API oVirt provider defines this kind (shared/crds/ovirt/README.md)',
  OVirtCluster: 'no public Cluster API oVirt provider defines this kind (shared/facts/providers.md §7)',
  BasisMachineTemplate: 'Basis Dynamix has no public Cluster API CRD (shared/crds/basis/README.md)',
  BasisCluster: 'Basis Dynamix has no public Cluster API CRD (shared/crds/basis/README.md)',
  ShturvalMachineTemplate: 'Shturval is proprietary; no CRD is public (shared/crds/shturval/README.md)',
  ShturvalCluster: 'Shturval is proprietary; no CRD is public (shared/crds/shturval/README.md)',
  // Core Kubernetes kinds: validated by the API server's built-in schemas, not by CRDs.
  Namespace: 'core Kubernetes kind (v1), no CRD',
  ConfigMap: 'core Kubernetes kind (v1), no CRD',
  Secret: 'core Kubernetes kind (v1), no CRD',
  ServiceAccount: 'core Kubernetes kind (v1), no CRD',
  NetworkPolicy: 'core Kubernetes kind (networking.k8s.io/v1), no CRD',
  ClusterRole: 'core Kubernetes kind (rbac.authorization.k8s.io/v1), no CRD',
  ClusterRoleBinding: 'core Kubernetes kind (rbac.authorization.k8s.io/v1), no CRD',
  // CRDs that exist upstream but were not copied into shared/crds.
  VSphereFailureDomain: 'served by the management cluster; the CAPV CRD is only in the release manifest (shared/management/cluster-api-provider-vsphere-v1.16.1); test/providers/failure-domains.test.ts validates against it',
  VSphereDeploymentZone: 'served by the management cluster; the CAPV CRD is only in the release manifest (shared/management/cluster-api-provider-vsphere-v1.16.1); test/providers/failure-domains.test.ts validates against it',
  Kustomization: 'Flux kustomize.toolkit.fluxcd.io CRD is not in shared/crds',
  GitRepository: 'Flux source.toolkit.fluxcd.io GitRepository CRD is not in shared/crds',
};
