/**
 * The plan functions as `capi-constructs/core` exports them: every argument is checked first (see
 * arguments.ts), so a wrong one is a ValidationError naming it, never a TypeError or RangeError from
 * inside. The library itself calls the functions of the other modules directly, on objects it has
 * already checked; the plan's building blocks (groupRoll, replicaChange, upgradeOrder, ...) are
 * internal and have no checked form here.
 */
import * as impl from '.';
import type { Manifest } from '../output/manifest';
import { checkPlanArguments, jsonProblem, listProblem, manifestProblem, pathProblem, planOptionsProblem, planProblem, readPlan } from './arguments';
import type { CelViolation, FieldChange, FleetPlan, PlanOptions, RejectedChange } from '.';

/** The two arguments of an update rule: each must be a manifest (a ValidationError naming the function and the argument). */
function checkUpdateArguments(subject: string, previous: Manifest, next: Manifest): void {
  checkPlanArguments(subject, [['previous', previous, manifestProblem(previous)], ['next', next, manifestProblem(next)]]);
}

/** The Cluster webhook's update rules: removed infrastructureRef, controlPlaneRef or topology. */
export function clusterUpdateRules(previous: Manifest, next: Manifest): RejectedChange[] {
  checkUpdateArguments('clusterUpdateRules', previous, next);
  return impl.clusterUpdateRules(previous, next);
}

/**
 * The leaf changes from `a` to `b`: objects are compared key by key, lists of equal length item by
 * item; anything else that differs is one change (a list that grows or shrinks is one change).
 */
export function diffFields(a: unknown, b: unknown, prefix: readonly (string | number)[] = []): FieldChange[] {
  checkPlanArguments('diffFields', [['a', a, jsonProblem(a)], ['b', b, jsonProblem(b)], ['prefix', prefix, prefix === undefined ? undefined : pathProblem(prefix)]]);
  return impl.diffFields(a, b, prefix);
}

/** The plan for people: one block per changed cluster, then the totals. Unchanged clusters get one line. */
export function formatPlan(plan: FleetPlan): string {
  checkPlanArguments('formatPlan', [['plan', plan, planProblem(plan)]]);
  return readPlan('formatPlan', () => impl.formatPlan(plan));
}

/** One rejection per changed field of an infrastructure machine template's `spec.template.spec`. */
export function infraMachineTemplateUpdateRules(previous: Manifest, next: Manifest): RejectedChange[] {
  checkUpdateArguments('infraMachineTemplateUpdateRules', previous, next);
  return impl.infraMachineTemplateUpdateRules(previous, next);
}

/** `ValidateUpdate`'s allow-list: one rejection per merge-patch path outside it. */
export function kcpAllowListRule(previous: Manifest, next: Manifest): RejectedChange[] {
  checkUpdateArguments('kcpAllowListRule', previous, next);
  return impl.kcpAllowListRule(previous, next);
}

/** `validateClusterConfiguration`: local <-> external etcd. */
export function kcpEtcdRule(previous: Manifest, next: Manifest): RejectedChange[] {
  checkUpdateArguments('kcpEtcdRule', previous, next);
  return impl.kcpEtcdRule(previous, next);
}

/** `validateVersion`: at most one minor up per update. */
export function kcpVersionRule(previous: Manifest, next: Manifest): RejectedChange[] {
  checkUpdateArguments('kcpVersionRule', previous, next);
  return impl.kcpVersionRule(previous, next);
}

/** One `ignored` entry per changed field of a KubeadmConfigTemplate's `spec.template.spec`. */
export function kubeadmConfigTemplateUpdateRules(previous: Manifest, next: Manifest): RejectedChange[] {
  checkUpdateArguments('kubeadmConfigTemplateUpdateRules', previous, next);
  return impl.kubeadmConfigTemplateUpdateRules(previous, next);
}

/** Every KubeadmControlPlane update rule. */
export function kubeadmControlPlaneUpdateRules(previous: Manifest, next: Manifest): RejectedChange[] {
  checkUpdateArguments('kubeadmControlPlaneUpdateRules', previous, next);
  return impl.kubeadmControlPlaneUpdateRules(previous, next);
}

/** The MachineDeployment webhook's update rule: `spec.clusterName` is immutable. */
export function machineDeploymentUpdateRules(previous: Manifest, next: Manifest): RejectedChange[] {
  checkUpdateArguments('machineDeploymentUpdateRules', previous, next);
  return impl.machineDeploymentUpdateRules(previous, next);
}

/**
 * The MachineSet preflight version-skew checks for a MachineDeployment against the control plane's
 * version after the apply. `previous` is the MachineDeployment before it (undefined when new): an
 * unchanged version is not reported, since machines of that version already run.
 */
