/**
 * lib/core/rules/: the foundation every concept folder builds on. Errors and warnings (errors.ts,
 * warnings.ts), the field checks (this file), strict props, free-form values, the credential scan, CIDR
 * blocks as Go reads them, the Go-template evaluator, the memo for pure string functions and the adapters'
 * peer-dependency check. Nothing here knows a Kubernetes kind: it imports nothing of lib/core but
 * rules/ itself (the dependency rule, .dependency-cruiser.js, enforces it).
 *
 * Field rules shared by every construct. Each `check*` function records a problem in a
 * {@link Problems} collector (never throws) and returns the normalized value, or `undefined`
 * when the input was invalid or absent.
 */
import { isPulumiOutput, Problems, show } from './errors';
import { credentialFormatProblem, userKeyProblem } from './credentials';
import { hasLoneSurrogate, loneSurrogateProblem, reservedKeyProblem } from './emittable';
import { memoize } from './memo';

/** A duration: a Go duration string (`"90s"`, `"5m"`, `"1h30m"`) or a number of seconds. */
export type Duration = string | number;

/** An integer count, or a percentage as a string such as `"25%"`. */
export type IntOrPercent = number | string;

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const LABEL_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;

/** The API server's limit on the annotations of one object: keys and values together, in bytes (apimachinery's TotalAnnotationSizeLimitB). */
export const MAX_ANNOTATIONS_BYTES = 256 * 1024;

/** Maximum length of a label value, and of names Cluster API uses as label values. */
export const MAX_LABEL_VALUE_LENGTH = 63;

export function isDns1123Label(v: string): boolean {
  return v.length <= 63 && DNS1123_LABEL.test(v);
}

export function isDns1123Subdomain(v: string): boolean {
  return v.length <= 253 && DNS1123_SUBDOMAIN.test(v);
}

export function isLabelValue(v: string): boolean {
  return v.length <= MAX_LABEL_VALUE_LENGTH && LABEL_VALUE.test(v);
}

/** A qualified label key: optional DNS-subdomain prefix and `/`, then a name of at most 63 characters. */
export function isLabelKey(v: string): boolean {
  const slash = v.lastIndexOf('/');
  const prefix = slash >= 0 ? v.slice(0, slash) : undefined;
  const name = slash >= 0 ? v.slice(slash + 1) : v;
  if (prefix !== undefined && !isDns1123Subdomain(prefix)) return false;
  return name.length <= 63 && LABEL_NAME.test(name);
}

const KIND = /^[A-Z][A-Za-z0-9]*$/;
const API_VERSION_NAME = /^v[1-9][0-9]*((alpha|beta)[1-9][0-9]*)?$/;

/** An API group of a kind outside the core group: a DNS subdomain with at least one dot (`infrastructure.cluster.x-k8s.io`). */
export function isApiGroup(v: unknown): v is string {
  return typeof v === 'string' && isDns1123Subdomain(v) && v.includes('.');
}

/** A Kubernetes API version name: `v1`, `v1beta2`, `v1alpha3`. */
export function isApiVersionName(v: unknown): v is string {
  return typeof v === 'string' && API_VERSION_NAME.test(v);
}

/** A kind: UpperCamelCase letters and digits, at most 63 characters. */
export function isKind(v: unknown): v is string {
  return typeof v === 'string' && v.length <= 63 && KIND.test(v);
}

/**
 * An object built by `{}` or `Object.create(null)`, in this realm or another (a vm context, a test
 * runner's sandbox): props and free-form maps. Class instances, Dates, Maps, Sets and arrays are not.
 */
export function isPlainRecord(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== 'object') return false;
  try {
    if (Array.isArray(v)) return false;
    const proto = Object.getPrototypeOf(v);
    if (proto === Object.prototype || proto === null) return true;
    // another realm's Object.prototype: a root prototype, and the object is tagged as a plain Object
    return Object.getPrototypeOf(proto) === null && Object.prototype.toString.call(v) === '[object Object]';
  } catch {
    return false; // a Proxy that throws is no plain data
  }
}

export function checkRequired(p: Problems, path: string, value: unknown): boolean {
  if (value === undefined || value === null || value === '') {
    p.error(path, 'is required');
    return false;
  }
  return true;
}

