/** Reading the errors `@kubernetes/client-node` throws (`ApiException`, whose body is the Status JSON text). */
import { ApiException, V1Status } from '@kubernetes/client-node';

/** HTTP status of a failed API call, or undefined for anything else (network errors, bugs). */
export function statusCode(e: unknown): number | undefined {
  return e instanceof ApiException ? e.code : undefined;
}

export function isNotFound(e: unknown): boolean {
  return statusCode(e) === 404;
}

export function isConflict(e: unknown): boolean {
  return statusCode(e) === 409;
}

/** The Kubernetes Status the server answered with, when it sent one. */
export function apiStatus(e: unknown): V1Status | undefined {
  if (!(e instanceof ApiException)) return undefined;
  const body: unknown = e.body;
  if (body && typeof body === 'object') return body as V1Status;
  if (typeof body !== 'string') return undefined;
  try {
    const parsed = JSON.parse(body);
    return parsed && typeof parsed === 'object' ? parsed as V1Status : undefined;
  } catch {
    return undefined;
  }
}

/**
 * One line for a failed API call: status code and the server's message. Unlike `ApiException.message`,
 * it never includes response headers.
 */
export function describeApiError(e: unknown): string {
  if (e instanceof ApiException) {
    const status = apiStatus(e);
    return `HTTP ${e.code}${status?.reason ? ` ${status.reason}` : ''}: ${status?.message ?? 'no message'}`;
  }
  return e instanceof Error ? e.message : String(e);
}
