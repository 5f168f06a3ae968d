/**
 * authentication.k8s.io/v1 TokenReview, authorization.k8s.io/v1 SubjectAccessReview and
 * SelfSubjectAccessReview (create only), answered by the fake's policy: a token -> user map and an
 * authorizer function. The same policy can guard every request to the fake (see startKubeFake's
 * `requireAuth` and `authorizeRequests`).
 */
import { isObject } from './patch';
import type { Reply, ResourceRequest, UserInfo } from './request';
import { errors } from './status';

/** The attributes an authorizer decides on, as SubjectAccessReview carries them. */
export interface AuthorizationAttributes {
  readonly user: string;
  readonly groups: readonly string[];
  readonly uid?: string;
  /** Resource request: verb, API group ('' for core), resource (plural), subresource, namespace ('' for cluster scope), name. */
  readonly verb: string;
  readonly group?: string;
  readonly version?: string;
  readonly resource?: string;
  readonly subresource?: string;
  readonly namespace?: string;
  readonly name?: string;
  /** Non-resource request (`/healthz`): the path. */
  readonly path?: string;
}

export interface AuthorizationDecision {
  readonly allowed: boolean;
  /** An explicit deny (no other authorizer may allow). */
  readonly denied?: boolean;
  readonly reason?: string;
}

export type Authorizer = (attributes: AuthorizationAttributes) => boolean | AuthorizationDecision;

/** Default authorizer: members of system:masters may do anything, everyone else nothing (RBAC with no bindings). */
export const defaultAuthorizer: Authorizer = (a) =>
  a.groups.includes('system:masters') ? { allowed: true, reason: '' } : { allowed: false, reason: '' };

export function decide(authorizer: Authorizer, attrs: AuthorizationAttributes): AuthorizationDecision {
  const d = authorizer(attrs);
  return typeof d === 'boolean' ? { allowed: d } : d;
}

export interface ReviewPolicy {
  readonly tokens: ReadonlyMap<string, UserInfo>;
  readonly authorizer: Authorizer;
}

export function review(req: ResourceRequest, policy: ReviewPolicy): Reply {
  if (req.verb !== 'create') throw errors.methodNotAllowed('the server does not allow this method on the requested resource');
  const body = isObject(req.body) ? req.body : undefined;
  if (!body) throw errors.badRequest(`the body of the request must be a ${req.type.kind}`);
  const spec = isObject(body.spec) ? body.spec : {};
  const base = { apiVersion: `${req.type.group}/${req.version}`, kind: req.type.kind, metadata: { creationTimestamp: null }, spec };
  switch (req.type.kind) {
    case 'TokenReview': {
      if (typeof spec.token !== 'string' || spec.token === '') throw errors.badRequest('token is required for TokenReview in authentication.k8s.io');
      const user = policy.tokens.get(spec.token);
      const audiences = Array.isArray(spec.audiences) ? spec.audiences : undefined;
      const status = user
        ? { authenticated: true, user: userJson(user), ...(audiences ? { audiences } : {}) }
        : { user: {}, error: 'invalid bearer token' };
      return { status: 201, body: { ...base, status } };
    }
    case 'SubjectAccessReview': {
      const user = typeof spec.user === 'string' ? spec.user : '';
      const groups = Array.isArray(spec.groups) ? spec.groups.map(String) : [];
      if (!user && groups.length === 0) {
        throw errors.invalid('SubjectAccessReview', 'authorization.k8s.io', '', [{ field: 'spec.user', message: 'Invalid value: "": at least one of user or group must be specified' }]);
      }
      return { status: 201, body: { ...base, status: statusFor(policy, spec, { username: user, groups, uid: spec.uid }) } };
    }
    case 'SelfSubjectAccessReview':
      return { status: 201, body: { ...base, status: statusFor(policy, spec, req.user ?? { username: 'system:anonymous', groups: ['system:unauthenticated'] }) } };
    default:
      throw errors.pathNotFound();
  }
}

function statusFor(policy: ReviewPolicy, spec: Record<string, any>, user: UserInfo): object {
  const ra = isObject(spec.resourceAttributes) ? spec.resourceAttributes : undefined;
  const nra = isObject(spec.nonResourceAttributes) ? spec.nonResourceAttributes : undefined;
  if (!ra && !nra) {
    throw errors.invalid('SubjectAccessReview', 'authorization.k8s.io', '', [{
      field: 'spec.resourceAttributes', message: 'Required value: exactly one of nonResourceAttributes or resourceAttributes must be specified',
    }]);
  }
  const attrs: AuthorizationAttributes = ra
    ? {
      user: user.username, groups: user.groups ?? [], uid: user.uid, verb: String(ra.verb ?? ''), group: String(ra.group ?? ''),
      version: ra.version, resource: String(ra.resource ?? ''), subresource: String(ra.subresource ?? ''),
      namespace: String(ra.namespace ?? ''), name: String(ra.name ?? ''),
    }
    : { user: user.username, groups: user.groups ?? [], uid: user.uid, verb: String(nra!.verb ?? ''), path: String(nra!.path ?? '') };
  const d = decide(policy.authorizer, attrs);
  return { allowed: d.allowed, ...(d.denied ? { denied: true } : {}), ...(d.reason ? { reason: d.reason } : {}) };
}

export function userJson(u: UserInfo): object {
  return { username: u.username, ...(u.uid ? { uid: u.uid } : {}), groups: [...(u.groups ?? [])], ...(u.extra ? { extra: u.extra } : {}) };
}

/** kube-apiserver's 403 text: `nodes "n1" is forbidden: User "u" cannot patch resource "nodes" in API group "" at the cluster scope`. */
export function forbiddenMessage(a: AuthorizationAttributes, reason?: string): string {
  const resource = a.subresource ? `${a.resource}/${a.subresource}` : a.resource!;
  const gr = a.group ? `${a.resource}.${a.group}` : a.resource!;
  const subject = a.name ? `${gr} "${a.name}"` : gr;
  const scope = a.namespace ? `in the namespace "${a.namespace}"` : 'at the cluster scope';
  return `${subject} is forbidden: User "${a.user}" cannot ${a.verb} resource "${resource}" in API group "${a.group ?? ''}" ${scope}${reason ? `: ${reason}` : ''}`;
}
