/**
 * MachineHealthCheck presets (seed: "Управление MachineHealthCheck").
 *
 * - `HealthCheck.controlPlane()`: `<cluster>-controlplane-healthcheck`, maxUnhealthy 100% (remediate
 *   even when every control-plane node is unhealthy), nodes Ready=Unknown or Ready=False for 5m.
 * - `HealthCheck.workers()`: `<cluster>-<group>-healthcheck`, maxUnhealthy 40% (no remediation when
 *   more than 40% of the group is unhealthy: that is an outage, not a broken machine),
 *   nodeStartupTimeout 10m, Ready=Unknown or Ready=False for 5m.
 *
 * Every value can be overridden. The object itself is emitted by the group that uses the preset,
 * which knows the name, the selector and the group's size.
 *
 * Field paths: v1beta2 `spec.checks.{nodeStartupTimeoutSeconds, unhealthyNodeConditions[].timeoutSeconds}`
 * and `spec.remediation.triggerIf.{unhealthyLessThanOrEqualTo, unhealthyInRange}`; v1beta1
 * `spec.{nodeStartupTimeout, unhealthyConditions[].timeout, maxUnhealthy, unhealthyRange}` (durations
 * as Go strings).
 */
import { CapiVersion, CLUSTER_GROUP, LABEL_CLUSTER_NAME } from '../output/api-versions';
import { Problems, show } from '../rules/errors';
import { checkPropKeys, propKeys } from '../rules/strict-props';
import { compact, Manifest } from '../output/manifest';
import {
  checkDuration, checkIntOrPercent, checkObject, Duration, goDuration, intOrPercentValue, IntOrPercent, isPlainRecord, shortDuration,
} from '../rules/validation';

/** A node condition that makes a MachineHealthCheck remediate a machine after a timeout. */
export interface UnhealthyCondition {
  /** Node condition type, e.g. `Ready`. */
  readonly type: string;
  /** `True`, `False` or `Unknown`. */
  readonly status: string;
  /** How long the condition must hold before the machine is remediated. */
  readonly timeout: Duration;
}

/** Settings of a MachineHealthCheck preset; every value overrides the preset's. */
export interface HealthCheckOptions {
  /**
   * Remediate only while at most this many (or this percentage) of the group's machines are unhealthy.
   * @default '100%' for the control plane, '40%' for workers
   */
  readonly maxUnhealthy?: IntOrPercent;
  /**
   * Remediate only while the number of unhealthy machines is in this range, e.g. `"[1-3]"`.
   * Takes precedence over maxUnhealthy.
   * @default none
   */
  readonly unhealthyRange?: string;
  /**
   * How long a new machine may take to join the cluster; 0 disables the check; otherwise at least 30s.
   * Too small a value makes VMs that boot slowly loop through endless re-creation.
   * @default Cluster API's 10m for the control plane (not emitted), '10m' for workers
   */
  readonly nodeStartupTimeout?: Duration;
  /**
   * Node conditions that mark a machine unhealthy.
   * @default Ready=Unknown and Ready=False, each for 5m
   */
  readonly unhealthyConditions?: readonly UnhealthyCondition[];
}

/** Which group a health check is for: `control-plane` or `workers`. */
export type HealthCheckRole = 'control-plane' | 'workers';

/** Minimum non-zero nodeStartupTimeout accepted by the MachineHealthCheck webhook. */
export const MIN_NODE_STARTUP_TIMEOUT_SECONDS = 30;
/** Below this, VMs that take a few minutes to boot and join are re-created in a loop (seed). */
export const VM_NODE_STARTUP_WARNING_SECONDS = 300;

const DEFAULT_CONDITIONS: readonly UnhealthyCondition[] = [
  { type: 'Ready', status: 'Unknown', timeout: '5m' },
  { type: 'Ready', status: 'False', timeout: '5m' },
];

