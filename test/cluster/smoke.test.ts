/**
 * The harness itself: both API servers answer, the Cluster API webhooks see what is sent to the
 * management cluster, the conversion webhook serves v1beta1, and the workload cluster is reachable
 * through the `<cluster>-kubeconfig` Secret the way the runtime reaches one.
 */
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { dryRunCreate, kubeConfig, kubectlOk } from '../support/real-cluster';

describe('the real management and workload clusters', () => {
  it('both API servers are ready', () => {
    expect(kubectlOk(['get', '--raw', '/readyz'])).toBe('ok');
    expect(kubectlOk(['get', '--raw', '/readyz'], { which: 'workload' })).toBe('ok');
  });

  it("a v1beta2 Cluster goes through Cluster API's validating webhook", () => {
    const cluster = (spec: object) => ({ apiVersion: 'cluster.x-k8s.io/v1beta2', kind: 'Cluster', metadata: { name: 'smoke', namespace: 'default' }, spec });
    const infrastructureRef = { apiGroup: 'infrastructure.cluster.x-k8s.io', kind: 'VSphereCluster', name: 'smoke' };
    expect(dryRunCreate(cluster({ infrastructureRef })).stderr).toBe('');
    // The schema allows a topology; the webhook refuses it while the ClusterTopology feature gate is off
    // (the release manifest's default).
    const r = dryRunCreate(cluster({ topology: { classRef: { name: 'some-class' }, version: 'v1.35.0' } }));
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('can be set only if the ClusterTopology feature flag is enabled');
  });

  it('a v1beta1 Cluster is converted by the conversion webhook', () => {
    const r = dryRunCreate({ apiVersion: 'cluster.x-k8s.io/v1beta1', kind: 'Cluster', metadata: { name: 'smoke', namespace: 'default' }, spec: {
      paused: true, infrastructureRef: { apiVersion: 'infrastructure.cluster.x-k8s.io/v1beta1', kind: 'VSphereCluster', name: 'smoke' },
    } });
    expect(r.stderr).toBe('Warning: cluster.x-k8s.io/v1beta1 Cluster is deprecated; use cluster.x-k8s.io/v1beta2 Cluster\n');
    expect(r.status).toBe(0);
  });

  it('the workload cluster is reachable through the default/workload-kubeconfig Secret', async () => {
    const mgmt = kubeConfig().makeApiClient(CoreV1Api);
    const secret = await mgmt.readNamespacedSecret({ namespace: 'default', name: 'workload-kubeconfig' });
    const kc = new KubeConfig();
    kc.loadFromString(Buffer.from(secret.data!.value, 'base64').toString('utf8'));
    const ns = await kc.makeApiClient(CoreV1Api).readNamespace({ name: 'kube-system' });
    expect(ns.metadata?.name).toBe('kube-system');
  });
});
