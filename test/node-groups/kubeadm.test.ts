/**
 * The `kubeadm` props of ControlPlaneGroup and WorkerGroup: where each lands (v1beta2 lists, v1beta1
 * maps), how they merge with the provider bootstrap and node failure detection, and the rules (each
 * error names the field, the value and the rule).
 */
import {
  Cluster, ClusterProps, CONTROL_PLANE_TAINT, ControlPlaneGroup, ControlPlaneKubeadmProps, OpenStackCluster, VSphereCluster, WorkerGroup,
  WorkerKubeadmProps,
} from '../../lib';
import { conformanceFailures } from '../conformance/check';
import { TEST_INFRA } from '../support/infrastructure';
import { dockerTemplate, newChart, objectsOf, validationError } from './fixtures';
import { KUBEADM_DEFAULT_ETCD_DATA_DIR, KUBEADM_DEFAULT_IMAGE_PULL_POLICY } from '../../lib/core/nodes/kubeadm-config-floor';

type Capi = 'v1beta2' | 'v1beta1';

function build(opts: { capi?: Capi; cp?: ControlPlaneKubeadmProps; worker?: WorkerKubeadmProps; cluster?: Partial<ClusterProps> } = {}) {
  const chart = newChart();
  const cluster = new Cluster(chart, 'c', { name: 'k', namespace: 'tenants', kubernetesVersion: 'v1.31.4', apiVersion: opts.capi ?? 'v1beta2', infrastructure: TEST_INFRA, cni: 'calico', ...opts.cluster });
  const cp = new ControlPlaneGroup(chart, 'cp', { cluster, machineTemplate: dockerTemplate(), kubeadm: opts.cp });
  const md = new WorkerGroup(chart, 'md', { cluster, name: 'md', machineTemplate: dockerTemplate(), kubeadm: opts.worker });
  const objects = objectsOf(chart);
  return {
    objects, cp, md,
    kcp: objects.find((o) => o.kind === 'KubeadmControlPlane').spec.kubeadmConfigSpec,
    kct: objects.find((o) => o.kind === 'KubeadmConfigTemplate').spec.template.spec,
  };
}

const cpError = (kubeadm: unknown, cluster: Partial<ClusterProps> = {}) => validationError(() => build({ cp: kubeadm as ControlPlaneKubeadmProps, cluster }));
const wError = (kubeadm: unknown, cluster: Partial<ClusterProps> = {}) => validationError(() => build({ worker: kubeadm as WorkerKubeadmProps, cluster }));
const only = (e: { issues: readonly { path: string; message: string }[] }) => {
  expect(e.issues).toHaveLength(1);
  return e.issues[0];
};

const KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl ops@example.com';
const openstack = { infrastructure: new OpenStackCluster({ cloudName: 'openstack', secretName: 'cloud-config' }), cloudController: false as const };
const vsphere = { infrastructure: new VSphereCluster({ server: 'vcenter.example.com', controlPlaneEndpoint: { host: '10.0.0.10' } }), cloudController: false as const };

const FULL_NODE: WorkerKubeadmProps = {
  kubeletExtraArgs: { 'max-pods': '200', 'system-reserved': 'cpu=500m,memory=1Gi' },
  taints: [{ key: 'dedicated', value: 'ingress', effect: 'NoSchedule' }],
  files: [
    { path: '/etc/sysctl.d/90-k8s.conf', content: 'vm.max_map_count = 262144\n', permissions: '0644', owner: 'root:root' },
    { path: '/etc/registry/auth.json', contentFrom: { secret: { name: 'registry-auth', key: 'auth.json' } }, permissions: '0600' },
  ],
  preKubeadmCommands: ['sysctl --system'],
  postKubeadmCommands: ['echo joined'],
  users: [{ name: 'ops', sshAuthorizedKeys: [KEY], sudo: 'ALL=(ALL) NOPASSWD:ALL', groups: ['adm', 'sudo'] }],
  ntp: { servers: ['0.pool.ntp.org', '10.0.0.2'] },
};

