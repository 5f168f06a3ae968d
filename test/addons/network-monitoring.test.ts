import { Chart, Testing } from 'cdk8s';
import { parse, parseAllDocuments } from 'yaml';
import { FluxResourceMetrics } from '../../lib';
import {
  ADDON_CATALOG, ADDON_CLUSTER_SELECTOR_LABEL, addonPortSummary, addonSecurityGroupPorts, FLUX_RESOURCE_METRICS_KEY,
  HELM_RELEASE_API_VERSION, renderClusterAddon, renderFluxResourceMetrics,
} from '../../lib/core/addons';
import { helmReleases, synthAddon } from './fixtures';

const ref = { name: 'prod', namespace: 'tenants', kubernetesVersion: 'v1.31.4', apiVersion: 'v1beta2' as const };

const exposedHub = {
  authentication: { type: 'oidc', issuer: 'https://id.example.com', clientId: 'hub', clientSecret: { name: 'hub-oidc', key: 'client-secret' }, allowedGroups: ['data'] },
  https: { hosts: ['hub.example.com'], tlsSecret: 'hub-tls' },
} as const;

describe('security-group ports', () => {
  test('none for ClusterIP: the defaults of both add-ons open nothing (defect 4: ClusterIP listed public ports)', () => {
    expect(addonSecurityGroupPorts('jupyterhub')).toEqual([]);
    expect(addonSecurityGroupPorts('kuberay')).toEqual([]);
    expect(synthAddon({ addon: 'kuberay' }).addon.securityGroupPorts).toEqual([]);
    expect(renderClusterAddon({ cluster: ref, addon: 'jupyterhub', parameters: { serviceType: 'ClusterIP', ...exposedHub } }).securityGroupPorts).toEqual([]);
  });

  test('LoadBalancer: the Service ports, with the real name of the Ray head\'s exposed Service (<raycluster>-head-public)', () => {
    const hub = renderClusterAddon({ cluster: ref, addon: 'jupyterhub', parameters: { ...exposedHub } });
    expect(hub.securityGroupPorts.map((p) => [p.port, p.service, p.serviceType])).toEqual([[443, 'proxy-public', 'LoadBalancer'], [80, 'proxy-public', 'LoadBalancer']]);
    const ray = renderClusterAddon({ cluster: ref, addon: 'kuberay', parameters: { serviceType: 'LoadBalancer', access: { cidrs: ['203.0.113.0/24'] } } });
    expect(ray.securityGroupPorts.map((p) => [p.name, p.port, p.service])).toEqual([
      ['client', 10001, `${ray.names.release}-head-public`], ['serve', 8000, `${ray.names.release}-head-public`],
    ]);
    expect(JSON.stringify(ray.securityGroupPorts)).not.toContain('<raycluster>');
  });

  test('NodePort: the fixed node ports, which the charts\' values and the exposed Ray Service set', () => {
    const hub = renderClusterAddon({ cluster: ref, addon: 'jupyterhub', parameters: { ...exposedHub, serviceType: 'NodePort' } });
    expect(hub.securityGroupPorts.map((p) => [p.port, p.servicePort])).toEqual([[30443, 443], [30080, 80]]);
    const values = (hub.manifests.find((m) => m.kind === 'HelmRelease') as any).spec.values;
    expect(values.proxy.service).toEqual({ type: 'NodePort', nodePorts: { http: 30080, https: 30443 } });
    const ray = renderClusterAddon({ cluster: ref, addon: 'kuberay', parameters: { serviceType: 'NodePort', access: { cidrs: ['203.0.113.0/24'], exposeDashboard: true } } });
    expect(ray.securityGroupPorts.map((p) => [p.name, p.port])).toEqual([['client', 30001], ['serve', 30800], ['dashboard', 30265]]);
    const svc = ray.workloadClusterManifests.find((m) => m.kind === 'Service') as any;
    const nodePorts = Object.fromEntries(svc.spec.ports.map((p: any) => [p.name, p.nodePort]));
    expect(nodePorts).toEqual({ client: 30001, serve: 30800, dashboard: 30265 });
  });

  test('the summary lists every port with add-on, cluster and namespace, and says when nothing is exposed', () => {
    const hub = renderClusterAddon({ cluster: ref, addon: 'jupyterhub', parameters: { ...exposedHub } });
    const text = addonPortSummary([{ addon: 'jupyterhub', cluster: 'prod', namespace: hub.names.namespace, securityGroupPorts: hub.securityGroupPorts }, 'kuberay']);
    expect(text).toContain(`jupyterhub (cluster prod, namespace ${hub.names.namespace}): 443/TCP https -> Service proxy-public (LoadBalancer)`);
    expect(text).toContain('kuberay: none (ClusterIP');
  });
});

