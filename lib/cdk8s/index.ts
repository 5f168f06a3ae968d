import './yaml-output';
export * from './cluster';
export * from './control-plane-group';
export * from './worker-group';
export * from './fleet';
export * from './cluster-addon';
export { installKubernetesSafeYaml } from './yaml-output';