/** A string YAML and Kubernetes can carry: no unpaired UTF-16 surrogate. */
export function checkString(p: Problems, path: string, value: unknown): value is string {
  if (typeof value !== 'string') {
    p.error(path, `must be a string, got ${describeValue(value)}`);
    return false;
  }
  if (hasLoneSurrogate(value)) {
    p.error(path, loneSurrogateProblem(value));
    return false;
  }
  return true;
}


/** A DNS-1123 label: lower-case alphanumerics and '-', starting and ending alphanumeric, at most 63 characters. */
export function checkDns1123Label(p: Problems, path: string, value: unknown): string | undefined {
  if (!checkRequired(p, path, value) || !checkString(p, path, value)) return undefined;
  if (!isDns1123Label(value)) {
    p.error(path, `${show(value)} is not a valid DNS-1123 label: use at most 63 lower-case letters, digits and '-', starting and ending with a letter or digit`);
    return undefined;
  }
  return value;
}

/**
 * Checks that a generated object name can be used as a label value (at most 63 characters).
 * Cluster API requires this of Cluster and MachineDeployment names, and copies KubeadmControlPlane
 * and MachineDeployment names into machine labels.
 */
export function checkGeneratedName(p: Problems, path: string, kind: string, name: string, from: string): void {
  if (name.length > MAX_LABEL_VALUE_LENGTH) {
    p.error(path, `the generated ${kind} name ${show(name)} is ${name.length} characters; Cluster API uses it as a label value, which allows at most ${MAX_LABEL_VALUE_LENGTH}: shorten ${from} by ${name.length - MAX_LABEL_VALUE_LENGTH}`);
  }
}

/** The largest int32, the type of most integer fields of the Kubernetes and Cluster API types. */
export const INT32_MAX = 2147483647;

/** An integer in [min, max]. */
export function checkInt(p: Problems, path: string, value: unknown, min: number, max = 2147483647, source?: string): number | undefined {
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    p.error(path, `must be an integer, got ${show(value)}`);
    return undefined;
  }
  if (value < min || value > max) {
    const rule = max === 2147483647 ? `must be at least ${min}` : `must be between ${min} and ${max}`;
    p.error(path, `${rule}${source ? ` (${source})` : ''}, got ${value}`);
    return undefined;
  }
  return value;
}

