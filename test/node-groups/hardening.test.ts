/**
 * The API server hardening of `kubeadm.apiServer`: encryption at rest, audit logging, OIDC and Pod
 * Security admission. Where each lands (files, flags, host-path volumes, in both Cluster API
 * versions), the per-minor AuthenticationConfiguration, the managed flags, the rules (field, value
 * and rule named), CRD conformance and the plan when one is turned on later. test/cluster/hardening.test.ts
 * starts a real kube-apiserver with what is rendered here.
 */
import * as YAML from 'yaml';
import {
  ApiServerProps, Cluster, ClusterProps, ControlPlaneGroup, encryptionConfiguration, planFleet,
} from '../../lib';
import { conformanceFailures } from '../conformance/check';
import { TEST_INFRA } from '../support/infrastructure';
import { dockerTemplate, newChart, objectsOf, validationError } from './fixtures';

type Capi = 'v1beta2' | 'v1beta1';

function build(apiServer: unknown, opts: { capi?: Capi; cluster?: Partial<ClusterProps>; override?: string[] } = {}) {
  const chart = newChart();
  const cluster = new Cluster(chart, 'c', { name: 'k', namespace: 'tenants', kubernetesVersion: 'v1.31.4', apiVersion: opts.capi ?? 'v1beta2', infrastructure: TEST_INFRA, cni: 'calico', ...opts.cluster });
  const cp = new ControlPlaneGroup(chart, 'cp', { cluster, machineTemplate: dockerTemplate(), kubeadm: { apiServer: apiServer as ApiServerProps, override: opts.override } });
  const objects = objectsOf(chart);
  const kcp = objects.find((o) => o.kind === 'KubeadmControlPlane');
  return { objects, cp, kcp, spec: kcp.spec.kubeadmConfigSpec };
}

const file = (spec: any, path: string) => spec.files.find((f: any) => f.path === path);
const parsed = (spec: any, path: string) => YAML.parse(file(spec, path).content);
const args = (spec: any): Record<string, string> => Object.fromEntries((spec.clusterConfiguration.apiServer.extraArgs ?? []).map((a: any) => [a.name, a.value]));
const issues = (apiServer: unknown, opts: Parameters<typeof build>[1] = {}) => validationError(() => build(apiServer, opts)).issues.map((i) => [i.path, i.message]);

const ENCRYPTION = { configFrom: { secret: { name: 'k-encryption', key: 'config.yaml' } } };
const OIDC = { issuers: [{ url: 'https://login.example.com/realms/k8s', audiences: ['kubernetes'], groupsClaim: 'groups' }] };
const ALL = { encryption: ENCRYPTION, audit: {}, authentication: OIDC, podSecurity: {} };

