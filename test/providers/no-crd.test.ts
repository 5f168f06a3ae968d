/** oVirt, Basis and Shturval: no public CRD; documented layout, overridable group/version/kind. */
import {
  BasisMachineTemplate, OVirtMachineTemplate, OVirtMachineTemplateProps, ShturvalMachineTemplate, ShturvalMachineTemplateProps, ValidationError,
} from '../../lib';
import { groupChart, validationError } from './fixtures';

describe('OVirtMachineTemplate', () => {
  const base: OVirtMachineTemplateProps = { template: 'ubuntu-2404' };
  const make = (over: Record<string, unknown>): OVirtMachineTemplate => new OVirtMachineTemplate({ ...base, ...over } as OVirtMachineTemplateProps);

  test('defaults: infrastructure.cluster.x-k8s.io/v1beta1, kind OVirtMachineTemplate, the seed field names', () => {
    const t = make({ cpu: { cores: 4 }, sizemb: 4096, osdisksizegb: 40, nics: [{ vnicprofile: 'ovirtmgmt' }, { vnicprofile: 'storage' }] });
    expect([t.apiGroup, t.version, t.kind]).toEqual(['infrastructure.cluster.x-k8s.io', 'v1beta1', 'OVirtMachineTemplate']);
    expect(t.spec).toEqual({
      template: 'ubuntu-2404', cpu: { cores: 4, sockets: 1, threads: 1 }, sizemb: 4096, osdisksizegb: 40,
      nics: [{ vnicprofile: 'ovirtmgmt' }, { vnicprofile: 'storage' }],
    });
    expect(t.vcpus).toBe(4);
  });

  test('group, version and kind are overridable', () => {
    const t = make({ apiGroup: 'infrastructure.shturval.tech', version: 'v1alpha1', kind: 'OvirtMachineTemplate' });
    expect([t.apiGroup, t.version, t.kind]).toEqual(['infrastructure.shturval.tech', 'v1alpha1', 'OvirtMachineTemplate']);
    const obj = groupChart(t, 'worker').toJson().find((o: any) => o.kind === 'OvirtMachineTemplate');
    expect(obj.apiVersion).toBe('infrastructure.shturval.tech/v1alpha1');
  });

  test.each<[string, Record<string, unknown>, string, RegExp]>([
    ['no template', { template: undefined }, 'template', /is required/],
    ['cores 0', { cpu: { cores: 0 } }, 'cpu.cores', /at least 1/],
    ['an unknown cpu field', { cpu: { cores: 2, dies: 2 } }, 'cpu.dies', /not a known field/],
    ['sizemb as a string', { sizemb: '4096' }, 'sizemb', /integer/],
    ['osdisksizegb 0', { osdisksizegb: 0 }, 'osdisksizegb', /at least 1/],
    ['empty nics', { nics: [] }, 'nics', /non-empty list/],
    ['a NIC without vnicprofile', { nics: [{}] }, 'nics[0].vnicprofile', /is required/],
    ['a group that is not a DNS subdomain', { apiGroup: 'Infra' }, 'apiGroup', /not an API group/],
    ['a malformed version', { version: '1beta1' }, 'version', /not a Kubernetes API version/],
    ['a lower-case kind', { kind: 'ovirtMachineTemplate' }, 'kind', /UpperCamelCase/],
    ['a typed field via additionalFields', { additionalFields: { sizemb: 1 } }, 'additionalFields.sizemb', /set it directly/],
  ])('rejects %s', (_what, over, path, message) => {
    const err = validationError(() => make(over));
    expect(err.subject).toBe('OVirtMachineTemplate');
    expect(err.issues.find((i) => i.path === path)?.message).toMatch(message);
  });

  test('control plane: rejects 1 vCPU (cores x sockets x threads) and < 1700 MB, accepts 2 and 2048', () => {
    const small = make({ cpu: { cores: 1 }, sizemb: 1024 });
    expect(() => groupChart(small, 'worker')).not.toThrow();
    expect(validationError(() => groupChart(small, 'control-plane')).issues.map((i) => i.path).sort())
      .toEqual(['machineTemplate.cpu', 'machineTemplate.sizemb']);
    expect(() => groupChart(make({ cpu: { sockets: 2 }, sizemb: 2048 }), 'control-plane')).not.toThrow();
  });

  test('additionalFields pass through verbatim', () => {
    expect(make({ additionalFields: { clusterId: 'c-1' } }).spec.clusterId).toBe('c-1');
  });
});

describe('BasisMachineTemplate', () => {
  test('emits image, cpu, memory and disk under spec.template.spec', () => {
    const t = new BasisMachineTemplate({ image: 'ubuntu', cpu: 2, memory: 4096, disk: 30 });
    expect([t.apiGroup, t.version, t.kind]).toEqual(['infrastructure.cluster.x-k8s.io', 'v1beta1', 'BasisMachineTemplate']);
    expect(t.spec).toEqual({ image: 'ubuntu', cpu: 2, memory: 4096, disk: 30 });
  });

  test.each<[string, Record<string, unknown>, string, RegExp]>([
    ['no image', { image: undefined }, 'image', /is required/],
    ['cpu 0', { cpu: 0 }, 'cpu', /at least 1/],
    ['memory negative', { memory: -1 }, 'memory', /at least 1/],
    ['disk fractional', { disk: 1.5 }, 'disk', /integer/],
    ['a credential', { token: 'abc' }, 'token', /never inline credentials/],
  ])('rejects %s', (_what, over, path, message) => {
    const err = validationError(() => new BasisMachineTemplate({ image: 'ubuntu', ...over } as any));
    expect(err.issues.find((i) => i.path === path)?.message).toMatch(message);
  });

  test('control plane: rejects cpu 1 and memory 1024', () => {
    expect(validationError(() => groupChart(new BasisMachineTemplate({ image: 'u', cpu: 1, memory: 1024 }), 'control-plane')).issues.map((i) => i.path).sort())
      .toEqual(['machineTemplate.cpu', 'machineTemplate.memory']);
  });
});

