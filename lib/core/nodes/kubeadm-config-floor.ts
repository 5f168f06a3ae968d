/**
 * The update-safe floor of a KubeadmControlPlane's `kubeadmConfigSpec`.
 *
 * The KubeadmControlPlane webhook (cluster-api v1.14.0
 * `controlplane/kubeadm/webhooks/admission/kubeadmcontrolplane.go` `ValidateUpdate`) lets fields
 * *below* `clusterConfiguration`, `initConfiguration.nodeRegistration` and
 * `joinConfiguration.nodeRegistration` change, but not those sections themselves: once a
 * KubeadmControlPlane has had one, an update that removes it as a whole is
 * "Forbidden: cannot be modified". The v1beta2 types marshal an empty section as nothing
 * (`omitempty,omitzero`), and the CRD refuses `{}` (`minProperties: 1`), so an empty object does not
 * keep a section either. Without this floor, turning `nodeFailureDetection` off (or dropping the last
 * kubeadm setting of a section) produced exactly that rejected update.
 *
 * So every section always holds one field whose value is kubeadm's own default, which changes
 * nothing on the machines:
 * - `clusterConfiguration.etcd.local.dataDir: /var/lib/etcd` (kubeadm's default etcd data directory;
 *   left out when etcd is external, since local and external etcd exclude each other);
 * - `initConfiguration.nodeRegistration.imagePullPolicy` and
 *   `joinConfiguration.nodeRegistration.imagePullPolicy: IfNotPresent` (kubeadm's default pull policy).
 * A value the spec already sets wins. Adding the floor to an existing KubeadmControlPlane is an
 * allowed update, but it is a kubeadmConfigSpec change, so it rolls the control plane once.
 */
import { isPlainObject } from '../output/manifest';

/** kubeadm's default etcd data directory. */
export const KUBEADM_DEFAULT_ETCD_DATA_DIR = '/var/lib/etcd';
/** kubeadm's default image pull policy. */
export const KUBEADM_DEFAULT_IMAGE_PULL_POLICY = 'IfNotPresent';

type Json = Record<string, unknown>;

/** `target` with `defaults` filled in where `target` has no value (recursively for objects). */
function fill(target: unknown, defaults: Json): Json {
  const out: Json = isPlainObject(target) ? { ...target } : {};
  for (const [k, d] of Object.entries(defaults)) {
    if (isPlainObject(d)) out[k] = fill(out[k], d);
    else if (out[k] === undefined) out[k] = d;
  }
  return out;
}

/** `spec` (a kubeadmConfigSpec) with the update-safe floor filled in. */
export function withKubeadmConfigFloor<T extends object>(spec: T): T {
  const s = spec as Json;
  const cc = s.clusterConfiguration as Json | undefined;
  const external = isPlainObject(cc) && isPlainObject(cc.etcd) && cc.etcd.external !== undefined;
  const nodeRegistration = { nodeRegistration: { imagePullPolicy: KUBEADM_DEFAULT_IMAGE_PULL_POLICY } };
  return {
    ...s,
    clusterConfiguration: external ? cc : fill(cc, { etcd: { local: { dataDir: KUBEADM_DEFAULT_ETCD_DATA_DIR } } }),
    initConfiguration: fill(s.initConfiguration, nodeRegistration),
    joinConfiguration: fill(s.joinConfiguration, nodeRegistration),
  } as T;
}
