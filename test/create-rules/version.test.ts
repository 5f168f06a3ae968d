/** Kubernetes versions: strict semver (Go semver.Parse after one "v"), nothing around it. */
import { existingInfrastructureCluster } from '../../lib';
import { buildCluster } from '../../lib/core/cluster/cluster';
import { validationError } from '../support/validation-error';

const version = (v: string) => buildCluster({ name: 'prod', cni: 'calico', kubernetesVersion: v, infrastructure: existingInfrastructureCluster({ version: 'v1beta1', kind: 'DockerCluster' }) }).ref.kubernetesVersion;

test.each([
  ['v1.31.4', 'v1.31.4'],
  ['1.31.4', 'v1.31.4'],
  ['v1.32.0-rc.1', 'v1.32.0-rc.1'],
  ['v1.31.4+vmware.1', 'v1.31.4+vmware.1'],
])('%s is accepted as %s', (v, normalized) => {
  expect(version(v)).toBe(normalized);
});

test.each([
  [' v1.31.4', /surrounding whitespace/],
  ['v1.31.4 ', /surrounding whitespace/],
  ['v1.31.4\n', /surrounding whitespace/],
  ['v1.31', /not a strict semantic version/],
  ['v1.31.04', /not a strict semantic version/],
  ['vv1.31.4', /not a strict semantic version/], // node-semver would strip the second "v"
  ['v=1.31.4', /not a strict semantic version/],
  ['v1.31.4-rc.01', /not a strict semantic version/],
])('%j is rejected', (v, message) => {
  const err = validationError(() => version(v));
  expect(err.issues).toEqual([{ path: 'kubernetesVersion', message: expect.stringMatching(message) }]);
  expect(err.issues[0].message).toContain(JSON.stringify(v));
});
