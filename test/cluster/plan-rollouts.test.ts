/**
 * `plan`'s predicted rollouts against the real Cluster API controllers, group by group. For every case
 * of test/plan/differential-cases.ts (the fixed cases, PLAN_ROLLOUT_PAIRS seeded generated pairs, and
 * the control-plane cases with PLAN_ROLLOUT_CP_PAIRS generated pairs): apply the previous manifests for
 * real, wait for the controllers to settle, note what they made, apply the next manifests for real
 * (objects the server refuses stay as they were), wait again, and compare:
 *
 * - **worker groups** (every MachineDeployment in both manifests): the MachineDeployment controller
 *   starts a rollout by creating a new MachineSet, and only then. `plan` says the group rolls: a new
 *   MachineSet must appear; `plan` says nothing rolls (no change, an in-place change, a rejected
 *   update): none may appear. `plan` says the rollout is blocked by the version-skew preflight checks:
 *   a new MachineSet appears, and the MachineSet controller must report the KubernetesVersionSkew or
 *   KubeadmVersionSkew check in its ScalingUp condition. The MachineSet controller reaches its
 *   preflight checks only when the CRD of the group's machines is installed (CAPO's and CAPV's are,
 *   CAPD's DockerMachine is not: for DockerMachineTemplate groups it stops at "failed to list
 *   DockerMachine objects"), so for those a blocked group is checked by its new MachineSet alone.
 * - **control planes** (a KubeadmControlPlane on OpenStack, whose machine CRDs are installed): the
 *   suite plays the part of the cloud for the OpenStackCluster (it sets `spec.controlPlaneEndpoint`
 *   and `status.ready`, as CAPO does once the network and load balancer exist); the KubeadmControlPlane
 *   controller then creates the first (init) Machine with its OpenStackMachine and KubeadmConfig and
 *   marks it `UpToDate`. After the next apply the controller re-marks it: `UpToDate=False` is the
 *   controller's "needs rollout" (it then cannot replace it: without a reachable workload cluster the
 *   scale-up stops), `True` is "no rollout". The suite waits for the Machine to be marked before the
 *   next apply, and gives the controller CP_WINDOW_MS after it (it reconciles at once on the change,
 *   and every 20 s while the control plane is not initialized). Control planes on CAPD templates are
 *   not observable (no DockerMachine CRD, no infrastructure to clone).
 *
 * The afterAll report gives the counts and every disagreement with plan's causes and what the
 * controllers showed.
 */
import { Manifest, planFleet } from '../../lib';
import { controlPlaneCases, fixedCases, generatedCases, renamespace, UpdateCase } from '../plan/differential-cases';
import { apply, deleteNamespaces, freshNamespace, kubectl } from '../support/real-cluster';

// defaults keep `npm run test:cluster` bounded (each case waits for the controllers); the full run sets 40 and 16
const PAIRS = Number(process.env.PLAN_ROLLOUT_PAIRS ?? 4);
const CP_PAIRS = Number(process.env.PLAN_ROLLOUT_CP_PAIRS ?? 2);
const CP_WINDOW_MS = 20_000;
const MANAGER = 'plan-rollouts';

type Predicted = 'rolls' | 'blocked' | 'no roll';
type Observed =
  | 'new MachineSet' | 'new MachineSet, blocked by version skew' | 'new MachineSet, preflight checks not reached' | 'no new MachineSet'
  | 'Machine not up to date' | 'Machine up to date';

interface GroupOutcome {
  readonly group: string;
  readonly predicted: Predicted;
  readonly observed: Observed;
  readonly causes: string[];
  /** What the controllers showed: MachineSets before and after, or the Machine's UpToDate message. */
  readonly seen: unknown;
}

interface Outcome {
  readonly case: string;
  readonly setup?: string;
  readonly groups: GroupOutcome[];
}

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function getJson(args: string[]): any | undefined {
  const r = kubectl(['get', ...args, '-o', 'json']);
  return r.status === 0 ? JSON.parse(r.stdout) : undefined;
}

