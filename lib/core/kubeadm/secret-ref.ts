/** `{ secret: { name, key } }`: where KubeadmConfig reads a file's content or a user's password from. */
import { Problems, show } from '../rules/errors';
import { checkObject, isDns1123Subdomain } from '../rules/validation';

/** A key of a Secret in the cluster's namespace, where KubeadmConfig reads content it must not hold inline. */
export interface SecretKeyRef {
  readonly secret: {
    /** A Secret in the cluster's namespace on the management cluster. */
    readonly name: string;
    /** The key of the Secret's data. */
    readonly key: string;
  };
}

const SECRET_KEY = /^[-._a-zA-Z0-9]+$/;

export function checkSecretKeyRef(p: Problems, path: string, value: unknown): SecretKeyRef | undefined {
  if (!checkObject(p, path, value)) return undefined;
  for (const k of Object.keys(value)) {
    if (k !== 'secret' && value[k] !== undefined) p.error(`${path}.${k}`, `${show(k)} is not a known field; only { secret: { name, key } } is supported`);
  }
  const s = value.secret;
  if (!checkObject(p, `${path}.secret`, s)) return undefined;
  let ok = true;
  for (const k of Object.keys(s)) {
    if (k !== 'name' && k !== 'key' && s[k] !== undefined) {
      p.error(`${path}.secret.${k.length > 80 ? `${k.slice(0, 80)}…` : k}`, `${show(k.length > 80 ? `${k.slice(0, 80)}…` : k)} is not a known field of a SecretKeyRef's secret: only name and key are (KubeadmConfig reads the Secret in the cluster's namespace, and the key must exist)`);
      ok = false;
    }
  }
  if (typeof s.name !== 'string' || !isDns1123Subdomain(s.name)) {
    p.error(`${path}.secret.name`, `${show(s.name)} is not a Secret name: lower-case letters, digits, '-' and '.', at most 253 characters`);
    ok = false;
  }
  if (typeof s.key !== 'string' || s.key.length > 253 || !SECRET_KEY.test(s.key)) {
    p.error(`${path}.secret.key`, `${show(s.key)} is not a Secret data key: letters, digits, '-', '_' and '.', at most 253 characters`);
    ok = false;
  }
  return ok ? { secret: { name: s.name as string, key: s.key as string } } : undefined;
}
