/**
 * A worker group: MachineDeployment `<cluster>-<group>`, its KubeadmConfigTemplate, its
 * infrastructure machine template and, optionally, a MachineHealthCheck (seed: "Конфигурация группы
 * Worker-узлов").
 *
 * - Scaling: manual (`{ replicas }`) or automatic (`{ min, max }`): the cluster-autoscaler reads the
 *   min/max annotations on the MachineDeployment and owns `spec.replicas`, which is then omitted
 *   (re-applying a fixed number would fight the autoscaler).
 * - Strategy: RollingUpdate (maxSurge/maxUnavailable as integers or percentages, not both 0) or
 *   OnDelete (new machines appear only when old ones are deleted).
 * - progressDeadlineSeconds (600) and revisionHistoryLimit (1) exist only in v1beta1 (deprecated there,
 *   removed in v1beta2): emitted for v1beta1, ignored with a warning for v1beta2.
 * - Failure domains: `failureDomains: [a, b, c]` emits one MachineDeployment `<cluster>-<group>-<domain>` per
 *   domain, all from the same templates; replicas (or min and max) are split as evenly as possible, the
 *   first domains taking one more when the count does not divide (7 over 3 domains: 3, 2, 2).
 * - Scaling from zero: autoscaled groups carry the cluster-autoscaler's capacity annotations, from the
 *   machine template's sizes or `scaling.capacity`; `min: 0` needs CPU and memory known.
 * - kubernetesVersion: a group may lag the control plane by up to three minors (the kubelet skew
 *   Kubernetes supports), never run ahead of it.
 * - Roles become `node-role.kubernetes.io/<role>: ""` labels on the machine template metadata, which
 *   Cluster API syncs to the Nodes. Never via kubelet `--node-labels`: NodeRestriction forbids the
 *   `node-role.kubernetes.io` prefix there.
 */
import * as semver from 'semver';
import {
  ANNOTATION_AUTOSCALER_CAPACITY_PREFIX, ANNOTATION_AUTOSCALER_MAX, ANNOTATION_AUTOSCALER_MIN, ANNOTATION_UPGRADE_STAGE, BOOTSTRAP_GROUP, CapiVersion, CLUSTER_GROUP, LABEL_CLUSTER_NAME,
  LABEL_DEPLOYMENT_NAME, NODE_ROLE_PREFIX, ObjectRef, renderRef,
} from '../output/api-versions';
import { checkClusterRef, checkKubernetesVersion, ClusterRef } from '../cluster/cluster';
import { checkEmittedObjects } from '../rules/credentials';
import { peek, Problems, show, Warning } from '../rules/errors';
import { checkPropKeys, propKeys } from '../rules/strict-props';
import { HealthCheck, renderHealthCheck } from './health-check';
import { renderKubeadmConfigSpec, ResolvedKubeadm, resolveKubeadm, WorkerKubeadmProps } from '../kubeadm/config';
import { MachineDeletionProps, renderDeletion, resolveDeletion } from './machine-deletion';
import { isSyncedToNode } from './node-metadata';
import {
  checkTemplateGeneration, imageKubernetesVersion, isMachineTemplate, MachineCapacity, MachineTemplate, renderMachineTemplate,
} from './machine-template';
import { compact, Manifest, Rendered } from '../output/manifest';
import { templateName, workerGroupName, workerHealthCheckName } from '../output/naming';
import { Taint } from '../kubeadm/taints';
import { clusterAutoscalerProblem } from '../components/cluster-autoscaler';
import { checkArguments } from '../rules/arguments';
import {
  checkDns1123Label, checkEnum, checkGeneratedName, checkInt, checkIntOrPercent, checkLabels, checkObject, checkProps, intOrPercentValue,
  IntOrPercent, isLabelKey, isPlainRecord, ParsedIntOrPercent,
} from '../rules/validation';

/** Manual scaling: a fixed number of machines. */
export interface ManualScaling {
  readonly replicas: number;
}

/**
 * What one node of an autoscaled group offers, for the cluster-autoscaler to grow the group from zero
 * (the `capacity.cluster-autoscaler.kubernetes.io/*` annotations of its Cluster API provider).
 */
export interface AutoscalerCapacity {
  /** CPUs of one node. @default the machine template's (vSphere numCPUs, oVirt cpu, Basis cpu); unknown for OpenStack flavors */
  readonly cpu?: number;
  /** Memory of one node in MiB. @default the machine template's (vSphere memoryMiB, oVirt sizemb, Basis memory) */
  readonly memoryMiB?: number;
  /** Ephemeral storage of one node in GiB. @default the machine template's disk, where it sets one */
  readonly ephemeralDiskGiB?: number;
  /** Pods per node. @default none (the autoscaler assumes 110) */
  readonly maxPods?: number;
  /** GPU resource name, e.g. `nvidia.com/gpu` (with gpuCount). @default none */
  readonly gpuType?: string;
  /** GPUs per node (with gpuType). @default none */
  readonly gpuCount?: number;
}

