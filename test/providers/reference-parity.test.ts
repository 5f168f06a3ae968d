/**
 * Reference parity: the clusters the providers' own templates describe, built through the public API.
 *
 * For vSphere (CAPV v1.16.1: default = kube-vip, and external load balancer) and OpenStack (CAPO
 * v0.14.7: with and without the API load balancer), the test reads the reference template from
 * ../shared/reference (never copied into the repository), substitutes its `${VARS}` with the values
 * below (envsubst syntax, `${NAME:=default}` included; an unknown variable fails the test), builds the
 * same cluster with the library, and compares every field the reference sets with the library's
 * object of the same kind and role (control-plane or worker template, found through the references).
 *
 * Lists are matched by their items' `name` (or a file's `path`) where every item has one, else by
 * position. A file whose content is YAML (the kube-vip static pod) is compared as parsed objects.
 * Every mismatch must be explained by an entry of ALLOWED_DIFFERENCES (each with its reason, the same
 * table as docs/providers.md), and every entry must explain at least one mismatch, so that the
 * table stays exact.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Chart, Testing } from 'cdk8s';
import * as YAML from 'yaml';
import {
  CALICO_SECURITY_GROUP_RULES, Cluster, ControlPlaneGroup, OpenStackCluster, OpenStackMachineTemplate, VSphereCluster,
  VSphereMachineTemplate, WorkerGroup,
} from '../../lib';
import { KUBE_VIP_PREPARE_PATH } from '../../lib/core/kubeadm/kube-vip';
import { conformanceFailures } from '../conformance/check';
import { AllowedDifference, ALLOWED_DIFFERENCES, Template } from './reference-differences';

const REFERENCE = path.resolve(__dirname, '../../../shared/reference');

// ------------------------------------------------------------------------------------------------
// envsubst

/** `${NAME}` and `${NAME:=default}` as clusterctl/envsubst substitute them; an unset variable without default throws. */
export function envsubst(text: string, vars: Readonly<Record<string, string>>): string {
  const missing = new Set<string>();
  const out = text.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)(?::=([^}]*))?\}/g, (_m, name: string, def: string | undefined) => {
    if (vars[name] !== undefined) return vars[name];
    if (def !== undefined) return def;
    missing.add(name);
    return '';
  });
  if (missing.size > 0) throw new Error(`no value for ${[...missing].sort().join(', ')}`);
  return out;
}

function readReference(file: string, vars: Record<string, string>): any[] {
  const text = envsubst(fs.readFileSync(path.join(REFERENCE, file), 'utf8'), vars);
  return YAML.parseAllDocuments(text).map((d) => d.toJS()).filter((o) => o && typeof o === 'object');
}

// ------------------------------------------------------------------------------------------------
// Matching objects by kind and role

/** `<Kind>` or `<Kind>/<role>` for the templates a KubeadmControlPlane or MachineDeployment references. */
function roles(objects: any[]): Map<string, any> {
  const cpTemplate = objects.find((o) => o.kind === 'KubeadmControlPlane')?.spec?.machineTemplate?.spec?.infrastructureRef?.name;
  const mdTemplate = objects.find((o) => o.kind === 'MachineDeployment')?.spec?.template?.spec?.infrastructureRef?.name;
  const out = new Map<string, any>();
  for (const o of objects) {
    let key = o.kind;
    if (/MachineTemplate$/.test(o.kind)) key = `${o.kind}/${o.metadata.name === cpTemplate ? 'control-plane' : o.metadata.name === mdTemplate ? 'worker' : 'unreferenced'}`;
    else if (['Secret', 'ConfigMap', 'HelmRepository', 'HelmRelease'].includes(o.kind)) key = `${o.kind}/${o.metadata.name}`;
    if (out.has(key)) throw new Error(`two objects of ${key}`);
    out.set(key, o);
  }
  return out;
}

// ------------------------------------------------------------------------------------------------
// Comparing

interface Mismatch { readonly object: string; readonly path: string; readonly expected: unknown; readonly actual: unknown }

