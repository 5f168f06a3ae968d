/**
 * The hub's real authenticator decides. The JupyterHub add-on is rendered by the library and by the
 * z2jh 4.4.0 chart (../shared/charts); the hub configuration the chart hands the hub (its Secret's
 * values.yaml) and the hub container's environment are loaded the way z2jh's jupyterhub_config.py loads
 * them, into jupyterhub 5.5.0, oauthenticator 17.4.0 and jupyterhub-nativeauthenticator 1.3.0 (the hub
 * image's versions, installed from PyPI into a cached virtual environment). For each authentication mode:
 * the hub starts, an allowed user logs in, a stranger does not, an admin name cannot be claimed by
 * signing up. The driver is test/support/hub-authenticator/drive.py.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parse } from 'yaml';
import { ClusterAddonProps, renderClusterAddon } from '../../lib/core/addons';
import { helmTemplate, RenderedObject, sharedChart } from '../support/helm';
import { pythonVenv } from '../support/python-venv';

jest.setTimeout(600_000);

const DRIVER = path.resolve(__dirname, '../support/hub-authenticator');
const ref = { name: 'prod', namespace: 'tenants', kubernetesVersion: 'v1.31.4', apiVersion: 'v1beta2' as const };
const https = { hosts: ['hub.example.com'], tlsSecret: 'hub-tls' };

/** The Secrets of the add-on namespace the hub's environment refers to (test values). */
const SECRETS: Record<string, string> = {
  'hub-oidc/client-secret': 'oidc-client-secret-for-tests',
  'hub-admins/root': 'root-password-from-the-secret',
  'hub-admins/ops.lead': 'ops-password-from-the-secret',
};

type Step = Record<string, unknown>;
interface Model { name: string; admin: boolean; groups: string[] }
interface Outcome { started: boolean; error: string | null; class: string | null; results: (Model | boolean | string[] | null)[]; fetched: string[] }

let python: string;
beforeAll(() => {
  python = pythonVenv(path.join(DRIVER, 'requirements.txt'));
});

/** The hub values (the chart's Secret) and the hub container's environment, rendered by the chart. */
function renderHub(parameters: Record<string, unknown>): { values: any; env: Record<string, string> } {
  const addon = renderClusterAddon({ cluster: ref, addon: 'jupyterhub', parameters } as ClusterAddonProps);
  const hr = addon.manifests.find((m) => m.kind === 'HelmRelease') as any;
  const objs: RenderedObject[] = helmTemplate(sharedChart('jupyterhub-4.4.0'), hr.spec.values, { namespace: hr.spec.targetNamespace, releaseName: hr.spec.releaseName, kubeVersion: '1.31.4' });
  const secret = objs.find((o) => o.kind === 'Secret' && o.metadata.name === 'hub')!;
  const values = parse(Buffer.from(secret.data['values.yaml'], 'base64').toString('utf8'));
  const deployment = objs.find((o) => o.kind === 'Deployment' && o.metadata.name === 'hub')!;
  const env: Record<string, string> = {};
  for (const e of deployment.spec.template.spec.containers[0].env as any[]) {
    const ref = e.valueFrom?.secretKeyRef;
    if (ref && ref.name !== 'hub') {
      const value = SECRETS[`${ref.name}/${ref.key}`];
      if (value === undefined) throw new Error(`the hub reads Secret ${ref.name} key ${ref.key}, which the test does not provide`);
      env[e.name] = value;
    } else if (typeof e.value === 'string') env[e.name] = e.value;
  }
  return { values, env };
}

/** Runs the steps through the authenticator the hub would run. */
function drive(parameters: Record<string, unknown>, steps: Step[], discovery: Record<string, unknown> = {}): Outcome {
  const { values, env } = renderHub(parameters);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'capi-hub-auth-'));
  try {
    const spec = path.join(dir, 'spec.json');
    fs.writeFileSync(spec, JSON.stringify({ values, discovery, steps }));
    const out = execFileSync(python, [path.join(DRIVER, 'drive.py'), spec], {
      encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], cwd: dir,
      env: { PATH: process.env.PATH ?? '', HOME: dir, ...env },
    });
    return JSON.parse(out) as Outcome;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const oidcBase = {
  type: 'oidc', issuer: 'https://id.example.com/realms/lab', clientId: 'hub', clientSecret: { name: 'hub-oidc', key: 'client-secret' },
} as const;
const endpoints = { authorizeUrl: 'https://id.example.com/auth', tokenUrl: 'https://id.example.com/token', userdataUrl: 'https://id.example.com/userinfo' };
const userinfo = (name: string, groups: string[] = []) => ({ sub: `id-${name}`, preferred_username: name, email: `${name}@example.com`, groups });

