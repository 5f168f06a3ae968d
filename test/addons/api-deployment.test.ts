import { addonApiServiceRules, renderAddonApiDeployment, rulesAllow } from '../../lib/core/addons';
import { validationError } from '../support/validation-error';

const byKind = (manifests: readonly any[], kind: string) => manifests.find((m) => m.kind === kind);

describe('renderAddonApiDeployment: the manifests that run the add-on API', () => {
  test('two replicas, a PodDisruptionBudget that keeps one serving, probes, and the ClusterRole of the mode', () => {
    const { manifests, warnings } = renderAddonApiDeployment({ image: 'registry.example.com/capi-constructs:1.0.0', tlsSecret: 'addon-api-tls', mode: 'tenant' });
    expect(manifests.map((m) => m.kind)).toEqual(['Namespace', 'ServiceAccount', 'ClusterRole', 'ClusterRoleBinding', 'Deployment', 'PodDisruptionBudget', 'Service']);
    expect(warnings).toEqual([]);
    const d = byKind(manifests, 'Deployment');
    expect(d.spec.replicas).toBe(2);
    const c = d.spec.template.spec.containers[0];
    expect(c.args).toEqual(['serve', '--port', '8080', '--host', '0.0.0.0', '--mode', 'tenant', '--tls-cert', '/etc/capi-addon-api/tls/tls.crt', '--tls-key', '/etc/capi-addon-api/tls/tls.key']);
    expect(c.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 'http', scheme: 'HTTPS' });
    expect(c.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 'http', scheme: 'HTTPS' });
    expect(byKind(manifests, 'PodDisruptionBudget').spec).toEqual({ maxUnavailable: 1, selector: d.spec.selector });
    expect(byKind(manifests, 'ClusterRole').rules).toEqual(addonApiServiceRules('tenant'));
    expect(byKind(manifests, 'Service').spec.ports).toEqual([{ name: 'http', port: 443, targetPort: 'http', protocol: 'TCP' }]);
  });

  test('tenant mode grants nothing on the add-on objects of the management cluster; management mode does', () => {
    for (const resource of ['helmreleases', 'configmaps']) {
      const g = resource === 'configmaps' ? '' : 'helm.toolkit.fluxcd.io';
      expect(rulesAllow(addonApiServiceRules('tenant'), 'create', g, resource)).toBe(false);
      expect(rulesAllow(addonApiServiceRules('management'), 'create', g, resource)).toBe(true);
    }
    for (const mode of ['management', 'tenant'] as const) {
      expect(rulesAllow(addonApiServiceRules(mode), 'get', '', 'secrets')).toBe(true);
      expect(rulesAllow(addonApiServiceRules(mode), 'list', '', 'secrets')).toBe(false);
    }
  });

  test('without a TLS Secret: plain HTTP, said by a warning', () => {
    const { manifests, warnings } = renderAddonApiDeployment({ image: 'img:1' });
    expect(warnings).toEqual([{ path: 'tlsSecret', message: expect.stringContaining('plain HTTP') }]);
    const c = byKind(manifests, 'Deployment').spec.template.spec.containers[0];
    expect(c.readinessProbe.httpGet.scheme).toBe('HTTP');
    expect(c.args).not.toContain('--tls-cert');
  });

  test('every problem at once, naming the field, the value and the rule; unknown props are errors', () => {
    const e = validationError(() => renderAddonApiDeployment({ image: 'a b', replicas: 1, mode: 'both' as never, port: 80, namespace: 'Bad_NS', replica: 3 } as never));
    expect(e.issues.map((i) => i.path).sort()).toEqual(['image', 'mode', 'namespace', 'port', 'replica', 'replicas']);
    expect(e.issues.find((i) => i.path === 'replicas')!.message).toMatch(/between 2 and 100.*got 1/);
    expect(e.issues.find((i) => i.path === 'port')!.message).toMatch(/between 1024 and 65535.*non-root.*got 80/);
    expect(validationError(() => renderAddonApiDeployment(undefined as never)).issues[0].path).toBe('props');
  });
});
