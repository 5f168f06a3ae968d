/**
 * Files cloud-init writes before kubeadm runs (`KubeadmConfigSpec.files`).
 *
 * Rules, from the KubeadmConfig CRD and webhook (Cluster API release-1.14,
 * bootstrap/kubeadm/webhooks/admission/kubeadmconfig.go `validateFiles`) and from what the library
 * adds:
 * - `path` absolute (cloud-init resolves nothing else), at most 512 characters, unique among all
 *   files of the node, the library's own included (kube-vip on vSphere);
 * - exactly one of inline `content` (at most 10240 characters) and `contentFrom` a Secret;
 * - never a credential inline: content holding a private key, or a path that names a key, password,
 *   token, kubeconfig or cloud config, must come from a Secret (`contentFrom`), so that it appears in
 *   no manifest;
 * - `permissions` an octal string such as `"0644"` (a number would be read as decimal);
 * - `owner` `user` or `user:group`; `encoding` base64, gzip or gzip+base64.
 */
import { hasLoneSurrogate, loneSurrogateProblem } from '../rules/emittable';
import { Problems, show } from '../rules/errors';
import { checkBoolean, checkEnum, checkObject } from '../rules/validation';
import { checkSecretKeyRef, SecretKeyRef } from './secret-ref';

/** How a file's inline content is encoded. */
export type FileEncoding = 'base64' | 'gzip' | 'gzip+base64';

/** A file cloud-init writes on the node before kubeadm runs (`KubeadmConfigSpec.files[]`). */
export interface KubeadmFile {
  /** Absolute path on the node. */
  readonly path: string;
  /** Inline content (no credentials: use `contentFrom`). Exactly one of `content` and `contentFrom`. */
  readonly content?: string;
  /** Content from a Secret in the cluster's namespace. Exactly one of `content` and `contentFrom`. */
  readonly contentFrom?: SecretKeyRef;
  /** @default 'root:root' (cloud-init's default) */
  readonly owner?: string;
  /** Octal mode as a string. @default '0644' (cloud-init's default) */
  readonly permissions?: string;
  /** How `content` is encoded. @default none (plain text) */
  readonly encoding?: FileEncoding;
  /** Append to an existing file instead of replacing it. @default false */
  readonly append?: boolean;
}

const FIELDS = ['path', 'content', 'contentFrom', 'owner', 'permissions', 'encoding', 'append'];
const PERMISSIONS = /^0?[0-7]{3}$|^[0-7]{4}$/;
const OWNER = /^[A-Za-z0-9_][A-Za-z0-9_.-]*(:[A-Za-z0-9_][A-Za-z0-9_.-]*)?$/;
const PRIVATE_KEY = /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----/;
const CREDENTIAL_PATH = /(\.key$|passw(or)?d|token|secret|credential|kubeconfig|clouds\.ya?ml$|cloud\.conf$|\.netrc$)/i;

/** A checked file, and where it came from (for duplicate-path errors). */
export interface SourcedFile {
  readonly file: KubeadmFile;
  readonly source: string;
}

