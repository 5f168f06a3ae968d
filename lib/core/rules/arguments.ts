/**
 * Whole-argument checks of the exported functions that take no props object (names, CIDR blocks,
 * manifests, templates): a wrong argument is a {@link ValidationError} naming the argument, the value
 * and what it must be, every wrong argument of the call at once, never a TypeError from inside.
 */
import { Problems } from './errors';
import { describeValue } from './validation';

/** One argument: its name, its value, whether it is acceptable, and what it must be. */
export type ArgumentCheck = readonly [name: string, value: unknown, ok: boolean, expected: string];

/** Throws a ValidationError for `subject` (e.g. `controlPlaneName`) listing every argument that is not ok. */
export function checkArguments(subject: string, checks: readonly ArgumentCheck[]): void {
  if (checks.every((c) => c[2])) return;
  const p = new Problems(subject);
  for (const [name, value, ok, expected] of checks) if (!ok) p.error(name, `must be ${expected}, got ${describeValue(value)}`);
  p.throwIfErrors();
}

/** At most this many characters in a string argument of a naming or parsing helper (a name or a CIDR block). */
export const MAX_NAME_ARGUMENT = 1024;

/** A string of at most {@link MAX_NAME_ARGUMENT} characters. */
export function isNameArgument(v: unknown): v is string {
  return typeof v === 'string' && v.length <= MAX_NAME_ARGUMENT;
}
