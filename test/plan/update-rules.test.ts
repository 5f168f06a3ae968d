/**
 * One table per upstream webhook: each row names the upstream file and rule, builds a (previous,
 * next) pair (through the public API where the library can produce it, as a hand edit otherwise),
 * and states what the rule reports. Rows with `expect: []` are updates the webhook accepts.
 */
import {
  clusterUpdateRules, infraMachineTemplateUpdateRules, kcpAllowListRule, kcpEtcdRule, kcpPathAllowed, kcpVersionRule,
  kubeadmConfigTemplateUpdateRules, kubeadmControlPlaneUpdateRules, machineDeploymentUpdateRules, machineDeploymentVersionSkewRule,
  machineHealthCheckUpdateRules, Manifest, OpenStackCluster, OpenStackClusterProps, OpenStackMachineTemplate, rejectedUpdate, RejectedChange,
  VSphereMachineTemplate,
} from '../../lib';
import { clusterSpec, ClusterSpecOverrides, docker, edited, rendered } from './fixtures';

type Row = {
  /** Upstream file and rule. */
  upstream: string;
  what: string;
  pair: () => [Manifest, Manifest];
  check: (previous: Manifest, next: Manifest) => RejectedChange[];
  /** [path, effect] of every entry reported. */
  expect: [string, RejectedChange['effect']][];
  /** The upstream message the rule reports, where it reports one. */
  rule?: RegExp;
};

const KCP = 'cluster-api v1.14.0 controlplane/kubeadm/webhooks/admission/kubeadmcontrolplane.go';
const kcp = (over: ClusterSpecOverrides = {}) => rendered(clusterSpec(over), 'KubeadmControlPlane');
const nfd = { nodeStatusUpdateFrequency: '10s', nodeMonitorPeriod: '5s', nodeMonitorGracePeriod: '40s' };

