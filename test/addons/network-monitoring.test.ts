import { Chart, Testing } from 'cdk8s';
import { parse, parseAllDocuments } from 'yaml';
import { FluxResourceMetrics } from '../../lib';
import {
  ADDON_CATALOG, ADDON_CLUSTER_SELECTOR_LABEL, addonPortSummary, addonSecurityGroupPorts, FLUX_RESOURCE_METRICS_KEY,
  HELM_RELEASE_API_VERSION, renderClusterAddon, renderFluxResourceMetrics,
} from '../../lib/core/addons';
import { helmReleases, synthAddon } from './fixtures';

const ref = { name: 'prod', namespace: 'tenants', kubernetesVersion: 'v1.31.4', apiVersion: 'v1beta2' as const };

describe('security-group ports', () => {
  test('are the public catalog ports: JupyterHub 80, KubeRay 8265 (+ client and serve)', () => {
    expect(addonSecurityGroupPorts('jupyterhub').map((p) => p.port)).toEqual([80]);
    expect(addonSecurityGroupPorts('kuberay').map((p) => p.port).sort((a, b) => a - b)).toEqual([8000, 8265, 10001]);
    expect(synthAddon({ addon: 'kuberay' }).addon.securityGroupPorts).toEqual(addonSecurityGroupPorts('kuberay'));
  });

  test('the summary lists every port with add-on, cluster and namespace', () => {
    const { addon } = synthAddon({ addon: 'jupyterhub' });
    const text = addonPortSummary([{ addon: 'jupyterhub', cluster: 'prod', namespace: addon.namespace }, 'kuberay']);
    expect(text).toContain(`jupyterhub (cluster prod, namespace ${addon.namespace}): 80/TCP`);
    expect(text).toContain('kuberay: 8265/TCP dashboard');
  });
});

describe('NetworkPolicy', () => {
  test('admits public ports from anywhere at their container ports (JupyterHub 80 -> proxy 8000), cluster ports from any namespace, the rest only from the namespace', () => {
    const { networkPolicy } = renderClusterAddon({ cluster: ref, addon: 'jupyterhub', mode: 'tenant' });
    const spec = networkPolicy.spec as any;
    expect(spec.podSelector).toEqual({});
    expect(spec.policyTypes).toEqual(['Ingress']);
    expect(spec.ingress).toEqual([{ from: [{ podSelector: {} }] }, { ports: [{ protocol: 'TCP', port: 8000 }] }]);
    const ray = renderClusterAddon({ cluster: ref, addon: 'kuberay' }).networkPolicy.spec as any;
    const publicPorts = ray.ingress.find((r: any) => !r.from).ports.map((p: any) => p.port);
    expect(publicPorts).toEqual([8000, 8265, 10001]);
    expect(ray.ingress.find((r: any) => r.from?.[0].namespaceSelector)).toEqual({ from: [{ namespaceSelector: {} }], ports: [{ protocol: 'TCP', port: 8080 }] });
    const admittedFromOutside = ray.ingress.filter((r: any) => !r.from?.[0].podSelector).flatMap((r: any) => r.ports.map((p: any) => p.port));
    expect(admittedFromOutside).not.toContain(ADDON_CATALOG.kuberay.ports.find((p) => p.name === 'gcs-server')!.targetPort);
  });

  test('tenant mode: the cdk8s object equals the core object', () => {
    const { addon, objects } = synthAddon({ addon: 'kuberay', mode: 'tenant' });
    const core = renderClusterAddon({ cluster: ref, addon: 'kuberay', mode: 'tenant' }).networkPolicy;
    expect(objects.find((o) => o.kind === 'NetworkPolicy')).toEqual(core);
    expect(core.metadata.namespace).toBe(addon.namespace);
  });

  test('management mode: Namespace and NetworkPolicy reach the workload cluster through a ClusterResourceSet selecting the Cluster', () => {
    const model = renderClusterAddon({ cluster: ref, addon: 'jupyterhub' });
    expect(model.manifests.some((m) => m.kind === 'NetworkPolicy' || m.kind === 'Namespace')).toBe(false);
    const cm = model.manifests.find((m) => m.kind === 'ConfigMap')!;
    const crs = model.manifests.find((m) => m.kind === 'ClusterResourceSet')! as any;
    expect(crs.spec.resources).toEqual([{ name: cm.metadata.name, kind: 'ConfigMap' }]);
    expect(crs.spec.clusterSelector).toEqual({ matchLabels: { [ADDON_CLUSTER_SELECTOR_LABEL]: 'prod' } });
    expect(crs.metadata.namespace).toBe(ref.namespace);
    const docs = parseAllDocuments((cm as any).data['resources.yaml']).map((d) => d.toJS());
    expect(docs).toEqual(model.workloadClusterManifests);
    expect(docs.map((d) => d.kind)).toEqual(['Namespace', 'NetworkPolicy']);
    expect(docs[1]).toEqual(model.networkPolicy);
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
      expect(missing.map((a: any) => /name="([^"]+)"/.exec(a.expr)![1])).toEqual(hrs.map((h) => h.metadata.name));
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
    expect(() => renderFluxResourceMetrics({ namespace: 'Bad_NS' })).toThrow(/namespace/);
  });
});
