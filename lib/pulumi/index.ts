/**
 * capi-constructs/pulumi: the constructs as Pulumi ComponentResources, over the same core as the
 * cdk8s constructs (same props, same validation, same objects).
 *
 * Machine templates (CustomMachineTemplate and the provider classes) and HealthCheck presets are plain
 * values shared by both frameworks; they are re-exported here from the core, with every other core
 * export (props types, errors, naming, warning handler).
 */
// First: a missing @pulumi/pulumi or @pulumi/kubernetes is reported as an instruction (./peers).
import './peers';

export * from '../core';
export { ComponentOptions, newResource, registerManifests, resourceName, TYPE_PREFIX } from './emit';
export * from './cluster';
export * from './control-plane-group';
export * from './worker-group';
export * from './cluster-addon';
