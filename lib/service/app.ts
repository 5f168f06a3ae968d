/**
 * The add-on API service (`capi-constructs serve`): Fastify routes over the library core, talking to
 * the management cluster through `@kubernetes/client-node` only.
 *
 * Per add-on request: drain check (503) → authentication (TokenReview, 401) → authorization
 * (SubjectAccessReviews on the Cluster's namespace, 403) → schema validation (400) → the operation.
 * Every answered add-on request is counted in the metrics and logged as one JSON line.
 */
import Fastify, { FastifyInstance, FastifyReply, FastifyRequest, LogController } from 'fastify';
import { Problems, ValidationError } from '../core/rules/errors';
import { CapiVersion } from '../core/output/api-versions';
import { AddonMode, addonNames, isAddonName } from '../core/addons';
import { authenticate, authorize, bearerToken, FailedAuthLimiter, ReviewCache } from './auth';
import { keyedSerializer, ServiceContext } from './context';
import { errorBody, ErrorType, fromFrameworkError, fromValidationError, ServiceError } from './errors';
import { installAddon } from './install';
import { k8sApiError, kubeClients } from './kube';
import { auditing, withAuditId } from '../ops/audit';
import { clientNodeConfig } from '../ops/cluster-access';
import { LeaseClient, processIdentity } from '../ops/lease';
import { checkKubeConfig } from '../ops/options';
import { KubeConfigLike } from '../ops/types';
import { Lifecycle } from './lifecycle';
import { levelOf, LogStream, loggerOptions, OperationLogFields, REQUEST_ID_HEADER, requestIdOf } from './logging';
import { AddonApiMetrics } from './metrics';
import { addonApiOpenApi } from './openapi';
import { Operation, requiredPermissions } from './permissions';
import { ROUTES } from './routes';
import { getAddonStatus, listAddons } from './status';
import { uninstallAddon } from './uninstall';

/** Options of {@link createAddonService}: the management cluster, timeouts, logging, HTTPS. */
export interface AddonServiceOptions {
  /** Credentials and address of the management cluster: a `KubeConfig` of `@kubernetes/client-node` (e.g. from `loadKubeConfig`). */
  readonly kubeConfig: KubeConfigLike;
  /**
   * Cluster API version the Cluster objects are read at.
   * @default 'v1beta2'
   */
  readonly capiVersion?: CapiVersion;
  /**
   * Where Flux runs, as in the operations guide: `'management'` (the add-on's HelmReleases, HelmRepository,
   * ClusterResourceSet and ConfigMap on the management cluster, in the Cluster's namespace, reaching the
   * workload cluster through `<cluster>-kubeconfig`) or `'tenant'` (Flux on the workload cluster: the
   * namespace `iaas-addon-<addon>-<suffix>` with the HelmRepository and HelmReleases in it, applied through
   * the cluster's `<cluster>-kubeconfig` Secret). The Leases stay on the management cluster in both modes.
   * @default 'management'
   */
  readonly mode?: AddonMode;
  /**
   * Apply each add-on's PrometheusRule: `'auto'` when the management cluster serves monitoring.coreos.com
   * (management mode; in tenant mode `'auto'` applies none).
   * @default 'auto'
   */
  readonly monitoring?: boolean | 'auto';
  /**
   * An uninstall not finished after this many seconds is reported Failed with the cleanup commands.
   * @default 1200 (20 minutes: above the 15m Helm timeout of the longest chart)
   */
  readonly uninstallTimeoutSeconds?: number;
  /** @default 2000 */
  readonly uninstallPollMs?: number;
  /** Interval between readiness probes of the management cluster until it answers. @default 2000 */
  readonly readinessPollMs?: number;
  /** Longest wait for requests in flight on shutdown. @default 30000 */
  readonly drainTimeoutMs?: number;
  /**
   * `spec.leaseDurationSeconds` of the Lease every install and uninstall holds (renewed every third of
   * it): how long a dead process keeps an installation locked.
   * @default 15
   */
  readonly leaseDurationSeconds?: number;
  /** How long a request waits for an operation of another process on the same add-on. @default 10000 */
  readonly leaseWaitMs?: number;
  /** Largest accepted request body in bytes. @default 65536 */
  readonly bodyLimit?: number;
  /** Audiences the bearer tokens must be issued for (TokenReview `spec.audiences`). @default the API server's */
  readonly tokenAudiences?: readonly string[];
  /**
   * How long an accepted token and an allowed permission are remembered (rejections never are).
   * @default 10
   */
  readonly authCacheSeconds?: number;
  /**
   * Failed authentications a client address may make (a token bucket): `burst` at once, refilled at
   * `perMinute`. Beyond it, tokens the service does not know are answered 429 without a TokenReview.
   * @default { burst: 10, perMinute: 10 }
   */
  readonly failedAuthentications?: { readonly burst?: number; readonly perMinute?: number };
  /** Interval between readiness probes once the management cluster has answered (`/readyz` follows the last one). @default 10000 */
  readonly readinessRecheckMs?: number;
  /** Log level and destination (stdout by default), e.g. `{ level: 'warn', stream: process.stderr }`. */
  readonly log?: { readonly level?: string; readonly stream?: LogStream };
  /** Serve HTTPS with this key and certificate (PEM text, or its bytes, e.g. a `Buffer` from `fs.readFileSync`). */
  readonly https?: { readonly key: string | Uint8Array; readonly cert: string | Uint8Array };
}

