/**
 * Provider bootstrap: what each infrastructure cluster adds to its node groups' kubeadm
 * configuration (OpenStack, vSphere with kube-vip or an external load balancer, the custom hooks of
 * the providers without a reference template), and why a Cluster needs infrastructure at all.
 */
import { Chart, Testing } from 'cdk8s';
import * as YAML from 'yaml';
import {
  CALICO_SECURITY_GROUP_RULES, Cluster, ControlPlaneGroup, existingInfrastructureCluster, InfrastructureCluster, KUBE_VIP_DEFAULT_IMAGE,
  OpenStackCluster, OVirtMachineTemplate, ProviderBootstrap, VSphereCluster, VSphereMachineTemplate, WorkerGroup,
} from '../../lib';
import { conformanceFailures } from '../conformance/check';
import { validationError } from './fixtures';
import { KUBEADM_DEFAULT_IMAGE_PULL_POLICY } from '../../lib/core/nodes/kubeadm-config-floor';

function synth(infrastructure: InfrastructureCluster, kubernetesVersion = 'v1.31.4') {
  const chart = new Chart(Testing.app(), 'b');
  const cluster = new Cluster(chart, 'c', { name: 'prod', namespace: 'tenants', cni: 'calico', kubernetesVersion, infrastructure, cloudController: false });
  const t = new VSphereMachineTemplate({ template: 'ubuntu', networkName: 'k8s', numCPUs: 4, memoryMiB: 8192 });
  new ControlPlaneGroup(chart, 'cp', { cluster, machineTemplate: t });
  new WorkerGroup(chart, 'md', { cluster, name: 'md', machineTemplate: t });
  const objects = Testing.synth(chart);
  return {
    objects,
    cluster,
    kcp: objects.find((o) => o.kind === 'KubeadmControlPlane').spec.kubeadmConfigSpec,
    kct: objects.find((o) => o.kind === 'KubeadmConfigTemplate').spec.template.spec,
  };
}

const VIP = '10.20.0.10';
const vsphere = (props: Partial<ConstructorParameters<typeof VSphereCluster>[0]> = {}) => new VSphereCluster({ server: 'vcenter.example.com', controlPlaneEndpoint: { host: VIP }, ...props });

describe('infrastructure is required', () => {
  test('a Cluster without infrastructure is a ValidationError that says why', () => {
    const e = validationError(() => new Cluster(new Chart(Testing.app(), 'x'), 'c', { name: 'prod', cni: 'calico', kubernetesVersion: 'v1.31.4' } as any));
    expect(e.issues).toEqual([{
      path: 'infrastructure',
      message: expect.stringMatching(/^is required: KubeadmControlPlane "prod-control-plane" waits for a control-plane endpoint that only the infrastructure provider fills in, so a Cluster without spec.infrastructureRef never boots; .*existingInfrastructureCluster/),
    }]);
  });

  test('existingInfrastructureCluster is the explicit escape: referenced, not emitted', () => {
    const { objects } = synth(existingInfrastructureCluster({ kind: 'OVirtCluster', version: 'v1beta1' }));
    expect(objects.find((o) => o.kind === 'Cluster').spec.infrastructureRef).toEqual({ apiGroup: 'infrastructure.cluster.x-k8s.io', kind: 'OVirtCluster', name: 'prod' });
    expect(objects.some((o) => o.kind === 'OVirtCluster')).toBe(false);
  });

  test('a bootstrap that is not a ProviderBootstrap is rejected on the Cluster', () => {
    const e = validationError(() => new Cluster(new Chart(Testing.app(), 'x'), 'c', {
      name: 'prod', cni: 'calico', kubernetesVersion: 'v1.31.4', infrastructure: { apiGroup: 'infrastructure.cluster.x-k8s.io', version: 'v1beta1', kind: 'X', bootstrap: 'openstack' as any },
    }));
    expect(e.issues.map((i) => i.path)).toEqual(['infrastructure.bootstrap']);
  });
});

