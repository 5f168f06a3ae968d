/**
 * The `Audit-ID` header on every Kubernetes call made on behalf of one request, so that the API
 * server's audit log names the same id as the caller's log line (kube-apiserver keeps an `Audit-ID` the
 * client sends as the audit event's `auditID`, and answers with it).
 */
import { AsyncLocalStorage } from 'async_hooks';
import { KubeConfig } from '@kubernetes/client-node';

const current = new AsyncLocalStorage<string>();

/** Runs `fn` with `auditId` as the `Audit-ID` of every call made through an {@link auditing} KubeConfig. */
export function withAuditId<T>(auditId: string | undefined, fn: () => T): T {
  return auditId === undefined ? fn() : current.run(auditId, fn);
}

/** The audit id of the calls made now, if any. */
export function currentAuditId(): string | undefined {
  return current.getStore();
}

/** Header kube-apiserver reads the audit id from. */
export const AUDIT_ID_HEADER = 'Audit-ID';

/**
 * A KubeConfig that behaves as `kc` and adds the current audit id (see {@link withAuditId}) to every
 * request of the clients made from it. `kc` itself is left unchanged.
 */
export function auditing(kc: KubeConfig): KubeConfig {
  const wrapped = Object.create(kc) as KubeConfig;
  wrapped.applySecurityAuthentication = async (context) => {
    await kc.applySecurityAuthentication.call(wrapped, context);
    const id = current.getStore();
    if (id !== undefined) context.setHeaderParam(AUDIT_ID_HEADER, id);
  };
  return wrapped;
}
