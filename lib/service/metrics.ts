/**
 * The add-on API's Prometheus metrics, named and labelled as in the operations guide:
 * - `iaas_addon_api_duration_seconds{operation,status}`: latency of add-on requests (histogram);
 * - `iaas_addon_api_total{operation,status}`: add-on requests;
 * - `iaas_addon_api_errors_total{error_type}`: failed add-on requests by `error` type.
 * `operation` is install, status, list or uninstall; `status` the HTTP status code.
 */
import { Counter, Histogram, Registry } from 'prom-client';
import { ErrorType } from './errors';
import { Operation } from './permissions';

/** Name of the request duration histogram, labelled by operation and status. */
export const METRIC_DURATION = 'iaas_addon_api_duration_seconds';
/** Name of the request counter, labelled by operation and status. */
export const METRIC_TOTAL = 'iaas_addon_api_total';
/** Name of the error counter, labelled by error type. */
export const METRIC_ERRORS = 'iaas_addon_api_errors_total';

export class AddonApiMetrics {
  /** A registry of its own: two services in one process (tests) do not share counts. */
  private readonly registry = new Registry();
  private readonly duration = new Histogram({
    name: METRIC_DURATION,
    help: 'Latency of add-on API requests, by operation and HTTP status.',
    labelNames: ['operation', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });
  private readonly total = new Counter({
    name: METRIC_TOTAL,
    help: 'Add-on API requests, by operation and HTTP status.',
    labelNames: ['operation', 'status'] as const,
    registers: [this.registry],
  });
  private readonly errors = new Counter({
    // prom-client appends no suffix to counters: the name is exactly the guide's
    name: METRIC_ERRORS,
    help: 'Failed add-on API requests, by error type (validation-error, k8s-api-error, unauthenticated, forbidden, ...).',
    labelNames: ['error_type'] as const,
    registers: [this.registry],
  });

  /** Records one answered add-on request. */
  observe(operation: Operation, statusCode: number, seconds: number, errorType?: ErrorType): void {
    const labels = { operation, status: String(statusCode) };
    this.duration.observe(labels, seconds);
    this.total.inc(labels);
    if (errorType !== undefined) this.errors.inc({ error_type: errorType });
  }

  /** The text exposition format. */
  async text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
