/**
 * Ray behind authentication: every exposure the library accepts runs the RayCluster with KubeRay's
 * token authentication, so the dashboard / job API (8265) and the client port (10001) require the Ray
 * token from every source; an exposed head publishes only the ports asked for. Checked on the rendered
 * objects: the ray-cluster chart rendered by helm, the HelmRelease's post-renderer applied by kustomize
 * (kubectl's, as Flux applies it), the RayCluster validated against KubeRay 1.7.0's CRD.
 */
import * as path from 'path';
import { ClusterAddonProps, renderClusterAddon } from '../../lib/core/addons';
import { validateAgainstCrd } from '../support/crd-schemas';
import { renderAsFluxApplies } from '../support/flux-post-render';
import { sharedChart } from '../support/helm';
import { validationError } from '../support/validation-error';

const ref = { name: 'prod', namespace: 'tenants', kubernetesVersion: 'v1.31.4', apiVersion: 'v1beta2' as const };
const RAYCLUSTER_CRD = path.join(sharedChart('kuberay-operator-1.7.0'), 'crds', 'ray.io_rayclusters.yaml');

const EXPOSURES: Record<string, Record<string, unknown>> = {
  'ClusterIP (default)': {},
  'ClusterIP with sources and the dashboard': { access: { namespaces: ['ml'], exposeDashboard: true } },
  'NodePort with CIDRs': { serviceType: 'NodePort', access: { cidrs: ['203.0.113.0/24'] } },
  'NodePort with the dashboard': { serviceType: 'NodePort', access: { cidrs: ['203.0.113.0/24'], exposeDashboard: true } },
  'LoadBalancer with a named token Secret': { serviceType: 'LoadBalancer', access: { cidrs: ['198.51.100.0/24', '203.0.113.7/32'], tokenSecret: 'ray-token' } },
};

describe.each(Object.entries(EXPOSURES))('%s', (_, parameters) => {
  const model = renderClusterAddon({ cluster: ref, addon: 'kuberay', parameters } as ClusterAddonProps);
  const hr = model.manifests.find((m) => m.kind === 'HelmRelease' && (m as any).spec.chart.spec.chart === 'ray-cluster') as any;
  const rc = renderAsFluxApplies(hr, 'ray-cluster-1.7.0').find((o) => o.kind === 'RayCluster')!;
  const access = (parameters.access ?? {}) as { cidrs?: string[]; exposeDashboard?: boolean; tokenSecret?: string };

  test('the RayCluster Flux applies requires the Ray token (8265, 10001, GCS), and KubeRay 1.7.0\'s CRD accepts it', () => {
    expect(rc.spec.authOptions).toEqual({ mode: 'token', ...(access.tokenSecret ? { secretName: access.tokenSecret } : {}) });
    expect(validateAgainstCrd(rc, RAYCLUSTER_CRD)).toEqual([]);
    // the token is never in the output: only the Secret's name
    expect(JSON.stringify(model.manifests)).not.toMatch(/auth_token"?\s*:/);
  });

  test('only the ports asked for leave the cluster, without SNAT and, for a load balancer, from the listed CIDRs only', () => {
    expect(rc.spec.headGroupSpec.serviceType ?? 'ClusterIP').toBe('ClusterIP');
    const services = model.workloadClusterManifests.filter((m) => m.kind === 'Service') as any[];
    const type = (parameters.serviceType as string | undefined) ?? 'ClusterIP';
    if (type === 'ClusterIP') {
      expect(services).toEqual([]);
      return;
    }
    const [svc] = services;
    expect(svc.spec.type).toBe(type);
    expect(svc.spec.externalTrafficPolicy).toBe('Local');
    expect(svc.spec.ports.map((p: any) => p.port).sort((a: number, b: number) => a - b)).toEqual(access.exposeDashboard ? [8000, 8265, 10001] : [8000, 10001]);
    if (type === 'LoadBalancer') expect(svc.spec.loadBalancerSourceRanges).toEqual(access.cidrs);
    else expect(svc.spec.loadBalancerSourceRanges).toBeUndefined();
  });
});

test('a token Secret that is not a Secret name is refused, naming field, value and rule', () => {
  const e = validationError(() => renderClusterAddon({ cluster: ref, addon: 'kuberay', parameters: { access: { tokenSecret: 'Ray Token' } } } as ClusterAddonProps));
  expect(e.issues).toEqual([{ path: 'parameters.access.tokenSecret', message: '"Ray Token" is not a Secret name (a DNS subdomain)' }]);
});