/** A running add-on API service (what `capi-constructs serve` starts). */
export interface AddonService {
  /** @internal the Fastify instance (routes, hooks), e.g. for `inject()` in tests */
  readonly app: FastifyInstance;
  /** @internal the clients, caches and queues of the operations */
  readonly context: ServiceContext;
  /** @internal the three metric families */
  readonly metrics: AddonApiMetrics;
  /** @internal readiness and draining */
  readonly lifecycle: Lifecycle;
  /** Starts listening and probing the management cluster; resolves to the address. */
  listen(port: number, host?: string): Promise<string>;
  /** Graceful shutdown: new requests 503, requests in flight finish, background cleanups stop, listener closes. */
  shutdown(): Promise<void>;
}

/** What one add-on request did, for its metrics and its log line. */
interface OperationState {
  operation: Operation;
  clusterId?: string;
  addon?: string;
  addonId?: string;
  user?: string;
  errorType?: ErrorType;
  error?: string;
}

/** The ServiceError for anything a request can throw. */
function toServiceError(e: unknown): ServiceError {
  if (e instanceof ServiceError) return e;
  if (e instanceof ValidationError) return fromValidationError(e);
  if (e && typeof e === 'object' && ('validation' in e || 'code' in e || 'statusCode' in e)) return fromFrameworkError(e as never);
  return new ServiceError(500, 'internal-error', 'internal error');
}