/** Automatic scaling by the cluster-autoscaler between min and max machines. */
export interface AutoScaling {
  /** Fewest machines (over all failure domains). 0 needs the node's CPU and memory known (see capacity). */
  readonly min: number;
  /** Most machines (over all failure domains). */
  readonly max: number;
  /**
   * Sizes of one node for scaling from zero; each field overrides what the machine template tells.
   * Node labels (roles and synced machine labels) and kubeadm taints are added from the group.
   * @default what the machine template tells (nothing for OpenStack flavors)
   */
  readonly capacity?: AutoscalerCapacity;
  /**
   * Setting replicas while autoscaling is legal but fights the autoscaler on every apply.
   * @default omitted: Cluster API starts new groups at min
   */
  readonly replicas?: number;
}

/** A worker group's size: fixed replicas, or cluster-autoscaler min/max bounds. */
export type WorkerScaling = ManualScaling | AutoScaling;

/** A MachineDeployment rolling update: how many machines may be added or missing at a time. */
export interface RollingUpdateStrategy {
  readonly type: 'RollingUpdate';
  /** Extra machines during a rollout (rounded up for percentages). @default 1 */
  readonly maxSurge?: IntOrPercent;
  /** Machines that may be unavailable during a rollout (rounded down). @default 0 */
  readonly maxUnavailable?: IntOrPercent;
}

/** A MachineDeployment strategy that replaces machines only when they are deleted. */
export interface OnDeleteStrategy {
  readonly type: 'OnDelete';
}

/** How a worker group replaces machines: RollingUpdate or OnDelete. */
export type WorkerStrategy = RollingUpdateStrategy | OnDeleteStrategy;

/** Props of a worker group (a MachineDeployment, its KubeadmConfigTemplate, machine template and health check). */
export interface WorkerGroupProps extends MachineDeletionProps {
  /** The cluster this group belongs to. */
  readonly cluster: ClusterRef;
  /** Group name (DNS-1123 label); the MachineDeployment is `<cluster>-<name>`, at most 63 characters. */
  readonly name: string;
  /** Infrastructure machine template (any provider). */
  readonly machineTemplate: MachineTemplate;
  /** @default { replicas: 1 } */
  readonly scaling?: WorkerScaling;
  /** @default { type: 'RollingUpdate', maxSurge: 1, maxUnavailable: 0 } */
  readonly strategy?: WorkerStrategy;
  /** Which machines go first when the group shrinks. @default 'Random' */
  readonly deletionOrder?: 'Random' | 'Newest' | 'Oldest';
  /** Seconds a new node must be Ready before its machine counts as available. @default 0 */
  readonly minReadySeconds?: number;
  /** v1beta1 only (removed in v1beta2): seconds before a rollout is reported failed. @default 600 */
  readonly progressDeadlineSeconds?: number;
  /** v1beta1 only (removed in v1beta2): old MachineSets kept for rollback. @default 1 */
  readonly revisionHistoryLimit?: number;
  /** Node roles: each becomes the label `node-role.kubernetes.io/<role>: ""`. @default none */
  readonly roles?: readonly string[];
  /** Extra labels on the group's Machines (synced to Nodes only for Cluster API's node label domains). @default none */
  readonly machineLabels?: Record<string, string>;
  /** MachineHealthCheck preset, usually `HealthCheck.workers()`. @default none */
  readonly healthCheck?: HealthCheck;
  /**
   * Failure domain (e.g. an OpenStack availability zone) the group's machines are placed in
   * (`spec.template.spec.failureDomain`). @default none: the provider chooses
   */
  readonly failureDomain?: string;
  /**
   * Spread the group over these failure domains: one MachineDeployment `<cluster>-<group>-<domain>` per
   * domain (each a DNS-1123 label), replicas or min/max split as evenly as possible, the first domains
   * taking the remainder (7 over 3 domains: 3, 2, 2). Exclusive with `failureDomain`.
   * @default none: one MachineDeployment `<cluster>-<group>`
   */
  readonly failureDomains?: readonly string[];
  /**
   * Kubernetes version of the group's nodes: at most three minors older than the cluster's (the
   * kubelet skew Kubernetes supports) and never newer. Where the machine template's image name shows
   * a version (image-builder's `...-kube-v1.33.1`), it must be this one.
   * @default the cluster's kubernetesVersion
   */
  readonly kubernetesVersion?: string;
  /**
   * The stage of the group in a fleet upgrade: `capi-constructs plan` orders version changes control
   * plane first, then stage 1, 2, ... and reports a group upgraded before the control plane or an earlier
   * stage reports the new version (annotation `capi-constructs.io/upgrade-stage`). @default 1
   */
  readonly upgradeStage?: number;
  /**
   * kubeadm settings: kubelet arguments, taints, files, commands, users, NTP. The provider
   * bootstrap of the cluster's infrastructure and its nodeFailureDetection are added.
   * @default only what the library manages
   */
  readonly kubeadm?: WorkerKubeadmProps;
}

