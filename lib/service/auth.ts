/**
 * Authentication and authorization of every add-on request through the management cluster itself:
 * the bearer token is verified with a TokenReview, and each operation is authorized with
 * SubjectAccessReviews on the Cluster's namespace for every resource the operation touches, so the API
 * never does more than the caller could do with its own Kubernetes rights.
 */
import { createHash } from 'crypto';
import { V1ResourceAttributes, V1UserInfo } from '@kubernetes/client-node';
import { ServiceError } from './errors';
import { k8sApiError, KubeClients } from './kube';
import { Permission, showPermission } from './permissions';

/** The bearer token of an Authorization header, or a 401. */
export function bearerToken(header: unknown): string {
  if (typeof header !== 'string' || header === '') throw new ServiceError(401, 'unauthenticated', 'authentication required: send "Authorization: Bearer <token>" with a token the management cluster accepts');
  const m = /^Bearer +([^\s]+)\s*$/i.exec(header);
  if (!m) throw new ServiceError(401, 'unauthenticated', 'the Authorization header must be "Bearer <token>"');
  return m[1];
}

/**
 * Positive review results, remembered for a few seconds (kube-apiserver's webhook authenticator and
 * authorizer cache theirs for 2 and 5 minutes). A rejected token or a denied permission is never
 * remembered, so a new grant works at once; a revocation takes effect within the TTL. Tokens are kept
 * only as SHA-256 digests.
 */
export class ReviewCache {
  private readonly users = new Map<string, { user: V1UserInfo; until: number }>();
  private readonly allowed = new Map<string, number>();
  /** TokenReviews in flight, by token digest: concurrent requests with one new token share one review. */
  private readonly pending = new Map<string, Promise<V1UserInfo>>();

  /** @param ttlMs 0 disables the cache */
  constructor(private readonly ttlMs: number, private readonly maxEntries = 10000) {}

  static tokenKey(token: string): string {
    return createHash('sha256').update(token).digest('hex');
  }

  user(token: string): V1UserInfo | undefined {
    const hit = this.users.get(ReviewCache.tokenKey(token));
    return hit && hit.until > Date.now() ? hit.user : undefined;
  }

  rememberUser(token: string, user: V1UserInfo): void {
    if (this.ttlMs <= 0) return;
    if (this.users.size >= this.maxEntries) this.users.clear();
    this.users.set(ReviewCache.tokenKey(token), { user, until: Date.now() + this.ttlMs });
  }

  /** The TokenReview of `token` that is in flight, if any. */
  pendingUser(token: string): Promise<V1UserInfo> | undefined {
    return this.pending.get(ReviewCache.tokenKey(token));
  }

  /** Records `review` as the one in flight for `token` until it settles; returns it. */
  trackPending(token: string, review: Promise<V1UserInfo>): Promise<V1UserInfo> {
    const key = ReviewCache.tokenKey(token);
    this.pending.set(key, review);
    const done = () => { if (this.pending.get(key) === review) this.pending.delete(key); };
    review.then(done, done);
    return review;
  }

  isAllowed(key: string): boolean {
    return (this.allowed.get(key) ?? 0) > Date.now();
  }

  rememberAllowed(key: string): void {
    if (this.ttlMs <= 0) return;
    if (this.allowed.size >= this.maxEntries) this.allowed.clear();
    this.allowed.set(key, Date.now() + this.ttlMs);
  }
}

/** Verifies a token with a TokenReview (or the cache); the authenticated user, or a 401. */
export async function authenticate(clients: KubeClients, token: string, audiences?: readonly string[], cache?: ReviewCache): Promise<V1UserInfo> {
  const known = cache?.user(token);
  if (known) return known;
  let review;
  try {
    review = await clients.authn.createTokenReview({
      body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: { token, audiences: audiences ? [...audiences] : undefined } },
    });
  } catch (e) {
    throw k8sApiError('reviewing the bearer token (TokenReview)', e);
  }
  if (review.status?.authenticated !== true || !review.status.user?.username) {
    throw new ServiceError(401, 'unauthenticated', 'the bearer token was not accepted by the management cluster');
  }
  cache?.rememberUser(token, review.status.user);
  return review.status.user;
}

/** Checks every permission with a SubjectAccessReview for the user; a 403 naming each one denied. */
export async function authorize(clients: KubeClients, user: V1UserInfo, namespace: string, permissions: readonly Permission[], cache?: ReviewCache): Promise<void> {
  const results = await Promise.all(permissions.map(async (p) => {
    const resourceAttributes: V1ResourceAttributes = { namespace, verb: p.verb, group: p.group, resource: p.resource, name: p.name };
    const key = JSON.stringify([user.username, user.uid, user.groups, user.extra, resourceAttributes]);
    if (cache?.isAllowed(key)) return true;
    try {
      const review = await clients.authz.createSubjectAccessReview({
        body: {
          apiVersion: 'authorization.k8s.io/v1',
          kind: 'SubjectAccessReview',
          spec: { user: user.username, uid: user.uid, groups: user.groups, extra: user.extra, resourceAttributes },
        },
      });
      const allowed = review.status?.allowed === true && review.status.denied !== true;
      if (allowed) cache?.rememberAllowed(key);
      return allowed;
    } catch (e) {
      throw k8sApiError('authorizing the request (SubjectAccessReview)', e);
    }
  }));
  const denied = permissions.filter((_p, i) => !results[i]);
  if (denied.length > 0) {
    throw new ServiceError(403, 'forbidden', `user "${user.username}" may not ${denied.map(showPermission).join(', ')} in namespace "${namespace}"`);
  }
}

/**
 * Failed authentications per client address: a token bucket of `burst` failures refilled at `perMinute`.
 * While a client's bucket is empty, a token the service does not already know is answered 429 without a
 * TokenReview, so a burst of bad tokens cannot turn into as many TokenReviews on the management cluster.
 */
export class FailedAuthLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(private readonly burst = 10, private readonly perMinute = 10, private readonly maxClients = 10000) {}

  private bucket(client: string, now: number) {
    const b = this.buckets.get(client);
    if (!b) return { tokens: this.burst, at: now };
    return { tokens: Math.min(this.burst, b.tokens + ((now - b.at) / 60000) * this.perMinute), at: now };
  }

  /**
   * Takes one try for an unknown token from the client's bucket before its TokenReview (so concurrent
   * requests cannot all pass); 0 when taken, else the seconds until one is available again.
   */
  take(client: string, now = Date.now()): number {
    const b = this.bucket(client, now);
    if (b.tokens < 1) return Math.ceil(((1 - b.tokens) / this.perMinute) * 60);
    if (!this.buckets.has(client) && this.buckets.size >= this.maxClients) this.buckets.clear();
    this.buckets.set(client, { tokens: b.tokens - 1, at: now });
    return 0;
  }

  /** Gives back the try of a token that was accepted: only failures count. */
  refund(client: string, now = Date.now()): void {
    const b = this.buckets.get(client);
    if (b) this.buckets.set(client, { tokens: Math.min(this.burst, this.bucket(client, now).tokens + 1), at: now });
  }
}
