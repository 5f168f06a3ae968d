/**
 * The HTTP side: reads bounded bodies, authenticates, applies injected faults and latency, routes
 * discovery and resource paths, records every request, and answers every error as a Status (a handler
 * bug answers 500; nothing a client sends can crash the test process).
 */
import { randomUUID } from 'crypto';
import * as http from 'http';
import type { AddressInfo } from 'net';
import { parse as parseYaml } from 'yaml';
import { evict, EvictionScript } from './eviction';
import { PATCH_TYPES, ResourceHandlers } from './handlers';
import { TypeRegistry } from './registry';
import type { ResourceRequest, UserInfo, Verb } from './request';
import { AuthorizationAttributes, Authorizer, decide, forbiddenMessage, review } from './reviews';
import { errors, KubeError, reasonForCode, StatusReason } from './status';
import type { ObjectStore } from './store';

/** One request as the fake received and answered it. */
export interface RecordedRequest {
  readonly method: string;
  /** URL path, without the query. */
  readonly path: string;
  readonly query: Record<string, string>;
  /** Media type of the body without parameters; '' when none was sent. */
  readonly contentType: string;
  /** Parsed body (JSON, or YAML for apply patches); the raw text if it did not parse; undefined if empty. */
  readonly body: unknown;
  /** HTTP status answered. */
  readonly status: number;
  /** For resource paths: verb and target. */
  readonly verb?: Verb;
  readonly group?: string;
  readonly version?: string;
  readonly resource?: string;
  readonly kind?: string;
  readonly namespace?: string;
  readonly name?: string;
  readonly subresource?: string;
  /** Username of the bearer token, when the token is known. */
  readonly user?: string;
  /** The `Audit-ID` header the client sent (kube-apiserver keeps it as the audit event's id), else undefined. */
  readonly auditId?: string;
  /** The answer body (a Status on errors). */
  readonly response?: unknown;
}

/** An injected failure: the next `times` requests matching method and path get this Status. */
export interface FaultSpec {
  /** HTTP method (any case); any when omitted. */
  readonly method?: string;
  /** Matched against the URL path (a string must equal it). Any when omitted. */
  readonly path?: RegExp | string;
  readonly status: number;
  readonly message?: string;
  /** @default the reason of the status code (500 InternalError, 503 ServiceUnavailable, 409 Conflict...) */
  readonly reason?: StatusReason;
  /** @default 1 */
  readonly times?: number;
}

export interface LatencySpec {
  readonly ms: number;
  readonly method?: string;
  readonly path?: RegExp | string;
}

export interface ServerConfig {
  readonly store: ObjectStore;
  readonly registry: TypeRegistry;
  readonly maxBodyBytes: number;
  readonly tokens: Map<string, UserInfo>;
  requireAuth: boolean;
  authorizeRequests: boolean;
  authorizer: Authorizer;
  readonly evictionScripts: EvictionScript[];
  readonly version: object;
}

interface Fault extends FaultSpec { remaining: number }

const matches = (spec: { method?: string; path?: RegExp | string }, method: string, path: string): boolean =>
  (!spec.method || spec.method.toUpperCase() === method)
  && (spec.path === undefined || (typeof spec.path === 'string' ? spec.path === path : (spec.path.lastIndex = 0, spec.path.test(path))));

export class FakeServer {
  readonly requests: RecordedRequest[] = [];
  private readonly faults: Fault[] = [];
  private readonly latencies: LatencySpec[] = [];
  private readonly handlers: ResourceHandlers;
  private server?: http.Server;

  constructor(private readonly cfg: ServerConfig) {
    this.handlers = new ResourceHandlers(cfg.store);
  }

