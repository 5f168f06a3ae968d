/**
 * The upgrade order in `plan` (docs/day-2.md, "Upgrading in stages"): the control plane first, then
 * the worker groups by `upgradeStage`; a worker upgrade before the control plane (or an earlier stage)
 * reports its version is out of order, and `--fail-on upgrade-order` refuses it. The control plane's
 * live version comes from the management cluster with `--kubeconfig` (here kube-fake).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { main } from '../../lib/cli';
import { PLAN_EXIT } from '../../lib/cli/plan';
import { EXIT } from '../../lib/cli/args';
import { ClusterSpec, formatPlan, planFleet, WorkerGroupProps, writeFleet } from '../../lib';
import { clusterSpec, docker, manifestsOf } from './fixtures';
import { startKubeFake } from '../support/kube-fake';

const node = docker('kindest/node');
/** Cluster `prod` at `cp`, group `a` (stage 1) and `b` (stage 2) at their versions (undefined: the cluster's). */
function fleet(cp: string, a?: string, b?: string): ClusterSpec[] {
  const group = (name: string, stage: number, kubernetesVersion?: string): WorkerGroupProps => ({ name, machineTemplate: node, scaling: { replicas: 2 }, upgradeStage: stage, kubernetesVersion } as never);
  return [clusterSpec({ cluster: { kubernetesVersion: cp } as never, controlPlane: { replicas: 1, machineTemplate: node }, workers: [group('a', 1, a), group('b', 2, b)] })];
}
const upgrades = (before: ClusterSpec[], after: ClusterSpec[], live?: string) => {
  const p = planFleet(manifestsOf(before), manifestsOf(after), live ? { reportedControlPlaneVersions: new Map([['tenants/prod', live]]) } : {});
  return { plan: p, rows: p.clusters[0].upgrades.map((u) => [u.stage, u.object.name, u.old, u.new, u.outOfOrder ?? 'in order']) };
};