describe('ShturvalMachineTemplate', () => {
  const make = (hostSelector: unknown, over: Partial<ShturvalMachineTemplateProps> = {}): ShturvalMachineTemplate => new ShturvalMachineTemplate({ hostSelector, ...over } as ShturvalMachineTemplateProps);

  test('labels given directly (matchLabels)', () => {
    expect(make({ matchLabels: { pool: 'prod' } }).spec).toEqual({ hostSelector: { matchLabels: { pool: 'prod' } } });
  });

  test('labels chosen by expression; Exists/DoesNotExist emit no values', () => {
    expect(make({
      matchExpressions: [
        { key: 'zone', operator: 'In', values: ['a', 'b'] },
        { key: 'gpu', operator: 'NotIn', values: ['none'] },
        { key: 'ssd', operator: 'Exists' },
        { key: 'maintenance', operator: 'DoesNotExist', values: [] },
      ],
    }).spec).toEqual({
      hostSelector: {
        matchExpressions: [
          { key: 'zone', operator: 'In', values: ['a', 'b'] },
          { key: 'gpu', operator: 'NotIn', values: ['none'] },
          { key: 'ssd', operator: 'Exists' },
          { key: 'maintenance', operator: 'DoesNotExist' },
        ],
      },
    });
  });

  test('the selector field name is overridable', () => {
    expect(make({ matchLabels: { pool: 'prod' } }, { selectorField: 'hostLabelSelector' }).spec)
      .toEqual({ hostLabelSelector: { matchLabels: { pool: 'prod' } } });
  });

  test.each<[string, unknown, string, RegExp]>([
    ['no selector', undefined, 'hostSelector', /is required/],
    ['an empty selector (every host)', {}, 'hostSelector', /selects every host/],
    ['empty matchLabels and matchExpressions', { matchLabels: {}, matchExpressions: [] }, 'hostSelector', /selects every host/],
    ['In without values', { matchExpressions: [{ key: 'zone', operator: 'In' }] }, 'hostSelector.matchExpressions[0].values', /needs at least one value/],
    ['NotIn with an empty list', { matchExpressions: [{ key: 'zone', operator: 'NotIn', values: [] }] }, 'hostSelector.matchExpressions[0].values', /needs at least one value/],
    ['Exists with values', { matchExpressions: [{ key: 'ssd', operator: 'Exists', values: ['true'] }] }, 'hostSelector.matchExpressions[0].values', /takes no values/],
    ['DoesNotExist with values', { matchExpressions: [{ key: 'm', operator: 'DoesNotExist', values: ['x'] }] }, 'hostSelector.matchExpressions[0].values', /takes no values/],
    ['an unknown operator', { matchExpressions: [{ key: 'zone', operator: 'Gt', values: ['1'] }] }, 'hostSelector.matchExpressions[0].operator', /one of "In", "NotIn", "Exists", "DoesNotExist"/],
    ['a lower-case operator', { matchExpressions: [{ key: 'zone', operator: 'in', values: ['a'] }] }, 'hostSelector.matchExpressions[0].operator', /one of/],
    ['an invalid key', { matchExpressions: [{ key: 'bad key', operator: 'Exists' }] }, 'hostSelector.matchExpressions[0].key', /not a valid label key/],
    ['an invalid value', { matchExpressions: [{ key: 'zone', operator: 'In', values: ['a b'] }] }, 'hostSelector.matchExpressions[0].values[0]', /not a valid label value/],
    ['two expressions on one key', { matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }, { key: 'zone', operator: 'NotIn', values: ['b'] }] }, 'hostSelector.matchExpressions[1].key', /one expression per key/],
    ['an invalid matchLabels value', { matchLabels: { pool: 'a b' } }, 'hostSelector.matchLabels.pool', /not a valid label value/],
    ['matchExpressions not a list', { matchExpressions: { key: 'a' } }, 'hostSelector.matchExpressions', /must be a list/],
  ])('rejects %s', (_what, selector, path, message) => {
    const err = validationError(() => make(selector));
    expect(err.subject).toBe('ShturvalMachineTemplate');
    expect(err.issues.find((i) => i.path === path)?.message).toMatch(message);
  });

  test('rejects a selectorField that is not a field name', () => {
    expect(validationError(() => make({ matchLabels: { a: 'b' } }, { selectorField: 'host selector' })).issues[0].path).toBe('selectorField');
  });

  test.each([null, 1, 'x'])('props %p give a ValidationError', (props) => {
    expect(() => new ShturvalMachineTemplate(props as any)).toThrow(ValidationError);
    expect(() => new OVirtMachineTemplate(props as any)).toThrow(ValidationError);
    expect(() => new BasisMachineTemplate(props as any)).toThrow(ValidationError);
  });
});
