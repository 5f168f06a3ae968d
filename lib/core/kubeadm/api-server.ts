/**
 * The hardening of kube-apiserver (`kubeadm.apiServer` of a ControlPlaneGroup): encryption at rest,
 * audit logging, OIDC authentication and Pod Security admission. Each is a configuration file that
 * KubeadmConfig writes on the control-plane nodes, the API server flag that reads it, and the
 * host-path volume that makes its directory visible inside the API server's static pod
 * (`clusterConfiguration.apiServer.extraVolumes`).
 *
 * Each is off until its prop is set (`audit: {}` and `podSecurity: {}` take the documented defaults);
 * docs/hardening.md says why: turning one on rolls the control plane, so a library upgrade must not
 * do it behind the user's back, and Pod Security enforcement refuses pods of namespaces the library
 * does not know.
 *
 * The flags are library-managed API server arguments: a different value in `apiServer.extraArgs` is
 * an error unless `kubeadm.override` lists `apiServer.extraArgs.<name>` (config.ts merges them).
 *
 * Per Kubernetes minor (read from k8s.io/apiserver at the release tags): `--authentication-config`
 * with AuthenticationConfiguration `apiserver.config.k8s.io/v1beta1` is on by default from 1.30 (the
 * StructuredAuthenticationConfiguration gate is beta there) and `apiserver.config.k8s.io/v1` exists
 * from 1.34 (the gate is GA and locked on). Every supported minor (1.31-1.35) therefore takes the
 * structured configuration, and none needs the single-issuer `--oidc-*` flags; they are refused next
 * to it, because kube-apiserver refuses to start with both.
 */
import * as YAML from 'yaml';
import { Problems, show } from '../rules/errors';
import { checkPropKeys, propKeys } from '../rules/strict-props';
import { checkBoolean, checkDuration, checkEnum, checkInt, checkObject, goDuration, isDns1123Label } from '../rules/validation';
import { ExtraArgs, ManagedArg } from './args';
import { KubeadmFile, SourcedFile } from './files';
import { checkSecretKeyRef, SecretKeyRef } from './secret-ref';

/** A kube-apiserver setting: its arguments plus the hardening the library writes for it. */
export interface ApiServerProps {
  /** Command-line arguments without the leading `--`. @default none beyond the hardening's */
  readonly extraArgs?: ExtraArgs;
  /**
   * Encryption at rest of Secrets (and optionally other resources) in etcd: either the complete
   * EncryptionConfiguration from a Secret you name (build its content with
   * {@link encryptionConfiguration}), or a KMS v2 plugin.
   * @default none: etcd holds Secrets unencrypted
   */
  readonly encryption?: EncryptionAtRestProps;
  /** Audit logging; `{}` is the preset policy, 30 days, 10 files of 100 MB. @default off (`false`) */
  readonly audit?: AuditProps | false;
  /** OIDC authentication through `--authentication-config`. @default none */
  readonly authentication?: OidcAuthenticationProps;
  /** Pod Security admission defaults; `{}` is enforce baseline, audit and warn restricted. @default off (`false`: the API server's own default, privileged) */
  readonly podSecurity?: PodSecurityProps | false;
}

/** Where the EncryptionConfiguration comes from. Exactly one of `configFrom` and `kms`. */
export interface EncryptionAtRestProps {
  /**
   * A Secret key holding the whole EncryptionConfiguration (`apiserver.config.k8s.io/v1`) with the
   * keys; it is written to the nodes by `contentFrom` and appears in no manifest.
   */
  readonly configFrom?: SecretKeyRef;
  /** A KMS v2 plugin on every control-plane node; the configuration holds no key and is written inline. */
  readonly kms?: KmsPluginProps;
  /** Resources encrypted with `kms`, e.g. `['secrets', 'configmaps']` (with `configFrom` they are in the Secret). @default ['secrets'] */
  readonly resources?: readonly string[];
}

/** A KMS v2 plugin reached over a unix socket. */
export interface KmsPluginProps {
  /** Name of the provider, unique in the configuration; stored in each encrypted value. */
  readonly name: string;
  /** The plugin's socket, `unix:///<absolute path>`; its directory is mounted into the API server. */
  readonly endpoint: string;
  /** Timeout of a call to the plugin. @default '3s' (the API server's) */
  readonly timeout?: string | number;
}

/** Audit logging settings. */
export interface AuditProps {
  /** `'preset'` (see docs/hardening.md) or your own audit.k8s.io/v1 Policy (its `rules`, `omitStages`, `omitManagedFields`). @default 'preset' */
  readonly policy?: 'preset' | AuditPolicy;
  /** Days an audit log file is kept. @default 30 */
  readonly maxAgeDays?: number;
  /** Rotated files kept. @default 10 */
  readonly maxBackups?: number;
  /** Size in megabytes at which the log is rotated. @default 100 */
  readonly maxSizeMegabytes?: number;
  /** Also send the events to a webhook, whose kubeconfig is in a Secret. @default none */
  readonly webhook?: AuditWebhookProps;
}

/** An audit.k8s.io/v1 Policy (without apiVersion and kind). */
export interface AuditPolicy {
  readonly rules: readonly AuditRule[];
  /** Stages not recorded. @default none */
  readonly omitStages?: readonly AuditStage[];
  /** Leave managedFields out of request and response bodies. @default false */
  readonly omitManagedFields?: boolean;
}

/** The level at which an event is recorded. */
export type AuditLevel = 'None' | 'Metadata' | 'Request' | 'RequestResponse';
/** A stage of a request. */
export type AuditStage = 'RequestReceived' | 'ResponseStarted' | 'ResponseComplete' | 'Panic';

/** One rule of an audit Policy; the first rule that matches a request decides its level. */
export interface AuditRule {
  readonly level: AuditLevel;
  readonly users?: readonly string[];
  readonly userGroups?: readonly string[];
  readonly verbs?: readonly string[];
  readonly resources?: readonly { readonly group?: string; readonly resources?: readonly string[]; readonly resourceNames?: readonly string[] }[];
  readonly namespaces?: readonly string[];
  readonly nonResourceURLs?: readonly string[];
  readonly omitStages?: readonly AuditStage[];
  readonly omitManagedFields?: boolean;
}