const kcpRows: Row[] = [
  {
    upstream: `${KCP} ValidateUpdate allowedPaths`, what: 'clusterConfiguration removed as a whole (hand edit)',
    pair: () => { const k = kcp({ cluster: { nodeFailureDetection: nfd } }); return [k, edited(k, (o) => { delete o.spec.kubeadmConfigSpec.clusterConfiguration; })]; },
    check: kcpAllowListRule, expect: [['spec.kubeadmConfigSpec.clusterConfiguration', 'rejected']], rule: /Forbidden: cannot be modified/,
  },
  {
    upstream: `${KCP} ValidateUpdate allowedPaths`, what: 'initConfiguration and joinConfiguration removed (hand edit)',
    pair: () => { const k = kcp(); return [k, edited(k, (o) => { delete o.spec.kubeadmConfigSpec.initConfiguration; delete o.spec.kubeadmConfigSpec.joinConfiguration; })]; },
    check: kcpAllowListRule, expect: [['spec.kubeadmConfigSpec.initConfiguration', 'rejected'], ['spec.kubeadmConfigSpec.joinConfiguration', 'rejected']],
  },
  {
    upstream: `${KCP} ValidateUpdate allowedPaths`, what: 'clusterConfiguration.certificatesDir changed (not in the list)',
    pair: () => { const k = kcp(); return [k, edited(k, (o) => { o.spec.kubeadmConfigSpec.clusterConfiguration.certificatesDir = '/etc/pki'; })]; },
    check: kcpAllowListRule, expect: [['spec.kubeadmConfigSpec.clusterConfiguration.certificatesDir', 'rejected']],
  },
  {
    upstream: `${KCP} ValidateUpdate allowedPaths`, what: 'nodeFailureDetection turned off by the library: accepted (the kubeadm sections stay)',
    pair: () => [kcp({ cluster: { nodeFailureDetection: nfd } }), kcp()],
    check: kcpAllowListRule, expect: [],
  },
  {
    upstream: `${KCP} ValidateUpdate allowedPaths`, what: 'a KubeadmControlPlane written before the kubeadmConfigSpec floor gets it: accepted',
    pair: () => {
      const k = kcp();
      return [edited(k, (o) => { delete o.spec.kubeadmConfigSpec.clusterConfiguration; delete o.spec.kubeadmConfigSpec.initConfiguration; delete o.spec.kubeadmConfigSpec.joinConfiguration; }), k];
    },
    check: kcpAllowListRule, expect: [],
  },
  {
    upstream: `${KCP} ValidateUpdate allowedPaths`, what: 'nodeFailureDetection turned on, replicas, labels and a renamed template: accepted',
    pair: () => [kcp(), kcp({ cluster: { nodeFailureDetection: nfd }, controlPlane: { replicas: 5, machineTemplate: docker('kindest/node:v1.31.5'), machineLabels: { pool: 'cp' } } })],
    check: kcpAllowListRule, expect: [],
  },
  {
    upstream: `${KCP} ValidateUpdate allowedPaths (v1beta1 converted to v1beta2)`, what: 'v1beta1 machineTemplate.infrastructureRef and rolloutStrategy changes: accepted',
    pair: () => [kcp({ cluster: { apiVersion: 'v1beta1' } }), kcp({ cluster: { apiVersion: 'v1beta1' }, controlPlane: { replicas: 3, rollout: { maxSurge: 0 }, machineTemplate: docker('kindest/node:v1.31.5') } })],
    check: kcpAllowListRule, expect: [],
  },
  {
    upstream: `${KCP} validateVersion`, what: 'v1.31.4 -> v1.33.0 skips a minor',
    pair: () => [kcp(), kcp({ cluster: { kubernetesVersion: 'v1.33.0' } })],
    check: kcpVersionRule, expect: [['spec.version', 'rejected']], rule: /cannot update Kubernetes version from v1.31.4 to v1.33.0/,
  },
  {
    upstream: `${KCP} validateVersion`, what: 'v1.31.4 -> v1.32.9 (one minor, any patch): accepted',
    pair: () => [kcp(), kcp({ cluster: { kubernetesVersion: 'v1.32.9' } })],
    check: kcpVersionRule, expect: [],
  },
  {
    upstream: `${KCP} validateVersion`, what: 'v1.31.4 -> v1.30.2 (downgrades are not blocked by this rule)',
    pair: () => [kcp(), kcp({ cluster: { kubernetesVersion: 'v1.30.2' } })],
    check: kcpVersionRule, expect: [],
  },
  {
    upstream: `${KCP} validateClusterConfiguration`, what: 'local etcd -> external etcd (hand edit)',
    pair: () => { const k = kcp(); return [k, edited(k, (o) => { o.spec.kubeadmConfigSpec.clusterConfiguration.etcd = { external: { endpoints: ['https://etcd:2379'] } }; })]; },
    check: kcpEtcdRule, expect: [['spec.kubeadmConfigSpec.clusterConfiguration.etcd.external', 'rejected']], rule: /cannot change between external and local etcd/,
  },
];

const CLUSTER = 'cluster-api v1.14.0 core/webhooks/admission/cluster.go validate';
const withInfra = { infrastructure: { apiGroup: 'infrastructure.cluster.x-k8s.io', version: 'v1beta2', kind: 'DockerCluster', spec: { loadBalancer: {} } } };
const cluster = (over: ClusterSpecOverrides = {}) => rendered(clusterSpec(over), 'Cluster');

const clusterRows: Row[] = [
  {
    // The library requires infrastructure now; the previous state may be a hand edit or an older release's output.
    upstream: CLUSTER, what: 'infrastructureRef removed (hand edit, or an older output without infrastructure)',
    pair: () => { const c = cluster({ cluster: withInfra }); return [c, edited(c, (o) => { delete o.spec.infrastructureRef; })]; },
    check: clusterUpdateRules, expect: [['spec.infrastructureRef', 'rejected']], rule: /cannot be removed/,
  },
  {
    upstream: CLUSTER, what: 'controlPlaneRef removed (hand edit)',
    pair: () => { const c = cluster(); return [c, edited(c, (o) => { delete o.spec.controlPlaneRef; })]; },
    check: clusterUpdateRules, expect: [['spec.controlPlaneRef', 'rejected']],
  },
  {
    upstream: CLUSTER, what: 'topology removed (foreign ClusterClass Cluster)',
    pair: () => { const c = edited(cluster(), (o) => { o.spec.topology = { class: 'quick-start', version: 'v1.31.4' }; }); return [c, edited(c, (o) => { delete o.spec.topology; })]; },
    check: clusterUpdateRules, expect: [['spec.topology', 'rejected']], rule: /cannot be removed from an existing Cluster/,
  },
  {
    upstream: CLUSTER, what: 'infrastructureRef added, network changed: accepted',
    pair: () => [cluster(), cluster({ cluster: { ...withInfra, clusterNetwork: { pods: ['10.244.0.0/16'] } } })],
    check: clusterUpdateRules, expect: [],
  },
];

