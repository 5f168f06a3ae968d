export * from './charts';
export * from './cni';
export * from './cloud-controller';
export * from './components';
export * from './credentials';
export * from './csi';
