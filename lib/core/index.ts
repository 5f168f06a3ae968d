/** capi-constructs core: framework-free specs, validation, naming and spec -> manifest functions. */
export * from './api-versions';
export * from './errors';
export * from './manifest';
export * from './validation';
export * from './naming';
export * from './warnings';
export * from './machine-template';
export * from './machine-deletion';
export * from './node-failure-detection';
export * from './cluster';
export * from './health-check';
export * from './control-plane';
export * from './worker-group';
export * from './yaml';
export * from './render';
export * from './write-fleet';
export * from './providers';
// The value MachineTemplate (MachineTemplate.from) and the interface of the same name: resolves the two star exports.
export { MachineTemplate } from './providers';
export * from './addons';
export * from './strict-props';
export * from './free-form';
export * from './credentials';
