/**
 * The same object defined twice is a ValidationError naming both definitions, before anything is added:
 * across the charts of one cdk8s App, and across the components of one Pulumi program (per provider).
 */
import { spawnSync } from 'child_process';
import { join } from 'path';
import { App, Chart, Testing } from 'cdk8s';
import type * as P from '../../lib/pulumi';
import { addFleet, Cluster, ClusterAddon, ClusterChart, ControlPlaneGroup, CustomMachineTemplate, WorkerGroup } from '../../lib';
import { ObjectRegistry } from '../../lib/core/output/object-identity';
import { TEST_INFRA } from '../support/infrastructure';
import { validationError } from '../support/validation-error';
import { runPulumi } from '../pulumi/harness';

const template = () => new CustomMachineTemplate({ kind: 'DockerMachineTemplate', version: 'v1beta2', spec: { customImage: 'kindest/node:v1.31.4' } });
const clusterProps = { name: 'prod', namespace: 'default', kubernetesVersion: 'v1.31.4', infrastructure: TEST_INFRA, cni: 'none' } as const;

function synthAll(app: App): any[] {
  return app.charts.flatMap((c) => Testing.synth(c));
}

describe('cdk8s: one definition per object in an App', () => {
  test('two ControlPlaneGroups on one cluster: the second is refused, naming both, and adds nothing', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'dev');
    const cluster = new Cluster(chart, 'cluster', { ...clusterProps, name: 'dev' });
    new ControlPlaneGroup(chart, 'cp', { cluster, machineTemplate: template() });
    const err = validationError(() => new ControlPlaneGroup(chart, 'cp2', { cluster, machineTemplate: template() }));
    expect(err.subject).toBe('ControlPlaneGroup "dev-control-plane"');
    const issue = err.issues.find((i) => i.path === 'KubeadmControlPlane default/dev-control-plane');
    expect(issue?.message).toBe('is defined by ControlPlaneGroup "dev/cp2" and already by ControlPlaneGroup "dev/cp": each object may be defined once '
      + 'in a cdk8s App (across all its charts) (both would be applied, and the second would silently replace the first)');
    expect(chart.node.tryFindChild('cp2')).toBeUndefined();
    expect(synthAll(app).filter((o) => o.kind === 'KubeadmControlPlane')).toHaveLength(1);
  });

  test('two WorkerGroups named "workers" on one cluster', () => {
    const chart = new Chart(Testing.app(), 'prod');
    const cluster = new Cluster(chart, 'cluster', clusterProps);
    new WorkerGroup(chart, 'a', { cluster, name: 'workers', machineTemplate: template() });
    const err = validationError(() => new WorkerGroup(chart, 'b', { cluster, name: 'workers', machineTemplate: template() }));
    expect(err.issues.map((i) => i.path)).toContain('MachineDeployment default/prod-workers');
    expect(err.message).toContain('WorkerGroup "prod/a"');
    expect(err.message).toContain('WorkerGroup "prod/b"');
  });

  test('a failure domain\'s MachineDeployment that another group defines (issue 29 meets issue 28)', () => {
    const chart = new Chart(Testing.app(), 'prod');
    const cluster = new Cluster(chart, 'cluster', clusterProps);
    new WorkerGroup(chart, 'spread', { cluster, name: 'workers', failureDomains: ['a', 'b'], machineTemplate: template() });
    const err = validationError(() => new WorkerGroup(chart, 'single', { cluster, name: 'workers-a', machineTemplate: template() }));
    expect(err.issues.map((i) => i.path)).toContain('MachineDeployment default/prod-workers-a');
    expect(err.message).toContain('WorkerGroup "prod/spread"');
  });

  test('the same add-on twice', () => {
    const chart = new Chart(Testing.app(), 'prod');
    const cluster = new Cluster(chart, 'cluster', { ...clusterProps, cni: 'calico' });
    new ClusterAddon(chart, 'hub', { cluster, addon: 'jupyterhub' });
    const err = validationError(() => new ClusterAddon(chart, 'hub2', { cluster, addon: 'jupyterhub' }));
    expect(err.issues.some((i) => /^HelmRelease \S+\/jupyterhub-/.test(i.path))).toBe(true);
    expect(err.message).toContain('ClusterAddon "prod/hub"');
  });

  test('two charts of one App, each with Cluster default/prod; two Apps are independent', () => {
    const app = Testing.app();
    new Cluster(new Chart(app, 'one'), 'cluster', clusterProps);
    const err = validationError(() => new Cluster(new Chart(app, 'two'), 'cluster', clusterProps));
    expect(err.issues.map((i) => i.path)).toContain('Cluster default/prod');
    expect(err.message).toContain('Cluster "one/cluster"');
    expect(err.message).toContain('Cluster "two/cluster"');
    expect(() => new Cluster(new Chart(Testing.app(), 'one'), 'cluster', clusterProps)).not.toThrow();
  });

  test('a ClusterChart beside a Cluster of the same name, and addFleet adds no chart when one of its clusters is taken', () => {
    const app = Testing.app();
    new Cluster(new Chart(app, 'hand'), 'cluster', clusterProps);
    const spec = { cluster: clusterProps, controlPlane: { machineTemplate: template() } };
    expect(validationError(() => new ClusterChart(app, { spec })).issues.map((i) => i.path)).toContain('Cluster default/prod');
    const before = app.charts.length;
    expect(validationError(() => addFleet(app, [{ ...spec, cluster: { ...clusterProps, name: 'other' } }, spec])).subject).toBe('Cluster "prod"');
    expect(app.charts.length).toBe(before);
  });

  test('the group of an apiVersion counts, not its version', () => {
    const r = new ObjectRegistry('here');
    r.add('first', [{ apiVersion: 'cluster.x-k8s.io/v1beta1', kind: 'Cluster', metadata: { name: 'a', namespace: 'n' } }]);
    expect(() => r.check('s', 'second', [{ apiVersion: 'cluster.x-k8s.io/v1beta2', kind: 'Cluster', metadata: { name: 'a', namespace: 'n' } }])).toThrow(/already by first/);
    expect(() => r.check('s', 'second', [{ apiVersion: 'cluster.x-k8s.io/v1beta2', kind: 'Cluster', metadata: { name: 'a', namespace: 'm' } }])).not.toThrow();
  });
});

