/**
 * Who may use a JupyterHub: its authenticator (`authentication`), its HTTPS (`https`), and whether the
 * hub may be exposed outside the cluster at all. z2jh 4.4.0 defaults to the `dummy` authenticator
 * (any name, any password) on a LoadBalancer without HTTPS; the library never emits that unless asked.
 */
import { Problems, show } from '../rules/errors';
import { checkPropKeys, propKeys } from '../rules/strict-props';
import { checkObject, checkStringList, isDns1123Subdomain } from '../rules/validation';
import type { ServiceType } from './service-type';

/** A key of a Secret in the add-on namespace on the workload cluster. */
export interface SecretKeySelector {
  /** Secret name. */
  readonly name: string;
  /** Key in the Secret's data. */
  readonly key: string;
}

/** OpenID Connect / OAuth2 login (oauthenticator's GenericOAuthenticator). */
export interface JupyterHubOidcAuthentication {
  readonly type: 'oidc';
  /**
   * Issuer URL (https). Unless `endpoints` is given, the hub reads the authorization, token and userinfo
   * endpoints from `<issuer>/.well-known/openid-configuration` when it starts.
   */
  readonly issuer: string;
  /** OAuth2 client id. */
  readonly clientId: string;
  /**
   * The OAuth2 client secret, by reference: a Secret in the add-on namespace on the workload cluster.
   * It reaches the hub as the environment variable `OAUTH_CLIENT_SECRET` (never in the chart values).
   */
  readonly clientSecret: SecretKeySelector;
  /** User names that may log in. @default none (at least one of allowedUsers, allowedGroups, adminUsers is required) */
  readonly allowedUsers?: readonly string[];
  /** Groups (from the `groupsClaim` claim) whose members may log in. @default none */
  readonly allowedGroups?: readonly string[];
  /** User names with JupyterHub admin rights (they may also log in). @default none */
  readonly adminUsers?: readonly string[];
  /** Claim holding the user name. @default 'preferred_username' */
  readonly usernameClaim?: string;
  /** Claim holding the user's groups. @default 'groups' */
  readonly groupsClaim?: string;
  /** OAuth2 redirect URL registered with the provider. @default `https://<https.hosts[0]>/hub/oauth_callback` */
  readonly callbackUrl?: string;
  /** Explicit endpoints instead of OIDC discovery. @default discovered from the issuer */
  readonly endpoints?: { readonly authorizeUrl: string; readonly tokenUrl: string; readonly userdataUrl: string };
}

/**
 * JupyterHub's NativeAuthenticator: users sign up with a password; an admin must approve each sign-up
 * before it can log in. Admins never sign up: they log in with the passwords of `adminPasswordSecret`,
 * and a sign-up under an admin's name is refused.
 */
export interface JupyterHubNativeAuthentication {
  readonly type: 'native';
  /** Admins who approve sign-ups (at least one). Each name is also a key of `adminPasswordSecret`. */
  readonly adminUsers: readonly string[];
  /**
   * A Secret in the add-on namespace on the workload cluster holding each admin's password under the
   * admin's name as key. It reaches the hub as environment variables (never in the chart values).
   */
  readonly adminPasswordSecret: string;
}

/** z2jh's `dummy` authenticator: any user name with any password. Only for a hub that is not exposed; warns. */
export interface JupyterHubDummyAuthentication {
  readonly type: 'dummy';
}

/** How users log in to JupyterHub: OIDC/OAuth2, NativeAuthenticator, or `dummy` (testing only, warns). */
export type JupyterHubAuthentication = JupyterHubOidcAuthentication | JupyterHubNativeAuthentication | JupyterHubDummyAuthentication;

/** HTTPS of the hub: exactly one of `tlsSecret` and `letsEncrypt`. */
export interface JupyterHubHttps {
  /** Host names users reach the hub by (the certificate's names). */
  readonly hosts: readonly string[];
  /** A `kubernetes.io/tls` Secret (keys `tls.crt`, `tls.key`) in the add-on namespace on the workload cluster. */
  readonly tlsSecret?: string;
  /** Certificates from Let's Encrypt (z2jh's autohttps pod answers the HTTP-01 challenge on port 80). */
  readonly letsEncrypt?: { readonly contactEmail: string };
}

