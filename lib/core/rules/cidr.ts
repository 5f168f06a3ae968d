/**
 * CIDR blocks as Go's `net.ParseCIDR` reads them (the Cluster webhook, cluster-api v1.14.0
 * `core/webhooks/admission/cluster.go` `validateCIDRBlocks`, calls it for every pod and service
 * block). The address is parsed with ipaddr.js; on top of it come the rules where Go's
 * `netip.ParseAddr` is stricter than ipaddr.js:
 * - IPv4 must be four decimal parts, no leading zeros (`010.0.0.0` is refused: Go 1.17+ reads no octal),
 *   each at most 255 (ipaddr.js's `parse` would also take `10.0.0`, `0x0a.0.0.0` and `010.0.0.0`);
 * - an IPv4 part embedded in IPv6 (`::ffff:10.0.0.0`) follows the same rules (ipaddr.js accepts
 *   `::ffff:010.0.0.0`);
 * - no IPv6 zone (`fe80::1%eth0`: ipaddr.js accepts it, ParseCIDR does not);
 * - the prefix length is decimal digits (leading zeros allowed, as Go's `dtoi`), at most 32 for
 *   IPv4 and 128 for IPv6; an IPv4-mapped IPv6 address is IPv6, so `::ffff:10.0.0.0/104` is valid.
 * Host bits may be set (`10.0.0.1/8` parses; Go returns the masked network).
 */
import * as ipaddr from 'ipaddr.js';
import { Problems, show } from './errors';
import { checkArguments } from './arguments';

/** A parsed CIDR block. */
export interface ParsedCidr {
  readonly family: 'ipv4' | 'ipv6';
  readonly address: string;
  readonly prefixLength: number;
}

function isDigits(s: string): boolean {
  if (s.length === 0) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/** Why `value` is not a CIDR block for Go's net.ParseCIDR, or the parsed block. */
export function parseGoCidr(value: string): ParsedCidr | { readonly error: string } {
  if (typeof value !== 'string') checkArguments('parseGoCidr', [['value', value, false, 'a CIDR block as a string']]);
  if (value.length > 64) return { error: `${show(value)} is ${value.length} characters, longer than any CIDR block` };
  const slash = value.indexOf('/');
  if (slash < 0) return { error: 'has no "/<prefix length>"' };
  const addr = value.slice(0, slash);
  const prefix = value.slice(slash + 1);
  let family: 'ipv4' | 'ipv6';
  if (addr.includes(':')) {
    if (addr.includes('%')) return { error: `${show(addr)} has an IPv6 zone, which a CIDR block cannot have` };
    if (!ipaddr.IPv6.isValid(addr)) return { error: `${show(addr)} is not an IPv6 address` };
    const last = addr.slice(addr.lastIndexOf(':') + 1);
    if (last.includes('.') && !ipaddr.IPv4.isValidFourPartDecimal(last)) {
      return { error: `the embedded IPv4 address ${show(last)} must be four decimal numbers of at most 255 without leading zeros` };
    }
    family = 'ipv6';
  } else {
    if (!ipaddr.IPv4.isValidFourPartDecimal(addr)) {
      return { error: `${show(addr)} is not an IPv4 address: four decimal numbers of at most 255, without leading zeros` };
    }
    family = 'ipv4';
  }
  const max = family === 'ipv4' ? 32 : 128;
  // Go's dtoi stops at 0xFFFFFF; anything that long is out of range anyway.
  if (!isDigits(prefix) || prefix.length > 7 || Number(prefix) > max) {
    return { error: `prefix length ${show(prefix)} must be a number from 0 to ${max}` };
  }
  return { family, address: ipaddr.parse(addr).toString(), prefixLength: Number(prefix) };
}

/** True when Go's net.ParseCIDR accepts `value`. */
export function isGoCidr(value: string): boolean {
  return typeof value === 'string' && !('error' in parseGoCidr(value));
}

/** Records a problem unless `value` is a CIDR block Go's net.ParseCIDR accepts. */
export function checkCidr(p: Problems, path: string, value: unknown): string | undefined {
  if (typeof value !== 'string') {
    p.error(path, `must be a CIDR block such as "192.168.0.0/16", got ${show(value)}`);
    return undefined;
  }
  const r = parseGoCidr(value);
  if ('error' in r) {
    p.error(path, `${show(value)} is not a CIDR block as Cluster API parses it (Go net.ParseCIDR): ${r.error}`);
    return undefined;
  }
  return value;
}
