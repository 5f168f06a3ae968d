/**
 * The library uses no cdk8s-plus: its constructs sit beside any cdk8s-plus version in one chart (the
 * cdk8s-plus-28 and cdk8s-plus-33 installed here; `cdk8s init` gives a project cdk8s-plus-33).
 */
import { Chart, Testing } from 'cdk8s';
import * as plus28 from 'cdk8s-plus-28';
import * as plus33 from 'cdk8s-plus-33';
import * as fs from 'fs';
import * as path from 'path';
import { Cluster, ClusterAddon, existingInfrastructureCluster } from '../../lib';

describe('cdk8s-plus', () => {
  test('no library module loads cdk8s-plus', () => {
    const lib = path.resolve(__dirname, '../../lib');
    const files = (fs.readdirSync(lib, { recursive: true }) as string[]).filter((f) => f.endsWith('.ts'));
    expect(files.length).toBeGreaterThan(20);
    expect(files.filter((f) => /from 'cdk8s-plus-\d+'/.test(fs.readFileSync(path.join(lib, f), 'utf8')))).toEqual([]);
  });

  test.each([['cdk8s-plus-28', plus28], ['cdk8s-plus-33', plus33]] as const)('constructs of %s and of the library share a chart', (_, plus) => {
    const chart = new Chart(Testing.app(), 'mixed');
    const cluster = new Cluster(chart, 'c', {
      name: 'prod', namespace: 'tenants', cni: 'calico', kubernetesVersion: 'v1.31.4',
      infrastructure: existingInfrastructureCluster({ version: 'v1beta1', kind: 'VSphereCluster' }), cloudController: { credentialsSecret: 'prod-cloud-controller' },
    });
    new ClusterAddon(chart, 'ray', { cluster, addon: 'kuberay', mode: 'tenant' });
    new plus.ConfigMap(chart, 'cm', { metadata: { name: 'settings' }, data: { a: '1' } });
    const kinds = Testing.synth(chart).map((o) => o.kind);
    expect(kinds).toEqual(expect.arrayContaining(['Cluster', 'NetworkPolicy', 'HelmRelease', 'ConfigMap']));
  });
});