/** An audit webhook backend. */
export interface AuditWebhookProps {
  /** The Secret key holding the webhook's kubeconfig (server and credentials). */
  readonly kubeconfigFrom: SecretKeyRef;
  /** `batch` (buffered, asynchronous), `blocking` or `blocking-strict`. @default 'batch' */
  readonly mode?: 'batch' | 'blocking' | 'blocking-strict';
}

/** OIDC issuers whose ID tokens authenticate users. */
export interface OidcAuthenticationProps {
  readonly issuers: readonly OidcIssuer[];
}

/** One OIDC issuer (a JWT authenticator of the AuthenticationConfiguration). */
export interface OidcIssuer {
  /** The issuer URL: `https://`, exactly as in the tokens' `iss` claim; its discovery document is at `<url>/.well-known/openid-configuration`. */
  readonly url: string;
  /** Accepted `aud` values (client IDs); a token needs one of them. */
  readonly audiences: readonly string[];
  /**
   * The Secret key holding the PEM CA certificate(s) of the issuer's serving certificate. Written to the
   * node by `contentFrom` and spliced into the AuthenticationConfiguration before kubeadm runs (the API
   * server reads the CA only inline). @default the node's system roots
   */
  readonly certificateAuthorityFrom?: SecretKeyRef;
  /** Claim that becomes the user name. @default 'sub' */
  readonly usernameClaim?: string;
  /** Prefix of the user name, keeping OIDC users apart from others (`''` for none). @default 'oidc:' */
  readonly usernamePrefix?: string;
  /** Claim that holds the user's groups. @default none (no groups) */
  readonly groupsClaim?: string;
  /** Prefix of each group. @default 'oidc:' */
  readonly groupsPrefix?: string;
  /** Claims a token must carry with exactly these values, e.g. `{ hd: 'example.com' }`. @default none */
  readonly requiredClaims?: Readonly<Record<string, string>>;
}

/** A Pod Security Standards level. */
export type PodSecurityLevel = 'privileged' | 'baseline' | 'restricted';

/** Pod Security admission defaults for namespaces that carry no `pod-security.kubernetes.io/*` label. */
export interface PodSecurityProps {
  /** Pods that violate this level are refused. @default 'baseline' */
  readonly enforce?: PodSecurityLevel;
  /** `latest` or `v1.<minor>` up to the cluster's. @default 'latest' */
  readonly enforceVersion?: string;
  /** Violations are recorded in the audit log. @default 'restricted' */
  readonly audit?: PodSecurityLevel;
  /** @default 'latest' */
  readonly auditVersion?: string;
  /** Violations are returned to the client as warnings. @default 'restricted' */
  readonly warn?: PodSecurityLevel;
  /** @default 'latest' */
  readonly warnVersion?: string;
  /**
   * Exempted namespaces, added to the library's own (kube-system, tigera-operator, calico-system:
   * their pods run privileged by design).
   * @default only the library's
   */
  readonly exemptNamespaces?: readonly string[];
  /** Exempted requesting users, e.g. a controller's service account. @default none */
  readonly exemptUsernames?: readonly string[];
  /** Exempted RuntimeClasses. @default none */
  readonly exemptRuntimeClasses?: readonly string[];
}

/** A host-path volume of the API server's static pod (`clusterConfiguration.apiServer.extraVolumes[]`). */
export interface HostPathMount {
  readonly name: string;
  readonly hostPath: string;
  readonly mountPath: string;
  readonly readOnly: boolean;
  readonly pathType: 'DirectoryOrCreate';
}

/** What the hardening adds to the API server. */
export interface ApiServerHardening {
  readonly args: Record<string, ManagedArg>;
  readonly files: SourcedFile[];
  readonly volumes: HostPathMount[];
  /** preKubeadmCommands that complete the files. */
  readonly commands: string[];
}

/** Where the files go on the node (and, mounted at the same path, in the API server's pod). */
export const HARDENING_PATHS = Object.freeze({
  encryptionConfig: '/etc/kubernetes/encryption/config.yaml',
  auditPolicy: '/etc/kubernetes/audit/policy.yaml',
  auditWebhookConfig: '/etc/kubernetes/audit/webhook.kubeconfig',
  auditLog: '/var/log/kubernetes/audit/audit.log',
  authenticationConfig: '/etc/kubernetes/authentication/config.yaml',
  admissionConfig: '/etc/kubernetes/admission/config.yaml',
});

/**
 * Namespaces the library exempts from Pod Security, each with the reason: pods there need host
 * access by design and would fail `baseline`.
 */
export const POD_SECURITY_LIBRARY_EXEMPTIONS: Readonly<Record<string, string>> = Object.freeze({
  'kube-system': 'the control-plane static pods, kube-proxy, Cilium (host network, privileged), the cloud controller managers and Cinder CSI node plugin (host paths, privileged)',
  'tigera-operator': 'the Calico operator (host network)',
  'calico-system': 'calico-node (privileged, host network, host paths)',
});

/**
 * The preset audit policy. The first matching rule decides:
 * 1. health and version probes and the API server's own metrics: not recorded (read-only, constant);
 * 2. node heartbeats and leader-election renewals (Lease get/update): not recorded (several per
 *    second, no information);
 * 3. Secrets, ConfigMaps, token requests and reviews: metadata only, so no credential lands in the log;
 * 4. reads (get, list, watch): metadata only;
 * 5. writes (create, update, patch, delete, deletecollection): the request body;
 * 6. anything else: metadata.
 * The RequestReceived stage is omitted (every request also has ResponseComplete).
 */
