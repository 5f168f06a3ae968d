/**
 * Cluster API v1beta1 -> v1beta2 conversion of the objects the library writes, for comparing two
 * versions of one object: Cluster API's webhooks and controllers see both the stored and the new
 * object in v1beta2 (the hub; `matchPolicy: Equivalent`), so the plan converts both sides before it
 * looks for rejections, rolls and in-place changes. The mapping follows cluster-api v1.14.0
 * `api/{core,controlplane/kubeadm,bootstrap/kubeadm,addons}/v1beta1/conversion.go` for the fields
 * the library emits (and the common ones people edit by hand):
 * - references `{apiVersion, kind, name, namespace}` -> `{apiGroup, kind, name}`;
 * - Go durations -> `...Seconds` integers (nodeDrainTimeout, nodeVolumeDetachTimeout,
 *   nodeDeletionTimeout, MachineHealthCheck timeouts, remediation periods);
 * - extraArgs and kubeletExtraArgs maps -> name-sorted `{name, value}` lists;
 * - renamed or moved fields (rolloutStrategy -> rollout.strategy, strategy -> rollout.strategy,
 *   machineTemplate.infrastructureRef -> machineTemplate.spec.infrastructureRef, ...);
 * - dropped fields (MachineDeployment progressDeadlineSeconds and revisionHistoryLimit,
 *   clusterConfiguration's networking, kubernetesVersion, clusterName, controlPlaneEndpoint, which
 *   v1beta2 takes from the Cluster) are left out.
 * Other kinds and versions are returned unchanged.
 */
import { ADDONS_GROUP, BOOTSTRAP_GROUP, CLUSTER_GROUP, CONTROL_PLANE_GROUP } from '../output/api-versions';
import { Manifest } from '../output/manifest';
import { isPlainObject } from './diff';
import { apiGroup, apiVersionOnly } from './manifests';

type Json = Record<string, unknown>;

const obj = (v: unknown): Json | undefined => (isPlainObject(v) ? v : undefined);

function set(o: Json, path: readonly string[], v: unknown): void {
  if (v === undefined) return;
  let cur = o;
  for (const k of path.slice(0, -1)) {
    if (!isPlainObject(cur[k])) cur[k] = {};
    cur = cur[k] as Json;
  }
  cur[path[path.length - 1]] = v;
}

function take(o: Json, key: string): unknown {
  const v = o[key];
  delete o[key];
  return v;
}

const UNIT_SECONDS: Record<string, number> = { h: 3600, m: 60, s: 1, ms: 1e-3, us: 1e-6, 'µs': 1e-6, ns: 1e-9 };

/** A Go duration (`5m0s`) in whole seconds, as `clusterv1.ConvertToSeconds` (truncates); non-durations are kept. */
export function durationSeconds(v: unknown): unknown {
  if (typeof v !== 'string') return v;
  const re = /(\d+(?:\.\d+)?)(h|ms|us|µs|ns|m|s)/g;
  if (!/^(\d+(?:\.\d+)?(h|ms|us|µs|ns|m|s))+$/.test(v)) return v;
  let s = 0;
  for (const m of v.matchAll(re)) s += Number(m[1]) * UNIT_SECONDS[m[2]];
  return Math.trunc(s);
}

/** `{apiVersion, kind, name, namespace}` -> `{apiGroup, kind, name}`. */
function ref(v: unknown): unknown {
  const r = obj(v);
  if (!r || typeof r.apiVersion !== 'string') return v;
  const out: Json = { apiGroup: apiGroup(r.apiVersion) };
  for (const [k, x] of Object.entries(r)) if (k !== 'apiVersion' && k !== 'namespace' && k !== 'uid' && k !== 'resourceVersion' && k !== 'fieldPath') out[k] = x;
  return out;
}

/** A v1beta1 extraArgs map as the v1beta2 name-sorted list. */
function args(v: unknown): unknown {
  const m = obj(v);
  if (!m) return v;
  return Object.keys(m).sort().map((name) => ({ name, value: m[name] }));
}

