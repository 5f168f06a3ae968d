/**
 * Validation errors and warnings.
 *
 * Every construct collects all problems of its input before it emits anything, then throws them
 * together as one {@link ValidationError}. Warnings (legal but risky settings) are returned next to
 * the manifests and reported by the adapters; they are never dropped.
 */

/** One problem with one field. */
export interface Issue {
  /** Dotted path of the offending field in the construct's props, e.g. `rollout.maxSurge`. */
  readonly path: string;
  /** What is wrong: names the field, the bad value and the rule. */
  readonly message: string;
}

/** A legal but risky setting. Same shape as an {@link Issue}. */
export type Warning = Issue;

/**
 * Thrown at construction when the props of a construct are invalid.
 * Carries every problem found (not just the first) and an HTTP-style status code of 400,
 * matching the "400 Bad Request" the platform API returns for the same input.
 */
export class ValidationError extends Error {
  /** Always 400: the input is invalid; retrying it unchanged cannot succeed. */
  public readonly statusCode = 400;
  /** Every problem found in the input. */
  public readonly issues: readonly Issue[];
  /** What was being validated, e.g. `WorkerGroup "prod-workers"`. */
  public readonly subject: string;

  constructor(subject: string, issues: readonly Issue[]) {
    // any arguments give an error (a wrong one is described, never a TypeError from here)
    const list: Issue[] = Array.isArray(issues)
      ? issues.map((i: unknown) => (isIssue(i) ? i : { path: '', message: `not an issue: ${show(i)}` }))
      : [{ path: '', message: `issues must be a list of { path, message }, got ${show(issues)}` }];
    const s = typeof subject === 'string' ? subject : show(subject);
    super(`${s}: ${list.length} invalid field${list.length === 1 ? '' : 's'}:\n`
      + list.map((i) => `  - ${i.path}: ${i.message}`).join('\n'));
    this.name = 'ValidationError';
    this.subject = s;
    this.issues = list;
    Object.setPrototypeOf(this, ValidationError.prototype);
  }
}

function isIssue(i: unknown): i is Issue {
  try {
    return i !== null && typeof i === 'object' && typeof (i as Issue).path === 'string' && typeof (i as Issue).message === 'string';
  } catch {
    return false; // a getter or Proxy that throws
  }
}

/**
 * Collects errors and warnings while one object is validated.
 * Call {@link Problems.throwIfErrors} once, after every field has been checked.
 */
/**
 * Where a check reports what it finds: an error fails the object, a warning is reported beside it.
 * The argument of {@link MachineTemplate.validateFor}; the library passes its collector of the object's problems.
 */
export interface ProblemReporter {
  error(path: string, message: string): void;
  warn(path: string, message: string): void;
}

export class Problems implements ProblemReporter {
  public readonly errors: Issue[] = [];
  public readonly warnings: Warning[] = [];

  constructor(public subject: string) {}

  error(path: string, message: string): void {
    this.errors.push({ path, message });
  }

  warn(path: string, message: string): void {
    this.warnings.push({ path, message });
  }

  /** Adds the issues of a nested ValidationError under a path prefix. */
  absorb(prefix: string, err: unknown): void {
    if (err instanceof ValidationError) {
      for (const i of err.issues) this.error(prefix ? `${prefix}.${i.path}` : i.path, i.message);
    } else {
      throw err;
    }
  }

  get hasErrors(): boolean {
    return this.errors.length > 0;
  }

  throwIfErrors(): void {
    if (this.errors.length > 0) throw new ValidationError(this.subject, this.errors);
  }

  /**
   * Runs `render` (a core render of props): a ValidationError it throws is rethrown with this object's
   * problems added after its own, so the caller reports everything in one error. Other errors pass
   * through. Does not throw for this object's own problems: call {@link throwIfErrors} afterwards.
   */
  runRender<T>(render: () => T): T {
    try {
      return render();
    } catch (e) {
      if (e instanceof ValidationError && this.hasErrors) throw new ValidationError(e.subject, [...e.issues, ...this.errors]);
      throw e;
    }
  }
}

/** Error messages show at most this many characters of a value. */
export const MAX_SHOWN_VALUE = 200;

/**
 * The own field `key` of a value that may be anything (a Proxy that throws, an object with getters): its
 * value when it is a plain data field, otherwise undefined. Never calls a getter, never throws. For
 * error subjects, which name the object before it is validated.
 */
export function peek(value: unknown, key: string): unknown {
  try {
    if (value === null || typeof value !== 'object') return undefined;
    const d = Object.getOwnPropertyDescriptor(value, key);
    return d !== undefined && 'value' in d ? d.value : undefined;
  } catch {
    return undefined;
  }
}

/** Formats a user-supplied value for an error message, cut to {@link MAX_SHOWN_VALUE} characters. */
export function show(value: unknown): string {
  try {
    return shown(value);
  } catch {
    return '[an unreadable value]';
  }
}

function shown(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  if (isPulumiOutput(value)) return 'a Pulumi Output (props take plain values, known when the program runs: pass the value itself, or create the component inside .apply())';
  if (value instanceof Promise) return 'a Promise (props take plain values: await it first)';
  if (typeof value === 'string') {
    return value.length > MAX_SHOWN_VALUE ? `${JSON.stringify(value.slice(0, MAX_SHOWN_VALUE))}… (${value.length} characters)` : JSON.stringify(value);
  }
  return formatted(value);
}

