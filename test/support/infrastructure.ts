import { existingInfrastructureCluster } from '../../lib/core';

/**
 * An infrastructure cluster made elsewhere (a CAPD DockerCluster), with no provider bootstrap: every
 * Cluster needs infrastructure, and this one keeps the node-group and add-on tests about their own subject.
 */
export const TEST_INFRA = existingInfrastructureCluster({ kind: 'DockerCluster', version: 'v1beta2' });