test('bumping the cluster with its groups following: the control plane is stage 0, every worker upgrade is out of order', () => {
  const { plan, rows } = upgrades(fleet('v1.31.4'), fleet('v1.32.1'));
  expect(rows).toEqual([
    [0, 'prod-control-plane', 'v1.31.4', 'v1.32.1', 'in order'],
    [1, 'prod-a', 'v1.31.4', 'v1.32.1', expect.stringMatching(/^the control plane reports v1\.31\.4 \(its version before this apply/)],
    [2, 'prod-b', 'v1.31.4', 'v1.32.1', expect.stringMatching(/^the control plane reports v1\.31\.4/)],
  ]);
  expect(plan.totals.outOfOrder).toBe(2);
  expect(formatPlan(plan)).toContain('  UPGRADES (3)\n    stage 0: control plane KubeadmControlPlane tenants/prod-control-plane v1.31.4 -> v1.32.1\n    stage 1: workers MachineDeployment tenants/prod-a v1.31.4 -> v1.32.1\n      out of order: the control plane reports v1.31.4');
  expect(formatPlan(plan).trimEnd().split('\n').pop()).toMatch(/, 2 upgrades out of order\.$/);
});

test('the pipeline: control plane with the groups pinned, then stage 1, then stage 2, each in order', () => {
  const s0 = fleet('v1.31.4');
  const s1 = fleet('v1.32.1', 'v1.31.4', 'v1.31.4');
  const s2 = fleet('v1.32.1', undefined, 'v1.31.4');
  const s3 = fleet('v1.32.1');
  expect(upgrades(s0, s1).rows).toEqual([[0, 'prod-control-plane', 'v1.31.4', 'v1.32.1', 'in order']]);
  expect(upgrades(s1, s2).rows).toEqual([[1, 'prod-a', 'v1.31.4', 'v1.32.1', 'in order']]);
  expect(upgrades(s2, s3).rows).toEqual([[2, 'prod-b', 'v1.31.4', 'v1.32.1', 'in order']]);
  // the live version, when known, decides: a control plane still rolling does not report the new version
  expect(upgrades(s1, s2, 'v1.31.4').rows[0][4]).toMatch(/^the control plane reports v1\.31\.4: upgrade it first/);
  expect(upgrades(s1, s2, 'v1.32.1').rows[0][4]).toBe('in order');
});

test('a later stage before an earlier one is out of order', () => {
  const { rows } = upgrades(fleet('v1.32.1', 'v1.31.4', 'v1.31.4'), fleet('v1.32.1', 'v1.31.4'));
  expect(rows).toEqual([[2, 'prod-b', 'v1.31.4', 'v1.32.1', 'stage 1 group prod-a is still at v1.31.4: upgrade the earlier stages first']]);
});

test('upgradeStage is validated and emitted as an annotation', () => {
  const md = manifestsOf(fleet('v1.31.4')).find((m) => m.metadata.name === 'prod-b')!;
  expect(md.metadata.annotations).toEqual({ 'capi-constructs.io/upgrade-stage': '2' });
  expect(() => manifestsOf([clusterSpec({ workers: [{ name: 'x', machineTemplate: node, upgradeStage: 0 }] })])).toThrow(/workers\[0\]\.upgradeStage/);
});

describe('capi-constructs plan --fail-on upgrade-order --kubeconfig', () => {
  let dir: string;
  const run = async (...args: string[]) => {
    let stdout = '';
    let stderr = '';
    const code = await main(['plan', ...args], { write: (s: string) => { stdout += s; return true; } }, { write: (s: string) => { stderr += s; return true; } });
    return { code, stdout, stderr };
  };
  const kcp = (version?: string) => ({
    apiVersion: 'controlplane.cluster.x-k8s.io/v1beta2', kind: 'KubeadmControlPlane', metadata: { name: 'prod-control-plane', namespace: 'tenants' },
    spec: { version: 'v1.32.1' }, status: version ? { version } : {},
  });

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'capi-upgrade-order-'));
    writeFleet(path.join(dir, 'step1'), fleet('v1.32.1', 'v1.31.4', 'v1.31.4'));
    writeFleet(path.join(dir, 'step2'), fleet('v1.32.1', undefined, 'v1.31.4'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test.each([
    ['v1.31.4', PLAN_EXIT.upgradeOrder, /out of order: the control plane reports v1\.31\.4: upgrade it first/],
    ['v1.32.1', PLAN_EXIT.ok, /stage 1: workers MachineDeployment tenants\/prod-a v1\.31\.4 -> v1\.32\.1\n/],
  ])('live control plane at %s: exit %s', async (live, code, text) => {
    const fake = await startKubeFake({ objects: [kcp(live)] });
    try {
      const kubeconfig = path.join(dir, `kubeconfig-${live}`);
      fs.writeFileSync(kubeconfig, fake.kubeconfigYaml());
      const r = await run('--previous', path.join(dir, 'step1'), '--next', path.join(dir, 'step2'), '--fail-on', 'upgrade-order,rolls', '--kubeconfig', kubeconfig);
      expect(r.stderr).toBe('');
      expect(r.stdout).toMatch(text);
      // out of order and rolls are both refusals (exit 3 under the CLI's table); in order, the rolling group makes --fail-on rolls exit 3
      expect(r.code).toBe(code === PLAN_EXIT.ok ? PLAN_EXIT.rolls : code);
      expect(fake.writes()).toEqual([]);
    } finally {
      await fake.close();
    }
  });

  test('--fail-on upgrade-order alone: out of order is refused (exit 3, EXIT.refused); an unreachable API server is an API failure (exit 1)', async () => {
    const fake = await startKubeFake({ objects: [kcp('v1.31.4')] });
    const kubeconfig = path.join(dir, 'kubeconfig-closed');
    try {
      fs.writeFileSync(kubeconfig, fake.kubeconfigYaml());
      const r = await run('--previous', path.join(dir, 'step1'), '--next', path.join(dir, 'step2'), '--fail-on', 'upgrade-order', '--kubeconfig', kubeconfig);
      expect(r.code).toBe(EXIT.refused);
    } finally {
      await fake.close();
    }
    const down = await run('--previous', path.join(dir, 'step1'), '--next', path.join(dir, 'step2'), '--kubeconfig', kubeconfig);
    expect(down.code).toBe(EXIT.failed);
    expect(down.stderr).toMatch(/cannot read the control planes' versions from the management cluster/);
  });

  test('without --kubeconfig the version before the apply counts; a missing kubeconfig is a configuration error (78), a bad fail-on value a usage error (64)', async () => {
    const ok = await run('--previous', path.join(dir, 'step1'), '--next', path.join(dir, 'step2'), '--fail-on', 'upgrade-order');
    expect(ok.code).toBe(PLAN_EXIT.ok);
    const bad = await run('--previous', path.join(dir, 'step1'), '--next', path.join(dir, 'step2'), '--kubeconfig', path.join(dir, 'missing'));
    expect(bad.code).toBe(EXIT.config);
    expect(bad.stderr).toMatch(/cannot read the kubeconfig .*missing \(--kubeconfig\)/);
    const flag = await run('--previous', path.join(dir, 'step1'), '--next', path.join(dir, 'step2'), '--fail-on', 'order');
    expect(flag.code).toBe(PLAN_EXIT.usage);
    expect(flag.stderr).toMatch(/--fail-on accepts rolls, upgrade-order/);
  });
});