const md = (over: ClusterSpecOverrides = {}) => rendered(clusterSpec(over), 'MachineDeployment');
const PREFLIGHT = 'cluster-api v1.14.0 core/reconcilers/machineset/machineset_preflight.go';
const skew = (cpVersion: string) => (previous: Manifest, next: Manifest) => machineDeploymentVersionSkewRule(previous, next, cpVersion);
const mdVersion = (v: string) => (o: any) => { o.spec.template.spec.version = v; };

const mdRows: Row[] = [
  {
    upstream: 'cluster-api v1.14.0 core/webhooks/admission/machinedeployment.go validate', what: 'spec.clusterName changed (hand edit)',
    pair: () => { const m = md(); return [m, edited(m, (o) => { o.spec.clusterName = 'other'; o.spec.template.spec.clusterName = 'other'; })]; },
    check: machineDeploymentUpdateRules, expect: [['spec.clusterName', 'rejected']], rule: /field is immutable/,
  },
  {
    upstream: `${PREFLIGHT} kubernetesVersionPreflightCheck`, what: 'workers moved above the control plane (v1.32.0 over v1.31.4)',
    pair: () => { const m = md(); return [m, edited(m, mdVersion('v1.32.0'))]; },
    check: skew('v1.31.4'), expect: [['spec.template.spec.version', 'blocked']], rule: /KubernetesVersionSkew/,
  },
  {
    upstream: `${PREFLIGHT} kubeadmVersionPreflightCheck`, what: 'kubeadm workers a minor behind after the control plane moved (v1.30 workers, v1.31 control plane)',
    pair: () => { const m = md(); return [edited(m, mdVersion('v1.29.9')), edited(m, mdVersion('v1.30.5'))]; },
    check: skew('v1.31.4'), expect: [['spec.template.spec.version', 'blocked']], rule: /KubeadmVersionSkew/,
  },
  {
    upstream: `${PREFLIGHT} kubeadmVersionPreflightCheck`, what: 'workers and control plane upgraded together by one minor: accepted',
    pair: () => [md(), md({ cluster: { kubernetesVersion: 'v1.32.1' } })],
    check: skew('v1.32.1'), expect: [],
  },
  {
    upstream: 'cluster-api v1.14.0 core/webhooks/admission/machinehealthcheck.go validate', what: 'MachineHealthCheck spec.clusterName changed (hand edit)',
    pair: () => { const m = rendered(clusterSpec(), 'MachineHealthCheck'); return [m, edited(m, (o) => { o.spec.clusterName = 'other'; })]; },
    check: machineHealthCheckUpdateRules, expect: [['spec.clusterName', 'rejected']],
  },
];

const CAPO = 'cluster-api-provider-openstack v0.14.7 pkg/webhooks/openstackcluster_webhook.go ValidateUpdate';
const osProps: OpenStackClusterProps = {
  cloudName: 'openstack', secretName: 'prod-cloud-config', externalNetwork: 'public', managedSubnets: [{ cidr: '10.6.0.0/24', dnsNameservers: ['8.8.8.8'] }],
  managedSecurityGroups: true, apiServerLoadBalancer: true,
};
const osc = (over: Partial<OpenStackClusterProps> = {}) => rendered(clusterSpec({ cluster: { infrastructure: new OpenStackCluster({ ...osProps, ...over }), cloudController: false } }), 'OpenStackCluster');

