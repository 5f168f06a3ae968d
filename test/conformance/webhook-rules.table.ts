/**
 * The table of Cluster API and provider admission-webhook rules (shared/facts/cluster-api.md §1.2
 * KubeadmControlPlane, §2.2 MachineDeployment, §3 MachineHealthCheck, §8 Cluster; providers.md
 * §1.2-1.4 vSphere, §2.2-2.4 OpenStack): for each rule one input the library must reject and one it
 * must accept. test/conformance/webhook-rules.test.ts checks the library against it;
 * test/cluster/webhook-rules.test.ts checks it against the real webhooks and CEL rules.
 */
import { Chart, Testing } from 'cdk8s';
import {
  Cluster, ClusterProps, ControlPlaneGroup, ControlPlaneGroupProps, CustomMachineTemplate, HealthCheck, WorkerGroup, WorkerGroupProps,
} from '../../lib';
import { OpenStackMachineTemplate, OpenStackMachineTemplateProps, VSphereMachineTemplate, VSphereMachineTemplateProps } from '../../lib';
import { TEST_INFRA } from '../support/infrastructure';


const template = () => new CustomMachineTemplate({ kind: 'DockerMachineTemplate', version: 'v1beta2', spec: { customImage: 'kindest/node:v1.31.4' } });

export type Objects = any[];
export type Build = (chart: Chart, input: any) => void;

const CLUSTER: ClusterProps = { name: 'wh', namespace: 'ns', kubernetesVersion: 'v1.31.4', infrastructure: TEST_INFRA, cni: 'calico' };

const buildCluster: Build = (chart, input: Partial<ClusterProps>) => {
  new Cluster(chart, 'c', { ...CLUSTER, ...input });
};

const buildControlPlane = (capi: 'v1beta2' | 'v1beta1'): Build => (chart, input: Partial<ControlPlaneGroupProps>) => {
  const cluster = new Cluster(chart, 'c', { ...CLUSTER, apiVersion: capi });
  new ControlPlaneGroup(chart, 'cp', { cluster, machineTemplate: template(), ...input });
};

const buildWorkers = (capi: 'v1beta2' | 'v1beta1'): Build => (chart, input: Partial<WorkerGroupProps>) => {
  const cluster = new Cluster(chart, 'c', { ...CLUSTER, apiVersion: capi });
  new WorkerGroup(chart, 'md', { cluster, name: 'md', machineTemplate: template(), ...input });
};

export const kind = (objs: Objects, k: string) => objs.filter((o) => o.kind === k);
export const one = (objs: Objects, k: string) => {
  const list = kind(objs, k);
  expect(list).toHaveLength(1);
  return list[0];
};
const v2 = (o: any) => o.apiVersion.endsWith('/v1beta2');

export interface Row {
  /** The webhook rule, as in the facts file. */
  readonly rule: string;
  /** Where it is stated (facts file section / upstream line). */
  readonly source: string;
  readonly build: Build;
  /** An input that breaks the rule; absent when no input can (the library satisfies the rule by construction). */
  readonly reject?: unknown;
  /** Issue path of the ValidationError for `reject`. */
  readonly path?: string | RegExp;
  readonly accept: unknown;
  /** What the webhook would check on the accepted objects. */
  readonly check: (objs: Objects) => void;
  /**
   * Changes the accepted objects so that they break the rule the way `reject` does. The real API server
   * (test/cluster/webhook-rules.test.ts) must refuse the result, through its webhooks or CEL rules,
   * unless `stricter` says the library's refusal is stricter than upstream.
   */
  readonly breaks?: (objs: Objects) => void;
  /** The library refuses more than upstream here: the real API server accepts what `breaks` makes. */
  readonly stricter?: true;
}

