/**
 * The error answers of the add-on API: one class, one `error` type per cause. The `error` type is also
 * the `error_type` label of `iaas_addon_api_errors_total`.
 */
import { Issue, ValidationError } from '../core/rules/errors';

/** Every `error` value the API answers with (and counts). */
export type ErrorType =
  | 'validation-error' | 'bad-request' | 'unsupported-media-type' | 'payload-too-large'
  | 'unauthenticated' | 'forbidden' | 'not-found' | 'conflict' | 'rate-limited' | 'k8s-api-error' | 'unavailable' | 'internal-error';

/** An error answer: HTTP status, `error` type, message and (for validation errors) the issues. */
export class ServiceError extends Error {
  constructor(
    public readonly statusCode: number,
    public readonly errorType: ErrorType,
    message: string,
    public readonly issues?: readonly Issue[],
  ) {
    super(message);
    this.name = 'ServiceError';
    Object.setPrototypeOf(this, ServiceError.prototype);
  }
}

/** The JSON body of an error answer. */
export interface ErrorBody {
  error: ErrorType;
  message: string;
  issues?: readonly Issue[];
}

export function errorBody(e: ServiceError): ErrorBody {
  return e.issues ? { error: e.errorType, message: e.message, issues: e.issues } : { error: e.errorType, message: e.message };
}

/** A core ValidationError as a 400 answer (same issues, same paths). */
export function fromValidationError(e: ValidationError): ServiceError {
  return new ServiceError(400, 'validation-error', `${e.subject}: ${e.issues.length} invalid field${e.issues.length === 1 ? '' : 's'}`, e.issues);
}

/** Fastify's own request errors (body parser, schema validation, limits) as answers with our `error` types. */
export function fromFrameworkError(e: { statusCode?: number; code?: string; message?: string; validation?: readonly { instancePath?: string; message?: string; params?: Record<string, unknown>; keyword?: string }[]; validationContext?: string }): ServiceError {
  if (e.validation) {
    const where = e.validationContext ?? 'body';
    const issues = e.validation.map((v) => {
      const base = [where, ...(v.instancePath ?? '').split('/').filter(Boolean)].join('.');
      const extra = v.keyword === 'additionalProperties' ? String(v.params?.additionalProperty)
        : v.keyword === 'required' ? String(v.params?.missingProperty) : undefined;
      const path = extra ? `${base}.${extra}` : base;
      const message = v.keyword === 'additionalProperties' ? `${JSON.stringify(extra)} is not a known field`
        : v.keyword === 'required' ? 'is required' : `${v.message ?? 'is invalid'}`;
      return { path, message };
    });
    return new ServiceError(400, 'validation-error', `the request ${where} is invalid`, issues);
  }
  switch (e.code) {
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new ServiceError(415, 'unsupported-media-type', 'the request body must be JSON (Content-Type: application/json)');
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new ServiceError(413, 'payload-too-large', 'the request body is larger than the service accepts');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new ServiceError(400, 'bad-request', 'the request body is empty but Content-Type is application/json');
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new ServiceError(400, 'bad-request', `the request body is not valid JSON: ${e.message ?? ''}`.trim());
    default:
      if (e.statusCode !== undefined && e.statusCode >= 400 && e.statusCode < 500) {
        return new ServiceError(e.statusCode, 'bad-request', e.message ?? 'bad request');
      }
      return new ServiceError(500, 'internal-error', 'internal error');
  }
}
