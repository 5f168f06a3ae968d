import { App, Chart, Testing } from 'cdk8s';
import { Cluster, ClusterAddon } from '../../lib';
import { ClusterAddonProps } from '../../lib/core/addons';
import { TEST_INFRA } from '../support/infrastructure';

/** A chart with a v1.31.4 cluster `prod` in namespace `tenants` (or other cluster props). */
export function clusterChart(cluster: Partial<{ name: string; namespace: string; kubernetesVersion: string; apiVersion: 'v1beta1' | 'v1beta2' }> = {}): { chart: Chart; cluster: Cluster } {
  const app = Testing.app();
  const chart = new Chart(app, 'test');
  const c = new Cluster(chart, 'cluster', { infrastructure: TEST_INFRA, cni: 'calico', name: 'prod', namespace: 'tenants', kubernetesVersion: 'v1.31.4', ...cluster });
  return { chart, cluster: c };
}

/** Synthesizes one add-on (without the Cluster construct's objects: the Cluster and its components). */
export function synthAddon(props: Omit<ClusterAddonProps, 'cluster'>, cluster?: Parameters<typeof clusterChart>[0]): { addon: ClusterAddon; objects: any[] } {
  const { chart, cluster: c } = clusterChart(cluster);
  const addon = new ClusterAddon(chart, 'addon', { ...props, cluster: c } as ClusterAddonProps);
  const own = new Set(c.apiObjects.map((o) => `${o.kind}/${o.name}`));
  return { addon, objects: Testing.synth(chart).filter((o: any) => !own.has(`${o.kind}/${o.metadata.name}`)) };
}

export function kinds(objects: any[]): string[] {
  return objects.map((o) => o.kind);
}

export function helmReleases(objects: any[]): any[] {
  return objects.filter((o) => o.kind === 'HelmRelease');
}

export { App };