export const kcpRows = (capi: 'v1beta2' | 'v1beta1'): Row[] => {
  const b = buildControlPlane(capi);
  const kcp = (objs: Objects) => one(objs, 'KubeadmControlPlane');
  const surge = (o: any) => (v2(o) ? o.spec.rollout.strategy : o.spec.rolloutStrategy);
  return [
    {
      rule: 'KCP replicas must be > 0', source: '§1.2 kubeadmcontrolplane.go l.269', build: b,
      reject: { replicas: 0 }, path: 'replicas', accept: { replicas: 3 },
      check: (o) => expect(kcp(o).spec.replicas).toBe(3),
      breaks: (o) => { kcp(o).spec.replicas = 0; },
    },
    {
      rule: 'KCP replicas cannot be even when etcd is stacked', source: '§1.2 l.281', build: b,
      reject: { replicas: 4 }, path: 'replicas', accept: { replicas: 5 },
      check: (o) => expect(kcp(o).spec.replicas % 2).toBe(1),
      breaks: (o) => { kcp(o).spec.replicas = 4; },
    },
    {
      rule: 'KCP replicas is always set (the webhook requires it; the library defaults to 3)', source: '§1.2 ~l.256', build: b,
      reject: { replicas: 1.5 }, path: 'replicas', accept: {},
      check: (o) => expect(kcp(o).spec.replicas).toBe(3),
    },
    {
      rule: 'KCP maxSurge must be 1 or 0', source: '§1.2 l.371', build: b,
      reject: { rollout: { maxSurge: 2 } }, path: 'rollout.maxSurge', accept: { rollout: { maxSurge: 1 } },
      check: (o) => expect(surge(kcp(o)).rollingUpdate.maxSurge).toBe(1),
      breaks: (o) => { surge(kcp(o)).rollingUpdate.maxSurge = 2; },
    },
    {
      rule: 'KCP maxSurge 0 (scale-in) needs at least 3 replicas', source: '§1.2 l.362', build: b,
      reject: { replicas: 1, rollout: { maxSurge: 0 } }, path: 'rollout.maxSurge', accept: { replicas: 3, rollout: { maxSurge: 0 } },
      check: (o) => expect([kcp(o).spec.replicas, surge(kcp(o)).rollingUpdate.maxSurge]).toEqual([3, 0]),
      breaks: (o) => { kcp(o).spec.replicas = 1; surge(kcp(o)).rollingUpdate.maxSurge = 0; },
    },
    {
      rule: 'KCP maxSurge is read with IntValue(): a percentage string would mean 0, so it is emitted as the integer it resolves to',
      source: '§1.2 "maxSurge quirk"', build: b,
      reject: { replicas: 3, rollout: { maxSurge: '50%' } }, path: 'rollout.maxSurge', accept: { replicas: 3, rollout: { maxSurge: '33%' } },
      check: (o) => expect(surge(kcp(o)).rollingUpdate.maxSurge).toBe(1),
    },
    {
      rule: 'KCP rollout strategy type: only RollingUpdate is supported (always emitted)', source: '§1.2 l.349', build: b,
      accept: { rollout: {} },
      check: (o) => expect(surge(kcp(o))).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxSurge: 1 } }),
    },
    {
      rule: 'KCP infrastructureRef apiGroup/kind/name cannot be empty', source: '§1.2 l.293-313', build: b,
      reject: { machineTemplate: undefined }, path: 'machineTemplate', accept: {},
      check: (o) => {
        const k = kcp(o);
        const ref = v2(k) ? k.spec.machineTemplate.spec.infrastructureRef : k.spec.machineTemplate.infrastructureRef;
        const infra = one(o, 'DockerMachineTemplate');
        expect(ref.kind).toBe('DockerMachineTemplate');
        expect(ref.name).toBe(infra.metadata.name);
        expect(v2(k) ? ref.apiGroup : ref.apiVersion.split('/')[0]).toBe('infrastructure.cluster.x-k8s.io');
      },
      breaks: (o) => { const k = kcp(o); (v2(k) ? k.spec.machineTemplate.spec : k.spec.machineTemplate).infrastructureRef.name = ''; },
    },
    {
      rule: 'KCP MachineHealthCheck selector must not be empty and must not name another cluster', source: '§3 l.113/l.120', build: b,
      accept: { healthCheck: HealthCheck.controlPlane() },
      check: (o) => {
        const m = one(o, 'MachineHealthCheck');
        expect(Object.keys(m.spec.selector.matchLabels).length).toBeGreaterThan(0);
        const c = m.spec.selector.matchLabels['cluster.x-k8s.io/cluster-name'];
        expect(c === undefined || c === m.spec.clusterName).toBe(true);
      },
    },
  ];
};

