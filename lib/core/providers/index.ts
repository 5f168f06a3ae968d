/** Typed infrastructure providers: machine templates and infrastructure clusters. */
// Only the public part of the shared helpers.
export type { MachineTemplateObject } from './common';
export { KUBEADM_CONTROL_PLANE_MIN_CPUS, KUBEADM_CONTROL_PLANE_MIN_MEMORY_MIB } from './common';
export * from './vsphere';
export * from './openstack';
export * from './vsphere-rules';
export * from './openstack-rules';
export * from './ovirt';
export * from './basis';
export * from './shturval';
export * from './existing';
export * from './machine-template-from';
