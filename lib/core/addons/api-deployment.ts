/**
 * How the add-on API (`capi-constructs serve`) runs on a management cluster: the ClusterRole with only
 * the verbs the service uses (in each mode), and the manifests of its Deployment (two replicas or more,
 * with a PodDisruptionBudget, probes and a restricted security context), ServiceAccount, RBAC and Service.
 */
import { CLUSTER_GROUP, CONTROL_PLANE_GROUP, ADDONS_GROUP } from '../output/api-versions';
import { Manifest, Rendered } from '../output/manifest';
import { Problems, show } from '../rules/errors';
import { checkPropKeys, propKeys } from '../rules/strict-props';
import { checkDns1123Label, checkEnum, checkInt, checkObject, checkProps, checkString } from '../rules/validation';
import { HELM_RELEASE_API_VERSION, HELM_REPOSITORY_API_VERSION } from '../components/flux-release';
import { ADDON_MODES, AddonMode } from './naming';

/** One RBAC PolicyRule (rbac.authorization.k8s.io/v1). */
export interface PolicyRule {
  readonly apiGroups: readonly string[];
  readonly resources: readonly string[];
  readonly verbs: readonly string[];
}

const group = (apiVersion: string) => apiVersion.slice(0, apiVersion.lastIndexOf('/'));

/** Status reads every object; server-side apply creates missing objects, so it needs create as well as patch. */
const APPLY_AND_DELETE = ['get', 'create', 'patch', 'delete'];

/**
 * The ClusterRole rules the add-on API service itself needs on the management cluster (Clusters live in
 * any namespace). Callers are authorized separately, per request; these rules only let the service carry
 * out what a caller was allowed to ask for. In `tenant` mode the add-on's objects live on the workload
 * cluster (reached through `<cluster>-kubeconfig`), so the service needs none of them on the management
 * cluster.
 */
export function addonApiServiceRules(mode: AddonMode = 'management'): PolicyRule[] {
  return [
    // verify callers' tokens and rights
    { apiGroups: ['authentication.k8s.io'], resources: ['tokenreviews'], verbs: ['create'] },
    { apiGroups: ['authorization.k8s.io'], resources: ['subjectaccessreviews'], verbs: ['create'] },
    // the Kubernetes version of a cluster
    { apiGroups: [CLUSTER_GROUP], resources: ['clusters'], verbs: ['get'] },
    { apiGroups: [CONTROL_PLANE_GROUP], resources: ['kubeadmcontrolplanes'], verbs: ['get'] },
    // the add-on's objects (management mode)
    ...(mode === 'management' ? [
      { apiGroups: [group(HELM_RELEASE_API_VERSION)], resources: ['helmreleases'], verbs: APPLY_AND_DELETE },
      { apiGroups: [group(HELM_REPOSITORY_API_VERSION)], resources: ['helmrepositories'], verbs: APPLY_AND_DELETE },
      { apiGroups: [''], resources: ['configmaps'], verbs: APPLY_AND_DELETE },
      { apiGroups: [ADDONS_GROUP], resources: ['clusterresourcesets'], verbs: APPLY_AND_DELETE },
      { apiGroups: ['monitoring.coreos.com'], resources: ['prometheusrules'], verbs: APPLY_AND_DELETE },
    ] : []),
    // one Lease per installation: create, take over (update), renew (update), release (delete)
    { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['get', 'create', 'update', 'delete'] },
    // the `<cluster>-kubeconfig` Secrets: the workload clusters (add-on namespaces; tenant mode: everything)
    { apiGroups: [''], resources: ['secrets'], verbs: ['get'] },
  ];
}

/** Whether the rules allow `verb` on `group/resource` (RBAC semantics, `*` wildcards). */
export function rulesAllow(rules: readonly PolicyRule[], verb: string, apiGroup: string, resource: string): boolean {
  return rules.some((r) => (r.apiGroups.includes('*') || r.apiGroups.includes(apiGroup))
    && (r.resources.includes('*') || r.resources.includes(resource))
    && (r.verbs.includes('*') || r.verbs.includes(verb)));
}

