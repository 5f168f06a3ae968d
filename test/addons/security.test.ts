import { JupyterHubParameters, KubeRayParameters, renderClusterAddon } from '../../lib/core/addons';
import { validationError } from '../support/validation-error';
import { helmReleases, synthAddon } from './fixtures';

const ref = { name: 'prod', namespace: 'tenants', kubernetesVersion: 'v1.31.4', apiVersion: 'v1beta2' as const };
const hub = (parameters: JupyterHubParameters | Record<string, unknown>) => renderClusterAddon({ cluster: ref, addon: 'jupyterhub', parameters: parameters as JupyterHubParameters });
const ray = (parameters: KubeRayParameters | Record<string, unknown>) => renderClusterAddon({ cluster: ref, addon: 'kuberay', parameters: parameters as KubeRayParameters });
const values = (m: ReturnType<typeof hub>) => (m.manifests.find((x) => x.kind === 'HelmRelease') as any).spec.values;
const paths = (fn: () => unknown) => validationError(fn).issues.map((i) => i.path).sort();

const oidc = {
  type: 'oidc', issuer: 'https://id.example.com/realms/lab', clientId: 'hub', clientSecret: { name: 'hub-oidc', key: 'client-secret' },
  allowedUsers: ['ann'], allowedGroups: ['data-science'], adminUsers: ['bob'],
} as const;
const tls = { hosts: ['hub.example.com'], tlsSecret: 'hub-tls' };

