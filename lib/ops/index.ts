/** capi-constructs ops: node operations on running clusters, over `@kubernetes/client-node`. */
// First: a missing optional peer (@kubernetes/client-node, ...) is reported as an instruction (./peers).
import './peers';
// The declarations of what this entry point exports name no type of @kubernetes/client-node (./types).
export * from './node-operations';
export * from './errors';
export type { NodeAction, NodeOperationResult, PlannedRequest, Target } from './requests';
export { describeRequest } from './requests';
export { KubeConfigLike, CapiVersionChoice, ClusterReference, KUBECONFIG_SECRET_KEY, Clock } from './types';
export { DrainOptions, DrainProgress, DrainResult, PodReference, SkippedPod, DEFAULT_DRAIN_TIMEOUT_SECONDS, MIRROR_POD_ANNOTATION } from './types';
export { DeleteOptions, DeleteResult, MIN_OTHER_READY_CONTROL_PLANE_NODES } from './types';
export { NodeReport, GroupReport, ConditionReport, PodReport, EventReport, SriovInterfaceReport, NetworkInterfacesReport, SRIOV_NODE_STATES } from './types';
export { NodeListReport, NodeListEntry, NodeGroupListing, NodeListOptions } from './types';
export { NodeMetadataChange, NodeMetadataResult, NodeMetadataTarget, METADATA_ATTEMPTS } from './types';
export { AutoscalingBounds, NodeGroup } from './types';
export { ControlPlaneToRead, readControlPlaneVersions } from './control-plane-version';