describe('OpenStack', () => {
  const infra = () => new OpenStackCluster({ cloudName: 'openstack', secretName: 'cloud-config', apiServerLoadBalancer: true });

  test('kubelet cloud-provider and provider-id and the node name in init, join and the workers; controller-manager cloud-provider', () => {
    const { kcp, kct, objects } = synth(infra());
    const nodeRegistration = {
      name: '{{ local_hostname }}',
      kubeletExtraArgs: [{ name: 'cloud-provider', value: 'external' }, { name: 'provider-id', value: "openstack:///'{{ instance_id }}'" }],
    };
    // the control plane also carries the update-safe floor (lib/core/nodes/kubeadm-config-floor.ts)
    expect(kcp.initConfiguration.nodeRegistration).toEqual({ ...nodeRegistration, imagePullPolicy: KUBEADM_DEFAULT_IMAGE_PULL_POLICY });
    expect(kcp.joinConfiguration.nodeRegistration).toEqual({ ...nodeRegistration, imagePullPolicy: KUBEADM_DEFAULT_IMAGE_PULL_POLICY });
    expect(kct.joinConfiguration.nodeRegistration).toEqual(nodeRegistration);
    expect(kcp.clusterConfiguration.controllerManager.extraArgs).toEqual([{ name: 'cloud-provider', value: 'external' }]);
    expect(kcp.files).toBeUndefined();
    expect(conformanceFailures(objects, 'openstack')).toEqual([]);
  });

  test('the Calico security group rules land in managedSecurityGroups, at the path of each CAPO version', () => {
    for (const version of ['v1beta1', 'v1beta2'] as const) {
      const c = new OpenStackCluster({ version, cloudName: 'openstack', secretName: 's', managedSecurityGroups: { allNodesSecurityGroupRules: CALICO_SECURITY_GROUP_RULES } });
      const field = version === 'v1beta1' ? 'allNodesSecurityGroupRules' : 'clusterNodesSecurityGroupRules';
      expect((c.spec.managedSecurityGroups as any)[field]).toEqual(CALICO_SECURITY_GROUP_RULES.map((r) => ({ ...r })));
      const chart = new Chart(Testing.app(), 'x');
      new Cluster(chart, 'c', { name: 'prod', cni: 'calico', kubernetesVersion: 'v1.31.4', infrastructure: c, cloudController: false });
      expect(conformanceFailures(Testing.synth(chart), version)).toEqual([]);
    }
  });

  test.each<[string, unknown, string, RegExp]>([
    ['a rule without direction', [{ name: 'a' }], 'managedSecurityGroups.allNodesSecurityGroupRules[0].direction', /^must be one of "ingress", "egress", got undefined/],
    ['two rules of one name', [{ name: 'a', direction: 'ingress' }, { name: 'a', direction: 'egress' }], 'managedSecurityGroups.allNodesSecurityGroupRules[1].name', /^"a" is already used by/],
    ['a port out of range', [{ name: 'a', direction: 'ingress', portRangeMin: 0 }], 'managedSecurityGroups.allNodesSecurityGroupRules[0].portRangeMin', /^must be a port between 1 and 65535, got 0/],
    ['an unknown managed group', [{ name: 'a', direction: 'ingress', remoteManagedGroups: ['nodes'] }], 'managedSecurityGroups.allNodesSecurityGroupRules[0].remoteManagedGroups[0]', /^must be one of "bastion", "controlplane", "worker", got "nodes"/],
    ['two remotes', [{ name: 'a', direction: 'ingress', remoteIPPrefix: '10.0.0.0/8', remoteGroupID: 'x' }], 'managedSecurityGroups.allNodesSecurityGroupRules[0]', /^set only one of remoteManagedGroups, remoteGroupID and remoteIPPrefix/],
    ['an empty list', [], 'managedSecurityGroups.allNodesSecurityGroupRules', /^must be a non-empty list of rules/],
  ])('rejects %s', (_what, rules, path, message) => {
    const e = validationError(() => new OpenStackCluster({ cloudName: 'c', secretName: 's', managedSecurityGroups: { allNodesSecurityGroupRules: rules as any } }));
    expect(e.issues.find((i) => i.path === path)?.message).toMatch(message);
  });
});

