/**
 * Provider bootstrap: what an infrastructure provider needs in every node's kubeadm configuration
 * for the node to join and be matched to its Machine. The infrastructure cluster object carries it
 * (OpenStackCluster, VSphereCluster, or `existingInfrastructureCluster({ bootstrap })`); the Cluster
 * hands it to its node groups, which merge it with their own `kubeadm` props (config.ts).
 *
 * The values are those of the providers' own reference templates (../shared/reference):
 * - OpenStack (CAPO v0.14.7 cluster-template.yaml): kubelet `cloud-provider: external` and
 *   `provider-id: openstack:///'{{ instance_id }}'`, `nodeRegistration.name: '{{ local_hostname }}'`,
 *   controller-manager `cloud-provider: external`. Cluster API matches a Machine to its Node by the
 *   provider ID; without it a Machine never gets a nodeRef.
 * - vSphere (CAPV v1.16.1 cluster-template.yaml): kubelet and controller-manager
 *   `cloud-provider: external` (the vSphere CPI sets the provider ID), the containerd `criSocket`,
 *   `nodeRegistration.name: '{{ local_hostname }}'`, preKubeadmCommands that set the hostname from
 *   the VM's metadata, write /etc/hosts and run every /etc/pre-kubeadm-commands/*.sh, and the
 *   kube-vip files on control-plane machines (kube-vip.ts) unless an external load balancer holds
 *   the endpoint (cluster-template-external-loadbalancer.yaml).
 * The `{{ ... }}` placeholders are cloud-init Jinja, filled in on the machine.
 */
import { isIP } from 'net';
import { Problems, show } from '../rules/errors';
import { checkObject, checkProps } from '../rules/validation';
import { checkExtraArgs } from './args';
import { checkCommands } from './commands';
import { checkFiles, KubeadmFile } from './files';
import { checkKubeVip, KubeVipProps, kubeVipFiles } from './kube-vip';

/** What a provider adds to the kubeadm configuration of every node group. */
export interface ProviderBootstrap {
  /** Who sets these values, named in conflict errors, e.g. `the OpenStack provider bootstrap (OpenStackCluster)`. */
  readonly source: string;
  /** kubelet arguments on every node. */
  readonly kubeletExtraArgs?: Readonly<Record<string, string>>;
  /** kube-controller-manager arguments. */
  readonly controllerManagerExtraArgs?: Readonly<Record<string, string>>;
  /** `nodeRegistration.name` (a cloud-init template such as `{{ local_hostname }}`). */
  readonly nodeName?: string;
  /** `nodeRegistration.criSocket`. */
  readonly criSocket?: string;
  /** Commands run before kubeadm on every node, before the group's own. */
  readonly preKubeadmCommands?: readonly string[];
  /** Files on every node. */
  readonly files?: readonly KubeadmFile[];
  /** Files on control-plane nodes only (e.g. kube-vip). */
  readonly controlPlaneFiles?: readonly KubeadmFile[];
}

/** Props of `ProviderBootstrap.custom`: the hooks for providers without a reference template. */
export interface CustomProviderBootstrapProps {
  /** Named in conflict errors. @default 'the provider bootstrap' */
  readonly source?: string;
  /** @default none */
  readonly kubeletExtraArgs?: Record<string, string>;
  /** @default none */
  readonly controllerManagerExtraArgs?: Record<string, string>;
  /** @default none (kubeadm uses the machine's hostname) */
  readonly nodeName?: string;
  /** @default none (kubeadm detects the runtime) */
  readonly criSocket?: string;
  /** @default none */
  readonly preKubeadmCommands?: readonly string[];
  /** @default none */
  readonly files?: readonly KubeadmFile[];
  /** @default none */
  readonly controlPlaneFiles?: readonly KubeadmFile[];
}

