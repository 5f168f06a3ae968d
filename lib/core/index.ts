/**
 * capi-constructs/core: the framework-free specs, validation, naming and spec -> manifest functions.
 *
 * This file is the public surface of the core, name by name (api/capi-constructs.api.md is its report).
 * Everything else under lib/core is internal: the adapters and the tests import it from its own module.
 */

// Errors and warnings
export { ValidationError } from './rules/errors';
export type { Issue, ProblemReporter, Warning } from './rules/errors';
export { setWarningHandler } from './rules/warnings';
export type { WarningHandler } from './rules/warnings';

// Plain objects and shared value types
export type { JsonValue, Manifest, ObjectMeta, Rendered } from './output/manifest';
export { CAPI_VERSIONS, LABEL_VSPHERE_DEPLOYMENT_ZONE } from './output/api-versions';
export type { CapiVersion, ObjectRef } from './output/api-versions';
export type { Duration, IntOrPercent } from './rules/validation';

// Names the constructs generate
export { controlPlaneHealthCheckName, controlPlaneName, kubeconfigSecretName, workerGroupName, workerHealthCheckName } from './output/naming';

// Cluster, control plane, worker groups, health checks
export type { ClusterComponent, ClusterNetwork, ClusterProps, ClusterRef, InfrastructureCluster } from './cluster/cluster';
export { NODE_FAILURE_DETECTION_DEFAULTS } from './cluster/node-failure-detection';
export type { NodeFailureDetection, ResolvedNodeFailureDetection } from './cluster/node-failure-detection';
export type { ControlPlaneGroupProps, ControlPlaneRemediation } from './nodes/control-plane';
export { KUBELET_MAX_MINOR_SKEW, splitEvenly } from './nodes/worker-group';
export type {
  AutoscalerCapacity, AutoScaling, IngressWorkerGroupProps, ManualScaling, OnDeleteStrategy, RollingUpdateStrategy, WorkerGroupProps, WorkerScaling,
  WorkerStrategy,
} from './nodes/worker-group';
export type { MachineDeletionProps } from './nodes/machine-deletion';

// kubeadm configuration of the node groups, and what each provider adds to it
export type {
  ComponentProps, ControlPlaneKubeadmProps, CustomProviderBootstrapProps, EtcdProps, ExtraArgs, FileEncoding, KubeadmFile, KubeadmNodeProps,
  KubeadmUser, KubeVipProps, NtpProps, SecretKeyRef, Taint, TaintEffect, VSphereBootstrapProps, WorkerKubeadmProps,
  ApiServerProps, AuditLevel, AuditPolicy, AuditProps, AuditRule, AuditStage, AuditWebhookProps, EncryptionAtRestProps, EncryptionConfigurationOptions,
  EncryptionKey, HostPathMount, KmsPluginProps, OidcAuthenticationProps, OidcIssuer, PodSecurityLevel, PodSecurityProps,
} from './kubeadm';
export {
  CONTROL_PLANE_TAINT, KUBE_VIP_DEFAULT_IMAGE, ProviderBootstrap, TAINT_EFFECTS, AUDIT_PRESET_POLICY, POD_SECURITY_LIBRARY_EXEMPTIONS, encryptionConfiguration,
} from './kubeadm';
export { HealthCheck } from './nodes/health-check';
export type { HealthCheckOptions, HealthCheckRole, HealthCheckTarget, UnhealthyCondition } from './nodes/health-check';

// Machine templates and infrastructure clusters
export { CustomMachineTemplate } from './nodes/machine-template';
export type { CustomMachineTemplateProps, MachineCapacity, MachineRole, MachineTemplateMetadata } from './nodes/machine-template';
export {
  BasisMachineTemplate, CALICO_SECURITY_GROUP_RULES, existingInfrastructureCluster, KUBEADM_CONTROL_PLANE_MIN_CPUS, KUBEADM_CONTROL_PLANE_MIN_MEMORY_MIB,
  MachineTemplate, OPENSTACK_VERSIONS, OpenStackCluster, OpenStackMachineTemplate, OVirtMachineTemplate, ShturvalMachineTemplate,
  VSPHERE_VERSIONS, VSphereCluster, VSphereMachineTemplate,
} from './providers';
export type {
  BasisMachineTemplateOverrides, BasisMachineTemplateProps, ExistingInfrastructureClusterProps, HostSelector, HostSelectorExpression,
  HostSelectorOperator, MachineTemplateObject, OpenStackClusterProps, OpenStackManagedGroup, OpenStackSecurityGroupRule, OpenStackImage, OpenStackMachineTemplateOverrides,
  OpenStackMachineTemplateProps, OpenStackRootVolume, OpenStackVersion, OVirtCpu, OVirtMachineTemplateOverrides, OVirtMachineTemplateProps,
  OVirtNic, ProviderMachineTemplate, ShturvalMachineTemplateOverrides, ShturvalMachineTemplateProps, VSphereClusterProps, VSphereIpPoolRef,
  VSphereFailureDomainProps, VSphereFailureDomainTag, VSphereMachineTemplateOverrides, VSphereMachineTemplateProps, VSphereNetworkDevice, VSphereVersion,
} from './providers';