const isEmpty = (v: unknown) => v === null || (typeof v === 'object' && !Array.isArray(v) && Object.keys(v as object).length === 0);
const keyOf = (items: unknown[]): 'name' | 'path' | undefined => {
  for (const k of ['name', 'path'] as const) if (items.length > 0 && items.every((i) => i && typeof i === 'object' && typeof (i as any)[k] === 'string')) return k;
  return undefined;
};

/** Every field `expected` sets that `actual` lacks or sets differently. */
function compare(object: string, at: string, expected: unknown, actual: unknown, out: Mismatch[]): void {
  if (isEmpty(expected)) {
    if (!isEmpty(actual) || actual !== expected) out.push({ object, path: at, expected, actual });
    return;
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) {
      out.push({ object, path: at, expected, actual });
      return;
    }
    const key = keyOf(expected);
    expected.forEach((e, i) => {
      if (key) {
        const id = (e as any)[key];
        compare(object, `${at}[${key}=${id}]`, e, actual.find((a) => a?.[key] === id), out);
      } else compare(object, `${at}[${i}]`, e, actual[i], out);
    });
    return;
  }
  if (typeof expected === 'object') {
    if (!actual || typeof actual !== 'object') {
      out.push({ object, path: at, expected, actual });
      return;
    }
    for (const [k, v] of Object.entries(expected as object)) {
      const a = (actual as any)[k];
      const p = at ? `${at}.${k}` : k;
      // YAML file content (the kube-vip static pod): compare the parsed objects, not the text.
      if (k === 'content' && typeof v === 'string' && typeof a === 'string' && /\.ya?ml$/.test((expected as any).path ?? '')) {
        compare(object, `${p}(parsed)`, YAML.parse(v), YAML.parse(a), out);
      } else compare(object, p, v, a, out);
    }
    return;
  }
  if (expected !== actual) out.push({ object, path: at, expected, actual });
}

function mismatches(reference: any[], library: any[]): Mismatch[] {
  const lib = roles(library);
  const out: Mismatch[] = [];
  for (const [key, ref] of roles(reference)) {
    const mine = lib.get(key);
    if (!mine) out.push({ object: key, path: '(object)', expected: ref.metadata?.name, actual: undefined });
    else compare(key, '', ref, mine, out);
  }
  return out;
}

// ------------------------------------------------------------------------------------------------
// The allowed differences: ONE table (reference-differences.ts), repeated in docs/providers.md


// ------------------------------------------------------------------------------------------------
// The test's values, and the same clusters through the public API

const SSH_KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl ops@example.com';

const VSPHERE_VARS: Record<string, string> = {
  CLUSTER_NAME: 'vsphere-ref', NAMESPACE: 'tenants', KUBERNETES_VERSION: 'v1.31.4', CONTROL_PLANE_MACHINE_COUNT: '3', WORKER_MACHINE_COUNT: '3',
  CONTROL_PLANE_ENDPOINT_IP: '10.20.0.10', VSPHERE_SERVER: 'vcenter.example.com', VSPHERE_TLS_THUMBPRINT: '5A:2B:3C:4D:5E:6F:70:81:92:A3:B4:C5:D6:E7:F8:09:1A:2B:3C:4D',
  VSPHERE_DATACENTER: 'DC1', VSPHERE_DATASTORE: 'vsanDatastore', VSPHERE_FOLDER: 'k8s/vsphere-ref', VSPHERE_NETWORK: 'k8s-nodes',
  VSPHERE_RESOURCE_POOL: '*/Resources/k8s', VSPHERE_STORAGE_POLICY: 'k8s-gold', VSPHERE_TEMPLATE: 'ubuntu-2404-kube-v1.31.4',
  VSPHERE_SSH_AUTHORIZED_KEY: SSH_KEY, VSPHERE_USERNAME: 'user', VSPHERE_PASSWORD: 'not-a-real-password', CPI_IMAGE_K8S_VERSION: 'v1.31.0',
};