export function machineDeploymentVersionSkewRule(previous: Manifest | undefined, next: Manifest, controlPlaneVersion: unknown): RejectedChange[] {
  checkPlanArguments('machineDeploymentVersionSkewRule', [['previous', previous, previous === undefined ? undefined : manifestProblem(previous)], ['next', next, manifestProblem(next)], ['controlPlaneVersion', controlPlaneVersion, jsonProblem(controlPlaneVersion)]]);
  return impl.machineDeploymentVersionSkewRule(previous, next, controlPlaneVersion);
}

/** The MachineHealthCheck webhook's update rule: `spec.clusterName` is immutable. */
export function machineHealthCheckUpdateRules(previous: Manifest, next: Manifest): RejectedChange[] {
  checkUpdateArguments('machineHealthCheckUpdateRules', previous, next);
  return impl.machineHealthCheckUpdateRules(previous, next);
}

/** The OpenStackCluster webhook's update rules: the spec is immutable outside its allow-list. */
export function openStackClusterUpdateRules(previous: Manifest, next: Manifest): RejectedChange[] {
  checkUpdateArguments('openStackClusterUpdateRules', previous, next);
  return impl.openStackClusterUpdateRules(previous, next);
}

/**
 * Plans applying `next` over `previous`: two manifest sets (lists of plain Kubernetes objects, e.g.
 * the documents of every file of two `dist/` directories). Objects are matched by API group, kind,
 * namespace and name, and grouped by the Cluster they belong to (the `cluster.x-k8s.io/cluster-name`
 * label or `spec.clusterName`). Throws a ValidationError listing every malformed or duplicate object.
 */
export function planFleet(previous: readonly unknown[], next: readonly unknown[], options: PlanOptions = {}): FleetPlan {
  checkPlanArguments('planFleet', [['previous', previous, listProblem(previous)], ['next', next, listProblem(next)], ['options', options, options === undefined ? undefined : planOptionsProblem(options)]]);
  return impl.planFleet(previous, next, options);
}

/** The plan as JSON text (the {@link FleetPlan} object, two-space indented). */
export function planJson(plan: FleetPlan): string {
  checkPlanArguments('planJson', [['plan', plan, planProblem(plan)]]);
  return readPlan('planJson', () => impl.planJson(plan));
}

/** The create rules: what the webhooks and the CRD's CEL rules refuse in a new object. */
export function rejectedCreate(next: Manifest): RejectedChange[] {
  checkPlanArguments('rejectedCreate', [['next', next, manifestProblem(next)]]);
  return impl.rejectedCreate(next);
}

/**
 * Every change from `previous` to `next` (two versions of one object) that the webhooks or the CRD's
 * CEL rules refuse, or that would not take effect. Both sides are converted to the version Cluster
 * API's webhooks see (v1beta2, {@link toHub}) first, so a move between API versions is compared
 * field by field, not as a rename; the CEL rules see `next` in its own version, with `previous` as
 * `oldSelf` when it is in (or converts to) the same version.
 */
export function rejectedUpdate(previous: Manifest, next: Manifest): RejectedChange[] {
  checkUpdateArguments('rejectedUpdate', previous, next);
  return impl.rejectedUpdate(previous, next);
}

/**
 * The CEL rules of `next`'s CRD that `next` breaks. `previous` is the stored object (undefined on
 * create), in the same API version as `next` (convert it first).
 */
export function celViolations(previous: Manifest | undefined, next: Manifest): CelViolation[] {
  checkPlanArguments('celViolations', [['previous', previous, previous === undefined ? undefined : manifestProblem(previous)], ['next', next, manifestProblem(next)]]);
  return impl.celViolations(previous, next);
}

/** Create: the selector must select something. */
export function clusterResourceSetCreateRules(next: Manifest): RejectedChange[] {
  checkPlanArguments('clusterResourceSetCreateRules', [['next', next, manifestProblem(next)]]);
  return impl.clusterResourceSetCreateRules(next);
}

/** Update: the selector and the strategy are fixed at creation. */
export function clusterResourceSetUpdateRules(previous: Manifest, next: Manifest): RejectedChange[] {
  checkUpdateArguments('clusterResourceSetUpdateRules', previous, next);
  return impl.clusterResourceSetUpdateRules(previous, next);
}

/** Update: a VSphereFailureDomain's spec is immutable (CAPV's webhook). */
export function vsphereFailureDomainUpdateRules(previous: Manifest, next: Manifest): RejectedChange[] {
  checkUpdateArguments('vsphereFailureDomainUpdateRules', previous, next);
  return impl.vsphereFailureDomainUpdateRules(previous, next);
}

/** The object as Cluster API's webhooks and controllers see it: a v1beta1 Cluster API object converted to v1beta2, anything else as is. */
export function toHub(m: Manifest): Manifest {
  checkPlanArguments('toHub', [['m', m, manifestProblem(m)]]);
  return impl.toHub(m);
}