const crds = new Map<string, boolean>();
/** Whether the CRD of the machines a template kind stamps out is installed (`FooMachineTemplate` -> `foomachines.<group>`). */
function machineCrdInstalled(templateKind: string, apiGroup: string): boolean {
  const name = `${templateKind.replace(/Template$/, '').toLowerCase()}s.${apiGroup}`;
  if (!crds.has(name)) crds.set(name, kubectl(['get', 'crd', name]).status === 0);
  return crds.get(name)!;
}

interface MachineSetView { name: string; preflightReached: boolean; preflightReachable: boolean; scalingUp: string }

function machineSets(ns: string, md: string): MachineSetView[] {
  const list = getJson(['machinesets.v1beta2.cluster.x-k8s.io', '-n', ns, '-l', `cluster.x-k8s.io/deployment-name=${md}`]);
  return ((list?.items ?? []) as any[]).map((ms) => {
    const ref = ms.spec.template.spec.infrastructureRef ?? {};
    const scalingUp = ((ms.status?.conditions ?? []) as any[]).find((x) => x.type === 'ScalingUp')?.message ?? '';
    return {
      name: ms.metadata.name, scalingUp,
      // Every new MachineSet here is held by the ControlPlaneIsStable preflight check (the control plane
      // never becomes available without a cloud), so its checks are in once ScalingUp says it is blocked.
      preflightReached: / is blocked because/.test(scalingUp),
      preflightReachable: machineCrdInstalled(String(ref.kind ?? ''), String(ref.apiGroup ?? '')),
    };
  });
}

/** Waits until the MachineDeployment controller reports the object's current generation and it owns a MachineSet; undefined when it did, else why not. */
function mdSettled(ns: string, md: string, timeoutMs = 120_000): string | undefined {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    const o = getJson(['machinedeployments.v1beta2.cluster.x-k8s.io', md, '-n', ns]);
    last = o ? `generation ${o.metadata.generation}, observedGeneration ${o.status?.observedGeneration}` : 'not found';
    if (o && o.status?.observedGeneration === o.metadata.generation && machineSets(ns, md).length > 0) return undefined;
    sleep(1000);
  }
  return `MachineDeployment ${md} not settled within ${timeoutMs / 1000}s: ${last}`;
}

/** The control-plane Machines of a KubeadmControlPlane with their UpToDate condition. */
function cpMachines(ns: string, kcp: string): { name: string; upToDate?: string; message: string }[] {
  const list = getJson(['machines.v1beta2.cluster.x-k8s.io', '-n', ns, '-l', `cluster.x-k8s.io/control-plane-name=${kcp}`]);
  return ((list?.items ?? []) as any[]).map((m) => {
    const c = ((m.status?.conditions ?? []) as any[]).find((x) => x.type === 'UpToDate');
    return { name: m.metadata.name, upToDate: c?.status, message: c?.message ?? '' };
  });
}

/** The KubeadmControlPlanes the controller can act on here: OpenStack infrastructure and an OpenStackMachineTemplate. */
function observableControlPlanes(objs: readonly Manifest[]): Manifest[] {
  const infra = (o: Manifest) => (o.spec as any)?.machineTemplate?.spec?.infrastructureRef?.kind ?? (o.spec as any)?.machineTemplate?.infrastructureRef?.kind;
  const osCluster = objs.some((o) => o.kind === 'OpenStackCluster');
  return osCluster ? objs.filter((o) => o.kind === 'KubeadmControlPlane' && infra(o) === 'OpenStackMachineTemplate') : [];
}

/** What CAPO would do once the cloud network and load balancer exist: the endpoint and `status.ready`. */
function provisionOpenStackCluster(ns: string, name: string): string | undefined {
  const r = 'openstackclusters.v1beta1.infrastructure.cluster.x-k8s.io';
  const a = kubectl(['patch', '-n', ns, r, name, '--type=merge', '--field-manager=fake-cloud', '-p', JSON.stringify({ spec: { controlPlaneEndpoint: { host: '10.0.0.10', port: 6443 } } })]);
  if (a.status !== 0) return a.stderr.trim();
  const b = kubectl(['patch', '-n', ns, r, name, '--subresource=status', '--type=merge', '--field-manager=fake-cloud', '-p', JSON.stringify({ status: { ready: true } })]);
  return b.status !== 0 ? b.stderr.trim() : undefined;
}

