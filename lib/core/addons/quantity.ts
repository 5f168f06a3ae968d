/**
 * Kubernetes resource quantities (`"500m"`, `"2"`, `"4Gi"`, `"1e3"`), parsed exactly.
 *
 * The value is kept as a fraction of two bigints so that `"0.1"` CPU or `"1.5Gi"` bytes convert
 * without floating-point error. Used to validate add-on resource parameters and to convert them to
 * the units a chart expects (z2jh's numeric CPU and `K/M/G` byte strings).
 */
import { Problems, show } from '../rules/errors';

/** A resource quantity as a Kubernetes manifest accepts it: a string such as `"500m"` or `"4Gi"`, or a plain number. */
export type Quantity = string | number;

/** An exact, non-negative quantity: `numerator / denominator`. */
export interface ParsedQuantity {
  /** The quantity as written (numbers converted with `String`). */
  readonly text: string;
  readonly numerator: bigint;
  readonly denominator: bigint;
}

// apimachinery resource.Quantity: <signedNumber><suffix>, suffix = binarySI | decimalSI | decimalExponent.
const QUANTITY = /^([0-9]+(?:\.[0-9]*)?|\.[0-9]+)(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][+-]?[0-9]+)?$/;
const BINARY: Record<string, number> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };
const DECIMAL: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };

function gcd(a: bigint, b: bigint): bigint {
  while (b !== 0n) [a, b] = [b, a % b];
  return a;
}

/** Parses a quantity; returns `undefined` if it is not a valid, non-negative Kubernetes quantity. */
export function parseQuantity(value: unknown): ParsedQuantity | undefined {
  let text: string;
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value < 0) return undefined;
    text = String(value);
    if (/e/i.test(text)) return undefined; // 1e21 and 1e-7 print in exponent form; ask for a string
  } else if (typeof value === 'string') {
    text = value;
  } else {
    return undefined;
  }
  const m = QUANTITY.exec(text);
  if (!m) return undefined;
  const [intPart, fracPart = ''] = m[1].split('.');
  let numerator = BigInt(`${intPart || '0'}${fracPart}`);
  let denominator = 10n ** BigInt(fracPart.length);
  const suffix = m[2] ?? '';
  if (suffix in BINARY) {
    numerator *= 2n ** BigInt(BINARY[suffix]);
  } else {
    const exp = suffix in DECIMAL ? DECIMAL[suffix] : parseInt(suffix.slice(1), 10);
    if (Math.abs(exp) > 30) return undefined;
    if (exp >= 0) numerator *= 10n ** BigInt(exp);
    else denominator *= 10n ** BigInt(-exp);
  }
  const g = gcd(numerator, denominator) || 1n;
  return { text, numerator: numerator / g, denominator: denominator / g };
}

/** Compares two parsed quantities: negative, zero or positive. */
export function compareQuantities(a: ParsedQuantity, b: ParsedQuantity): number {
  const l = a.numerator * b.denominator;
  const r = b.numerator * a.denominator;
  return l < r ? -1 : l > r ? 1 : 0;
}

/** A CPU quantity as a number of cores (exact to the millicore, which is all Kubernetes keeps). */
export function cpuCores(q: ParsedQuantity): number {
  return Number((q.numerator * 1000n) / q.denominator) / 1000;
}

/** A memory quantity as whole bytes. */
export function memoryBytes(q: ParsedQuantity): bigint {
  return q.numerator / q.denominator;
}

/**
 * Bytes in the notation of JupyterHub's `ByteSpecification` (KubeSpawner `mem_limit`/`mem_guarantee`,
 * z2jh `singleuser.memory.*`): the suffixes K, M, G, T mean 1024, 1024², 1024³, 1024⁴ (binary, unlike
 * Kubernetes' decimal `G`). Whole multiples get the largest exact suffix (`4Gi` -> `"4G"`); anything
 * else is given as a plain number of bytes, which the trait also accepts.
 */
export function jupyterHubBytes(bytes: bigint): string | number {
  for (const [suffix, shift] of [['T', 40n], ['G', 30n], ['M', 20n], ['K', 10n]] as const) {
    const unit = 1n << shift;
    if (bytes >= unit && bytes % unit === 0n) return `${bytes / unit}${suffix}`;
  }
  return Number(bytes);
}

/**
 * Checks a CPU quantity: a valid Kubernetes quantity, greater than zero, in whole millicores.
 * Returns the parsed value.
 */
export function checkCpu(p: Problems, path: string, value: unknown): ParsedQuantity | undefined {
  if (isRoundedNumber(p, path, value)) return undefined;
  const q = parseQuantity(value);
  if (q === undefined) {
    p.error(path, `${show(value)} is not a Kubernetes CPU quantity: use cores such as "2", "1.5" or millicores such as "500m"`);
    return undefined;
  }
  if (q.numerator === 0n) {
    p.error(path, `must be greater than zero, got ${show(value)}`);
    return undefined;
  }
  if ((q.numerator * 1000n) % q.denominator !== 0n) {
    p.error(path, `${show(value)} is finer than a millicore; Kubernetes keeps CPU only to 1m precision`);
    return undefined;
  }
  if ((q.numerator * 1000n) / q.denominator > MAX_EXACT) {
    p.error(path, `${show(value)} is too large: at most ${MAX_EXACT / 1000n} cores (${MAX_EXACT} millicores, the largest the chart values can hold exactly)`);
    return undefined;
  }
  return q;
}

/** The largest integer a chart value (a JSON number) holds exactly: 2^53 - 1. */
const MAX_EXACT = BigInt(Number.MAX_SAFE_INTEGER);

/** A number beyond ±2^53 was already rounded by JavaScript: an error, not a silently different quantity. */
function isRoundedNumber(p: Problems, path: string, value: unknown): boolean {
  if (typeof value !== 'number' || !Number.isFinite(value) || Math.abs(value) <= Number.MAX_SAFE_INTEGER) return false;
  p.error(path, `${String(value)} is beyond 2^53: JavaScript has already rounded it; write the exact quantity as a string such as "8Ei"`);
  return true;
}

/**
 * Checks a memory or storage quantity: a valid Kubernetes quantity, greater than zero, a whole number
 * of bytes. Returns the parsed value.
 */
export function checkBytes(p: Problems, path: string, value: unknown, what = 'memory'): ParsedQuantity | undefined {
  if (isRoundedNumber(p, path, value)) return undefined;
  const q = parseQuantity(value);
  if (q === undefined) {
    p.error(path, `${show(value)} is not a Kubernetes ${what} quantity: use bytes with a suffix such as "512Mi", "4Gi" or "4G"`);
    return undefined;
  }
  if (q.numerator === 0n) {
    p.error(path, `must be greater than zero, got ${show(value)}`);
    return undefined;
  }
  if (q.numerator % q.denominator !== 0n) {
    p.error(path, `${show(value)} is not a whole number of bytes`);
    return undefined;
  }
  if (q.numerator / q.denominator > MAX_EXACT) {
    p.error(path, `${show(value)} is too large: at most ${MAX_EXACT} bytes (8Pi), the largest the chart values can hold exactly`);
    return undefined;
  }
  return q;
}
