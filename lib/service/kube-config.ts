/**
 * The management cluster as the service's public API names it: the KubeConfig it is given (a
 * `KubeConfigLike`: the declarations name no type of `@kubernetes/client-node`) and the field manager
 * its server-side applies write under. The clients made from the KubeConfig are in kube.ts.
 */
import { KubeConfig } from '@kubernetes/client-node';
import { loadDefaultKubeConfig } from '../ops/cluster-access';
import { KubeConfigLike } from '../ops/types';

/** The field manager of every server-side apply the service makes. */
export const FIELD_MANAGER = 'capi-constructs-addon-api';

/**
 * A KubeConfig of `@kubernetes/client-node` from a file, or the default chain (KUBECONFIG,
 * ~/.kube/config, in-cluster), for `createAddonService`.
 */
export function loadKubeConfig(file?: string): KubeConfigLike {
  if (file === undefined) return loadDefaultKubeConfig();
  const kc = new KubeConfig();
  kc.loadFromFile(file);
  return kc;
}
