import { ValidationError, VSphereMachineTemplate, VSphereMachineTemplateProps } from '../../lib';
import { groupChart, issuePaths, validationError } from './fixtures';

const base: VSphereMachineTemplateProps = { template: 'ubuntu-2404', networkName: 'VM Network' };
const make = (over: Record<string, unknown>): VSphereMachineTemplate => new VSphereMachineTemplate({ ...base, ...over } as VSphereMachineTemplateProps);

describe('VSphereMachineTemplate', () => {
  test('minimal props: v1beta2, template and one DHCPv4 device', () => {
    const t = new VSphereMachineTemplate(base);
    expect([t.apiGroup, t.version, t.kind]).toEqual(['infrastructure.cluster.x-k8s.io', 'v1beta2', 'VSphereMachineTemplate']);
    expect(t.spec).toEqual({ template: 'ubuntu-2404', network: { devices: [{ networkName: 'VM Network', dhcp4: true }] } });
    expect(t.warnings).toEqual([]);
  });

  test('several network devices; dhcp4 defaults on only for a device without another address source', () => {
    const t = make({
      networkName: undefined,
      networks: [{ networkName: 'a' }, { networkName: 'b', dhcp6: true }, { networkName: 'c', addressesFromPools: [{ kind: 'InClusterIPPool', name: 'p' }] }],
    });
    expect((t.spec.network as any).devices).toEqual([
      { networkName: 'a', dhcp4: true },
      { networkName: 'b', dhcp6: true },
      { networkName: 'c', addressesFromPools: [{ apiGroup: 'ipam.cluster.x-k8s.io', kind: 'InClusterIPPool', name: 'p' }] },
    ]);
  });

  test('v1beta1 emits the v1beta1 spellings (guestSoftPowerOffTimeout as a duration)', () => {
    const v1 = make({ version: 'v1beta1', powerOffMode: 'trySoft', guestSoftPowerOffTimeout: '2m' });
    const v2 = make({ version: 'v1beta2', powerOffMode: 'trySoft', guestSoftPowerOffTimeout: '2m' });
    expect(v1.spec.guestSoftPowerOffTimeout).toBe('120s');
    expect(v1.spec.guestSoftPowerOffTimeoutSeconds).toBeUndefined();
    expect(v2.spec.guestSoftPowerOffTimeoutSeconds).toBe(120);
    expect(v2.spec.guestSoftPowerOffTimeout).toBeUndefined();
  });

  test.each<[string, Record<string, unknown>, string, RegExp]>([
    ['template missing', { template: undefined }, 'template', /is required/],
    ['template empty', { template: '' }, 'template', /non-empty string/],
    ['template too long (v1beta2)', { template: 'x'.repeat(2049) }, 'template', /at most 2048/],
    ['numCPUs 1 in v1beta2', { numCPUs: 1 }, 'numCPUs', /at least 2 \(the rule of CAPV's v1beta2 VSphereMachineTemplate schema\), got 1/],
    ['numCPUs 0 in v1beta1', { version: 'v1beta1', numCPUs: 0 }, 'numCPUs', /at least 1, got 0/],
    ['numCPUs not an integer', { numCPUs: 2.5 }, 'numCPUs', /integer, got 2.5/],
    ['memoryMiB 0', { memoryMiB: 0 }, 'memoryMiB', /at least 1/],
    ['diskGiB 0', { diskGiB: 0 }, 'diskGiB', /at least 1/],
    ['diskGiB as a string', { diskGiB: '40' }, 'diskGiB', /integer, got "40"/],
    ['no network', { networkName: undefined }, 'networkName', /at least one network device/],
    ['networkName and networks', { networks: [{ networkName: 'b' }] }, 'networks', /not both/],
    ['empty networks', { networkName: undefined, networks: [] }, 'networks', /non-empty list/],
    ['device without networkName', { networkName: undefined, networks: [{ dhcp4: true }] }, 'networks[0].networkName', /is required/],
    ['fixed ipAddrs in a template', { networkName: undefined, networks: [{ networkName: 'a', ipAddrs: ['10.0.0.5/24'] }] }, 'networks[0].ipAddrs', /cannot be set in templates/],
    ['IP pool without kind', { networkName: undefined, networks: [{ networkName: 'a', addressesFromPools: [{ name: 'p' }] }] }, 'networks[0].addressesFromPools[0].kind', /is required/],
    ['cloneMode unknown', { cloneMode: 'instantClone' }, 'cloneMode', /one of "fullClone", "linkedClone"/],
    ['hardwareVersion malformed', { hardwareVersion: '19' }, 'hardwareVersion', /vmx-N/],
    ['soft timeout without trySoft', { guestSoftPowerOffTimeout: '5m' }, 'guestSoftPowerOffTimeout', /only with powerOffMode "trySoft"/],
    ['soft timeout with hard', { powerOffMode: 'hard', guestSoftPowerOffTimeout: '5m' }, 'guestSoftPowerOffTimeout', /got powerOffMode "hard"/],
    ['version unknown', { version: 'v1alpha4' }, 'version', /one of "v1beta2", "v1beta1"/],
    ['numCoresPerSocket not dividing numCPUs', { numCPUs: 6, numCoresPerSocket: 4 }, 'numCoresPerSocket', /does not divide/],
    ['providerID via additionalFields', { additionalFields: { providerID: 'vsphere://x' } }, 'additionalFields.providerID', /cannot be set in templates/],
    ['typed field via additionalFields', { additionalFields: { numCPUs: 4 } }, 'additionalFields.numCPUs', /set it directly/],
    ['unknown prop (typo)', { numCpus: 4 }, 'numCpus', /not a known field/],
    ['a credential prop', { password: 'hunter2' }, 'password', /never inline credentials/],
    ['bad template label', { templateMetadata: { labels: { a: 'b c' } } }, 'templateMetadata.labels.a', /not a valid label value/],
  ])('rejects %s', (_what, over, path, message) => {
    const err = validationError(() => make(over));
    expect(err.statusCode).toBe(400);
    expect(err.subject).toBe('VSphereMachineTemplate');
    const issue = err.issues.find((i) => i.path === path);
    expect(issue?.message).toMatch(message);
  });

  test.each<[string, Record<string, unknown>]>([
    ['numCPUs 2 in v1beta2', { numCPUs: 2 }],
    ['numCPUs 1 in v1beta1 (with a warning)', { version: 'v1beta1', numCPUs: 1 }],
    ['the largest v1beta2 template name', { template: 'x'.repeat(2048) }],
    ['hardwareVersion vmx-19', { hardwareVersion: 'vmx-19' }],
    ['trySoft with a timeout in seconds', { powerOffMode: 'trySoft', guestSoftPowerOffTimeout: 300 }],
    ['numCoresPerSocket dividing numCPUs', { numCPUs: 8, numCoresPerSocket: 4 }],
    ['additionalFields with an untyped field', { additionalFields: { dataDisks: [{ name: 'data', sizeGiB: 100 }] } }],
  ])('accepts %s', (_what, over) => {
    expect(() => make(over)).not.toThrow();
  });

  test('collects every problem in one error', () => {
    expect(issuePaths(() => make({ template: '', numCPUs: 1, diskGiB: -1, networkName: undefined })).sort())
      .toEqual(['diskGiB', 'networkName', 'numCPUs', 'template']);
  });

  test.each([null, undefined, 'x', 42, []])('props %p give a ValidationError, not a TypeError', (props) => {
    expect(() => new VSphereMachineTemplate(props as any)).toThrow(ValidationError);
  });

  test.each<[string, Record<string, unknown>, string, RegExp]>([
    ['diskGiB with linkedClone', { cloneMode: 'linkedClone', diskGiB: 40 }, 'diskGiB', /ignored with cloneMode linkedClone/],
    ['snapshot with fullClone', { cloneMode: 'fullClone', snapshot: 'base' }, 'snapshot', /only by linked clones/],
    ['memory not a multiple of 4', { memoryMiB: 8190 }, 'memoryMiB', /multiple of 4/],
    ['numCPUs 1 in v1beta1', { version: 'v1beta1', numCPUs: 1 }, 'numCPUs', /v1beta2 requires at least 2/],
    ['a device without any address source', { networkName: undefined, networks: [{ networkName: 'a', dhcp4: false }] }, 'networks[0]', /no IP address/],
  ])('warns about %s', (_what, over, path, message) => {
    const t = make(over);
    expect(t.warnings.find((w) => w.path === path)?.message).toMatch(message);
  });

  test('no warning for diskGiB with fullClone, or memory a multiple of 4', () => {
    expect(make({ cloneMode: 'fullClone', diskGiB: 40, memoryMiB: 8192 }).warnings).toEqual([]);
  });

  test('the group reports the template warnings under machineTemplate', () => {
    const { WorkerGroup } = jest.requireActual('../../lib');
    const chart = groupChart(make({ cloneMode: 'linkedClone', diskGiB: 40 }), 'worker');
    const group = chart.node.findAll().find((c) => c instanceof WorkerGroup) as any;
    expect(group.warnings.map((w: any) => w.path)).toContain('machineTemplate.diskGiB');
  });

  describe('as a control plane (kubeadm preflight minimums)', () => {
    test('rejects fewer than 2 CPUs and less than 1700 MiB (v1beta1 allows 1 CPU in a worker)', () => {
      const t = make({ version: 'v1beta1', numCPUs: 1, memoryMiB: 1024 });
      expect(() => groupChart(t, 'worker')).not.toThrow();
      const err = validationError(() => groupChart(t, 'control-plane'));
      expect(err.issues.map((i) => i.path).sort()).toEqual(['machineTemplate.memoryMiB', 'machineTemplate.numCPUs']);
      expect(err.issues.find((i) => i.path === 'machineTemplate.memoryMiB')?.message).toMatch(/1024 MiB .* at least 1700/);
    });

    test('accepts 2 CPUs and 2048 MiB', () => {
      expect(() => groupChart(make({ numCPUs: 2, memoryMiB: 2048 }), 'control-plane')).not.toThrow();
    });
  });
});