/** The known keys of {@link WorkerGroupProps} and its nested objects (strict props). */
export const WORKER_GROUP_PROPS = propKeys<WorkerGroupProps>()('WorkerGroupProps', {
  cluster: true, name: true, machineTemplate: true, scaling: true, strategy: true, deletionOrder: true, minReadySeconds: true,
  progressDeadlineSeconds: true, revisionHistoryLimit: true, roles: true, machineLabels: true, healthCheck: true,
  nodeDrainTimeout: true, nodeVolumeDetachTimeout: true, nodeDeletionTimeout: true, failureDomain: true, kubeadm: true,
  failureDomains: true, kubernetesVersion: true, upgradeStage: true,
});
const SCALING_PROPS = propKeys<ManualScaling & AutoScaling>()('WorkerScaling', { replicas: true, min: true, max: true, capacity: true });
const CAPACITY_PROPS = propKeys<AutoscalerCapacity>()('AutoscalerCapacity', {
  cpu: true, memoryMiB: true, ephemeralDiskGiB: true, maxPods: true, gpuType: true, gpuCount: true,
});

/** How many minors a kubelet may be older than the API server (Kubernetes version skew policy, since 1.28). */
export const KUBELET_MAX_MINOR_SKEW = 3;
const STRATEGY_PROPS = propKeys<RollingUpdateStrategy>()('WorkerStrategy', { type: true, maxSurge: true, maxUnavailable: true });


const RESERVED_ROLES = ['control-plane', 'master'];

export const V1BETA1_DEFAULT_PROGRESS_DEADLINE_SECONDS = 600;
export const V1BETA1_DEFAULT_REVISION_HISTORY_LIMIT = 1;

interface ResolvedScaling { replicas?: number; min?: number; max?: number; minSize: number; capacity?: AutoscalerCapacity }

function resolveScaling(p: Problems, s: unknown): ResolvedScaling | undefined {
  if (s === undefined) return { replicas: 1, minSize: 1 };
  if (!checkObject(p, 'scaling', s)) return undefined;
  if (!checkPropKeys(p, 'scaling', s, SCALING_PROPS)) return undefined;
  const v = s as Partial<ManualScaling & AutoScaling>;
  const auto = v.min !== undefined || v.max !== undefined;
  if (!auto) {
    if (v.replicas === undefined) {
      p.error('scaling', 'must be { replicas } for manual scaling or { min, max } for autoscaling');
      return undefined;
    }
    const replicas = checkInt(p, 'scaling.replicas', v.replicas, 0);
    return replicas === undefined ? undefined : { replicas, minSize: replicas };
  }
  if (v.min === undefined) p.error('scaling.min', 'is required with scaling.max: the cluster-autoscaler manages a group only when both annotations are set');
  if (v.max === undefined) p.error('scaling.max', 'is required with scaling.min: the cluster-autoscaler manages a group only when both annotations are set');
  const min = v.min === undefined ? undefined : checkInt(p, 'scaling.min', v.min, 0);
  const max = v.max === undefined ? undefined : checkInt(p, 'scaling.max', v.max, 1);
  if (min === undefined || max === undefined) return undefined;
  if (max < min) {
    p.error('scaling.max', `${max} is less than scaling.min (${min}); the cluster-autoscaler ignores such a group`);
    return undefined;
  }
  let replicas: number | undefined;
  if (v.replicas !== undefined) {
    replicas = checkInt(p, 'scaling.replicas', v.replicas, 0);
    if (replicas === undefined) return undefined;
    if (replicas < min || replicas > max) {
      p.error('scaling.replicas', `${replicas} is outside [${min}, ${max}]: the cluster-autoscaler does not scale a group outside its bounds`);
      return undefined;
    }
    p.warn('scaling.replicas', `replicas (${replicas}) is set while autoscaling: every apply resets the size the autoscaler chose; omit it to let Cluster API start at min`);
  }
  const capacity = v.capacity === undefined ? undefined : checkCapacity(p, 'scaling.capacity', v.capacity);
  return { replicas, min, max, minSize: min, capacity };
}

function checkCapacity(p: Problems, path: string, value: unknown): AutoscalerCapacity | undefined {
  if (!checkObject(p, path, value) || !checkPropKeys(p, path, value, CAPACITY_PROPS)) return undefined;
  const v = value as AutoscalerCapacity;
  const before = p.errors.length;
  for (const k of ['cpu', 'memoryMiB', 'ephemeralDiskGiB', 'maxPods', 'gpuCount'] as const) {
    if (v[k] !== undefined) checkInt(p, `${path}.${k}`, v[k], 1);
  }
  if (v.gpuType !== undefined && (typeof v.gpuType !== 'string' || !isLabelKey(v.gpuType))) {
    p.error(`${path}.gpuType`, `${show(v.gpuType)} is not an extended resource name such as "nvidia.com/gpu"`);
  }
  if ((v.gpuType === undefined) !== (v.gpuCount === undefined)) {
    p.error(v.gpuType === undefined ? `${path}.gpuType` : `${path}.gpuCount`, `gpuType and gpuCount go together: the autoscaler needs both the resource name and how many a node has (got gpuType ${show(v.gpuType)}, gpuCount ${show(v.gpuCount)})`);
  }
  return p.errors.length > before ? undefined : { ...v };
}