// Cluster components: CNI, cloud controller manager, CSI (docs/components.md)
export {
  CLUSTER_AUTOSCALER_CHART_VERSION, CLUSTER_AUTOSCALER_IMAGE_TAGS, CALICO_CHART_VERSION, CILIUM_CHART_VERSION, CINDER_CSI_CHART_VERSIONS, CNI_PLUGINS, OPENSTACK_CCM_CHART_VERSIONS,
  VSPHERE_CPI_CHART_VERSIONS,
} from './components';
export type { CloudControllerProps, CniPlugin, ComponentDriftDetectionProps, CsiProps, StorageClassProps } from './components';
export { DEFAULT_DRIFT_IGNORE, DRIFT_DETECTION_MODES } from './components/flux-release';
export type { DriftDetectionProps, DriftIgnoreRule, DriftIgnoreTarget, ResolvedDriftDetection } from './components/flux-release';
export type { ResolvedClusterAutoscaler } from './components/cluster-autoscaler';

// Fleets: a cluster as a spec, rendered without a construct tree
export { clusterFileName, renderFleet } from './fleet/render';
export type { ClusterSpec, RenderedCluster, RenderedFleet, RenderedPart, RenderFleetOptions } from './fleet/render';
export { FleetLockedError, FleetWriteError, writeFleet } from './fleet/write-fleet';
export type { FileSystemError } from './fleet/write-fleet';
export type { WriteFleetOptions, WrittenFleet } from './fleet/write-fleet';

// Add-ons
export {
  ADDON_CATALOG, ADDON_CATALOG_VERSION, ADDON_MODES, ADDON_NAMES, addonCleanupCommands, addonComponent, addonNames, addonPortSummary,
  addonApiServiceRules, addonSecurityGroupPorts, renderAddonApiDeployment, renderClusterAddon, renderFluxResourceMetrics,
} from './addons';
export type {
  AddonExposure, JupyterHubAuthentication, JupyterHubDummyAuthentication, JupyterHubHttps, JupyterHubNativeAuthentication,
  JupyterHubOidcAuthentication, RayAccess, RayAccessPodSelector, ResolvedRayAccess, SecretKeySelector,
} from './addons';
export type {
  AddonApiDeployment, AddonApiDeploymentProps, AddonCatalogEntry, AddonCleanupInput, AddonComponent, AddonMode, AddonModel, AddonMonitoringOptions, AddonName, AddonNames, AddonParameters,
  AddonPortSummaryEntry, AddonReleaseNames, CatalogChart, CatalogParameter, CatalogPort, ClusterAddonProps, FluxResourceMetricsProps,
  JupyterHubParameters, KubeRayParameters, ParameterKind, PolicyRule, PortAccess, Quantity, RayPodResources, RayWorkerParameters, SecurityGroupPort,
  ServiceType,
} from './addons';

// Create-time rules mirrored from Go (CIDR blocks as net.ParseCIDR)
export { parseGoCidr } from './rules/cidr';
export type { ParsedCidr } from './rules/cidr';

// Day 2: what the next apply rejects, rolls, deletes, scales and changes in place (docs/day-2.md)
export { kcpPathAllowed, parseManifestFile } from './plan';
// the plan functions with every argument checked (plan/public.ts); the plan's building blocks (groupRoll,
// replicaChange, upgradeOrder, ...) are internal: planFleet's result carries what they find
export {
  clusterUpdateRules, diffFields, formatPlan, infraMachineTemplateUpdateRules, kcpAllowListRule,
  kcpEtcdRule, kcpVersionRule, kubeadmConfigTemplateUpdateRules, kubeadmControlPlaneUpdateRules,
  machineDeploymentUpdateRules, machineDeploymentVersionSkewRule, machineHealthCheckUpdateRules, openStackClusterUpdateRules,
  planFleet, planJson, rejectedCreate, rejectedUpdate,
  celViolations, clusterResourceSetCreateRules, clusterResourceSetUpdateRules, toHub, vsphereFailureDomainUpdateRules,
} from './plan/public';
export type {
  AddonRemoval, AutoscalerChange, ClusterObjects, ClusterPlan, FieldChange, FleetPlan, GroupRemoval, InPlaceChange, ManifestSet, ObjectId,
  PlanOptions, RejectedChange, RejectionEffect, ReplicaChange, Roll, RollCause, RolloutPacing, UpdateRule, VersionChange, CelViolation,
} from './plan';