/** The known keys of the JupyterHub access props (strict props, tied to the interfaces by the compiler). */
const SECRET_KEY_SELECTOR_PROPS = propKeys<SecretKeySelector>()('SecretKeySelector', { name: true, key: true });
const DUMMY_PROPS = propKeys<JupyterHubDummyAuthentication>()('JupyterHubDummyAuthentication', { type: true });
const NATIVE_PROPS = propKeys<JupyterHubNativeAuthentication>()('JupyterHubNativeAuthentication', { type: true, adminUsers: true, adminPasswordSecret: true });
const OIDC_PROPS = propKeys<JupyterHubOidcAuthentication>()('JupyterHubOidcAuthentication', {
  type: true, issuer: true, clientId: true, clientSecret: true, allowedUsers: true, allowedGroups: true, adminUsers: true,
  usernameClaim: true, groupsClaim: true, callbackUrl: true, endpoints: true,
});
const OIDC_ENDPOINTS_PROPS = propKeys<NonNullable<JupyterHubOidcAuthentication['endpoints']>>()('endpoints', { authorizeUrl: true, tokenUrl: true, userdataUrl: true });
const HTTPS_PROPS = propKeys<JupyterHubHttps>()('JupyterHubHttps', { hosts: true, tlsSecret: true, letsEncrypt: true });
const LETS_ENCRYPT_PROPS = propKeys<NonNullable<JupyterHubHttps['letsEncrypt']>>()('letsEncrypt', { contactEmail: true });

/** Validated access settings of a JupyterHub (`hub` is empty when the settings had errors). */
export interface JupyterHubAccess {
  readonly serviceType: ServiceType;
  readonly exposed: boolean;
  readonly https?: 'secret' | 'letsencrypt';
  /** Chart values under `hub` and `proxy` (merged into the add-on's values). */
  readonly hub: Record<string, unknown>;
  readonly proxyHttps?: Record<string, unknown>;
}

/** Node ports the library fixes for a NodePort hub, so that security groups can name them. */
export const JUPYTERHUB_NODE_PORTS = Object.freeze({ http: 30080, https: 30443 });

const USER_NAME = (s: string) => s.length > 0 && s.length <= 255 && !/\s/.test(s);
const CLAIM = /^[A-Za-z0-9_.:-]+$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
/** A key of a Secret's data. */
const SECRET_KEY = /^[-._a-zA-Z0-9]+$/;

function httpsUrl(p: Problems, path: string, value: unknown): string | undefined {
  if (typeof value === 'string') {
    try {
      const u = new URL(value);
      if (u.protocol === 'https:' && u.hostname !== '') return value;
    } catch {
      // reported below
    }
  }
  p.error(path, `${show(value)} is not an https URL`);
  return undefined;
}

function checkSecretKey(p: Problems, path: string, value: unknown): SecretKeySelector | undefined {
  if (value === undefined) {
    p.error(path, 'is required: a Secret reference { name, key } (the secret itself never goes into the values)');
    return undefined;
  }
  if (typeof value === 'string') {
    p.error(path, 'must be a Secret reference { name, key }, not an inline value: never put a credential in the chart values');
    return undefined;
  }
  if (!checkObject(p, path, value)) return undefined;
  checkPropKeys(p, path, value, SECRET_KEY_SELECTOR_PROPS);
  const { name, key } = value;
  let ok = true;
  if (typeof name !== 'string' || !isDns1123Subdomain(name)) {
    p.error(`${path}.name`, `${show(name)} is not a Secret name (a DNS subdomain)`);
    ok = false;
  }
  if (typeof key !== 'string' || !SECRET_KEY.test(key)) {
    p.error(`${path}.key`, `${show(key)} is not a Secret key (letters, digits, '-', '_', '.')`);
    ok = false;
  }
  return ok ? { name: name as string, key: key as string } : undefined;
}

function userList(p: Problems, path: string, value: unknown): string[] | undefined {
  return checkStringList(p, path, value, USER_NAME, 'a user name (non-empty, no spaces)');
}