/** The known keys of {@link HealthCheckOptions} and of each {@link UnhealthyCondition} (strict props). */
export const HEALTH_CHECK_OPTIONS = propKeys<HealthCheckOptions>()('HealthCheckOptions', {
  maxUnhealthy: true, unhealthyRange: true, nodeStartupTimeout: true, unhealthyConditions: true,
});
const UNHEALTHY_CONDITION_PROPS = propKeys<UnhealthyCondition>()('UnhealthyCondition', { type: true, status: true, timeout: true });

/** A MachineHealthCheck preset with overrides. Pass it as `healthCheck` of a group. */
export class HealthCheck {
  /** Control-plane preset: maxUnhealthy 100%, Ready Unknown/False for 5m. */
  static controlPlane(overrides: HealthCheckOptions = {}): HealthCheck {
    return new HealthCheck('control-plane', { maxUnhealthy: '100%', unhealthyConditions: DEFAULT_CONDITIONS }, overrides);
  }

  /** Worker preset: maxUnhealthy 40%, nodeStartupTimeout 10m, Ready Unknown/False for 5m. */
  static workers(overrides: HealthCheckOptions = {}): HealthCheck {
    return new HealthCheck('workers', { maxUnhealthy: '40%', nodeStartupTimeout: '10m', unhealthyConditions: DEFAULT_CONDITIONS }, overrides);
  }

  /** The preset's values with the overrides on top. */
  public readonly options: HealthCheckOptions;

  /**
   * `overrides` is kept as given and checked when a group renders the preset (unknown keys, a
   * non-object); only a plain object's own keys are laid over the preset (never a string's characters).
   */
  private constructor(public readonly role: HealthCheckRole, preset: HealthCheckOptions, public readonly overrides: unknown) {
    this.options = isPlainRecord(overrides) ? { ...preset, ...overrides } : preset;
  }
}

/** What a MachineHealthCheck selects: the cluster and the machine labels of one group. */
export interface HealthCheckTarget {
  readonly capi: CapiVersion;
  readonly clusterName: string;
  readonly namespace: string;
  readonly name: string;
  readonly selector: Record<string, string>;
  readonly role: HealthCheckRole;
  /** Smallest number of machines the group can have (replicas, or the autoscaler minimum). */
  readonly minSize: number;
}

/**
 * Validates a preset for one group and renders the MachineHealthCheck. Problems are recorded under
 * `path` (e.g. `healthCheck`); returns undefined when the preset is invalid.
 */
