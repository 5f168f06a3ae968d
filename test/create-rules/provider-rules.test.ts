/** CAPV pciDevices / naming template and CAPO root device / port security, also when given through additionalFields. */
import { OpenStackMachineTemplate, VSphereMachineTemplate, VSphereMachineTemplateProps } from '../../lib';
import { validationError } from '../support/validation-error';

const vs = (over: Partial<VSphereMachineTemplateProps>) => new VSphereMachineTemplate({ template: 'ubuntu-2404', networkName: 'VM Network', ...over });

describe('CAPV VSphereMachineTemplate create-time rules (cluster-api-provider-vsphere v1.16.1 internal/webhooks/vspheremachinetemplate.go)', () => {
  test.each([
    [{ deviceId: 0x1eb8, vendorId: 0x10de }],
    [{ vGPUProfile: 'grid_t4-4q' }],
  ])('pciDevices %j is accepted', (device) => {
    expect(vs({ additionalFields: { pciDevices: [device] } }).spec.pciDevices).toEqual([device]);
  });

  test('pciDevices with neither, a half pair or both are errors, each naming the device', () => {
    const err = validationError(() => vs({ additionalFields: { pciDevices: [{}, { deviceId: 1 }, { deviceId: 1, vendorId: 2, vGPUProfile: 'p' }, { vGPUProfile: '' }] } }));
    expect(err.issues.map((i) => i.path)).toEqual(['additionalFields.pciDevices[0]', 'additionalFields.pciDevices[1]', 'additionalFields.pciDevices[2]', 'additionalFields.pciDevices[3]']);
    expect(err.issues[1].message).toMatch(/\{"deviceId":1\} should have either deviceId \+ vendorId \(PCI passthrough\) or vGPUProfile \(vGPU\) set/);
  });

  test.each([
    ['v1beta2', 'naming', '{{ .machine.name }}-vm'],
    ['v1beta1', 'namingStrategy', '{{ trimSuffix "-x" .machine.name }}'],
    ['v1beta2', 'naming', '{{ trunc 100 .machine.name }}.example'],
  ] as const)('%s %s.template %s is accepted', (version, field, template) => {
    expect(() => vs({ version, additionalFields: { [field]: { template } } })).not.toThrow();
  });

  test.each([
    ['{{ .random }}', /not a valid VSphereVM name template: map has no entry for key "random"/],
    ['{{ .machine.name }}_VM', /gives the name "machine_VM" for a Machine named "machine", which is not a valid Kubernetes object name/],
    ['{{ .machine.name', /unclosed action/],
    ['{{ lower .machine.name }}', /function "lower" not defined/],
  ])('naming.template %s is an error', (template, message) => {
    const err = validationError(() => vs({ additionalFields: { naming: { template } } }));
    expect(err.issues).toEqual([{ path: 'additionalFields.naming.template', message: expect.stringMatching(message) }]);
  });

  test('a template outside the evaluated subset is a warning, not an error', () => {
    const t = vs({ additionalFields: { naming: { template: '{{ if true }}{{ .machine.name }}{{ end }}' } } });
    expect(t.warnings.map((w) => w.path)).toEqual(['additionalFields.naming.template']);
  });
});

describe('CAPO OpenStackMachine create-time rules (cluster-api-provider-openstack v0.14.7 pkg/webhooks/openstackmachine_webhook.go ValidateCreate)', () => {
  const os = (over: Record<string, unknown>) => new OpenStackMachineTemplate({ flavor: 'm1.large', image: 'ubuntu-2404', ...over });

  test('a block device named root next to rootVolume is an error; without rootVolume it is accepted', () => {
    const err = validationError(() => os({ rootVolume: { sizeGiB: 50 }, additionalFields: { additionalBlockDevices: [{ name: 'data', sizeGiB: 10 }, { name: 'root', sizeGiB: 10 }] } }));
    expect(err.issues).toEqual([{ path: 'additionalFields.additionalBlockDevices[1].name', message: expect.stringMatching(/"root" is reserved when rootVolume is set/) }]);
    expect(() => os({ additionalFields: { additionalBlockDevices: [{ name: 'root', sizeGiB: 10 }] } })).not.toThrow();
  });

  test('securityGroups on a port with disablePortSecurity is an error', () => {
    const err = validationError(() => os({ additionalFields: { ports: [{ disablePortSecurity: true, securityGroups: [{ filter: { name: 'default' } }] }, { securityGroups: [{ filter: { name: 'ok' } }] }] } }));
    expect(err.issues).toEqual([{ path: 'additionalFields.ports[0].securityGroups', message: expect.stringMatching(/a port with disablePortSecurity: true cannot have security groups/) }]);
    expect(() => os({ additionalFields: { ports: [{ disablePortSecurity: true }] } })).not.toThrow();
  });
});
