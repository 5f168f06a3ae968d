/** Cluster components installed with the cluster: CNI, cloud controller manager, CSI, and the credentials they need. */
export * from './charts';
export * from './cni';
export * from './cloud-controller';
export * from './components';
export * from './credentials';
export * from './csi';
export * from './cluster-autoscaler';