export const AUDIT_PRESET_POLICY: AuditPolicy = Object.freeze({
  omitStages: ['RequestReceived'],
  rules: [
    { level: 'None', nonResourceURLs: ['/healthz*', '/livez*', '/readyz*', '/version', '/metrics'] },
    { level: 'None', verbs: ['get', 'update'], resources: [{ group: 'coordination.k8s.io', resources: ['leases'] }] },
    {
      level: 'Metadata',
      resources: [
        { group: '', resources: ['secrets', 'configmaps', 'serviceaccounts/token'] },
        { group: 'authentication.k8s.io', resources: ['tokenreviews'] },
      ],
    },
    { level: 'Metadata', verbs: ['get', 'list', 'watch'] },
    { level: 'Request', verbs: ['create', 'update', 'patch', 'delete', 'deletecollection'] },
    { level: 'Metadata' },
  ],
} as AuditPolicy);

const API_SERVER_FIELDS = propKeys<ApiServerProps>()('ApiServerProps', { extraArgs: true, encryption: true, audit: true, authentication: true, podSecurity: true });
const ENCRYPTION_FIELDS = propKeys<EncryptionAtRestProps>()('EncryptionAtRestProps', { configFrom: true, kms: true, resources: true });
const KMS_FIELDS = propKeys<KmsPluginProps>()('KmsPluginProps', { name: true, endpoint: true, timeout: true });
const AUDIT_FIELDS = propKeys<AuditProps>()('AuditProps', { policy: true, maxAgeDays: true, maxBackups: true, maxSizeMegabytes: true, webhook: true });
const POLICY_FIELDS = propKeys<AuditPolicy>()('AuditPolicy', { rules: true, omitStages: true, omitManagedFields: true });
const RULE_FIELDS = propKeys<AuditRule>()('AuditRule', {
  level: true, users: true, userGroups: true, verbs: true, resources: true, namespaces: true, nonResourceURLs: true, omitStages: true, omitManagedFields: true,
});
const GROUP_RESOURCES_FIELDS = propKeys<NonNullable<AuditRule['resources']>[number]>()('GroupResources', { group: true, resources: true, resourceNames: true });
const WEBHOOK_FIELDS = propKeys<AuditWebhookProps>()('AuditWebhookProps', { kubeconfigFrom: true, mode: true });
const AUTHN_FIELDS = propKeys<OidcAuthenticationProps>()('OidcAuthenticationProps', { issuers: true });
const ISSUER_FIELDS = propKeys<OidcIssuer>()('OidcIssuer', {
  url: true, audiences: true, certificateAuthorityFrom: true, usernameClaim: true, usernamePrefix: true, groupsClaim: true, groupsPrefix: true, requiredClaims: true,
});
const POD_SECURITY_FIELDS = propKeys<PodSecurityProps>()('PodSecurityProps', {
  enforce: true, enforceVersion: true, audit: true, auditVersion: true, warn: true, warnVersion: true,
  exemptNamespaces: true, exemptUsernames: true, exemptRuntimeClasses: true,
});

const LEVELS = ['privileged', 'baseline', 'restricted'] as const;
const AUDIT_LEVELS = ['None', 'Metadata', 'Request', 'RequestResponse'] as const;
const STAGES = ['RequestReceived', 'ResponseStarted', 'ResponseComplete', 'Panic'] as const;
const RESOURCE = /^(\*|[a-z0-9]([-a-z0-9]*[a-z0-9])?)(\.(\*|[a-z0-9]([-a-z0-9.]*[a-z0-9])?))?$/;
const CLAIM = /^[A-Za-z0-9_:.\-/]{1,256}$/;

function yaml(doc: Record<string, unknown>): string {
  return YAML.stringify(doc, { lineWidth: 0 });
}

/** The `apiserver.config.k8s.io` version of AuthenticationConfiguration a Kubernetes minor reads. */
export function authenticationConfigApiVersion(minor: number): string | undefined {
  if (minor >= 34) return 'apiserver.config.k8s.io/v1';
  if (minor >= 30) return 'apiserver.config.k8s.io/v1beta1';
  return undefined;
}

/** The minor of a `v1.N.P` version, or undefined. */
export function kubernetesMinor(version: string | undefined): number | undefined {
  const m = version === undefined ? null : /^v?1\.(\d+)\./.exec(version);
  return m ? Number(m[1]) : undefined;
}

function list(p: Problems, path: string, value: unknown, valid: (s: string) => boolean, rule: string, min = 0): string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value)) {
    p.error(path, `must be a list of strings, got ${show(value)}`);
    return undefined;
  }
  if (value.length < min) {
    p.error(path, `must hold at least ${min} entr${min === 1 ? 'y' : 'ies'}, got none`);
    return undefined;
  }
  let ok = true;
  const seen = new Set<string>();
  value.forEach((v, i) => {
    if (typeof v !== 'string' || !valid(v)) {
      p.error(`${path}[${i}]`, `${show(v)} is not ${rule}`);
      ok = false;
    } else if (seen.has(v)) {
      p.error(`${path}[${i}]`, `${show(v)} is listed twice: each entry must be unique`);
      ok = false;
    }
    if (typeof v === 'string') seen.add(v);
  });
  return ok ? [...value] as string[] : undefined;
}

const nonEmpty = (s: string): boolean => s.length > 0 && s.length <= 1024 && !/[\r\n]/.test(s);

/**
 * Validates `kubeadm.apiServer` (at `path`) of a control plane for Kubernetes `kubernetesVersion`,
 * and returns its user extraArgs and the hardening to add. Records every problem.
 */
