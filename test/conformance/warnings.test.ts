/**
 * Lints: every warning the library can give has a test. The suite greps every `.warn(` call in lib/
 * and requires a registry entry for it (so a new warning without a test fails here); each entry names
 * an input that triggers the warning (path and message checked) and a close input that does not.
 */
import { renderAddonApiDeployment } from '../../lib/core/addons';
import * as fs from 'fs';
import * as path from 'path';
import { Chart, Testing } from 'cdk8s';
import {
  Cluster, ClusterProps, ControlPlaneGroup, ControlPlaneGroupProps, CustomMachineTemplate, HealthCheck, setWarningHandler, Warning,
  WorkerGroupProps,
} from '../../lib';
import { buildCluster } from '../../lib/core/cluster/cluster';
import { renderControlPlane } from '../../lib/core/nodes/control-plane';
import { Problems } from '../../lib/core/rules/errors';
import { renderWorkerGroup } from '../../lib/core/nodes/worker-group';
import { addonChartValues } from '../../lib/core/addons/parameters';
import { OpenStackCluster, OpenStackClusterProps } from '../../lib/core/providers/openstack';
import { VSphereCluster, VSphereMachineTemplate, VSphereMachineTemplateProps } from '../../lib/core/providers/vsphere';
import { CONTROL_PLANE_TAINT } from '../../lib/core/kubeadm/taints';
import { TEST_INFRA } from '../support/infrastructure';

const REPO = path.resolve(__dirname, '../..');

// ------------------------------------------------------------------------------------------------
// Finding the call sites

interface Site { readonly file: string; readonly line: number; readonly pathArg: string; readonly messageArg: string }

function libFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? libFiles(p) : e.name.endsWith('.ts') ? [p] : [];
  });
}

/** Splits the argument list starting at `text[start]` (just after `(`) into top-level arguments. */
function callArgs(text: string, start: number): string[] {
  const args: string[] = [];
  let depth = 0;
  let cur = '';
  const stack: string[] = []; // open quotes / template braces
  for (let i = start; i < text.length; i++) {
    const ch = text[i];
    const top = stack[stack.length - 1];
    if (top === "'" || top === '"' || top === '`') {
      cur += ch;
      if (ch === '\\') { cur += text[++i]; continue; }
      if (top === '`' && ch === '$' && text[i + 1] === '{') { cur += '{'; i++; stack.push('${'); continue; }
      if (ch === top) stack.pop();
      continue;
    }
    if (ch === "'" || ch === '"' || ch === '`') { stack.push(ch); cur += ch; continue; }
    if (top === '${' && ch === '}') { stack.pop(); cur += ch; continue; }
    if (ch === '(' || ch === '[' || ch === '{') { depth++; cur += ch; continue; }
    if (ch === ')' || ch === ']' || ch === '}') {
      if (depth === 0 && stack.length === 0) { args.push(cur.trim()); return args; }
      depth--; cur += ch; continue;
    }
    if (ch === ',' && depth === 0 && stack.length === 0) { args.push(cur.trim()); cur = ''; continue; }
    cur += ch;
  }
  throw new Error(`unterminated call at ${start}`);
}