/** Props of {@link renderAddonApiDeployment}. */
export interface AddonApiDeploymentProps {
  /** The container image; its `command` runs the `capi-constructs` CLI (the npm package and Node.js 22+). */
  readonly image: string;
  /**
   * The command that starts the CLI in the image (`serve` and its flags are its arguments).
   * @default ['capi-constructs']
   */
  readonly command?: readonly string[];
  /**
   * Namespace of the service (created, with the `restricted` Pod Security level).
   * @default 'capi-addon-api'
   */
  readonly namespace?: string;
  /**
   * Name of the Deployment, ServiceAccount, Service, PodDisruptionBudget, ClusterRole and ClusterRoleBinding.
   * @default 'capi-addon-api'
   */
  readonly name?: string;
  /**
   * Replicas; at least 2, so that the PodDisruptionBudget (at most one unavailable) lets a node drain
   * while another replica serves.
   * @default 2
   */
  readonly replicas?: number;
  /**
   * Where Flux runs (`serve --mode`); it also decides the ClusterRole ({@link addonApiServiceRules}).
   * @default 'management'
   */
  readonly mode?: AddonMode;
  /**
   * A `kubernetes.io/tls` Secret in the namespace: the service serves HTTPS with it. Without it the
   * service serves plain HTTP (a warning): bearer tokens travel in every request, so terminate TLS in
   * front of it (a mesh or an ingress).
   */
  readonly tlsSecret?: string;
  /**
   * The container port, and the Service's.
   * @default 8080
   */
  readonly port?: number;
}

/** The known keys of {@link AddonApiDeploymentProps} (strict props). */
export const ADDON_API_DEPLOYMENT_PROPS = propKeys<AddonApiDeploymentProps>()('AddonApiDeploymentProps', {
  image: true, command: true, namespace: true, name: true, replicas: true, mode: true, tlsSecret: true, port: true,
});

/** The rendered service: its manifests (apply in order) and warnings. */
export type AddonApiDeployment = Rendered;

/**
 * The manifests that run the add-on API on a management cluster: Namespace (Pod Security `restricted`),
 * ServiceAccount, ClusterRole ({@link addonApiServiceRules} of the mode) and ClusterRoleBinding,
 * Deployment (2 replicas spread over nodes, `/healthz` liveness and `/readyz` readiness probes, non-root,
 * read-only root file system, no capabilities), PodDisruptionBudget (at most one replica unavailable) and
 * a ClusterIP Service. Validates every prop at once (ValidationError, statusCode 400).
 */