describe('OIDC (GenericOAuthenticator)', () => {
  test('with allowedGroups (the docs/addons.md example): the hub starts; members, listed users and admins log in; strangers do not', () => {
    const parameters = { authentication: { ...oidcBase, allowedUsers: ['ann'], allowedGroups: ['data-science'], adminUsers: ['bob'] }, https };
    const discovery = {
      'https://id.example.com/realms/lab/.well-known/openid-configuration': {
        issuer: 'https://id.example.com/realms/lab', authorization_endpoint: endpoints.authorizeUrl, token_endpoint: endpoints.tokenUrl, userinfo_endpoint: endpoints.userdataUrl,
      },
    };
    const o = drive(parameters, [
      { op: 'oauth-login', userinfo: userinfo('carol', ['data-science']) },
      { op: 'oauth-login', userinfo: userinfo('ann') },
      { op: 'oauth-login', userinfo: userinfo('bob') },
      { op: 'oauth-login', userinfo: userinfo('mallory', ['visitors']) },
      { op: 'oauth-login', userinfo: userinfo('ann-other', ['data-science-interns']) },
      { op: 'routes' },
    ], discovery);
    expect(o.error).toBeNull();
    expect(o.started).toBe(true);
    expect(o.class).toBe('oauthenticator.generic.GenericOAuthenticator');
    expect(o.fetched).toEqual(['https://id.example.com/realms/lab/.well-known/openid-configuration']);
    const [member, listed, admin, stranger, lookalike, routes] = o.results as [Model, Model, Model, null, null, string[]];
    expect(member).toEqual({ name: 'carol', admin: false, groups: ['data-science'] });
    expect(listed).toMatchObject({ name: 'ann', admin: false });
    expect(admin).toMatchObject({ name: 'bob', admin: true });
    expect(stranger).toBeNull();
    expect(lookalike).toBeNull();
    // no sign-up: a name is what the identity provider asserts, nobody can register one
    expect(routes.filter((r) => /signup/.test(r))).toEqual([]);
  });

  test('with allowedUsers and explicit endpoints: a listed user logs in, a stranger and a lookalike do not', () => {
    const o = drive({ authentication: { ...oidcBase, endpoints, allowedUsers: ['ann'], adminUsers: ['bob'] }, https }, [
      { op: 'oauth-login', userinfo: userinfo('ann') },
      { op: 'oauth-login', userinfo: userinfo('mallory', ['data-science']) },
      { op: 'oauth-login', userinfo: { ...userinfo('mallory'), email: 'bob@example.com', name: 'bob' } },
    ]);
    expect(o.error).toBeNull();
    expect(o.fetched).toEqual([]);
    expect(o.results).toEqual([{ name: 'ann', admin: false, groups: [] }, null, null]);
  });
});

describe('NativeAuthenticator', () => {
  const parameters = { authentication: { type: 'native', adminUsers: ['root', 'ops.lead'], adminPasswordSecret: 'hub-admins' }, https };

  test('the hub starts; an approved user logs in; a stranger and an unapproved sign-up do not', () => {
    const o = drive(parameters, [
      { op: 'signup', username: 'alice', password: 'alice-long-password-1' },
      { op: 'login', username: 'alice', password: 'alice-long-password-1' },
      { op: 'approve', username: 'alice' },
      { op: 'login', username: 'alice', password: 'alice-long-password-1' },
      { op: 'login', username: 'alice', password: 'wrong-password-of-alice' },
      { op: 'login', username: 'mallory', password: 'mallory-long-password' },
    ]);
    expect(o.error).toBeNull();
    expect(o.started).toBe(true);
    expect(o.results).toEqual([true, null, true, { name: 'alice', admin: false, groups: [] }, null, null]);
  });

  test('admins log in with the Secret\'s password; nobody can sign up under an admin name', () => {
    const o = drive(parameters, [
      { op: 'signup', username: 'root', password: 'attacker-long-password' },
      { op: 'login', username: 'root', password: 'attacker-long-password' },
      { op: 'signup', username: 'Ops.Lead', password: 'attacker-long-password' },
      { op: 'login', username: 'ops.lead', password: 'attacker-long-password' },
      { op: 'login', username: 'root', password: 'root-password-from-the-secret' },
      { op: 'login', username: 'ops.lead', password: 'ops-password-from-the-secret' },
      { op: 'login', username: 'root', password: '' },
    ]);
    expect(o.error).toBeNull();
    expect(o.results).toEqual([
      false, null, false, null,
      { name: 'root', admin: true, groups: [] },
      { name: 'ops.lead', admin: true, groups: [] },
      null,
    ]);
  });
});