export function renderHealthCheck(p: Problems, path: string, hc: unknown, t: HealthCheckTarget): Manifest | undefined {
  if (!(hc instanceof HealthCheck)) {
    p.error(path, `must be HealthCheck.controlPlane() or HealthCheck.workers(), got ${show(hc)}`);
    return undefined;
  }
  if (hc.role !== t.role) {
    p.warn(path, `a HealthCheck.${hc.role === 'control-plane' ? 'controlPlane' : 'workers'}() preset is used on a ${t.role === 'control-plane' ? 'control-plane' : 'worker'} group: check that its maxUnhealthy (${show(hc.options.maxUnhealthy)}) is what you mean`);
  }
  const o = hc.options;
  const errorsBefore = p.errors.length;
  if (hc.overrides !== undefined && !isPlainRecord(hc.overrides)) {
    p.error(path, `the overrides of HealthCheck.${hc.role === 'control-plane' ? 'controlPlane' : 'workers'}() must be an object of HealthCheckOptions, got ${show(hc.overrides)}`);
  } else if (hc.overrides !== undefined) {
    checkPropKeys(p, path, hc.overrides, HEALTH_CHECK_OPTIONS);
  }
  const maxUnhealthy = o.maxUnhealthy === undefined ? undefined : checkIntOrPercent(p, `${path}.maxUnhealthy`, o.maxUnhealthy);
  if (o.unhealthyRange !== undefined) {
    const m = typeof o.unhealthyRange === 'string' ? /^\[([0-9]+)-([0-9]+)\]$/.exec(o.unhealthyRange) : null;
    if (!m) p.error(`${path}.unhealthyRange`, `${show(o.unhealthyRange)} must look like "[1-3]"`);
    else if (parseInt(m[1], 10) > parseInt(m[2], 10)) p.error(`${path}.unhealthyRange`, `${show(o.unhealthyRange)}: the lower bound must not exceed the upper bound`);
  }
  let startup: number | undefined;
  if (o.nodeStartupTimeout !== undefined) {
    startup = checkDuration(p, `${path}.nodeStartupTimeout`, o.nodeStartupTimeout);
    if (startup !== undefined && startup !== 0 && startup < MIN_NODE_STARTUP_TIMEOUT_SECONDS) {
      p.error(`${path}.nodeStartupTimeout`, `${show(o.nodeStartupTimeout)} must be 0 (disabled) or at least 30s (MachineHealthCheck webhook rule)`);
      startup = undefined;
    } else if (startup !== undefined && startup !== 0 && startup < VM_NODE_STARTUP_WARNING_SECONDS) {
      p.warn(`${path}.nodeStartupTimeout`, `${show(o.nodeStartupTimeout)} is shorter than ${shortDuration(VM_NODE_STARTUP_WARNING_SECONDS)}: a VM that needs longer to boot and join is deleted and re-created in a loop`);
    }
  }
  const conditions: { type: string; status: string; seconds: number }[] = [];
  const conds = o.unhealthyConditions;
  if (conds !== undefined) {
    if (!Array.isArray(conds) || conds.length === 0) {
      p.error(`${path}.unhealthyConditions`, `must be a non-empty list, got ${show(conds)}`);
    } else {
      conds.forEach((c: UnhealthyCondition, i) => {
        const cp = `${path}.unhealthyConditions[${i}]`;
        if (!checkObject(p, cp, c as unknown)) return;
        if (!checkPropKeys(p, cp, c, UNHEALTHY_CONDITION_PROPS)) return;
        if (typeof c.type !== 'string' || c.type === '') p.error(`${cp}.type`, `is required, got ${show(c.type)}`);
        if (!['True', 'False', 'Unknown'].includes(c.status)) p.error(`${cp}.status`, `must be "True", "False" or "Unknown", got ${show(c.status)}`);
        const s = checkDuration(p, `${cp}.timeout`, c.timeout);
        if (s !== undefined) conditions.push({ type: c.type, status: c.status, seconds: s });
      });
    }
  }
  if (p.errors.length > errorsBefore) return undefined;

  if (maxUnhealthy && o.unhealthyRange === undefined) {
    const allowed = maxUnhealthy.kind === 'int' ? maxUnhealthy.value : Math.floor((t.minSize * maxUnhealthy.value) / 100);
    if (allowed === 0 && t.minSize > 0) {
      p.warn(`${path}.maxUnhealthy`, `${show(intOrPercentValue(maxUnhealthy))} of ${t.minSize} machine${t.minSize === 1 ? '' : 's'} rounds down to 0: remediation can never run for this group; raise maxUnhealthy or the group size`);
    }
  }

  const v2 = t.capi === 'v1beta2';
  const mu = maxUnhealthy && intOrPercentValue(maxUnhealthy);
  const spec = v2
    ? {
      clusterName: t.clusterName,
      selector: { matchLabels: t.selector },
      checks: {
        nodeStartupTimeoutSeconds: startup,
        unhealthyNodeConditions: conditions.map((c) => ({ type: c.type, status: c.status, timeoutSeconds: c.seconds })),
      },
      remediation: { triggerIf: { unhealthyLessThanOrEqualTo: mu, unhealthyInRange: o.unhealthyRange } },
    }
    : {
      clusterName: t.clusterName,
      selector: { matchLabels: t.selector },
      maxUnhealthy: mu,
      unhealthyRange: o.unhealthyRange,
      nodeStartupTimeout: startup === undefined ? undefined : goDuration(startup),
      unhealthyConditions: conditions.map((c) => ({ type: c.type, status: c.status, timeout: goDuration(c.seconds) })),
    };
  return compact({
    apiVersion: `${CLUSTER_GROUP}/${t.capi}`,
    kind: 'MachineHealthCheck',
    metadata: { name: t.name, namespace: t.namespace, labels: { [LABEL_CLUSTER_NAME]: t.clusterName } },
    spec,
  }) as Manifest;
}
