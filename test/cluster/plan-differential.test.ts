/**
 * `plan` against the real management cluster (the real Cluster API, CAPV and CAPO webhooks, the
 * CRDs' CEL rules and schemas, evaluated by the real API server). For every case of
 * test/plan/differential-cases.ts: apply the previous manifests (server-side, for real), then
 * server-side dry-run the next ones with the same field manager; the objects the server refuses must
 * be exactly the objects `plan` lists as `rejected`, object by object, both ways. Before the dry run the
 * test waits until the KubeadmControlPlane controller has reconciled each KubeadmControlPlane (its
 * finalizer is set), as it has long done before any real next apply: a v1beta1 server-side apply is
 * answered differently before and after that first reconcile (an emptied clusterConfiguration
 * component becomes `null` only after it).
 * PLAN_DIFFERENTIAL_PAIRS sets the number of generated pairs (default 40, so the whole real-cluster
 * suite finishes in minutes in CI; each case takes ~3-10 s; set it higher for a deeper run).
 * The afterAll report gives, for every disagreement, the server's refusal message (`serverMessage`).
 */
import { Manifest, planFleet } from '../../lib';
import { fixedCases, generatedCases, renamespace, UpdateCase } from '../plan/differential-cases';
import { apply, deleteNamespaces, freshNamespace, kubectl } from '../support/real-cluster';

const PAIRS = Number(process.env.PLAN_DIFFERENTIAL_PAIRS ?? 40);

/** `Kind/name` of every object the server refused, from kubectl's stderr; lines it cannot attribute are returned apart. */
export function refusedObjects(stderr: string, objects: readonly Manifest[]): { refused: Set<string>; unattributed: string[] } {
  const refused = new Set<string>();
  const unattributed: string[] = [];
  const byName = (kind: string, name: string) => objects.find((o) => o.kind.toLowerCase() === kind.toLowerCase() && o.metadata.name === name);
  for (const line of stderr.split('\n').filter((l) => /^Error from server|^error:/i.test(l) || / is invalid: /.test(l))) {
    const m = /(?:The )?([A-Za-z]+)(?:\.[a-z0-9.-]+)? "([^"]+)" is invalid/.exec(line)
      ?? /Kind=([A-Za-z]+)[\s\S]*?Name: "([^"]+)"/.exec(line)
      ?? /([A-Za-z]+)\.[a-z0-9.-]+ "([^"]+)"/.exec(line);
    const o = m ? byName(m[1], m[2]) : undefined;
    if (o) refused.add(`${o.kind}/${o.metadata.name}`);
    else unattributed.push(line);
  }
  return { refused, unattributed };
}

interface Outcome {
  readonly case: string;
  readonly setup?: string;
  readonly onlyServer: string[];
  readonly onlyPlan: string[];
  readonly unattributed: string[];
  /** The server's refusal (kubectl's stderr of the dry run), when it refused anything. */
  readonly serverMessage?: string;
}

function run(c: UpdateCase): Outcome {
  const ns = freshNamespace('plandiff');
  try {
    const previous = renamespace(c.previous, 'ns', ns);
    const next = renamespace(c.next, 'ns', ns);
    for (const other of new Set([...previous, ...next].map((o) => o.metadata.namespace).filter((n): n is string => !!n && n !== ns))) {
      if (kubectl(['get', 'namespace', other]).status !== 0) kubectl(['create', 'namespace', other]);
    }
    const first = apply(previous, { fieldManager: 'plan-differential' });
    if (first.status !== 0) return { case: c.name, setup: `previous refused: ${first.stderr.trim().slice(0, 800)}`, onlyServer: [], onlyPlan: [], unattributed: [] };
    for (const kcp of previous.filter((o) => o.kind === 'KubeadmControlPlane')) {
      const w = kubectl(['wait', '-n', kcp.metadata.namespace ?? ns, `kubeadmcontrolplanes.controlplane.cluster.x-k8s.io/${kcp.metadata.name}`,
        '--for=jsonpath={.metadata.finalizers[0]}=kubeadm.controlplane.cluster.x-k8s.io', '--timeout=60s']);
      if (w.status !== 0) return { case: c.name, setup: `KubeadmControlPlane ${kcp.metadata.name} not reconciled: ${w.stderr.trim().slice(0, 400)}`, onlyServer: [], onlyPlan: [], unattributed: [] };
    }
    let dry = apply(next, { dryRun: true, fieldManager: 'plan-differential' });
    // A webhook call that failed in transit (a busy machine) is no answer: ask once more.
    if (/failed calling webhook|Internal error occurred|connection refused|context deadline exceeded/.test(dry.stderr)) dry = apply(next, { dryRun: true, fieldManager: 'plan-differential' });
    const server = refusedObjects(dry.stderr, next);
    const plan = planFleet(previous, next);
    const planned = new Set(plan.clusters.flatMap((cl) => cl.rejected.filter((r) => r.effect === 'rejected').map((r) => `${r.object.kind}/${r.object.name}`)));
    return {
      case: c.name,
      onlyServer: [...server.refused].filter((x) => !planned.has(x)),
      onlyPlan: [...planned].filter((x) => !server.refused.has(x)),
      unattributed: dry.status !== 0 && server.refused.size === 0 ? [dry.stderr.trim()] : server.unattributed,
      ...(dry.status !== 0 || dry.stderr.trim() ? { serverMessage: dry.stderr.trim() } : {}),
    };
  } finally {
    deleteNamespaces([ns]);
  }
}

const cases = [...fixedCases(), ...generatedCases(PAIRS)];

describe(`plan's rejected list equals the real server's answer (${cases.length} cases)`, () => {
  const outcomes: Outcome[] = [];
  afterAll(() => {
    const bad = outcomes.filter((o) => o.setup || o.onlyServer.length + o.onlyPlan.length + o.unattributed.length > 0);
    process.stderr.write(`plan differential: ${outcomes.length} cases, ${bad.length} with disagreements\n`);
    for (const { serverMessage, ...o } of bad) {
      process.stderr.write(`  ${JSON.stringify(o).slice(0, 2000)}\n`);
      if (serverMessage) process.stderr.write(`    server said: ${serverMessage.slice(0, 4000).replace(/\n/g, '\n    ')}\n`);
    }
  });
  it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const o = run(c);
    outcomes.push(o);
    expect({ setup: o.setup, onlyServer: o.onlyServer, onlyPlan: o.onlyPlan, unattributed: o.unattributed })
      .toEqual({ setup: undefined, onlyServer: [], onlyPlan: [], unattributed: [] });
  });
});
