/**
 * Extra rules of CAPO's managed security groups (`OpenStackCluster.spec.managedSecurityGroups
 * .allNodesSecurityGroupRules`), applied to the control-plane and worker groups alike.
 *
 * CAPO's reference template (v0.14.7 cluster-template.yaml) opens what Calico needs between the
 * nodes: BGP (tcp/179) and IP-in-IP (IP protocol 4). {@link CALICO_SECURITY_GROUP_RULES} are those
 * rules. Field rules follow the CRD: `name` and `direction` required, names unique (a list map by
 * name), `remoteManagedGroups` from bastion / controlplane / worker, ports 1..65535 with min <= max.
 */
import { Problems, show } from '../rules/errors';
import { checkEnum, checkObject } from '../rules/validation';

/** A security group CAPO manages, as a rule's remote. */
export type OpenStackManagedGroup = 'bastion' | 'controlplane' | 'worker';

/** A rule of CAPO's managed security groups (`managedSecurityGroups.allNodesSecurityGroupRules[]`). */
export interface OpenStackSecurityGroupRule {
  /** Unique name of the rule. */
  readonly name: string;
  /** @default none */
  readonly description?: string;
  readonly direction: 'ingress' | 'egress';
  /** @default 'IPv4' (Neutron's default) */
  readonly etherType?: 'IPv4' | 'IPv6';
  /** `tcp`, `udp`, `icmp`, or an IP protocol number as a string (`"4"` is IP-in-IP). @default any */
  readonly protocol?: string;
  /** @default any */
  readonly portRangeMin?: number;
  /** @default portRangeMin */
  readonly portRangeMax?: number;
  /** Managed groups the traffic may come from. Exactly one of remoteManagedGroups, remoteGroupID, remoteIPPrefix. */
  readonly remoteManagedGroups?: readonly OpenStackManagedGroup[];
  readonly remoteGroupID?: string;
  readonly remoteIPPrefix?: string;
}

/** BGP and IP-in-IP between all nodes: what Calico needs (CAPO's reference template). */
export const CALICO_SECURITY_GROUP_RULES: readonly OpenStackSecurityGroupRule[] = Object.freeze([
  {
    name: 'BGP (Calico)', description: 'Created by cluster-api-provider-openstack - BGP (calico)', direction: 'ingress', etherType: 'IPv4',
    protocol: 'tcp', portRangeMin: 179, portRangeMax: 179, remoteManagedGroups: ['controlplane', 'worker'],
  },
  {
    name: 'IP-in-IP (calico)', description: 'Created by cluster-api-provider-openstack - IP-in-IP (calico)', direction: 'ingress', etherType: 'IPv4',
    protocol: '4', remoteManagedGroups: ['controlplane', 'worker'],
  },
]);

const FIELDS = ['name', 'description', 'direction', 'etherType', 'protocol', 'portRangeMin', 'portRangeMax', 'remoteManagedGroups', 'remoteGroupID', 'remoteIPPrefix'];

export function checkSecurityGroupRules(p: Problems, path: string, value: unknown): Record<string, unknown>[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.length === 0) {
    p.error(path, `must be a non-empty list of rules { name, direction, protocol, portRangeMin, portRangeMax, remoteManagedGroups }, got ${show(value)}`);
    return undefined;
  }
  const before = p.errors.length;
  const names = new Map<string, number>();
  const out = value.map((r: unknown, i) => {
    const at = `${path}[${i}]`;
    if (!checkObject(p, at, r)) return {};
    for (const k of Object.keys(r)) if (!FIELDS.includes(k) && r[k] !== undefined) p.error(`${at}.${k}`, `${show(k)} is not a field of a security group rule; known fields are ${FIELDS.join(', ')}`);
    if (typeof r.name !== 'string' || r.name === '') p.error(`${at}.name`, `is required (a unique rule name), got ${show(r.name)}`);
    else if (names.has(r.name)) p.error(`${at}.name`, `${show(r.name)} is already used by ${path}[${names.get(r.name)}]: rule names must be unique`);
    else names.set(r.name, i);
    if (r.description !== undefined && typeof r.description !== 'string') p.error(`${at}.description`, `must be a string, got ${show(r.description)}`);
    checkEnum(p, `${at}.direction`, r.direction, ['ingress', 'egress'] as const);
    if (r.etherType !== undefined) checkEnum(p, `${at}.etherType`, r.etherType, ['IPv4', 'IPv6'] as const);
    if (r.protocol !== undefined && (typeof r.protocol !== 'string' || !/^([a-z][a-z0-9-]*|[0-9]{1,3})$/.test(r.protocol))) {
      p.error(`${at}.protocol`, `${show(r.protocol)} is not a protocol: a name such as "tcp" or an IP protocol number as a string such as "4"`);
    }
    const port = (k: 'portRangeMin' | 'portRangeMax') => {
      const v = r[k];
      if (v === undefined) return undefined;
      if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > 65535) p.error(`${at}.${k}`, `must be a port between 1 and 65535, got ${show(v)}`);
      return v as number;
    };
    const min = port('portRangeMin');
    const max = port('portRangeMax');
    if (min !== undefined && max !== undefined && min > max) p.error(`${at}.portRangeMax`, `${max} is below portRangeMin (${min})`);
    const remotes = ['remoteManagedGroups', 'remoteGroupID', 'remoteIPPrefix'].filter((k) => r[k] !== undefined);
    if (remotes.length > 1) p.error(at, `set only one of remoteManagedGroups, remoteGroupID and remoteIPPrefix, got ${remotes.join(' and ')}`);
    if (r.remoteManagedGroups !== undefined) {
      const g = r.remoteManagedGroups;
      if (!Array.isArray(g) || g.length === 0) p.error(`${at}.remoteManagedGroups`, `must be a non-empty list of bastion, controlplane, worker, got ${show(g)}`);
      else g.forEach((x, j) => checkEnum(p, `${at}.remoteManagedGroups[${j}]`, x, ['bastion', 'controlplane', 'worker'] as const));
    }
    for (const k of ['remoteGroupID', 'remoteIPPrefix'] as const) if (r[k] !== undefined && (typeof r[k] !== 'string' || r[k] === '')) p.error(`${at}.${k}`, `must be a non-empty string, got ${show(r[k])}`);
    const rule: Record<string, unknown> = {};
    for (const k of FIELDS) if (r[k] !== undefined) rule[k] = Array.isArray(r[k]) ? [...(r[k] as unknown[])] : r[k];
    return rule;
  });
  return p.errors.length > before ? undefined : out;
}