export const clusterRows: Row[] = [
  {
    rule: 'version must start with v and be strict semver (v1.31 is invalid)', source: '§1.2 l.324/327, §2.2 l.231/234', build: buildCluster,
    reject: { kubernetesVersion: 'v1.31' }, path: 'kubernetesVersion', accept: { kubernetesVersion: '1.31.4' },
    check: (o) => expect(one(o, 'Cluster').metadata.name).toBe('wh'),
  },
  {
    rule: 'Cluster name must be a valid label value (and the KCP name derived from it, too)', source: '§8 cluster.go l.155', build: buildCluster,
    reject: { name: 'a'.repeat(60) }, path: 'name', accept: { name: 'a'.repeat(49) },
    check: (o) => expect(one(o, 'Cluster').spec.controlPlaneRef.name).toHaveLength(63),
    breaks: (o) => { one(o, 'Cluster').metadata.name = 'a'.repeat(64); },
  },
  {
    rule: 'Cluster: one of controlPlaneRef, infrastructureRef or topology must be set (controlPlaneRef always is)', source: '§8 (since v1.11)', build: buildCluster,
    accept: {},
    check: (o) => expect(one(o, 'Cluster').spec.controlPlaneRef.kind).toBe('KubeadmControlPlane'),
  },
];

export const mdRows = (capi: 'v1beta2' | 'v1beta1'): Row[] => {
  const b = buildWorkers(capi);
  const md = (o: Objects) => one(o, 'MachineDeployment');
  const rolling = (m: any) => (v2(m) ? m.spec.rollout.strategy : m.spec.strategy);
  return [
    {
      rule: 'MD name must be a valid label value (<= 63 characters)', source: '§2.2 l.164', build: b,
      reject: { name: 'g'.repeat(61) }, path: 'name', accept: { name: 'g'.repeat(60) },
      check: (o) => expect(md(o).metadata.name).toHaveLength(63),
      breaks: (o) => { md(o).metadata.name = 'g'.repeat(64); },
    },
    {
      rule: 'MD bootstrap.configRef (or dataSecretName) must be populated', source: '§2.2 l.176', build: b,
      accept: {},
      check: (o) => {
        const ref = md(o).spec.template.spec.bootstrap.configRef;
        expect(ref.kind).toBe('KubeadmConfigTemplate');
        expect(ref.name).toBe(one(o, 'KubeadmConfigTemplate').metadata.name);
      },
    },
    {
      rule: 'MD template labels must match spec.selector', source: '§2.2 l.192', build: b,
      reject: { machineLabels: { 'node-role.kubernetes.io/x': 'not valid!' } }, path: 'machineLabels.node-role.kubernetes.io/x',
      accept: { machineLabels: { 'node.cluster.x-k8s.io/pool': 'a' }, roles: ['gpu'] },
      check: (o) => {
        const m = md(o);
        for (const [k, v] of Object.entries(m.spec.selector.matchLabels)) expect(m.spec.template.metadata.labels[k]).toBe(v);
      },
    },
    {
      rule: 'MD spec.clusterName must equal spec.template.spec.clusterName', source: '§2.2 l.221', build: b,
      reject: { cluster: undefined }, path: 'cluster', accept: {},
      check: (o) => expect(md(o).spec.template.spec.clusterName).toBe(md(o).spec.clusterName),
      breaks: (o) => { md(o).spec.template.spec.clusterName = 'other'; },
    },
    {
      rule: 'MD maxSurge must be an int or a percentage', source: '§2.2 l.261', build: b,
      reject: { strategy: { type: 'RollingUpdate', maxSurge: '2' } }, path: 'strategy.maxSurge', accept: { strategy: { type: 'RollingUpdate', maxSurge: '25%' } },
      check: (o) => expect(rolling(md(o)).rollingUpdate.maxSurge).toBe('25%'),
      breaks: (o) => { rolling(md(o)).rollingUpdate.maxSurge = '2'; },
    },
    {
      rule: 'MD maxUnavailable must be an int or a percentage', source: '§2.2 l.271', build: b,
      reject: { strategy: { type: 'RollingUpdate', maxUnavailable: -1 } }, path: 'strategy.maxUnavailable', accept: { strategy: { type: 'RollingUpdate', maxUnavailable: 2 } },
      check: (o) => expect(rolling(md(o)).rollingUpdate.maxUnavailable).toBe(2),
      breaks: (o) => { rolling(md(o)).rollingUpdate.maxUnavailable = -1; },
      // upstream's webhook parses the value but does not refuse a negative integer
      stricter: true,
    },
    {
      rule: 'MD maxSurge and maxUnavailable cannot both be 0', source: '§2.2 l.281', build: b,
      reject: { strategy: { type: 'RollingUpdate', maxSurge: 0, maxUnavailable: 0 } }, path: 'strategy',
      accept: { strategy: { type: 'RollingUpdate', maxSurge: 0, maxUnavailable: 1 } },
      check: (o) => expect(rolling(md(o)).rollingUpdate).toMatchObject({ maxSurge: 0, maxUnavailable: 1 }),
      breaks: (o) => { Object.assign(rolling(md(o)).rollingUpdate, { maxSurge: 0, maxUnavailable: 0 }); },
    },
    {
      rule: 'MD maxSurge "0%" and maxUnavailable "0%" (the webhook misses strings; the library does not)', source: '§2.2 l.281 note', build: b,
      reject: { strategy: { type: 'RollingUpdate', maxSurge: '0%', maxUnavailable: '0%' } }, path: 'strategy',
      accept: { strategy: { type: 'RollingUpdate', maxSurge: '0%', maxUnavailable: '10%' } },
      check: (o) => expect(rolling(md(o)).rollingUpdate).toMatchObject({ maxSurge: '0%', maxUnavailable: '10%' }),
      breaks: (o) => { Object.assign(rolling(md(o)).rollingUpdate, { maxSurge: '0%', maxUnavailable: '0%' }); },
      stricter: true,
    },
    {
      rule: 'MD strategy type is RollingUpdate or OnDelete', source: '§2.1 strategy type enum', build: b,
      reject: { strategy: { type: 'Recreate' } }, path: 'strategy.type', accept: { strategy: { type: 'OnDelete' } },
      check: (o) => expect(rolling(md(o))).toEqual({ type: 'OnDelete' }),
      breaks: (o) => { rolling(md(o)).type = 'Recreate'; },
    },
    {
      rule: 'MD OnDelete has no rollingUpdate settings', source: '§2.1', build: b,
      reject: { strategy: { type: 'OnDelete', maxSurge: 1 } }, path: 'strategy.maxSurge', accept: { strategy: { type: 'OnDelete' } },
      check: (o) => expect(rolling(md(o)).rollingUpdate).toBeUndefined(),
      breaks: (o) => { rolling(md(o)).rollingUpdate = { maxSurge: 1 }; },
      // upstream ignores rollingUpdate settings under OnDelete; the library refuses settings that would do nothing
      stricter: true,
    },
    {
      rule: 'worker Machines must not carry the control-plane role', source: '§2.2 machine.go l.155', build: b,
      reject: { roles: ['control-plane'] }, path: 'roles[0]', accept: { roles: ['worker'] },
      check: (o) => expect(md(o).spec.template.metadata.labels['node-role.kubernetes.io/worker']).toBe(''),
    },
    {
      rule: 'MD deletion order is Random, Newest or Oldest', source: '§2.1 delete policy enum', build: b,
      reject: { deletionOrder: 'Smallest' }, path: 'deletionOrder', accept: { deletionOrder: 'Oldest' },
      check: (o) => {
        const m = md(o);
        expect(v2(m) ? m.spec.deletion.order : m.spec.strategy.rollingUpdate.deletePolicy).toBe('Oldest');
      },
      breaks: (o) => { const m = md(o); if (v2(m)) m.spec.deletion.order = 'Smallest'; else m.spec.strategy.rollingUpdate.deletePolicy = 'Smallest'; },
    },
    {
      rule: 'MHC nodeStartupTimeout must be 0 or at least 30s', source: '§3 machinehealthcheck.go l.146', build: b,
      reject: { healthCheck: HealthCheck.workers({ nodeStartupTimeout: '20s' }) }, path: 'healthCheck.nodeStartupTimeout',
      accept: { healthCheck: HealthCheck.workers({ nodeStartupTimeout: 0 }) },
      check: (o) => {
        const m = one(o, 'MachineHealthCheck');
        expect(v2(m) ? m.spec.checks.nodeStartupTimeoutSeconds : m.spec.nodeStartupTimeout).toBe(v2(m) ? 0 : '0s');
      },
      breaks: (o) => { const m = one(o, 'MachineHealthCheck'); if (v2(m)) m.spec.checks.nodeStartupTimeoutSeconds = 20; else m.spec.nodeStartupTimeout = '20s'; },
    },
    {
      rule: 'MHC maxUnhealthy (unhealthyLessThanOrEqualTo) must be an int or a percentage', source: '§3 l.159', build: b,
      reject: { healthCheck: HealthCheck.workers({ maxUnhealthy: 'most' }) }, path: 'healthCheck.maxUnhealthy',
      accept: { scaling: { replicas: 5 }, healthCheck: HealthCheck.workers({ maxUnhealthy: '40%' }) },
      check: (o) => {
        const m = one(o, 'MachineHealthCheck');
        expect(v2(m) ? m.spec.remediation.triggerIf.unhealthyLessThanOrEqualTo : m.spec.maxUnhealthy).toBe('40%');
      },
      breaks: (o) => { const m = one(o, 'MachineHealthCheck'); if (v2(m)) m.spec.remediation.triggerIf.unhealthyLessThanOrEqualTo = 'most'; else m.spec.maxUnhealthy = 'most'; },
    },
    {
      rule: 'MHC unhealthyRange must match ^\\[[0-9]+-[0-9]+\\]$', source: '§3 CRD pattern', build: b,
      reject: { healthCheck: HealthCheck.workers({ unhealthyRange: '1-3' }) }, path: 'healthCheck.unhealthyRange',
      accept: { healthCheck: HealthCheck.workers({ unhealthyRange: '[1-3]' }) },
      check: (o) => {
        const m = one(o, 'MachineHealthCheck');
        expect(v2(m) ? m.spec.remediation.triggerIf.unhealthyInRange : m.spec.unhealthyRange).toBe('[1-3]');
      },
      breaks: (o) => { const m = one(o, 'MachineHealthCheck'); if (v2(m)) m.spec.remediation.triggerIf.unhealthyInRange = '1-3'; else m.spec.unhealthyRange = '1-3'; },
    },
    {
      rule: 'MHC unhealthy node conditions need type, status and a timeout', source: '§3 (all three required)', build: b,
      reject: { healthCheck: HealthCheck.workers({ unhealthyConditions: [{ type: 'Ready', status: 'Maybe', timeout: '5m' }] }) },
      path: 'healthCheck.unhealthyConditions[0].status',
      accept: { healthCheck: HealthCheck.workers({ unhealthyConditions: [{ type: 'Ready', status: 'Unknown', timeout: 300 }] }) },
      check: (o) => {
        const m = one(o, 'MachineHealthCheck');
        expect(v2(m) ? m.spec.checks.unhealthyNodeConditions : m.spec.unhealthyConditions)
          .toEqual([v2(m) ? { type: 'Ready', status: 'Unknown', timeoutSeconds: 300 } : { type: 'Ready', status: 'Unknown', timeout: '5m0s' }]);
      },
      breaks: (o) => { const m = one(o, 'MachineHealthCheck'); (v2(m) ? m.spec.checks.unhealthyNodeConditions : m.spec.unhealthyConditions)[0].status = 'Maybe'; },
      // upstream's schema takes any non-empty status string; a Node condition is only ever True, False or Unknown
      stricter: true,
    },
    {
      rule: 'MHC selector must not be empty and must not name another cluster', source: '§3 l.113/l.120', build: b,
      accept: { healthCheck: HealthCheck.workers() },
      check: (o) => {
        const m = one(o, 'MachineHealthCheck');
        expect(m.spec.selector.matchLabels['cluster.x-k8s.io/deployment-name']).toBe(md(o).metadata.name);
        const c = m.spec.selector.matchLabels['cluster.x-k8s.io/cluster-name'];
        expect(c === undefined || c === m.spec.clusterName).toBe(true);
      },
    },
    {
      rule: 'autoscaled MD: both min and max annotations, replicas omitted', source: '§5', build: b,
      reject: { scaling: { min: 1 } }, path: 'scaling.max', accept: { scaling: { min: 1, max: 4 } },
      check: (o) => {
        const m = md(o);
        expect(m.spec.replicas).toBeUndefined();
        expect(m.metadata.annotations).toEqual({
          'cluster.x-k8s.io/cluster-api-autoscaler-node-group-min-size': '1',
          'cluster.x-k8s.io/cluster-api-autoscaler-node-group-max-size': '4',
        });
      },
    },
  ];
};

