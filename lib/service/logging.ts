/**
 * Structured JSON logs (pino, through Fastify): one line per add-on operation with the request id (the
 * `X-Request-Id` header), cluster and add-on ids, operation and outcome. Credentials never reach a line:
 * the service logs no headers or bodies, and pino redacts every path that could hold one anyway.
 */
import { randomUUID } from 'crypto';

/** Request header that carries the request id in and out. */
export const REQUEST_ID_HEADER = 'x-request-id';

/** An incoming request id is kept when it is 1-128 printable ASCII characters without spaces; otherwise a UUID is made. */
const REQUEST_ID = /^[\x21-\x7e]{1,128}$/;

/** The request id of an incoming request (Node's `IncomingMessage`): its valid `X-Request-Id`, else a new UUID. */
export function requestIdOf(req: { readonly headers: Readonly<Record<string, string | readonly string[] | undefined>> }): string {
  const given = req.headers[REQUEST_ID_HEADER];
  return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
}

/** Log paths pino replaces by `[redacted]`: headers, tokens, kubeconfigs, secrets data. */
export const REDACTED_PATHS: readonly string[] = [
  'req.headers.authorization', 'req.headers.cookie', 'headers.authorization', 'headers.cookie', 'authorization',
  'token', '*.token', 'bearerToken', '*.bearerToken', 'kubeconfig', '*.kubeconfig', 'password', '*.password',
  'data', '*.data', 'spec.token', '*.spec.token', 'user.extra', '*.user.extra',
];
export const REDACTION_CENSOR = '[redacted]';

/**
 * Where the service writes its JSON log lines: anything with `write(line)`, e.g. a Node `Writable` such
 * as `process.stderr` or a file stream. One call per line.
 */
export interface LogStream {
  write(line: string): unknown;
}

/** Fastify `logger` options: JSON lines at `level` to `stream` (stdout by default), with redaction. */
export function loggerOptions(options: { readonly level?: string; readonly stream?: LogStream } = {}): Record<string, unknown> {
  return {
    level: options.level ?? 'info',
    stream: options.stream,
    redact: { paths: [...REDACTED_PATHS], censor: REDACTION_CENSOR },
    // The per-operation line carries what a request is; pino's request/response objects are not logged.
    serializers: { req: () => undefined, res: () => undefined },
  };
}

/** The per-operation log line's fields (besides pino's level, time, msg and `requestId`). */
export interface OperationLogFields {
  operation: string;
  /** `<namespace>/<cluster>` of the Cluster object. */
  clusterId?: string;
  /** Catalog add-on name (jupyterhub, kuberay). */
  addon?: string;
  /** The add-on instance id: its primary release name, `<addon>-<suffix>`. */
  addonId?: string;
  outcome: 'success' | 'failure';
  statusCode: number;
  durationMs: number;
  errorType?: string;
  error?: string;
  /** Authenticated user name (never its token). */
  user?: string;
}

/** The level of an operation's line: info for a success, warn for a 4xx answer, error for a 5xx. */
export function levelOf(statusCode: number): 'info' | 'warn' | 'error' {
  return statusCode >= 500 ? 'error' : statusCode >= 400 ? 'warn' : 'info';
}
