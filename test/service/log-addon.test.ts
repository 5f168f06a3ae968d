/**
 * Every log line of a request that names an add-on (in the path, or in an install's body) names that
 * add-on, whatever the outcome: over every add-on route and the answers each can give.
 */
import { addonNames } from '../../lib/core/addons';
import { ROUTES } from '../../lib/service';
import { addonsPath, Harness, NAMESPACE, startHarness, TOKENS } from './harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
  h.seedCluster('l1');
  h.seedCluster('l2');
});
afterAll(async () => h.close());

interface Case {
  readonly name: string;
  readonly method: string;
  readonly path: string;
  readonly addon: string;
  readonly token?: string | null;
  readonly body?: unknown;
  readonly rawBody?: string;
  readonly headers?: Record<string, string>;
  readonly before?: () => void;
}

const install = (addon: string, extra: Partial<Case> = {}): Case => ({ name: `install ${addon}`, method: 'POST', path: addonsPath('l1'), addon, body: { addon }, ...extra });

const CASES: Case[] = [
  install('jupyterhub'), // 202
  install('jupyterhub', { name: 'install again (unchanged)' }),
  install('jupyterhub', { name: 'install other parameters (409)', body: { addon: 'jupyterhub', parameters: { cpu: '3' } } }),
  install('kuberay', { name: 'install without a token (401)', token: null }),
  install('kuberay', { name: 'install with an unknown token (401)', token: 'no-such-token-1' }),
  install('kuberay', { name: 'install without the rights (403)', token: TOKENS.mallory }),
  install('kuberay', { name: 'install with a read-only token (403)', token: TOKENS.victor }),
  install('kuberay', { name: 'install with bad parameters (400)', body: { addon: 'kuberay', parameters: { nope: 1 } } }),
  install('kuberay', { name: 'install with an unknown body field (400)', body: { addon: 'kuberay', extra: true } }),
  install('nope', { name: 'install of an add-on not in the catalog (400)' }),
  install('kuberay', { name: 'install on an unknown cluster (404)', path: addonsPath('gone') }),
  install('kuberay', { name: 'install with a 502 from the management cluster', before: () => h.fake.failNext({ method: 'GET', path: /clusters\/l2/, status: 500, message: 'boom' }), path: addonsPath('l2') }),
  { name: 'status', method: 'GET', path: addonsPath('l1', 'jupyterhub'), addon: 'jupyterhub' },
  { name: 'status not installed (404)', method: 'GET', path: addonsPath('l1', 'kuberay'), addon: 'kuberay' },
  { name: 'status without a token (401)', method: 'GET', path: addonsPath('l1', 'kuberay'), addon: 'kuberay', token: null },
  { name: 'status without the rights (403)', method: 'GET', path: addonsPath('l1', 'kuberay'), addon: 'kuberay', token: TOKENS.mallory },
  { name: 'status of an add-on not in the catalog (400)', method: 'GET', path: addonsPath('l1', 'nope'), addon: 'nope' },
  { name: 'status with a 502', method: 'GET', path: addonsPath('l1', 'jupyterhub'), addon: 'jupyterhub', before: () => h.fake.failNext({ method: 'GET', path: /helmreleases/, status: 500, message: 'boom' }) },
  { name: 'uninstall not installed (404)', method: 'DELETE', path: addonsPath('l1', 'kuberay'), addon: 'kuberay' },
  { name: 'uninstall with a JSON content type and no body', method: 'DELETE', path: addonsPath('l1', 'kuberay'), addon: 'kuberay', headers: { 'content-type': 'application/json' } },
  { name: 'uninstall without the rights (403)', method: 'DELETE', path: addonsPath('l1', 'jupyterhub'), addon: 'jupyterhub', token: TOKENS.victor },
  { name: 'uninstall of an add-on not in the catalog (400)', method: 'DELETE', path: addonsPath('l1', 'nope'), addon: 'nope' },
  { name: 'uninstall', method: 'DELETE', path: addonsPath('l1', 'jupyterhub'), addon: 'jupyterhub' },
  install('jupyterhub', { name: 'install while uninstalling (409, or 202 once it finished)' }),
];

describe('log lines name the add-on the request names', () => {
  it('covers every add-on route that can name an add-on', () => {
    const named = ROUTES.filter((r) => r.operation !== undefined && (r.url.includes('{addon}') || r.url.includes(':addon') || r.method === 'POST'))
      .map((r) => `${r.method} ${r.operation}`).sort();
    const covered = [...new Set(CASES.map((c) => `${c.method} ${c.method === 'POST' ? 'install' : c.method === 'DELETE' ? 'uninstall' : 'status'}`))].sort();
    expect(covered).toEqual(named);
  });

  it.each(CASES.map((c, i) => [c.name, i] as const))('%s', async (_name, i) => {
    const c = CASES[i];
    c.before?.();
    const requestId = `log-addon-${i}`;
    const start = h.logs.length;
    const res = await h.api(c.method, c.path, { token: c.token, body: c.body, rawBody: c.rawBody, headers: { ...c.headers, 'x-request-id': requestId } });
    expect(res.status).toBeGreaterThan(0);
    await new Promise((r) => setTimeout(r, 20));
    const lines = h.logs.slice(start).filter((l) => l.requestId === requestId);
    expect(lines.length).toBeGreaterThan(0);
    const cluster = c.path.split('/')[5];
    const id = c.addon === 'nope' ? undefined : addonNames({ name: cluster, namespace: NAMESPACE }, c.addon as never).release;
    for (const line of lines) expect({ msg: line.msg, statusCode: res.status, addon: line.addon, addonId: line.addonId }).toEqual({ msg: line.msg, statusCode: res.status, addon: c.addon, addonId: id });
  });
});