describe('where the hardening lands', () => {
  test('nothing without the props: no file, flag or volume (every hardening is off until set)', () => {
    const { spec } = build(undefined);
    expect(spec.files).toBeUndefined();
    expect(spec.clusterConfiguration.apiServer).toBeUndefined();
    expect(build({ audit: false, podSecurity: false }).spec.clusterConfiguration.apiServer).toBeUndefined();
  });

  test.each<Capi>(['v1beta2', 'v1beta1'])('all four: files, flags (list or map by version) and host-path volumes, %s', (capi) => {
    const { spec, objects } = build(ALL, { capi });
    const expectedArgs = {
      'admission-control-config-file': '/etc/kubernetes/admission/config.yaml',
      'audit-log-maxage': '30', 'audit-log-maxbackup': '10', 'audit-log-maxsize': '100',
      'audit-log-path': '/var/log/kubernetes/audit/audit.log', 'audit-policy-file': '/etc/kubernetes/audit/policy.yaml',
      'authentication-config': '/etc/kubernetes/authentication/config.yaml',
      'encryption-provider-config': '/etc/kubernetes/encryption/config.yaml',
    };
    const extraArgs = spec.clusterConfiguration.apiServer.extraArgs;
    expect(capi === 'v1beta2' ? Object.fromEntries(extraArgs.map((a: any) => [a.name, a.value])) : extraArgs).toEqual(expectedArgs);
    expect(spec.files.map((f: any) => [f.path, f.permissions, f.contentFrom ? 'secret' : 'inline'])).toEqual([
      ['/etc/kubernetes/encryption/config.yaml', '0600', 'secret'],
      ['/etc/kubernetes/audit/policy.yaml', '0600', 'inline'],
      ['/etc/kubernetes/authentication/config.yaml', '0600', 'inline'],
      ['/etc/kubernetes/admission/config.yaml', '0600', 'inline'],
    ]);
    expect(file(spec, '/etc/kubernetes/encryption/config.yaml').contentFrom).toEqual({ secret: { name: 'k-encryption', key: 'config.yaml' } });
    expect(spec.clusterConfiguration.apiServer.extraVolumes).toEqual([
      { name: 'encryption-config', hostPath: '/etc/kubernetes/encryption', mountPath: '/etc/kubernetes/encryption', readOnly: true, pathType: 'DirectoryOrCreate' },
      { name: 'audit-config', hostPath: '/etc/kubernetes/audit', mountPath: '/etc/kubernetes/audit', readOnly: true, pathType: 'DirectoryOrCreate' },
      { name: 'audit-log', hostPath: '/var/log/kubernetes/audit', mountPath: '/var/log/kubernetes/audit', readOnly: false, pathType: 'DirectoryOrCreate' },
      { name: 'authentication-config', hostPath: '/etc/kubernetes/authentication', mountPath: '/etc/kubernetes/authentication', readOnly: true, pathType: 'DirectoryOrCreate' },
      { name: 'admission-config', hostPath: '/etc/kubernetes/admission', mountPath: '/etc/kubernetes/admission', readOnly: true, pathType: 'DirectoryOrCreate' },
    ]);
    expect(conformanceFailures(objects, capi)).toEqual([]);
  });

  test('the preset audit policy: health checks and lease renewals not logged, Secrets and ConfigMaps at Metadata, reads at Metadata, writes at Request', () => {
    const policy = parsed(build({ audit: {} }).spec, '/etc/kubernetes/audit/policy.yaml');
    expect(policy.apiVersion).toBe('audit.k8s.io/v1');
    expect(policy.kind).toBe('Policy');
    expect(policy.omitStages).toEqual(['RequestReceived']);
    expect(policy.rules.map((r: any) => r.level)).toEqual(['None', 'None', 'Metadata', 'Metadata', 'Request', 'Metadata']);
    expect(policy.rules[2].resources[0]).toEqual({ group: '', resources: ['secrets', 'configmaps', 'serviceaccounts/token'] });
    expect(policy.rules[4].verbs).toEqual(['create', 'update', 'patch', 'delete', 'deletecollection']);
  });

  test('a user policy, rotation and a webhook from a Secret', () => {
    const { spec } = build({
      audit: {
        policy: { rules: [{ level: 'RequestResponse', resources: [{ group: 'rbac.authorization.k8s.io' }] }, { level: 'Metadata' }], omitStages: ['RequestReceived'] },
        maxAgeDays: 7, maxBackups: 3, maxSizeMegabytes: 50,
        webhook: { kubeconfigFrom: { secret: { name: 'audit-sink', key: 'kubeconfig' } }, mode: 'blocking' },
      },
    });
    expect(parsed(spec, '/etc/kubernetes/audit/policy.yaml').rules).toEqual([{ level: 'RequestResponse', resources: [{ group: 'rbac.authorization.k8s.io' }] }, { level: 'Metadata' }]);
    expect(args(spec)).toMatchObject({
      'audit-log-maxage': '7', 'audit-log-maxbackup': '3', 'audit-log-maxsize': '50',
      'audit-webhook-config-file': '/etc/kubernetes/audit/webhook.kubeconfig', 'audit-webhook-mode': 'blocking',
    });
    expect(file(spec, '/etc/kubernetes/audit/webhook.kubeconfig')).toEqual({
      path: '/etc/kubernetes/audit/webhook.kubeconfig', contentFrom: { secret: { name: 'audit-sink', key: 'kubeconfig' } }, owner: 'root:root', permissions: '0600',
    });
  });

  test('KMS v2: the configuration holds no key, so it is inline, and the socket directory is mounted', () => {
    const { spec } = build({ encryption: { kms: { name: 'vault', endpoint: 'unix:///var/run/kmsplugin/socket.sock', timeout: '10s' }, resources: ['secrets', 'configmaps'] } });
    expect(parsed(spec, '/etc/kubernetes/encryption/config.yaml')).toEqual({
      apiVersion: 'apiserver.config.k8s.io/v1', kind: 'EncryptionConfiguration',
      resources: [{ resources: ['secrets', 'configmaps'], providers: [{ kms: { apiVersion: 'v2', name: 'vault', endpoint: 'unix:///var/run/kmsplugin/socket.sock', timeout: '10s' } }, { identity: {} }] }],
    });
    expect(spec.clusterConfiguration.apiServer.extraVolumes[1]).toEqual({ name: 'kms-socket', hostPath: '/var/run/kmsplugin', mountPath: '/var/run/kmsplugin', readOnly: false, pathType: 'DirectoryOrCreate' });
  });

  test.each([['v1.31.4', 'apiserver.config.k8s.io/v1beta1'], ['v1.33.2', 'apiserver.config.k8s.io/v1beta1'], ['v1.34.0', 'apiserver.config.k8s.io/v1'], ['v1.35.1', 'apiserver.config.k8s.io/v1']])(
    'OIDC on Kubernetes %s: AuthenticationConfiguration %s', (kubernetesVersion, apiVersion) => {
      const config = parsed(build({ authentication: OIDC }, { cluster: { kubernetesVersion } }).spec, '/etc/kubernetes/authentication/config.yaml');
      expect(config).toEqual({
        apiVersion, kind: 'AuthenticationConfiguration',
        jwt: [{
          issuer: { url: 'https://login.example.com/realms/k8s', audiences: ['kubernetes'] },
          claimMappings: { username: { claim: 'sub', prefix: 'oidc:' }, groups: { claim: 'groups', prefix: 'oidc:' } },
        }],
      });
    },
  );

  test('OIDC: several issuers, several audiences, required claims, a CA from a Secret spliced in by a preKubeadmCommand', () => {
    const { spec } = build({
      authentication: {
        issuers: [
          { url: 'https://a.example.com', audiences: ['k8s', 'kubectl'], usernameClaim: 'email', usernamePrefix: '', requiredClaims: { hd: 'example.com' }, certificateAuthorityFrom: { secret: { name: 'idp-ca', key: 'ca.crt' } } },
          { url: 'https://b.example.com', audiences: ['k8s'] },
        ],
      },
    });
    const template = file(spec, '/etc/kubernetes/authentication/config.yaml.template');
    expect(template.content).toContain('      certificateAuthority: |\n        @@ca-file:/etc/kubernetes/authentication/issuer-0-ca.crt@@\n');
    const config = YAML.parse(template.content.replace(/@@ca-file:[^@]+@@/, 'CA'));
    expect(config.jwt[0]).toEqual({
      issuer: { url: 'https://a.example.com', certificateAuthority: 'CA\n', audiences: ['k8s', 'kubectl'], audienceMatchPolicy: 'MatchAny' },
      claimValidationRules: [{ claim: 'hd', requiredValue: 'example.com' }],
      claimMappings: { username: { claim: 'email', prefix: '' } },
    });
    expect(config.jwt[1].issuer).toEqual({ url: 'https://b.example.com', audiences: ['k8s'] });
    expect(file(spec, '/etc/kubernetes/authentication/issuer-0-ca.crt').contentFrom).toEqual({ secret: { name: 'idp-ca', key: 'ca.crt' } });
    expect(spec.preKubeadmCommands).toEqual(['/etc/kubernetes/authentication/splice-ca.sh']);
    expect(file(spec, '/etc/kubernetes/authentication/splice-ca.sh').permissions).toBe('0700');
  });

  test('Pod Security: levels, versions and exemptions next to the library\'s own', () => {
    const config = parsed(build({
      podSecurity: { enforce: 'restricted', enforceVersion: 'v1.30', warn: 'restricted', audit: 'baseline', exemptNamespaces: ['legacy'], exemptUsernames: ['system:serviceaccount:ci:runner'], exemptRuntimeClasses: ['kata'] },
    }).spec, '/etc/kubernetes/admission/config.yaml');
    expect(config).toEqual({
      apiVersion: 'apiserver.config.k8s.io/v1', kind: 'AdmissionConfiguration',
      plugins: [{
        name: 'PodSecurity',
        configuration: {
          apiVersion: 'pod-security.admission.config.k8s.io/v1', kind: 'PodSecurityConfiguration',
          defaults: { enforce: 'restricted', 'enforce-version': 'v1.30', audit: 'baseline', 'audit-version': 'latest', warn: 'restricted', 'warn-version': 'latest' },
          exemptions: { usernames: ['system:serviceaccount:ci:runner'], runtimeClasses: ['kata'], namespaces: ['calico-system', 'kube-system', 'legacy', 'tigera-operator'] },
        },
      }],
    });
  });
});

