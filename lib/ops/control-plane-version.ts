/**
 * The live Kubernetes version of control planes, as the management cluster reports it
 * (KubeadmControlPlane `status.version`): what `capi-constructs plan --kubeconfig` orders worker
 * upgrades against.
 */
import { CustomObjectsApi } from '@kubernetes/client-node';
import { Problems } from '../core/rules/errors';
import { isNotFound } from './api-errors';
import { clientNodeConfig } from './cluster-access';
import { checkKubeConfig } from './options';
import { KubeConfigLike } from './types';

/** A KubeadmControlPlane to read: its cluster, namespace, name and apiVersion. */
export interface ControlPlaneToRead {
  readonly cluster: string;
  readonly namespace: string;
  readonly name: string;
  /** e.g. `controlplane.cluster.x-k8s.io/v1beta2`. */
  readonly apiVersion: string;
}

/**
 * `status.version` of each control plane by `<namespace>/<cluster>`; control planes that do not exist
 * yet, or report no version, are left out. Other API errors are thrown.
 */
export async function readControlPlaneVersions(kubeConfig: KubeConfigLike, controlPlanes: readonly ControlPlaneToRead[]): Promise<Map<string, string>> {
  const p = new Problems('readControlPlaneVersions');
  checkKubeConfig(p, 'kubeConfig', kubeConfig);
  p.throwIfErrors();
  const api = clientNodeConfig(kubeConfig).makeApiClient(CustomObjectsApi);
  const out = new Map<string, string>();
  for (const cp of controlPlanes) {
    const [group, version] = cp.apiVersion.split('/');
    try {
      const o = await api.getNamespacedCustomObject({ group, version, namespace: cp.namespace, plural: 'kubeadmcontrolplanes', name: cp.name }) as { status?: { version?: unknown } };
      if (typeof o?.status?.version === 'string') out.set(`${cp.namespace}/${cp.cluster}`, o.status.version);
    } catch (e) {
      if (isNotFound(e)) continue;
      throw e;
    }
  }
  return out;
}
