import type { ValidationError } from '../../lib';

/** Runs `fn` and returns the ValidationError it throws; fails the test if it throws anything else or nothing. */
export function validationError(fn: () => unknown): ValidationError {
  try {
    fn();
  } catch (e: any) {
    if (e?.name !== 'ValidationError') throw new Error(`expected ValidationError, got ${e?.name}: ${e?.message}\n${String(e?.stack).split("\n").slice(1, 12).join("\n")}`);
    return e;
  }
  throw new Error('expected a ValidationError, but nothing was thrown');
}