export function resolveApiServer(
  p: Problems, path: string, value: unknown, kubernetesVersion: string | undefined,
  checkArgs: (path: string, value: unknown) => Record<string, string> | undefined,
): { extraArgs?: Record<string, string>; hardening: ApiServerHardening } {
  const hardening: ApiServerHardening = { args: {}, files: [], volumes: [], commands: [] };
  let v: Record<string, unknown> = {};
  if (value !== undefined) {
    if (!checkObject(p, path, value)) return { hardening };
    v = value;
    checkPropKeys(p, path, v, API_SERVER_FIELDS);
  }
  const extraArgs = checkArgs(`${path}.extraArgs`, v.extraArgs);
  const minor = kubernetesMinor(kubernetesVersion);
  const add = (source: string, args: Record<string, string>, files: KubeadmFile[], volumes: HostPathMount[], commands: string[] = []): void => {
    for (const k in args) hardening.args[k] = { value: args[k], source, note: 'which the library\'s configuration files and volumes are written for' };
    for (const f of files) hardening.files.push({ file: f, source });
    hardening.volumes.push(...volumes);
    hardening.commands.push(...commands);
  };
  if (v.encryption !== undefined) {
    const e = resolveEncryption(p, `${path}.encryption`, v.encryption);
    if (e) add(`${path}.encryption`, ...e);
  }
  if (v.audit !== undefined && v.audit !== false) {
    const a = resolveAudit(p, `${path}.audit`, v.audit);
    if (a) add(`${path}.audit`, ...a);
  }
  if (v.authentication !== undefined) {
    const a = resolveAuthentication(p, `${path}.authentication`, v.authentication, minor, extraArgs);
    if (a) add(`${path}.authentication`, ...a);
  }
  if (v.podSecurity !== undefined && v.podSecurity !== false) {
    const s = resolvePodSecurity(p, `${path}.podSecurity`, v.podSecurity, minor);
    if (s) add(`${path}.podSecurity`, ...s);
  }
  return { extraArgs, hardening };
}

type Parts = [Record<string, string>, KubeadmFile[], HostPathMount[], string[]?];

function dirOf(file: string): string {
  return file.slice(0, file.lastIndexOf('/'));
}

function volume(name: string, file: string, readOnly = true): HostPathMount {
  const dir = dirOf(file);
  return { name, hostPath: dir, mountPath: dir, readOnly, pathType: 'DirectoryOrCreate' };
}

function checkResources(p: Problems, path: string, value: unknown): string[] | undefined {
  const r = list(p, path, value, (s) => RESOURCE.test(s) && s.length <= 253,
    'a resource as EncryptionConfiguration names it: "<resource>" for the core group or "<resource>.<group>", "*.<group>" or "*.*"', 1);
  if (r && !r.some((x) => x === 'secrets' || x === '*.' || x === '*.*')) {
    p.warn(path, `${show(r)} does not include "secrets": Secrets stay unencrypted in etcd`);
  }
  return r;
}

function resolveEncryption(p: Problems, path: string, value: unknown): Parts | undefined {
  if (!checkObject(p, path, value)) return undefined;
  checkPropKeys(p, path, value, ENCRYPTION_FIELDS);
  const before = p.errors.length;
  const file = HARDENING_PATHS.encryptionConfig;
  const args = { 'encryption-provider-config': file };
  if ((value.configFrom === undefined) === (value.kms === undefined)) {
    p.error(path, value.kms === undefined
      ? 'needs configFrom (a Secret holding the EncryptionConfiguration with the keys) or kms (a KMS v2 plugin)'
      : 'set either configFrom or kms, not both: the API server reads one EncryptionConfiguration');
    return undefined;
  }
  if (value.configFrom !== undefined) {
    const from = checkSecretKeyRef(p, `${path}.configFrom`, value.configFrom);
    if (value.resources !== undefined) {
      p.error(`${path}.resources`, 'with configFrom the resources are part of the EncryptionConfiguration in the Secret (see encryptionConfiguration()); remove this field');
    }
    if (!from || p.errors.length > before) return undefined;
    return [args, [{ path: file, contentFrom: from, owner: 'root:root', permissions: '0600' }], [volume('encryption-config', file)]];
  }
  const k = value.kms;
  if (!checkObject(p, `${path}.kms`, k)) return undefined;
  checkPropKeys(p, `${path}.kms`, k, KMS_FIELDS);
  if (typeof k.name !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/.test(k.name)) {
    p.error(`${path}.kms.name`, `${show(k.name)} is not a KMS provider name: letters, digits, '-', '_' and '.', at most 63 characters (it is stored in every encrypted value)`);
  }
  const endpoint = k.endpoint;
  let socketDir: string | undefined;
  if (typeof endpoint !== 'string' || !/^unix:\/\/\/[^\s]+$/.test(endpoint) || endpoint.split('/').includes('..') || endpoint.length > 512) {
    p.error(`${path}.kms.endpoint`, `${show(endpoint)} is not a KMS plugin endpoint: the API server supports only a unix socket, "unix:///<absolute path>"`);
  } else {
    socketDir = dirOf(endpoint.slice('unix://'.length));
    if (socketDir === '' || socketDir.startsWith('/etc/kubernetes')) {
      p.error(`${path}.kms.endpoint`, `${show(endpoint)}: put the socket in its own directory outside / and /etc/kubernetes (e.g. unix:///var/run/kmsplugin/socket.sock); that directory is mounted writable into the API server`);
    }
  }
  const timeout = k.timeout === undefined ? 3 : checkDuration(p, `${path}.kms.timeout`, k.timeout);
  if (timeout === 0) p.error(`${path}.kms.timeout`, 'must be longer than 0s: the API server would fail every call to the plugin');
  const resources = value.resources === undefined ? ['secrets'] : checkResources(p, `${path}.resources`, value.resources);
  if (p.errors.length > before || !resources) return undefined;
  const config = yaml({
    apiVersion: 'apiserver.config.k8s.io/v1',
    kind: 'EncryptionConfiguration',
    resources: [{
      resources,
      providers: [
        { kms: { apiVersion: 'v2', name: k.name, endpoint, timeout: goDuration(timeout!) } },
        { identity: {} },
      ],
    }],
  });
  return [args, [{ path: file, content: config, owner: 'root:root', permissions: '0600' }],
    [volume('encryption-config', file), { name: 'kms-socket', hostPath: socketDir!, mountPath: socketDir!, readOnly: false, pathType: 'DirectoryOrCreate' }]];
}