// ------------------------------------------------------------------------------------------------
// Provider template rules (shared/facts/providers.md §1.2-1.4 vSphere, §2.2-2.4 OpenStack). The
// template is used by a worker group, so the accepted objects include the template object itself,
// validated against the provider's CRD.

const UUID = '0b0e2c5a-7d2f-4a57-9d55-3f0f6f5b9a11';

const buildWithTemplate = (make: (input: any) => any): Build => (chart, input) => {
  const machineTemplate = make(input);
  const cluster = new Cluster(chart, 'c', CLUSTER);
  new WorkerGroup(chart, 'md', { cluster, name: 'md', machineTemplate });
};

const VSPHERE: VSphereMachineTemplateProps = { template: 'ubuntu-2404-kube-v1.31.4', networkName: 'VM Network', numCPUs: 4, memoryMiB: 8192 };
const bv = buildWithTemplate((o: Partial<VSphereMachineTemplateProps>) => new VSphereMachineTemplate({ ...VSPHERE, ...o } as VSphereMachineTemplateProps));
const vspec = (o: Objects) => one(o, 'VSphereMachineTemplate').spec.template.spec;

export const vsphereRows: Row[] = [
  {
    rule: 'vSphere v1beta2: numCPUs >= 2', source: 'providers.md §1.2 (CRD minimum 2)', build: bv,
    reject: { numCPUs: 1 }, path: 'numCPUs', accept: { numCPUs: 2 },
    check: (o) => expect(vspec(o).numCPUs).toBe(2),
    breaks: (o) => { vspec(o).numCPUs = 1; },
  },
  {
    rule: 'vSphere: providerID cannot be set in templates', source: 'providers.md §1.4 ValidateCreate', build: bv,
    reject: { additionalFields: { providerID: 'vsphere://42' } }, path: /providerID/, accept: { additionalFields: { os: 'Linux' } },
    check: (o) => expect([vspec(o).providerID, vspec(o).os]).toEqual([undefined, 'Linux']),
    breaks: (o) => { vspec(o).providerID = 'vsphere://42'; },
  },
  {
    rule: 'vSphere: network.devices[].ipAddrs cannot be set in templates (use DHCP or IPAM pools)', source: 'providers.md §1.4 ValidateCreate', build: bv,
    reject: { networkName: undefined, networks: [{ networkName: 'VM Network', ipAddrs: ['10.0.0.5/24'] }] }, path: 'networks[0].ipAddrs',
    accept: { networkName: undefined, networks: [{ networkName: 'VM Network', addressesFromPools: [{ kind: 'InClusterIPPool', name: 'nodes' }] }] },
    check: (o) => {
      const d = vspec(o).network.devices[0];
      expect(d.ipAddrs).toBeUndefined();
      expect(d.addressesFromPools).toEqual([{ apiGroup: 'ipam.cluster.x-k8s.io', kind: 'InClusterIPPool', name: 'nodes' }]);
    },
    breaks: (o) => { vspec(o).network.devices[0].ipAddrs = ['10.0.0.5/24']; },
  },
  {
    rule: 'vSphere: hardwareVersion matches ^vmx-[1-9][0-9]?$', source: 'providers.md §1.4', build: bv,
    reject: { hardwareVersion: 'vmx19' }, path: 'hardwareVersion', accept: { hardwareVersion: 'vmx-19' },
    check: (o) => expect(vspec(o).hardwareVersion).toBe('vmx-19'),
    breaks: (o) => { vspec(o).hardwareVersion = 'vmx19'; },
  },
  {
    rule: 'vSphere: guestSoftPowerOffTimeout only with powerOffMode trySoft', source: 'providers.md §1.4', build: bv,
    reject: { powerOffMode: 'hard', guestSoftPowerOffTimeout: '5m' }, path: 'guestSoftPowerOffTimeout',
    accept: { powerOffMode: 'trySoft', guestSoftPowerOffTimeout: '5m' },
    check: (o) => expect([vspec(o).powerOffMode, vspec(o).guestSoftPowerOffTimeoutSeconds]).toEqual(['trySoft', 300]),
    breaks: (o) => { vspec(o).powerOffMode = 'hard'; },
  },
  {
    rule: 'vSphere: template and at least one network device are required', source: 'providers.md §1.2', build: bv,
    reject: { networkName: undefined }, path: 'networkName', accept: {},
    check: (o) => expect(vspec(o).network.devices).toEqual([{ networkName: 'VM Network', dhcp4: true }]),
    breaks: (o) => { vspec(o).network.devices = []; },
    // CAPV's schema and webhook take a template without network devices; the library requires one
    stricter: true,
  },
];