/** Validates one file; returns it in emitted form (fields in CRD spelling). */
export function checkFile(p: Problems, path: string, value: unknown): KubeadmFile | undefined {
  if (!checkObject(p, path, value)) return undefined;
  const before = p.errors.length;
  for (const k of Object.keys(value)) {
    if (!FIELDS.includes(k) && value[k] !== undefined) p.error(`${path}.${k}`, `${show(k)} is not a field of a file; a file has ${FIELDS.join(', ')}`);
  }
  const fp = value.path;
  if (typeof fp === 'string' && hasLoneSurrogate(fp)) {
    p.error(`${path}.path`, loneSurrogateProblem(fp));
  } else if (typeof fp !== 'string' || !fp.startsWith('/') || fp.length > 512 || /[\s\0]/.test(fp) || fp.split('/').includes('..')) {
    p.error(`${path}.path`, `${show(fp)} is not an absolute file path: start with "/", no "..", no whitespace, at most 512 characters`);
  }
  const hasContent = value.content !== undefined;
  const hasFrom = value.contentFrom !== undefined;
  let contentFrom: SecretKeyRef | undefined;
  if (hasContent === hasFrom) {
    p.error(path, hasContent
      ? 'set either content or contentFrom, not both (the KubeadmConfig webhook rejects both)'
      : 'needs content (inline text) or contentFrom (a Secret)');
  } else if (hasContent) {
    const c = value.content;
    if (typeof c !== 'string' || c === '') p.error(`${path}.content`, `must be a non-empty string, got ${show(c)}`);
    else if (hasLoneSurrogate(c)) p.error(`${path}.content`, loneSurrogateProblem(c));
    else if (c.length > 10240) p.error(`${path}.content`, `is ${c.length} characters; Cluster API allows at most 10240 inline (put larger files in a Secret and use contentFrom)`);
    else if (PRIVATE_KEY.test(c)) p.error(`${path}.content`, 'holds a private key: never inline a credential; put it in a Secret and use contentFrom: { secret: { name, key } }');
    else if (typeof fp === 'string' && CREDENTIAL_PATH.test(fp)) {
      p.error(`${path}.content`, `${show(fp)} looks like a credential file: never inline a credential; put it in a Secret and use contentFrom: { secret: { name, key } }`);
    }
  } else {
    contentFrom = checkSecretKeyRef(p, `${path}.contentFrom`, value.contentFrom);
  }
  const perms = value.permissions;
  if (perms !== undefined && (typeof perms !== 'string' || !PERMISSIONS.test(perms))) {
    p.error(`${path}.permissions`, `${show(perms)} is not an octal file mode: write it as a string of octal digits such as "0644" or "0700" (a number would be read as decimal)`);
  }
  const owner = value.owner;
  if (owner !== undefined && (typeof owner !== 'string' || owner.length > 256 || !OWNER.test(owner))) {
    p.error(`${path}.owner`, `${show(owner)} is not an owner: use "user" or "user:group", e.g. "root:root"`);
  }
  const encoding = value.encoding === undefined ? undefined : checkEnum(p, `${path}.encoding`, value.encoding, ['base64', 'gzip', 'gzip+base64'] as const);
  const append = checkBoolean(p, `${path}.append`, value.append);
  if (p.errors.length > before) return undefined;
  return {
    path: fp as string,
    owner: owner as string | undefined,
    permissions: perms as string | undefined,
    encoding,
    append: append || undefined,
    content: hasContent ? value.content as string : undefined,
    contentFrom,
  };
}

/** Validates a list of files (at most 200, as the CRD). */
export function checkFiles(p: Problems, path: string, value: unknown): KubeadmFile[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value)) {
    p.error(path, `must be a list of files { path, content | contentFrom, owner, permissions }, got ${show(value)}`);
    return undefined;
  }
  if (value.length > 200) {
    p.error(path, `has ${value.length} files; Cluster API allows at most 200`);
    return undefined;
  }
  const out: KubeadmFile[] = [];
  let ok = true;
  value.forEach((f, i) => {
    const checked = checkFile(p, `${path}[${i}]`, f);
    if (checked) out.push(checked);
    else ok = false;
  });
  return ok ? out : undefined;
}

/**
 * The library's files followed by the user's. A user file at the path of a library file is an
 * error naming both, unless `override` holds `files[<path>]` (the user's file replaces it, with a
 * warning); two user files at one path are an error.
 */
export function mergeFiles(
  p: Problems, path: string, managed: readonly SourcedFile[], user: readonly KubeadmFile[] | undefined,
  override: ReadonlySet<string>, used: Set<string>,
): KubeadmFile[] {
  const byPath = new Map<string, number>();
  const out: KubeadmFile[] = [];
  for (const m of managed) {
    byPath.set(m.file.path, out.length);
    out.push(m.file);
  }
  const userAt = new Map<string, number>();
  (user ?? []).forEach((f, i) => {
    const at = `${path}[${i}].path`;
    const prev = userAt.get(f.path);
    if (prev !== undefined) {
      p.error(at, `${show(f.path)} is already written by ${path}[${prev}]: file paths must be unique (the KubeadmConfig webhook rejects duplicates)`);
      return;
    }
    userAt.set(f.path, i);
    const idx = byPath.get(f.path);
    if (idx === undefined) {
      out.push(f);
      return;
    }
    const key = `files[${f.path}]`;
    const source = managed.find((m) => m.file.path === f.path)!.source;
    if (override.has(key)) {
      used.add(key);
      p.warn(at, `${show(f.path)} replaces the file written by ${source}`);
      out[idx] = f;
    } else {
      p.error(at, `${show(f.path)} is already written by ${source}: choose another path, or list ${show(key)} in kubeadm.override to replace the library's file`);
    }
  });
  return out;
}
