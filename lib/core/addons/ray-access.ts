/**
 * Who may reach the Ray head's user-facing ports (`parameters.access` of KubeRay), and the Ray token
 * that authenticates them. The dashboard (8265) is also Ray's job-submission API and the client port
 * (10001) runs code: the RayCluster always runs with KubeRay's token authentication
 * (`spec.authOptions.mode: token`), so both require the token, from every source. By default only pods
 * of the add-on namespace reach them.
 */
import * as ipaddr from 'ipaddr.js';
import { Problems, show } from '../rules/errors';
import { checkPropKeys, propKeys } from '../rules/strict-props';
import { checkLabels, checkObject, checkStringList, isDns1123Label, isDns1123Subdomain } from '../rules/validation';
import type { ServiceType } from './service-type';

/** Pods of one namespace, selected by labels. */
export interface RayAccessPodSelector {
  /** Namespace of the pods (on the workload cluster). */
  readonly namespace: string;
  /** Labels the pods carry. */
  readonly matchLabels: Readonly<Record<string, string>>;
}

/** Sources admitted to the Ray head's client (10001) and serve (8000) ports, and with `exposeDashboard` to the dashboard. */
export interface RayAccess {
  /** Every pod of these namespaces. @default none */
  readonly namespaces?: readonly string[];
  /** Pods selected by labels in a namespace. @default none */
  readonly podSelectors?: readonly RayAccessPodSelector[];
  /** Addresses, as CIDR blocks, e.g. the clients of a LoadBalancer head Service. @default none */
  readonly cidrs?: readonly string[];
  /**
   * Also admit these sources to the dashboard (8265), which accepts job submissions without
   * authentication. Always warns.
   * @default false (the dashboard stays reachable from the add-on namespace only)
   */
  readonly exposeDashboard?: boolean;
  /**
   * A Secret in the add-on namespace holding the Ray token under the key `auth_token`; Ray clients and
   * job submissions send it. @default a Secret the KubeRay operator generates, named like the RayCluster
   */
  readonly tokenSecret?: string;
}

/** Validated {@link RayAccess}: lists always present. */
export interface ResolvedRayAccess {
  readonly namespaces: readonly string[];
  readonly podSelectors: readonly RayAccessPodSelector[];
  readonly cidrs: readonly string[];
  readonly exposeDashboard: boolean;
  readonly tokenSecret?: string;
}

export const NO_RAY_ACCESS: ResolvedRayAccess = Object.freeze({ namespaces: [], podSelectors: [], cidrs: [], exposeDashboard: false });

/** The key of the token in the Ray token Secret (KubeRay's `RAY_AUTH_TOKEN_SECRET_KEY`). */
export const RAY_TOKEN_SECRET_KEY = 'auth_token';

function isCidr(s: string): boolean {
  return ipaddr.isValidCIDR(s);
}

const RAY_ACCESS_PROPS = propKeys<RayAccess>()('RayAccess', { namespaces: true, podSelectors: true, cidrs: true, exposeDashboard: true, tokenSecret: true });
const RAY_ACCESS_POD_SELECTOR_PROPS = propKeys<RayAccessPodSelector>()('RayAccessPodSelector', { namespace: true, matchLabels: true });