/** A Pulumi `Output<T>` (recognised by its marker property, without importing Pulumi). */
export function isPulumiOutput(value: unknown): boolean {
  try {
    return value !== null && typeof value === 'object' && (value as { __pulumiOutput?: unknown }).__pulumiOutput === true;
  } catch {
    return false;
  }
}

/**
 * A JSON-like rendering of any value that cannot throw, loop or grow: getters are never called (an
 * accessor shows as `[getter]`), a value that contains itself shows `[Circular]`, Map, Set, Date and
 * class instances are named, and rendering stops after about {@link MAX_SHOWN_VALUE} characters
 * (`…`), whatever the size of the value. Never "[object Object]".
 */
function formatted(value: unknown): string {
  const out = { text: '', full: false };
  write(value, out, new Set(), 0);
  return out.full ? `${out.text.slice(0, MAX_SHOWN_VALUE)}… (cut)` : out.text;
}

interface Sink { text: string; full: boolean }

function put(out: Sink, s: string): boolean {
  if (out.full) return false;
  out.text += s;
  if (out.text.length > MAX_SHOWN_VALUE) out.full = true;
  return !out.full;
}

function write(v: unknown, out: Sink, seen: Set<object>, depth: number): void {
  if (out.full) return;
  switch (typeof v) {
    case 'string': put(out, JSON.stringify(v.length > MAX_SHOWN_VALUE ? v.slice(0, MAX_SHOWN_VALUE) : v)); return;
    case 'number': put(out, !Number.isFinite(v) ? JSON.stringify(String(v)) : Object.is(v, -0) ? '-0' : String(v)); return;
    case 'bigint': put(out, `${v}n`); return;
    case 'boolean': put(out, String(v)); return;
    case 'undefined': put(out, 'undefined'); return;
    case 'symbol': put(out, safeString(v)); return;
    case 'function': put(out, safeString(v)); return;
    default: break;
  }
  if (v === null) { put(out, 'null'); return; }
  const o = v as object;
  if (seen.has(o)) { put(out, '[Circular]'); return; }
  if (depth >= 8) { put(out, Array.isArray(o) ? '[…]' : '{…}'); return; }
  let proto: object | null;
  try {
    proto = Object.getPrototypeOf(o) as object | null;
  } catch {
    put(out, '[a Proxy]');
    return;
  }
  try {
    if (o instanceof Date) { put(out, `Date(${Number.isNaN(o.getTime()) ? 'Invalid Date' : o.toISOString()})`); return; }
    if (o instanceof Map) { put(out, `Map(${o.size})`); return; }
    if (o instanceof Set) { put(out, `Set(${o.size})`); return; }
    if (o instanceof Number || o instanceof String || o instanceof Boolean) { put(out, `${o.constructor.name}(${JSON.stringify(o.valueOf())})`); return; }
    if (o instanceof Promise) { put(out, 'Promise'); return; }
    if (o instanceof Error) { put(out, `${safeString(o.name)}(${JSON.stringify(String(o.message).slice(0, 80))})`); return; }
  } catch {
    put(out, '[an unreadable object]');
    return;
  }
  seen.add(o);
  try {
    if (Array.isArray(o)) {
      put(out, '[');
      for (let i = 0; i < o.length && !out.full; i++) {
        if (i > 0) put(out, ',');
        writeOwn(o, String(i), out, seen, depth);
      }
      put(out, ']');
      return;
    }
    const name = proto === null || proto === Object.prototype || Object.getPrototypeOf(proto) === null ? '' : className(proto);
    put(out, `${name}{`);
    let first = true;
    for (const k of Object.keys(o)) {
      if (out.full) break;
      if (!first) put(out, ',');
      first = false;
      put(out, `${JSON.stringify(k.length > 80 ? `${k.slice(0, 80)}…` : k)}:`);
      writeOwn(o, k, out, seen, depth);
    }
    put(out, '}');
  } catch {
    put(out, '[an unreadable object]');
  } finally {
    seen.delete(o);
  }
}

/** One own property, without calling a getter. */
function writeOwn(o: object, k: string, out: Sink, seen: Set<object>, depth: number): void {
  const d = Object.getOwnPropertyDescriptor(o, k);
  if (d === undefined) put(out, 'undefined');
  else if (!('value' in d)) put(out, '[getter]');
  else write(d.value, out, seen, depth + 1);
}

function className(proto: object): string {
  const d = Object.getOwnPropertyDescriptor(proto, 'constructor');
  const name = d && 'value' in d && typeof d.value === 'function' ? (d.value as { name?: unknown }).name : undefined;
  return `${typeof name === 'string' && name ? name : 'instance'} `;
}

/** String(value), or Object.prototype.toString for values String() throws on (no prototype, hostile toString). */
function safeString(value: unknown): string {
  if (typeof value === 'function') {
    let name: unknown;
    try {
      name = (value as { name?: unknown }).name;
    } catch {
      name = undefined;
    }
    return `[function ${typeof name === 'string' && name ? name.slice(0, 80) : 'anonymous'}]`;
  }
  try {
    return String(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}