function checkStages(p: Problems, path: string, value: unknown): AuditStage[] | undefined {
  return list(p, path, value, (s) => (STAGES as readonly string[]).includes(s), `an audit stage (${STAGES.join(', ')})`) as AuditStage[] | undefined;
}

function checkPolicy(p: Problems, path: string, value: unknown): Record<string, unknown> | undefined {
  if (value === 'preset') return { ...AUDIT_PRESET_POLICY };
  if (typeof value === 'string' || !checkObject(p, path, value)) {
    if (typeof value === 'string') p.error(path, `${show(value)} is not an audit policy: use 'preset' or a Policy { rules: [...] }`);
    return undefined;
  }
  checkPropKeys(p, path, value, POLICY_FIELDS);
  const before = p.errors.length;
  const omitStages = checkStages(p, `${path}.omitStages`, value.omitStages);
  const omitManagedFields = checkBoolean(p, `${path}.omitManagedFields`, value.omitManagedFields);
  const rules = value.rules;
  if (!Array.isArray(rules) || rules.length === 0) {
    p.error(`${path}.rules`, `must be a non-empty list of rules { level, ... } (a policy without rules records nothing), got ${show(rules)}`);
    return undefined;
  }
  const out: Record<string, unknown>[] = [];
  rules.forEach((r, i) => {
    const at = `${path}.rules[${i}]`;
    if (!checkObject(p, at, r)) return;
    checkPropKeys(p, at, r, RULE_FIELDS);
    const level = checkEnum(p, `${at}.level`, r.level, AUDIT_LEVELS);
    const names = (f: string, rule: string) => list(p, `${at}.${f}`, r[f], nonEmpty, rule);
    const rule: Record<string, unknown> = {
      level,
      users: names('users', 'a user name'),
      userGroups: names('userGroups', 'a group name'),
      verbs: names('verbs', 'a verb such as get, list, watch, create, update, patch, delete'),
      namespaces: list(p, `${at}.namespaces`, r.namespaces, (s) => s === '' || isDns1123Label(s), 'a namespace name ("" matches cluster-scoped requests)'),
      nonResourceURLs: names('nonResourceURLs', 'a non-resource URL path such as "/healthz*"'),
      omitStages: checkStages(p, `${at}.omitStages`, r.omitStages),
      omitManagedFields: checkBoolean(p, `${at}.omitManagedFields`, r.omitManagedFields),
    };
    if (r.nonResourceURLs !== undefined && (r.resources !== undefined || r.namespaces !== undefined)) {
      p.error(`${at}.nonResourceURLs`, 'a rule matches either resources (resources, namespaces) or nonResourceURLs, not both (the API server refuses the policy)');
    }
    if (Array.isArray(r.nonResourceURLs)) {
      r.nonResourceURLs.forEach((u: unknown, j: number) => {
        if (typeof u === 'string' && (!u.startsWith('/') || u.slice(0, -1).includes('*'))) {
          p.error(`${at}.nonResourceURLs[${j}]`, `${show(u)} must start with "/" and may hold "*" only at its end`);
        }
      });
    }
    if (r.resources !== undefined) {
      if (!Array.isArray(r.resources)) p.error(`${at}.resources`, `must be a list of { group, resources, resourceNames }, got ${show(r.resources)}`);
      else {
        rule.resources = r.resources.map((g: unknown, j: number) => {
          const gat = `${at}.resources[${j}]`;
          if (!checkObject(p, gat, g)) return undefined;
          checkPropKeys(p, gat, g, GROUP_RESOURCES_FIELDS);
          if (g.group !== undefined && (typeof g.group !== 'string' || (g.group !== '' && !/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(g.group)))) {
            p.error(`${gat}.group`, `${show(g.group)} is not an API group ("" is the core group)`);
          }
          return {
            group: g.group,
            resources: list(p, `${gat}.resources`, g.resources, (s) => /^(\*|[a-z0-9-]+)(\/(\*|[a-z0-9-]+))?$|^\*\/[a-z0-9-]+$/.test(s), 'a resource such as "pods", "pods/log", "*" or "*/status"'),
            resourceNames: list(p, `${gat}.resourceNames`, g.resourceNames, nonEmpty, 'an object name'),
          };
        });
      }
    }
    out.push(rule);
  });
  if (p.errors.length > before) return undefined;
  return { omitStages, omitManagedFields, rules: out };
}

function strip(o: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) {
    if (v === undefined) continue;
    out[k] = Array.isArray(v) ? v.map((x) => (x && typeof x === 'object' && !Array.isArray(x) ? strip(x as Record<string, unknown>) : x))
      : v && typeof v === 'object' ? strip(v as Record<string, unknown>) : v;
  }
  return out;
}

