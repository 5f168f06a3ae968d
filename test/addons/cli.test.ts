import { addonCleanupCommands, addonNames, renderClusterAddon, ValidationError } from '../../lib/core';
import { installationObjects } from '../../lib/core/addons';
import { validationError } from '../support/validation-error';
import { runCli as run } from '../support/cli';
import { synthAddon } from './fixtures';

describe('addon-cleanup CLI', () => {
  test('tenant mode: the seed\'s two commands verbatim, and every other object of the installation named before the namespace', () => {
    const { addon, objects } = synthAddon({ addon: 'jupyterhub', mode: 'tenant' }, { name: 'prod', namespace: 'tenants' });
    const r = run('addon-cleanup', '--cluster', 'prod', '--addon', 'jupyterhub', '--namespace', 'tenants', '--mode', 'tenant');
    expect(r.code).toBe(0);
    const hr = objects.find((o) => o.kind === 'HelmRelease');
    const lines = r.stdout.trim().split('\n');
    // the operations guide's runbook, as written
    expect(lines[0]).toBe(`kubectl delete helmrelease -n ${addon.namespace} ${hr.metadata.name}`);
    expect(lines[lines.length - 1]).toBe(`kubectl delete namespace ${addon.namespace}`);
    // every object of the installation (HelmRepository, HelmReleases, the namespace) is named; the
    // PrometheusRule lives in the namespace and goes with it
    const all = installationObjects({ cluster: { name: 'prod', namespace: 'tenants' }, addon: 'jupyterhub', mode: 'tenant', monitoring: true });
    expect(all.filter((o) => o.kind === 'PrometheusRule').map((o) => o.namespace)).toEqual([addon.namespace]);
    for (const o of all.filter((x) => x.kind !== 'PrometheusRule')) {
      expect(lines).toContainEqual(o.kind === 'Namespace'
        ? `kubectl delete namespace ${o.name}`
        : expect.stringMatching(new RegExp(`^kubectl delete ${o.kind.toLowerCase()} -n ${o.namespace} ${o.name}( --ignore-not-found)?$`)));
    }
    expect(addon.cleanupCommands()).toEqual(lines);
  });

  test('management mode (default): HelmReleases on the management cluster, dependents first, then the namespace via the CAPI kubeconfig', () => {
    const r = run('addon-cleanup', '--cluster', 'prod', '--addon', 'kuberay');
    expect(r.code).toBe(0);
    const n = addonNames({ name: 'prod', namespace: 'default' }, 'kuberay');
    expect(r.stdout.trim().split('\n')).toEqual([
      `kubectl delete helmrelease -n default ${n.release}`,
      `kubectl delete helmrelease -n default ${n.release}-operator`,
      `kubectl delete clusterresourceset -n default ${n.clusterResourceSet} --ignore-not-found`,
      `kubectl delete configmap -n default ${n.tenantResources} --ignore-not-found`,
      `kubectl delete prometheusrule -n default ${n.prometheusRule} --ignore-not-found`,
      `kubeconfig="$(mktemp)" && chmod 600 "$kubeconfig"`,
      `kubectl get secret -n default prod-kubeconfig -o jsonpath='{.data.value}' | base64 -d > "$kubeconfig"`,
      `kubectl --kubeconfig "$kubeconfig" delete namespace ${n.namespace}; rm -f "$kubeconfig"`,
      `kubectl delete helmrepository -n default ${n.helmRepository} --ignore-not-found`,
    ]);
    // every management-cluster object of the installation is named
    const all = installationObjects({ cluster: { name: 'prod', namespace: 'default' }, addon: 'kuberay', mode: 'management', monitoring: true });
    for (const o of all) expect(r.stdout).toContain(` -n default ${o.name}`);
  });

  test('management mode: the printed commands keep the kubeconfig in a private temporary file and delete it (issue 15, defect 7)', () => {
    // run the printed commands in a shell with a fake kubectl; the kubeconfig must never land in the current directory
    const fs = require('fs') as typeof import('fs');
    const os = require('os') as typeof import('os');
    const path = require('path') as typeof import('path');
    const { execFileSync } = require('child_process') as typeof import('child_process');
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'capi-cleanup-'));
    const bin = path.join(work, 'bin');
    const cwd = path.join(work, 'cwd');
    const tmp = path.join(work, 'tmp');
    for (const d of [bin, cwd, tmp]) fs.mkdirSync(d);
    // fake kubectl: `get secret` prints base64 of a kubeconfig; `--kubeconfig F delete` records F's mode and content
    fs.writeFileSync(path.join(bin, 'kubectl'), `#!/bin/sh
if [ "$1" = "get" ]; then printf '%s' "$(printf 'apiVersion: v1\nkind: Config\n' | base64)"; exit 0; fi
if [ "$1" = "--kubeconfig" ]; then stat -c '%a' "$2" > "${work}/mode"; cp "$2" "${work}/seen"; exit 0; fi
exit 0
`, { mode: 0o755 });
    const r = run('addon-cleanup', '--cluster', 'prod', '--addon', 'kuberay');
    execFileSync('sh', ['-c', r.stdout], { cwd, env: { PATH: `${bin}:/usr/bin:/bin`, TMPDIR: tmp } });
    try {
      expect(fs.readFileSync(path.join(work, 'mode'), 'utf8').trim()).toBe('600');
      expect(fs.readFileSync(path.join(work, 'seen'), 'utf8')).toBe('apiVersion: v1\nkind: Config\n');
      expect(fs.readdirSync(cwd)).toEqual([]);
      expect(fs.readdirSync(tmp)).toEqual([]);
    } finally {
      fs.rmSync(work, { recursive: true, force: true });
    }
  });

  test.each([
    [['addon-cleanup', '--cluster', 'prod', '--addon', 'grafana'], /"grafana" is not an add-on/],
    [['addon-cleanup', '--addon', 'jupyterhub'], /missing --cluster/],
    [['addon-cleanup', '--cluster', 'prod'], /missing --addon/],
    [['addon-cleanup', '--cluster', 'Prod;rm', '--addon', 'jupyterhub'], /not a valid DNS-1123 label/],
    [['addon-cleanup', '--cluster', 'prod', '--addon', 'jupyterhub', '--mode', 'x'], /--mode/],
    [['addon-cleanup', '--cluster'], /--cluster needs a value/],
    [['nuke'], /unknown command "nuke"/],
    [[], /no command given/],
  ])('%j exits 64 (usage error) with a clear one-line message', (args, message) => {
    const r = run(...args);
    expect(r.code).toBe(64);
    expect(r.stderr).not.toContain('Usage:');
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(message);
  });

  test('addon-ports prints the security-group ports of the Service type: none for ClusterIP, node ports for NodePort', () => {
    const r = run('addon-ports');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('jupyterhub: none (ClusterIP');
    expect(r.stdout).toContain('kuberay: none (ClusterIP');
    const lb = run('addon-ports', '--service-type', 'LoadBalancer', '--https', '--cidrs', '203.0.113.0/24');
    expect(lb.code).toBe(0);
    expect(lb.stdout).toContain('jupyterhub: 443/TCP https -> Service proxy-public (LoadBalancer)');
    expect(lb.stdout).toContain('kuberay: 10001/TCP client -> Service <raycluster>-head-public (LoadBalancer)');
    expect(lb.stdout).not.toContain('8265');
    const np = run('addon-ports', '--addon', 'kuberay', '--service-type', 'NodePort', '--expose-dashboard', '--cidrs', '203.0.113.0/24');
    expect(np.stdout).toContain('kuberay: 30265/TCP dashboard -> node port of Service <raycluster>-head-public port 8265');
    expect(run('addon-ports', '--service-type', 'Ingress').code).toBe(64);
  });

  test('addon-ports refuses what the add-on API refuses, with the API\'s message: an exposed hub without HTTPS, an exposed Ray head without CIDRs', () => {
    const hub = run('addon-ports', '--addon', 'jupyterhub', '--service-type', 'NodePort');
    expect(hub.code).toBe(64);
    expect(hub.stdout).toBe('');
    expect(hub.stderr).toContain('https: is required for a hub exposed outside the cluster (serviceType "NodePort")');
    const api = validationError(() => renderClusterAddon({ cluster: { name: 'prod', namespace: 'tenants', kubernetesVersion: 'v1.31.4', apiVersion: 'v1beta2' }, addon: 'jupyterhub', parameters: { serviceType: 'NodePort', authentication: { type: 'native', adminUsers: ['admin'], adminPasswordSecret: 'hub-admins' } } }));
    expect(api.issues.map((i) => i.path)).toEqual(['parameters.https']);
    expect(hub.stderr).toContain(api.issues[0].message);
    const ray = run('addon-ports', '--addon', 'kuberay', '--service-type', 'LoadBalancer');
    expect(ray.code).toBe(64);
    expect(ray.stderr).toContain('cidrs: must list the addresses allowed to connect when serviceType is "LoadBalancer"');
    expect(run('addon-ports', '--addon', 'kuberay', '--service-type', 'LoadBalancer', '--cidrs', '10.0.0.0/33').stderr).toContain('cidrs[0]');
  });

  test('the function throws ValidationError (400) for an unknown add-on', () => {
    expect(() => addonCleanupCommands({ cluster: 'prod', addon: 'nope' })).toThrow(ValidationError);
  });
});
