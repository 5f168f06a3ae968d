/**
 * Errors of the fake API server, answered as real `metav1.Status` objects (kind Status, apiVersion v1,
 * status Failure), with the reasons, codes and message texts of kube-apiserver (k8s.io/apimachinery
 * pkg/api/errors).
 */

export type StatusReason =
  | 'BadRequest' | 'Unauthorized' | 'Forbidden' | 'NotFound' | 'AlreadyExists' | 'Conflict' | 'Invalid'
  | 'MethodNotAllowed' | 'UnsupportedMediaType' | 'RequestEntityTooLarge' | 'TooManyRequests'
  | 'InternalError' | 'ServiceUnavailable' | 'Timeout' | 'Gone' | 'NotAcceptable' | 'Unknown';

export interface StatusCause { readonly type?: string; readonly message?: string; readonly field?: string }

export interface StatusDetails {
  readonly name?: string;
  readonly group?: string;
  readonly kind?: string;
  readonly uid?: string;
  readonly causes?: StatusCause[];
  readonly retryAfterSeconds?: number;
}

/** A `metav1.Status` as the API server writes it. */
export interface KubeStatus {
  readonly kind: 'Status';
  readonly apiVersion: 'v1';
  readonly metadata: Record<string, never>;
  readonly status: 'Failure' | 'Success';
  readonly message?: string;
  readonly reason?: StatusReason;
  readonly details?: StatusDetails;
  readonly code: number;
}

/** Thrown by the fake's handlers; the router answers it as a Status with its code. */
export class KubeError extends Error {
  constructor(readonly code: number, readonly reason: StatusReason, message: string, readonly details?: StatusDetails) {
    super(message);
    this.name = 'KubeError';
  }

  toStatus(): KubeStatus {
    return {
      kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: this.message, reason: this.reason,
      ...(this.details ? { details: this.details } : {}), code: this.code,
    };
  }
}

/** Reason an HTTP code maps to when a test injects a fault without naming one (as NewGenericServerResponse). */
export function reasonForCode(code: number): StatusReason {
  const byCode: Record<number, StatusReason> = {
    400: 'BadRequest', 401: 'Unauthorized', 403: 'Forbidden', 404: 'NotFound', 405: 'MethodNotAllowed', 406: 'NotAcceptable',
    409: 'Conflict', 410: 'Gone', 413: 'RequestEntityTooLarge', 415: 'UnsupportedMediaType', 422: 'Invalid',
    429: 'TooManyRequests', 500: 'InternalError', 503: 'ServiceUnavailable', 504: 'Timeout',
  };
  return byCode[code] ?? 'Unknown';
}

/** `pods "web-0" not found`; the resource is `plural[.group]` as kube-apiserver writes it. */
export function groupResource(plural: string, group: string): string {
  return group ? `${plural}.${group}` : plural;
}

export const errors = {
  notFound: (plural: string, group: string, name: string) =>
    new KubeError(404, 'NotFound', `${groupResource(plural, group)} "${name}" not found`, { name, group, kind: plural }),
  alreadyExists: (plural: string, group: string, name: string) =>
    new KubeError(409, 'AlreadyExists', `${groupResource(plural, group)} "${name}" already exists`, { name, group, kind: plural }),
  conflict: (plural: string, group: string, name: string, why: string, causes?: StatusCause[]) =>
    new KubeError(409, 'Conflict', `Operation cannot be fulfilled on ${groupResource(plural, group)} "${name}": ${why}`,
      { name, group, kind: plural, ...(causes ? { causes } : {}) }),
  staleResourceVersion: (plural: string, group: string, name: string) =>
    errors.conflict(plural, group, name, 'the object has been modified; please apply your changes to the latest version and try again'),
  invalid: (kind: string, group: string, name: string, causes: { field: string; message: string }[]) =>
    new KubeError(422, 'Invalid', `${kind}${group ? '.' + group : ''} "${name}" is invalid: ${causes.map((c) => `${c.field}: ${c.message}`).join(', ')}`,
      { name, group, kind, causes: causes.map((c) => ({ type: 'FieldValueInvalid', message: c.message, field: c.field })) }),
  /** 422 without a kind (e.g. a failed JSON-patch `test`), as NewGenericServerResponse(422) writes it. */
  unprocessable: (message: string) => new KubeError(422, 'Invalid', message),
  badRequest: (message: string) => new KubeError(400, 'BadRequest', message),
  methodNotAllowed: (message: string) => new KubeError(405, 'MethodNotAllowed', message),
  unsupportedMediaType: (contentType: string, accepted: string[]) =>
    new KubeError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: ${accepted.join(', ')}`,
      { causes: [{ type: 'UnexpectedServerResponse', message: contentType }] }),
  tooLarge: (limit: number) => new KubeError(413, 'RequestEntityTooLarge', `Request entity too large: limit is ${limit}`),
  pathNotFound: () => new KubeError(404, 'NotFound', 'the server could not find the requested resource', {}),
  unauthorized: () => new KubeError(401, 'Unauthorized', 'Unauthorized'),
  forbidden: (message: string, plural: string, group: string, name?: string) =>
    new KubeError(403, 'Forbidden', message, { ...(name ? { name } : {}), group, kind: plural }),
  internal: (message: string) => new KubeError(500, 'InternalError', `Internal error occurred: ${message}`, { causes: [{ message }] }),
};
