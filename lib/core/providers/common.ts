/**
 * Field rules shared by the provider templates (VSphere, OpenStack, OVirt, Basis, Shturval).
 * Like lib/core/rules/validation.ts, every `check*` records problems and never throws.
 */
import { credentialKeyProblem } from '../rules/credentials';
import { ProblemReporter, Problems, show } from '../rules/errors';
import { checkFreeForm } from '../rules/free-form';
import { checkPropKeys, PropKeys } from '../rules/strict-props';
import { MachineRole, MachineTemplateMetadata } from '../nodes/machine-template';
import { checkBoolean, checkEnum, checkInt, checkObject, isDns1123Subdomain } from '../rules/validation';

/**
 * A machine template object as read from a management cluster (`kubectl get ... -o yaml`, parsed):
 * the input of `XMachineTemplate.from(existing)` when `existing` is not a template value.
 */
export interface MachineTemplateObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata?: { readonly name?: string; readonly [key: string]: unknown };
  readonly spec: {
    readonly template: {
      readonly metadata?: MachineTemplateMetadata;
      readonly spec?: Readonly<Record<string, unknown>>;
    };
  };
}

/** Prop names that would carry credentials: always rejected, whatever the provider. */
const CREDENTIAL_KEYS = /^(clouds?(yaml)?|password|passwd|token|secret|credentials?|auth|applicationcredential.*|username|user|cacert|privatekey|key)$/i;

/** Rejects props the class does not know (typos, and credentials that must stay in a Secret): the strict-props rule. */
export function checkKnownKeys<T>(p: Problems, props: T, known: PropKeys<T>, credentialHint: string): void {
  checkPropKeys(p, '', props as object, known, (k) => (CREDENTIAL_KEYS.test(k.replace(/[-_.]/g, '')) || credentialKeyProblem(k)
    ? `${show(k)} looks like a credential: never inline credentials in a template; ${credentialHint}`
    : undefined));
}

/** An optional non-empty string of at most `max` characters (the CRDs' minLength 1 / maxLength). */
export function optString(p: Problems, path: string, value: unknown, max?: number): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value === '') {
    p.error(path, `must be a non-empty string, got ${show(value)}`);
    return undefined;
  }
  if (max !== undefined && value.length > max) {
    p.error(path, `must be at most ${max} characters, got ${value.length}`);
    return undefined;
  }
  return value;
}

/** A required non-empty string. */
export function reqString(p: Problems, path: string, value: unknown, max?: number): string | undefined {
  if (value === undefined || value === null) {
    p.error(path, 'is required');
    return undefined;
  }
  return optString(p, path, value, max);
}

/** An optional integer in [min, max]. */
export function optInt(p: Problems, path: string, value: unknown, min: number, max?: number, source?: string): number | undefined {
  return value === undefined ? undefined : checkInt(p, path, value, min, max, source);
}

/** An optional boolean. */
export const optBool = checkBoolean;

export function optStringList(p: Problems, path: string, value: unknown, opts: { maxItems?: number; maxLength?: number } = {}): string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value)) {
    p.error(path, `must be a list of strings, got ${show(value)}`);
    return undefined;
  }
  if (opts.maxItems !== undefined && value.length > opts.maxItems) {
    p.error(path, `must have at most ${opts.maxItems} items, got ${value.length}`);
    return undefined;
  }
  let ok = true;
  const seen = new Set<string>();
  value.forEach((v, i) => {
    if (optString(p, `${path}[${i}]`, v, opts.maxLength) === undefined) ok = false;
    else if (seen.has(v)) {
      p.error(`${path}[${i}]`, `${show(v)} is listed twice`);
      ok = false;
    } else {
      seen.add(v);
    }
  });
  return ok && value.length > 0 ? [...value] : undefined;
}

/**
 * `additionalFields`: provider fields the typed props do not cover, merged verbatim into
 * `spec.template.spec`. They may not repeat a typed field (set that one instead) nor set a field the
 * provider forbids in templates.
 */
export function checkAdditionalFields(
  p: Problems, path: string, value: unknown, typed: readonly string[], forbidden: Readonly<Record<string, string>> = {},
): Record<string, unknown> | undefined {
  if (value === undefined) return undefined;
  if (!checkObject(p, path, value)) return undefined;
  let ok = true;
  for (const k of Object.keys(value)) {
    if (value[k] === undefined) continue;
    if (Object.hasOwn(forbidden, k)) {
      p.error(`${path}.${k}`, forbidden[k]);
      ok = false;
    } else if (typed.includes(k)) {
      p.error(`${path}.${k}`, `${show(k)} is a typed field of this template: set it directly instead of through additionalFields`);
      ok = false;
    } else if (!credentialKeyProblem(k) && CREDENTIAL_KEYS.test(k.replace(/[-_.]/g, ''))) {
      p.error(`${path}.${k}`, `${show(k)} looks like a credential: never inline credentials in a template`);
      ok = false;
    }
  }
  // every value at every depth: JSON only, no reserved or secret-like keys, no credential text
  const copy = checkFreeForm(p, path, value);
  return ok ? copy : undefined;
}

/** One of the supported API versions, or the default. */
export function checkVersion<T extends string>(p: Problems, path: string, value: unknown, allowed: readonly T[], def: T): T | undefined {
  return value === undefined ? def : checkEnum(p, path, value, allowed);
}


