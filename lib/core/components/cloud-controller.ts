/**
 * The cloud controller manager's chart values: the OpenStack CCM and vSphere CPI read the Secret /
 * cloud config the credentials ClusterResourceSet delivers (never credentials from values).
 */

/** The workload-cluster Secret (kube-system) the OpenStack CCM and Cinder CSI read: key `cloud.conf`. */
export const OPENSTACK_CLOUD_CONFIG_SECRET = 'cloud-config';
/** The workload-cluster ConfigMap (kube-system, key `vsphere.conf`) vsphere-cpi reads when `config.enabled` is false. */
export const VSPHERE_CLOUD_CONFIG_CONFIGMAP = 'cloud-config';

export function openstackCcmValues(): Record<string, unknown> {
  return { secret: { enabled: true, create: false, name: OPENSTACK_CLOUD_CONFIG_SECRET } };
}

export function vsphereCpiValues(): Record<string, unknown> {
  return { config: { enabled: false } };
}
