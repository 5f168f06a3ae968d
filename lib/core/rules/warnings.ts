/**
 * Where warnings go. Adapters call {@link reportWarnings} for every construct; by default each
 * warning is printed to stderr (so `cdk8s synth` and `pulumi up` show it) and kept on the construct's
 * `warnings` list. Set `CAPI_CONSTRUCTS_WARNINGS=silent` or install your own handler, e.g. to fail a
 * pipeline on any warning.
 */
import { show, ValidationError, Warning } from './errors';

/** Receives the warnings of one construct or spec; see {@link setWarningHandler}. */
export type WarningHandler = (subject: string, warning: Warning) => void;

const stderrHandler: WarningHandler = (subject, w) => {
  if (process.env.CAPI_CONSTRUCTS_WARNINGS === 'silent') return;
  process.stderr.write(`[capi-constructs] warning: ${subject}: ${w.path}: ${w.message}\n`);
};

let handler: WarningHandler = stderrHandler;

/**
 * Replaces the warning handler; returns the previous one. The handler must be a function (a
 * ValidationError otherwise). Warnings are reported before anything is written or added: a handler
 * that throws fails `writeFleet` before the new output is published, and a construct before any of
 * its objects is added.
 */
export function setWarningHandler(h: WarningHandler): WarningHandler {
  if (typeof h !== 'function') {
    throw new ValidationError('setWarningHandler', [{ path: 'handler', message: `must be a function (subject, warning) => void, got ${show(h)}; to silence warnings set CAPI_CONSTRUCTS_WARNINGS=silent or pass () => {}` }]);
  }
  const prev = handler;
  handler = h;
  return prev;
}

export function reportWarnings(subject: string, warnings: readonly Warning[]): void {
  for (const w of warnings) handler(subject, w);
}