describe('managed flags', () => {
  test('a hardening flag set differently by hand is an error naming both, unless overridden (then a warning)', () => {
    expect(issues({ audit: {}, extraArgs: { 'audit-log-maxage': '7' } })).toEqual([[
      'kubeadm.apiServer.extraArgs.audit-log-maxage',
      '"7" conflicts with "30" set by kubeadm.apiServer.audit: remove it, or list "apiServer.extraArgs.audit-log-maxage" in kubeadm.override to replace the library\'s value',
    ]]);
    const { cp, spec } = build({ audit: {}, extraArgs: { 'audit-log-maxage': '7' } }, { override: ['apiServer.extraArgs.audit-log-maxage'] });
    expect(args(spec)['audit-log-maxage']).toBe('7');
    expect(cp.warnings.map((w) => [w.path, w.message])).toEqual([[
      'kubeadm.apiServer.extraArgs.audit-log-maxage', '"7" overrides "30" set by kubeadm.apiServer.audit, which the library\'s configuration files and volumes are written for',
    ]]);
    // the same value is no conflict; other flags pass through
    expect(args(build({ audit: {}, extraArgs: { 'audit-log-maxage': '30', 'profiling': 'false' } }).spec)).toMatchObject({ 'audit-log-maxage': '30', profiling: 'false' });
  });

  test('a user file at a hardening path is an error naming the hardening', () => {
    expect(validationError(() => {
      const chart = newChart();
      const cluster = new Cluster(chart, 'c', { name: 'k', namespace: 'tenants', kubernetesVersion: 'v1.31.4', infrastructure: TEST_INFRA, cni: 'calico' });
      new ControlPlaneGroup(chart, 'cp', { cluster, machineTemplate: dockerTemplate(), kubeadm: { apiServer: { audit: {} }, files: [{ path: '/etc/kubernetes/audit/policy.yaml', content: 'x' }] } });
    }).issues.map((i) => [i.path, i.message])).toEqual([[
      'kubeadm.files[0].path',
      '"/etc/kubernetes/audit/policy.yaml" is already written by kubeadm.apiServer.audit: choose another path, or list "files[/etc/kubernetes/audit/policy.yaml]" in kubeadm.override to replace the library\'s file',
    ]]);
  });
});

