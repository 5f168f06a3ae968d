/**
 * Component arguments in a KubeadmConfigSpec: `nodeRegistration.kubeletExtraArgs` and the
 * `extraArgs` of the API server, controller manager, scheduler and local etcd.
 *
 * kubeadm writes each entry as `--<name>=<value>` on the component's command line. Cluster API
 * v1beta1 spells them as a map, v1beta2 as a list of `{name, value}` (names unique, 1..256
 * characters, values at most 1024: the KubeadmConfig CRD).
 *
 * Some arguments belong to the library: the provider bootstrap sets `cloud-provider` and
 * `provider-id`, and the Cluster's `nodeFailureDetection` sets the node status and monitor flags. A
 * user value for one of them that differs is a ValidationError naming both sources, unless the
 * user lists the argument in `kubeadm.override` (then the user's value wins, with a warning).
 */
import { CapiVersion } from '../output/api-versions';
import { Problems, show } from '../rules/errors';
import { sortKeys } from '../output/manifest';
import { checkObject } from '../rules/validation';

/** Arguments of one component, without the leading `--`: `{ 'max-pods': '200' }`. */
export type ExtraArgs = Readonly<Record<string, string>>;

/** extraArgs as emitted: a map (v1beta1) or a name-sorted `{name, value}` list (v1beta2). */
export type RenderedExtraArgs = Record<string, string> | { name: string; value: string }[];

/** An argument the library sets, and who set it (named in conflict errors). */
export interface ManagedArg {
  readonly value: string;
  readonly source: string;
  /** What the override warning adds about the risk. @default that the provider's own template uses the value */
  readonly note?: string;
}

const ARG_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
const MAX_NAME = 256;
const MAX_VALUE = 1024;

/** Validates a map of component arguments: names as kubeadm writes them, string values, CRD limits. */
export function checkExtraArgs(p: Problems, path: string, value: unknown): Record<string, string> | undefined {
  if (value === undefined) return undefined;
  if (!checkObject(p, path, value)) return undefined;
  let ok = true;
  const keys = Object.keys(value);
  if (keys.length > 100) {
    p.error(path, `has ${keys.length} arguments; Cluster API allows at most 100`);
    ok = false;
  }
  for (const name of keys) {
    const v = value[name];
    const at = `${path}.${name}`;
    if (name.startsWith('-')) {
      p.error(at, `${show(name)} starts with "-": kubeadm writes each argument as --<name>=<value>, so give the name without dashes (${show(name.replace(/^-+/, ''))})`);
      ok = false;
    } else if (name.length > MAX_NAME || !ARG_NAME.test(name)) {
      p.error(at, `${show(name)} is not a command-line flag name: use letters, digits, '-', '_' and '.', starting with a letter or digit, at most ${MAX_NAME} characters`);
      ok = false;
    }
    if (typeof v !== 'string') {
      p.error(at, `value must be a string (kubeadm passes it as --${name}=<value>), got ${show(v)}`);
      ok = false;
    } else if (v.length > MAX_VALUE) {
      p.error(at, `value is ${v.length} characters; Cluster API allows at most ${MAX_VALUE}`);
      ok = false;
    } else if (/[\r\n]/.test(v)) {
      p.error(at, `value ${show(v)} contains a line break, which cannot be part of a command-line flag`);
      ok = false;
    }
  }
  return ok ? { ...(value as Record<string, string>) } : undefined;
}

/**
 * The library's arguments with the user's on top. A user value that differs from a managed one is an
 * error naming both sources, unless `override` holds `<field>.<name>`: then it wins with a warning.
 * `prefix` is the props path of the kubeadm props (`kubeadm.`); used override entries go to `used`.
 */
export function mergeExtraArgs(
  p: Problems, prefix: string, field: string, managed: Readonly<Record<string, ManagedArg>>, user: Readonly<Record<string, string>> | undefined,
  override: ReadonlySet<string>, used: Set<string>,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name in managed) out[name] = managed[name].value;
  if (!user) return out;
  for (const name in user) {
    const m = managed[name];
    const key = `${field}.${name}`;
    if (m && m.value !== user[name]) {
      if (override.has(key)) {
        used.add(key);
        p.warn(`${prefix}${key}`, `${show(user[name])} overrides ${show(m.value)} set by ${m.source}, ${m.note ?? 'which is what the provider\'s own template uses'}`);
      } else {
        p.error(`${prefix}${key}`, `${show(user[name])} conflicts with ${show(m.value)} set by ${m.source}: remove it, or list ${show(key)} in ${prefix}override to replace the library's value`);
        continue;
      }
    }
    out[name] = user[name];
  }
  return out;
}

/** extraArgs in the shape of the apiVersion: a map (v1beta1) or a name-sorted `{name, value}` list (v1beta2). */
export function renderExtraArgs(args: Readonly<Record<string, string>>, capi: CapiVersion): RenderedExtraArgs {
  const names = sortKeys(Object.keys(args));
  if (capi === 'v1beta1') {
    const map: Record<string, string> = {};
    for (const n of names) map[n] = args[n];
    return map;
  }
  return names.map((name) => ({ name, value: args[name] }));
}