/** kubeadm's preflight minimums for a control-plane node ([ERROR NumCPU], [ERROR Mem]). */
export const KUBEADM_CONTROL_PLANE_MIN_CPUS = 2;
/** kubeadm's minimum memory for a control-plane machine, in MiB (its preflight check requires 1700 MB). */
export const KUBEADM_CONTROL_PLANE_MIN_MEMORY_MIB = 1700;

/**
 * kubeadm init/join refuses a control-plane node with fewer than 2 CPUs or less than 1700 MB of RAM
 * (preflight errors NumCPU and Mem). Checked only where the template sets those values.
 */
export function checkControlPlaneCapacity(
  role: MachineRole, p: ProblemReporter, path: string,
  cpus: { field: string; value?: number }, memory: { field: string; valueMiB?: number },
): void {
  if (role !== 'control-plane') return;
  if (cpus.value !== undefined && cpus.value < KUBEADM_CONTROL_PLANE_MIN_CPUS) {
    p.error(`${path}.${cpus.field}`, `${cpus.value} CPU${cpus.value === 1 ? '' : 's'} is too few for a control-plane node: kubeadm's preflight check requires at least ${KUBEADM_CONTROL_PLANE_MIN_CPUS}`);
  }
  if (memory.valueMiB !== undefined && memory.valueMiB < KUBEADM_CONTROL_PLANE_MIN_MEMORY_MIB) {
    p.error(`${path}.${memory.field}`, `${memory.valueMiB} MiB of RAM is too little for a control-plane node: kubeadm's preflight check requires at least ${KUBEADM_CONTROL_PLANE_MIN_MEMORY_MIB} MB`);
  }
}

/**
 * Reads a template object from a cluster (see {@link MachineTemplateObject}). Checks its kind (any
 * kind when `kinds` is not given: the no-CRD providers' kinds are overridable) and
 * returns its group, version, `spec.template.spec` and `spec.template.metadata`.
 */
export function readTemplateObject(
  subject: string, value: unknown, kinds?: readonly string[],
): { apiGroup: string; version: string; kind: string; spec: Record<string, unknown>; metadata?: MachineTemplateMetadata } {
  const p = new Problems(subject);
  const v = value as MachineTemplateObject;
  if (!checkObject(p, 'existing', value)) p.throwIfErrors();
  if (typeof v.apiVersion !== 'string' || !/^[^/]+\/[^/]+$/.test(v.apiVersion)) p.error('existing.apiVersion', `must be "<group>/<version>", got ${show(v.apiVersion)}`);
  if (kinds && (typeof v.kind !== 'string' || !kinds.includes(v.kind))) p.error('existing.kind', `must be ${kinds.map((k) => show(k)).join(' or ')}, got ${show(v.kind)}`);
  if (!kinds && (typeof v.kind !== 'string' || v.kind === '')) p.error('existing.kind', `is required, got ${show(v.kind)}`);
  const tmpl = (v.spec as { template?: unknown } | undefined)?.template as { spec?: unknown; metadata?: unknown } | undefined;
  if (!tmpl || typeof tmpl !== 'object') p.error('existing.spec.template', `is required, got ${show(tmpl)}`);
  else if (tmpl.spec !== undefined && !checkObject(p, 'existing.spec.template.spec', tmpl.spec)) { /* recorded */ }
  p.throwIfErrors();
  const [apiGroup, version] = v.apiVersion.split('/');
  return {
    apiGroup,
    version,
    kind: v.kind,
    spec: { ...((tmpl!.spec as Record<string, unknown> | undefined) ?? {}) },
    metadata: tmpl!.metadata as MachineTemplateMetadata | undefined,
  };
}

/** Removes the keys of `obj` listed in `keys` and returns them as a separate object (undefined if none). */
export function takeRest(obj: Record<string, unknown>, known: readonly string[]): Record<string, unknown> | undefined {
  const rest: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) if (!known.includes(k)) rest[k] = v;
  return Object.keys(rest).length > 0 ? rest : undefined;
}

/**
 * The props of a copy: `base` with `overrides` on top. Overriding one field of a group of mutually
 * exclusive fields (e.g. vSphere `networkName` / `networks`) drops the others from `base`, so a copy
 * can switch between them. An override of `undefined` removes the field.
 */
export function mergeOverrides<T extends object>(subject: string, base: T, overrides: unknown, exclusive: readonly (readonly string[])[] = []): T {
  if (overrides === undefined) return { ...base };
  const p = new Problems(subject);
  if (!checkObject(p, 'overrides', overrides)) p.throwIfErrors();
  const out: Record<string, unknown> = { ...(base as Record<string, unknown>) };
  for (const group of exclusive) {
    if (group.some((k) => k in (overrides as object))) for (const k of group) delete out[k];
  }
  return { ...out, ...(overrides as object) } as T;
}

/** RFC 4122 textual UUID (the CRDs' `format: uuid`). */
export const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

/** A Kubernetes object name: DNS-1123 subdomain (Secrets, identities, ...). */
export function checkObjectName(p: Problems, path: string, value: unknown, required: boolean): string | undefined {
  if (value === undefined && !required) return undefined;
  if (typeof value !== 'string' || !isDns1123Subdomain(value)) {
    p.error(path, value === undefined ? 'is required' : `${show(value)} is not a valid object name: use lower-case letters, digits, '-' and '.', at most 253 characters`);
    return undefined;
  }
  return value;
}

/**
 * Maps a `spec.template.spec` field to where the user set it: the typed prop of the same name, or
 * `additionalFields.<field>` (for rules checked on the emitted spec).
 */
export function propPathOf(typedFields: readonly string[]): (field: string) => string {
  return (field) => (typedFields.includes(field) ? field : `additionalFields.${field}`);
}