describe('JupyterHub authentication (defect 1)', () => {
  test('defaults: never the dummy authenticator, and not exposed', () => {
    const v = values(hub({}));
    expect(v.hub.config.JupyterHub.authenticator_class).toBe('null');
    expect(JSON.stringify(v)).not.toContain('dummy');
    expect(v.proxy.service.type).toBe('ClusterIP');
  });

  test('an exposed hub without authentication is a ValidationError naming the field', () => {
    for (const serviceType of ['LoadBalancer', 'NodePort'] as const) {
      const err = validationError(() => hub({ serviceType, https: tls }));
      expect(err.statusCode).toBe(400);
      expect(err.issues).toEqual([{ path: 'parameters.serviceType', message: expect.stringMatching(new RegExp(`^"${serviceType}" exposes the hub outside the cluster, but parameters.authentication is not set`)) }]);
    }
  });

  test('an exposed hub needs HTTPS; all problems are reported together', () => {
    expect(paths(() => hub({ serviceType: 'LoadBalancer' }))).toEqual(['parameters.https', 'parameters.serviceType']);
    expect(paths(() => hub({ serviceType: 'LoadBalancer', authentication: { ...oidc, callbackUrl: 'https://hub.example.com/hub/oauth_callback' } }))).toEqual(['parameters.https']);
  });

  test('LoadBalancer is the default only with authentication and HTTPS', () => {
    expect(values(hub({ authentication: oidc, https: tls })).proxy.service.type).toBe('LoadBalancer');
    expect(values(hub({ authentication: { type: 'native', adminUsers: ['admin'], adminPasswordSecret: 'hub-admins' } })).proxy.service.type).toBe('ClusterIP');
  });

  test('OIDC: GenericOAuthenticator; the client secret by Secret reference only, never in the values', () => {
    const v = values(hub({ authentication: oidc, https: tls }));
    expect(v.hub.config.JupyterHub.authenticator_class).toBe('generic-oauth');
    expect(v.hub.config.GenericOAuthenticator).toMatchObject({
      client_id: 'hub', oauth_callback_url: 'https://hub.example.com/hub/oauth_callback', allowed_groups: ['data-science'], auth_state_groups_key: 'oauth_user.groups',
    });
    expect(v.hub.config.Authenticator).toEqual({ allowed_users: ['ann'], admin_users: ['bob'] });
    expect(v.hub.extraEnv).toEqual({ OAUTH_CLIENT_SECRET: { valueFrom: { secretKeyRef: { name: 'hub-oidc', key: 'client-secret' } } } });
    expect(v.hub.config.GenericOAuthenticator.client_secret).toBeUndefined();
    // endpoints come from the issuer's discovery document at hub start
    expect(v.hub.extraConfig['capi-constructs-oidc']).toContain('"https://id.example.com/realms/lab/.well-known/openid-configuration"');
    const explicit = values(hub({ authentication: { ...oidc, endpoints: { authorizeUrl: 'https://id.example.com/a', tokenUrl: 'https://id.example.com/t', userdataUrl: 'https://id.example.com/u' } }, https: tls }));
    expect(explicit.hub.config.GenericOAuthenticator).toMatchObject({ authorize_url: 'https://id.example.com/a', token_url: 'https://id.example.com/t', userdata_url: 'https://id.example.com/u' });
    expect(explicit.hub.extraConfig['capi-constructs-oidc']).not.toContain('openid-configuration');
  });

  test('OIDC: an inline secret, a missing allow list, bad URLs and unknown fields are errors', () => {
    const err = validationError(() => hub({ authentication: { type: 'oidc', issuer: 'http://id.example.com', clientId: '', clientSecret: 's3cr3t', colour: 'blue' }, https: tls }));
    expect(err.issues.map((i) => i.path).sort()).toEqual([
      'parameters.authentication.allowedUsers', 'parameters.authentication.clientId', 'parameters.authentication.clientSecret',
      'parameters.authentication.colour', 'parameters.authentication.issuer',
    ]);
    expect(err.issues.find((i) => i.path.endsWith('clientSecret'))!.message).toMatch(/not an inline value/);
    expect(JSON.stringify(err.issues)).not.toContain('s3cr3t');
    // without HTTPS hosts the redirect URL cannot be derived
    expect(paths(() => hub({ authentication: oidc }))).toEqual(['parameters.authentication.callbackUrl']);
    expect(values(hub({ authentication: { ...oidc, callbackUrl: 'https://hub.internal/hub/oauth_callback' } })).hub.config.GenericOAuthenticator.oauth_callback_url).toBe('https://hub.internal/hub/oauth_callback');
  });

  test('NativeAuthenticator: sign-ups need admin approval; at least one admin', () => {
    const v = values(hub({ authentication: { type: 'native', adminUsers: ['admin'], adminPasswordSecret: 'hub-admins' }, https: tls }));
    expect(v.hub.config.JupyterHub.authenticator_class).toBe('nativeauthenticator.NativeAuthenticator');
    expect(v.hub.config.NativeAuthenticator).toEqual({ open_signup: false });
    // JupyterHub 5 admits nobody without allow_all (NativeAuthenticator's login checks the approval)
    expect(v.hub.config.Authenticator).toEqual({ admin_users: ['admin'], allow_all: true });
    expect(paths(() => hub({ authentication: { type: 'native', adminUsers: [], adminPasswordSecret: 'hub-admins' } }))).toEqual(['parameters.authentication.adminUsers']);
  });

  test('NativeAuthenticator: admins log in with the passwords of a Secret, by reference; their names cannot be signed up for', () => {
    const v = values(hub({ authentication: { type: 'native', adminUsers: ['admin', 'ops.lead'], adminPasswordSecret: 'hub-admins' }, https: tls }));
    expect(v.hub.extraEnv).toEqual({
      CAPI_CONSTRUCTS_ADMIN_PASSWORD_0: { valueFrom: { secretKeyRef: { name: 'hub-admins', key: 'admin' } } },
      CAPI_CONSTRUCTS_ADMIN_PASSWORD_1: { valueFrom: { secretKeyRef: { name: 'hub-admins', key: 'ops.lead' } } },
    });
    const code = v.hub.extraConfig['capi-constructs-native'];
    expect(code).toContain('class CapiConstructsNativeAuthenticator(NativeAuthenticator):');
    expect(code).toContain('c.JupyterHub.authenticator_class = CapiConstructsNativeAuthenticator');
    expect(code).toContain(JSON.stringify(JSON.stringify({ admin: 'CAPI_CONSTRUCTS_ADMIN_PASSWORD_0', 'ops.lead': 'CAPI_CONSTRUCTS_ADMIN_PASSWORD_1' })));
    const e = validationError(() => hub({ authentication: { type: 'native', adminUsers: ['admin', 'ann@example.com'] } }));
    expect(e.issues).toEqual([
      { path: 'parameters.authentication.adminUsers[1]', message: `"ann@example.com" cannot be a key of adminPasswordSecret (letters, digits, '-', '_', '.'): each admin's password is under the admin's name` },
      { path: 'parameters.authentication.adminPasswordSecret', message: expect.stringContaining("is required: the Secret (in the add-on namespace) with each admin's password under the admin's name") },
    ]);
    expect(paths(() => hub({ authentication: { type: 'native', adminUsers: ['admin'], adminPasswordSecret: 'Hub Admins' } }))).toEqual(['parameters.authentication.adminPasswordSecret']);
  });

  test('dummy: only when asked for by name, with a warning, and never exposed', () => {
    const m = hub({ authentication: { type: 'dummy' } });
    expect(values(m).hub.config.JupyterHub.authenticator_class).toBe('dummy');
    expect(m.warnings).toEqual([{ path: 'parameters.authentication.type', message: expect.stringMatching(/^"dummy" lets anyone/) }]);
    expect(paths(() => hub({ authentication: { type: 'dummy' }, https: tls, serviceType: 'LoadBalancer' }))).toEqual(['parameters.authentication.type']);
    expect(paths(() => hub({ authentication: { type: 'guest' } }))).toEqual(['parameters.authentication.type']);
  });

  test('HTTPS: a TLS Secret or Let\'s Encrypt with a contact e-mail, exactly one', () => {
    expect(values(hub({ authentication: oidc, https: tls })).proxy.https).toEqual({ enabled: true, type: 'secret', hosts: ['hub.example.com'], secret: { name: 'hub-tls', key: 'tls.key', crt: 'tls.crt' } });
    const le = values(hub({ authentication: oidc, https: { hosts: ['hub.example.com'], letsEncrypt: { contactEmail: 'ops@example.com' } } }));
    expect(le.proxy.https).toEqual({ enabled: true, type: 'letsencrypt', hosts: ['hub.example.com'], letsencrypt: { contactEmail: 'ops@example.com' } });
    expect(paths(() => hub({ authentication: oidc, https: { hosts: ['hub.example.com'] } }))).toEqual(['parameters.https']);
    expect(paths(() => hub({ authentication: oidc, https: { hosts: [], letsEncrypt: { contactEmail: 'nobody' } } }))).toEqual(['parameters.https.hosts', 'parameters.https.letsEncrypt.contactEmail']);
    const nodePort = hub({ authentication: oidc, https: { hosts: ['hub.example.com'], letsEncrypt: { contactEmail: 'ops@example.com' } }, serviceType: 'NodePort' });
    expect(nodePort.warnings.map((w) => w.path)).toEqual(['parameters.https.letsEncrypt']);
  });

  test('the chart\'s "from anywhere" proxy rule is switched off in the values, for every setting', () => {
    // cdk8s drops null values, so the setting is an empty list (which replaces the chart's list); check the synthesized objects too
    const synthesized = helmReleases(synthAddon({ addon: 'jupyterhub', parameters: { authentication: oidc, https: tls } }).objects)[0].spec.values;
    for (const v of [values(hub({})), values(hub({ authentication: oidc, https: tls })), synthesized]) {
      expect(v.proxy.chp.networkPolicy).toEqual({ allowedIngressPorts: [] });
      expect(v.proxy.traefik.networkPolicy).toEqual({ allowedIngressPorts: [] });
    }
  });
});