describe('vSphere', () => {
  test('kubelet and controller-manager cloud-provider, containerd socket, node name and CAPV\'s preKubeadmCommands on every machine', () => {
    const { kcp, kct, objects } = synth(vsphere());
    const nodeRegistration = { name: '{{ local_hostname }}', criSocket: '/var/run/containerd/containerd.sock', kubeletExtraArgs: [{ name: 'cloud-provider', value: 'external' }] };
    // the control plane also carries the update-safe floor (lib/core/nodes/kubeadm-config-floor.ts)
    expect(kcp.initConfiguration.nodeRegistration).toEqual({ ...nodeRegistration, imagePullPolicy: KUBEADM_DEFAULT_IMAGE_PULL_POLICY });
    expect(kcp.joinConfiguration.nodeRegistration).toEqual({ ...nodeRegistration, imagePullPolicy: KUBEADM_DEFAULT_IMAGE_PULL_POLICY });
    expect(kct.joinConfiguration.nodeRegistration).toEqual(nodeRegistration);
    expect(kcp.clusterConfiguration.controllerManager.extraArgs).toEqual([{ name: 'cloud-provider', value: 'external' }]);
    for (const spec of [kcp, kct]) {
      expect(spec.preKubeadmCommands[0]).toBe('hostnamectl set-hostname "{{ ds.meta_data.hostname }}"');
      expect(spec.preKubeadmCommands.at(-1)).toMatch(/^for script in \$\(find \/etc\/pre-kubeadm-commands\/ -name '\*\.sh' -type f \| sort\); do/);
    }
    expect(conformanceFailures(objects, 'vsphere')).toEqual([]);
  });

  test('kube-vip holds the endpoint by default: the static pod with the VIP, the hosts file and the prepare script on control-plane machines only', () => {
    const { kcp, kct } = synth(vsphere({ controlPlaneEndpoint: { host: VIP, port: 8443 } }));
    expect(kcp.files.map((f: any) => [f.path, f.permissions, f.owner])).toEqual([
      ['/etc/kubernetes/manifests/kube-vip.yaml', '0644', 'root:root'],
      ['/etc/kube-vip.hosts', '0644', 'root:root'],
      ['/etc/pre-kubeadm-commands/50-kube-vip-prepare.sh', '0700', 'root:root'],
    ]);
    const pod = YAML.parse(kcp.files[0].content);
    const env = Object.fromEntries(pod.spec.containers[0].env.map((e: any) => [e.name, e.value]));
    expect(env).toMatchObject({ address: VIP, port: '8443', vip_arp: 'true', cp_enable: 'true', vip_leaderelection: 'true' });
    expect(pod.spec.containers[0].image).toBe(KUBE_VIP_DEFAULT_IMAGE);
    expect(pod.spec.hostNetwork).toBe(true);
    expect(kcp.files[1].content).toBe('127.0.0.1 localhost kubernetes');
    expect(kcp.files[2].content).toMatch(/super-admin\.conf/);
    expect(kct.files).toBeUndefined();
  });

  test('the kube-vip image and interface are overridable; the image must be pinned', () => {
    const { kcp } = synth(vsphere({ kubeVip: { image: 'registry.example.com/kube-vip/kube-vip:v0.8.9', interface: 'ens192' } }));
    const pod = YAML.parse(kcp.files[0].content);
    expect(pod.spec.containers[0].image).toBe('registry.example.com/kube-vip/kube-vip:v0.8.9');
    expect(pod.spec.containers[0].env.find((e: any) => e.name === 'vip_interface').value).toBe('ens192');
    for (const image of ['ghcr.io/kube-vip/kube-vip', 'ghcr.io/kube-vip/kube-vip:latest']) {
      const e = validationError(() => vsphere({ kubeVip: { image } }));
      expect(e.issues).toEqual([{ path: 'kubeVip.image', message: expect.stringMatching(new RegExp(`^"${image}" is not pinned: give a version tag or a digest`)) }]);
    }
    expect(() => vsphere({ kubeVip: { image: `ghcr.io/kube-vip/kube-vip@sha256:${'a'.repeat(64)}` } })).not.toThrow();
    expect(validationError(() => vsphere({ kubeVip: { interface: 'a very long interface' } })).issues[0].path).toBe('kubeVip.interface');
  });

  test('a changed VIP changes the control-plane configuration (and so rolls the machines)', () => {
    expect(synth(vsphere({ controlPlaneEndpoint: { host: '10.20.0.11' } })).kcp.files[0].content).not.toBe(synth(vsphere()).kcp.files[0].content);
  });

  test('an external load balancer: no kube-vip, the rest of the bootstrap stays', () => {
    const { kcp, kct } = synth(vsphere({ controlPlaneEndpoint: { host: 'api.example.com' }, controlPlaneLoadBalancer: 'external' }));
    expect(kcp.files).toBeUndefined();
    expect(kcp.initConfiguration.nodeRegistration.criSocket).toBe('/var/run/containerd/containerd.sock');
    expect(kct.preKubeadmCommands).toHaveLength(5);
  });

  test.each<[string, Partial<ConstructorParameters<typeof VSphereCluster>[0]>, string, RegExp]>([
    ['no endpoint with kube-vip', { controlPlaneEndpoint: undefined }, 'controlPlaneEndpoint', /^is required: the virtual IP kube-vip holds/],
    ['no endpoint with an external load balancer', { controlPlaneEndpoint: undefined, controlPlaneLoadBalancer: 'external' }, 'controlPlaneEndpoint', /^is required: the address of the load balancer/],
    ['a DNS name for kube-vip', { controlPlaneEndpoint: { host: 'api.example.com' } }, 'controlPlaneEndpoint.host', /^"api.example.com" is not an IP address: kube-vip announces the endpoint by ARP/],
    ['kube-vip settings with an external load balancer', { controlPlaneLoadBalancer: 'external', kubeVip: {} }, 'kubeVip', /^applies only with controlPlaneLoadBalancer 'kube-vip'/],
    ['an unknown load balancer', { controlPlaneLoadBalancer: 'haproxy' as any }, 'controlPlaneLoadBalancer', /^must be one of "kube-vip", "external", got "haproxy"/],
    ['an unknown kube-vip field', { kubeVip: { mode: 'bgp' } as any }, 'kubeVip.mode', /^"mode" is not a field of kubeVip/],
  ])('rejects %s', (_what, props, path, message) => {
    const e = validationError(() => new VSphereCluster({ server: 'vcenter.example.com', controlPlaneEndpoint: { host: VIP }, ...props } as any));
    expect(e.issues).toEqual([{ path, message: expect.stringMatching(message) }]);
  });
});