const OPENSTACK_VARS: Record<string, string> = {
  CLUSTER_NAME: 'capo-ref', KUBERNETES_VERSION: 'v1.31.4', CONTROL_PLANE_MACHINE_COUNT: '3', WORKER_MACHINE_COUNT: '3',
  OPENSTACK_CLOUD: 'openstack', OPENSTACK_CLOUD_CACERT_B64: 'Cg==', OPENSTACK_CLOUD_YAML_B64: 'Cg==',
  OPENSTACK_EXTERNAL_NETWORK_ID: '6e4f6a9c-3c2d-4b8e-9f43-2a1d5c7e8b90', OPENSTACK_DNS_NAMESERVERS: '10.0.0.2', OPENSTACK_FAILURE_DOMAIN: 'az-1',
  OPENSTACK_CONTROL_PLANE_MACHINE_FLAVOR: 'm1.large', OPENSTACK_NODE_MACHINE_FLAVOR: 'm1.xlarge', OPENSTACK_IMAGE_NAME: 'ubuntu-2404-kube-v1.31.4',
  OPENSTACK_SSH_KEY_NAME: 'ops',
};

function vsphereCluster(lb: 'kube-vip' | 'external'): any[] {
  const v = VSPHERE_VARS;
  const chart = new Chart(Testing.app(), 'ref');
  const cluster = new Cluster(chart, 'cluster', {
    name: v.CLUSTER_NAME, namespace: v.NAMESPACE, cni: 'calico', kubernetesVersion: v.KUBERNETES_VERSION, clusterNetwork: { pods: ['192.168.0.0/16'] },
    cloudController: { credentialsSecret: 'cloud-provider-vsphere-credentials' },
    infrastructure: new VSphereCluster({
      server: v.VSPHERE_SERVER, thumbprint: v.VSPHERE_TLS_THUMBPRINT, identityRef: { kind: 'Secret', name: v.CLUSTER_NAME },
      controlPlaneEndpoint: { host: v.CONTROL_PLANE_ENDPOINT_IP }, controlPlaneLoadBalancer: lb,
    }),
  });
  const machineTemplate = new VSphereMachineTemplate({
    template: v.VSPHERE_TEMPLATE, server: v.VSPHERE_SERVER, datacenter: v.VSPHERE_DATACENTER, datastore: v.VSPHERE_DATASTORE, folder: v.VSPHERE_FOLDER,
    resourcePool: v.VSPHERE_RESOURCE_POOL, storagePolicyName: v.VSPHERE_STORAGE_POLICY, numCPUs: 2, memoryMiB: 8192, diskGiB: 25, cloneMode: 'linkedClone',
    networks: [{ networkName: v.VSPHERE_NETWORK, dhcp4: true, dhcp6: false }], powerOffMode: 'trySoft', additionalFields: { os: 'Linux' },
  });
  const users = [{ name: 'capv', sshAuthorizedKeys: [v.VSPHERE_SSH_AUTHORIZED_KEY], sudo: 'ALL=(ALL) NOPASSWD:ALL' }];
  new ControlPlaneGroup(chart, 'cp', { cluster, replicas: 3, machineTemplate, kubeadm: { users } });
  new WorkerGroup(chart, 'md', { cluster, name: 'md-0', scaling: { replicas: 3 }, machineTemplate, kubeadm: { users } });
  return Testing.synth(chart);
}

function openstackCluster(loadBalancer: boolean): any[] {
  const v = OPENSTACK_VARS;
  const chart = new Chart(Testing.app(), 'ref');
  const cluster = new Cluster(chart, 'cluster', {
    name: v.CLUSTER_NAME, cni: 'calico', kubernetesVersion: v.KUBERNETES_VERSION, clusterNetwork: { pods: ['192.168.0.0/16'], serviceDomain: 'cluster.local' },
    cloudController: { credentialsSecret: `${v.CLUSTER_NAME}-cloud-controller` },
    infrastructure: new OpenStackCluster({
      cloudName: v.OPENSTACK_CLOUD, secretName: `${v.CLUSTER_NAME}-cloud-config`, externalNetwork: { id: v.OPENSTACK_EXTERNAL_NETWORK_ID },
      managedSecurityGroups: { allNodesSecurityGroupRules: CALICO_SECURITY_GROUP_RULES },
      managedSubnets: [{ cidr: '10.6.0.0/24', dnsNameservers: [v.OPENSTACK_DNS_NAMESERVERS] }],
      apiServerLoadBalancer: loadBalancer || undefined,
    }),
  });
  const image = v.OPENSTACK_IMAGE_NAME;
  const cp = new OpenStackMachineTemplate({ flavor: v.OPENSTACK_CONTROL_PLANE_MACHINE_FLAVOR, image, sshKeyName: v.OPENSTACK_SSH_KEY_NAME });
  new ControlPlaneGroup(chart, 'cp', { cluster, replicas: loadBalancer ? 3 : 1, machineTemplate: cp });
  new WorkerGroup(chart, 'md', {
    cluster, name: 'md-0', scaling: { replicas: 3 }, failureDomain: v.OPENSTACK_FAILURE_DOMAIN,
    machineTemplate: OpenStackMachineTemplate.from(cp, { flavor: v.OPENSTACK_NODE_MACHINE_FLAVOR }),
  });
  return Testing.synth(chart);
}

