/**
 * Every object of every example (examples/*.ts, what `npm run synth` writes to dist/) against the real
 * management cluster: `kubectl apply --server-side --dry-run=server`, then the real
 * `kubectl apply --server-side`. The API server checks the CRD schemas and their CEL rules, the Cluster
 * API, CAPV and CAPO webhooks check what they admit, and v1beta1 objects go through the conversion
 * webhooks. The figure is 0 rejections.
 *
 * Then the Cluster API controllers, running, reconcile the applied Clusters: each gets conditions from
 * them, and no manager logs a reconcile error about one of the examples' objects.
 */
import * as fs from 'fs';
import { Testing } from 'cdk8s';
import { loadExamples } from '../../examples/load';
import { NO_SCHEMA_KINDS } from '../conformance/no-schema-kinds';
import { MANAGERS, apply, componentLog, kubectl, kubectlOk } from '../support/real-cluster';

/** Kinds no CRD of ../shared/crds defines (test/conformance/no-schema-kinds.ts): no API server can take them. */
const NOT_SERVED = new Set(Object.entries(NO_SCHEMA_KINDS)
  .filter(([, why]) => !why.startsWith('core Kubernetes kind') && !why.startsWith('served by the management cluster')).map(([k]) => k));

interface ExampleObjects {
  readonly file: string;
  readonly objects: any[];
  readonly notServed: any[];
}

const examples: ExampleObjects[] = loadExamples().map((e) => {
  const app = Testing.app();
  e.build(app);
  const all = app.charts.flatMap((c) => c.toJson() as any[]);
  return { file: e.file, objects: all.filter((o) => !NOT_SERVED.has(o.kind)), notServed: all.filter((o) => NOT_SERVED.has(o.kind)) };
});

const namespaces = [...new Set(examples.flatMap((e) => e.objects.map((o) => o.metadata.namespace).filter(Boolean)))] as string[];
const id = (o: any) => `${o.kind} ${o.metadata.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata.name}`;

beforeAll(() => {
  for (const ns of namespaces) {
    if (kubectl(['get', 'namespace', ns]).status !== 0) kubectlOk(['create', 'namespace', ns]);
  }
});

describe('every object of every example is accepted by the real management cluster', () => {
  it('there are examples, and only the kinds no public CRD defines are left out', () => {
    expect(examples.length).toBeGreaterThan(5);
    expect(examples.reduce((n, e) => n + e.objects.length, 0)).toBeGreaterThan(100);
    for (const o of examples.flatMap((e) => e.notServed)) expect(NOT_SERVED.has(o.kind)).toBe(true);
  });

  it.each(examples.map((e) => [e.file, e] as const))('examples/%s: server-side dry run, 0 rejections', (_file, e) => {
    const r = apply(e.objects, { dryRun: true });
    expect(r.stderr.split('\n').filter((l) => /error|invalid|denied|forbidden/i.test(l))).toEqual([]);
    expect(r.status).toBe(0);
    expect(r.stdout.trim().split('\n')).toHaveLength(e.objects.length);
  });

  it.each(examples.map((e) => [e.file, e] as const))('examples/%s: server-side apply, 0 rejections', (_file, e) => {
    const r = apply(e.objects);
    expect(r.stderr.split('\n').filter((l) => /error|invalid|denied|forbidden/i.test(l))).toEqual([]);
    expect(r.status).toBe(0);
    expect(r.stdout.trim().split('\n')).toHaveLength(e.objects.length);
  });
});

describe('the Cluster API controllers do not fault the examples', () => {
  const clusters = examples.flatMap((e) => e.objects.filter((o) => o.kind === 'Cluster'));

  it('each example Cluster gets conditions from the real controllers', async () => {
    expect(clusters.length).toBeGreaterThan(0);
    const pending = new Map(clusters.map((c) => [id(c), c]));
    const seen = new Map<string, string[]>();
    const deadline = Date.now() + 180_000;
    while (pending.size && Date.now() < deadline) {
      for (const [key, c] of pending) {
        const got = JSON.parse(kubectlOk(['get', 'clusters.v1beta2.cluster.x-k8s.io', c.metadata.name, '-n', c.metadata.namespace, '-o', 'json']));
        const types = (got.status?.conditions ?? []).map((x: any) => `${x.type}=${x.status}/${x.reason}`);
        seen.set(key, types);
        // The topology controller does not run (ClusterTopology off), so InfrastructureReady and
        // ControlPlaneInitialized are what the Cluster controller itself sets.
        if (types.some((t: string) => t.startsWith('InfrastructureReady=')) && types.some((t: string) => t.startsWith('ControlPlaneInitialized='))) pending.delete(key);
      }
      if (pending.size) await new Promise((r) => setTimeout(r, 2000));
    }
    expect([...pending.keys()].map((k) => ({ cluster: k, conditions: seen.get(k) }))).toEqual([]);
  });

  it('no manager logs a reconcile error about an example object, beyond the credentials Secrets users supply', () => {
    const namespaceSet = new Set(namespaces);
    // The credentials Secrets the examples name (identityRef, *SecretRef): users create them with real
    // cloud credentials (docs/providers.md); no cloud is reachable here, so they do not exist.
    const userSecrets = new Set<string>();
    const walk = (v: unknown, ns: string): void => {
      if (Array.isArray(v)) v.forEach((x) => walk(x, ns));
      else if (v && typeof v === 'object') {
        for (const [k, x] of Object.entries(v)) {
          if ((k === 'identityRef' || /secretRef$/i.test(k)) && x && typeof (x as any).name === 'string') userSecrets.add(`${ns}/${(x as any).name}`);
          walk(x, ns);
        }
      }
    };
    for (const o of examples.flatMap((e) => e.objects)) walk(o.spec, o.metadata.namespace ?? '');
    const faults: string[] = [];
    const missingCredentials = new Set<string>();
    for (const m of MANAGERS) {
      for (const line of fs.readFileSync(componentLog(m), 'utf8').split('\n')) {
        if (!/Reconciler error/.test(line)) continue;
        const ns = /namespace="([^"]+)"/.exec(line)?.[1];
        if (!ns || !namespaceSet.has(ns)) continue;
        const secret = /secrets? \\?"([^"\\]+)\\?" not found/.exec(line)?.[1];
        if (secret && userSecrets.has(`${ns}/${secret}`)) {
          missingCredentials.add(`${ns}/${secret}`);
          continue;
        }
        faults.push(`${m}: ${line.slice(0, 600)}`);
      }
    }
    expect(faults).toEqual([]);
    // what was left out above is only the absent credentials
    for (const s of missingCredentials) expect(userSecrets.has(s)).toBe(true);
  });
});