/** The capacity the autoscaler is told: the template's sizes, overridden by `scaling.capacity`. */
function effectiveCapacity(template: MachineCapacity | undefined, props: AutoscalerCapacity | undefined): AutoscalerCapacity {
  return {
    cpu: props?.cpu ?? template?.cpu,
    memoryMiB: props?.memoryMiB ?? template?.memoryMiB,
    ephemeralDiskGiB: props?.ephemeralDiskGiB ?? template?.diskGiB,
    maxPods: props?.maxPods,
    gpuType: props?.gpuType,
    gpuCount: props?.gpuCount,
  };
}

/** The capacity annotations of an autoscaled group's MachineDeployments. */
function capacityAnnotations(c: AutoscalerCapacity, nodeLabels: Record<string, string>, taints: readonly Taint[] | undefined): Record<string, string> {
  const a: Record<string, string> = {};
  const at = (k: string, v: string | undefined) => { if (v !== undefined) a[`${ANNOTATION_AUTOSCALER_CAPACITY_PREFIX}${k}`] = v; };
  at('cpu', c.cpu === undefined ? undefined : String(c.cpu));
  at('memory', c.memoryMiB === undefined ? undefined : `${c.memoryMiB}Mi`);
  at('ephemeral-disk', c.ephemeralDiskGiB === undefined ? undefined : `${c.ephemeralDiskGiB}Gi`);
  at('maxPods', c.maxPods === undefined ? undefined : String(c.maxPods));
  at('gpu-type', c.gpuType);
  at('gpu-count', c.gpuCount === undefined ? undefined : String(c.gpuCount));
  const labels = Object.keys(nodeLabels).sort().map((k) => `${k}=${nodeLabels[k]}`);
  if (labels.length > 0) at('labels', labels.join(','));
  if (taints && taints.length > 0) at('taints', taints.map((t) => `${t.key}=${t.value ?? ''}:${t.effect}`).join(','));
  return a;
}

/** Splits n over k parts as evenly as possible, the first parts taking the remainder (7 over 3: 3, 2, 2). */
export function splitEvenly(n: number, k: number): number[] {
  const count = (v: unknown) => Number.isSafeInteger(v);
  const parts = (v: unknown) => Number.isSafeInteger(v) && (v as number) >= 0 && (v as number) <= 100_000;
  if (!count(n) || !parts(k)) checkArguments('splitEvenly', [['n', n, count(n), 'an integer'], ['k', k, parts(k), 'a number of parts from 0 to 100000']]);
  return Array.from({ length: k }, (_, i) => Math.floor(n / k) + (i < n % k ? 1 : 0));
}

/**
 * A group's Kubernetes version against the control plane's: same major, not newer, at most
 * {@link KUBELET_MAX_MINOR_SKEW} minors older.
 */
export function checkWorkerVersionSkew(p: Problems, path: string, version: string, controlPlane: string): boolean {
  const w = semver.parse(version.slice(1))!;
  const c = semver.parse(controlPlane.slice(1))!;
  const rule = `a kubelet may be up to ${KUBELET_MAX_MINOR_SKEW} minors older than the API server and never newer (Kubernetes version skew policy)`;
  if (semver.gt(w, c)) {
    p.error(path, `${version} is newer than the control plane's ${controlPlane}: ${rule}; upgrade the Cluster's kubernetesVersion first`);
    return false;
  }
  if (w.major !== c.major || c.minor - w.minor > KUBELET_MAX_MINOR_SKEW) {
    p.error(path, `${version} is more than ${KUBELET_MAX_MINOR_SKEW} minors older than the control plane's ${controlPlane}: ${rule}; upgrade the group before the control plane moves further`);
    return false;
  }
  if (w.minor !== c.minor) {
    p.warn(path, `${version} is ${c.minor - w.minor} minor(s) behind the control plane's ${controlPlane}: running nodes keep working, but Cluster API's KubeadmVersionSkew preflight creates no new machine (scale-up, remediation, rollout) for a kubeadm group until it reaches the control plane's minor; upgrade it in the next stage`);
  }
  return true;
}

function checkFailureDomains(p: Problems, path: string, value: unknown): string[] | undefined {
  if (!Array.isArray(value) || value.length === 0) {
    p.error(path, `must be a non-empty list of failure domain names, got ${show(value)}`);
    return undefined;
  }
  const before = p.errors.length;
  const seen = new Set<string>();
  value.forEach((d: unknown, i) => {
    if (checkDns1123Label(p, `${path}[${i}]`, d) === undefined) return;
    if (seen.has(d as string)) p.error(`${path}[${i}]`, `${show(d)} is listed twice: each failure domain gets one MachineDeployment`);
    seen.add(d as string);
  });
  return p.errors.length > before ? undefined : value as string[];
}

interface ResolvedStrategy { type: 'RollingUpdate' | 'OnDelete'; maxSurge?: ParsedIntOrPercent; maxUnavailable?: ParsedIntOrPercent }