const CASES: [Template, string, () => any[], Record<string, string>][] = [
  ['capv-default', 'capv-v1.16.1/cluster-template.yaml', () => vsphereCluster('kube-vip'), VSPHERE_VARS],
  ['capv-external-lb', 'capv-v1.16.1/cluster-template-external-loadbalancer.yaml', () => vsphereCluster('external'), VSPHERE_VARS],
  ['capo-lb', 'capo-v0.14.7/cluster-template.yaml', () => openstackCluster(true), OPENSTACK_VARS],
  ['capo-without-lb', 'capo-v0.14.7/cluster-template-without-lb.yaml', () => openstackCluster(false), OPENSTACK_VARS],
];

const explains = (t: Template, m: Mismatch) => (d: AllowedDifference) => d.templates.includes(t) && d.object === m.object && d.path === m.path;

// ------------------------------------------------------------------------------------------------

describe('envsubst', () => {
  test('substitutes ${NAME} and ${NAME:=default}, and refuses an unset variable', () => {
    expect(envsubst('a: ${A}\nb: ${B:=6443}\nc: ${C:=""}', { A: 'x' })).toBe('a: x\nb: 6443\nc: ""');
    expect(envsubst('b: ${B:=6443}', { B: '7443' })).toBe('b: 7443');
    expect(() => envsubst('${A} ${Z}', { A: 'x' })).toThrow('no value for Z');
  });
});

const used = new Set<AllowedDifference>();

describe.each(CASES)('%s (%s)', (template, file, build, vars) => {
  const reference = readReference(file, vars);
  const library = build();

  test('the reference was read and every variable substituted', () => {
    expect(reference.length).toBeGreaterThan(5);
    expect(JSON.stringify(reference)).not.toMatch(/\$\{/);
  });

  test('every field the reference sets has the same value in the library object of the same kind and role, or is an allowed difference', () => {
    const found = mismatches(reference, library);
    const unexplained = found.filter((m) => !ALLOWED_DIFFERENCES.some(explains(template, m)));
    for (const m of found) for (const d of ALLOWED_DIFFERENCES) if (explains(template, m)(d)) used.add(d);
    expect(unexplained).toEqual([]);
  });

  test('the library objects pass the upstream CRDs', () => {
    expect(conformanceFailures(library, template)).toEqual([]);
  });
});

test('every allowed difference explains a real mismatch (the table holds nothing stale)', () => {
  for (const [template, file, build, vars] of CASES) {
    for (const m of mismatches(readReference(file, vars), build())) for (const d of ALLOWED_DIFFERENCES) if (explains(template, m)(d)) used.add(d);
  }
  expect(ALLOWED_DIFFERENCES.filter((d) => !used.has(d)).map((d) => `${d.object} ${d.path}`)).toEqual([]);
});

describe('kube-vip', () => {
  const kcpFiles = (objects: any[]) => objects.find((o) => o.kind === 'KubeadmControlPlane').spec.kubeadmConfigSpec.files as any[] | undefined;

  test('the prepare script does what CAPV\'s does: on the init machine with kubeadm >= 1.29, the same sed to super-admin.conf', () => {
    const reference = kcpFiles(readReference('capv-v1.16.1/cluster-template.yaml', VSPHERE_VARS))!.find((f) => f.path === KUBE_VIP_PREPARE_PATH).content as string;
    const mine = kcpFiles(vsphereCluster('kube-vip'))!.find((f) => f.path === KUBE_VIP_PREPARE_PATH).content as string;
    const sed = (s: string) => /sed -i '([^']+)'/.exec(s)?.[1];
    expect(sed(mine)).toBe(sed(reference));
    expect(sed(mine)).toBe('s#path: /etc/kubernetes/admin.conf#path: /etc/kubernetes/super-admin.conf#');
    for (const s of [mine, reference]) {
      expect(s).toContain('/run/kubeadm/kubeadm.yaml');
      expect(s).toMatch(/29/);
    }
    // The sed switches exactly the hostPath of the kubeconfig volume in the library's manifest.
    const manifest = kcpFiles(vsphereCluster('kube-vip'))!.find((f) => f.path === '/etc/kubernetes/manifests/kube-vip.yaml').content as string;
    const switched = YAML.parse(manifest.replace(/path: \/etc\/kubernetes\/admin\.conf/g, 'path: /etc/kubernetes/super-admin.conf'));
    expect(switched.spec.volumes.find((v: any) => v.name === 'kubeconfig').hostPath.path).toBe('/etc/kubernetes/super-admin.conf');
    expect(switched.spec.containers[0].volumeMounts.find((v: any) => v.name === 'kubeconfig').mountPath).toBe('/etc/kubernetes/admin.conf');
  });

  test('the external load balancer variant has no kube-vip file, as CAPV\'s', () => {
    expect(kcpFiles(vsphereCluster('external'))).toBeUndefined();
    expect(kcpFiles(readReference('capv-v1.16.1/cluster-template-external-loadbalancer.yaml', VSPHERE_VARS))).toBeUndefined();
  });
});

