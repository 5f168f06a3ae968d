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
 * - Roles become `node-role.kubernetes.io/<role>: ""` labels on the machine template metadata, which
 *   Cluster API syncs to the Nodes. Never via kubelet `--node-labels`: NodeRestriction forbids the
 *   `node-role.kubernetes.io` prefix there.
 */
import {
  ANNOTATION_AUTOSCALER_MAX, ANNOTATION_AUTOSCALER_MIN, BOOTSTRAP_GROUP, CapiVersion, CLUSTER_GROUP, LABEL_CLUSTER_NAME,
  LABEL_DEPLOYMENT_NAME, NODE_ROLE_PREFIX, ObjectRef, renderRef,
} from '../output/api-versions';
import { checkClusterRef, ClusterRef } from '../cluster/cluster';
import { Problems, show, Warning } from '../rules/errors';
import { checkPropKeys, propKeys } from '../rules/strict-props';
import { HealthCheck, renderHealthCheck } from './health-check';
import { renderKubeadmConfigSpec, ResolvedKubeadm, resolveKubeadm, WorkerKubeadmProps } from '../kubeadm/config';
import { MachineDeletionProps, renderDeletion, resolveDeletion } from './machine-deletion';
import { checkTemplateGeneration, isMachineTemplate, MachineTemplate, renderMachineTemplate } from './machine-template';
import { compact, Manifest, Rendered } from '../output/manifest';
import { templateName, workerGroupName, workerHealthCheckName } from '../output/naming';
import {
  checkDns1123Label, checkEnum, checkGeneratedName, checkInt, checkIntOrPercent, checkLabels, checkObject, intOrPercentValue,
  IntOrPercent, isLabelKey, ParsedIntOrPercent,
} from '../rules/validation';

/** Manual scaling: a fixed number of machines. */
export interface ManualScaling {
  readonly replicas: number;
}

/** Automatic scaling by the cluster-autoscaler between min and max machines. */
export interface AutoScaling {
  readonly min: number;
  readonly max: number;
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
});
const SCALING_PROPS = propKeys<ManualScaling & AutoScaling>()('WorkerScaling', { replicas: true, min: true, max: true });
const STRATEGY_PROPS = propKeys<RollingUpdateStrategy>()('WorkerStrategy', { type: true, maxSurge: true, maxUnavailable: true });

/** Label key prefixes Cluster API copies from Machines to Nodes by default. */
const SYNCED_LABEL = /^(node-role\.kubernetes\.io\/|([a-z0-9.-]+\.)?node-restriction\.kubernetes\.io\/|([a-z0-9.-]+\.)?node\.cluster\.x-k8s\.io\/)/;

const RESERVED_ROLES = ['control-plane', 'master'];

export const V1BETA1_DEFAULT_PROGRESS_DEADLINE_SECONDS = 600;
export const V1BETA1_DEFAULT_REVISION_HISTORY_LIMIT = 1;

interface ResolvedScaling { replicas?: number; min?: number; max?: number; minSize: number }

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
  if (min === 0) {
    p.warn('scaling.min', '0: scaling from zero needs provider support or capacity annotations (capacity.cluster-autoscaler.kubernetes.io/*); otherwise the group never grows from 0');
  }
  return { replicas, min, max, minSize: min };
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
  return renderWorkerGroupFor(props, (props as Partial<WorkerGroupProps> | null | undefined)?.cluster);
}

/**
 * {@link renderWorkerGroup} with the cluster given apart from the props, as the fleet render has it: saves a copy
 * of the props object per group. `props.cluster`, if present, is ignored.
 */
export function renderWorkerGroupFor(props: Omit<WorkerGroupProps, 'cluster'>, clusterProp: unknown): Rendered {
  const p = new Problems('WorkerGroup');
  if (!checkObject(p, 'props', props)) p.throwIfErrors();
  checkPropKeys(p, '', props, WORKER_GROUP_PROPS);
  const cluster = checkClusterRef(p, 'cluster', clusterProp);
  const group = checkDns1123Label(p, 'name', props.name);
  const name = cluster && group ? workerGroupName(cluster.name, group) : undefined;
  p.subject = `WorkerGroup ${show(name ?? props.name)}`;
  if (name) checkGeneratedName(p, 'name', 'MachineDeployment', name, 'the cluster or group name');

  const scaling = resolveScaling(p, props.scaling);
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
    if (!SYNCED_LABEL.test(k)) p.warn(`machineLabels.${k}`, `stays on the Machine: Cluster API syncs to Nodes only labels under node-role.kubernetes.io/, node-restriction.kubernetes.io/ and node.cluster.x-k8s.io/ (or those the manager's --additional-sync-machine-labels flag selects)`);
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
  const kubeadm = cluster && resolveKubeadm(p, 'kubeadm', props.kubeadm, 'worker', cluster.bootstrap, cluster.nodeFailureDetection);
  let healthCheck: Manifest | undefined;
  // Checked even when other fields are invalid, so that all problems are reported together
  // (minSize 0 skips the rounding warning while the group size is unknown).
  if (props.healthCheck !== undefined && cluster) {
    healthCheck = renderHealthCheck(p, 'healthCheck', props.healthCheck, {
      capi: cluster.apiVersion,
      clusterName: cluster.name,
      namespace: cluster.namespace,
      name: workerHealthCheckName(cluster.name, group ?? 'invalid'),
      selector: { [LABEL_DEPLOYMENT_NAME]: name ?? 'invalid' },
      role: 'workers',
      minSize: scaling?.minSize ?? 0,
    });
  }
  p.throwIfErrors();

  const c = cluster!;
  const t = template as MachineTemplate;
  const labels = { [LABEL_CLUSTER_NAME]: c.name };
  const infra = renderMachineTemplate(t, name!, c.namespace, labels);
  const kct = renderKubeadmConfigTemplate(c, name!, kubeadm!);
  const selector = { [LABEL_CLUSTER_NAME]: c.name, [LABEL_DEPLOYMENT_NAME]: name! };
  const machineMeta = { labels: machineTemplateLabels(machineLabels, roles!, selector) };
  const md = renderMachineDeployment({
    c, name: name!, scaling: scaling!, strategy: strategy!, deletionOrder, minReadySeconds, progressDeadlineSeconds, revisionHistoryLimit,
    selector, machineMeta, deletion: renderDeletion(deletion, c.apiVersion), infraRef: infra.ref, bootstrapRef: kct.ref, failureDomain,
  });
  const manifests = [infra.manifest, kct.manifest, md, ...(healthCheck ? [healthCheck] : [])];
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
  infraRef: ObjectRef; bootstrapRef: ObjectRef; failureDomain?: string;
}

function renderMachineDeployment(i: MdInput): Manifest {
  const capi: CapiVersion = i.c.apiVersion;
  const v2 = capi === 'v1beta2';
  const { c, scaling, strategy } = i;
  const annotations = scaling.min !== undefined
    ? { [ANNOTATION_AUTOSCALER_MIN]: String(scaling.min), [ANNOTATION_AUTOSCALER_MAX]: String(scaling.max) }
    : undefined;
  const rollingUpdate = strategy.type === 'RollingUpdate'
    ? { maxSurge: intOrPercentValue(strategy.maxSurge!), maxUnavailable: intOrPercentValue(strategy.maxUnavailable!) }
    : undefined;
  const machineSpec = {
    clusterName: c.name,
    version: c.kubernetesVersion,
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
  return { scaling: { replicas: 2 }, ...props, name: props?.name ?? 'ingress', roles: ['ingress'] };
}
