/**
 * The management cluster as the add-on API sees it: `@kubernetes/client-node` clients built from one
 * KubeConfig, server-side apply under one field manager, and Kubernetes failures mapped to answers.
 */
import {
  ApisApi, AuthenticationV1Api, AuthorizationV1Api, CoreV1Api, CustomObjectsApi, KubeConfig,
  KubernetesObject, KubernetesObjectApi, PatchStrategy, VersionApi,
} from '@kubernetes/client-node';
import { Manifest } from '../core/output/manifest';
import { describeApiError, statusCode } from '../ops/api-errors';
import { ServiceError } from './errors';
import { FIELD_MANAGER } from './kube-config';

/** The clients of one cluster. */
export interface KubeClients {
  readonly config: KubeConfig;
  /** Server-side apply and delete of any object (resolves kinds through discovery). */
  readonly objects: KubernetesObjectApi;
  /** Reads of custom resources (Cluster, control planes, HelmReleases). */
  readonly custom: CustomObjectsApi;
  readonly core: CoreV1Api;
  readonly authn: AuthenticationV1Api;
  readonly authz: AuthorizationV1Api;
  readonly version: VersionApi;
  /** API group discovery (readiness, and whether prometheus-operator's CRDs are served). */
  readonly apis: ApisApi;
}

export function kubeClients(config: KubeConfig): KubeClients {
  return {
    config,
    objects: KubernetesObjectApi.makeApiClient(config),
    custom: config.makeApiClient(CustomObjectsApi),
    core: config.makeApiClient(CoreV1Api),
    authn: config.makeApiClient(AuthenticationV1Api),
    authz: config.makeApiClient(AuthorizationV1Api),
    version: config.makeApiClient(VersionApi),
    apis: config.makeApiClient(ApisApi),
  };
}

/** The HTTP status of a Kubernetes API failure, if it is one (the node operations' reading of client errors). */
export const kubeStatusCode = statusCode;

/** A failed Kubernetes call as a 502 `k8s-api-error` answer, naming what the service was doing. */
export function k8sApiError(what: string, e: unknown): ServiceError {
  if (e instanceof ServiceError) return e;
  // status code and the Status message only: never the request, its headers or credentials
  return new ServiceError(502, 'k8s-api-error', `Kubernetes API failure while ${what}: ${describeApiError(e).split('\n')[0].slice(0, 300)}`);
}

/** Runs a Kubernetes call; a 404 yields `undefined`, any other failure a `k8s-api-error`. */
export async function orNotFound<T>(what: string, call: () => Promise<T>): Promise<T | undefined> {
  try {
    return await call();
  } catch (e) {
    if (kubeStatusCode(e) === 404) return undefined;
    throw k8sApiError(what, e);
  }
}

/** Server-side apply of one object under {@link FIELD_MANAGER} (no force: a field owned by another manager is a conflict). */
export async function apply(clients: KubeClients, manifest: Manifest): Promise<KubernetesObject> {
  try {
    return await clients.objects.patch(manifest as KubernetesObject, undefined, undefined, FIELD_MANAGER, false, PatchStrategy.ServerSideApply);
  } catch (e) {
    throw k8sApiError(`applying ${manifest.kind} ${manifest.metadata.namespace ?? ''}/${manifest.metadata.name}`, e);
  }
}

/** Deletes one object (background propagation); an object already gone is not an error. Returns whether it existed. */
export async function remove(clients: KubeClients, ref: { apiVersion: string; kind: string; name: string; namespace?: string }): Promise<boolean> {
  const found = await orNotFound(`deleting ${ref.kind} ${ref.namespace ?? ''}/${ref.name}`, () => clients.objects.delete(
    { apiVersion: ref.apiVersion, kind: ref.kind, metadata: { name: ref.name, namespace: ref.namespace } },
    undefined, undefined, undefined, undefined, 'Background',
  ));
  return found !== undefined;
}

/** `group/version` split for CustomObjectsApi. */
export function groupVersion(apiVersion: string): { group: string; version: string } {
  const i = apiVersion.lastIndexOf('/');
  return { group: apiVersion.slice(0, i), version: apiVersion.slice(i + 1) };
}
