/**
 * Kubeconfig for a fake: plain http on loopback with a bearer token. @kubernetes/client-node 1.4.0 refuses
 * an `http:` server unless the cluster has `insecure-skip-tls-verify: true` ("HTTP protocol is not allowed
 * when skipTLSVerify is not set or false"), so the kubeconfig sets it; nothing is encrypted anyway.
 */
import { KubeConfig } from '@kubernetes/client-node';
import { stringify } from 'yaml';

export interface KubeconfigOptions {
  /** Cluster, user and context name. */
  readonly name: string;
  readonly server: string;
  /** Bearer token; none when undefined. */
  readonly token?: string;
  /** Context namespace. @default 'default' */
  readonly namespace?: string;
}

export function kubeconfigYaml(o: KubeconfigOptions): string {
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: o.name, cluster: { server: o.server, 'insecure-skip-tls-verify': true } }],
    users: [{ name: o.name, user: o.token === undefined ? {} : { token: o.token } }],
    contexts: [{ name: o.name, context: { cluster: o.name, user: o.name, namespace: o.namespace ?? 'default' } }],
    'current-context': o.name,
    preferences: {},
  });
}

export function kubeConfigFor(o: KubeconfigOptions): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromString(kubeconfigYaml(o));
  return kc;
}
