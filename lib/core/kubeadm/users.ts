/**
 * Operating-system users cloud-init creates (`KubeadmConfigSpec.users`), typically for SSH access.
 *
 * Public keys only: there is no inline `passwd` (a password hash in a manifest is a credential);
 * a password, if one is needed, comes from a Secret (`passwdFrom`). A pasted private key is an error.
 * Names follow the usual Linux rule (lower-case letter or '_' first, at most 32 characters) and are
 * unique. Limits from the KubeadmConfig CRD: 100 users, 100 keys per user, 2048 characters per key.
 */
import { Problems, show } from '../rules/errors';
import { checkBoolean, checkObject } from '../rules/validation';
import { checkSecretKeyRef, SecretKeyRef } from './secret-ref';

/** An OS user cloud-init creates on every node of the group (`KubeadmConfigSpec.users[]`). */
export interface KubeadmUser {
  /** Login name. */
  readonly name: string;
  /** OpenSSH public keys (`ssh-ed25519 AAAA... comment`). @default none */
  readonly sshAuthorizedKeys?: readonly string[];
  /** sudoers rule, e.g. `ALL=(ALL) NOPASSWD:ALL`. @default none (no sudo) */
  readonly sudo?: string;
  /** Supplementary groups. @default none */
  readonly groups?: readonly string[];
  /** @default the distribution's default shell */
  readonly shell?: string;
  /** @default the distribution's default (`/home/<name>`) */
  readonly homeDir?: string;
  /** Disable password login. @default cloud-init's default (true) */
  readonly lockPassword?: boolean;
  /** Password hash from a Secret (never inline). @default none */
  readonly passwdFrom?: SecretKeyRef;
}

const FIELDS = ['name', 'sshAuthorizedKeys', 'sudo', 'groups', 'shell', 'homeDir', 'lockPassword', 'passwdFrom'];
const USER_NAME = /^[a-z_][a-z0-9_-]{0,31}$/;
const SSH_KEY = /^(ssh-(rsa|ed25519|dss)|ecdsa-sha2-nistp(256|384|521)|sk-(ssh-ed25519|ecdsa-sha2-nistp256)@openssh\.com) [A-Za-z0-9+/]+={0,3}( [^\r\n]*)?$/;

function optText(p: Problems, path: string, value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value === '' || value.length > 256 || /[\r\n]/.test(value)) {
    p.error(path, `must be a single-line string of 1 to 256 characters, got ${show(value)}`);
    return undefined;
  }
  return value;
}

function checkUser(p: Problems, path: string, u: unknown): Record<string, unknown> | undefined {
  if (!checkObject(p, path, u)) return undefined;
  const before = p.errors.length;
  for (const k of Object.keys(u)) {
    if (FIELDS.includes(k) || u[k] === undefined) continue;
    if (k === 'passwd' || k === 'hashedPasswd' || k === 'password') {
      p.error(`${path}.${k}`, 'never inline a password: put the hash in a Secret and use passwdFrom: { secret: { name, key } }, or log in with sshAuthorizedKeys');
    } else p.error(`${path}.${k}`, `${show(k)} is not a field of a user; a user has ${FIELDS.join(', ')}`);
  }
  if (typeof u.name !== 'string' || !USER_NAME.test(u.name)) {
    p.error(`${path}.name`, `${show(u.name)} is not a user name: a lower-case letter or '_', then lower-case letters, digits, '_' or '-', at most 32 characters`);
  }
  let keys: string[] | undefined;
  if (u.sshAuthorizedKeys !== undefined) {
    if (!Array.isArray(u.sshAuthorizedKeys) || u.sshAuthorizedKeys.length === 0 || u.sshAuthorizedKeys.length > 100) {
      p.error(`${path}.sshAuthorizedKeys`, `must be a list of 1 to 100 public keys, got ${show(u.sshAuthorizedKeys)}`);
    } else {
      u.sshAuthorizedKeys.forEach((k: unknown, i: number) => {
        const at = `${path}.sshAuthorizedKeys[${i}]`;
        if (typeof k === 'string' && /PRIVATE KEY/.test(k)) p.error(at, 'is a private key: give the public key (the .pub file), never a private one');
        else if (typeof k !== 'string' || k.length > 2048 || !SSH_KEY.test(k)) {
          p.error(at, `${show(k)} is not an OpenSSH public key: "<type> <base64> [comment]" on one line, type ssh-ed25519, ssh-rsa, ecdsa-sha2-nistp256/384/521 or sk-...@openssh.com`);
        }
      });
      keys = [...u.sshAuthorizedKeys as string[]];
    }
  }
  let groups: string | undefined;
  if (u.groups !== undefined) {
    if (!Array.isArray(u.groups) || u.groups.length === 0 || u.groups.some((g) => typeof g !== 'string' || !USER_NAME.test(g))) {
      p.error(`${path}.groups`, `must be a non-empty list of group names (lower-case letters, digits, '_' and '-'), got ${show(u.groups)}`);
    } else groups = (u.groups as string[]).join(', ');
  }
  const homeDir = optText(p, `${path}.homeDir`, u.homeDir);
  if (homeDir !== undefined && !homeDir.startsWith('/')) p.error(`${path}.homeDir`, `${show(homeDir)} must be an absolute path`);
  const out = {
    name: u.name,
    sshAuthorizedKeys: keys,
    sudo: optText(p, `${path}.sudo`, u.sudo),
    groups,
    shell: optText(p, `${path}.shell`, u.shell),
    homeDir,
    lockPassword: checkBoolean(p, `${path}.lockPassword`, u.lockPassword),
    passwdFrom: u.passwdFrom === undefined ? undefined : checkSecretKeyRef(p, `${path}.passwdFrom`, u.passwdFrom),
  };
  return p.errors.length > before ? undefined : out;
}

/** Validates the user list; returns the users in emitted form (`groups` joined as cloud-init reads them). */
export function checkUsers(p: Problems, path: string, value: unknown): Record<string, unknown>[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.length > 100) {
    p.error(path, `must be a list of at most 100 users { name, sshAuthorizedKeys, sudo }, got ${show(value)}`);
    return undefined;
  }
  const out: Record<string, unknown>[] = [];
  const seen = new Map<string, number>();
  let ok = true;
  value.forEach((u, i) => {
    const checked = checkUser(p, `${path}[${i}]`, u);
    if (!checked) {
      ok = false;
      return;
    }
    const name = checked.name as string;
    if (seen.has(name)) {
      p.error(`${path}[${i}].name`, `${show(name)} is already defined by ${path}[${seen.get(name)}]: user names must be unique`);
      ok = false;
    } else seen.set(name, i);
    out.push(checked);
  });
  return ok ? out : undefined;
}