describe('no authentication and dummy', () => {
  test('without authentication the hub starts with the NullAuthenticator: nobody logs in', () => {
    const o = drive({}, [{ op: 'login', username: 'alice', password: 'any' }]);
    expect(o.error).toBeNull();
    expect(o.class).toBe('jupyterhub.auth.NullAuthenticator');
    expect(o.results).toEqual([null]);
  });
});

/**
 * docs/addons.md shows, for each authentication mode, what the real authenticator decided: the text block
 * after the comment `<!-- hub-authenticator transcript -->` is this transcript, line for line
 * (HUB_TRANSCRIPT=<file> writes it).
 */
describe('docs/addons.md shows what the authenticator decided', () => {
  type Labelled = [string, Step];
  const line = (label: string, result: Model | boolean | string[] | null) => {
    const answer = result === null || result === false ? 'refused'
      : result === true ? 'accepted'
        : Array.isArray(result) ? result.join(', ')
          : `logged in as ${result.name}${result.admin ? ', admin' : ''}${result.groups.length > 0 ? `, groups ${result.groups.join(', ')}` : ''}`;
    return `  ${label.padEnd(58)} -> ${answer}`;
  };
  const transcript = (title: string, parameters: Record<string, unknown>, steps: Labelled[]) => {
    const o = drive(parameters, steps.map(([, s]) => s));
    return [
      `${title}: ${o.error ?? `${o.class}, the hub starts`}`,
      ...steps.map(([label], i) => line(label, o.results[i])),
    ].join('\n');
  };

  test('OIDC, native and none: the transcript on the page is the authenticator\'s', () => {
    const oidc = { authentication: { ...oidcBase, endpoints, allowedUsers: ['ann'], allowedGroups: ['data-science'], adminUsers: ['bob'] }, https };
    const native = { authentication: { type: 'native', adminUsers: ['root'], adminPasswordSecret: 'hub-admins' }, https };
    const text = [
      transcript("oidc (allowedUsers ['ann'], allowedGroups ['data-science'], adminUsers ['bob'])", oidc, [
        ['provider asserts carol, groups data-science', { op: 'oauth-login', userinfo: userinfo('carol', ['data-science']) }],
        ['provider asserts ann', { op: 'oauth-login', userinfo: userinfo('ann') }],
        ['provider asserts bob', { op: 'oauth-login', userinfo: userinfo('bob') }],
        ['provider asserts mallory, groups visitors', { op: 'oauth-login', userinfo: userinfo('mallory', ['visitors']) }],
        ['pages it adds to the hub (no sign-up page)', { op: 'routes' }],
      ]),
      transcript("native (adminUsers ['root'], adminPasswordSecret 'hub-admins')", native, [
        ['alice signs up', { op: 'signup', username: 'alice', password: 'alice-long-password-1' }],
        ['alice logs in before approval', { op: 'login', username: 'alice', password: 'alice-long-password-1' }],
        ['root (an admin) approves alice', { op: 'approve', username: 'alice' }],
        ['alice logs in', { op: 'login', username: 'alice', password: 'alice-long-password-1' }],
        ['alice logs in with a wrong password', { op: 'login', username: 'alice', password: 'wrong-password-of-alice' }],
        ['mallory signs up as root', { op: 'signup', username: 'root', password: 'attacker-long-password' }],
        ['mallory logs in as root with her password', { op: 'login', username: 'root', password: 'attacker-long-password' }],
        ['root logs in with the password from the Secret', { op: 'login', username: 'root', password: 'root-password-from-the-secret' }],
      ]),
      transcript('no authentication', { }, [
        ['alice logs in', { op: 'login', username: 'alice', password: 'any' }],
      ]),
    ].join('\n\n');
    if (process.env.HUB_TRANSCRIPT) fs.writeFileSync(process.env.HUB_TRANSCRIPT, `${text}\n`); // to update the page
    const md = fs.readFileSync(path.resolve(__dirname, '../../docs/addons.md'), 'utf8').split('\n');
    const at = md.indexOf('<!-- hub-authenticator transcript -->');
    expect(at).toBeGreaterThanOrEqual(0);
    const start = md.indexOf('```text', at);
    const end = md.indexOf('```', start + 1);
    expect(md.slice(start + 1, end).join('\n')).toBe(text);
  });
});