  async listen(host = '127.0.0.1'): Promise<string> {
    const server = http.createServer((req, res) => {
      this.serve(req, res).catch((e) => {
        // Last resort: the response may be half written.
        try { if (!res.headersSent) send(res, 500, errors.internal(String(e?.message ?? e)).toStatus()); else res.destroy(); } catch { /* closed */ }
      });
    });
    server.on('clientError', (_e, socket) => { try { socket.end('HTTP/1.1 400 Bad Request\r\n\r\n'); } catch { /* closed */ } });
    server.keepAliveTimeout = 1000;
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, host, () => resolve());
    });
    const { port } = server.address() as AddressInfo;
    return `http://${host}:${port}`;
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }

  failNext(spec: FaultSpec): void {
    if (!Number.isInteger(spec.status) || spec.status < 100 || spec.status > 599) throw new Error(`kube-fake: failNext needs an HTTP status, got ${spec.status}`);
    this.faults.push({ ...spec, remaining: spec.times ?? 1 });
  }

  setLatency(spec: LatencySpec | undefined): void {
    if (spec === undefined) this.latencies.length = 0;
    else this.latencies.push(spec);
  }

  setAuthorizer(authorizer: Authorizer): void {
    this.cfg.authorizer = authorizer;
  }

  reset(): void {
    this.requests.length = 0;
    this.faults.length = 0;
    this.latencies.length = 0;
  }

  private async serve(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://kube-fake');
    const method = (req.method ?? 'GET').toUpperCase();
    const contentType = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
    const query = Object.fromEntries(url.searchParams.entries());
    const record: Record<string, any> = { method, path: url.pathname, query, contentType, body: undefined, status: 0 };
    const auditId = req.headers['audit-id'];
    if (typeof auditId === 'string' && auditId !== '') record.auditId = auditId;
    // kube-apiserver answers every request with its audit id: the client's, else one it made
    res.setHeader('Audit-Id', record.auditId ?? randomUUID());
    this.requests.push(record as RecordedRequest);
    const answer = (status: number, body: unknown) => {
      record.status = status;
      record.response = body;
      send(res, status, body);
    };
    try {
      const raw = await readBody(req, this.cfg.maxBodyBytes);
      const body = parseBody(raw, contentType);
      record.body = body.value;
      for (const l of this.latencies) if (matches(l, method, url.pathname)) await new Promise((r) => setTimeout(r, l.ms));
      const user = this.authenticate(req);
      if (user) record.user = user.username;
      if (this.cfg.requireAuth && !user) throw errors.unauthorized();
      const fault = this.faults.find((f) => f.remaining > 0 && matches(f, method, url.pathname));
      if (fault) {
        fault.remaining--;
        if (fault.remaining === 0) this.faults.splice(this.faults.indexOf(fault), 1);
        throw new KubeError(fault.status, fault.reason ?? reasonForCode(fault.status), fault.message ?? `kube-fake: injected ${fault.status}`);
      }
      const discovery = this.discovery(method, url.pathname);
      if (discovery !== undefined) return answer(200, discovery);
      if (body.error) throw body.error;
      const rr = this.resourceRequest(method, url, contentType, body.value, user, String(req.headers['user-agent'] ?? ''));
      Object.assign(record, {
        verb: rr.verb, group: rr.type.group, version: rr.version, resource: rr.type.plural, kind: rr.type.kind,
        namespace: rr.namespace, name: rr.name, subresource: rr.subresource,
      });
      if (this.cfg.authorizeRequests) this.authorize(rr, user);
      const reply = rr.subresource === 'eviction' && rr.type.kind === 'Pod' && rr.type.group === ''
        ? evict(this.cfg.store, rr, this.cfg.evictionScripts)
        : rr.type.verbs.length === 1 && rr.type.verbs[0] === 'create' && !rr.name
          ? review(rr, { tokens: this.cfg.tokens, authorizer: this.cfg.authorizer })
          : this.handlers.handle(rr);
      return answer(reply.status, reply.body);
    } catch (e) {
      const err = e instanceof KubeError ? e : errors.internal(String((e as Error)?.stack ?? e));
      return answer(err.code, err.toStatus());
    }
  }

  private authenticate(req: http.IncomingMessage): UserInfo | undefined {
    const h = req.headers.authorization;
    const m = typeof h === 'string' ? /^Bearer\s+(.+)$/i.exec(h.trim()) : null;
    return m ? this.cfg.tokens.get(m[1]) : undefined;
  }

  private authorize(rr: ResourceRequest, user: UserInfo | undefined): void {
    const u = user ?? { username: 'system:anonymous', groups: ['system:unauthenticated'] };
    const attrs: AuthorizationAttributes = {
      user: u.username, groups: u.groups ?? [], uid: u.uid, verb: rr.verb, group: rr.type.group, version: rr.version,
      resource: rr.type.plural, subresource: rr.subresource ?? '', namespace: rr.namespace ?? '', name: rr.name ?? '',
    };
    const d = decide(this.cfg.authorizer, attrs);
    if (!d.allowed) throw errors.forbidden(forbiddenMessage(attrs, d.reason), rr.type.plural, rr.type.group, rr.name);
  }

  private discovery(method: string, path: string): unknown {
    if (method !== 'GET') return undefined;
    const p = path.replace(/\/+$/, '') || '/';
    const reg = this.cfg.registry;
    if (p === '/version') return this.cfg.version;
    if (p === '/healthz' || p === '/readyz' || p === '/livez') return 'ok';
    if (p === '/api') return reg.apiVersions();
    if (p === '/apis') return reg.apiGroupList();
    if (p === '/api/v1') return reg.apiResourceList('', 'v1') ?? notFound();
    const m = /^\/apis\/([^/]+)(?:\/([^/]+))?$/.exec(p);
    if (m) return (m[2] ? reg.apiResourceList(m[1], m[2]) : reg.apiGroup(m[1])) ?? notFound();
    return undefined;
  }

  private resourceRequest(method: string, url: URL, contentType: string, body: unknown, user: UserInfo | undefined, userAgent: string): ResourceRequest {
    const segs = url.pathname.split('/').filter((s) => s !== '').map(safeDecode);
    let group: string;
    let version: string;
    let rest: string[];
    if (segs[0] === 'api' && segs.length >= 2) { group = ''; version = segs[1]; rest = segs.slice(2); }
    else if (segs[0] === 'apis' && segs.length >= 3) { group = segs[1]; version = segs[2]; rest = segs.slice(3); }
    else throw errors.pathNotFound();
    const reg = this.cfg.registry;
    let namespace: string | undefined;
    if (rest[0] === 'namespaces' && rest.length >= 3 && reg.byPlural(group, version, rest[2])?.namespaced) {
      namespace = rest[1];
      rest = rest.slice(2);
    }
    if (rest.length === 0 || rest.length > 3) throw errors.pathNotFound();
    const [plural, name, subresource] = rest;
    const type = reg.byPlural(group, version, plural);
    if (!type) throw errors.pathNotFound();
    if (!type.namespaced && namespace !== undefined) throw errors.pathNotFound();
    if (type.namespaced && namespace === undefined && name !== undefined) throw errors.pathNotFound();
    const verb = verbOf(method, name !== undefined, url.searchParams);
    if (!verb) throw errors.methodNotAllowed(`the server does not allow this method on the requested resource`);
    if (method === 'PATCH' && !Object.values(PATCH_TYPES).includes(contentType as any)) {
      throw errors.unsupportedMediaType(contentType, Object.values(PATCH_TYPES));
    }
    const dryRun = url.searchParams.getAll('dryRun');
    if (dryRun.some((d) => d !== 'All')) throw errors.badRequest(`dryRun: Unsupported value: ${JSON.stringify(dryRun.find((d) => d !== 'All'))}: supported values: "All"`);
    const manager = url.searchParams.get('fieldManager') ?? '';
    return {
      method, verb, type, version, namespace, name, subresource, query: url.searchParams, contentType, body, user,
      // kube-apiserver's default field manager: the User-Agent up to its first '/'.
      manager: manager || userAgent.split('/')[0].slice(0, 128) || 'unknown', dryRun: dryRun.length > 0,
    };
  }
}