const GO_DURATION = /^([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$/;
const UNIT_SECONDS: Record<string, number> = { ns: 1e-9, us: 1e-6, 'µs': 1e-6, ms: 1e-3, s: 1, m: 60, h: 3600 };

/**
 * Parses a duration to whole seconds. Accepts Go duration strings (`"10m"`, `"1h30m"`, `"90s"`) and
 * non-negative numbers of seconds. Cluster API v1beta2 stores durations as whole seconds, so a
 * fractional result is an error rather than a silent truncation.
 */
export function checkDuration(p: Problems, path: string, value: unknown): number | undefined {
  let seconds: number;
  if (typeof value === 'number') {
    seconds = value;
  } else if (typeof value === 'string' && GO_DURATION.test(value)) {
    seconds = durationSeconds(value);
  } else {
    p.error(path, `${show(value)} is not a duration: use a Go duration such as "30s", "5m" or "1h30m", or a number of seconds`);
    return undefined;
  }
  if (!Number.isFinite(seconds) || seconds < 0) {
    p.error(path, `must not be negative, got ${show(value)}`);
    return undefined;
  }
  if (!Number.isInteger(seconds)) {
    p.error(path, `${show(value)} is not a whole number of seconds; Cluster API v1beta2 stores durations in seconds and would truncate it`);
    return undefined;
  }
  if (seconds > 2147483647) {
    p.error(path, `${show(value)} is longer than the int32 seconds Cluster API can store`);
    return undefined;
  }
  return seconds;
}

/** Seconds of a string that matches GO_DURATION, rounded to microseconds; remembered per string (a fleet repeats a few durations). */
const durationSeconds = memoize((value) => {
  let seconds = 0;
  for (const m of value.matchAll(/([0-9]+(?:\.[0-9]+)?)(ns|us|µs|ms|s|m|h)/g)) {
    seconds += parseFloat(m[1]) * UNIT_SECONDS[m[2]];
  }
  return Math.round(seconds * 1e6) / 1e6;
});

/** Formats whole seconds as Go's `time.Duration.String()` does: `0s`, `10s`, `5m0s`, `1h0m0s`. */
export function goDuration(seconds: number): string {
  if (seconds === 0) return '0s';
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  if (h > 0) return `${h}h${m}m${s}s`;
  if (m > 0) return `${m}m${s}s`;
  return `${s}s`;
}

/** Formats whole seconds as the shortest flag-style duration: `10s`, `5m`, `1h30m`. */
export function shortDuration(seconds: number): string {
  if (seconds === 0) return '0s';
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  return `${h ? `${h}h` : ''}${m ? `${m}m` : ''}${s ? `${s}s` : ''}`;
}

export type ParsedIntOrPercent = { readonly kind: 'int'; readonly value: number } | { readonly kind: 'percent'; readonly value: number };

/**
 * An int-or-string value as Cluster API reads it: a non-negative integer, or a string `"N%"`.
 * A string holding a bare number (`"2"`) is rejected: the controllers would read it differently from
 * what it looks like.
 */
export function checkIntOrPercent(p: Problems, path: string, value: unknown, maxPercent = 100): ParsedIntOrPercent | undefined {
  if (typeof value === 'number') {
    if (!Number.isInteger(value) || value < 0) {
      p.error(path, `must be a non-negative integer or a percentage such as "25%", got ${show(value)}`);
      return undefined;
    }
    if (value > INT32_MAX) {
      p.error(path, `${show(value)} is beyond the int32 an int-or-string field holds (at most ${INT32_MAX}); the API server refuses it`);
      return undefined;
    }
    return { kind: 'int', value };
  }
  if (typeof value === 'string') {
    const m = /^([0-9]+)%$/.exec(value);
    if (!m) {
      p.error(path, `must be a non-negative integer or a percentage such as "25%", got ${show(value)}`);
      return undefined;
    }
    if (m[1].length > 10 || parseInt(m[1], 10) > INT32_MAX) {
      p.error(path, `${show(value)} is beyond the int32 an int-or-string field holds (at most ${INT32_MAX}%)`);
      return undefined;
    }
    const pct = parseInt(m[1], 10);
    if (pct > maxPercent) {
      p.error(path, `must not exceed ${maxPercent}%, got ${show(value)}`);
      return undefined;
    }
    return { kind: 'percent', value: pct };
  }
  p.error(path, `must be a non-negative integer or a percentage such as "25%", got ${show(value)}`);
  return undefined;
}

/** The emitted form of an int-or-percent: a number, or `"N%"`. */
export function intOrPercentValue(v: ParsedIntOrPercent): number | string {
  return v.kind === 'int' ? v.value : `${v.value}%`;
}

/** An optional boolean: undefined stays undefined, anything else but true/false is an error. */
export function checkBoolean(p: Problems, path: string, value: unknown): boolean | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'boolean') {
    p.error(path, `must be a boolean, got ${show(value)}`);
    return undefined;
  }
  return value;
}

/** Checks that `value` is one of `allowed`. */
export function checkEnum<T extends string>(p: Problems, path: string, value: unknown, allowed: readonly T[]): T | undefined {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    p.error(path, `must be one of ${allowed.map((a) => show(a)).join(', ')}, got ${show(value)}`);
    return undefined;
  }
  return value as T;
}

/**
 * Checks that a props value is an object: not null, not an array, and not a Map, Date, Set, boxed
 * primitive or other built-in value, whose entries `Object.keys` does not see (a Map of labels would
 * emit no labels). Its own fields must be plain data too: a getter (which may throw, or answer
 * differently each time it is read) or a Proxy that throws when read is an error, never a crash.
 */
export function checkObject(p: Problems, path: string, value: unknown): value is Record<string, unknown> {
  let problem: string | undefined;
  try {
    if (value === null || typeof value !== 'object' || Array.isArray(value) || isBuiltinValue(value)) problem = `must be a plain object, got ${describeValue(value)}`;
    else problem = accessorProblem(value);
  } catch {
    problem = 'cannot be read (a Proxy that throws): props are plain objects';
  }
  if (problem !== undefined) {
    p.error(path, problem);
    return false;
  }
  return true;
}