const EXTERNAL = 'external';
/** cloud-init's name for the machine's hostname, as the reference templates use it. */
export const LOCAL_HOSTNAME = '{{ local_hostname }}';
export const CONTAINERD_SOCKET = '/var/run/containerd/containerd.sock';
/** The provider ID CAPO's template gives the kubelet; `instance_id` is the Nova server UUID. */
export const OPENSTACK_PROVIDER_ID = "openstack:///'{{ instance_id }}'";

/** The directory whose scripts the vSphere bootstrap runs before kubeadm (kube-vip's prepare script is one). */
export const PRE_KUBEADM_COMMANDS_DIR = '/etc/pre-kubeadm-commands';

/** CAPV's preKubeadmCommands: hostname from the VM metadata, /etc/hosts, then the scripts of {@link PRE_KUBEADM_COMMANDS_DIR}. */
export const VSPHERE_PRE_KUBEADM_COMMANDS: readonly string[] = Object.freeze([
  'hostnamectl set-hostname "{{ ds.meta_data.hostname }}"',
  'echo "::1         ipv6-localhost ipv6-loopback localhost6 localhost6.localdomain6" >/etc/hosts',
  'echo "127.0.0.1   {{ ds.meta_data.hostname }} {{ local_hostname }} localhost localhost.localdomain localhost4 localhost4.localdomain4" >>/etc/hosts',
  `mkdir -p ${PRE_KUBEADM_COMMANDS_DIR}`,
  `for script in $(find ${PRE_KUBEADM_COMMANDS_DIR}/ -name '*.sh' -type f | sort); do echo "Running script $script"; "$script"; done`,
]);

const OPENSTACK: ProviderBootstrap = Object.freeze({
  source: 'the OpenStack provider bootstrap (OpenStackCluster)',
  kubeletExtraArgs: Object.freeze({ 'cloud-provider': EXTERNAL, 'provider-id': OPENSTACK_PROVIDER_ID }),
  controllerManagerExtraArgs: Object.freeze({ 'cloud-provider': EXTERNAL }),
  nodeName: LOCAL_HOSTNAME,
});

/** Props of `ProviderBootstrap.vsphere`. */
export interface VSphereBootstrapProps {
  /**
   * kube-vip holding the control-plane endpoint `address:port` on the control-plane machines; omit
   * when an external load balancer holds it. (VSphereCluster fills this in from its endpoint.)
   * @default none (external load balancer)
   */
  readonly kubeVip?: KubeVipProps & { readonly address: string; readonly port?: number };
}

function vsphereBootstrap(props: VSphereBootstrapProps = {}): ProviderBootstrap {
  const p = new Problems('ProviderBootstrap.vsphere');
  if (!checkProps(p, props)) p.throwIfErrors();
  for (const k of Object.keys(props)) if (k !== 'kubeVip' && (props as Record<string, unknown>)[k] !== undefined) p.error(k, `${show(k)} is not a known field; the vSphere bootstrap has kubeVip`);
  let files: KubeadmFile[] | undefined;
  const kv = props.kubeVip;
  if (kv !== undefined && checkObject(p, 'kubeVip', kv)) {
    const { address, port, ...rest } = kv;
    if (typeof address !== 'string' || isIP(address) === 0) p.error('kubeVip.address', `${show(address)} is not an IP address: kube-vip announces the endpoint's virtual IP by ARP`);
    if (port !== undefined && (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65535)) p.error('kubeVip.port', `must be a port between 1 and 65535, got ${show(port)}`);
    const settings = checkKubeVip(p, 'kubeVip', rest);
    if (!p.hasErrors) files = kubeVipFiles(address, port ?? 6443, settings!);
  }
  p.throwIfErrors();
  return Object.freeze({
    source: `the vSphere provider bootstrap (VSphereCluster${files ? ', kube-vip' : ''})`,
    kubeletExtraArgs: Object.freeze({ 'cloud-provider': EXTERNAL }),
    controllerManagerExtraArgs: Object.freeze({ 'cloud-provider': EXTERNAL }),
    nodeName: LOCAL_HOSTNAME,
    criSocket: CONTAINERD_SOCKET,
    preKubeadmCommands: VSPHERE_PRE_KUBEADM_COMMANDS,
    controlPlaneFiles: files && Object.freeze(files),
  });
}

