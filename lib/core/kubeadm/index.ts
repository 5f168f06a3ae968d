/** kubeadm configuration of node groups: props, rules, provider bootstrap and kube-vip. */
export * from './args';
export * from './taints';
export * from './secret-ref';
export * from './files';
export * from './users';
export * from './commands';
export * from './kube-vip';
export * from './provider-bootstrap';
export * from './config';
export * from './api-server';