/** Validates `parameters.authentication`. */
export function checkJupyterHubAuthentication(p: Problems, path: string, value: unknown): JupyterHubAuthentication | undefined {
  if (!checkObject(p, path, value)) return undefined;
  const types = ['oidc', 'native', 'dummy'];
  if (typeof value.type !== 'string' || !types.includes(value.type)) {
    p.error(`${path}.type`, `must be one of ${types.map((t) => show(t)).join(', ')}, got ${show(value.type)}`);
    return undefined;
  }
  const errors = p.errors.length;
  if (value.type === 'dummy') {
    checkPropKeys(p, path, value, DUMMY_PROPS);
    return p.errors.length === errors ? { type: 'dummy' } : undefined;
  }
  if (value.type === 'native') {
    checkPropKeys(p, path, value, NATIVE_PROPS);
    const adminUsers = userList(p, `${path}.adminUsers`, value.adminUsers);
    if (value.adminUsers === undefined || adminUsers?.length === 0) {
      p.error(`${path}.adminUsers`, 'must list at least one admin: with NativeAuthenticator only an admin can approve sign-ups');
    }
    (adminUsers ?? []).forEach((name, i) => {
      if (!SECRET_KEY.test(name)) p.error(`${path}.adminUsers[${i}]`, `${show(name)} cannot be a key of adminPasswordSecret (letters, digits, '-', '_', '.'): each admin's password is under the admin's name`);
    });
    const secret = value.adminPasswordSecret;
    if (secret === undefined) {
      p.error(`${path}.adminPasswordSecret`, "is required: the Secret (in the add-on namespace) with each admin's password under the admin's name; without it, whoever signs up first under an admin's name would be the admin");
    } else if (typeof secret !== 'string' || !isDns1123Subdomain(secret)) {
      p.error(`${path}.adminPasswordSecret`, `${show(secret)} is not a Secret name (a DNS subdomain)`);
    }
    return p.errors.length === errors ? { type: 'native', adminUsers: adminUsers!, adminPasswordSecret: secret as string } : undefined;
  }
  checkPropKeys(p, path, value, OIDC_PROPS);
  const issuer = httpsUrl(p, `${path}.issuer`, value.issuer);
  if (typeof value.clientId !== 'string' || value.clientId === '') p.error(`${path}.clientId`, `must be a non-empty string, got ${show(value.clientId)}`);
  const clientSecret = checkSecretKey(p, `${path}.clientSecret`, value.clientSecret);
  const allowedUsers = userList(p, `${path}.allowedUsers`, value.allowedUsers);
  const allowedGroups = checkStringList(p, `${path}.allowedGroups`, value.allowedGroups, (s) => s.length > 0, 'a group name (non-empty)');
  const adminUsers = userList(p, `${path}.adminUsers`, value.adminUsers);
  const listsSomeone = [value.allowedUsers, value.allowedGroups, value.adminUsers].some((l) => Array.isArray(l) && l.length > 0);
  if (!listsSomeone) {
    p.error(`${path}.allowedUsers`, 'none of allowedUsers, allowedGroups, adminUsers is set: JupyterHub 5 would let nobody log in; list who may');
  }
  for (const f of ['usernameClaim', 'groupsClaim'] as const) {
    if (value[f] !== undefined && (typeof value[f] !== 'string' || !CLAIM.test(value[f] as string))) {
      p.error(`${path}.${f}`, `${show(value[f])} is not a claim name (letters, digits, '_', '.', ':', '-')`);
    }
  }
  const callbackUrl = value.callbackUrl === undefined ? undefined : httpsUrl(p, `${path}.callbackUrl`, value.callbackUrl);
  let endpoints: JupyterHubOidcAuthentication['endpoints'];
  if (value.endpoints !== undefined && checkObject(p, `${path}.endpoints`, value.endpoints)) {
    const e = value.endpoints;
    checkPropKeys(p, `${path}.endpoints`, e, OIDC_ENDPOINTS_PROPS);
    const [authorizeUrl, tokenUrl, userdataUrl] = (['authorizeUrl', 'tokenUrl', 'userdataUrl'] as const).map((k) => httpsUrl(p, `${path}.endpoints.${k}`, e[k]));
    if (authorizeUrl && tokenUrl && userdataUrl) endpoints = { authorizeUrl, tokenUrl, userdataUrl };
  }
  if (p.errors.length !== errors) return undefined;
  return {
    type: 'oidc', issuer: issuer!, clientId: value.clientId as string, clientSecret: clientSecret!, allowedUsers, allowedGroups, adminUsers,
    usernameClaim: value.usernameClaim as string | undefined, groupsClaim: value.groupsClaim as string | undefined, callbackUrl, endpoints,
  };
}

