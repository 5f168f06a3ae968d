/**
 * lib/core/nodes/: the machines of a cluster. The control plane (this file) and worker groups, their
 * health checks, machine deletion timeouts, the machine-template contract the providers implement, and
 * the update-safe floor of the KubeadmControlPlane's kubeadm config. The kubeadm props themselves live
 * beside it in kubeadm/.
 *
 * The control-plane group: one KubeadmControlPlane `<cluster>-control-plane`, its infrastructure
 * machine template and, optionally, a MachineHealthCheck (seed: "Конфигурация Control Plane").
 *
 * Rules:
 * - replicas must be odd (etcd runs stacked on the control-plane nodes and needs a quorum); 1 is
 *   allowed with a warning (no high availability, and KCP cannot remediate a single machine).
 * - rollout.maxSurge may be written as an integer or a percentage, as in the platform docs, but the
 *   KubeadmControlPlane webhook accepts only the integers 0 and 1 (it reads a percent string as 0).
 *   A percentage is resolved against replicas and rounded up, like a Deployment's maxSurge; a result
 *   other than 0 or 1 is an error. 0 (scale in before scaling out) needs at least 3 replicas.
 * - remediation: maxRetry (unset = retry forever), retryPeriod (unset = retry at once),
 *   minHealthyPeriod (unset = 1h).
 */
import { CapiVersion, CONTROL_PLANE_GROUP, LABEL_CLUSTER_NAME, LABEL_CONTROL_PLANE, renderRef } from '../output/api-versions';
import { checkClusterRef, ClusterRef } from '../cluster/cluster';
import { checkEmittedObjects } from '../rules/credentials';
import { peek, Problems, show, Warning } from '../rules/errors';
import { checkPropKeys, propKeys } from '../rules/strict-props';
import { HealthCheck, renderHealthCheck } from './health-check';
import { withKubeadmConfigFloor } from './kubeadm-config-floor';
import { ControlPlaneKubeadmProps, renderKubeadmConfigSpec, resolveKubeadm } from '../kubeadm/config';
import { MachineDeletionProps, renderDeletion, resolveDeletion } from './machine-deletion';
import { checkTemplateGeneration, isMachineTemplate, MachineTemplate, renderMachineTemplate } from './machine-template';
import { compact, Manifest, Rendered } from '../output/manifest';
import { controlPlaneHealthCheckName, controlPlaneName } from '../output/naming';
import { checkDuration, checkInt, checkIntOrPercent, checkLabels, checkObject, checkProps, Duration, goDuration, IntOrPercent } from '../rules/validation';

/** KubeadmControlPlane remediation settings: retries, retry period and the healthy period that resets them. */
export interface ControlPlaneRemediation {
  /** Retries when a replacement machine fails too. @default unlimited */
  readonly maxRetry?: number;
  /** Wait between retries. @default none: retry immediately */
  readonly retryPeriod?: Duration;
  /** After this long healthy, a machine's failure no longer counts as a retry. @default '1h' */
  readonly minHealthyPeriod?: Duration;
}

/** Props of a control-plane group (a KubeadmControlPlane, its machine template and health check). */
export interface ControlPlaneGroupProps extends MachineDeletionProps {
  /** The cluster this control plane belongs to. */
  readonly cluster: ClusterRef;
  /** Infrastructure machine template (any provider). */
  readonly machineTemplate: MachineTemplate;
  /**
   * Number of control-plane machines: odd (etcd quorum). 3 or 5 recommended.
   * @default 3
   */
  readonly replicas?: number;
  /**
   * RollingUpdate settings. maxSurge: 1 (add a new machine first) or 0 (remove one first; needs 3+
   * replicas); a percentage is resolved against replicas.
   * @default { maxSurge: 1 }
   */
  readonly rollout?: { readonly maxSurge?: IntOrPercent };
  /** @default Cluster API defaults (see ControlPlaneRemediation) */
  readonly remediation?: ControlPlaneRemediation;
  /** MachineHealthCheck preset, usually `HealthCheck.controlPlane()`. @default none */
  readonly healthCheck?: HealthCheck;
  /** Labels on every control-plane Machine (`spec.machineTemplate.metadata.labels`). @default none */
  readonly machineLabels?: Record<string, string>;
  /**
   * kubeadm settings: kubelet and component arguments, taints, files, commands, users, NTP, etcd.
   * The provider bootstrap of the cluster's infrastructure and its nodeFailureDetection are added.
   * @default only what the library manages
   */
  readonly kubeadm?: ControlPlaneKubeadmProps;
}