describe('Ray head access (defect 3)', () => {
  test('the dashboard beyond the namespace needs exposeDashboard, which always warns, on ClusterIP too', () => {
    const m = ray({ access: { namespaces: ['ml'], exposeDashboard: true } });
    expect(m.warnings.map((w) => w.path)).toEqual(['parameters.access', 'parameters.access.exposeDashboard']);
    expect(m.warnings[1].message).toMatch(/job-submission API: namespace ml can reach it, and whoever of them holds the Ray token can run any code/);
    expect(ray({ access: { namespaces: ['ml'] } }).warnings.map((w) => w.path)).toEqual(['parameters.access']);
    expect(ray({}).warnings).toEqual([]);
  });

  test('invalid sources are errors naming the field', () => {
    const err = validationError(() => ray({ access: { namespaces: ['ML'], cidrs: ['10.0.0.0/33'], podSelectors: [{ namespace: 'ci', matchLabels: {} }], exposeDashboard: 'yes', open: true } }));
    expect(err.issues.map((i) => i.path).sort()).toEqual([
      'parameters.access.cidrs[0]', 'parameters.access.exposeDashboard', 'parameters.access.namespaces[0]', 'parameters.access.open', 'parameters.access.podSelectors[0].matchLabels',
    ]);
    expect(paths(() => ray({ access: { exposeDashboard: true } }))).toEqual(['parameters.access.exposeDashboard']);
  });
});

test('malformed structured parameters are reported, never a TypeError', () => {
  for (const parameters of [
    { authentication: 'oidc' }, { authentication: null }, { authentication: { type: 'oidc', issuer: 42, clientSecret: { name: 'Bad Name' }, endpoints: null, allowedUsers: [1] } },
    { https: { hosts: 'hub.example.com', letsEncrypt: null } }, { https: [] }, { authentication: { type: 'native', adminUsers: 'root', adminPasswordSecret: 'hub-admins' } },
  ]) {
    expect(validationError(() => hub(parameters)).issues.length).toBeGreaterThan(0);
  }
  for (const access of ['ml', { podSelectors: 'x' }, { podSelectors: [null, { namespace: 'ci', matchLabels: 'app=x' }] }, { cidrs: [7] }]) {
    expect(validationError(() => ray({ access })).issues.length).toBeGreaterThan(0);
  }
  const err = validationError(() => hub({ authentication: { type: 'oidc', issuer: 'https://id.example.com', clientId: 'hub', clientSecret: { name: 'hub-oidc', key: 'k' }, allowedUsers: [1] }, https: tls }));
  expect(err.issues.map((i) => i.path)).toEqual(['parameters.authentication.allowedUsers[0]']);
});
