import { ADDON_API_SERVICE_RULES, rulesAllow } from '../../lib/service';
import { addonsPath, Harness, policy, startHarness } from './harness';

const SA = 'system:serviceaccount:capi-system:addon-api';
const SA_TOKEN = 'addon-api-sa-token-77e1';

describe('the service\'s own RBAC rules', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({
      serviceToken: SA_TOKEN,
      fake: {
        tokens: {
          [SA_TOKEN]: { username: SA, groups: ['system:serviceaccounts', 'system:authenticated'] },
          'alice-token-6f1c2b9d': { username: 'alice', uid: 'u-alice', groups: ['system:authenticated'] },
        },
        requireAuth: true,
        authorizeRequests: true,
        // the service account has exactly ADDON_API_SERVICE_RULES; callers the harness policy
        authorizer: (a) => (a.user === SA ? rulesAllow(ADDON_API_SERVICE_RULES, a.verb, a.group ?? '', a.resource ?? '') : policy(a)),
      },
    });
    h.seedCluster('r1');
  });
  afterAll(async () => h.close());

  it('are enough for install, status, list and uninstall, and every rule is used', async () => {
    expect((await h.api('POST', addonsPath('r1'), { body: { addon: 'kuberay' } })).status).toBe(202);
    expect((await h.api('GET', addonsPath('r1', 'kuberay'))).status).toBe(200);
    expect((await h.api('GET', addonsPath('r1'))).status).toBe(200);
    expect((await h.api('DELETE', addonsPath('r1', 'kuberay'))).status).toBe(202);
    for (let i = 0; i < 300 && (await h.api('GET', addonsPath('r1', 'kuberay'))).status !== 404; i++) await new Promise((r) => setTimeout(r, 10));
    expect((await h.api('GET', addonsPath('r1', 'kuberay'))).status).toBe(404);
    expect(h.logs.find((l) => l.msg === 'uninstall completed')).toBeDefined();

    const fromService = h.fake.requests.filter((r) => r.user === SA && r.resource !== undefined);
    expect(fromService.filter((r) => r.status === 403)).toEqual([]);
    const unused = ADDON_API_SERVICE_RULES.filter((rule) => !fromService.some((r) => rule.apiGroups.includes(r.group ?? '') && rule.resources.includes(r.resource!)));
    expect(unused).toEqual([]);
  });

  it('grant nothing beyond them (RBAC matching of the rules)', () => {
    const rules = ADDON_API_SERVICE_RULES.filter((r) => !r.resources.includes('secrets'));
    expect(rulesAllow(rules, 'get', '', 'secrets')).toBe(false);
    expect(rulesAllow(ADDON_API_SERVICE_RULES, 'list', '', 'secrets')).toBe(false);
    expect(rulesAllow(ADDON_API_SERVICE_RULES, 'delete', 'cluster.x-k8s.io', 'clusters')).toBe(false);
  });
});