describe('the comparison itself', () => {
  test('finds a missing kubelet provider-id and a wrong kube-vip address', () => {
    const capo = openstackCluster(true);
    const kct = capo.find((o) => o.kind === 'KubeadmConfigTemplate');
    const args = kct.spec.template.spec.joinConfiguration.nodeRegistration.kubeletExtraArgs as any[];
    kct.spec.template.spec.joinConfiguration.nodeRegistration.kubeletExtraArgs = args.filter((a) => a.name !== 'provider-id');
    expect(mismatches(readReference('capo-v0.14.7/cluster-template.yaml', OPENSTACK_VARS), capo)).toContainEqual({
      object: 'KubeadmConfigTemplate', path: 'spec.template.spec.joinConfiguration.nodeRegistration.kubeletExtraArgs[name=provider-id]',
      expected: { name: 'provider-id', value: "openstack:///'{{ instance_id }}'" }, actual: undefined,
    });

    const capv = vsphereCluster('kube-vip');
    const file = capv.find((o) => o.kind === 'KubeadmControlPlane').spec.kubeadmConfigSpec.files[0];
    file.content = file.content.replace('10.20.0.10', '10.20.0.11');
    expect(mismatches(readReference('capv-v1.16.1/cluster-template.yaml', VSPHERE_VARS), capv)).toContainEqual(expect.objectContaining({
      object: 'KubeadmControlPlane', path: 'spec.kubeadmConfigSpec.files[path=/etc/kubernetes/manifests/kube-vip.yaml].content(parsed).spec.containers[name=kube-vip].env[name=address].value',
      expected: '10.20.0.10', actual: '10.20.0.11',
    }));
  });

  test('an object the library does not emit is a mismatch of the whole object', () => {
    expect(mismatches([{ kind: 'Secret', metadata: { name: 's' } }], [])).toEqual([{ object: 'Secret/s', path: '(object)', expected: 's', actual: undefined }]);
  });
});

test('docs/providers.md repeats every allowed difference with its reason', () => {
  const docs = fs.readFileSync(path.resolve(__dirname, '../../docs/providers.md'), 'utf8');
  const missing = ALLOWED_DIFFERENCES.filter((d) => !docs.includes(`| \`${d.object}\` | \`${d.path}\` | ${d.reason} |`));
  expect(missing.map((d) => `${d.object} ${d.path}`)).toEqual([]);
});