/** The known keys of {@link ControlPlaneGroupProps} and its nested objects (strict props). */
export const CONTROL_PLANE_GROUP_PROPS = propKeys<ControlPlaneGroupProps>()('ControlPlaneGroupProps', {
  cluster: true, machineTemplate: true, replicas: true, rollout: true, remediation: true, healthCheck: true, machineLabels: true,
  nodeDrainTimeout: true, nodeVolumeDetachTimeout: true, nodeDeletionTimeout: true, kubeadm: true,
});
const ROLLOUT_PROPS = propKeys<NonNullable<ControlPlaneGroupProps['rollout']>>()('rollout', { maxSurge: true });
const REMEDIATION_PROPS = propKeys<ControlPlaneRemediation>()('ControlPlaneRemediation', { maxRetry: true, retryPeriod: true, minHealthyPeriod: true });

/** Resolves maxSurge to the 0 or 1 the webhook accepts. */
function resolveMaxSurge(p: Problems, value: unknown, replicas: number | undefined): number | undefined {
  const parsed = checkIntOrPercent(p, 'rollout.maxSurge', value);
  if (!parsed) return undefined;
  let surge = parsed.value;
  if (parsed.kind === 'percent') {
    if (replicas === undefined) return undefined;
    surge = Math.ceil((replicas * parsed.value) / 100);
  }
  const origin = parsed.kind === 'percent' ? `${show(value)} of ${replicas} replicas resolves to ${surge}, but ` : `${show(value)}: `;
  if (surge !== 0 && surge !== 1) {
    p.error('rollout.maxSurge', `${origin}KubeadmControlPlane accepts only 0 or 1 (one machine at a time)`);
    return undefined;
  }
  if (surge === 0 && replicas !== undefined && replicas < 3) {
    p.error('rollout.maxSurge', `${origin}0 (scale in before scaling out) needs at least 3 replicas, got ${replicas}`);
    return undefined;
  }
  return surge;
}

export function renderControlPlane(props: ControlPlaneGroupProps): Rendered {
  return renderControlPlaneFor(props, peek(props, 'cluster'));
}

/**
 * {@link renderControlPlane} with the cluster given apart from the props, as the fleet render has it: saves a copy
 * of the props object per group. `props.cluster`, if present, is ignored.
 */
export function renderControlPlaneFor(props: Omit<ControlPlaneGroupProps, 'cluster'>, clusterProp: unknown): Rendered {
  const p = new Problems('ControlPlaneGroup');
  if (!checkProps(p, props)) p.throwIfErrors();
  checkPropKeys(p, '', props, CONTROL_PLANE_GROUP_PROPS);
  const cluster = checkClusterRef(p, 'cluster', clusterProp);
  const name = cluster ? controlPlaneName(cluster.name) : 'control-plane';
  p.subject = `ControlPlaneGroup "${name}"`;

  let replicas: number | undefined = 3;
  if (props.replicas !== undefined) {
    replicas = checkInt(p, 'replicas', props.replicas, 1);
    if (replicas !== undefined && replicas % 2 === 0) {
      p.error('replicas', `${replicas} is even: etcd runs on the control-plane nodes and needs an odd number for quorum (use 1, 3 or 5)`);
      replicas = undefined;
    } else if (replicas === 1) {
      p.warn('replicas', '1 control-plane node has no high availability: losing it stops the API server, and KubeadmControlPlane cannot remediate a single machine; use 3 or 5');
    }
  }
  let maxSurge = 1;
  if (props.rollout !== undefined && checkObject(p, 'rollout', props.rollout) && checkPropKeys(p, 'rollout', props.rollout, ROLLOUT_PROPS)
    && props.rollout.maxSurge !== undefined) {
    maxSurge = resolveMaxSurge(p, props.rollout.maxSurge, replicas) ?? 1;
  }
  let remediation: { maxRetry?: number; retry?: number; minHealthy?: number } | undefined;
  const r = props.remediation;
  if (r !== undefined && checkObject(p, 'remediation', r)) {
    checkPropKeys(p, 'remediation', r, REMEDIATION_PROPS);
    remediation = {
      maxRetry: r.maxRetry === undefined ? undefined : checkInt(p, 'remediation.maxRetry', r.maxRetry, 0),
      retry: r.retryPeriod === undefined ? undefined : checkDuration(p, 'remediation.retryPeriod', r.retryPeriod),
      minHealthy: r.minHealthyPeriod === undefined ? undefined : checkDuration(p, 'remediation.minHealthyPeriod', r.minHealthyPeriod),
    };
  }
  const deletion = resolveDeletion(p, props);
  const machineLabels = checkLabels(p, 'machineLabels', props.machineLabels, 'labels');
  const template = props.machineTemplate;
  if (!isMachineTemplate(template)) {
    p.error('machineTemplate', `must be a machine template (VSphereMachineTemplate, OpenStackMachineTemplate, ...), got ${show(template)}`);
  } else {
    template.validateFor?.('control-plane', p, 'machineTemplate');
    if (cluster) checkTemplateGeneration(template, cluster.apiVersion, p, 'machineTemplate');
  }

  const kubeadm = cluster && resolveKubeadm(p, 'kubeadm', props.kubeadm, 'control-plane', cluster.bootstrap, cluster.nodeFailureDetection, cluster.kubernetesVersion);

  let healthCheck: Manifest | undefined;
  // Checked even when other fields are invalid, so that all problems are reported together
  // (minSize 0 skips the rounding warning while replicas is unknown).
  if (props.healthCheck !== undefined && cluster) {
    healthCheck = renderHealthCheck(p, 'healthCheck', props.healthCheck, {
      capi: cluster.apiVersion,
      clusterName: cluster.name,
      namespace: cluster.namespace,
      name: controlPlaneHealthCheckName(cluster.name),
      selector: { [LABEL_CONTROL_PLANE]: '' },
      role: 'control-plane',
      minSize: replicas ?? 0,
    });
    if (replicas === 1) p.warn('healthCheck', 'a MachineHealthCheck on a single control-plane machine cannot act: KubeadmControlPlane remediates only when at least 2 machines exist');
  }
  p.throwIfErrors();
  const c = cluster!;
  const t = template as MachineTemplate;
  const labels = { [LABEL_CLUSTER_NAME]: c.name };
  const infra = renderMachineTemplate(t, name, c.namespace, labels);
  const kubeadmConfigSpec = renderKubeadmConfigSpec(kubeadm!, c.apiVersion);
  const kcp = renderKcp(c, name, replicas!, maxSurge, remediation, renderDeletion(deletion, c.apiVersion), renderRef(infra.ref, c.apiVersion, c.namespace), machineLabels, kubeadmConfigSpec);
  const manifests = [infra.manifest, kcp, ...(healthCheck ? [healthCheck] : [])];
  checkEmittedObjects(p, manifests);
  p.throwIfErrors();
  const warnings: Warning[] = [...t.warnings.map((w) => ({ path: `machineTemplate.${w.path}`, message: w.message })), ...p.warnings];
  return { manifests, warnings };
}

