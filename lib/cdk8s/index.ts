// First: a missing cdk8s or constructs is reported as an instruction (./peers).
import './peers';

export * from './cluster';
export * from './control-plane-group';
export * from './worker-group';
export * from './fleet';
export * from './cluster-addon';
