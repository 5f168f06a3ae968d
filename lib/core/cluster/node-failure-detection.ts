/**
 * Node failure detection: how fast Kubernetes notices a dead node (seed: "Поведение системы при
 * отказе/недоступности узла"). Three settings work together:
 *
 * - kubelet `--node-status-update-frequency` (default 10s): how often each kubelet reports its status;
 * - kube-controller-manager `--node-monitor-period` (default 5s): how often the node controller checks;
 * - kube-controller-manager `--node-monitor-grace-period` (default 40s in the seed; 50s in recent
 *   Kubernetes releases): how long a node may stay silent before it is marked NotReady/Unknown.
 *
 * Lower values react faster but risk false NotReady under load or short network outages.
 * The grace period must exceed the update frequency (Kubernetes recommends several update intervals,
 * so a few lost status updates do not mark a node down), and the monitor period must be shorter than
 * the grace period.
 *
 * Where they go (Cluster API kubeadm bootstrap): controller-manager flags in
 * `KubeadmControlPlane.spec.kubeadmConfigSpec.clusterConfiguration.controllerManager.extraArgs`; the
 * kubelet flag in `nodeRegistration.kubeletExtraArgs` of both `initConfiguration` and
 * `joinConfiguration` on control-plane nodes, and of `joinConfiguration` in workers'
 * KubeadmConfigTemplate (merged with the other arguments by lib/core/kubeadm/args.ts). v1beta1 spells
 * extraArgs as a map, v1beta2 as a list of `{name, value}`.
 * Changing them rolls all machines (a new KubeadmConfigTemplate name for workers).
 */
import { Problems } from '../rules/errors';
import { checkPropKeys, propKeys } from '../rules/strict-props';
import { checkDuration, checkObject, Duration, shortDuration } from '../rules/validation';

/** How fast a failed node is noticed: kubelet status updates and the controller-manager's monitor period and grace period. */
export interface NodeFailureDetection {
  /**
   * kubelet `--node-status-update-frequency`.
   * @default '10s'
   */
  readonly nodeStatusUpdateFrequency?: Duration;
  /**
   * kube-controller-manager `--node-monitor-period`.
   * @default '5s'
   */
  readonly nodeMonitorPeriod?: Duration;
  /**
   * kube-controller-manager `--node-monitor-grace-period`.
   * @default '40s'
   */
  readonly nodeMonitorGracePeriod?: Duration;
}

/** Validated settings, in seconds. */
export interface ResolvedNodeFailureDetection {
  readonly nodeStatusUpdateFrequency: number;
  readonly nodeMonitorPeriod: number;
  readonly nodeMonitorGracePeriod: number;
}

/** The kubelet and controller-manager defaults that node failure detection changes from. */
export const NODE_FAILURE_DETECTION_DEFAULTS: ResolvedNodeFailureDetection = {
  nodeStatusUpdateFrequency: 10,
  nodeMonitorPeriod: 5,
  nodeMonitorGracePeriod: 40,
};

/** Below this many status updates per grace period, a few lost updates mark a healthy node down. */
export const RECOMMENDED_GRACE_PERIOD_FACTOR = 4;

/** The known keys of {@link NodeFailureDetection} (strict props). */
export const NODE_FAILURE_DETECTION_PROPS = propKeys<NodeFailureDetection>()('NodeFailureDetection', {
  nodeStatusUpdateFrequency: true, nodeMonitorPeriod: true, nodeMonitorGracePeriod: true,
});

export function resolveNodeFailureDetection(p: Problems, path: string, value: NodeFailureDetection | undefined): ResolvedNodeFailureDetection | undefined {
  if (value === undefined) return undefined;
  if (!checkObject(p, path, value)) return undefined;
  if (!checkPropKeys(p, path, value, NODE_FAILURE_DETECTION_PROPS)) return undefined;
  const d = NODE_FAILURE_DETECTION_DEFAULTS;
  const freq = value.nodeStatusUpdateFrequency === undefined ? d.nodeStatusUpdateFrequency : checkDuration(p, `${path}.nodeStatusUpdateFrequency`, value.nodeStatusUpdateFrequency);
  const period = value.nodeMonitorPeriod === undefined ? d.nodeMonitorPeriod : checkDuration(p, `${path}.nodeMonitorPeriod`, value.nodeMonitorPeriod);
  const grace = value.nodeMonitorGracePeriod === undefined ? d.nodeMonitorGracePeriod : checkDuration(p, `${path}.nodeMonitorGracePeriod`, value.nodeMonitorGracePeriod);
  if (freq === undefined || period === undefined || grace === undefined) return undefined;
  let ok = true;
  for (const [key, v] of [['nodeStatusUpdateFrequency', freq], ['nodeMonitorPeriod', period], ['nodeMonitorGracePeriod', grace]] as const) {
    if (v === 0) {
      p.error(`${path}.${key}`, 'must be greater than 0s');
      ok = false;
    }
  }
  if (!ok) return undefined;
  if (grace <= freq) {
    p.error(`${path}.nodeMonitorGracePeriod`, `${shortDuration(grace)} must be greater than nodeStatusUpdateFrequency (${shortDuration(freq)}): otherwise every node is marked NotReady between two status updates`);
    ok = false;
  }
  if (period >= grace) {
    p.error(`${path}.nodeMonitorPeriod`, `${shortDuration(period)} must be shorter than nodeMonitorGracePeriod (${shortDuration(grace)})`);
    ok = false;
  }
  if (!ok) return undefined;
  if (grace < RECOMMENDED_GRACE_PERIOD_FACTOR * freq) {
    p.warn(`${path}.nodeMonitorGracePeriod`, `${shortDuration(grace)} allows fewer than ${RECOMMENDED_GRACE_PERIOD_FACTOR} status updates (every ${shortDuration(freq)}); a node under load or behind a short network outage will be marked NotReady and its pods evicted`);
  }
  return { nodeStatusUpdateFrequency: freq, nodeMonitorPeriod: period, nodeMonitorGracePeriod: grace };
}

export function kubeletArgs(n: ResolvedNodeFailureDetection): Record<string, string> {
  return { 'node-status-update-frequency': shortDuration(n.nodeStatusUpdateFrequency) };
}

export function controllerManagerArgs(n: ResolvedNodeFailureDetection): Record<string, string> {
  return {
    'node-monitor-grace-period': shortDuration(n.nodeMonitorGracePeriod),
    'node-monitor-period': shortDuration(n.nodeMonitorPeriod),
  };
}