describe('where the props land', () => {
  test.each<Capi>(['v1beta2', 'v1beta1'])('node props on both groups, %s', (capi) => {
    const { kcp, kct, objects } = build({ capi, cp: { ...FULL_NODE, taints: [CONTROL_PLANE_TAINT] }, worker: FULL_NODE });
    const kubelet = capi === 'v1beta2'
      ? [{ name: 'max-pods', value: '200' }, { name: 'system-reserved', value: 'cpu=500m,memory=1Gi' }]
      : { 'max-pods': '200', 'system-reserved': 'cpu=500m,memory=1Gi' };
    expect(kct.joinConfiguration.nodeRegistration).toEqual({ kubeletExtraArgs: kubelet, taints: [{ key: 'dedicated', value: 'ingress', effect: 'NoSchedule' }] });
    // the control plane also carries the update-safe floor (lib/core/nodes/kubeadm-config-floor.ts)
    expect(kcp.initConfiguration.nodeRegistration).toEqual({ kubeletExtraArgs: kubelet, taints: [{ key: CONTROL_PLANE_TAINT.key, effect: 'NoSchedule' }], imagePullPolicy: KUBEADM_DEFAULT_IMAGE_PULL_POLICY });
    // KubeadmControlPlane compares machines as if joined: init and join stay identical.
    expect(kcp.joinConfiguration).toEqual(kcp.initConfiguration);
    for (const spec of [kcp, kct]) {
      expect(spec.files).toEqual([
        { path: '/etc/sysctl.d/90-k8s.conf', content: 'vm.max_map_count = 262144\n', permissions: '0644', owner: 'root:root' },
        { path: '/etc/registry/auth.json', contentFrom: { secret: { name: 'registry-auth', key: 'auth.json' } }, permissions: '0600' },
      ]);
      expect(spec.preKubeadmCommands).toEqual(['sysctl --system']);
      expect(spec.postKubeadmCommands).toEqual(['echo joined']);
      expect(spec.users).toEqual([{ name: 'ops', sshAuthorizedKeys: [KEY], sudo: 'ALL=(ALL) NOPASSWD:ALL', groups: 'adm, sudo' }]);
      expect(spec.ntp).toEqual({ servers: ['0.pool.ntp.org', '10.0.0.2'], enabled: true });
    }
    expect(conformanceFailures(objects, capi)).toEqual([]);
  });

  test.each<Capi>(['v1beta2', 'v1beta1'])('control-plane components and etcd, %s', (capi) => {
    const { kcp, objects } = build({
      capi,
      cp: {
        apiServer: { extraArgs: { 'audit-log-maxage': '30' } }, controllerManager: { extraArgs: { 'terminated-pod-gc-threshold': '100' } },
        scheduler: { extraArgs: { v: '2' } }, etcd: { dataDir: '/var/lib/etcd-data', extraArgs: { 'quota-backend-bytes': '8589934592' } },
      },
    });
    const args = (a: Record<string, string>) => (capi === 'v1beta2' ? Object.entries(a).map(([name, value]) => ({ name, value })) : a);
    expect(kcp.clusterConfiguration).toEqual({
      apiServer: { extraArgs: args({ 'audit-log-maxage': '30' }) },
      controllerManager: { extraArgs: args({ 'terminated-pod-gc-threshold': '100' }) },
      scheduler: { extraArgs: args({ v: '2' }) },
      etcd: { local: { dataDir: '/var/lib/etcd-data', extraArgs: args({ 'quota-backend-bytes': '8589934592' }) } },
    });
    expect(conformanceFailures(objects, capi)).toEqual([]);
  });

  test('an empty taint list is emitted (no taints, not kubeadm\'s default), with a warning on the control plane', () => {
    const { kcp, kct, cp, md, objects } = build({ cp: { taints: [] }, worker: { taints: [] } });
    expect(kcp.initConfiguration.nodeRegistration).toEqual({ taints: [], imagePullPolicy: KUBEADM_DEFAULT_IMAGE_PULL_POLICY });
    expect(kcp.joinConfiguration.nodeRegistration).toEqual({ taints: [], imagePullPolicy: KUBEADM_DEFAULT_IMAGE_PULL_POLICY });
    expect(kct.joinConfiguration.nodeRegistration).toEqual({ taints: [] });
    expect(cp.warnings.map((w) => w.path)).toEqual(['kubeadm.taints']);
    expect(md.warnings).toEqual([]);
    expect(conformanceFailures(objects, 'taints')).toEqual([]);
  });

  test('without kubeadm props nothing but the format (and on the control plane the update-safe floor) is emitted (kubeadm defaults)', () => {
    const { kcp, kct } = build();
    const nodeRegistration = { imagePullPolicy: KUBEADM_DEFAULT_IMAGE_PULL_POLICY };
    expect(kcp).toEqual({
      format: 'cloud-config', clusterConfiguration: { etcd: { local: { dataDir: KUBEADM_DEFAULT_ETCD_DATA_DIR } } },
      initConfiguration: { nodeRegistration }, joinConfiguration: { nodeRegistration },
    });
    expect(kct).toEqual({ format: 'cloud-config' });
  });

  test('a change of the worker kubeadm props renames the KubeadmConfigTemplate (a rollout)', () => {
    const name = (worker?: WorkerKubeadmProps) => build({ worker }).objects.find((o) => o.kind === 'KubeadmConfigTemplate').metadata.name;
    expect(name({ kubeletExtraArgs: { 'max-pods': '200' } })).not.toBe(name({ kubeletExtraArgs: { 'max-pods': '110' } }));
    expect(name({ kubeletExtraArgs: { 'max-pods': '200' } })).toBe(name({ kubeletExtraArgs: { 'max-pods': '200' } }));
  });
});

