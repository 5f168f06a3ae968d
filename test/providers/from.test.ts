/** `X.from(existing, overrides)` and `MachineTemplate.from`: copy a template, from a value or from a cluster object. */
import { Testing } from 'cdk8s';
import {
  BasisMachineTemplate, MachineTemplate, OpenStackMachineTemplate, OVirtMachineTemplate, ShturvalMachineTemplate, ValidationError,
  VSphereMachineTemplate,
} from '../../lib';
import { basis, groupChart, openstack, ovirt, shturval, validationError, vsphere } from './fixtures';

/** The template object a group emitted, as `kubectl get -o yaml` would return it (plus server fields). */
function fromCluster(t: MachineTemplate): any {
  const obj = Testing.synth(groupChart(t, 'worker')).find((o) => o.kind === t.kind);
  return { ...obj, metadata: { ...obj.metadata, uid: '1234', resourceVersion: '42' } };
}

describe.each<[string, () => MachineTemplate]>([
  ['VSphereMachineTemplate v1beta2', () => vsphere('v1beta2')],
  ['VSphereMachineTemplate v1beta1', () => vsphere('v1beta1')],
  ['OpenStackMachineTemplate v1beta1', () => openstack('v1beta1')],
  ['OpenStackMachineTemplate v1beta2', () => openstack('v1beta2')],
  ['OVirtMachineTemplate', ovirt],
  ['BasisMachineTemplate', basis],
  ['ShturvalMachineTemplate', shturval],
])('%s', (_name, make) => {
  test('copied from a value without overrides: same version and spec', () => {
    const t = make();
    const c = MachineTemplate.from(t as any);
    expect(c).not.toBe(t);
    expect(c.constructor).toBe(t.constructor);
    expect([c.apiGroup, c.version, c.kind, c.spec, c.templateMetadata]).toEqual([t.apiGroup, t.version, t.kind, t.spec, t.templateMetadata]);
  });

  test('copied from the object read back from a cluster: same version and spec (round trip)', () => {
    const t = make();
    const c = MachineTemplate.from(fromCluster(t));
    expect(c.constructor).toBe(t.constructor);
    expect([c.apiGroup, c.version, c.kind, c.spec, c.templateMetadata]).toEqual([t.apiGroup, t.version, t.kind, t.spec, t.templateMetadata]);
  });
});

describe('overrides', () => {
  test('vSphere: change numCPUs, keep everything else', () => {
    const t = vsphere('v1beta2');
    const c = VSphereMachineTemplate.from(t, { numCPUs: 8 });
    expect(c.spec).toEqual({ ...t.spec, numCPUs: 8 });
    expect(t.spec.numCPUs).toBe(4);
  });

  test('vSphere: networkName in overrides replaces the copied networks (mutually exclusive props)', () => {
    const c = VSphereMachineTemplate.from(vsphere('v1beta2'), { networkName: 'other' });
    expect(c.spec.network).toEqual({ devices: [{ networkName: 'other', dhcp4: true }] });
  });

  test('vSphere: an override of undefined removes the field', () => {
    expect(VSphereMachineTemplate.from(vsphere('v1beta2'), { diskGiB: undefined }).spec.diskGiB).toBeUndefined();
  });

  test('vSphere: switch the version of a copy', () => {
    const c = VSphereMachineTemplate.from(vsphere('v1beta2'), { version: 'v1beta1' });
    expect(c.version).toBe('v1beta1');
    expect(c.spec.guestSoftPowerOffTimeout).toBe('300s');
  });

  test('OpenStack: flavorId replaces the copied flavor; a v1beta2 object copies into v1beta1', () => {
    const c = OpenStackMachineTemplate.from(fromCluster(openstack('v1beta2')), { version: 'v1beta1', flavorId: 'f-42' });
    expect(c.spec.flavorID).toBe('f-42');
    expect(c.spec.flavor).toBeUndefined();
    expect(c.spec.identityRef).toEqual({ type: 'Secret', name: 'prod-cloud-config', cloudName: 'openstack' });
  });

  test('oVirt, Basis, Shturval', () => {
    expect(OVirtMachineTemplate.from(ovirt(), { sizemb: 16384 }).spec.sizemb).toBe(16384);
    expect(BasisMachineTemplate.from(basis(), { cpu: 8 }).spec.cpu).toBe(8);
    expect(ShturvalMachineTemplate.from(shturval(), { hostSelector: { matchLabels: { pool: 'gpu' } } }).spec)
      .toEqual({ hostSelector: { matchLabels: { pool: 'gpu' } } });
  });

  test('the copy is validated like a new template', () => {
    const err = validationError(() => VSphereMachineTemplate.from(vsphere('v1beta2'), { numCPUs: 1 }));
    expect(err.subject).toBe('VSphereMachineTemplate');
    expect(err.issues).toEqual([{ path: 'numCPUs', message: "must be at least 2 (the rule of CAPV's v1beta2 VSphereMachineTemplate schema), got 1" }]);
  });

  test('unknown fields of a cluster object are kept verbatim (additionalFields)', () => {
    const obj = fromCluster(vsphere('v1beta2'));
    obj.spec.template.spec.dataDisks = [{ name: 'data', sizeGiB: 100 }];
    const c = VSphereMachineTemplate.from(obj);
    expect(c.spec.dataDisks).toEqual([{ name: 'data', sizeGiB: 100 }]);
    expect(c.props.additionalFields).toEqual({ dataDisks: [{ name: 'data', sizeGiB: 100 }] });
  });

  test('a cluster object with fixed ipAddrs is rejected like the props would be', () => {
    const obj = fromCluster(vsphere('v1beta2'));
    obj.spec.template.spec.network.devices[0].ipAddrs = ['10.0.0.5/24'];
    expect(validationError(() => VSphereMachineTemplate.from(obj)).issues[0].path).toBe('networks[0].ipAddrs');
  });
});

describe('bad input', () => {
  test.each<[string, unknown, RegExp]>([
    ['null', null, /existing.*must be a plain object/],
    ['a kind without a typed class', { apiVersion: 'infrastructure.cluster.x-k8s.io/v1beta1', kind: 'AWSMachineTemplate', spec: { template: { spec: {} } } }, /"AWSMachineTemplate" is not a kind MachineTemplate.from can copy/],
    ['an object without kind', { apiVersion: 'a/v1' }, /not a kind/],
  ])('MachineTemplate.from(%s) is a ValidationError', (_what, existing, message) => {
    expect(() => MachineTemplate.from(existing as any)).toThrow(ValidationError);
    expect(() => MachineTemplate.from(existing as any)).toThrow(message);
  });

  test('the wrong kind for the class', () => {
    const obj = fromCluster(openstack('v1beta1'));
    expect(validationError(() => VSphereMachineTemplate.from(obj)).issues[0]).toEqual({
      path: 'existing.kind', message: 'must be "VSphereMachineTemplate", got "OpenStackMachineTemplate"',
    });
  });

  test('an object without spec.template', () => {
    expect(validationError(() => VSphereMachineTemplate.from({ apiVersion: 'infrastructure.cluster.x-k8s.io/v1beta2', kind: 'VSphereMachineTemplate' } as any)).issues[0].path)
      .toBe('existing.spec.template');
  });

  test('overrides that are not an object', () => {
    expect(validationError(() => VSphereMachineTemplate.from(vsphere('v1beta2'), 'x' as any)).issues[0].path).toBe('overrides');
  });
});