/** Every `<expr>.warn(path, message)` call in lib/ (console.warn excluded). */
function warnSites(): Site[] {
  const sites: Site[] = [];
  for (const file of libFiles(path.join(REPO, 'lib'))) {
    const text = fs.readFileSync(file, 'utf8');
    for (const m of text.matchAll(/(\w+)\s*\.warn\(/g)) {
      if (m[1] === 'console' || m[1] === 'log') continue; // a logger's warn (the service's pino log) is a log line, not a Warning
      const lineStart = text.lastIndexOf('\n', m.index!) + 1;
      if (/^\s*(\/\/|\*)/.test(text.slice(lineStart, m.index!))) continue;
      const [pathArg, messageArg] = callArgs(text, m.index! + m[0].length);
      sites.push({ file: path.relative(REPO, file), line: text.slice(0, m.index!).split('\n').length, pathArg, messageArg: messageArg ?? '' });
    }
  }
  return sites;
}

// ------------------------------------------------------------------------------------------------
// Inputs

const template = () => new CustomMachineTemplate({ kind: 'DockerMachineTemplate', version: 'v1beta2', spec: { customImage: 'kindest/node:v1.31.4' } });
const clusterProps = (o: Partial<ClusterProps> = {}): ClusterProps => ({ infrastructure: TEST_INFRA, cni: 'calico', name: 'lint', kubernetesVersion: 'v1.31.4', ...o });
const ref = (o: Partial<ClusterProps> = {}) => buildCluster(clusterProps(o)).ref;

const clusterWarnings = (o: Partial<ClusterProps>) => buildCluster(clusterProps(o)).warnings;
const cpWarnings = (o: Partial<ControlPlaneGroupProps>, c: Partial<ClusterProps> = {}) => renderControlPlane({ cluster: ref(c), machineTemplate: template(), ...o }).warnings;
const wgWarnings = (o: Partial<WorkerGroupProps>, c: Partial<ClusterProps> = {}) => renderWorkerGroup({ cluster: ref(c), name: 'md', machineTemplate: template(), ...o }).warnings;
const vsphere = (o: Partial<VSphereMachineTemplateProps>) => new VSphereMachineTemplate({ template: 'ubuntu-2404', networkName: 'VM Network', ...o } as VSphereMachineTemplateProps).warnings;
const openstack = (o: Partial<OpenStackClusterProps>) => new OpenStackCluster({ cloudName: 'openstack', secretName: 'cloud-config', ...o }).warnings;
const addonWarnings = (addon: 'kuberay' | 'jupyterhub') => (parameters: Record<string, unknown>) => {
  const p = new Problems(`ClusterAddon ${addon}`);
  addonChartValues(p, addon, parameters);
  expect(p.errors).toEqual([]);
  return p.warnings;
};
const kuberay = addonWarnings('kuberay');
const jupyterhub = addonWarnings('jupyterhub');
const exposedHub = { authentication: { type: 'native', adminUsers: ['admin'], adminPasswordSecret: 'hub-admins' } };

interface Lint {
  /** The call site: file, source text of the path argument, start of the message argument. */
  readonly site: { readonly file: string; readonly pathArg: string; readonly message: string };
  readonly what: string;
  readonly trigger: () => readonly Warning[];
  readonly clean: () => readonly Warning[];
  /** Expected warning path and message for `trigger`. */
  readonly path: string | RegExp;
  readonly message: RegExp;
}

const onOpenStack = { infrastructure: new OpenStackCluster({ cloudName: 'openstack', secretName: 'cloud-config' }), cloudController: false as const };
const onVSphere = { infrastructure: new VSphereCluster({ server: 'vcenter.example.com', controlPlaneEndpoint: { host: '10.0.0.10' } }), cloudController: false as const };

const FD = {
  region: { name: 'r', tagCategory: 'k8s-region', type: 'Datacenter' as const }, zone: { name: 'z', tagCategory: 'k8s-zone', type: 'Datacenter' as const },
  topology: { datacenter: 'DC1' },
};

const LINTS: Lint[] = [
  {
    site: { file: 'lib/core/addons/api-deployment.ts', pathArg: "'tlsSecret'", message: "'not set: the service serves plain HTTP" },
    what: 'the add-on API Deployment without a TLS Secret (plain HTTP)',
    trigger: () => renderAddonApiDeployment({ image: 'registry.example.com/capi-constructs:1.0.0' }).warnings,
    clean: () => renderAddonApiDeployment({ image: 'registry.example.com/capi-constructs:1.0.0', tlsSecret: 'addon-api-tls' }).warnings,
    path: 'tlsSecret', message: /^not set: the service serves plain HTTP; bearer tokens travel in every request/,
  },
  {
    site: { file: 'lib/core/nodes/machine-template.ts', pathArg: '`${path}.version`', message: '`${template.kind} ${template.version} is the API of' },
    what: 'a VSphereMachineTemplate of the other Cluster API generation than the cluster (v1beta1 template, v1beta2 Cluster)',
    trigger: () => [...cpWarnings({ machineTemplate: new VSphereMachineTemplate({ template: 'ubuntu', networkName: 'n', numCPUs: 2, memoryMiB: 4096, version: 'v1beta1' }) }, onVSphere)],
    clean: () => [...cpWarnings({ machineTemplate: new VSphereMachineTemplate({ template: 'ubuntu', networkName: 'n', numCPUs: 2, memoryMiB: 4096 }) }, onVSphere)],
    path: 'machineTemplate.version',
    message: /^VSphereMachineTemplate v1beta1 is the API of CAPV 1\.15 and older .*but the cluster uses Cluster API v1beta2: use version "v1beta2" \(CAPV 1\.16 and later/,
  },
  {
    site: { file: 'lib/core/components/components.ts', pathArg: "'cni'", message: "`'none': the library installs no CNI" },
    what: "cni 'none' (no CNI installed)",
    trigger: () => clusterWarnings({ cni: 'none' }), clean: () => clusterWarnings({ cni: 'cilium' }),
    path: 'cni', message: /^'none': the library installs no CNI, so the cluster's Nodes stay NotReady/,
  },
  {
    site: { file: 'lib/core/kubeadm/args.ts', pathArg: '`${prefix}${key}`', message: '`${show(user[name])} overrides' },
    what: 'a library-managed kubelet argument replaced with override',
    trigger: () => wgWarnings({ kubeadm: { kubeletExtraArgs: { 'provider-id': 'openstack:///fixed' }, override: ['kubeletExtraArgs.provider-id'] } }, onOpenStack),
    clean: () => wgWarnings({ kubeadm: { kubeletExtraArgs: { 'max-pods': '200' } } }, onOpenStack),
    path: 'kubeadm.kubeletExtraArgs.provider-id', message: /^"openstack:\/\/\/fixed" overrides "openstack:\/\/\/'\{\{ instance_id \}\}'" set by the OpenStack provider bootstrap/,
  },
  {
    site: { file: 'lib/core/kubeadm/files.ts', pathArg: 'at', message: '`${show(f.path)} replaces the file' },
    what: 'a library-managed file replaced with override',
    trigger: () => cpWarnings({ kubeadm: { files: [{ path: '/etc/kube-vip.hosts', content: '127.0.0.1 localhost' }], override: ['files[/etc/kube-vip.hosts]'] } }, onVSphere),
    clean: () => cpWarnings({ kubeadm: { files: [{ path: '/etc/motd', content: 'hello' }] } }, onVSphere),
    path: 'kubeadm.files[0].path', message: /^"\/etc\/kube-vip.hosts" replaces the file written by the vSphere provider bootstrap \(VSphereCluster, kube-vip\)/,
  },
  {
    site: { file: 'lib/core/kubeadm/config.ts', pathArg: '`${path}.taints`', message: '`${taints.length === 0' },
    what: 'control-plane taints without the control-plane taint',
    trigger: () => cpWarnings({ kubeadm: { taints: [] } }), clean: () => cpWarnings({ kubeadm: { taints: [CONTROL_PLANE_TAINT] } }),
    path: 'kubeadm.taints', message: /^no taints replaces kubeadm's default node-role.kubernetes.io\/control-plane:NoSchedule: ordinary workloads will be scheduled/,
  },
  {
    site: { file: 'lib/core/kubeadm/api-server.ts', pathArg: 'path', message: '`${show(r)} does not include "secrets"' },
    what: 'KMS encryption of resources without Secrets',
    trigger: () => cpWarnings({ kubeadm: { apiServer: { encryption: { kms: { name: 'vault', endpoint: 'unix:///var/run/kms/socket.sock' }, resources: ['configmaps'] } } } }),
    clean: () => cpWarnings({ kubeadm: { apiServer: { encryption: { kms: { name: 'vault', endpoint: 'unix:///var/run/kms/socket.sock' }, resources: ['secrets', 'configmaps'] } } } }),
    path: 'kubeadm.apiServer.encryption.resources', message: /^\["configmaps"\] does not include "secrets": Secrets stay unencrypted in etcd/,
  },
  {
    site: { file: 'lib/core/kubeadm/api-server.ts', pathArg: '`${path}.exemptNamespaces[${i}]`', message: '`${show(n)} is exempted by the library already`' },
    what: 'a Pod Security exemption the library makes already',
    trigger: () => cpWarnings({ kubeadm: { apiServer: { podSecurity: { exemptNamespaces: ['kube-system'] } } } }),
    clean: () => cpWarnings({ kubeadm: { apiServer: { podSecurity: { exemptNamespaces: ['legacy'] } } } }),
    path: 'kubeadm.apiServer.podSecurity.exemptNamespaces[0]', message: /^"kube-system" is exempted by the library already/,
  },
  {
    site: { file: 'lib/core/kubeadm/api-server.ts', pathArg: '`${path}.enforce`', message: '\'"privileged" enforces nothing' },
    what: 'Pod Security enforcing privileged',
    trigger: () => cpWarnings({ kubeadm: { apiServer: { podSecurity: { enforce: 'privileged' } } } }),
    clean: () => cpWarnings({ kubeadm: { apiServer: { podSecurity: { enforce: 'baseline' } } } }),
    path: 'kubeadm.apiServer.podSecurity.enforce', message: /^"privileged" enforces nothing/,
  },
  {
    site: { file: 'lib/core/nodes/control-plane.ts', pathArg: "'replicas'", message: "'1 control-plane node" },
    what: 'a single control-plane node', trigger: () => cpWarnings({ replicas: 1 }), clean: () => cpWarnings({ replicas: 3 }),
    path: 'replicas', message: /^1 control-plane node has no high availability/,
  },
  {
    site: { file: 'lib/core/nodes/control-plane.ts', pathArg: "'healthCheck'", message: "'a MachineHealthCheck on a single" },
    what: 'a health check on a single control-plane machine',
    trigger: () => cpWarnings({ replicas: 1, healthCheck: HealthCheck.controlPlane() }), clean: () => cpWarnings({ replicas: 3, healthCheck: HealthCheck.controlPlane() }),
    path: 'healthCheck', message: /cannot act: KubeadmControlPlane remediates only when at least 2 machines exist/,
  },
  {
    site: { file: 'lib/core/nodes/health-check.ts', pathArg: 'path', message: '`a HealthCheck.' },
    what: 'a control-plane health-check preset on a worker group',
    trigger: () => wgWarnings({ healthCheck: HealthCheck.controlPlane() }), clean: () => wgWarnings({ healthCheck: HealthCheck.workers() }),
    path: 'healthCheck', message: /HealthCheck\.controlPlane\(\) preset is used on a worker group/,
  },
  {
    site: { file: 'lib/core/nodes/health-check.ts', pathArg: '`${path}.nodeStartupTimeout`', message: '`${show(o.nodeStartupTimeout)} is shorter than' },
    what: 'too small a nodeStartupTimeout for VMs',
    trigger: () => wgWarnings({ healthCheck: HealthCheck.workers({ nodeStartupTimeout: '2m' }) }),
    clean: () => wgWarnings({ healthCheck: HealthCheck.workers({ nodeStartupTimeout: '5m' }) }),
    path: 'healthCheck.nodeStartupTimeout', message: /^"2m" is shorter than 5m: a VM that needs longer to boot and join is deleted and re-created in a loop/,
  },
  {
    site: { file: 'lib/core/nodes/health-check.ts', pathArg: '`${path}.maxUnhealthy`', message: '`${show(intOrPercentValue(maxUnhealthy))} of' },
    what: '40% of a small group rounding down to 0',
    trigger: () => wgWarnings({ scaling: { replicas: 2 }, healthCheck: HealthCheck.workers() }),
    clean: () => wgWarnings({ scaling: { replicas: 3 }, healthCheck: HealthCheck.workers() }),
    path: 'healthCheck.maxUnhealthy', message: /^"40%" of 2 machines rounds down to 0: remediation can never run/,
  },
  {
    site: { file: 'lib/core/nodes/worker-group.ts', pathArg: "'scaling.replicas'", message: '`replicas (${replicas}) is set while autoscaling' },
    what: 'autoscaling with replicas set',
    trigger: () => wgWarnings({ scaling: { min: 1, max: 5, replicas: 2 } }), clean: () => wgWarnings({ scaling: { min: 1, max: 5 } }),
    path: 'scaling.replicas', message: /^replicas \(2\) is set while autoscaling: every apply resets the size the autoscaler chose/,
  },
  {
    site: { file: 'lib/core/nodes/worker-group.ts', pathArg: 'path', message: '`${version} is ${c.minor - w.minor} minor(s) behind' },
    what: 'a worker group a minor behind the control plane', trigger: () => wgWarnings({ kubernetesVersion: 'v1.30.9' }), clean: () => wgWarnings({ kubernetesVersion: 'v1.31.0' }),
    path: 'kubernetesVersion', message: /^v1\.30\.9 is 1 minor\(s\) behind the control plane's v1\.31\.4: .*KubeadmVersionSkew preflight creates no new machine/,
  },
  {
    site: { file: 'lib/core/nodes/worker-group.ts', pathArg: "'scaling'", message: '`{ min, max } needs a cluster-autoscaler' },
    what: 'an autoscaled group on a minor without a cluster-autoscaler release', trigger: () => wgWarnings({ scaling: { min: 1, max: 3 } }, { kubernetesVersion: 'v1.30.2' }),
    clean: () => wgWarnings({ scaling: { min: 1, max: 3 } }, { kubernetesVersion: 'v1.30.2', clusterAutoscaler: false }),
    path: 'scaling', message: /^\{ min, max \} needs a cluster-autoscaler, but the cluster's Kubernetes v1\.30\.2 has no cluster-autoscaler release/,
  },
  {
    site: { file: 'lib/core/nodes/worker-group.ts', pathArg: "'scaling.replicas'", message: '`${total} over ${parts} failure domains' },
    what: 'fewer replicas than failure domains', trigger: () => wgWarnings({ failureDomains: ['a', 'b', 'c'], scaling: { replicas: 2 } }),
    clean: () => wgWarnings({ failureDomains: ['a', 'b', 'c'], scaling: { replicas: 3 } }),
    path: 'scaling.replicas', message: /^2 over 3 failure domains leaves 1 of them without machines/,
  },
  {
    site: { file: 'lib/core/components/flux-release.ts', pathArg: '`${path}.mode`', message: "`'disabled': objects changed or deleted" },
    what: 'drift detection switched off', trigger: () => clusterWarnings({ componentDriftDetection: { cni: { mode: 'disabled' } } }),
    clean: () => clusterWarnings({ componentDriftDetection: { cni: { mode: 'warn' } } }),
    path: 'componentDriftDetection.cni.mode', message: /^'disabled': objects changed or deleted on the workload cluster stay so/,
  },
  {
    site: { file: 'lib/core/nodes/worker-group.ts', pathArg: 'field', message: '`${show(value)} is ignored' },
    what: 'v1beta1-only progressDeadlineSeconds on a v1beta2 cluster',
    trigger: () => wgWarnings({ progressDeadlineSeconds: 900 }), clean: () => wgWarnings({ progressDeadlineSeconds: 900 }, { apiVersion: 'v1beta1' }),
    path: 'progressDeadlineSeconds', message: /^900 is ignored: Cluster API removed progressDeadlineSeconds from MachineDeployment in v1beta2/,
  },
  {
    site: { file: 'lib/core/nodes/worker-group.ts', pathArg: 'field', message: '`${show(value)} is ignored' },
    what: 'v1beta1-only revisionHistoryLimit on a v1beta2 cluster',
    trigger: () => wgWarnings({ revisionHistoryLimit: 2 }), clean: () => wgWarnings({ revisionHistoryLimit: 2 }, { apiVersion: 'v1beta1' }),
    path: 'revisionHistoryLimit', message: /^2 is ignored: Cluster API removed revisionHistoryLimit/,
  },
  {
    site: { file: 'lib/core/nodes/worker-group.ts', pathArg: '`machineLabels.${k}`', message: '`stays on the Machine' },
    what: 'a machine label Cluster API does not sync to the Node',
    trigger: () => wgWarnings({ machineLabels: { team: 'a' } }), clean: () => wgWarnings({ machineLabels: { 'node.cluster.x-k8s.io/team': 'a' } }),
    path: 'machineLabels.team', message: /^stays on the Machine: Cluster API syncs to Nodes only labels under/,
  },
  {
    site: { file: 'lib/core/cluster/node-failure-detection.ts', pathArg: '`${path}.nodeMonitorGracePeriod`', message: '`${shortDuration(grace)} allows fewer than' },
    what: 'a grace period of fewer than 4 status updates',
    trigger: () => clusterWarnings({ nodeFailureDetection: { nodeStatusUpdateFrequency: '10s', nodeMonitorGracePeriod: '30s' } }),
    clean: () => clusterWarnings({ nodeFailureDetection: { nodeStatusUpdateFrequency: '10s', nodeMonitorGracePeriod: '40s' } }),
    path: 'nodeFailureDetection.nodeMonitorGracePeriod', message: /^30s allows fewer than 4 status updates \(every 10s\)/,
  },
  {
    site: { file: 'lib/core/providers/vsphere.ts', pathArg: 'path', message: "'has neither DHCP nor addressesFromPools" },
    what: 'a vSphere network device without any address source',
    trigger: () => vsphere({ networkName: undefined, networks: [{ networkName: 'VM Network', dhcp4: false }] }),
    clean: () => vsphere({ networkName: undefined, networks: [{ networkName: 'VM Network', dhcp4: true }] }),
    path: /^networks\[0\]$/, message: /has neither DHCP nor addressesFromPools/,
  },
  {
    site: { file: 'lib/core/providers/vsphere.ts', pathArg: "'numCPUs'", message: "'1: CAPV v1beta2 requires" },
    what: 'one vCPU in a v1beta1 vSphere template', trigger: () => vsphere({ version: 'v1beta1', numCPUs: 1 }), clean: () => vsphere({ version: 'v1beta1', numCPUs: 2 }),
    path: 'numCPUs', message: /CAPV v1beta2 requires at least 2 vCPUs/,
  },
  {
    site: { file: 'lib/core/providers/vsphere.ts', pathArg: "'memoryMiB'", message: '`${memoryMiB} is not a multiple of' },
    what: 'a vSphere memory size that is not a multiple of 4 MiB', trigger: () => vsphere({ memoryMiB: 8190 }), clean: () => vsphere({ memoryMiB: 8192 }),
    path: 'memoryMiB', message: /^8190 is not a multiple of 4/,
  },
  {
    site: { file: 'lib/core/providers/vsphere.ts', pathArg: "'diskGiB'", message: '`${diskGiB} is ignored with cloneMode linkedClone' },
    what: 'a disk size with a linked clone', trigger: () => vsphere({ cloneMode: 'linkedClone', diskGiB: 40 }), clean: () => vsphere({ cloneMode: 'fullClone', diskGiB: 40 }),
    path: 'diskGiB', message: /^40 is ignored with cloneMode linkedClone/,
  },
  {
    site: { file: 'lib/core/providers/vsphere-rules.ts', pathArg: 'path', message: '`${show(template)} uses Go template features' },
    what: 'a vSphere naming template outside the evaluated Go template subset',
    trigger: () => vsphere({ additionalFields: { naming: { template: '{{ if true }}{{ .machine.name }}{{ end }}' } } }),
    clean: () => vsphere({ additionalFields: { naming: { template: '{{ .machine.name }}' } } }),
    path: 'additionalFields.naming.template', message: /uses Go template features this library does not evaluate \("if" is outside the supported subset\)/,
  },
  {
    site: { file: 'lib/core/providers/vsphere.ts', pathArg: "'failureDomains'", message: "'no failure domain has controlPlane" },
    what: 'vSphere failure domains none of which takes the control plane',
    trigger: () => new VSphereCluster({ server: 'v', controlPlaneEndpoint: { host: '10.0.0.10' }, failureDomains: [{ name: 'a', controlPlane: false, ...FD }] }).warnings,
    clean: () => new VSphereCluster({ server: 'v', controlPlaneEndpoint: { host: '10.0.0.10' }, failureDomains: [{ name: 'a', controlPlane: false, ...FD }, { name: 'b', ...FD }] }).warnings,
    path: 'failureDomains', message: /^no failure domain has controlPlane: the control plane is not spread/,
  },
  {
    site: { file: 'lib/core/providers/vsphere.ts', pathArg: "'snapshot'", message: '`${show(snapshot)} is used only by linked clones' },
    what: 'a snapshot with a full clone', trigger: () => vsphere({ cloneMode: 'fullClone', snapshot: 'base' }), clean: () => vsphere({ cloneMode: 'linkedClone', snapshot: 'base' }),
    path: 'snapshot', message: /^"base" is used only by linked clones/,
  },
  {
    site: { file: 'lib/core/providers/openstack.ts', pathArg: "'managedSubnets'", message: "'is ignored when network selects" },
    what: 'managed subnets next to an existing network',
    trigger: () => openstack({ network: 'nodes', managedSubnets: [{ cidr: '10.6.0.0/24' }] }), clean: () => openstack({ managedSubnets: [{ cidr: '10.6.0.0/24' }] }),
    path: 'managedSubnets', message: /is ignored when network selects an existing network/,
  },
  {
    site: { file: 'lib/core/providers/openstack.ts', pathArg: "'apiServerFloatingIP'", message: "'false without apiServerLoadBalancer" },
    what: 'an API server without floating IP, load balancer or endpoint',
    trigger: () => openstack({ apiServerFloatingIP: false }), clean: () => openstack({ apiServerFloatingIP: false, apiServerLoadBalancer: true }),
    path: 'apiServerFloatingIP', message: /reachable only on its fixed IP inside the cloud/,
  },
  {
    site: { file: 'lib/core/addons/ray-access.ts', pathArg: "'parameters.access'", message: '`${sources} can reach the Ray client port' },
    what: 'Ray client and serve open to sources beyond the namespace',
    trigger: () => kuberay({ access: { namespaces: ['ml'] } }), clean: () => kuberay({}),
    path: 'parameters.access', message: /^namespace ml can reach the Ray client port \(10001\), which runs code/,
  },
  {
    site: { file: 'lib/core/addons/ray-access.ts', pathArg: "'parameters.access.exposeDashboard'", message: '`the Ray dashboard (8265) is also the job-submission API' },
    what: 'the Ray dashboard open beyond the namespace',
    trigger: () => kuberay({ access: { cidrs: ['203.0.113.0/24'], exposeDashboard: true } }), clean: () => kuberay({ access: { cidrs: ['203.0.113.0/24'] } }),
    path: 'parameters.access.exposeDashboard', message: /^the Ray dashboard \(8265\) is also the job-submission API: 203\.0\.113\.0\/24 can reach it, and whoever of them holds the Ray token can run any code/,
  },
  {
    site: { file: 'lib/core/addons/jupyterhub-access.ts', pathArg: "'parameters.authentication.type'", message: '\'"dummy" lets anyone who reaches the hub' },
    what: 'the dummy authenticator', trigger: () => jupyterhub({ authentication: { type: 'dummy' } }), clean: () => jupyterhub({ authentication: { type: 'native', adminUsers: ['admin'], adminPasswordSecret: 'hub-admins' } }),
    path: 'parameters.authentication.type', message: /^"dummy" lets anyone who reaches the hub log in with any name and password/,
  },
  {
    site: { file: 'lib/core/addons/jupyterhub-access.ts', pathArg: "'parameters.https.letsEncrypt'", message: '`Let\'s Encrypt\'s HTTP-01 challenge' },
    what: "Let's Encrypt on a NodePort hub",
    trigger: () => jupyterhub({ ...exposedHub, https: { hosts: ['hub.example.com'], letsEncrypt: { contactEmail: 'ops@example.com' } }, serviceType: 'NodePort' }),
    clean: () => jupyterhub({ ...exposedHub, https: { hosts: ['hub.example.com'], letsEncrypt: { contactEmail: 'ops@example.com' } }, serviceType: 'LoadBalancer' }),
    path: 'parameters.https.letsEncrypt', message: /^Let's Encrypt's HTTP-01 challenge connects to port 80 of hub\.example\.com, but a NodePort hub listens on node port 30080/,
  },
];

const matches = (l: Lint, s: Site) => l.site.file === s.file && l.site.pathArg === s.pathArg && s.messageArg.startsWith(l.site.message);
const hit = (ws: readonly Warning[], l: Lint) => ws.filter((w) => (typeof l.path === 'string' ? w.path === l.path : l.path.test(w.path)) && l.message.test(w.message));

describe('warning registry', () => {
  const sites = warnSites();

  test('finds the warning call sites in lib/', () => {
    expect(sites.length).toBeGreaterThanOrEqual(10);
  });

  test('every .warn( call in lib/ has a test here', () => {
    const untested = sites.filter((s) => !LINTS.some((l) => matches(l, s))).map((s) => `${s.file}:${s.line} warn(${s.pathArg}, ${s.messageArg.slice(0, 60)}...)`);
    expect(untested).toEqual([]);
  });

  test('every registry entry still points at exactly one call site', () => {
    const stale = LINTS.filter((l) => sites.filter((s) => matches(l, s)).length !== 1).map((l) => `${l.what}: ${JSON.stringify(l.site)}`);
    expect(stale).toEqual([]);
  });
});

describe.each(LINTS.map((l) => [l.what, l] as const))('warns about %s', (_what, lint) => {
  test('for the risky input, at the field, with a message naming value and rule', () => {
    const ws = lint.trigger();
    expect(hit(ws, lint)).toHaveLength(1);
  });

  test('not for the close, safe input', () => {
    expect(hit(lint.clean(), lint)).toEqual([]);
  });
});

describe('clean inputs', () => {
  test('the defaults give no warning at all', () => {
    expect(clusterWarnings({})).toEqual([]);
    expect(cpWarnings({})).toEqual([]);
    expect(wgWarnings({})).toEqual([]);
    expect(wgWarnings({ scaling: { replicas: 3 }, healthCheck: HealthCheck.workers(), roles: ['worker'] })).toEqual([]);
    expect(cpWarnings({ healthCheck: HealthCheck.controlPlane() })).toEqual([]);
    expect(vsphere({ numCPUs: 4, memoryMiB: 8192, diskGiB: 40 })).toEqual([]);
    expect(openstack({})).toEqual([]);
  });
});

describe('adapters report warnings (never swallowed)', () => {
  test('cdk8s constructs expose them, record them as construct metadata and pass them to the warning handler', () => {
    const seen: string[] = [];
    const prev = setWarningHandler((subject, w) => seen.push(`${subject}: ${w.path}`));
    try {
      const chart = new Chart(Testing.app(), 'lint');
      const cluster = new Cluster(chart, 'c', clusterProps());
      const cp = new ControlPlaneGroup(chart, 'cp', { cluster, machineTemplate: template(), replicas: 1 });
      expect(cp.warnings.map((w) => w.path)).toEqual(['replicas']);
      expect(cp.node.metadata.filter((m) => m.type === 'capi-constructs:warning').map((m) => m.data)).toEqual([expect.stringMatching(/^replicas: 1 control-plane node/)]);
      expect(seen).toEqual(['ControlPlaneGroup "lint-control-plane": replicas']);
    } finally {
      setWarningHandler(prev);
    }
  });

  test('a machine template\'s warnings reach the group that uses it, under machineTemplate.', () => {
    const t = new VSphereMachineTemplate({ template: 'ubuntu', networkName: 'n', memoryMiB: 4098 });
    const ws = renderControlPlane({ cluster: ref(), machineTemplate: t }).warnings;
    expect(ws.map((w) => w.path)).toContain('machineTemplate.memoryMiB');
  });
});

describe('machine template generation', () => {
  const t = (version?: 'v1beta1' | 'v1beta2') => new VSphereMachineTemplate({ template: 'ubuntu', networkName: 'n', numCPUs: 2, memoryMiB: 4096, version });
  test('worker groups warn too, and so does a v1beta2 template in a v1beta1 Cluster', () => {
    expect(wgWarnings({ machineTemplate: t('v1beta1') }, onVSphere).map((w) => w.path)).toEqual(['machineTemplate.version']);
    const old = wgWarnings({ machineTemplate: t('v1beta2') }, { ...onVSphere, apiVersion: 'v1beta1', infrastructure: new VSphereCluster({ version: 'v1beta1', server: 'vcenter.example.com', controlPlaneEndpoint: { host: '10.0.0.10' } }) });
    expect(old.map((w) => [w.path, w.message.slice(0, 60)])).toEqual([['machineTemplate.version', 'VSphereMachineTemplate v1beta2 is the API of CAPV 1.16 and l']]);
    expect(wgWarnings({ machineTemplate: t('v1beta1') }, { ...onVSphere, apiVersion: 'v1beta1', infrastructure: new VSphereCluster({ version: 'v1beta1', server: 'vcenter.example.com', controlPlaneEndpoint: { host: '10.0.0.10' } }) })).toEqual([]);
  });
});