describe('Pulumi: one definition per object in a program', () => {
  const lib = (): typeof P => require('../../lib/pulumi');

  test('two ControlPlaneGroups, and two WorkerGroups named "workers", are refused naming both components, and nothing is registered', () => {
    // The held-back registrations fail (Pulumi reports that as unhandled rejections): the program runs
    // in its own process, where the harness catches them as Pulumi's runtime does.
    const { stdout, stderr } = spawnSync(process.execPath, ['--import', 'tsx', join(__dirname, '../pulumi/run-program.ts'), join(__dirname, '../pulumi/programs/duplicates.ts')], { encoding: 'utf8' });
    if (!stdout.startsWith('{')) throw new Error(`run-program.ts printed no result:\n${stderr}`);
    const run = JSON.parse(stdout);
    const messages: string[] = run.thrown.message.split(/\n(?=ValidationError: )/);
    expect(messages.map((m) => m.split(':')[0])).toEqual(['ValidationError', 'ValidationError']);
    expect(messages[0]).toContain('capi-constructs:index:ControlPlaneGroup "cp-b" and already by capi-constructs:index:ControlPlaneGroup "cp-a"');
    expect(messages[1]).toContain('MachineDeployment default/prod-workers');
    // Not only the duplicates: nothing of the program is registered, and Pulumi reports the first duplicate.
    expect(run.registrations).toEqual([]);
    expect(run.errors.map((e: { message: string }) => e.message)).toEqual([expect.stringContaining('ControlPlaneGroup "cp-b"')]);
  }, 60_000);

  test('the MachineDeployments per failure domain go through duplicate detection (a clash registers nothing); two autoscaled groups share one autoscaler', () => {
    const { stdout, stderr } = spawnSync(process.execPath, ['--import', 'tsx', join(__dirname, '../pulumi/run-program.ts'), join(__dirname, '../pulumi/programs/duplicates-failure-domains.ts')], { encoding: 'utf8' });
    if (!stdout.startsWith('{')) throw new Error(`run-program.ts printed no result:\n${stderr}`);
    const run = JSON.parse(stdout);
    expect(run.thrown.message).toContain('MachineDeployment default/prod-workers-a');
    expect(run.thrown.message).toContain('capi-constructs:index:WorkerGroup "single" and already by capi-constructs:index:WorkerGroup "spread"');
    expect(run.thrown.message).not.toContain('autoscaler');
    expect(run.registrations).toEqual([]);
  }, 60_000);

  test('the same objects through two different providers are two objects', async () => {
    let err: unknown;
    await runPulumi(() => {
      const { Cluster: C } = lib();
      const k8s = require('@pulumi/kubernetes');
      new C('a', clusterProps, { provider: new k8s.Provider('one', {}) });
      try { new C('b', clusterProps, { provider: new k8s.Provider('two', {}) }); } catch (e) { err = e; }
    });
    expect(err).toBeUndefined();
  });

  test('a new program (new monitor) starts empty', async () => {
    const names: string[] = [];
    for (let i = 0; i < 2; i++) {
      const run = await runPulumi(() => { new (lib().Cluster)('c', clusterProps); });
      names.push(...run.registrations.filter((r) => r.custom).map((r) => r.name));
    }
    expect(names.filter((n) => n === 'Cluster/default/prod')).toHaveLength(2);
  });
});

describe('add-on names of two clusters of one namespace (docs/addons.md, "What is emitted")', () => {
  test('clusters c556 and c920 in namespace tenants draw the same JupyterHub suffix: the second add-on is refused, naming both', () => {
    const chart = new Chart(Testing.app(), 'c');
    const clusters = ['c556', 'c920'].map((name) => new Cluster(chart, name, { ...clusterProps, name, namespace: 'tenants' }));
    new ClusterAddon(chart, 'c556-hub', { cluster: clusters[0], addon: 'jupyterhub' });
    const err = validationError(() => new ClusterAddon(chart, 'c920-hub', { cluster: clusters[1], addon: 'jupyterhub' }));
    expect(err.issues.find((i) => i.path === 'HelmRelease tenants/jupyterhub-eclp')?.message)
      .toMatch(/^is defined by ClusterAddon "c\/c920-hub" and already by ClusterAddon "c\/c556-hub"/);
    // another namespace changes the suffix, which is the documented remedy
    const other = new Cluster(chart, 'c920b', { ...clusterProps, name: 'c920', namespace: 'tenants-b' });
    expect(() => new ClusterAddon(chart, 'c920b-hub', { cluster: other, addon: 'jupyterhub' })).not.toThrow();
  });
});