const openstackRows: Row[] = [
  {
    upstream: CAPO, what: 'externalNetwork changed',
    pair: () => [osc(), osc({ externalNetwork: 'public-2' })],
    check: (a, b) => rejectedUpdate(a, b), expect: [['spec.externalNetwork.filter.name', 'rejected']], rule: /spec: Forbidden: cannot be modified/,
  },
  {
    upstream: CAPO, what: 'managedSubnets CIDR changed',
    pair: () => [osc(), osc({ managedSubnets: [{ cidr: '10.7.0.0/24' }] })],
    check: (a, b) => rejectedUpdate(a, b), expect: [['spec.managedSubnets[0].cidr', 'rejected']], rule: /cannot change subnet CIDR from existing value to 10.7.0.0\/24/,
  },
  {
    upstream: CAPO, what: 'a subnet added',
    pair: () => { const o = osc(); return [o, edited(o, (x) => { x.spec.managedSubnets.push({ cidr: '10.8.0.0/24' }); })]; },
    check: (a, b) => rejectedUpdate(a, b), expect: [['spec.managedSubnets', 'rejected']], rule: /cannot add or remove subnets/,
  },
  {
    upstream: CAPO, what: 'apiServerLoadBalancer turned off',
    pair: () => [osc(), osc({ apiServerLoadBalancer: false })],
    check: (a, b) => rejectedUpdate(a, b), expect: [['spec.apiServerLoadBalancer', 'rejected']],
  },
  {
    upstream: CAPO, what: 'dnsNameservers, allowAllInClusterTraffic and identity changed: accepted',
    pair: () => [osc(), osc({ managedSubnets: [{ cidr: '10.6.0.0/24', dnsNameservers: ['1.1.1.1'] }], managedSecurityGroups: { allowAllInClusterTraffic: true }, secretName: 'rotated' })],
    check: (a, b) => rejectedUpdate(a, b), expect: [],
  },
  {
    upstream: CAPO, what: 'an enabled bastion removed (hand edit)',
    pair: () => { const o = edited(osc(), (x) => { x.spec.bastion = { enabled: true, spec: { flavor: 'm1.small' } }; }); return [o, edited(o, (x) => { delete x.spec.bastion; })]; },
    check: (a, b) => rejectedUpdate(a, b), expect: [['spec.bastion', 'rejected']], rule: /cannot be removed before disabling it/,
  },
  {
    upstream: CAPO, what: 'apiServerFloatingIP set to the load balancer IP in status: accepted',
    pair: () => { const o = edited(osc(), (x) => { x.status = { apiServerLoadBalancer: { ip: '203.0.113.7' } }; }); return [o, edited(o, (x) => { delete x.status; x.spec.apiServerFloatingIP = '203.0.113.7'; })]; },
    check: (a, b) => rejectedUpdate(a, b), expect: [],
  },
];

const osTemplate = new OpenStackMachineTemplate({ flavor: 'm1.large', image: 'ubuntu-2404' });
const vsTemplate = new VSphereMachineTemplate({ template: 'ubuntu-2404', networkName: 'VM Network' });
const cpTemplate = (t: OpenStackMachineTemplate | VSphereMachineTemplate | ReturnType<typeof docker>, kind: string) =>
  rendered(clusterSpec({ controlPlane: { replicas: 3, machineTemplate: t }, workers: [] }), kind);

const templateRows: Row[] = [
  {
    upstream: 'cluster-api-provider-openstack v0.14.7 pkg/webhooks/openstackmachinetemplate_webhook.go ValidateUpdate', what: 'OpenStackMachineTemplate flavor edited in place',
    pair: () => { const t = cpTemplate(osTemplate, 'OpenStackMachineTemplate'); return [t, edited(t, (o) => { o.spec.template.spec.flavor = 'm1.xlarge'; })]; },
    check: infraMachineTemplateUpdateRules, expect: [['spec.template.spec.flavor', 'rejected']], rule: /OpenStackMachineTemplate spec.template.spec field is immutable/,
  },
  {
    upstream: 'cluster-api-provider-vsphere v1.16.1 internal/webhooks/vspheremachinetemplate.go ValidateUpdate', what: 'VSphereMachineTemplate numCPUs edited in place',
    pair: () => { const t = cpTemplate(vsTemplate, 'VSphereMachineTemplate'); return [t, edited(t, (o) => { o.spec.template.spec.numCPUs = 8; })]; },
    check: infraMachineTemplateUpdateRules, expect: [['spec.template.spec.numCPUs', 'rejected']],
  },
  {
    upstream: 'cluster-api v1.14.0 docs/book/src/developer/providers/contracts/infra-machine.md (any other provider)', what: 'DockerMachineTemplate edited in place',
    pair: () => { const t = cpTemplate(docker(), 'DockerMachineTemplate'); return [t, edited(t, (o) => { o.spec.template.spec.customImage = 'kindest/node:v1.31.5'; })]; },
    check: infraMachineTemplateUpdateRules, expect: [['spec.template.spec.customImage', 'rejected']],
  },
  {
    upstream: 'cluster-api-provider-openstack v0.14.7 pkg/webhooks/openstackmachinetemplate_webhook.go ValidateUpdate', what: 'template metadata labels changed: accepted (only spec.template.spec is fixed)',
    pair: () => { const t = cpTemplate(osTemplate, 'OpenStackMachineTemplate'); return [t, edited(t, (o) => { o.metadata.labels.team = 'a'; })]; },
    check: infraMachineTemplateUpdateRules, expect: [],
  },
  {
    upstream: 'cluster-api v1.14.0 bootstrap/kubeadm/webhooks/admission/kubeadmconfigtemplate.go ValidateUpdate', what: 'KubeadmConfigTemplate edited in place: accepted but ignored',
    pair: () => { const t = rendered(clusterSpec(), 'KubeadmConfigTemplate'); return [t, edited(t, (o) => { o.spec.template.spec.preKubeadmCommands = ['echo hi']; })]; },
    check: kubeadmConfigTemplateUpdateRules, expect: [['spec.template.spec.preKubeadmCommands', 'ignored']], rule: /existing Machines keep their bootstrap config/,
  },
];