export function renderAddonApiDeployment(props: AddonApiDeploymentProps): AddonApiDeployment {
  const p = new Problems('AddonApiDeployment');
  if (!checkProps(p, props)) p.throwIfErrors();
  checkPropKeys(p, '', props, ADDON_API_DEPLOYMENT_PROPS);
  if (checkString(p, 'image', props.image) && (props.image.trim() === '' || /\s/.test(props.image))) {
    p.error('image', `${show(props.image)} is not a container image reference (no spaces, not empty)`);
  }
  const command = props.command ?? ['capi-constructs'];
  if (!Array.isArray(command) || command.length === 0 || command.some((c) => typeof c !== 'string' || c === '')) {
    p.error('command', `must be a non-empty list of non-empty strings, got ${show(props.command)}`);
  }
  const namespace = props.namespace === undefined ? 'capi-addon-api' : checkDns1123Label(p, 'namespace', props.namespace);
  const name = props.name === undefined ? 'capi-addon-api' : checkDns1123Label(p, 'name', props.name);
  const replicas = props.replicas === undefined ? 2 : checkInt(p, 'replicas', props.replicas, 2, 100, 'the PodDisruptionBudget allows one replica down, so one must be left to serve');
  const mode = props.mode === undefined ? 'management' : checkEnum(p, 'mode', props.mode, ADDON_MODES);
  const tlsSecret = props.tlsSecret === undefined ? undefined : checkDns1123Label(p, 'tlsSecret', props.tlsSecret);
  const port = props.port === undefined ? 8080 : checkInt(p, 'port', props.port, 1024, 65535, 'the container runs as non-root, which cannot bind ports below 1024');
  if (props.tlsSecret === undefined) {
    p.warn('tlsSecret', 'not set: the service serves plain HTTP; bearer tokens travel in every request, so terminate TLS in front of it (a mesh or an ingress)');
  }
  p.throwIfErrors();

  const labels = { 'app.kubernetes.io/name': 'capi-addon-api', 'app.kubernetes.io/instance': name!, 'app.kubernetes.io/managed-by': 'capi-constructs' };
  const meta = (extra: Record<string, unknown> = {}) => ({ name: name!, namespace: namespace!, labels: { ...labels }, ...extra });
  const scheme = tlsSecret ? 'HTTPS' : 'HTTP';
  const args = ['serve', '--port', String(port), '--host', '0.0.0.0', '--mode', mode!, ...(tlsSecret ? ['--tls-cert', '/etc/capi-addon-api/tls/tls.crt', '--tls-key', '/etc/capi-addon-api/tls/tls.key'] : [])];
  const probe = (path: string, periodSeconds: number, failureThreshold: number) => ({ httpGet: { path, port: 'http', scheme }, periodSeconds, failureThreshold, timeoutSeconds: 2 });

  const manifests: Manifest[] = [
    {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: namespace!, labels: { 'pod-security.kubernetes.io/enforce': 'restricted', 'pod-security.kubernetes.io/enforce-version': 'latest' } },
    },
    // the token is mounted: the service talks to the management cluster as this ServiceAccount
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: meta() },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name: name!, labels: { ...labels } },
      rules: addonApiServiceRules(mode).map((r) => ({ apiGroups: [...r.apiGroups], resources: [...r.resources], verbs: [...r.verbs] })),
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: name!, labels: { ...labels } },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: name! },
      subjects: [{ kind: 'ServiceAccount', name: name!, namespace: namespace! }],
    },
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: meta(),
      spec: {
        replicas: replicas!,
        selector: { matchLabels: { ...labels } },
        // one replica down at a time during a rollout, never zero ready
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
        template: {
          metadata: { labels: { ...labels } },
          spec: {
            serviceAccountName: name!,
            // SIGTERM: new requests 503, requests in flight finish (serve's graceful shutdown)
            terminationGracePeriodSeconds: 40,
            securityContext: { runAsNonRoot: true, runAsUser: 65532, runAsGroup: 65532, seccompProfile: { type: 'RuntimeDefault' } },
            topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: { ...labels } } }],
            containers: [{
              name: 'addon-api',
              image: props.image,
              command: [...command],
              args,
              ports: [{ name: 'http', containerPort: port!, protocol: 'TCP' }],
              livenessProbe: probe('/healthz', 10, 3),
              readinessProbe: probe('/readyz', 5, 2),
              resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '512Mi' } },
              securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
              ...(tlsSecret ? { volumeMounts: [{ name: 'tls', mountPath: '/etc/capi-addon-api/tls', readOnly: true }] } : {}),
            }],
            ...(tlsSecret ? { volumes: [{ name: 'tls', secret: { secretName: tlsSecret } }] } : {}),
          },
        },
      },
    },
    {
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata: meta(),
      spec: { maxUnavailable: 1, selector: { matchLabels: { ...labels } } },
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: meta(),
      spec: { type: 'ClusterIP', selector: { ...labels }, ports: [{ name: 'http', port: tlsSecret ? 443 : 80, targetPort: 'http', protocol: 'TCP' }] },
    },
  ];
  return { manifests, warnings: p.warnings };
}