/** Validates `parameters.https`. */
export function checkJupyterHubHttps(p: Problems, path: string, value: unknown): JupyterHubHttps | undefined {
  if (!checkObject(p, path, value)) return undefined;
  const errors = p.errors.length;
  checkPropKeys(p, path, value, HTTPS_PROPS);
  const hosts = checkStringList(p, `${path}.hosts`, value.hosts, isDns1123Subdomain, 'a host name (a DNS subdomain)');
  if (value.hosts === undefined || hosts?.length === 0) p.error(`${path}.hosts`, 'must list at least one host name: the names the certificate is for');
  const { tlsSecret, letsEncrypt } = value;
  if ((tlsSecret === undefined) === (letsEncrypt === undefined)) {
    p.error(path, 'set exactly one of tlsSecret (a TLS Secret in the add-on namespace) and letsEncrypt ({ contactEmail })');
  }
  if (tlsSecret !== undefined && (typeof tlsSecret !== 'string' || !isDns1123Subdomain(tlsSecret))) {
    p.error(`${path}.tlsSecret`, `${show(tlsSecret)} is not a Secret name (a DNS subdomain)`);
  }
  if (letsEncrypt !== undefined && checkObject(p, `${path}.letsEncrypt`, letsEncrypt)) {
    checkPropKeys(p, `${path}.letsEncrypt`, letsEncrypt, LETS_ENCRYPT_PROPS);
    if (typeof letsEncrypt.contactEmail !== 'string' || !EMAIL.test(letsEncrypt.contactEmail)) {
      p.error(`${path}.letsEncrypt.contactEmail`, `${show(letsEncrypt.contactEmail)} is not an e-mail address (Let's Encrypt sends expiry notices there)`);
    }
  }
  if (p.errors.length !== errors) return undefined;
  return { hosts: hosts!, tlsSecret: tlsSecret as string | undefined, letsEncrypt: letsEncrypt as JupyterHubHttps['letsEncrypt'] };
}

/** The environment variable holding the password of the i-th admin of NativeAuthenticator. */
const adminPasswordEnv = (i: number) => `CAPI_CONSTRUCTS_ADMIN_PASSWORD_${i}`;

/**
 * NativeAuthenticator, with the two things JupyterHub 5.5 and NativeAuthenticator 1.3 leave open closed:
 * - `allow_all`: JupyterHub 5 admits only listed users unless it is set, and NativeAuthenticator does
 *   not extend `check_allowed`; NativeAuthenticator's own login already refuses users an admin has not
 *   approved, so `allow_all` admits exactly the approved ones.
 * - admin names: NativeAuthenticator authorizes a sign-up under an admin's name at once. The subclass
 *   (in `hub.extraConfig`) refuses sign-ups under admin names and checks an admin's password against
 *   the Secret's, read from the environment.
 */