function component(c: unknown): void {
  const o = obj(c);
  if (o && o.extraArgs !== undefined) o.extraArgs = args(o.extraArgs);
}

function nodeRegistration(n: unknown): void {
  const o = obj(n);
  if (o && o.kubeletExtraArgs !== undefined) o.kubeletExtraArgs = args(o.kubeletExtraArgs);
}

/** A v1beta1 KubeadmConfigSpec in place as v1beta2. */
export function convertKubeadmConfigSpec(spec: unknown): void {
  const s = obj(spec);
  if (!s) return;
  const cc = obj(s.clusterConfiguration);
  if (cc) {
    for (const k of ['networking', 'kubernetesVersion', 'clusterName', 'controlPlaneEndpoint']) delete cc[k];
    const api = obj(cc.apiServer);
    if (api) {
      const t = take(api, 'timeoutForControlPlane');
      if (t !== undefined) set(s, ['initConfiguration', 'timeouts', 'controlPlaneComponentHealthCheckSeconds'], durationSeconds(t));
    }
    for (const k of ['apiServer', 'controllerManager', 'scheduler']) component(cc[k]);
    component(obj(obj(cc.etcd)?.local));
  }
  const ic = obj(s.initConfiguration);
  if (ic) nodeRegistration(ic.nodeRegistration);
  const jc = obj(s.joinConfiguration);
  if (jc) {
    nodeRegistration(jc.nodeRegistration);
    const d = obj(jc.discovery);
    if (d) {
      const t = take(d, 'timeout');
      if (t !== undefined) set(jc, ['timeouts', 'tlsBootstrapSeconds'], durationSeconds(t));
    }
  }
  delete s.useExperimentalRetryJoin;
}

const DELETION: readonly [string, string][] = [
  ['nodeDrainTimeout', 'nodeDrainTimeoutSeconds'], ['nodeVolumeDetachTimeout', 'nodeVolumeDetachTimeoutSeconds'], ['nodeDeletionTimeout', 'nodeDeletionTimeoutSeconds'],
];

function deletionTimeouts(from: Json, into: Json): void {
  for (const [a, b] of DELETION) {
    const v = take(from, a);
    if (v !== undefined) set(into, ['deletion', b], durationSeconds(v));
  }
}

function kubeadmControlPlane(spec: Json): void {
  const mt = obj(spec.machineTemplate);
  if (mt) {
    const inner: Json = obj(mt.spec) ?? {};
    const infra = take(mt, 'infrastructureRef');
    if (infra !== undefined) inner.infrastructureRef = ref(infra);
    const gates = take(mt, 'readinessGates');
    if (gates !== undefined) inner.readinessGates = gates;
    deletionTimeouts(mt, inner);
    if (Object.keys(inner).length > 0) mt.spec = inner;
  }
  const strategy = take(spec, 'rolloutStrategy');
  if (strategy !== undefined) set(spec, ['rollout', 'strategy'], strategy);
  const after = take(spec, 'rolloutAfter');
  if (after !== undefined) set(spec, ['rollout', 'after'], after);
  const before = take(spec, 'rolloutBefore');
  if (before !== undefined) set(spec, ['rollout', 'before'], before);
  const rem = obj(take(spec, 'remediationStrategy'));
  if (rem) {
    const out: Json = { ...rem };
    for (const k of ['retryPeriod', 'minHealthyPeriod']) {
      const v = take(out, k);
      if (v !== undefined) out[`${k}Seconds`] = durationSeconds(v);
    }
    spec.remediation = out;
  }
  const naming = take(spec, 'machineNamingStrategy');
  if (naming !== undefined) spec.machineNaming = naming;
  convertKubeadmConfigSpec(spec.kubeadmConfigSpec);
}