function resolveStrategy(p: Problems, s: unknown): ResolvedStrategy | undefined {
  const def: ResolvedStrategy = { type: 'RollingUpdate', maxSurge: { kind: 'int', value: 1 }, maxUnavailable: { kind: 'int', value: 0 } };
  if (s === undefined) return def;
  if (!checkObject(p, 'strategy', s)) return undefined;
  if (!checkPropKeys(p, 'strategy', s, STRATEGY_PROPS)) return undefined;
  const v = s as Partial<RollingUpdateStrategy> & { type?: string };
  const type = checkEnum(p, 'strategy.type', v.type, ['RollingUpdate', 'OnDelete'] as const);
  if (!type) return undefined;
  if (type === 'OnDelete') {
    for (const k of ['maxSurge', 'maxUnavailable'] as const) {
      if (v[k] !== undefined) p.error(`strategy.${k}`, `applies only to RollingUpdate, not OnDelete (got ${show(v[k])})`);
    }
    return { type };
  }
  const maxSurge = v.maxSurge === undefined ? def.maxSurge : checkIntOrPercent(p, 'strategy.maxSurge', v.maxSurge);
  const maxUnavailable = v.maxUnavailable === undefined ? def.maxUnavailable : checkIntOrPercent(p, 'strategy.maxUnavailable', v.maxUnavailable);
  if (!maxSurge || !maxUnavailable) return undefined;
  if (maxSurge.value === 0 && maxUnavailable.value === 0) {
    p.error('strategy', `maxSurge (${show(intOrPercentValue(maxSurge))}) and maxUnavailable (${show(intOrPercentValue(maxUnavailable))}) cannot both be 0: the rollout could never replace a machine`);
    return undefined;
  }
  return { type, maxSurge, maxUnavailable };
}

function resolveRoles(p: Problems, roles: unknown): string[] | undefined {
  if (roles === undefined) return [];
  if (!Array.isArray(roles)) {
    p.error('roles', `must be a list of role names, got ${show(roles)}`);
    return undefined;
  }
  const out: string[] = [];
  const seen = new Set<string>();
  roles.forEach((r, i) => {
    if (typeof r !== 'string' || !isLabelKey(`${NODE_ROLE_PREFIX}${r}`) || r.includes('/')) {
      p.error(`roles[${i}]`, `${show(r)} is not a valid role: it becomes the label name after "${NODE_ROLE_PREFIX}" (at most 63 letters, digits, '-', '_' or '.')`);
    } else if (RESERVED_ROLES.includes(r)) {
      p.error(`roles[${i}]`, `${show(r)} marks control-plane nodes; a worker group must not carry it (use ControlPlaneGroup)`);
    } else if (seen.has(r)) {
      p.error(`roles[${i}]`, `${show(r)} is listed twice`);
    } else {
      seen.add(r);
      out.push(r);
    }
  });
  return out;
}

export function renderWorkerGroup(props: WorkerGroupProps): Rendered {
  return renderWorkerGroupFor(props, peek(props, 'cluster'));
}

/**
 * {@link renderWorkerGroup} with the cluster given apart from the props, as the fleet render has it: saves a copy
 * of the props object per group. `props.cluster`, if present, is ignored.
 */
