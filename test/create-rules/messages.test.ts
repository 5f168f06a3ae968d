/**
 * Messages name the bad value as it is (NaN, Infinity, undefined, a Pulumi Output), cite the source of
 * a provider rule, and say each problem once.
 */
import * as pulumi from '@pulumi/pulumi';
import { OpenStackCluster, VSphereMachineTemplate } from '../../lib/core';
import { renderWorkerGroup } from '../../lib/core/nodes/worker-group';
import { show } from '../../lib/core/rules/errors';
import { validationError } from '../support/validation-error';

const vsphere = { template: 't', server: 's', networkName: 'n' };

test('NaN, Infinity and undefined are named as such, also inside objects', () => {
  const err = validationError(() => new VSphereMachineTemplate({ ...vsphere, memoryMiB: Number(process.env.CAPI_CONSTRUCTS_UNSET_FOR_TEST), diskGiB: Infinity, numCPUs: -Infinity }));
  expect(err.issues).toEqual([
    { path: 'numCPUs', message: 'must be an integer, got -Infinity' },
    { path: 'memoryMiB', message: 'must be an integer, got NaN' },
    { path: 'diskGiB', message: 'must be an integer, got Infinity' },
  ]);
  expect(show(undefined)).toBe('undefined');
  expect(show({ a: NaN })).toBe('{"a":"NaN"}');
});

test('a provider minimum cites the schema it comes from', () => {
  const err = validationError(() => new VSphereMachineTemplate({ ...vsphere, numCPUs: 1 }));
  expect(err.issues).toEqual([{ path: 'numCPUs', message: "must be at least 2 (the rule of CAPV's v1beta2 VSphereMachineTemplate schema), got 1" }]);
});

test('managedSecurityGroups: "yes" is one problem, one message', () => {
  const err = validationError(() => new OpenStackCluster({ cloudName: 'c', secretName: 's', managedSecurityGroups: 'yes' as never }));
  expect(err.issues).toEqual([{ path: 'managedSecurityGroups', message: 'must be a boolean or { allowAllInClusterTraffic, allNodesSecurityGroupRules }, got "yes"' }]);
});

test('a Pulumi Output as a prop is refused with a sentence saying props are plain values', () => {
  const name = pulumi.output('workers') as unknown as string;
  const cluster = { name: 'prod', namespace: 'default', kubernetesVersion: 'v1.31.4', apiVersion: 'v1beta2' as const };
  const err = validationError(() => renderWorkerGroup({ cluster, name, machineTemplate: new VSphereMachineTemplate(vsphere) }));
  const issue = err.issues.find((i) => i.path === 'name');
  expect(issue?.message).toMatch(/got a Pulumi Output \(props take plain values, known when the program runs: pass the value itself, or create the component inside \.apply\(\)\)$/);
  expect(issue?.message).not.toContain('toJSON');
});