describe('providers without a reference template: the same hooks', () => {
  test('ProviderBootstrap.custom on an existing infrastructure cluster reaches every group', () => {
    const bootstrap = ProviderBootstrap.custom({
      source: 'the oVirt bootstrap', kubeletExtraArgs: { 'cloud-provider': 'external' }, controllerManagerExtraArgs: { 'cloud-provider': 'external' },
      nodeName: '{{ local_hostname }}', preKubeadmCommands: ['echo ovirt'], files: [{ path: '/etc/ovirt.conf', content: 'x' }],
      controlPlaneFiles: [{ path: '/etc/cp-only', content: 'y' }],
    });
    const chart = new Chart(Testing.app(), 'o');
    const cluster = new Cluster(chart, 'c', { name: 'prod', cni: 'calico', kubernetesVersion: 'v1.31.4', infrastructure: existingInfrastructureCluster({ kind: 'OVirtCluster', version: 'v1beta1', bootstrap }) });
    const t = new OVirtMachineTemplate({ template: 'ubuntu', cpu: { cores: 2 }, sizemb: 4096 });
    new ControlPlaneGroup(chart, 'cp', { cluster, machineTemplate: t });
    new WorkerGroup(chart, 'md', { cluster, name: 'md', machineTemplate: t });
    const objects = Testing.synth(chart);
    const kcp = objects.find((o) => o.kind === 'KubeadmControlPlane').spec.kubeadmConfigSpec;
    const kct = objects.find((o) => o.kind === 'KubeadmConfigTemplate').spec.template.spec;
    expect(kcp.files.map((f: any) => f.path)).toEqual(['/etc/ovirt.conf', '/etc/cp-only']);
    expect(kct.files.map((f: any) => f.path)).toEqual(['/etc/ovirt.conf']);
    expect(kct.preKubeadmCommands).toEqual(['echo ovirt']);
    expect(kct.joinConfiguration.nodeRegistration).toEqual({ name: '{{ local_hostname }}', kubeletExtraArgs: [{ name: 'cloud-provider', value: 'external' }] });
    expect(kcp.clusterConfiguration.controllerManager.extraArgs).toEqual([{ name: 'cloud-provider', value: 'external' }]);
    // conflicts name the custom source
    const e = validationError(() => new WorkerGroup(chart, 'md2', { cluster, name: 'md2', machineTemplate: t, kubeadm: { kubeletExtraArgs: { 'cloud-provider': 'ovirt' } } }));
    expect(e.issues[0].message).toMatch(/conflicts with "external" set by the oVirt bootstrap/);
  });

  test('ProviderBootstrap.custom validates its hooks like the kubeadm props', () => {
    const e = validationError(() => ProviderBootstrap.custom({
      kubeletExtraArgs: { '--x': 'y' }, criSocket: 'containerd', files: [{ path: 'rel', content: 'x' }], preKubeadmCommands: [''], extra: 1,
    } as any));
    expect(e.issues.map((i) => i.path).sort()).toEqual(['criSocket', 'extra', 'files[0].path', 'kubeletExtraArgs.--x', 'preKubeadmCommands[0]']);
  });

  test('existingInfrastructureCluster defaults the bootstrap by kind; false turns it off', () => {
    expect(existingInfrastructureCluster({ kind: 'OpenStackCluster', version: 'v1beta1' }).bootstrap).toBe(ProviderBootstrap.openstack());
    const v = existingInfrastructureCluster({ kind: 'VSphereCluster', version: 'v1beta2' }).bootstrap!;
    expect(v.criSocket).toBe('/var/run/containerd/containerd.sock');
    expect(v.controlPlaneFiles).toBeUndefined();
    expect(existingInfrastructureCluster({ kind: 'OVirtCluster', version: 'v1beta1' }).bootstrap).toBeUndefined();
    expect(existingInfrastructureCluster({ kind: 'OpenStackCluster', version: 'v1beta1', bootstrap: false }).bootstrap).toBeUndefined();
    const kv = existingInfrastructureCluster({ kind: 'VSphereCluster', version: 'v1beta2', bootstrap: ProviderBootstrap.vsphere({ kubeVip: { address: VIP } }) });
    expect(kv.bootstrap!.controlPlaneFiles!.map((f) => f.path)).toContain('/etc/kubernetes/manifests/kube-vip.yaml');
    expect(validationError(() => existingInfrastructureCluster({ kind: 'X', version: 'v1', bootstrap: 'openstack' as any })).issues.map((i) => i.path)).toEqual(['bootstrap']);
    expect(validationError(() => ProviderBootstrap.vsphere({ kubeVip: { address: 'api.example.com' } })).issues.map((i) => i.path)).toEqual(['kubeVip.address']);
  });
});