export function renderWorkerGroupFor(props: Omit<WorkerGroupProps, 'cluster'>, clusterProp: unknown): Rendered {
  const p = new Problems('WorkerGroup');
  if (!checkProps(p, props)) p.throwIfErrors();
  checkPropKeys(p, '', props, WORKER_GROUP_PROPS);
  const cluster = checkClusterRef(p, 'cluster', clusterProp);
  const group = checkDns1123Label(p, 'name', props.name);
  const name = cluster && group ? workerGroupName(cluster.name, group) : undefined;
  p.subject = `WorkerGroup ${show(name ?? props.name)}`;
  if (name) checkGeneratedName(p, 'name', 'MachineDeployment', name, 'the cluster or group name');

  const scaling = resolveScaling(p, props.scaling);
  if (scaling?.min !== undefined && cluster?.clusterAutoscaler) {
    const problem = clusterAutoscalerProblem(cluster.name, cluster.kubernetesVersion);
    if (problem) p.warn('scaling', `{ min, max } needs a cluster-autoscaler, but ${problem}`);
  }
  const strategy = resolveStrategy(p, props.strategy);
  const deletionOrder = props.deletionOrder === undefined ? undefined : checkEnum(p, 'deletionOrder', props.deletionOrder, ['Random', 'Newest', 'Oldest'] as const);
  const minReadySeconds = props.minReadySeconds === undefined ? undefined : checkInt(p, 'minReadySeconds', props.minReadySeconds, 0);
  const capi = cluster?.apiVersion;
  let progressDeadlineSeconds: number | undefined;
  let revisionHistoryLimit: number | undefined;
  if (capi === 'v1beta2') {
    if (props.progressDeadlineSeconds !== undefined) warnRemovedInV1beta2(p, 'progressDeadlineSeconds', props.progressDeadlineSeconds);
    if (props.revisionHistoryLimit !== undefined) warnRemovedInV1beta2(p, 'revisionHistoryLimit', props.revisionHistoryLimit);
  } else {
    progressDeadlineSeconds = props.progressDeadlineSeconds === undefined ? V1BETA1_DEFAULT_PROGRESS_DEADLINE_SECONDS : checkInt(p, 'progressDeadlineSeconds', props.progressDeadlineSeconds, 1);
    revisionHistoryLimit = props.revisionHistoryLimit === undefined ? V1BETA1_DEFAULT_REVISION_HISTORY_LIMIT : checkInt(p, 'revisionHistoryLimit', props.revisionHistoryLimit, 0);
  }
  const roles = resolveRoles(p, props.roles);
  const machineLabels = checkLabels(p, 'machineLabels', props.machineLabels, 'labels');
  for (const k of Object.keys(machineLabels ?? {})) {
    if (!isSyncedToNode(k)) p.warn(`machineLabels.${k}`, `stays on the Machine: Cluster API syncs to Nodes only labels under node-role.kubernetes.io/, node-restriction.kubernetes.io/ and node.cluster.x-k8s.io/ (or those the manager's --additional-sync-machine-labels flag selects)`);
  }
  const deletion = resolveDeletion(p, props);
  const template = props.machineTemplate;
  if (!isMachineTemplate(template)) {
    p.error('machineTemplate', `must be a machine template (VSphereMachineTemplate, OpenStackMachineTemplate, ...), got ${show(template)}`);
  } else {
    template.validateFor?.('worker', p, 'machineTemplate');
    if (cluster) checkTemplateGeneration(template, cluster.apiVersion, p, 'machineTemplate');
  }
  const failureDomain = props.failureDomain === undefined ? undefined : checkFailureDomain(p, 'failureDomain', props.failureDomain);
  const domains = props.failureDomains === undefined ? undefined : checkFailureDomains(p, 'failureDomains', props.failureDomains);
  if (props.failureDomain !== undefined && props.failureDomains !== undefined) {
    p.error('failureDomains', `${show(props.failureDomains)} and failureDomain ${show(props.failureDomain)} both place the group: use failureDomains alone (one MachineDeployment per domain) or failureDomain alone`);
  }
  const known = cluster?.failureDomains;
  if (known) {
    const check = (path: string, d: string | undefined): void => {
      if (d !== undefined && !known.includes(d)) {
        p.error(path, `${show(d)} is not a failure domain of cluster ${show(cluster!.name)} (${known.map((k) => show(k)).join(', ')}): a Machine in a domain its infrastructure does not report never becomes ready`);
      }
    };
    check('failureDomain', failureDomain);
    domains?.forEach((d, i) => check(`failureDomains[${i}]`, d));
  }
  const mdNames = name === undefined ? undefined : (domains ?? [undefined]).map((d) => (d === undefined ? name : `${name}-${d}`));
  if (domains && mdNames) mdNames.forEach((n) => checkGeneratedName(p, 'failureDomains', 'MachineDeployment', n, 'the cluster, group or failure domain name'));
  const parts = domains?.length ?? 1;
  if (scaling && parts > 1) {
    const total = scaling.max ?? scaling.replicas ?? 0;
    if (scaling.max !== undefined && scaling.max < parts) {
      p.error('scaling.max', `${scaling.max} is less than the ${parts} failure domains: each domain's MachineDeployment needs a max of at least 1`);
    } else if (scaling.max === undefined && total > 0 && total < parts) {
      p.warn('scaling.replicas', `${total} over ${parts} failure domains leaves ${parts - total} of them without machines`);
    }
  }
  const upgradeStage = props.upgradeStage === undefined ? undefined : checkInt(p, 'upgradeStage', props.upgradeStage, 1, 100);
  let version = cluster?.kubernetesVersion;
  if (props.kubernetesVersion !== undefined) {
    const v = checkKubernetesVersion(p, 'kubernetesVersion', props.kubernetesVersion);
    version = v && cluster && checkWorkerVersionSkew(p, 'kubernetesVersion', v, cluster.kubernetesVersion) ? v : undefined;
  }
  if (version && isMachineTemplate(template) && typeof template.imageName === 'string') {
    const shown = imageKubernetesVersion(template.imageName);
    if (shown !== undefined && shown !== version) {
      p.error('machineTemplate', `image ${show(template.imageName)} carries Kubernetes ${shown}, but the group runs ${version}${props.kubernetesVersion === undefined ? ' (the cluster\'s kubernetesVersion)' : ''}: a node's image must carry the kubelet of its group's version`);
    }
  }
  const kubeadm = cluster && resolveKubeadm(p, 'kubeadm', props.kubeadm, 'worker', cluster.bootstrap, cluster.nodeFailureDetection);
  let capacity: AutoscalerCapacity | undefined;
  const capacityGiven = isPlainRecord(props.scaling) && props.scaling.capacity !== undefined;
  if (scaling?.min !== undefined && isMachineTemplate(template) && (!capacityGiven || scaling.capacity !== undefined)) {
    capacity = effectiveCapacity(template.capacity, scaling.capacity);
    const zero = splitEvenly(scaling.min, parts).includes(0);
    if (zero && (capacity.cpu === undefined || capacity.memoryMiB === undefined)) {
      const missing = [capacity.cpu === undefined ? 'cpu' : undefined, capacity.memoryMiB === undefined ? 'memoryMiB' : undefined].filter(Boolean).join(' and ');
      p.error('scaling.min', `${scaling.min}${parts > 1 ? ` over ${parts} failure domains leaves a MachineDeployment at 0, which` : ''} needs the node's CPU and memory for the cluster-autoscaler to grow the group from zero, but ${missing} ${missing.includes(' and ') ? 'are' : 'is'} unknown: the ${template.kind} does not set ${missing.includes(' and ') ? 'them' : 'it'} (OpenStack flavors are sized by the cloud); give scaling.capacity { cpu, memoryMiB } or a min of at least 1`);
    }
  } else if (scaling?.min === undefined && scaling && capacityGiven) {
    p.error('scaling.capacity', 'applies only to autoscaling ({ min, max }): a group of fixed size never scales from zero');
  }
  const healthChecks: Manifest[] = [];
  // Checked even when other fields are invalid, so that all problems are reported together
  // (minSize 0 skips the rounding warning while the group size is unknown).
  if (props.healthCheck !== undefined && cluster) {
    const minSizes = scaling ? splitEvenly(scaling.minSize, parts) : Array.from({ length: parts }, () => 0);
    (domains ?? [undefined]).forEach((d, i) => {
      const mhc = renderHealthCheck(p, 'healthCheck', props.healthCheck, {
        capi: cluster.apiVersion,
        clusterName: cluster.name,
        namespace: cluster.namespace,
        name: workerHealthCheckName(cluster.name, d === undefined ? group ?? 'invalid' : `${group ?? 'invalid'}-${d}`),
        selector: { [LABEL_DEPLOYMENT_NAME]: mdNames?.[i] ?? 'invalid' },
        role: 'workers',
        minSize: minSizes[i],
      });
      if (mhc) healthChecks.push(mhc);
    });
  }
  p.throwIfErrors();

  const c = cluster!;
  const t = template as MachineTemplate;
  const labels = { [LABEL_CLUSTER_NAME]: c.name };
  const infra = renderMachineTemplate(t, name!, c.namespace, labels);
  const kct = renderKubeadmConfigTemplate(c, name!, kubeadm!);
  const s = scaling!;
  const replicas = s.replicas === undefined ? undefined : splitEvenly(s.replicas, parts);
  const mins = s.min === undefined ? undefined : splitEvenly(s.min, parts);
  const maxs = s.max === undefined ? undefined : splitEvenly(s.max, parts);
  const mds = mdNames!.map((mdName, i) => {
    const selector = { [LABEL_CLUSTER_NAME]: c.name, [LABEL_DEPLOYMENT_NAME]: mdName };
    const nodeLabels = machineTemplateLabels(machineLabels, roles!, {});
    const machineMeta = { labels: machineTemplateLabels(machineLabels, roles!, selector) };
    const syncedLabels = Object.fromEntries(Object.entries(nodeLabels).filter(([k]) => isSyncedToNode(k)));
    return renderMachineDeployment({
      c, name: mdName, version: version!,
      scaling: { replicas: replicas?.[i], min: mins?.[i], max: maxs?.[i], minSize: 0 },
      capacity: capacity && capacityAnnotations(capacity, syncedLabels, kubeadm!.taints), upgradeStage,
      strategy: strategy!, deletionOrder, minReadySeconds, progressDeadlineSeconds, revisionHistoryLimit,
      selector, machineMeta, deletion: renderDeletion(deletion, c.apiVersion), infraRef: infra.ref, bootstrapRef: kct.ref,
      failureDomain: domains ? domains[i] : failureDomain,
    });
  });
  const manifests = [infra.manifest, kct.manifest, ...mds, ...healthChecks];
  checkEmittedObjects(p, manifests);
  p.throwIfErrors();
  const warnings: Warning[] = [...t.warnings.map((w) => ({ path: `machineTemplate.${w.path}`, message: w.message })), ...p.warnings];
  return { manifests, warnings };
}