function resolveAudit(p: Problems, path: string, value: unknown): Parts | undefined {
  let v: Record<string, unknown> = {};
  if (value !== undefined) {
    if (!checkObject(p, path, value)) return undefined;
    checkPropKeys(p, path, value, AUDIT_FIELDS);
    v = value;
  }
  const before = p.errors.length;
  const policy = checkPolicy(p, `${path}.policy`, v.policy ?? 'preset');
  const maxAge = v.maxAgeDays === undefined ? 30 : checkInt(p, `${path}.maxAgeDays`, v.maxAgeDays, 1, 3650);
  const maxBackup = v.maxBackups === undefined ? 10 : checkInt(p, `${path}.maxBackups`, v.maxBackups, 1, 1000);
  const maxSize = v.maxSizeMegabytes === undefined ? 100 : checkInt(p, `${path}.maxSizeMegabytes`, v.maxSizeMegabytes, 1, 100000);
  const files: KubeadmFile[] = [];
  const args: Record<string, string> = {
    'audit-policy-file': HARDENING_PATHS.auditPolicy,
    'audit-log-path': HARDENING_PATHS.auditLog,
    'audit-log-maxage': String(maxAge),
    'audit-log-maxbackup': String(maxBackup),
    'audit-log-maxsize': String(maxSize),
  };
  if (v.webhook !== undefined && checkObject(p, `${path}.webhook`, v.webhook)) {
    const w = v.webhook;
    checkPropKeys(p, `${path}.webhook`, w, WEBHOOK_FIELDS);
    const from = w.kubeconfigFrom === undefined
      ? (p.error(`${path}.webhook.kubeconfigFrom`, 'is required: the Secret key holding the webhook\'s kubeconfig'), undefined)
      : checkSecretKeyRef(p, `${path}.webhook.kubeconfigFrom`, w.kubeconfigFrom);
    const mode = w.mode === undefined ? 'batch' : checkEnum(p, `${path}.webhook.mode`, w.mode, ['batch', 'blocking', 'blocking-strict'] as const);
    if (from) files.push({ path: HARDENING_PATHS.auditWebhookConfig, contentFrom: from, owner: 'root:root', permissions: '0600' });
    if (mode) {
      args['audit-webhook-config-file'] = HARDENING_PATHS.auditWebhookConfig;
      args['audit-webhook-mode'] = mode;
    }
  }
  if (p.errors.length > before || !policy) return undefined;
  const policyDoc = yaml({ apiVersion: 'audit.k8s.io/v1', kind: 'Policy', ...strip(policy) });
  if (policyDoc.length > 10240) {
    p.error(`${path}.policy`, `renders to ${policyDoc.length} characters; a KubeadmConfig file holds at most 10240 inline`);
    return undefined;
  }
  files.unshift({ path: HARDENING_PATHS.auditPolicy, content: policyDoc, owner: 'root:root', permissions: '0600' });
  return [args, files, [volume('audit-config', HARDENING_PATHS.auditPolicy), volume('audit-log', HARDENING_PATHS.auditLog, false)]];
}

function checkIssuerUrl(p: Problems, path: string, value: unknown): string | undefined {
  let u: URL | undefined;
  try {
    u = typeof value === 'string' ? new URL(value) : undefined;
  } catch {
    u = undefined;
  }
  if (!u || typeof value !== 'string' || u.protocol !== 'https:' || u.username || u.password || u.search || u.hash || value.length > 1024) {
    p.error(path, `${show(value)} is not an OIDC issuer URL: the API server accepts only https:// URLs without user, query or fragment`);
    return undefined;
  }
  return value;
}

function resolveAuthentication(p: Problems, path: string, value: unknown, minor: number | undefined, userArgs: Record<string, string> | undefined): Parts | undefined {
  if (!checkObject(p, path, value)) return undefined;
  checkPropKeys(p, path, value, AUTHN_FIELDS);
  const before = p.errors.length;
  for (const k of Object.keys(userArgs ?? {})) {
    if (k.startsWith('oidc-')) {
      p.error(`${path.replace(/authentication$/, 'extraArgs')}.${k}`, `--${k} cannot be combined with authentication: kube-apiserver refuses --oidc-* flags next to --authentication-config (move the issuer into authentication.issuers)`);
    }
  }
  const gates = userArgs?.['feature-gates'];
  if (gates && /(^|,)\s*StructuredAuthenticationConfiguration\s*=\s*false/.test(gates)) {
    p.error(`${path.replace(/authentication$/, 'extraArgs')}.feature-gates`, `${show(gates)} turns StructuredAuthenticationConfiguration off, which --authentication-config needs`);
  }
  const apiVersion = minor === undefined ? undefined : authenticationConfigApiVersion(minor);
  if (minor !== undefined && !apiVersion) {
    p.error(path, `Kubernetes 1.${minor} has no structured AuthenticationConfiguration (it is on by default from 1.30)`);
  }
  const issuers = value.issuers;
  if (!Array.isArray(issuers) || issuers.length === 0) {
    p.error(`${path}.issuers`, `must be a non-empty list of issuers { url, audiences, ... }, got ${show(issuers)}`);
    return undefined;
  }
  const urls = new Map<string, number>();
  const caFiles: KubeadmFile[] = [];
  const jwt = issuers.map((i: unknown, n: number) => {
    const at = `${path}.issuers[${n}]`;
    if (!checkObject(p, at, i)) return undefined;
    checkPropKeys(p, at, i, ISSUER_FIELDS);
    const url = checkIssuerUrl(p, `${at}.url`, i.url);
    if (url !== undefined) {
      const prev = urls.get(url);
      if (prev !== undefined) p.error(`${at}.url`, `${show(url)} is already the URL of ${path}.issuers[${prev}]: each issuer URL must be unique`);
      urls.set(url, n);
    }
    const audiences = i.audiences === undefined
      ? (p.error(`${at}.audiences`, 'is required: the client IDs (aud) whose tokens are accepted'), undefined)
      : list(p, `${at}.audiences`, i.audiences, nonEmpty, 'an audience (a non-empty string without line breaks)', 1);
    const caFrom = i.certificateAuthorityFrom === undefined ? undefined : checkSecretKeyRef(p, `${at}.certificateAuthorityFrom`, i.certificateAuthorityFrom);
    const caFile = caFrom && `${dirOf(HARDENING_PATHS.authenticationConfig)}/issuer-${n}-ca.crt`;
    if (caFrom) caFiles.push({ path: caFile!, contentFrom: caFrom, owner: 'root:root', permissions: '0644' });
    const claim = (f: string, dflt?: string): string | undefined => {
      const c = i[f];
      if (c === undefined) return dflt;
      if (typeof c !== 'string' || !CLAIM.test(c)) {
        p.error(`${at}.${f}`, `${show(c)} is not a claim name: letters, digits, '_', ':', '.', '-', '/', 1 to 256 characters`);
        return undefined;
      }
      return c;
    };
    const prefix = (f: string): string | undefined => {
      const c = i[f];
      if (c === undefined) return 'oidc:';
      if (typeof c !== 'string' || c.length > 256 || /[\s]/.test(c) || c.startsWith('system:')) {
        p.error(`${at}.${f}`, `${show(c)} is not a prefix: a string without whitespace, at most 256 characters, not starting with "system:" (reserved for Kubernetes' own users and groups)`);
        return undefined;
      }
      return c;
    };
    const usernameClaim = claim('usernameClaim', 'sub');
    const usernamePrefix = prefix('usernamePrefix');
    const groupsClaim = claim('groupsClaim');
    const groupsPrefix = prefix('groupsPrefix');
    if (i.groupsPrefix !== undefined && i.groupsClaim === undefined) p.error(`${at}.groupsPrefix`, 'needs groupsClaim: without a groups claim there are no groups to prefix');
    let required: { claim: string; requiredValue: string }[] | undefined;
    if (i.requiredClaims !== undefined && checkObject(p, `${at}.requiredClaims`, i.requiredClaims)) {
      required = [];
      for (const [c, val] of Object.entries(i.requiredClaims)) {
        if (!CLAIM.test(c)) p.error(`${at}.requiredClaims.${c}`, `${show(c)} is not a claim name: letters, digits, '_', ':', '.', '-', '/', 1 to 256 characters`);
        if (typeof val !== 'string' || !nonEmpty(val)) p.error(`${at}.requiredClaims.${c}`, `value must be a non-empty string without line breaks, got ${show(val)}`);
        required.push({ claim: c, requiredValue: val as string });
      }
    }
    return {
      issuer: {
        url,
        certificateAuthority: caFile && `${CA_MARK}${caFile}@@`,
        audiences,
        audienceMatchPolicy: audiences && audiences.length > 1 ? 'MatchAny' : undefined,
      },
      claimValidationRules: required && required.length > 0 ? required : undefined,
      claimMappings: {
        username: { claim: usernameClaim, prefix: usernamePrefix },
        groups: groupsClaim === undefined ? undefined : { claim: groupsClaim, prefix: groupsPrefix },
      },
    };
  });
  if (p.errors.length > before || !apiVersion) return undefined;
  const file = HARDENING_PATHS.authenticationConfig;
  const config = yaml({ apiVersion, kind: 'AuthenticationConfiguration', jwt: jwt.map((j) => strip(j as Record<string, unknown>)) });
  if (config.length > 10240) {
    p.error(`${path}.issuers`, `render to ${config.length} characters; a KubeadmConfig file holds at most 10240 inline`);
    return undefined;
  }
  if (caFiles.length === 0) {
    return [{ 'authentication-config': file }, [{ path: file, content: config, owner: 'root:root', permissions: '0600' }], [volume('authentication-config', file)]];
  }
  // The CA certificates come from Secrets; the configuration is written as a template and completed on the node
  const template = `${file}.template`;
  return [{ 'authentication-config': file }, [
    ...caFiles,
    { path: template, content: caTemplate(config), owner: 'root:root', permissions: '0600' },
    { path: AUTHENTICATION_SPLICE_SCRIPT, content: spliceScript(template, file), owner: 'root:root', permissions: '0700' },
  ], [volume('authentication-config', file)], [AUTHENTICATION_SPLICE_SCRIPT]];
}