function nativeAuthenticatorValues(auth: JupyterHubNativeAuthentication): Record<string, unknown> {
  const env = Object.fromEntries(auth.adminUsers.map((name, i) => [name, adminPasswordEnv(i)]));
  const code = [
    'import hmac, json, os',
    'from nativeauthenticator import NativeAuthenticator',
    '',
    '',
    '# NativeAuthenticator whose admins log in with the passwords of a Secret and cannot be signed up for.',
    'class CapiConstructsNativeAuthenticator(NativeAuthenticator):',
    `    admin_password_env = json.loads(${JSON.stringify(JSON.stringify(env))})`,
    '',
    '    def _admin_env(self, username):',
    '        for name, variable in self.admin_password_env.items():',
    '            if self.normalize_username(name) == username:',
    '                return variable',
    '        return None',
    '',
    '    def create_user(self, username, password, **kwargs):',
    '        if self._admin_env(self.normalize_username(username)) is not None:',
    '            self.log.warning("Refused a sign-up under the admin name %r", username)',
    '            return None',
    '        return super().create_user(username, password, **kwargs)',
    '',
    '    async def authenticate(self, handler, data):',
    '        username = self.normalize_username(data["username"])',
    '        variable = self._admin_env(username)',
    '        if variable is None:',
    '            return await super().authenticate(handler, data)',
    '        expected = os.environ.get(variable) or ""',
    '        given = data.get("password") or ""',
    '        if expected and hmac.compare_digest(given.encode(), expected.encode()):',
    '            return username',
    '        return None',
    '',
    '',
    'c.JupyterHub.authenticator_class = CapiConstructsNativeAuthenticator',
  ];
  return {
    config: {
      JupyterHub: { authenticator_class: 'nativeauthenticator.NativeAuthenticator' },
      NativeAuthenticator: { open_signup: false },
      Authenticator: { admin_users: [...auth.adminUsers], allow_all: true },
    },
    extraEnv: Object.fromEntries(auth.adminUsers.map((name, i) => [adminPasswordEnv(i), { valueFrom: { secretKeyRef: { name: auth.adminPasswordSecret, key: name } } }])),
    extraConfig: { 'capi-constructs-native': `${code.join('\n')}\n` },
  };
}