/** A failure domain name: what the provider reports in `Cluster.status.failureDomains` (1..256 characters, the CRD's limit). */
function checkFailureDomain(p: Problems, path: string, value: unknown): string | undefined {
  if (typeof value !== 'string' || value === '' || value.length > 256 || /\s/.test(value)) {
    p.error(path, `${show(value)} is not a failure domain name: a non-empty string of at most 256 characters without whitespace, as the provider reports it in Cluster.status.failureDomains`);
    return undefined;
  }
  return value;
}

function warnRemovedInV1beta2(p: Problems, field: 'progressDeadlineSeconds' | 'revisionHistoryLimit', value: unknown): void {
  p.warn(field, `${show(value)} is ignored: Cluster API removed ${field} from MachineDeployment in v1beta2 (it is emitted only for apiVersion v1beta1)`);
}

/** Labels of the group's Machines: the user's, then one `node-role.kubernetes.io/<role>` per role, then the selector (which wins). */
function machineTemplateLabels(machineLabels: Record<string, string> | undefined, roles: readonly string[], selector: Record<string, string>): Record<string, string> {
  const labels: Record<string, string> = { ...machineLabels };
  for (const r of roles) labels[`${NODE_ROLE_PREFIX}${r}`] = '';
  for (const k in selector) labels[k] = selector[k];
  return labels;
}