const OPENSTACK: OpenStackMachineTemplateProps = { flavor: 'm1.large', image: 'ubuntu-2404-kube-v1.31.4' };
const bo = buildWithTemplate((o: Partial<OpenStackMachineTemplateProps>) => new OpenStackMachineTemplate({ ...OPENSTACK, ...o } as OpenStackMachineTemplateProps));
const ospec = (o: Objects) => one(o, 'OpenStackMachineTemplate').spec.template.spec;

export const openstackRows: Row[] = [
  {
    rule: 'OpenStack: a flavor is required (flavor or flavorID; CEL "at least one of flavor or flavorID must be set")', source: 'providers.md §2.2', build: bo,
    reject: { flavor: undefined }, path: /^flavor/, accept: { flavor: undefined, flavorId: UUID },
    check: (o) => expect(ospec(o).flavorID).toBe(UUID),
    breaks: (o) => { delete ospec(o).flavor; delete ospec(o).flavorID; },
  },
  {
    rule: 'OpenStack: image is exactly one of filter, id or imageRef', source: 'providers.md §2.2 (minProperties/maxProperties 1)', build: bo,
    reject: { image: { name: 'ubuntu', id: UUID } }, path: 'image', accept: { image: { id: UUID } },
    check: (o) => expect(ospec(o).image).toEqual({ id: UUID }),
    breaks: (o) => { ospec(o).image = { filter: { name: 'ubuntu' }, id: UUID }; },
  },
  {
    rule: 'OpenStack: providerID cannot be set in templates', source: 'providers.md §2.4', build: bo,
    reject: { additionalFields: { providerID: 'openstack:///x' } }, path: /providerID/, accept: {},
    check: (o) => expect(ospec(o).providerID).toBeUndefined(),
    breaks: (o) => { ospec(o).providerID = 'openstack:///x'; },
  },
  {
    rule: 'OpenStack: rootVolume.sizeGiB >= 1', source: 'providers.md §2.2', build: bo,
    reject: { rootVolume: { sizeGiB: 0 } }, path: 'rootVolume.sizeGiB', accept: { rootVolume: { sizeGiB: 50, volumeType: 'ceph-ssd' } },
    check: (o) => expect(ospec(o).rootVolume).toEqual({ sizeGiB: 50, type: 'ceph-ssd' }),
    breaks: (o) => { ospec(o).rootVolume.sizeGiB = 0; },
  },
  {
    rule: 'OpenStack v1beta2: flavor is an object (filter.name or id)', source: 'providers.md §2.3', build: bo,
    reject: { version: 'v1beta3' }, path: 'version', accept: { version: 'v1beta2' },
    check: (o) => expect(ospec(o).flavor).toEqual({ filter: { name: 'm1.large' } }),
  },
];

/** Every group of rows, by name. */
export const ROW_GROUPS: readonly { readonly name: string; readonly rows: readonly Row[] }[] = [
  { name: 'Cluster webhook rules', rows: clusterRows },
  ...(['v1beta2', 'v1beta1'] as const).map((capi) => ({ name: `KubeadmControlPlane webhook rules, ${capi}`, rows: kcpRows(capi) })),
  ...(['v1beta2', 'v1beta1'] as const).map((capi) => ({ name: `MachineDeployment and MachineHealthCheck webhook rules, ${capi}`, rows: mdRows(capi) })),
  { name: 'vSphere template rules', rows: vsphereRows },
  { name: 'OpenStack template rules', rows: openstackRows },
];
