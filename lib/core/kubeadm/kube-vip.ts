/**
 * kube-vip: what holds a vSphere cluster's control-plane endpoint when no load balancer does.
 *
 * vSphere has nothing that answers on the address in `VSphereCluster.spec.controlPlaneEndpoint`, so
 * CAPV's own template (v1.16.1, templates/cluster-template.yaml) runs kube-vip as a static pod on
 * every control-plane machine: the machines elect a leader, which answers ARP for the address. The
 * library writes the same three files on the control-plane machines:
 * - `/etc/kubernetes/manifests/kube-vip.yaml`: the static pod (image pinned, env `address` = the
 *   endpoint host, `port`, ARP mode, control-plane and Service load balancing with leader election,
 *   host network, NET_ADMIN/NET_RAW), reading `/etc/kubernetes/admin.conf` and `/etc/kube-vip.hosts`;
 * - `/etc/kube-vip.hosts`: `127.0.0.1 localhost kubernetes`, so that kube-vip reaches the local API server;
 * - `/etc/pre-kubeadm-commands/50-kube-vip-prepare.sh`: on the machine that runs `kubeadm init` with
 *   kubeadm 1.29 or newer, points the pod at `super-admin.conf` instead. Since 1.29 `admin.conf` gets
 *   its rights only through a binding that kubeadm creates after the API server is up, which needs the
 *   VIP, which needs kube-vip: without this, init never finishes (kube-vip issue 684). The script is
 *   run by the pre-kubeadm runner of the vSphere bootstrap (provider-bootstrap.ts).
 */
import { Problems, show } from '../rules/errors';
import { checkObject } from '../rules/validation';
import { stringifyCdk8sJson } from '../output/yaml';
import { KubeadmFile } from './files';

/** The kube-vip image CAPV v1.16.1's template pins. */
export const KUBE_VIP_DEFAULT_IMAGE = 'ghcr.io/kube-vip/kube-vip:v0.6.4';

/** Where the kube-vip static pod is written (kubelet runs every manifest in this directory). */
export const KUBE_VIP_MANIFEST_PATH = '/etc/kubernetes/manifests/kube-vip.yaml';
/** The hosts file kube-vip's pod mounts as /etc/hosts, so that `kubernetes` resolves to the local API server. */
export const KUBE_VIP_HOSTS_PATH = '/etc/kube-vip.hosts';
/** The script that points kube-vip at super-admin.conf on the `kubeadm init` machine (Kubernetes >= 1.29). */
export const KUBE_VIP_PREPARE_PATH = '/etc/pre-kubeadm-commands/50-kube-vip-prepare.sh';

/** kube-vip settings of a VSphereCluster whose endpoint kube-vip holds. */
export interface KubeVipProps {
  /**
   * kube-vip image, pinned by tag or digest (`latest` is refused: a new release would change running
   * control planes at their next restart).
   * @default 'ghcr.io/kube-vip/kube-vip:v0.6.4' (CAPV v1.16.1's template)
   */
  readonly image?: string;
  /**
   * Network interface that carries the VIP.
   * @default '' (kube-vip uses the interface of the default route)
   */
  readonly interface?: string;
}

export interface ResolvedKubeVip {
  readonly image: string;
  readonly interface: string;
}