/** The workers' KubeadmConfigTemplate, named `<md>-<hash of its spec>` (a changed spec rolls the group). */
function renderKubeadmConfigTemplate(c: ClusterRef, base: string, kubeadm: ResolvedKubeadm): { manifest: Manifest; ref: ObjectRef } {
  const template = { spec: renderKubeadmConfigSpec(kubeadm, c.apiVersion) };
  const apiVersion = `${BOOTSTRAP_GROUP}/${c.apiVersion}`;
  const name = templateName(base, { apiVersion, kind: 'KubeadmConfigTemplate', template });
  return {
    manifest: { apiVersion, kind: 'KubeadmConfigTemplate', metadata: { name, namespace: c.namespace, labels: { [LABEL_CLUSTER_NAME]: c.name } }, spec: { template } },
    ref: { apiGroup: BOOTSTRAP_GROUP, version: c.apiVersion, kind: 'KubeadmConfigTemplate', name },
  };
}

interface MdInput {
  c: ClusterRef; name: string; scaling: ResolvedScaling; strategy: ResolvedStrategy;
  deletionOrder?: string; minReadySeconds?: number; progressDeadlineSeconds?: number; revisionHistoryLimit?: number;
  selector: Record<string, string>; machineMeta: { labels: Record<string, string> }; deletion: Record<string, unknown>;
  infraRef: ObjectRef; bootstrapRef: ObjectRef; failureDomain?: string; version: string; capacity?: Record<string, string>; upgradeStage?: number;
}

function renderMachineDeployment(i: MdInput): Manifest {
  const capi: CapiVersion = i.c.apiVersion;
  const v2 = capi === 'v1beta2';
  const { c, scaling, strategy } = i;
  const stage = i.upgradeStage === undefined ? undefined : { [ANNOTATION_UPGRADE_STAGE]: String(i.upgradeStage) };
  const annotations = scaling.min !== undefined
    ? { [ANNOTATION_AUTOSCALER_MIN]: String(scaling.min), [ANNOTATION_AUTOSCALER_MAX]: String(scaling.max), ...i.capacity, ...stage }
    : stage;
  const rollingUpdate = strategy.type === 'RollingUpdate'
    ? { maxSurge: intOrPercentValue(strategy.maxSurge!), maxUnavailable: intOrPercentValue(strategy.maxUnavailable!) }
    : undefined;
  const machineSpec = {
    clusterName: c.name,
    version: i.version,
    bootstrap: { configRef: renderRef(i.bootstrapRef, capi, c.namespace) },
    infrastructureRef: renderRef(i.infraRef, capi, c.namespace),
    failureDomain: i.failureDomain,
    minReadySeconds: v2 ? i.minReadySeconds : undefined,
    ...i.deletion,
  };
  const spec = v2
    ? {
      clusterName: c.name,
      replicas: scaling.replicas,
      selector: { matchLabels: i.selector },
      rollout: { strategy: { type: strategy.type, rollingUpdate } },
      deletion: i.deletionOrder && { order: i.deletionOrder },
      template: { metadata: i.machineMeta, spec: machineSpec },
    }
    : {
      clusterName: c.name,
      replicas: scaling.replicas,
      selector: { matchLabels: i.selector },
      strategy: { type: strategy.type, rollingUpdate: rollingUpdate || i.deletionOrder ? { ...rollingUpdate, deletePolicy: i.deletionOrder } : undefined },
      minReadySeconds: i.minReadySeconds,
      progressDeadlineSeconds: i.progressDeadlineSeconds,
      revisionHistoryLimit: i.revisionHistoryLimit,
      template: { metadata: i.machineMeta, spec: machineSpec },
    };
  return compact({
    apiVersion: `${CLUSTER_GROUP}/${capi}`,
    kind: 'MachineDeployment',
    metadata: { name: i.name, namespace: c.namespace, labels: { [LABEL_CLUSTER_NAME]: c.name }, annotations },
    spec,
  }) as Manifest;
}

/** Props of the ingress preset: everything of a WorkerGroup but its name and role. */
export type IngressWorkerGroupProps = Omit<WorkerGroupProps, 'name' | 'roles'> & { readonly name?: string };

/**
 * The seed's "move Ingress to dedicated nodes": a group named `ingress` with role `ingress` and
 * 2 nodes. After its nodes are Ready, delete the ingress controller's pods so they reschedule there.
 */
export function ingressWorkerGroupProps(props: IngressWorkerGroupProps): WorkerGroupProps {
  const p = new Problems('WorkerGroup "ingress"');
  if (!checkProps(p, props)) p.throwIfErrors();
  return { scaling: { replicas: 2 }, ...props, name: props?.name ?? 'ingress', roles: ['ingress'] };
}