function predictions(previous: Manifest[], next: Manifest[]): Map<string, { predicted: Predicted; causes: string[] }> {
  const plan = planFleet(previous, next);
  const out = new Map<string, { predicted: Predicted; causes: string[] }>();
  for (const cl of plan.clusters) {
    for (const r of cl.rolls) {
      // The control plane observed here has one Machine, the init machine: it rolls unless plan says it is kept.
      out.set(`${r.object.kind}/${r.object.name}`, {
        predicted: r.firstMachine === 'kept' ? 'no roll' : 'rolls',
        causes: [...r.causes.map((c) => `${c.path}: ${JSON.stringify(c.old)} -> ${JSON.stringify(c.new)}`), ...(r.machinesNote ? [r.machinesNote] : [])],
      });
    }
    for (const r of cl.rejected.filter((x) => x.effect === 'blocked')) {
      out.set(`${r.object.kind}/${r.object.name}`, { predicted: 'blocked', causes: [`${r.path}: ${r.rule}`] });
    }
  }
  return out;
}

function run(c: UpdateCase): Outcome {
  const ns = freshNamespace('planroll');
  try {
    const previous = renamespace(c.previous, 'ns', ns);
    const next = renamespace(c.next, 'ns', ns);
    for (const other of new Set([...previous, ...next].map((o) => o.metadata.namespace).filter((n): n is string => !!n && n !== ns))) {
      if (kubectl(['get', 'namespace', other]).status !== 0) kubectl(['create', 'namespace', other]);
    }
    const first = apply(previous, { fieldManager: MANAGER });
    if (first.status !== 0) return { case: c.name, setup: `previous refused: ${first.stderr.trim().slice(0, 800)}`, groups: [] };
    const ids = (objs: Manifest[], kind: string) => objs.filter((o) => o.kind === kind).map((o) => `${o.metadata.namespace}/${o.metadata.name}`);
    const mds = ids(previous, 'MachineDeployment').filter((id) => ids(next, 'MachineDeployment').includes(id));
    const kcps = ids(observableControlPlanes(previous), 'KubeadmControlPlane').filter((id) => ids(next, 'KubeadmControlPlane').includes(id));
    for (const o of kcps.length ? previous.filter((x) => x.kind === 'OpenStackCluster') : []) {
      const err = provisionOpenStackCluster(o.metadata.namespace ?? ns, o.metadata.name);
      if (err) return { case: c.name, setup: `OpenStackCluster ${o.metadata.name}: ${err}`, groups: [] };
    }
    const before = new Map<string, string[]>();
    for (const id of mds) {
      const [mns, name] = id.split('/');
      const why = mdSettled(mns, name);
      if (why) return { case: c.name, setup: `after the previous apply: ${why}`, groups: [] };
      before.set(id, machineSets(mns, name).map((m) => m.name));
    }
    const initMachine = new Map<string, string>();
    for (const id of kcps) {
      const [kns, name] = id.split('/');
      const deadline = Date.now() + 180_000;
      let ms = cpMachines(kns, name);
      while (Date.now() < deadline && !ms.some((m) => m.upToDate === 'True')) {
        sleep(1000);
        ms = cpMachines(kns, name);
      }
      const m = ms.find((x) => x.upToDate === 'True');
      if (!m) return { case: c.name, setup: `after the previous apply: KubeadmControlPlane ${name} has no Machine marked UpToDate: ${JSON.stringify(ms)}`, groups: [] };
      initMachine.set(id, m.name);
    }

    const applied = Date.now();
    apply(next, { fieldManager: MANAGER });
    const predicted = predictions(previous, next);
    const groups: GroupOutcome[] = [];
    for (const id of mds) {
      const [mns, name] = id.split('/');
      const why = mdSettled(mns, name);
      if (why) return { case: c.name, setup: `after the next apply: ${why}`, groups };
      const isNew = (m: MachineSetView) => !before.get(id)!.includes(m.name);
      let after = machineSets(mns, name);
      for (let i = 0; i < 90 && after.some((m) => isNew(m) && m.preflightReachable && !m.preflightReached); i++) {
        sleep(1000);
        after = machineSets(mns, name);
      }
      const fresh = after.filter(isNew);
      const observed: Observed = fresh.length === 0 ? 'no new MachineSet'
        : fresh.some((m) => /VersionSkew/.test(m.scalingUp)) ? 'new MachineSet, blocked by version skew'
          : fresh.some((m) => !m.preflightReachable) ? 'new MachineSet, preflight checks not reached' : 'new MachineSet';
      const p = predicted.get(`MachineDeployment/${name}`) ?? { predicted: 'no roll' as const, causes: [] };
      groups.push({
        group: `MachineDeployment ${id}`, predicted: p.predicted, observed, causes: p.causes,
        seen: { before: before.get(id), after: after.map((m) => m.name), scalingUp: fresh.map((m) => m.scalingUp) },
      });
    }
    for (const id of kcps) {
      const [kns, name] = id.split('/');
      const init = initMachine.get(id)!;
      let m = cpMachines(kns, name).find((x) => x.name === init);
      while (Date.now() < applied + CP_WINDOW_MS && m?.upToDate === 'True') {
        sleep(1000);
        m = cpMachines(kns, name).find((x) => x.name === init);
      }
      const p = predicted.get(`KubeadmControlPlane/${name}`) ?? { predicted: 'no roll' as const, causes: [] };
      groups.push({
        group: `KubeadmControlPlane ${id}`, predicted: p.predicted, observed: m?.upToDate === 'False' ? 'Machine not up to date' : 'Machine up to date',
        causes: p.causes, seen: { machine: init, upToDate: m?.upToDate, message: m?.message },
      });
    }
    return { case: c.name, groups };
  } finally {
    deleteNamespaces([ns]);
  }
}

