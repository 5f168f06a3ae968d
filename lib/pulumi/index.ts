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
export type { ComponentOptions } from './emit';
export { Cluster } from './cluster';
export { ControlPlaneGroup } from './control-plane-group';
export { WorkerGroup } from './worker-group';
export { ClusterAddon, FluxResourceMetrics } from './cluster-addon';
export type { PulumiClusterAddonProps } from './cluster-addon';