/**
 * Checks that the plain objects and lists inside a whole argument (props, a cluster spec) can be read
 * as data: no getter or setter anywhere (a getter may throw, or answer differently each time it is
 * read), and no Proxy that throws when read. Records the first such place with its path and returns
 * false; the value is then not rendered at all. Class instances (machine templates, provider clusters,
 * a Cluster construct) are the library's or the framework's own objects and are not entered; cycles
 * are walked once. Linear in the size of the value.
 */
export function checkReadable(p: Problems, value: unknown, wholeName = 'props'): boolean {
  const seen = new Set<object>();
  const stack: [unknown, string][] = [[value, '']];
  while (stack.length > 0) {
    const [v, at] = stack.pop()!;
    if (v === null || typeof v !== 'object' || seen.has(v)) continue;
    seen.add(v);
    const where = at === '' ? wholeName : at;
    let keys: string[];
    try {
      Object.getPrototypeOf(v); // throws for a Proxy whose traps throw (isPlainRecord answers false)
      if (!Array.isArray(v) && !isPlainRecord(v)) continue;
      keys = Object.keys(v);
    } catch {
      p.error(where, 'cannot be read (a Proxy that throws): props are plain values');
      return false;
    }
    for (const k of keys) {
      let d: PropertyDescriptor | undefined;
      // the path stops growing past 200 characters: a 100k-deep value would otherwise cost quadratic time
      const kAt = at.length > 200 ? (at.endsWith('…') ? at : `${at}…`)
        : Array.isArray(v) ? `${at}[${k}]` : `${at}${at === '' ? '' : '.'}${k.length > 40 ? `${k.slice(0, 40)}…` : k}`;
      try {
        d = Object.getOwnPropertyDescriptor(v, k);
      } catch {
        p.error(where, 'cannot be read (a Proxy that throws): props are plain values');
        return false;
      }
      if (d === undefined) continue;
      if (!('value' in d)) {
        p.error(kAt, 'is a getter: props are plain values, not accessors');
        return false;
      }
      if (d.value !== null && typeof d.value === 'object') stack.push([d.value, kAt]);
    }
  }
  return true;
}

/**
 * The check of a whole props argument (of a construct, a render function, a provider class): a plain
 * object ({@link checkObject}) whose contents can be read as data ({@link checkReadable}). Paths of
 * problems inside are relative to the props (`scaling.min`); the whole argument is `wholeName`.
 */
export function checkProps(p: Problems, value: unknown, wholeName = 'props'): value is Record<string, unknown> {
  return checkObject(p, wholeName, value) && checkReadable(p, value, wholeName);
}

/** The first own field of `value` that is a getter or setter, described; undefined when every field is plain data. */
function accessorProblem(value: object): string | undefined {
  for (const k of Object.keys(value)) {
    const d = Object.getOwnPropertyDescriptor(value, k);
    if (d !== undefined && !('value' in d)) return `has a getter at ${show(k.length > 40 ? `${k.slice(0, 40)}…` : k)}: props are plain values, not accessors`;
  }
  return undefined;
}

/**
 * A Map, Set, Date, RegExp, Promise, boxed primitive, binary buffer or other built-in object: never
 * props, whose fields `Object.keys` would not see. (The library's own classes, such as the provider
 * clusters and machine templates, are objects of their own and pass.)
 */
function isBuiltinValue(v: object): boolean {
  return v instanceof Map || v instanceof Set || v instanceof WeakMap || v instanceof WeakSet || v instanceof Date || v instanceof RegExp
    || v instanceof Promise || v instanceof Number || v instanceof String || v instanceof Boolean || ArrayBuffer.isView(v) || v instanceof ArrayBuffer
    || v instanceof Error || (!isPlainRecord(v) && Object.prototype.toString.call(v) !== '[object Object]');
}

/** A short description of a value where another kind of value was expected, for error messages. */
export function describeValue(v: unknown): string {
  try {
    return described(v);
  } catch {
    return show(v); // a Proxy that throws: show never does
  }
}