describe('rules: every problem names the field, the value and the rule, all reported together', () => {
  test.each<[string, unknown, string, RegExp]>([
    ['unknown prop', { auditing: {} }, 'kubeadm.apiServer.auditing', /^"auditing" is not a known field of ApiServerProps; known fields are extraArgs, encryption, audit, authentication, podSecurity/],
    ['encryption without a source', { encryption: {} }, 'kubeadm.apiServer.encryption', /^needs configFrom .* or kms/],
    ['encryption with both sources', { encryption: { ...ENCRYPTION, kms: { name: 'v', endpoint: 'unix:///run/kms/s.sock' } } }, 'kubeadm.apiServer.encryption', /^set either configFrom or kms, not both/],
    ['resources with configFrom', { encryption: { ...ENCRYPTION, resources: ['secrets'] } }, 'kubeadm.apiServer.encryption.resources', /^with configFrom the resources are part of the EncryptionConfiguration in the Secret/],
    ['a bad Secret name', { encryption: { configFrom: { secret: { name: 'Bad_Name', key: 'k' } } } }, 'kubeadm.apiServer.encryption.configFrom.secret.name', /^"Bad_Name" is not a Secret name/],
    ['a KMS endpoint over TCP', { encryption: { kms: { name: 'v', endpoint: 'tcp://10.0.0.1:9000' } } }, 'kubeadm.apiServer.encryption.kms.endpoint', /^"tcp:\/\/10.0.0.1:9000" is not a KMS plugin endpoint: the API server supports only a unix socket/],
    ['a KMS socket in /etc/kubernetes', { encryption: { kms: { name: 'v', endpoint: 'unix:///etc/kubernetes/kms.sock' } } }, 'kubeadm.apiServer.encryption.kms.endpoint', /put the socket in its own directory/],
    ['a bad resource', { encryption: { kms: { name: 'v', endpoint: 'unix:///run/kms/s.sock' }, resources: ['Secrets'] } }, 'kubeadm.apiServer.encryption.resources[0]', /^"Secrets" is not a resource as EncryptionConfiguration names it/],
    ['a duplicate resource', { encryption: { kms: { name: 'v', endpoint: 'unix:///run/kms/s.sock' }, resources: ['secrets', 'secrets'] } }, 'kubeadm.apiServer.encryption.resources[1]', /^"secrets" is listed twice/],
    ['a zero KMS timeout', { encryption: { kms: { name: 'v', endpoint: 'unix:///run/kms/s.sock', timeout: 0 } } }, 'kubeadm.apiServer.encryption.kms.timeout', /^must be longer than 0s/],
    ['audit as a string', { audit: 'on' }, 'kubeadm.apiServer.audit', /must be a plain object/],
    ['an unknown policy name', { audit: { policy: 'strict' } }, 'kubeadm.apiServer.audit.policy', /^"strict" is not an audit policy: use 'preset' or a Policy/],
    ['a policy without rules', { audit: { policy: { rules: [] } } }, 'kubeadm.apiServer.audit.policy.rules', /^must be a non-empty list of rules/],
    ['a bad audit level', { audit: { policy: { rules: [{ level: 'Everything' }] } } }, 'kubeadm.apiServer.audit.policy.rules[0].level', /^must be one of "None", "Metadata", "Request", "RequestResponse", got "Everything"/],
    ['resources and nonResourceURLs in one rule', { audit: { policy: { rules: [{ level: 'None', nonResourceURLs: ['/healthz'], resources: [{ group: '' }] }] } } }, 'kubeadm.apiServer.audit.policy.rules[0].nonResourceURLs', /^a rule matches either resources .* or nonResourceURLs, not both/],
    ['a wildcard inside a URL', { audit: { policy: { rules: [{ level: 'None', nonResourceURLs: ['/a*b'] }] } } }, 'kubeadm.apiServer.audit.policy.rules[0].nonResourceURLs[0]', /may hold "\*" only at its end/],
    ['an unknown stage', { audit: { policy: { rules: [{ level: 'None' }], omitStages: ['Done'] } } }, 'kubeadm.apiServer.audit.policy.omitStages[0]', /^"Done" is not an audit stage/],
    ['zero days', { audit: { maxAgeDays: 0 } }, 'kubeadm.apiServer.audit.maxAgeDays', /0/],
    ['a webhook without its kubeconfig', { audit: { webhook: {} } }, 'kubeadm.apiServer.audit.webhook.kubeconfigFrom', /^is required: the Secret key holding the webhook's kubeconfig/],
    ['an unknown webhook mode', { audit: { webhook: { kubeconfigFrom: { secret: { name: 's', key: 'k' } }, mode: 'async' } } }, 'kubeadm.apiServer.audit.webhook.mode', /"async"/],
    ['no issuers', { authentication: { issuers: [] } }, 'kubeadm.apiServer.authentication.issuers', /^must be a non-empty list of issuers/],
    ['an http issuer', { authentication: { issuers: [{ url: 'http://login.example.com', audiences: ['k'] }] } }, 'kubeadm.apiServer.authentication.issuers[0].url', /^"http:\/\/login.example.com" is not an OIDC issuer URL: the API server accepts only https:\/\/ URLs/],
    ['an issuer with a query', { authentication: { issuers: [{ url: 'https://login.example.com/?x=1', audiences: ['k'] }] } }, 'kubeadm.apiServer.authentication.issuers[0].url', /without user, query or fragment/],
    ['two issuers with one URL', { authentication: { issuers: [{ url: 'https://a.example.com', audiences: ['k'] }, { url: 'https://a.example.com', audiences: ['j'] }] } }, 'kubeadm.apiServer.authentication.issuers[1].url', /^"https:\/\/a.example.com" is already the URL of kubeadm.apiServer.authentication.issuers\[0\]/],
    ['no audiences', { authentication: { issuers: [{ url: 'https://a.example.com' }] } }, 'kubeadm.apiServer.authentication.issuers[0].audiences', /^is required/],
    ['an empty audience list', { authentication: { issuers: [{ url: 'https://a.example.com', audiences: [] }] } }, 'kubeadm.apiServer.authentication.issuers[0].audiences', /^must hold at least 1 entry/],
    ['a system: prefix', { authentication: { issuers: [{ url: 'https://a.example.com', audiences: ['k'], usernamePrefix: 'system:' }] } }, 'kubeadm.apiServer.authentication.issuers[0].usernamePrefix', /not starting with "system:"/],
    ['a bad claim', { authentication: { issuers: [{ url: 'https://a.example.com', audiences: ['k'], groupsClaim: 'my groups' }] } }, 'kubeadm.apiServer.authentication.issuers[0].groupsClaim', /^"my groups" is not a claim name/],
    ['a groups prefix without a claim', { authentication: { issuers: [{ url: 'https://a.example.com', audiences: ['k'], groupsPrefix: 'x:' }] } }, 'kubeadm.apiServer.authentication.issuers[0].groupsPrefix', /^needs groupsClaim/],
    ['an inline CA', { authentication: { issuers: [{ url: 'https://a.example.com', audiences: ['k'], certificateAuthority: 'x' }] } }, 'kubeadm.apiServer.authentication.issuers[0].certificateAuthority', /^"certificateAuthority" is not a known field of OidcIssuer; known fields are url, audiences, certificateAuthorityFrom,/],
    ['a bad level', { podSecurity: { enforce: 'strict' } }, 'kubeadm.apiServer.podSecurity.enforce', /^must be one of "privileged", "baseline", "restricted", got "strict"/],
    ['a bad version', { podSecurity: { enforceVersion: '1.31' } }, 'kubeadm.apiServer.podSecurity.enforceVersion', /^"1.31" is not a Pod Security version: "latest" or "v1.<minor>"/],
    ['a version newer than the cluster', { podSecurity: { auditVersion: 'v1.33' } }, 'kubeadm.apiServer.podSecurity.auditVersion', /^"v1.33" is newer than the cluster's Kubernetes 1.31/],
    ['a bad namespace', { podSecurity: { exemptNamespaces: ['Legacy'] } }, 'kubeadm.apiServer.podSecurity.exemptNamespaces[0]', /^"Legacy" is not a namespace name/],
  ])('%s', (_what, apiServer, path, message) => {
    const found = issues(apiServer);
    expect(found.map(([p]) => p)).toContain(path);
    expect(found.find(([p]) => p === path)![1]).toMatch(message);
  });

  test('--oidc-* flags and a disabled StructuredAuthenticationConfiguration gate are refused next to authentication', () => {
    expect(issues({ authentication: OIDC, extraArgs: { 'oidc-issuer-url': 'https://x.example.com', 'feature-gates': 'StructuredAuthenticationConfiguration=false' } })).toEqual([
      ['kubeadm.apiServer.extraArgs.oidc-issuer-url', '--oidc-issuer-url cannot be combined with authentication: kube-apiserver refuses --oidc-* flags next to --authentication-config (move the issuer into authentication.issuers)'],
      ['kubeadm.apiServer.extraArgs.feature-gates', '"StructuredAuthenticationConfiguration=false" turns StructuredAuthenticationConfiguration off, which --authentication-config needs'],
    ]);
  });

  test('all problems of the hardening come together', () => {
    const found = issues({ encryption: {}, audit: { maxBackups: -1 }, authentication: { issuers: [{ url: 'http://x' }] }, podSecurity: { warn: 'none' } });
    expect(found.map(([p]) => p)).toEqual([
      'kubeadm.apiServer.encryption', 'kubeadm.apiServer.audit.maxBackups', 'kubeadm.apiServer.authentication.issuers[0].url',
      'kubeadm.apiServer.authentication.issuers[0].audiences', 'kubeadm.apiServer.podSecurity.warn',
    ]);
  });
});

describe('encryptionConfiguration(): the content of the key Secret', () => {
  const key = (n: number, fill = 7) => Buffer.alloc(n, fill).toString('base64');

  test('keys newest first, then identity so that values written before stay readable', () => {
    expect(YAML.parse(encryptionConfiguration({ provider: 'secretbox', keys: [{ name: 'key2', secret: key(32, 2) }, { name: 'key1', secret: key(32, 1) }] }))).toEqual({
      apiVersion: 'apiserver.config.k8s.io/v1', kind: 'EncryptionConfiguration',
      resources: [{ resources: ['secrets'], providers: [{ secretbox: { keys: [{ name: 'key2', secret: key(32, 2) }, { name: 'key1', secret: key(32, 1) }] } }, { identity: {} }] }],
    });
    expect(YAML.parse(encryptionConfiguration({ provider: 'aescbc', keys: [{ name: 'k', secret: key(16) }], resources: ['secrets', 'configmaps'] })).resources[0].resources).toEqual(['secrets', 'configmaps']);
  });

  test('bad keys are named without their value', () => {
    const secret = key(16);
    const e = validationError(() => encryptionConfiguration({ provider: 'secretbox', keys: [{ name: 'k', secret }, { name: 'k', secret: 'not base64!' }], resources: ['configmaps'] }));
    expect(e.issues.map((i) => [i.path, i.message])).toEqual([
      ['keys[0].secret', 'decodes to 16 bytes; secretbox needs 32 bytes (the value is not shown: it is a key)'],
      ['keys[1].name', '"k" is listed twice: key names must be unique'],
      ['keys[1].secret', 'is not base64 (the value is not shown: it is a key)'],
      ['resources', '["configmaps"] does not include "secrets": Secrets stay unencrypted in etcd'],
    ]);
    expect(e.message).not.toContain(secret);
  });
});

describe('plan', () => {
  test('turning audit on later rolls the control plane, naming the apiServer and files changes', () => {
    const before = build(undefined).objects;
    const after = build({ audit: {} }).objects;
    const plan = planFleet(before, after);
    const rolls = plan.clusters[0].rolls;
    expect(rolls.map((r) => [r.object.kind, r.group])).toEqual([['KubeadmControlPlane', 'control-plane']]);
    expect(rolls[0].causes.map((c) => c.path)).toEqual(expect.arrayContaining(['spec.kubeadmConfigSpec.clusterConfiguration.apiServer', 'spec.kubeadmConfigSpec.files']));
    expect(plan.clusters[0].rejected).toEqual([]);
  });

  test('a key rotation by a new Secret name is a control-plane roll', () => {
    const before = build({ encryption: ENCRYPTION }).objects;
    const after = build({ encryption: { configFrom: { secret: { name: 'k-encryption-2', key: 'config.yaml' } } } }).objects;
    const rolls = planFleet(before, after).clusters[0].rolls;
    expect(rolls.map((r) => r.object.kind)).toEqual(['KubeadmControlPlane']);
    expect(rolls[0].causes.map((c) => c.path)).toEqual(['spec.kubeadmConfigSpec.files[0].contentFrom.secret.name']);
  });
});

describe('snapshots', () => {
  test.each<Capi>(['v1beta2', 'v1beta1'])('the KubeadmControlPlane of a hardened control plane, %s', (capi) => {
    const apiServer = { ...ALL, authentication: { issuers: [{ ...OIDC.issuers[0], certificateAuthorityFrom: { secret: { name: 'k-oidc-ca', key: 'ca.crt' } } }] } };
    expect(build(apiServer, { capi, cluster: { kubernetesVersion: 'v1.34.1' } }).kcp).toMatchSnapshot();
  });
});
