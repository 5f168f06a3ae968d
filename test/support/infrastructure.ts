import { existingInfrastructureCluster } from '../../lib/core';

/**
 * An infrastructure cluster made elsewhere (a CAPD DockerCluster), with no provider bootstrap: every
 * Cluster needs infrastructure, and this one keeps the node-group and add-on tests about their own subject.
 */
export const TEST_INFRA = existingInfrastructureCluster({ kind: 'DockerCluster', version: 'v1beta2' });

/**
 * The `cloudController` prop a test Cluster on `infrastructure` needs: the OpenStack and vSphere cloud
 * controller managers are on by default and need the resource-set Secret with their cloud config.
 */
export function testCloudController(infrastructure: { readonly kind: string }): { credentialsSecret: string } | undefined {
  return infrastructure.kind === 'OpenStackCluster' || infrastructure.kind === 'VSphereCluster' ? { credentialsSecret: 'prod-cloud-config' } : undefined;
}
