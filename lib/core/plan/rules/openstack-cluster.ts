/**
 * OpenStackCluster update rule, mirrored from cluster-api-provider-openstack v0.14.7
 * `pkg/webhooks/openstackcluster_webhook.go` `ValidateUpdate`: the spec is immutable ("spec: Forbidden:
 * cannot be modified") except for the fields that function blanks out on both sides before its
 * `reflect.DeepEqual`:
 * - `identityRef`; `controlPlaneEndpoint` while the old one is unset or has no host;
 * - `apiServerFixedIP` (first time, with the floating IP disabled) and `apiServerPort` (first time);
 * - `bastion` (but removing an enabled bastion is "cannot be removed before disabling it");
 * - `managedSecurityGroups` rules (`allNodes`, `controlPlaneNodes`, `workerNodes`) and `allowAllInClusterTraffic`;
 * - `managedSubnets[].dnsNameservers` (same number of subnets, same CIDRs: "cannot add or remove
 *   subnets", "cannot change subnet CIDR from existing value to X");
 * - `apiServerLoadBalancer.allowedCIDRs` and `.monitor`; `controlPlaneAvailabilityZones`,
 *   `controlPlaneOmitAvailabilityZone`;
 * - `apiServerFloatingIP` and `network` only when they match the old object's status (read from
 *   `status` when the previous manifest has one; otherwise the change is reported).
 * Not mirrored: the `subnets` filter-to-id transition (needs the status subnets).
 */
import { Manifest } from '../../output/manifest';
import { deepEqual, diffFields, getPath, isPlainObject } from '../diff';
import { RejectedChange } from '../types';
import { CAPO_SOURCE, rejection } from './common';

const SOURCE = `${CAPO_SOURCE} pkg/webhooks/openstackcluster_webhook.go ValidateUpdate`;

type Json = Record<string, unknown>;

const clone = (v: unknown): Json => (isPlainObject(v) ? JSON.parse(JSON.stringify(v)) as Json : {});

/** The OpenStackCluster webhook's update rules: the spec is immutable outside its allow-list. */
export function openStackClusterUpdateRules(previous: Manifest, next: Manifest): RejectedChange[] {
  const o = clone(previous.spec);
  const n = clone(next.spec);
  const out: RejectedChange[] = [];
  const status = isPlainObject(previous.status) ? previous.status : {};
  delete o.identityRef;
  delete n.identityRef;
  const oldEndpoint = o.controlPlaneEndpoint;
  if (oldEndpoint === undefined) delete n.controlPlaneEndpoint;
  else if (!isPlainObject(oldEndpoint) || !oldEndpoint.host) {
    delete o.controlPlaneEndpoint;
    delete n.controlPlaneEndpoint;
  }
  if (o.disableAPIServerFloatingIP === true && !o.apiServerFixedIP) {
    delete o.apiServerFixedIP;
    delete n.apiServerFixedIP;
  }
  if (o.disableAPIServerFloatingIP === true && o.apiServerPort === undefined) delete n.apiServerPort;
  const bastionEnabled = (b: unknown) => isPlainObject(b) && (b.enabled === undefined || b.enabled === true);
  if (n.bastion === undefined && bastionEnabled(o.bastion)) {
    out.push(rejection(next, {
      path: 'spec.bastion', old: o.bastion, rule: 'Forbidden: cannot be removed before disabling it', source: SOURCE,
      instead: 'first apply the bastion with enabled: false, then remove it in a later apply',
    }));
  }
  delete o.bastion;
  delete n.bastion;
  if (isPlainObject(n.managedSecurityGroups)) {
    if (!isPlainObject(o.managedSecurityGroups)) o.managedSecurityGroups = {};
    for (const g of [o.managedSecurityGroups as Json, n.managedSecurityGroups]) {
      for (const k of ['allNodesSecurityGroupRules', 'controlPlaneNodesSecurityGroupRules', 'workerNodesSecurityGroupRules', 'allowAllInClusterTraffic']) delete g[k];
    }
  }
  if (Array.isArray(n.managedSubnets) && Array.isArray(o.managedSubnets)) {
    if (n.managedSubnets.length !== o.managedSubnets.length) {
      out.push(rejection(next, {
        path: 'spec.managedSubnets', old: o.managedSubnets, new: n.managedSubnets, rule: 'Forbidden: cannot add or remove subnets', source: SOURCE,
        instead: 'keep the subnets the cluster was created with; a different network layout needs a new cluster',
      }));
    } else {
      const byCidr = new Map<unknown, Json>();
      for (const s of o.managedSubnets) if (isPlainObject(s)) byCidr.set(s.cidr, s);
      n.managedSubnets.forEach((s: unknown, i: number) => {
        if (!isPlainObject(s)) return;
        const old = byCidr.get(s.cidr);
        if (!old) {
          out.push(rejection(next, {
            path: `spec.managedSubnets[${i}].cidr`, old: previousCidr(o.managedSubnets as unknown[], i), new: s.cidr,
            rule: `Forbidden: cannot change subnet CIDR from existing value to ${String(s.cidr)}`, source: SOURCE,
            instead: 'keep the subnet CIDR; only dnsNameservers may change',
          }));
          return;
        }
        delete old.dnsNameservers;
        delete s.dnsNameservers;
      });
    }
    // The errors above already name the subnets; the final comparison would repeat them.
    if (out.some((r) => r.path.startsWith('spec.managedSubnets'))) {
      delete o.managedSubnets;
      delete n.managedSubnets;
    }
  }
  if (isPlainObject(n.apiServerLoadBalancer) && isPlainObject(o.apiServerLoadBalancer)) {
    for (const g of [o.apiServerLoadBalancer, n.apiServerLoadBalancer]) {
      delete g.allowedCIDRs;
      delete g.monitor;
    }
  }
  for (const k of ['controlPlaneAvailabilityZones', 'controlPlaneOmitAvailabilityZone']) {
    delete o[k];
    delete n[k];
  }
  const lbIp = getPath(status, ['apiServerLoadBalancer', 'ip']);
  if (lbIp !== undefined && (n.apiServerFloatingIP ?? '') === lbIp) {
    delete o.apiServerFloatingIP;
    delete n.apiServerFloatingIP;
  }
  const netId = getPath(status, ['network', 'id']);
  if (isPlainObject(n.network) && isPlainObject(o.network) && netId !== undefined && n.network.id === netId) {
    delete o.network;
    delete n.network;
  }
  if (!deepEqual(o, n)) {
    for (const c of diffFields(o, n, ['spec'])) {
      out.push(rejection(next, {
        path: c.path, old: c.old, new: c.new, rule: 'spec: Forbidden: cannot be modified', source: SOURCE,
        instead: 'OpenStackCluster is fixed after creation outside a short allow-list (identityRef, bastion, security group rules, subnet DNS servers, load balancer allowedCIDRs/monitor, control-plane availability zones); keep the previous value or build a new cluster',
      }));
    }
  }
  return out;
}

function previousCidr(subnets: readonly unknown[], i: number): unknown {
  const s = subnets[i];
  return isPlainObject(s) ? s.cidr : undefined;
}
