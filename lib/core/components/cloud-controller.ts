/**
 * The cloud controller manager's chart values: the OpenStack CCM and vSphere CPI read the Secret /
 * cloud config the credentials ClusterResourceSet delivers (never credentials from values).
 */

/** The workload-cluster Secret (kube-system) the OpenStack CCM and Cinder CSI read: key `cloud.conf`. */
export const OPENSTACK_CLOUD_CONFIG_SECRET = 'cloud-config';
/** The workload-cluster ConfigMap (kube-system, key `vsphere.conf`) vsphere-cpi reads when `config.enabled` is false. */
export const VSPHERE_CLOUD_CONFIG_CONFIGMAP = 'cloud-config';

/**
 * The `--cluster-name` of a cluster's OpenStack CCM: `<namespace>.<name>` of its Cluster object, unique
 * on a management cluster (namespace and Cluster names are DNS labels, without dots, so no two Clusters share one). The CCM names
 * the cloud resources it creates after it (load balancers `kube_service_<cluster-name>_<namespace>_<service>`);
 * the chart's default `kubernetes` would make two clusters in one OpenStack project share them.
 */
export function openstackCcmClusterName(cluster: { readonly name: string; readonly namespace: string }): string {
  return `${cluster.namespace}.${cluster.name}`;
}

export function openstackCcmValues(clusterName: string): Record<string, unknown> {
  return { secret: { enabled: true, create: false, name: OPENSTACK_CLOUD_CONFIG_SECRET }, cluster: { name: clusterName } };
}

export function vsphereCpiValues(): Record<string, unknown> {
  return { config: { enabled: false } };
}
