/**
 * The allowed differences between the providers' reference templates and the library's objects, with
 * the reason for each: the ONE table of test/providers/reference-parity.test.ts, repeated in
 * docs/providers.md (the test checks that every row is there).
 */
import { KUBE_VIP_PREPARE_PATH } from '../../lib/core/kubeadm/kube-vip';

export type Template = 'capv-default' | 'capv-external-lb' | 'capo-lb' | 'capo-without-lb';
const CAPV: Template[] = ['capv-default', 'capv-external-lb'];
const CAPO: Template[] = ['capo-lb', 'capo-without-lb'];
const ALL: Template[] = [...CAPV, ...CAPO];

export interface AllowedDifference {
  readonly templates: readonly Template[];
  /** `<Kind>`, `<Kind>/<role>` for machine templates, `<Kind>/<name>` for Secrets and ConfigMaps. */
  readonly object: string;
  /** The mismatch path, or `(object)` for an object the library does not emit. */
  readonly path: string;
  readonly reason: string;
}

const HASHED = 'immutable templates are named `<group>-<hash of the spec>`, so that a changed spec gets a new object and the group rolls to it';

export const ALLOWED_DIFFERENCES: readonly AllowedDifference[] = [
  { templates: CAPV, object: 'VSphereMachineTemplate/control-plane', path: 'metadata.name', reason: HASHED },
  { templates: CAPV, object: 'VSphereMachineTemplate/worker', path: 'metadata.name', reason: HASHED },
  { templates: CAPO, object: 'OpenStackMachineTemplate/control-plane', path: 'metadata.name', reason: HASHED },
  { templates: CAPO, object: 'OpenStackMachineTemplate/worker', path: 'metadata.name', reason: HASHED },
  { templates: ALL, object: 'KubeadmConfigTemplate', path: 'metadata.name', reason: HASHED },
  { templates: ALL, object: 'KubeadmControlPlane', path: 'spec.machineTemplate.spec.infrastructureRef.name', reason: HASHED },
  { templates: ALL, object: 'MachineDeployment', path: 'spec.template.spec.infrastructureRef.name', reason: HASHED },
  { templates: ALL, object: 'MachineDeployment', path: 'spec.template.spec.bootstrap.configRef.name', reason: HASHED },
  {
    templates: CAPV, object: 'KubeadmControlPlane', path: 'metadata.name',
    reason: 'the library names the control plane `<cluster>-control-plane` for every provider (as CAPO\'s template does); CAPV\'s uses the bare cluster name',
  },
  { templates: CAPV, object: 'Cluster', path: 'spec.controlPlaneRef.name', reason: 'follows the KubeadmControlPlane name `<cluster>-control-plane`' },
  {
    templates: ALL, object: 'MachineDeployment', path: 'spec.selector.matchLabels',
    reason: 'the reference leaves the selector empty (`{}` or null) for Cluster API to default; the library sets it to the cluster-name and deployment-name labels, which is what that default is',
  },
  {
    templates: ['capv-default'], object: 'KubeadmControlPlane', path: `spec.kubeadmConfigSpec.files[path=${KUBE_VIP_PREPARE_PATH}].content`,
    reason: 'the library writes its own script with the same effect (on the `kubeadm init` machine with kubeadm >= 1.29, the same sed from admin.conf to super-admin.conf; asserted below) instead of copying CAPV\'s',
  },
  {
    templates: ['capv-default'], object: 'KubeadmControlPlane', path: 'spec.kubeadmConfigSpec.files[path=/etc/kubernetes/manifests/kube-vip.yaml].content(parsed).spec.containers[name=kube-vip].resources',
    reason: 'an empty `resources: {}` (kubectl output) sets nothing',
  },
  {
    templates: ['capv-default'], object: 'KubeadmControlPlane', path: 'spec.kubeadmConfigSpec.files[path=/etc/kubernetes/manifests/kube-vip.yaml].content(parsed).status',
    reason: 'an empty `status: {}` (kubectl output) sets nothing, and a static pod\'s status is not written by its author',
  },
  {
    templates: CAPV, object: 'Secret/vsphere-ref', path: '(object)',
    reason: 'holds the vCenter username and password: the library never emits a credential; create the Secret yourself and name it in VSphereCluster identityRef (the library emits that reference)',
  },
  { templates: CAPV, object: 'ClusterResourceSet', path: 'metadata.name', reason: 'the library names its ClusterResourceSet `<cluster>-component-credentials` (the reference: `<cluster>-crs-0`)' },
  { templates: CAPV, object: 'ClusterResourceSet', path: 'spec.resources[name=cpi-manifests]', reason: 'the CPI comes from the vsphere-cpi chart through a management-side Flux HelmRelease (docs/components.md), not from manifests in a ConfigMap' },
  { templates: CAPV, object: 'ClusterResourceSet', path: 'spec.resources[name=csi-manifests]', reason: 'the vSphere CSI driver is not installed by the library yet (no chart to pin; docs/components.md)' },
  { templates: CAPV, object: 'ClusterResourceSet', path: 'spec.resources[name=vsphere-config-secret]', reason: 'the library\'s ClusterResourceSet applies the one resource-set Secret you name in cloudController.credentialsSecret, which holds the CPI\'s cloud config and credentials' },
  { templates: CAPV, object: 'Secret/vsphere-config-secret', path: '(object)', reason: 'the CSI driver\'s vCenter credentials: never emitted by the library' },
  { templates: CAPV, object: 'Secret/cloud-provider-vsphere-credentials', path: '(object)', reason: 'the CPI\'s vCenter credentials: never emitted by the library' },
  { templates: CAPV, object: 'ConfigMap/csi-manifests', path: '(object)', reason: 'the vSphere CSI driver manifests, delivered by the ClusterResourceSet above: not built by the library' },
  { templates: CAPV, object: 'ConfigMap/cpi-manifests', path: '(object)', reason: 'the vSphere CPI manifests, delivered by the ClusterResourceSet above: not built by the library' },
  {
    templates: CAPO, object: 'Secret/capo-ref-cloud-config', path: '(object)',
    reason: 'holds clouds.yaml: the library never emits a credential; create the Secret yourself and name it in OpenStackCluster secretName (the library emits that reference)',
  },
];