function described(v: unknown): string {
  if (typeof v === 'bigint') return `the BigInt ${show(v)}`;
  if (typeof v === 'symbol') return `the Symbol ${show(v)}`;
  if (typeof v === 'function') return 'a function';
  if (v === null || typeof v !== 'object') return show(v);
  if (Array.isArray(v)) return `the list ${show(v)}`;
  if (isPlainRecord(v) || isPulumiOutput(v) || v instanceof Promise) return show(v);
  if (v instanceof Date) return 'a Date';
  if (v instanceof Map) return 'a Map';
  if (v instanceof Set) return 'a Set';
  if (v instanceof Number || v instanceof String || v instanceof Boolean) return `a boxed ${typeof v.valueOf()} (new ${v.constructor.name}(…)): use the primitive value`;
  let name: unknown;
  try {
    name = (Object.getPrototypeOf(v) as { constructor?: { name?: unknown } } | null)?.constructor?.name;
  } catch {
    name = undefined;
  }
  return `an instance of ${typeof name === 'string' && name ? name : 'a class'}`;
}

/**
 * Checks a map of labels or annotations: valid keys (not `constructor`, `__proto__` or `prototype`,
 * which cdk8s cannot render, and no key whose name part names a secret: `example.com/token`) and string
 * values: for labels, valid label values; no unpaired surrogate and no credential-shaped text (an
 * `AKIA…` access key ID is a valid label value).
 */
export function checkLabels(p: Problems, path: string, value: unknown, kind: 'labels' | 'annotations'): Record<string, string> | undefined {
  if (value === undefined) return undefined;
  if (!checkObject(p, path, value)) return undefined;
  let ok = true;
  const out: Record<string, string> = {};
  let bytes = 0;
  for (const k of Object.keys(value)) {
    const v = value[k];
    const at = `${path}.${k.length > 80 ? `${k.slice(0, 80)}…` : k}`;
    const reserved = reservedKeyProblem(k);
    if (reserved) {
      p.error(at, reserved);
      ok = false;
    } else if (!isLabelKey(k)) {
      p.error(at, `${show(k)} is not a valid ${kind === 'labels' ? 'label' : 'annotation'} key: an optional DNS subdomain prefix and '/', then at most 63 letters, digits, '-', '_' or '.'`);
      ok = false;
    }
    const secretKey = userKeyProblem(k);
    if (secretKey) {
      p.error(at, secretKey);
      ok = false;
    }
    if (typeof v !== 'string') {
      p.error(at, `value must be a string, got ${show(v)}`);
      ok = false;
    } else if (kind === 'labels' && !isLabelValue(v)) {
      p.error(at, `${show(v)} is not a valid label value: at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit`);
      ok = false;
    } else {
      const problem = hasLoneSurrogate(v) ? `${show(v)} contains an unpaired UTF-16 surrogate, which Kubernetes cannot store` : credentialFormatProblem(v);
      if (problem) {
        p.error(at, problem);
        ok = false;
      }
    }
    if (kind === 'annotations') bytes += Buffer.byteLength(k) + (typeof v === 'string' ? Buffer.byteLength(v) : 0);
    if (ok) out[k] = v as string;
  }
  if (kind === 'annotations' && bytes > MAX_ANNOTATIONS_BYTES) {
    p.error(path, `the annotations take ${bytes} bytes (keys and values, UTF-8); the API server refuses more than ${MAX_ANNOTATIONS_BYTES} (256 KiB) per object: keep large data in a ConfigMap or Secret`);
    ok = false;
  }
  return ok ? out : undefined;
}

/** An optional list of strings, each passing `valid` (described by `rule`); empty lists are allowed. */
export function checkStringList(p: Problems, path: string, value: unknown, valid: (s: string) => boolean, rule: string): string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value)) {
    p.error(path, `must be a list of strings, got ${show(value)}`);
    return undefined;
  }
  let ok = true;
  value.forEach((v, i) => {
    if (typeof v === 'string' && hasLoneSurrogate(v)) {
      p.error(`${path}[${i}]`, loneSurrogateProblem(v));
      ok = false;
    } else if (typeof v !== 'string' || !valid(v)) {
      p.error(`${path}[${i}]`, `${show(v)} is not ${rule}`);
      ok = false;
    }
  });
  return ok ? [...value] as string[] : undefined;
}
