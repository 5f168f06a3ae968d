/**
 * Shell commands cloud-init runs before and after kubeadm (`preKubeadmCommands`,
 * `postKubeadmCommands`), and the NTP servers it configures (`ntp`).
 */
import { hasLoneSurrogate, loneSurrogateProblem } from '../rules/emittable';
import { Problems, show } from '../rules/errors';
import { checkBoolean, checkObject } from '../rules/validation';

/** A list of shell commands: non-empty strings of at most 10240 characters, at most 1000 (the CRD). */
export function checkCommands(p: Problems, path: string, value: unknown): string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.length > 1000) {
    p.error(path, `must be a list of at most 1000 shell commands, got ${show(value)}`);
    return undefined;
  }
  let ok = true;
  value.forEach((c, i) => {
    if (typeof c === 'string' && hasLoneSurrogate(c)) {
      p.error(`${path}[${i}]`, loneSurrogateProblem(c));
      ok = false;
    } else if (typeof c !== 'string' || c.trim() === '' || c.length > 10240) {
      p.error(`${path}[${i}]`, `must be a non-empty shell command of at most 10240 characters, got ${show(c)}`);
      ok = false;
    }
  });
  return ok ? [...value] : undefined;
}

/** NTP servers cloud-init configures on every node of the group (`KubeadmConfigSpec.ntp`). */
export interface NtpProps {
  /** NTP servers (host names or addresses). */
  readonly servers: readonly string[];
  /** @default true */
  readonly enabled?: boolean;
}

const HOST = /^[A-Za-z0-9]([A-Za-z0-9.:-]*[A-Za-z0-9])?$/;

export function checkNtp(p: Problems, path: string, value: unknown): { servers: string[]; enabled: boolean } | undefined {
  if (value === undefined) return undefined;
  if (!checkObject(p, path, value)) return undefined;
  const before = p.errors.length;
  for (const k of Object.keys(value)) {
    if (k !== 'servers' && k !== 'enabled' && value[k] !== undefined) p.error(`${path}.${k}`, `${show(k)} is not a field of ntp; ntp has servers and enabled`);
  }
  const s = value.servers;
  if (!Array.isArray(s) || s.length === 0 || s.length > 100) {
    p.error(`${path}.servers`, `must be a list of 1 to 100 NTP servers, got ${show(s)}`);
  } else {
    s.forEach((h, i) => {
      if (typeof h !== 'string' || h.length > 512 || !HOST.test(h)) p.error(`${path}.servers[${i}]`, `${show(h)} is not a host name or IP address`);
    });
  }
  const enabled = checkBoolean(p, `${path}.enabled`, value.enabled);
  return p.errors.length > before ? undefined : { servers: [...(s as string[])], enabled: enabled ?? true };
}