/** Hub config for the authenticator; `null` is JupyterHub's NullAuthenticator (no login page at all). */
function authenticatorValues(auth: JupyterHubAuthentication | undefined, https: JupyterHubHttps | undefined): Record<string, unknown> {
  if (auth === undefined) return { config: { JupyterHub: { authenticator_class: 'null' } } };
  if (auth.type === 'dummy') return { config: { JupyterHub: { authenticator_class: 'dummy' } } };
  if (auth.type === 'native') return nativeAuthenticatorValues(auth);
  const groupsClaim = auth.groupsClaim ?? 'groups';
  const generic: Record<string, unknown> = {
    client_id: auth.clientId,
    oauth_callback_url: auth.callbackUrl ?? `https://${https!.hosts[0]}/hub/oauth_callback`,
    username_claim: auth.usernameClaim ?? 'preferred_username',
    scope: ['openid', 'profile', 'email'],
    login_service: 'OpenID Connect',
  };
  if (auth.endpoints) Object.assign(generic, { authorize_url: auth.endpoints.authorizeUrl, token_url: auth.endpoints.tokenUrl, userdata_url: auth.endpoints.userdataUrl });
  // oauthenticator 17 refuses to start when allowed_groups is set without manage_groups.
  if (auth.allowedGroups?.length) Object.assign(generic, { manage_groups: true, allowed_groups: [...auth.allowedGroups], auth_state_groups_key: `oauth_user.${groupsClaim}` });
  const authenticator: Record<string, unknown> = {};
  if (auth.allowedUsers?.length) authenticator.allowed_users = [...auth.allowedUsers];
  if (auth.adminUsers?.length) authenticator.admin_users = [...auth.adminUsers];
  // The secret is read from the environment at hub start; the discovery (when no endpoints are given)
  // fetches the issuer's metadata once, with the standard library only.
  const lines = ['import os', 'c.GenericOAuthenticator.client_secret = os.environ["OAUTH_CLIENT_SECRET"]'];
  if (!auth.endpoints) {
    lines.push(
      'import json, urllib.request',
      `with urllib.request.urlopen(${JSON.stringify(`${auth.issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`)}, timeout=30) as response:`,
      '    oidc = json.load(response)',
      'c.GenericOAuthenticator.authorize_url = oidc["authorization_endpoint"]',
      'c.GenericOAuthenticator.token_url = oidc["token_endpoint"]',
      'c.GenericOAuthenticator.userdata_url = oidc["userinfo_endpoint"]',
    );
  }
  return {
    config: { JupyterHub: { authenticator_class: 'generic-oauth' }, GenericOAuthenticator: generic, ...(Object.keys(authenticator).length ? { Authenticator: authenticator } : {}) },
    extraEnv: { OAUTH_CLIENT_SECRET: { valueFrom: { secretKeyRef: { name: auth.clientSecret.name, key: auth.clientSecret.key } } } },
    extraConfig: { 'capi-constructs-oidc': `${lines.join('\n')}\n` },
  };
}

/**
 * An exposed hub (LoadBalancer or NodePort) needs HTTPS. The rule of `parameters.https`, shared with the
 * `addon-ports` CLI (whose `--https` flag is at `path`).
 */
export function checkJupyterHubExposureHttps(p: Problems, path: string, https: boolean, serviceType: ServiceType): void {
  if (serviceType !== 'ClusterIP' && !https) {
    p.error(path, `is required for a hub exposed outside the cluster (serviceType ${show(serviceType)}): give a TLS Secret ({ hosts, tlsSecret }) or Let's Encrypt ({ hosts, letsEncrypt: { contactEmail } }); passwords and tokens must not cross the network in clear text`);
  }
}

/**
 * The hub's exposure rules, checked together:
 * - `serviceType` defaults to LoadBalancer only when authentication (not `dummy`) and HTTPS are both
 *   configured, else to ClusterIP;
 * - an exposed hub (LoadBalancer or NodePort) needs authentication other than `dummy`, and HTTPS;
 * - `dummy` always warns; OIDC without HTTPS hosts needs an explicit `callbackUrl`.
 */
export function jupyterHubAccess(p: Problems, auth: JupyterHubAuthentication | undefined, https: JupyterHubHttps | undefined, given: ServiceType | undefined): JupyterHubAccess {
  const errors = p.errors.length;
  const authenticated = auth !== undefined && auth.type !== 'dummy';
  const serviceType: ServiceType = given ?? (authenticated && https ? 'LoadBalancer' : 'ClusterIP');
  const exposed = serviceType !== 'ClusterIP';
  if (exposed && auth === undefined) {
    p.error('parameters.serviceType', `${show(serviceType)} exposes the hub outside the cluster, but parameters.authentication is not set: configure OIDC ({ type: 'oidc', ... }) or NativeAuthenticator ({ type: 'native', ... }), or use ClusterIP`);
  }
  if (auth?.type === 'dummy') {
    if (exposed) p.error('parameters.authentication.type', `"dummy" lets anyone log in with any name and password, so the hub must not be exposed (serviceType ${show(serviceType)}): use 'oidc' or 'native', or serviceType ClusterIP`);
    else p.warn('parameters.authentication.type', '"dummy" lets anyone who reaches the hub log in with any name and password and run code: use it only for tests');
  }
  checkJupyterHubExposureHttps(p, 'parameters.https', https !== undefined, serviceType);
  if (auth?.type === 'oidc' && auth.callbackUrl === undefined && https === undefined) {
    p.error('parameters.authentication.callbackUrl', 'is required when parameters.https is not set: the OAuth2 redirect URL cannot be derived from a host name');
  }
  if (https?.letsEncrypt && serviceType === 'NodePort') {
    p.warn('parameters.https.letsEncrypt', `Let's Encrypt's HTTP-01 challenge connects to port 80 of ${https.hosts.join(', ')}, but a NodePort hub listens on node port ${JUPYTERHUB_NODE_PORTS.http}: forward port 80 to it, or use a tlsSecret`);
  }
  if (p.errors.length !== errors) return { serviceType, exposed, hub: {} };
  const hub = authenticatorValues(auth, https);
  let proxyHttps: Record<string, unknown> | undefined;
  if (https?.tlsSecret) proxyHttps = { enabled: true, type: 'secret', hosts: [...https.hosts], secret: { name: https.tlsSecret, key: 'tls.key', crt: 'tls.crt' } };
  else if (https?.letsEncrypt) proxyHttps = { enabled: true, type: 'letsencrypt', hosts: [...https.hosts], letsencrypt: { contactEmail: https.letsEncrypt.contactEmail } };
  return { serviceType, exposed, https: https ? (https.tlsSecret ? 'secret' : 'letsencrypt') : undefined, hub, proxyHttps };
}
