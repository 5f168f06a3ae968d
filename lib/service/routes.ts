/**
 * The routes of the add-on API as data: method, path, operation, schemas. The service registers them
 * (app.ts) and the OpenAPI description is built from them (openapi.ts), so both say the same.
 */
import { Operation } from './permissions';
import {
  addonParams, clusterParams, errorAnswer, healthAnswer, installAnswer, installBody, listAnswer, statusAnswer, uninstallAnswer,
} from './schemas';

/** One route of the add-on API: method, path, operation and schemas. */
export interface RouteDefinition {
  readonly method: 'GET' | 'POST' | 'DELETE';
  /** Fastify path (`:param`). */
  readonly url: string;
  /** The add-on operation (metrics label, log field, authorization); undefined for health and metrics. */
  readonly operation?: Operation;
  readonly summary: string;
  readonly description: string;
  readonly schema: {
    readonly params?: object;
    readonly body?: object;
    readonly response: Readonly<Record<number, object>>;
  };
  /** Non-JSON answer (the metrics text). */
  readonly produces?: string;
}

const ADDONS = '/v1/namespaces/:namespace/clusters/:cluster/addons';

/** Error answers every add-on operation may give. */
const COMMON_ERRORS = { 400: errorAnswer, 401: errorAnswer, 403: errorAnswer, 404: errorAnswer, 429: errorAnswer, 502: errorAnswer, 503: errorAnswer };

/** The add-on API's routes with their schemas (the source of its OpenAPI description). */
export const ROUTES: readonly RouteDefinition[] = [
  {
    method: 'POST',
    url: ADDONS,
    operation: 'install',
    summary: 'Install an add-on on a cluster',
    description: 'Reads the Cluster and its control plane, checks the Kubernetes version against the add-on\'s constraint, renders the '
      + 'add-on with the library core and server-side applies it, holding the installation\'s Lease. The same parameters again answer 202 (unchanged: true when '
      + 'nothing was missing) and repair a partial installation. A failure half-way answers 502 naming the step; the status then names the missing objects.',
    schema: { params: clusterParams, body: installBody, response: { 202: installAnswer, ...COMMON_ERRORS, 409: errorAnswer, 413: errorAnswer, 415: errorAnswer } },
  },
  {
    method: 'GET',
    url: ADDONS,
    operation: 'list',
    summary: 'List the installed add-ons of a cluster',
    description: 'The status of every catalog add-on installed on the cluster.',
    schema: { params: clusterParams, response: { 200: listAnswer, ...COMMON_ERRORS } },
  },
  {
    method: 'GET',
    url: `${ADDONS}/:addon`,
    operation: 'status',
    summary: 'Status of an add-on',
    description: 'Installing, Ready, Failed (with the reason) or Uninstalling, from every object of the installation, the operation recorded on it and the '
      + 'HelmRelease conditions, plus chart version and last transition time. A partial installation is Failed, naming the missing objects. '
      + 'An uninstall stuck past the timeout is Failed with the manual cleanup commands.',
    schema: { params: addonParams, response: { 200: statusAnswer, ...COMMON_ERRORS } },
  },
  {
    method: 'DELETE',
    url: `${ADDONS}/:addon`,
    operation: 'uninstall',
    summary: 'Uninstall an add-on',
    description: 'Records the uninstall on the HelmRepository, deletes the ClusterResourceSet, ConfigMap, PrometheusRule and HelmRelease(s), and once '
      + 'the HelmReleases are gone the add-on namespace on the workload cluster, then the HelmRepository. Answers 202; the status shows the progress, '
      + 'on every replica. A repeated DELETE resumes an uninstall whose process ended, or retries one that failed.',
    schema: { params: addonParams, response: { 202: uninstallAnswer, ...COMMON_ERRORS, 409: errorAnswer } },
  },
  {
    method: 'GET',
    url: '/healthz',
    summary: 'Liveness',
    description: '200 while the process serves requests.',
    schema: { response: { 200: healthAnswer, 503: errorAnswer } },
  },
  {
    method: 'GET',
    url: '/readyz',
    summary: 'Readiness',
    description: '200 while the management cluster answers (probed again every few seconds); 503 while it does not, and while shutting down.',
    schema: { response: { 200: healthAnswer, 503: errorAnswer } },
  },
  {
    method: 'GET',
    url: '/metrics',
    summary: 'Prometheus metrics',
    description: 'iaas_addon_api_duration_seconds{operation,status}, iaas_addon_api_total{operation,status}, iaas_addon_api_errors_total{error_type}.',
    schema: { response: { 200: { type: 'string' } } },
    produces: 'text/plain; version=0.0.4; charset=utf-8',
  },
  {
    method: 'GET',
    url: '/openapi.json',
    summary: 'This OpenAPI description',
    description: 'The OpenAPI 3.1 description of the add-on API, with the parameters of each add-on.',
    schema: { response: { 200: { type: 'object' } } },
    produces: 'application/json',
  },
];