/** Whether plan's verdict for a group is what the controllers did. */
export function agrees(g: Pick<GroupOutcome, 'predicted' | 'observed'>): boolean {
  switch (g.predicted) {
    case 'rolls': return g.observed === 'new MachineSet' || g.observed === 'new MachineSet, preflight checks not reached' || g.observed === 'Machine not up to date';
    case 'blocked': return g.observed === 'new MachineSet, blocked by version skew' || g.observed === 'new MachineSet, preflight checks not reached';
    default: return g.observed === 'no new MachineSet' || g.observed === 'Machine up to date';
  }
}

const cases = [...fixedCases(), ...generatedCases(PAIRS), ...controlPlaneCases(CP_PAIRS)];

describe(`plan's predicted rollouts equal what the real Cluster API controllers do (${cases.length} cases)`, () => {
  const outcomes: Outcome[] = [];
  afterAll(() => {
    const groups = outcomes.flatMap((o) => o.groups);
    const bad = outcomes.filter((o) => o.setup || o.groups.some((g) => !agrees(g)));
    const tally = (kind: string) => {
      const gs = groups.filter((g) => g.group.startsWith(kind));
      const n = (p: Predicted) => gs.filter((g) => g.predicted === p).length;
      return `${gs.length} ${kind}s (${n('rolls')} predicted to roll, ${n('blocked')} blocked, ${n('no roll')} not rolling)`;
    };
    const skew = groups.filter((g) => g.observed === 'new MachineSet, blocked by version skew').length;
    process.stderr.write(`plan rollouts: ${outcomes.length} cases, ${tally('MachineDeployment')}, ${tally('KubeadmControlPlane')}; ${skew} blocked groups confirmed by the preflight check; ${bad.length} cases with disagreements\n`);
    for (const o of bad) {
      process.stderr.write(`  ${o.case.slice(0, 300)}${o.setup ? `\n    setup: ${o.setup}` : ''}\n`);
      for (const g of o.groups.filter((x) => !agrees(x))) process.stderr.write(`    ${JSON.stringify(g).slice(0, 2000)}\n`);
    }
  });
  it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const o = run(c);
    outcomes.push(o);
    expect({ setup: o.setup, disagreements: o.groups.filter((g) => !agrees(g)) }).toEqual({ setup: undefined, disagreements: [] });
  });
});
