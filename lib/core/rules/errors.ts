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
    super(`${subject}: ${issues.length} invalid field${issues.length === 1 ? '' : 's'}:\n`
      + issues.map((i) => `  - ${i.path}: ${i.message}`).join('\n'));
    this.name = 'ValidationError';
    this.subject = subject;
    this.issues = issues;
    Object.setPrototypeOf(this, ValidationError.prototype);
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
}

/** Error messages show at most this many characters of a value. */
export const MAX_SHOWN_VALUE = 200;

/** Formats a user-supplied value for an error message, cut to {@link MAX_SHOWN_VALUE} characters. */
export function show(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  if (isPulumiOutput(value)) return 'a Pulumi Output (props take plain values, known when the program runs: pass the value itself, or create the component inside .apply())';
  if (value instanceof Promise) return 'a Promise (props take plain values: await it first)';
  if (typeof value === 'string') {
    return value.length > MAX_SHOWN_VALUE ? `${JSON.stringify(value.slice(0, MAX_SHOWN_VALUE))}… (${value.length} characters)` : JSON.stringify(value);
  }
  return clip(formatted(value));
}

/** A Pulumi `Output<T>` (recognised by its marker property, without importing Pulumi). */
function isPulumiOutput(value: unknown): boolean {
  try {
    return value !== null && typeof value === 'object' && (value as { __pulumiOutput?: unknown }).__pulumiOutput === true;
  } catch {
    return false;
  }
}

function clip(s: string): string {
  return s.length > MAX_SHOWN_VALUE ? `${s.slice(0, MAX_SHOWN_VALUE)}… (${s.length} characters)` : s;
}

function formatted(value: unknown): string {
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'symbol' || typeof value === 'function') return safeString(value);
  try {
    const s = JSON.stringify(value, (_k, v) => (typeof v === 'bigint' ? `${v}n` : typeof v === 'number' && !Number.isFinite(v) ? String(v) : v));
    return s === undefined ? safeString(value) : s;
  } catch {
    // circular values
    return safeString(value);
  }
}

/** String(value), or Object.prototype.toString for values String() throws on (no prototype, hostile toString). */
function safeString(value: unknown): string {
  if (typeof value === 'function') return `[function ${value.name || 'anonymous'}]`;
  try {
    return String(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}