test('a plain ClusterRef with a malformed bootstrap is a ValidationError, not a TypeError', () => {
  const ref = { name: 'prod', namespace: 'default', kubernetesVersion: 'v1.31.4', apiVersion: 'v1beta2' as const, bootstrap: { source: 'x', files: 'not a list' } as any };
  const e = validationError(() => new WorkerGroup(new Chart(Testing.app(), 'x'), 'md', { cluster: ref, name: 'md', machineTemplate: new VSphereMachineTemplate({ template: 't', networkName: 'n' }) }));
  expect(e.issues.map((i) => i.path)).toEqual(['cluster.bootstrap']);
});

test('a Cluster endpoint that differs from the infrastructure cluster\'s is an error; the same one is fine', () => {
  const make = (host: string) => () => new Cluster(new Chart(Testing.app(), 'x'), 'c', { name: 'prod', cni: 'calico', cloudController: false, kubernetesVersion: 'v1.31.4', controlPlaneEndpoint: { host }, infrastructure: vsphere() });
  const e = validationError(make('10.20.0.99'));
  expect(e.issues).toEqual([{ path: 'controlPlaneEndpoint', message: expect.stringMatching(/^\{"host":"10.20.0.99"\} differs from the VSphereCluster's controlPlaneEndpoint \{"host":"10.20.0.10","port":6443\}/) }]);
  expect(make(VIP)).not.toThrow();
});