const CUSTOM_FIELDS = ['source', 'kubeletExtraArgs', 'controllerManagerExtraArgs', 'nodeName', 'criSocket', 'preKubeadmCommands', 'files', 'controlPlaneFiles'];

function customBootstrap(props: CustomProviderBootstrapProps): ProviderBootstrap {
  const p = new Problems('ProviderBootstrap.custom');
  if (!checkProps(p, props)) p.throwIfErrors();
  for (const k of Object.keys(props)) {
    if (!CUSTOM_FIELDS.includes(k) && (props as Record<string, unknown>)[k] !== undefined) p.error(k, `${show(k)} is not a known field; known fields are ${CUSTOM_FIELDS.join(', ')}`);
  }
  const text = (path: string, v: unknown, max: number): string | undefined => {
    if (v === undefined) return undefined;
    if (typeof v !== 'string' || v === '' || v.length > max) {
      p.error(path, `must be a non-empty string of at most ${max} characters, got ${show(v)}`);
      return undefined;
    }
    return v;
  };
  const source = text('source', props.source, 200) ?? 'the provider bootstrap';
  const kubeletExtraArgs = checkExtraArgs(p, 'kubeletExtraArgs', props.kubeletExtraArgs);
  const controllerManagerExtraArgs = checkExtraArgs(p, 'controllerManagerExtraArgs', props.controllerManagerExtraArgs);
  const nodeName = text('nodeName', props.nodeName, 253);
  const criSocket = text('criSocket', props.criSocket, 512);
  if (criSocket !== undefined && !/^(unix:\/\/)?\//.test(criSocket)) p.error('criSocket', `${show(criSocket)} is not a socket path such as "${CONTAINERD_SOCKET}"`);
  const preKubeadmCommands = checkCommands(p, 'preKubeadmCommands', props.preKubeadmCommands);
  const files = checkFiles(p, 'files', props.files);
  const controlPlaneFiles = checkFiles(p, 'controlPlaneFiles', props.controlPlaneFiles);
  p.throwIfErrors();
  return Object.freeze({ source, kubeletExtraArgs, controllerManagerExtraArgs, nodeName, criSocket, preKubeadmCommands, files, controlPlaneFiles });
}

/** Provider bootstrap presets and the custom hook. */
export const ProviderBootstrap = Object.freeze({
  /** CAPO's bootstrap: external cloud provider, provider ID from the Nova instance, node named after the host. */
  openstack: (): ProviderBootstrap => OPENSTACK,
  /** CAPV's bootstrap, with kube-vip holding the endpoint when `kubeVip` is given. Validated; throws ValidationError. */
  vsphere: (props?: VSphereBootstrapProps): ProviderBootstrap => vsphereBootstrap(props),
  /** The hooks for a provider without a reference template (oVirt, Basis, Shturval, ...). Validated; throws ValidationError. */
  custom: (props: CustomProviderBootstrapProps): ProviderBootstrap => customBootstrap(props),
});

/**
 * True for a value shaped like a {@link ProviderBootstrap}: a string `source`, and each other field
 * absent or of its type (so that merging it can never throw). The presets and `custom` also check the
 * values; a hand-made object is trusted for them.
 */
export function isProviderBootstrap(value: unknown): value is ProviderBootstrap {
  if (!value || typeof value !== 'object') return false;
  const v = value as Record<string, unknown>;
  const map = (x: unknown) => x === undefined || (x !== null && typeof x === 'object' && !Array.isArray(x));
  const list = (x: unknown) => x === undefined || Array.isArray(x);
  const text = (x: unknown) => x === undefined || typeof x === 'string';
  return typeof v.source === 'string' && map(v.kubeletExtraArgs) && map(v.controllerManagerExtraArgs) && text(v.nodeName) && text(v.criSocket)
    && list(v.preKubeadmCommands) && list(v.files) && list(v.controlPlaneFiles);
}