const CA_MARK = '@@ca-file:';

/** The configuration with each CA placeholder as a block scalar holding one marker line, for the splice script. */
function caTemplate(config: string): string {
  return config.split('\n').map((line) => {
    const m = /^( *)certificateAuthority: ['"]?@@ca-file:([^'"@]+)@@['"]?$/.exec(line);
    return m ? `${m[1]}certificateAuthority: |\n${m[1]}  ${CA_MARK}${m[2]}@@` : line;
  }).join('\n');
}

/** The script (a preKubeadmCommand) that writes the AuthenticationConfiguration with the CA certificates spliced in. */
export const AUTHENTICATION_SPLICE_SCRIPT = '/etc/kubernetes/authentication/splice-ca.sh';

function spliceScript(template: string, file: string): string {
  return [
    '#!/bin/sh',
    '# Writes the AuthenticationConfiguration: each line "<indent>@@ca-file:<path>@@" of the template becomes the',
    '# lines of that CA file, indented alike (the API server reads an issuer\'s CA only inline). Written by capi-constructs.',
    'set -eu',
    `umask 077`,
    `awk -v mark='${CA_MARK}' '{`,
    '  i = index($0, mark)',
    '  if (i == 0) { print; next }',
    '  indent = substr($0, 1, i - 1); f = substr($0, i + length(mark)); sub(/@@.*$/, "", f)',
    '  n = 0',
    '  while ((getline line < f) > 0) { print indent line; n++ }',
    '  close(f)',
    '  if (n == 0) { print "no CA certificate in " f > "/dev/stderr"; exit 1 }',
    `}' ${template} > ${file}.new`,
    `mv ${file}.new ${file}`,
    '',
  ].join('\n');
}

function checkPsaVersion(p: Problems, path: string, value: unknown, minor: number | undefined): string | undefined {
  if (value === undefined || value === 'latest') return 'latest';
  const m = typeof value === 'string' ? /^v1\.(0|[1-9][0-9]*)$/.exec(value) : null;
  if (!m) {
    p.error(path, `${show(value)} is not a Pod Security version: "latest" or "v1.<minor>", e.g. "v1.31"`);
    return undefined;
  }
  if (minor !== undefined && Number(m[1]) > minor) {
    p.error(path, `${show(value)} is newer than the cluster's Kubernetes 1.${minor}, whose API server knows the Pod Security Standards only up to v1.${minor}`);
    return undefined;
  }
  return value as string;
}