/** Creates the add-on API service over a management cluster (not yet listening). */
export function createAddonService(options: AddonServiceOptions): AddonService {
  const p = new Problems('createAddonService');
  checkKubeConfig(p, 'kubeConfig', (options as Partial<AddonServiceOptions> | undefined)?.kubeConfig);
  p.throwIfErrors();
  // every Kubernetes call of a request carries its id as Audit-ID (see handlers below)
  const kubeConfig = auditing(clientNodeConfig(options.kubeConfig));
  const clients = kubeClients(kubeConfig);
  const metrics = new AddonApiMetrics();
  const lifecycle = new Lifecycle();
  const context: ServiceContext = {
    clients,
    capiVersion: options.capiVersion ?? 'v1beta2',
    mode: options.mode ?? 'management',
    monitoring: options.monitoring === true,
    uninstallTimeoutSeconds: options.uninstallTimeoutSeconds ?? 1200,
    uninstallPollMs: options.uninstallPollMs ?? 2000,
    tokenAudiences: options.tokenAudiences,
    uninstalls: new Map(),
    serialize: keyedSerializer(),
    leases: new LeaseClient(kubeConfig),
    // one holder identity per service instance: two instances in one process are two holders
    leaseOptions: { identity: processIdentity(), durationSeconds: options.leaseDurationSeconds ?? 15, waitMs: options.leaseWaitMs ?? 10000 },
  };
  const states = new WeakMap<FastifyRequest, OperationState>();
  const reviews = new ReviewCache((options.authCacheSeconds ?? 10) * 1000);
  const failedAuth = new FailedAuthLimiter(options.failedAuthentications?.burst ?? 10, options.failedAuthentications?.perMinute ?? 10);
  // the background part of an uninstall gets its own line (the DELETE's line was written at its 202)
  context.onUninstallEnd = (key, error) => {
    const [namespace, cluster, addon] = key.split('/');
    const fields = { operation: 'uninstall', clusterId: `${namespace}/${cluster}`, addon, addonId: isAddonName(addon) ? addonNames({ name: cluster, namespace }, addon).release : undefined };
    if (error === undefined) app.log.info({ ...fields, outcome: 'success', phase: 'cleanup' }, 'uninstall completed');
    else app.log.error({ ...fields, outcome: 'failure', phase: 'cleanup', error }, 'uninstall failed');
  };

  const app = Fastify({
    logger: loggerOptions(options.log),
    // the operation line (onResponse below) replaces Fastify's "incoming request" / "request completed" pair
    logController: new LogController({ disableRequestLogging: true, requestIdLogLabel: 'requestId' }),
    genReqId: requestIdOf,
    bodyLimit: options.bodyLimit ?? 64 * 1024,
    onProtoPoisoning: 'error',
    onConstructorPoisoning: 'error',
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    // Unknown fields are errors (not silently dropped), types are not coerced, every problem is reported.
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, useDefaults: false, allErrors: true } },
    // Node's TLS reads PEM from a string or any Uint8Array (a Buffer is one)
    ...(options.https ? { https: { key: options.https.key, cert: options.https.cert } } : {}),
  } as never) as unknown as FastifyInstance;
  // JSON only: Fastify's text/plain parser would hand handlers a string.
  app.removeContentTypeParser('text/plain');
  // A DELETE has no body; clients that send `Content-Type: application/json` on every request are accepted.
  const json = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => (
    body === '' && request.method === 'DELETE' ? done(null, undefined) : json(request, body as string, done)));

  app.addHook('onRequest', async (request, reply) => {
    reply.header(REQUEST_ID_HEADER, request.id);
    reply.raw.once('close', lifecycle.begin());
    const operation = (request.routeOptions.config as { operation?: Operation }).operation;
    if (operation) {
      const params = request.params as { namespace?: string; cluster?: string; addon?: string };
      const state: OperationState = { operation, clusterId: params.cluster && `${params.namespace}/${params.cluster}` };
      const addon = params.addon ?? undefined;
      if (addon !== undefined) setAddon(state, params, addon);
      states.set(request, state);
    }
    if (lifecycle.draining) {
      reply.header('connection', 'close');
      throw new ServiceError(503, 'unavailable', 'the service is shutting down: retry on another instance');
    }
  });

  function setAddon(state: OperationState, params: { namespace?: string; cluster?: string }, addon: unknown): void {
    if (typeof addon !== 'string') return;
    state.addon = addon;
    if (isAddonName(addon) && params.namespace && params.cluster) state.addonId = addonNames({ name: params.cluster, namespace: params.namespace }, addon).release;
  }

  /** The add-on an install's body names (any string: an unknown one is named as given), for the log line. */
  function nameAddonOfBody(request: FastifyRequest): void {
    const state = states.get(request);
    const body = request.body as { addon?: unknown } | undefined;
    if (state && state.addon === undefined && body !== null && typeof body === 'object' && typeof body.addon === 'string') {
      setAddon(state, request.params as { namespace?: string; cluster?: string }, body.addon.slice(0, 100));
    }
  }

  /** Authentication and authorization of an add-on operation (route-level preValidation: after the body is parsed, before its schema is checked). */
  async function guard(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const state = states.get(request)!;
    if (!lifecycle.ready) throw new ServiceError(503, 'unavailable', 'the management cluster does not answer: retry shortly');
    const token = bearerToken(request.headers.authorization);
    let user = reviews.user(token);
    const inFlight = user === undefined ? reviews.pendingUser(token) : undefined;
    if (inFlight) {
      // the same token's TokenReview is already running for another request: share its answer (one
      // review, one try of the failed-authentication bucket, however many requests carry the token)
      user = await inFlight;
    } else if (user === undefined) {
      // a client that failed too often gets no TokenReview for a token the service does not already know
      const wait = failedAuth.take(request.ip);
      if (wait > 0) {
        void reply.header('retry-after', String(wait));
        throw new ServiceError(429, 'rate-limited', `too many failed authentications from this client: retry in ${wait}s`);
      }
      try {
        user = await reviews.trackPending(token, authenticate(clients, token, context.tokenAudiences, reviews));
      } catch (e) {
        // a failed TokenReview call (502) is not the client's failure
        if (!(e instanceof ServiceError && e.statusCode === 401)) failedAuth.refund(request.ip);
        throw e;
      }
      failedAuth.refund(request.ip);
    }
    state.user = user.username;
    const params = request.params as { namespace: string; cluster: string };
    await authorize(clients, user, params.namespace, requiredPermissions(state.operation, params.cluster, context.monitoring, context.mode), reviews);
  }

  app.setErrorHandler((err, request, reply) => {
    const se = toServiceError(err);
    const state = states.get(request);
    if (state) { state.errorType = se.errorType; state.error = se.message; }
    if (se.errorType === 'internal-error') {
      if (state) nameAddonOfBody(request);
      request.log.error({ addon: state?.addon, addonId: state?.addonId, errorName: (err as Error)?.name, errorMessage: String((err as Error)?.message).slice(0, 300) }, 'internal error');
    }
    if (se.statusCode === 401) reply.header('www-authenticate', 'Bearer');
    void reply.code(se.statusCode).send(errorBody(se));
  });
  app.setNotFoundHandler((request, reply) => {
    void reply.code(404).send(errorBody(new ServiceError(404, 'not-found', `no route ${request.method} ${request.url.split('?')[0].slice(0, 200)}`)));
  });

  app.addHook('onResponse', async (request, reply) => {
    const state = states.get(request);
    if (!state) return;
    nameAddonOfBody(request);
    const seconds = reply.elapsedTime / 1000;
    const failed = reply.statusCode >= 400;
    metrics.observe(state.operation, reply.statusCode, seconds, failed ? (state.errorType ?? 'internal-error') : undefined);
    const line: OperationLogFields = {
      operation: state.operation,
      clusterId: state.clusterId,
      addon: state.addon,
      addonId: state.addonId,
      outcome: failed ? 'failure' : 'success',
      statusCode: reply.statusCode,
      durationMs: Math.round(reply.elapsedTime * 1000) / 1000,
      errorType: failed ? state.errorType : undefined,
      error: failed ? state.error : undefined,
      user: state.user,
    };
    const msg = `${state.operation} ${failed ? 'failed' : 'succeeded'}`;
    request.log[levelOf(reply.statusCode)](line, msg);
  });

  type Params = { namespace: string; cluster: string; addon: string };
  let openApiDocument: Record<string, unknown> | undefined;
  const handlers: Record<string, (request: FastifyRequest, reply: FastifyReply) => Promise<unknown>> = {
    install: async (request, reply) => {
      const p = request.params as Params;
      const body = request.body as { addon: string; parameters?: unknown };
      const state = states.get(request)!;
      setAddon(state, p, body.addon);
      const answer = await installAddon(context, { namespace: p.namespace, cluster: p.cluster, addon: body.addon, parameters: body.parameters });
      return reply.code(202).send(answer);
    },
    list: async (request) => {
      const p = request.params as Params;
      return listAddons(context, p.namespace, p.cluster);
    },
    status: async (request) => {
      const p = request.params as Params;
      return getAddonStatus(context, p.namespace, p.cluster, p.addon);
    },
    uninstall: async (request, reply) => {
      const p = request.params as Params;
      return reply.code(202).send(await uninstallAddon(context, p.namespace, p.cluster, p.addon));
    },
    '/healthz': async () => ({ status: 'ok' }),
    '/readyz': async (_request, reply) => (lifecycle.ready
      ? { status: 'ready' }
      : reply.code(503).send(errorBody(new ServiceError(503, 'unavailable', 'not ready: the management cluster does not answer')))),
    '/metrics': async (_request, reply) => reply.type(metrics.contentType).send(await metrics.text()),
    '/openapi.json': async (_request, reply) => reply.type('application/json').send(JSON.stringify(openApiDocument ??= addonApiOpenApi())),
  };

  for (const route of ROUTES) {
    app.route({
      method: route.method,
      url: route.url,
      schema: route.produces ? undefined : route.schema,
      config: { operation: route.operation },
      // after the body is parsed (bounded by bodyLimit), before schema validation: the operation's log line
      // names the add-on an install's body names, also when the request is refused 401 or 403
      preValidation: route.operation ? [async (request, reply) => { nameAddonOfBody(request); await withAuditId(request.id, () => guard(request, reply)); }] : undefined,
      handler: async (request, reply) => withAuditId(request.id, () => handlers[route.operation ?? route.url](request, reply)),
    });
  }

  const probe = async () => {
    const groups = await clients.apis.getAPIVersions();
    if (context.mode === 'management' && (options.monitoring === undefined || options.monitoring === 'auto')) {
      context.monitoring = (groups.groups ?? []).some((g) => g.name === 'monitoring.coreos.com');
    }
  };

  return {
    app,
    context,
    metrics,
    lifecycle,
    async listen(port, host = '0.0.0.0') {
      const address = await app.listen({ port, host });
      const server = options.kubeConfig.getCurrentCluster()?.server;
      lifecycle.startReadinessProbe(probe, options.readinessPollMs ?? 2000, options.readinessRecheckMs ?? 10000, (e, wasReady) => {
        // said once per outage, not at every probe
        const error = k8sApiError('probing the management cluster', e).message;
        if (wasReady) app.log.error({ error, server }, 'the management cluster stopped answering: not ready until it answers again');
        else app.log.warn({ error, server }, `waiting for the management cluster${server ? ` at ${server}` : ''} to answer`);
      }, () => app.log.info({ server }, 'the management cluster answers: ready'));
      return address;
    },
    async shutdown() {
      await lifecycle.drain(options.drainTimeoutMs ?? 30000);
      for (const u of context.uninstalls.values()) u.cancel?.();
      await Promise.all([...context.uninstalls.values()].map((u) => u.done));
      await app.close();
    },
  };
}