describe('library-managed values', () => {
  test('the provider\'s and node failure detection\'s arguments come first, the user\'s are added', () => {
    const { kcp, kct } = build({
      cluster: { ...openstack, nodeFailureDetection: { nodeStatusUpdateFrequency: '5s' } },
      cp: { kubeletExtraArgs: { 'max-pods': '200' }, controllerManager: { extraArgs: { v: '2' } } },
      worker: { kubeletExtraArgs: { 'max-pods': '200' } },
    });
    const kubelet = [
      { name: 'cloud-provider', value: 'external' }, { name: 'max-pods', value: '200' }, { name: 'node-status-update-frequency', value: '5s' },
      { name: 'provider-id', value: "openstack:///'{{ instance_id }}'" },
    ];
    expect(kct.joinConfiguration.nodeRegistration).toEqual({ name: '{{ local_hostname }}', kubeletExtraArgs: kubelet });
    expect(kcp.initConfiguration.nodeRegistration.kubeletExtraArgs).toEqual(kubelet);
    expect(kcp.clusterConfiguration.controllerManager.extraArgs).toEqual([
      { name: 'cloud-provider', value: 'external' }, { name: 'node-monitor-grace-period', value: '40s' }, { name: 'node-monitor-period', value: '5s' },
      { name: 'v', value: '2' },
    ]);
  });

  test('the same value as the library\'s is no conflict', () => {
    expect(() => build({ cluster: openstack, worker: { kubeletExtraArgs: { 'cloud-provider': 'external' } } })).not.toThrow();
  });

  test('a different value is an error naming both sources', () => {
    const i = only(wError({ kubeletExtraArgs: { 'provider-id': 'openstack:///fixed' } }, openstack));
    expect(i.path).toBe('kubeadm.kubeletExtraArgs.provider-id');
    expect(i.message).toBe("\"openstack:///fixed\" conflicts with \"openstack:///'{{ instance_id }}'\" set by the OpenStack provider bootstrap (OpenStackCluster): remove it, or list \"kubeletExtraArgs.provider-id\" in kubeadm.override to replace the library's value");
    const nfd = only(cpError({ controllerManager: { extraArgs: { 'node-monitor-period': '1s' } } }, { nodeFailureDetection: { nodeMonitorPeriod: '5s' } }));
    expect(nfd.path).toBe('kubeadm.controllerManager.extraArgs.node-monitor-period');
    expect(nfd.message).toMatch(/^"1s" conflicts with "5s" set by the Cluster's nodeFailureDetection/);
  });

  test('override replaces the value, with a warning', () => {
    const { kct, md } = build({ cluster: openstack, worker: { kubeletExtraArgs: { 'provider-id': 'openstack:///fixed' }, override: ['kubeletExtraArgs.provider-id'] } });
    expect(kct.joinConfiguration.nodeRegistration.kubeletExtraArgs).toContainEqual({ name: 'provider-id', value: 'openstack:///fixed' });
    expect(md.warnings.map((w) => w.path)).toEqual(['kubeadm.kubeletExtraArgs.provider-id']);
  });

  test('an override entry that overrides nothing is an error', () => {
    const i = only(wError({ kubeletExtraArgs: { 'max-pods': '200' }, override: ['kubeletExtraArgs.max-pods'] }, openstack));
    expect(i.path).toBe('kubeadm.override[0]');
    expect(i.message).toMatch(/^"kubeletExtraArgs.max-pods" overrides nothing: an entry must name a library-managed value/);
    expect(only(wError({ override: 'kubeletExtraArgs.x' })).path).toBe('kubeadm.override');
  });

  test('a user file at a path the provider writes is an error naming both, unless overridden', () => {
    const file = { path: '/etc/kube-vip.hosts', content: '127.0.0.1 localhost' };
    const i = only(cpError({ files: [file] }, vsphere));
    expect(i.path).toBe('kubeadm.files[0].path');
    expect(i.message).toBe('"/etc/kube-vip.hosts" is already written by the vSphere provider bootstrap (VSphereCluster, kube-vip): choose another path, or list "files[/etc/kube-vip.hosts]" in kubeadm.override to replace the library\'s file');
    const { kcp, cp } = build({ cluster: vsphere, cp: { files: [file], override: ['files[/etc/kube-vip.hosts]'] } });
    expect(kcp.files.filter((f: any) => f.path === '/etc/kube-vip.hosts')).toEqual([file]);
    expect(cp.warnings.map((w) => w.path)).toContain('kubeadm.files[0].path');
    // workers have no kube-vip files: the same path is free there
    expect(() => build({ cluster: vsphere, worker: { files: [file] } })).not.toThrow();
  });

  test('user preKubeadmCommands run after the provider\'s', () => {
    const { kct } = build({ cluster: vsphere, worker: { preKubeadmCommands: ['echo mine'] } });
    expect(kct.preKubeadmCommands[0]).toBe('hostnamectl set-hostname "{{ ds.meta_data.hostname }}"');
    expect(kct.preKubeadmCommands.at(-1)).toBe('echo mine');
  });
});

describe('bad input: the error names the field, the value and the rule', () => {
  test.each<[string, unknown, string, RegExp]>([
    ['an argument written with dashes', { kubeletExtraArgs: { '--max-pods': '10' } }, 'kubeadm.kubeletExtraArgs.--max-pods', /^"--max-pods" starts with "-": kubeadm writes each argument as --<name>=<value>, so give the name without dashes \("max-pods"\)/],
    ['an argument name with a space', { kubeletExtraArgs: { 'max pods': '10' } }, 'kubeadm.kubeletExtraArgs.max pods', /^"max pods" is not a command-line flag name/],
    ['a number as an argument value', { kubeletExtraArgs: { 'max-pods': 10 } }, 'kubeadm.kubeletExtraArgs.max-pods', /^value must be a string \(kubeadm passes it as --max-pods=<value>\), got 10/],
    ['a line break in an argument value', { kubeletExtraArgs: { v: '2\n3' } }, 'kubeadm.kubeletExtraArgs.v', /contains a line break/],
    ['a taint with an unknown effect', { taints: [{ key: 'a', effect: 'Never' }] }, 'kubeadm.taints[0].effect', /^must be one of "NoSchedule", "PreferNoSchedule", "NoExecute", got "Never"/],
    ['a taint key with a space', { taints: [{ key: 'a b', effect: 'NoSchedule' }] }, 'kubeadm.taints[0].key', /^"a b" is not a valid taint key/],
    ['a taint value too long', { taints: [{ key: 'a', value: 'v'.repeat(64), effect: 'NoSchedule' }] }, 'kubeadm.taints[0].value', /is not a valid taint value: at most 63/],
    ['two taints with the same key and effect', { taints: [{ key: 'a', effect: 'NoSchedule' }, { key: 'a', value: 'b', effect: 'NoSchedule' }] }, 'kubeadm.taints[1]', /^taint "a:NoSchedule" is already given at kubeadm.taints\[0\]: Kubernetes requires key and effect to be unique/],
    ['taints as a string', { taints: 'a=b:NoSchedule' }, 'kubeadm.taints', /^must be a list of \{ key, value, effect \}, got "a=b:NoSchedule"/],
    ['a relative file path', { files: [{ path: 'etc/motd', content: 'x' }] }, 'kubeadm.files[0].path', /^"etc\/motd" is not an absolute file path/],
    ['a file path with ..', { files: [{ path: '/etc/../root/x', content: 'x' }] }, 'kubeadm.files[0].path', /is not an absolute file path: start with "\/", no "\.\."/],
    ['a numeric file mode', { files: [{ path: '/a', content: 'x', permissions: 644 }] }, 'kubeadm.files[0].permissions', /^644 is not an octal file mode: write it as a string of octal digits such as "0644"/],
    ['a non-octal file mode', { files: [{ path: '/a', content: 'x', permissions: '0999' }] }, 'kubeadm.files[0].permissions', /^"0999" is not an octal file mode/],
    ['two files at one path', { files: [{ path: '/a', content: 'x' }, { path: '/a', content: 'y' }] }, 'kubeadm.files[1].path', /^"\/a" is already written by kubeadm.files\[0\]: file paths must be unique/],
    ['a file without content', { files: [{ path: '/a' }] }, 'kubeadm.files[0]', /^needs content \(inline text\) or contentFrom \(a Secret\)/],
    ['a file with content and contentFrom', { files: [{ path: '/a', content: 'x', contentFrom: { secret: { name: 's', key: 'k' } } }] }, 'kubeadm.files[0]', /^set either content or contentFrom, not both/],
    ['a private key inline', { files: [{ path: '/etc/ssl/server.pem', content: '-----BEGIN EC PRIVATE KEY-----\nMHc\n-----END EC PRIVATE KEY-----\n' }] }, 'kubeadm.files[0].content', /^holds a private key: never inline a credential; put it in a Secret and use contentFrom/],
    ['a token file inline', { files: [{ path: '/etc/app/token', content: 'abc' }] }, 'kubeadm.files[0].content', /^"\/etc\/app\/token" looks like a credential file: never inline a credential/],
    ['a contentFrom without key', { files: [{ path: '/a', contentFrom: { secret: { name: 's' } } }] }, 'kubeadm.files[0].contentFrom.secret.key', /^undefined is not a Secret data key/],
    ['a bad owner', { files: [{ path: '/a', content: 'x', owner: 'root root' }] }, 'kubeadm.files[0].owner', /^"root root" is not an owner: use "user" or "user:group"/],
    ['an unknown file field', { files: [{ path: '/a', content: 'x', mode: '0644' }] }, 'kubeadm.files[0].mode', /^"mode" is not a field of a file/],
    ['an empty command', { preKubeadmCommands: ['echo', ' '] }, 'kubeadm.preKubeadmCommands[1]', /^must be a non-empty shell command/],
    ['commands as a string', { postKubeadmCommands: 'echo' }, 'kubeadm.postKubeadmCommands', /^must be a list of at most 1000 shell commands, got "echo"/],
    ['an upper-case user name', { users: [{ name: 'Ops' }] }, 'kubeadm.users[0].name', /^"Ops" is not a user name/],
    ['an inline password', { users: [{ name: 'ops', passwd: '$6$abc' }] }, 'kubeadm.users[0].passwd', /^never inline a password: put the hash in a Secret and use passwdFrom/],
    ['a private SSH key', { users: [{ name: 'ops', sshAuthorizedKeys: ['-----BEGIN OPENSSH PRIVATE KEY-----'] }] }, 'kubeadm.users[0].sshAuthorizedKeys[0]', /^is a private key: give the public key/],
    ['a malformed SSH key', { users: [{ name: 'ops', sshAuthorizedKeys: ['AAAAC3Nza'] }] }, 'kubeadm.users[0].sshAuthorizedKeys[0]', /^"AAAAC3Nza" is not an OpenSSH public key/],
    ['two users of one name', { users: [{ name: 'ops' }, { name: 'ops' }] }, 'kubeadm.users[1].name', /^"ops" is already defined by kubeadm.users\[0\]/],
    ['an empty NTP server list', { ntp: { servers: [] } }, 'kubeadm.ntp.servers', /^must be a list of 1 to 100 NTP servers, got \[\]/],
    ['an NTP server with a space', { ntp: { servers: ['pool ntp'] } }, 'kubeadm.ntp.servers[0]', /^"pool ntp" is not a host name or IP address/],
    ['an unknown kubeadm field', { kubeletArgs: {} }, 'kubeadm.kubeletArgs', /^"kubeletArgs" is not a known field of (ControlPlane|Worker)KubeadmProps; known fields are kubeletExtraArgs/],
  ])('%s (both groups)', (_what, kubeadm, path, message) => {
    for (const e of [cpError(kubeadm), wError(kubeadm)]) {
      const i = only(e);
      expect(i.path).toBe(path);
      expect(i.message).toMatch(message);
      expect(e.statusCode).toBe(400);
    }
  });

  test.each<[string, unknown, string, RegExp]>([
    ['a relative etcd dataDir', { etcd: { dataDir: 'var/lib/etcd' } }, 'kubeadm.etcd.dataDir', /^"var\/lib\/etcd" is not an absolute directory path/],
    ['an unknown etcd field', { etcd: { external: {} } }, 'kubeadm.etcd.external', /^"external" is not a known field of EtcdProps; known fields are extraArgs, dataDir/],
    ['an API server argument with dashes', { apiServer: { extraArgs: { '--v': '2' } } }, 'kubeadm.apiServer.extraArgs.--v', /starts with "-"/],
    ['a component without extraArgs', { scheduler: { args: {} } }, 'kubeadm.scheduler.args', /^"args" is not a known field of ComponentProps; known fields are extraArgs/],
  ])('control plane: %s', (_what, kubeadm, path, message) => {
    const i = only(cpError(kubeadm));
    expect(i.path).toBe(path);
    expect(i.message).toMatch(message);
  });

  test('control-plane components on a worker group are unknown fields that say where they belong', () => {
    const i = only(wError({ apiServer: { extraArgs: { v: '2' } } }));
    expect(i.path).toBe('kubeadm.apiServer');
    expect(i.message).toMatch(/^"apiServer" is not a known field of WorkerKubeadmProps: control-plane components are set on the ControlPlaneGroup's kubeadm/);
  });

  test('every problem of the kubeadm props is reported together, and nothing is emitted', () => {
    const chart = newChart();
    const cluster = new Cluster(chart, 'c', { name: 'k', kubernetesVersion: 'v1.31.4', infrastructure: TEST_INFRA, cni: 'calico' });
    const before = objectsOf(chart).length;
    const e = validationError(() => new WorkerGroup(chart, 'md', {
      cluster, name: 'md', machineTemplate: dockerTemplate(),
      kubeadm: { kubeletExtraArgs: { '--a': 'b' }, taints: [{ key: 'a', effect: 'X' as any }], files: [{ path: 'x', content: 'y' }], users: [{ name: 'A' }] },
    }));
    expect(e.issues.map((i) => i.path).sort()).toEqual(['kubeadm.files[0].path', 'kubeadm.kubeletExtraArgs.--a', 'kubeadm.taints[0].effect', 'kubeadm.users[0].name']);
    expect(objectsOf(chart)).toHaveLength(before);
  });

  test('non-object kubeadm props give a ValidationError, not a TypeError', () => {
    for (const bad of [null, 'x', 3, []]) expect(only(wError(bad)).path).toBe('kubeadm');
  });
});