function resolvePodSecurity(p: Problems, path: string, value: unknown, minor: number | undefined): Parts | undefined {
  let v: Record<string, unknown> = {};
  if (value !== undefined) {
    if (!checkObject(p, path, value)) return undefined;
    checkPropKeys(p, path, value, POD_SECURITY_FIELDS);
    v = value;
  }
  const before = p.errors.length;
  const level = (f: string, dflt: PodSecurityLevel) => (v[f] === undefined ? dflt : checkEnum(p, `${path}.${f}`, v[f], LEVELS));
  const defaults = {
    enforce: level('enforce', 'baseline'),
    'enforce-version': checkPsaVersion(p, `${path}.enforceVersion`, v.enforceVersion, minor),
    audit: level('audit', 'restricted'),
    'audit-version': checkPsaVersion(p, `${path}.auditVersion`, v.auditVersion, minor),
    warn: level('warn', 'restricted'),
    'warn-version': checkPsaVersion(p, `${path}.warnVersion`, v.warnVersion, minor),
  };
  const namespaces = list(p, `${path}.exemptNamespaces`, v.exemptNamespaces, isDns1123Label, 'a namespace name (a DNS-1123 label)');
  namespaces?.forEach((n, i) => {
    if (n in POD_SECURITY_LIBRARY_EXEMPTIONS) p.warn(`${path}.exemptNamespaces[${i}]`, `${show(n)} is exempted by the library already`);
  });
  const usernames = list(p, `${path}.exemptUsernames`, v.exemptUsernames, nonEmpty, 'a user name');
  const runtimeClasses = list(p, `${path}.exemptRuntimeClasses`, v.exemptRuntimeClasses, (s) => /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(s) && s.length <= 253, 'a RuntimeClass name');
  if (defaults.enforce === 'privileged') p.warn(`${path}.enforce`, '"privileged" enforces nothing: any pod, including one with host access, is admitted in namespaces without their own label');
  if (p.errors.length > before) return undefined;
  const file = HARDENING_PATHS.admissionConfig;
  const exempt = [...new Set([...Object.keys(POD_SECURITY_LIBRARY_EXEMPTIONS), ...(namespaces ?? [])])].sort();
  const config = yaml({
    apiVersion: 'apiserver.config.k8s.io/v1',
    kind: 'AdmissionConfiguration',
    plugins: [{
      name: 'PodSecurity',
      configuration: strip({
        apiVersion: 'pod-security.admission.config.k8s.io/v1',
        kind: 'PodSecurityConfiguration',
        defaults,
        exemptions: { usernames: usernames ?? [], runtimeClasses: runtimeClasses ?? [], namespaces: exempt },
      }),
    }],
  });
  return [{ 'admission-control-config-file': file }, [{ path: file, content: config, owner: 'root:root', permissions: '0600' }], [volume('admission-config', file)]];
}

/** A key of an EncryptionConfiguration provider. */
export interface EncryptionKey {
  /** Name of the key, unique in the list; stored in every value it encrypts. */
  readonly name: string;
  /** The key, base64: 32 random bytes (aescbc and aesgcm also take 16 or 24), e.g. `head -c 32 /dev/urandom | base64`. */
  readonly secret: string;
}

/** What {@link encryptionConfiguration} builds. */
export interface EncryptionConfigurationOptions {
  /** `secretbox` (XSalsa20-Poly1305), `aescbc` or `aesgcm` (aesgcm only with automatic rotation, see docs/hardening.md). */
  readonly provider: 'aescbc' | 'aesgcm' | 'secretbox';
  /** The keys, newest first: the first encrypts, all decrypt. */
  readonly keys: readonly EncryptionKey[];
  /** Resources to encrypt. @default ['secrets'] */
  readonly resources?: readonly string[];
}

/**
 * The content of the EncryptionConfiguration Secret that `encryption.configFrom` names: put it in
 * the Secret yourself (it holds the keys, so the library never writes it into a manifest). Ends with
 * the `identity` provider, so that values written before encryption was turned on stay readable.
 * Throws a ValidationError naming every problem.
 */
export function encryptionConfiguration(options: EncryptionConfigurationOptions): string {
  const p = new Problems('encryptionConfiguration');
  if (!checkObject(p, 'options', options)) p.throwIfErrors();
  const provider = checkEnum(p, 'provider', options.provider, ['aescbc', 'aesgcm', 'secretbox'] as const);
  const resources = options.resources === undefined ? ['secrets'] : checkResources(p, 'resources', options.resources);
  const keys = options.keys as unknown;
  if (!Array.isArray(keys) || keys.length === 0) p.error('keys', `must be a non-empty list of { name, secret }, newest first, got ${show(keys)}`);
  else {
    const names = new Set<string>();
    keys.forEach((k: unknown, i: number) => {
      if (!checkObject(p, `keys[${i}]`, k)) return;
      if (typeof k.name !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/.test(k.name)) {
        p.error(`keys[${i}].name`, `${show(k.name)} is not a key name: letters, digits, '-', '_' and '.', at most 63 characters`);
      } else if (names.has(k.name)) p.error(`keys[${i}].name`, `${show(k.name)} is listed twice: key names must be unique`);
      else names.add(k.name);
      const s = k.secret;
      const bytes = typeof s === 'string' && /^[A-Za-z0-9+/]+={0,2}$/.test(s) && s.length % 4 === 0 ? Buffer.from(s, 'base64').length : undefined;
      const allowed = provider === 'secretbox' ? [32] : [16, 24, 32];
      // the value is a key: never shown
      if (bytes === undefined) p.error(`keys[${i}].secret`, 'is not base64 (the value is not shown: it is a key)');
      else if (!allowed.includes(bytes)) p.error(`keys[${i}].secret`, `decodes to ${bytes} bytes; ${provider ?? 'the provider'} needs ${allowed.join(', ')} bytes (the value is not shown: it is a key)`);
    });
  }
  // a helper returns a string, so its one warning (no "secrets" in resources) is an error here
  for (const w of p.warnings) p.error(w.path, w.message);
  p.throwIfErrors();
  return yaml({
    apiVersion: 'apiserver.config.k8s.io/v1',
    kind: 'EncryptionConfiguration',
    resources: [{
      resources,
      providers: [{ [provider!]: { keys: (keys as EncryptionKey[]).map((k) => ({ name: k.name, secret: k.secret })) } }, { identity: {} }],
    }],
  });
}