/** Validates `parameters.access`. */
export function checkRayAccess(p: Problems, path: string, value: unknown): ResolvedRayAccess | undefined {
  if (!checkObject(p, path, value)) return undefined;
  const errors = p.errors.length;
  checkPropKeys(p, path, value, RAY_ACCESS_PROPS);
  const namespaces = checkStringList(p, `${path}.namespaces`, value.namespaces, isDns1123Label, 'a namespace name (a DNS-1123 label)') ?? [];
  const cidrs = checkStringList(p, `${path}.cidrs`, value.cidrs, isCidr, 'a CIDR block such as "203.0.113.0/24"') ?? [];
  const podSelectors: RayAccessPodSelector[] = [];
  if (value.podSelectors !== undefined) {
    if (!Array.isArray(value.podSelectors)) p.error(`${path}.podSelectors`, `must be a list of { namespace, matchLabels }, got ${show(value.podSelectors)}`);
    else {
      value.podSelectors.forEach((s: unknown, i: number) => {
        const at = `${path}.podSelectors[${i}]`;
        if (!checkObject(p, at, s)) return;
        checkPropKeys(p, at, s, RAY_ACCESS_POD_SELECTOR_PROPS);
        if (typeof s.namespace !== 'string' || !isDns1123Label(s.namespace)) p.error(`${at}.namespace`, `${show(s.namespace)} is not a namespace name (a DNS-1123 label)`);
        const labels = checkLabels(p, `${at}.matchLabels`, s.matchLabels, 'labels');
        if (s.matchLabels === undefined || (labels && Object.keys(labels).length === 0)) {
          p.error(`${at}.matchLabels`, 'must select pods by at least one label (to admit a whole namespace, list it in namespaces)');
        }
        if (labels && typeof s.namespace === 'string') podSelectors.push({ namespace: s.namespace, matchLabels: { ...labels } });
      });
    }
  }
  if (value.exposeDashboard !== undefined && typeof value.exposeDashboard !== 'boolean') p.error(`${path}.exposeDashboard`, `must be a boolean, got ${show(value.exposeDashboard)}`);
  const exposeDashboard = value.exposeDashboard === true;
  if (exposeDashboard && namespaces.length + podSelectors.length + cidrs.length === 0) {
    p.error(`${path}.exposeDashboard`, 'is true, but no sources are listed (namespaces, podSelectors, cidrs): the dashboard is always reachable from the add-on namespace');
  }
  const tokenSecret = value.tokenSecret;
  if (tokenSecret !== undefined && (typeof tokenSecret !== 'string' || !isDns1123Subdomain(tokenSecret))) {
    p.error(`${path}.tokenSecret`, `${show(tokenSecret)} is not a Secret name (a DNS subdomain)`);
  }
  return p.errors.length === errors ? { namespaces, podSelectors, cidrs, exposeDashboard, ...(tokenSecret === undefined ? {} : { tokenSecret: tokenSecret as string }) } : undefined;
}

/** A short description of the sources, for messages. */
function describe(a: ResolvedRayAccess): string {
  return [
    ...a.namespaces.map((n) => `namespace ${n}`),
    ...a.podSelectors.map((s) => `pods ${Object.entries(s.matchLabels).map(([k, v]) => `${k}=${v}`).join(',')} in ${s.namespace}`),
    ...a.cidrs,
  ].join(', ');
}

/**
 * Cross-checks access and the head Service type: an exposed head (NodePort, LoadBalancer) is reached
 * from outside the cluster, which the exposed Service (`loadBalancerSourceRanges`) and the NetworkPolicy
 * admit only from listed CIDRs; sources beyond the namespace warn (the client port runs code for whoever
 * holds the token), and the dashboard's opt-in always warns.
 */
export function checkRayExposure(p: Problems, access: ResolvedRayAccess, serviceType: ServiceType): void {
  if (serviceType !== 'ClusterIP' && access.cidrs.length === 0) {
    p.error('parameters.access.cidrs', `must list the addresses allowed to connect when serviceType is ${show(serviceType)}: the exposed Service and the NetworkPolicy admit traffic from outside the cluster only from listed CIDR blocks, so the exposed head would be unreachable`);
  }
  const sources = describe(access);
  if (sources !== '') {
    p.warn('parameters.access', `${sources} can reach the Ray client port (10001), which runs code for whoever holds the Ray token, and Ray Serve (8000), whose applications authenticate on their own: list only trusted sources`);
  }
  if (access.exposeDashboard) {
    p.warn('parameters.access.exposeDashboard', `the Ray dashboard (8265) is also the job-submission API: ${sources} can reach it, and whoever of them holds the Ray token can run any code in the Ray cluster`);
  }
}

/**
 * The RayCluster's token authentication, `spec.authOptions` of KubeRay 1.7.0, which the ray-cluster
 * chart cannot set: a Flux post-renderer patches the RayCluster the chart renders. The KubeRay operator
 * then starts every Ray container with `RAY_AUTH_MODE=token` and the token from the Secret (the one
 * named in `tokenSecret`, else one it generates), and Ray requires it on the dashboard and job API, the
 * client port and GCS.
 */
export function rayTokenAuthPostRenderer(access: ResolvedRayAccess): Record<string, unknown> {
  const authOptions = { mode: 'token', ...(access.tokenSecret === undefined ? {} : { secretName: access.tokenSecret }) };
  return {
    kustomize: {
      patches: [{ target: { group: 'ray.io', version: 'v1', kind: 'RayCluster' }, patch: JSON.stringify([{ op: 'add', path: '/spec/authOptions', value: authOptions }]) }],
    },
  };
}