function renderKcp(
  c: ClusterRef, name: string, replicas: number, maxSurge: number,
  remediation: { maxRetry?: number; retry?: number; minHealthy?: number } | undefined,
  deletion: Record<string, unknown>, infraRef: Record<string, string>, machineLabels: Record<string, string> | undefined,
  kubeadmConfigSpec: Record<string, unknown>,
): Manifest {
  const capi: CapiVersion = c.apiVersion;
  const v2 = capi === 'v1beta2';
  const machineMetadata = machineLabels && { labels: machineLabels };
  const strategy = { type: 'RollingUpdate', rollingUpdate: { maxSurge } };
  const spec = v2
    ? {
      replicas,
      version: c.kubernetesVersion,
      machineTemplate: { metadata: machineMetadata, spec: { infrastructureRef: infraRef, ...deletion } },
      rollout: { strategy },
      remediation: remediation && {
        maxRetry: remediation.maxRetry, retryPeriodSeconds: remediation.retry, minHealthyPeriodSeconds: remediation.minHealthy,
      },
    }
    : {
      replicas,
      version: c.kubernetesVersion,
      machineTemplate: { metadata: machineMetadata, infrastructureRef: infraRef, ...deletion },
      rolloutStrategy: strategy,
      remediationStrategy: remediation && {
        maxRetry: remediation.maxRetry,
        retryPeriod: remediation.retry === undefined ? undefined : goDuration(remediation.retry),
        minHealthyPeriod: remediation.minHealthy === undefined ? undefined : goDuration(remediation.minHealthy),
      },
    };
  const kcp = compact({
    apiVersion: `${CONTROL_PLANE_GROUP}/${capi}`,
    kind: 'KubeadmControlPlane',
    metadata: { name, namespace: c.namespace, labels: { [LABEL_CLUSTER_NAME]: c.name } },
    spec,
  }) as Manifest;
  // already compacted, and may hold an explicit `taints: []` that another compact would drop; the floor keeps
  // every kubeadm section present once created, so that a later update never removes one (kubeadm-config-floor.ts)
  (kcp.spec as Record<string, unknown>).kubeadmConfigSpec = withKubeadmConfigFloor(kubeadmConfigSpec);
  return kcp;
}