const IMAGE = /^[a-z0-9]+([._-][a-z0-9]+)*(:[0-9]+)?(\/[a-z0-9]+([._-][a-z0-9]+)*)*(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(@sha256:[a-f0-9]{64})?$/;
const INTERFACE = /^[A-Za-z0-9][A-Za-z0-9_.:@-]{0,14}$/;

export function checkKubeVip(p: Problems, path: string, value: unknown): ResolvedKubeVip | undefined {
  if (value === undefined) return { image: KUBE_VIP_DEFAULT_IMAGE, interface: '' };
  if (!checkObject(p, path, value)) return undefined;
  const before = p.errors.length;
  for (const k of Object.keys(value)) {
    if (k !== 'image' && k !== 'interface' && value[k] !== undefined) p.error(`${path}.${k}`, `${show(k)} is not a field of kubeVip; kubeVip has image and interface`);
  }
  const image = value.image ?? KUBE_VIP_DEFAULT_IMAGE;
  if (typeof image !== 'string' || !IMAGE.test(image)) {
    p.error(`${path}.image`, `${show(image)} is not a container image reference such as "ghcr.io/kube-vip/kube-vip:v0.6.4"`);
  } else {
    const last = image.slice(image.lastIndexOf('/') + 1);
    if (!image.includes('@sha256:') && (!last.includes(':') || last.endsWith(':latest'))) {
      p.error(`${path}.image`, `${show(image)} is not pinned: give a version tag or a digest (a moving tag changes every control plane at its next restart)`);
    }
  }
  const iface = value.interface ?? '';
  if (typeof iface !== 'string' || (iface !== '' && !INTERFACE.test(iface))) {
    p.error(`${path}.interface`, `${show(iface)} is not a network interface name (at most 15 characters, e.g. "eth0" or "ens192")`);
  }
  return p.errors.length > before ? undefined : { image: image as string, interface: iface as string };
}

/** The kube-vip static pod for the endpoint `address:port`. */
export function kubeVipPod(address: string, port: number, kv: ResolvedKubeVip): Record<string, unknown> {
  const env: [string, string][] = [
    ['vip_arp', 'true'], ['port', String(port)], ['vip_interface', kv.interface], ['vip_cidr', '32'],
    ['cp_enable', 'true'], ['cp_namespace', 'kube-system'], ['vip_ddns', 'false'],
    ['svc_enable', 'true'], ['svc_leasename', 'plndr-svcs-lock'], ['svc_election', 'true'],
    ['vip_leaderelection', 'true'], ['vip_leasename', 'plndr-cp-lock'],
    ['vip_leaseduration', '15'], ['vip_renewdeadline', '10'], ['vip_retryperiod', '2'],
    ['address', address], ['prometheus_server', ':2112'],
  ];
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'kube-vip', namespace: 'kube-system' },
    spec: {
      containers: [{
        name: 'kube-vip',
        image: kv.image,
        imagePullPolicy: 'IfNotPresent',
        args: ['manager'],
        env: env.map(([name, value]) => ({ name, value })),
        securityContext: { capabilities: { add: ['NET_ADMIN', 'NET_RAW'] } },
        volumeMounts: [
          { name: 'kubeconfig', mountPath: '/etc/kubernetes/admin.conf' },
          { name: 'etchosts', mountPath: '/etc/hosts' },
        ],
      }],
      hostNetwork: true,
      volumes: [
        { name: 'kubeconfig', hostPath: { path: '/etc/kubernetes/admin.conf' } },
        { name: 'etchosts', hostPath: { path: KUBE_VIP_HOSTS_PATH, type: 'File' } },
      ],
    },
  };
}

/**
 * Switches kube-vip to super-admin.conf on the `kubeadm init` machine with kubeadm >= 1.29. The
 * machine is the init machine when cloud-init wrote /run/kubeadm/kubeadm.yaml (or, with Ignition,
 * /etc/kubeadm.sh runs `kubeadm init`). Only the volume's host path changes (the sed matches `path:`,
 * not `mountPath:`): kube-vip still reads the file as /etc/kubernetes/admin.conf, as with CAPV's script.
 */
const PREPARE_SCRIPT = `#!/bin/bash
# Written by capi-constructs. kube-vip holds the control-plane endpoint; with kubeadm 1.29+ the
# admin.conf it reads has no rights until kubeadm init has finished, which needs the endpoint, so on
# the init machine kube-vip uses super-admin.conf instead (https://github.com/kube-vip/kube-vip/issues/684).
set -euo pipefail
minor="$(kubeadm version -o short | cut -d . -f 2)"
if (( minor < 29 )); then
  exit 0
fi
if [[ -f /run/kubeadm/kubeadm.yaml ]] || { [[ -f /etc/kubeadm.sh ]] && grep -q 'kubeadm init' /etc/kubeadm.sh; }; then
  sed -i 's#path: /etc/kubernetes/admin.conf#path: /etc/kubernetes/super-admin.conf#' ${KUBE_VIP_MANIFEST_PATH}
fi
`;

/** The three control-plane files (in CAPV's order). */
export function kubeVipFiles(address: string, port: number, kv: ResolvedKubeVip): KubeadmFile[] {
  return [
    { path: KUBE_VIP_MANIFEST_PATH, owner: 'root:root', permissions: '0644', content: stringifyCdk8sJson([kubeVipPod(address, port, kv)]) },
    { path: KUBE_VIP_HOSTS_PATH, owner: 'root:root', permissions: '0644', content: '127.0.0.1 localhost kubernetes' },
    { path: KUBE_VIP_PREPARE_PATH, owner: 'root:root', permissions: '0700', content: PREPARE_SCRIPT },
  ];
}