describe('NetworkPolicy', () => {
  const policies = (addon: 'jupyterhub' | 'kuberay', parameters?: object) => renderClusterAddon({ cluster: ref, addon, mode: 'tenant', parameters } as any).networkPolicies as any[];

  test('no library policy selects every pod (defect 2: podSelector {} with broad rules undid z2jh\'s isolation)', () => {
    for (const p of [...policies('jupyterhub'), ...policies('jupyterhub', exposedHub), ...policies('kuberay')]) {
      expect(Object.keys(p.spec.podSelector.matchLabels ?? {}).length).toBeGreaterThan(0);
    }
  });

  test('JupyterHub: nothing when not exposed; when exposed only the proxy pod, on its public container ports', () => {
    expect(policies('jupyterhub')).toEqual([]);
    const [pub, ...rest] = policies('jupyterhub', exposedHub);
    expect(rest).toEqual([]);
    expect(pub.spec.podSelector.matchLabels).toMatchObject({ component: 'proxy', app: 'jupyterhub' });
    expect(pub.spec.ingress).toEqual([{ ports: [{ protocol: 'TCP', port: 8000 }, { protocol: 'TCP', port: 8443 }] }]);
    const le = policies('jupyterhub', { ...exposedHub, https: { hosts: ['hub.example.com'], letsEncrypt: { contactEmail: 'ops@example.com' } } });
    expect(le[0].spec.podSelector.matchLabels.component).toBe('autohttps');
  });

  test('KubeRay: head and workers by ray.io labels; the head\'s user ports to the namespace only by default (defect 3)', () => {
    const [head, worker, operator] = policies('kuberay');
    expect(head.spec.podSelector.matchLabels['ray.io/node-type']).toBe('head');
    expect(worker.spec.podSelector.matchLabels['ray.io/node-type']).toBe('worker');
    expect(operator.spec.podSelector.matchLabels).toEqual({ 'app.kubernetes.io/name': 'kuberay-operator' });
    const fromOutsideNamespace = head.spec.ingress.filter((r: any) => r.from?.some((f: any) => f.namespaceSelector || f.ipBlock) ?? true);
    expect(fromOutsideNamespace.flatMap((r: any) => r.ports.map((p: any) => p.port))).toEqual([8080]);
    const gcs = ADDON_CATALOG.kuberay.ports.find((p) => p.name === 'gcs-server')!.targetPort;
    expect(JSON.stringify(fromOutsideNamespace)).not.toContain(String(gcs));
  });

  test('KubeRay: listed sources reach client and serve; the dashboard only with exposeDashboard', () => {
    const head = (access: object) => policies('kuberay', { access })[0].spec.ingress.find((r: any) => r.from?.some((f: any) => f.ipBlock || f.namespaceSelector?.matchLabels));
    const sources = { namespaces: ['ml'], podSelectors: [{ namespace: 'ci', matchLabels: { app: 'runner' } }], cidrs: ['203.0.113.0/24'] };
    expect(head(sources)).toEqual({
      from: [
        { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ml' } } },
        { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ci' } }, podSelector: { matchLabels: { app: 'runner' } } },
        { ipBlock: { cidr: '203.0.113.0/24' } },
      ],
      ports: [{ protocol: 'TCP', port: 8000 }, { protocol: 'TCP', port: 10001 }],
    });
    expect(head({ ...sources, exposeDashboard: true }).ports.map((p: any) => p.port)).toEqual([8000, 8265, 10001]);
  });

  test('tenant mode: the cdk8s objects equal the core objects', () => {
    const { addon, objects } = synthAddon({ addon: 'kuberay', mode: 'tenant' });
    const core = renderClusterAddon({ cluster: ref, addon: 'kuberay', mode: 'tenant' }).networkPolicies;
    expect(objects.filter((o) => o.kind === 'NetworkPolicy')).toEqual(core);
    expect(core[0].metadata.namespace).toBe(addon.namespace);
  });

  test('management mode: Namespace and NetworkPolicies reach the workload cluster through a ClusterResourceSet selecting the Cluster', () => {
    const model = renderClusterAddon({ cluster: ref, addon: 'kuberay' });
    expect(model.manifests.some((m) => m.kind === 'NetworkPolicy' || m.kind === 'Namespace')).toBe(false);
    const cm = model.manifests.find((m) => m.kind === 'ConfigMap')!;
    const crs = model.manifests.find((m) => m.kind === 'ClusterResourceSet')! as any;
    expect(crs.spec.resources).toEqual([{ name: cm.metadata.name, kind: 'ConfigMap' }]);
    expect(crs.spec.clusterSelector).toEqual({ matchLabels: { [ADDON_CLUSTER_SELECTOR_LABEL]: 'prod' } });
    expect(crs.metadata.namespace).toBe(ref.namespace);
    const docs = parseAllDocuments((cm as any).data['resources.yaml']).map((d) => d.toJS());
    expect(docs).toEqual(model.workloadClusterManifests);
    expect(docs.map((d) => d.kind)).toEqual(['Namespace', 'NetworkPolicy', 'NetworkPolicy', 'NetworkPolicy']);
    expect(docs.slice(1)).toEqual(model.networkPolicies);
  });
});

describe('monitoring', () => {
  function rule(mode: 'management' | 'tenant', monitoring?: object) {
    const { objects } = synthAddon({ addon: 'kuberay', mode, monitoring });
    return { rule: objects.find((o) => o.kind === 'PrometheusRule'), hrs: helmReleases(objects) };
  }

  test('never uses gotk_reconcile_condition (removed in Flux 2.2); alerts on gotk_resource_info and gotk_reconcile_duration_seconds', () => {
    const { rule: r } = rule('management');
    const text = JSON.stringify(r);
    expect(text).not.toContain('gotk_reconcile_condition');
    const alerts = r.spec.groups[0].rules;
    expect(alerts.find((a: any) => a.alert === 'FluxHelmReleaseNotReady').expr).toContain('gotk_resource_info{');
    expect(alerts.find((a: any) => a.alert === 'FluxHelmReleaseSlowReconcile').expr).toContain('gotk_reconcile_duration_seconds_sum{');
  });

  test('lives where Flux runs and selects exactly this add-on\'s HelmReleases, not Ready for 15m', () => {
    for (const mode of ['management', 'tenant'] as const) {
      const { rule: r, hrs } = rule(mode);
      expect(r.metadata.namespace).toBe(hrs[0].metadata.namespace);
      const notReady = r.spec.groups[0].rules.find((a: any) => a.alert === 'FluxHelmReleaseNotReady');
      expect(notReady.for).toBe('15m');
      expect(notReady.expr).toContain(`exported_namespace="${hrs[0].metadata.namespace}"`);
      expect(notReady.expr).toContain(`name=~"${hrs.map((h) => h.metadata.name).join('|')}"`);
      expect(notReady.expr).toContain('ready!="True"');
      const missing = r.spec.groups[0].rules.filter((a: any) => a.alert === 'FluxHelmReleaseStateMissing');
      expect(missing).toHaveLength(1);
      expect([...missing[0].expr.matchAll(/absent\(gotk_resource_info\{[^}]*name="([^"]+)"\}\)/g)].map((m) => m[1])).toEqual(hrs.map((h) => h.metadata.name));
    }
  });

  test('every label the readiness alerts match is produced by the kube-state-metrics config for HelmRelease', () => {
    const cm = renderFluxResourceMetrics({ namespace: 'monitoring' }).manifests[0] as any;
    const config = parse(cm.data[FLUX_RESOURCE_METRICS_KEY]);
    const hr = config.spec.resources.find((r: any) => `${r.groupVersionKind.group}/${r.groupVersionKind.version}` === HELM_RELEASE_API_VERSION);
    expect(hr.groupVersionKind.kind).toBe('HelmRelease');
    expect(`${hr.metricNamePrefix}_${hr.metrics[0].name}`).toBe('gotk_resource_info');
    const defined = new Set([...Object.keys(hr.metrics[0].labelsFromPath), ...Object.keys(hr.metrics[0].each.info.labelsFromPath), 'customresource_group', 'customresource_kind', 'customresource_version']);
    const { rule: r } = rule('management');
    for (const a of r.spec.groups[0].rules.filter((x: any) => x.expr.includes('gotk_resource_info'))) {
      for (const m of a.expr.matchAll(/([a-z_]+)(=~|!=|=)"/g)) expect(defined).toContain(m[1]);
    }
  });

  test('options: threshold, notReadyFor, namespace label, rule labels; false disables the rule', () => {
    const { rule: r } = rule('management', { notReadyFor: '30m', slowReconcileThreshold: 120, namespaceLabel: 'namespace', ruleLabels: { release: 'kps' } });
    const alerts = r.spec.groups[0].rules;
    expect(alerts.find((a: any) => a.alert === 'FluxHelmReleaseNotReady').for).toBe('30m');
    const slow = alerts.find((a: any) => a.alert === 'FluxHelmReleaseSlowReconcile').expr;
    expect(slow).toMatch(/> 120$/);
    expect(slow).toContain('sum by (namespace, name)');
    expect(r.metadata.labels.release).toBe('kps');
    expect(synthAddon({ addon: 'jupyterhub', monitoring: false }).objects.some((o) => o.kind === 'PrometheusRule')).toBe(false);
  });

  test('FluxResourceMetrics emits the config, a ClusterRole for list/watch and the binding when given', () => {
    const chart = new Chart(Testing.app(), 'm');
    new FluxResourceMetrics(chart, 'ksm', { namespace: 'monitoring', serviceAccount: { name: 'kube-state-metrics', namespace: 'monitoring' } });
    const objs = Testing.synth(chart);
    expect(objs.map((o) => o.kind)).toEqual(['ConfigMap', 'ClusterRole', 'ClusterRoleBinding']);
    expect(objs[1].rules[0]).toEqual({ apiGroups: ['helm.toolkit.fluxcd.io'], resources: ['helmreleases'], verbs: ['list', 'watch'] });
    // defect 5: kube-state-metrics' custom-resource-state discovery needs list/watch on CRDs, or gotk_resource_info never appears
    expect(objs[1].rules).toContainEqual({ apiGroups: ['apiextensions.k8s.io'], resources: ['customresourcedefinitions'], verbs: ['list', 'watch'] });
    expect(() => renderFluxResourceMetrics({ namespace: 'Bad_NS' })).toThrow(/namespace/);
  });
});