describe.each([
  ['KubeadmControlPlane', kcpRows],
  ['Cluster', clusterRows],
  ['MachineDeployment and MachineHealthCheck', mdRows],
  ['OpenStackCluster', openstackRows],
  ['machine templates', templateRows],
])('%s update rules', (_kind, rows) => {
  test.each(rows.map((r) => [`${r.upstream}: ${r.what}`, r] as const))('%s', (_name, row) => {
    const [previous, next] = row.pair();
    const found = row.check(previous, next);
    expect(found.map((f) => [f.path, f.effect])).toEqual(row.expect);
    for (const f of found) {
      // every entry names its upstream source (file and function) and what to do instead
      expect(row.upstream.startsWith(f.source.split(' ').slice(0, 3).join(' '))).toBe(true);
      expect(f.instead.length).toBeGreaterThan(20);
      expect(f.object).toEqual({ apiVersion: next.apiVersion, kind: next.kind, namespace: next.metadata.namespace, name: next.metadata.name });
      if (row.rule) expect(f.rule).toMatch(row.rule);
    }
  });
});

describe('dispatch and the allow-list itself', () => {
  test('rejectedUpdate applies the rules of the object\'s kind', () => {
    const k = kcp();
    const bad = edited(k, (o) => { o.spec.version = 'v1.33.0'; o.spec.kubeadmConfigSpec.clusterConfiguration.certificatesDir = '/x'; });
    expect(rejectedUpdate(k, bad)).toEqual(kubeadmControlPlaneUpdateRules(k, bad));
    expect(rejectedUpdate(k, bad).map((r) => r.path)).toEqual(['spec.kubeadmConfigSpec.clusterConfiguration.certificatesDir', 'spec.version']);
  });

  test.each([
    [['spec', 'kubeadmConfigSpec', 'clusterConfiguration'], false],
    [['spec', 'kubeadmConfigSpec', 'clusterConfiguration', 'controllerManager'], true],
    [['spec', 'kubeadmConfigSpec', 'clusterConfiguration', 'controllerManager', 'extraArgs'], true],
    [['spec', 'kubeadmConfigSpec', 'clusterConfiguration', 'etcd', 'external'], true],
    [['spec', 'kubeadmConfigSpec', 'clusterConfiguration', 'etcd', 'external', 'endpoints'], true],
    [['spec', 'kubeadmConfigSpec', 'initConfiguration', 'patches', 'directory'], true],
    [['spec', 'kubeadmConfigSpec', 'initConfiguration', 'patches', 'directory', 'x'], false],
    [['spec', 'machineTemplate', 'spec', 'infrastructureRef', 'name'], true],
    [['spec', 'kubeadmConfigSpec', 'joinConfiguration', 'caCertPath'], true],
    [['metadata', 'labels', 'a'], true],
    [['spec', 'kubeadmConfigSpec', 'useExperimentalRetryJoin'], false],
  ] as const)('path %j allowed: %s (pathsMatch as in the webhook)', (path, ok) => {
    expect(kcpPathAllowed(path)).toBe(ok);
  });
});