function notFound(): never {
  throw errors.pathNotFound();
}

function verbOf(method: string, named: boolean, q: URLSearchParams): Verb | undefined {
  switch (method) {
    case 'GET': return named ? 'get' : q.get('watch') === 'true' || q.get('watch') === '1' ? 'watch' : 'list';
    case 'POST': return 'create';
    case 'PUT': return named ? 'update' : undefined;
    case 'PATCH': return named ? 'patch' : undefined;
    case 'DELETE': return named ? 'delete' : 'deletecollection';
    default: return undefined;
  }
}

function safeDecode(s: string): string {
  try { return decodeURIComponent(s); } catch { throw errors.badRequest(`malformed URL segment ${JSON.stringify(s)}`); }
}

function send(res: http.ServerResponse, status: number, body: unknown): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': typeof body === 'string' ? 'text/plain; charset=utf-8' : 'application/json',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-cache, private',
  });
  res.end(text);
}

/** Reads the body up to `limit` bytes; beyond it the request is answered 413 (the rest is drained). */
function readBody(req: http.IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) { over = true; chunks.length = 0; return; }
      chunks.push(c);
    });
    req.on('end', () => (over ? reject(errors.tooLarge(limit)) : resolve(Buffer.concat(chunks).toString('utf8'))));
    req.on('error', (e) => reject(errors.badRequest(`reading the request body failed: ${e.message}`)));
  });
}

/** JSON for JSON media types (and none), YAML for apply patches; a parse failure is kept as a 400 for resource paths. */
function parseBody(raw: string, contentType: string): { value: unknown; error?: KubeError } {
  if (raw.trim() === '') return { value: undefined };
  try {
    if (contentType === PATCH_TYPES.apply) return { value: parseYaml(raw) };
    return { value: JSON.parse(raw) };
  } catch (e) {
    const what = contentType === PATCH_TYPES.apply ? 'yaml' : 'json';
    return { value: raw, error: errors.badRequest(`the body of the request could not be decoded as ${what}: ${(e as Error).message}`) };
  }
}
