/** capi-constructs ops: node operations on running clusters, over `@kubernetes/client-node`. */
// First: a missing optional peer (@kubernetes/client-node, ...) is reported as an instruction (./peers).
import './peers';
export * from './node-operations';
export * from './errors';
export type { NodeAction, NodeOperationResult, PlannedRequest, Target } from './requests';
export { describeRequest } from './requests';
export { CapiVersionChoice, ClusterReference, KUBECONFIG_SECRET_KEY } from './cluster-access';
export { Clock } from './context';
export { DrainOptions, DrainProgress, DrainResult, PodReference, SkippedPod, DEFAULT_DRAIN_TIMEOUT_SECONDS, MIRROR_POD_ANNOTATION } from './drain';
export { DeleteOptions, DeleteResult, MIN_OTHER_READY_CONTROL_PLANE_NODES } from './delete';
export { NodeReport, GroupReport, ConditionReport, PodReport, EventReport, SriovInterfaceReport, NetworkInterfacesReport, SRIOV_NODE_STATES } from './show';
export { NodeListReport, NodeListEntry, NodeGroupListing, NodeListOptions } from './list';
export { NodeMetadataChange, NodeMetadataResult, NodeMetadataTarget, METADATA_ATTEMPTS } from './metadata';
export { AutoscalingBounds, NodeGroup } from './node-lookup';
export { ControlPlaneToRead, readControlPlaneVersions } from './control-plane-version';
