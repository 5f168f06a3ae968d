/** Typed infrastructure providers: machine templates and infrastructure clusters. */
export * from './common';
export * from './vsphere';
export * from './openstack';
export * from './ovirt';
export * from './basis';
export * from './shturval';
export * from './existing';
export * from './machine-template-from';