function machineDeployment(spec: Json): void {
  const strategy = take(spec, 'strategy');
  if (strategy !== undefined) set(spec, ['rollout', 'strategy'], strategy);
  const after = take(spec, 'rolloutAfter');
  if (after !== undefined) set(spec, ['rollout', 'after'], after);
  delete spec.progressDeadlineSeconds;
  delete spec.revisionHistoryLimit;
  const naming = take(spec, 'machineNamingStrategy');
  if (naming !== undefined) spec.machineNaming = naming;
  const minReady = take(spec, 'minReadySeconds');
  const ts = obj(obj(spec.template)?.spec);
  if (ts) {
    if (minReady !== undefined) ts.minReadySeconds = minReady;
    const b = obj(ts.bootstrap);
    if (b && b.configRef !== undefined) b.configRef = ref(b.configRef);
    if (ts.infrastructureRef !== undefined) ts.infrastructureRef = ref(ts.infrastructureRef);
    deletionTimeouts(ts, ts);
  }
}

function machineHealthCheck(spec: Json): void {
  const checks: Json = {};
  const conds = take(spec, 'unhealthyConditions');
  if (Array.isArray(conds)) {
    checks.unhealthyNodeConditions = conds.map((c) => {
      const o = obj(c);
      if (!o) return c;
      const { timeout, ...rest } = o;
      return timeout === undefined ? rest : { ...rest, timeoutSeconds: durationSeconds(timeout) };
    });
  }
  const startup = take(spec, 'nodeStartupTimeout');
  if (startup !== undefined) checks.nodeStartupTimeoutSeconds = durationSeconds(startup);
  if (Object.keys(checks).length > 0) spec.checks = { ...obj(spec.checks), ...checks };
  const max = take(spec, 'maxUnhealthy');
  if (max !== undefined) set(spec, ['remediation', 'triggerIf', 'unhealthyLessThanOrEqualTo'], max);
  const range = take(spec, 'unhealthyRange');
  if (range !== undefined) set(spec, ['remediation', 'triggerIf', 'unhealthyInRange'], range);
  const tpl = obj(take(spec, 'remediationTemplate'));
  if (tpl) {
    const { namespace: _ns, ...rest } = tpl;
    set(spec, ['remediation', 'templateRef'], rest);
  }
}

function cluster(spec: Json): void {
  for (const k of ['infrastructureRef', 'controlPlaneRef']) if (spec[k] !== undefined) spec[k] = ref(spec[k]);
}

const CONVERTERS: Record<string, (spec: Json) => void> = {
  [`${CONTROL_PLANE_GROUP}/KubeadmControlPlane`]: kubeadmControlPlane,
  [`${CLUSTER_GROUP}/MachineDeployment`]: machineDeployment,
  [`${CLUSTER_GROUP}/MachineHealthCheck`]: machineHealthCheck,
  [`${CLUSTER_GROUP}/Cluster`]: cluster,
  [`${BOOTSTRAP_GROUP}/KubeadmConfigTemplate`]: (spec) => convertKubeadmConfigSpec(obj(spec.template)?.spec),
  [`${BOOTSTRAP_GROUP}/KubeadmConfig`]: convertKubeadmConfigSpec,
  [`${ADDONS_GROUP}/ClusterResourceSet`]: () => undefined,
};

/** True when `m` is a Cluster API v1beta1 object that {@link toHub} converts. */
export function isConvertible(m: Manifest): boolean {
  return apiVersionOnly(m.apiVersion) === 'v1beta1' && CONVERTERS[`${apiGroup(m.apiVersion)}/${m.kind}`] !== undefined;
}

/** The object as Cluster API's webhooks and controllers see it: a v1beta1 Cluster API object converted to v1beta2, anything else as is. */
export function toHub(m: Manifest): Manifest {
  if (!isConvertible(m)) return m;
  const copy = JSON.parse(JSON.stringify(m)) as Manifest;
  copy.apiVersion = `${apiGroup(m.apiVersion)}/v1beta2`;
  const spec = obj(copy.spec);
  if (spec) CONVERTERS[`${apiGroup(m.apiVersion)}/${m.kind}`](spec);
  return copy;
}
