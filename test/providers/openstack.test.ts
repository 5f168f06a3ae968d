import { OpenStackMachineTemplate, OpenStackMachineTemplateProps, ValidationError } from '../../lib';
import { groupChart, validationError } from './fixtures';

const base: OpenStackMachineTemplateProps = { flavor: 'm1.large', image: 'ubuntu-2404' };
const make = (over: Record<string, unknown>): OpenStackMachineTemplate => new OpenStackMachineTemplate({ ...base, ...over } as OpenStackMachineTemplateProps);

describe('OpenStackMachineTemplate', () => {
  test('defaults to v1beta1 (CAPO 0.14) with flavor as a string', () => {
    const t = new OpenStackMachineTemplate(base);
    expect(t.version).toBe('v1beta1');
    expect(t.spec).toEqual({ flavor: 'm1.large', image: { filter: { name: 'ubuntu-2404' } } });
    expect((t as { templateMetadata?: unknown }).templateMetadata).toBeUndefined();
  });

  test.each<[string, Record<string, unknown>, Record<string, unknown>, Record<string, unknown>]>([
    ['flavor name', { flavor: 'm1.large' }, { flavor: 'm1.large' }, { flavor: { filter: { name: 'm1.large' } } }],
    ['flavor ID', { flavor: undefined, flavorId: 'f-1' }, { flavorID: 'f-1' }, { flavor: { id: 'f-1' } }],
  ])('%s maps to the path of each version', (_what, over, v1, v2) => {
    const a = make({ ...over, version: 'v1beta1' }).spec;
    const b = make({ ...over, version: 'v1beta2' }).spec;
    expect(Object.fromEntries(Object.entries(a).filter(([k]) => k.startsWith('flavor')))).toEqual(v1);
    expect(Object.fromEntries(Object.entries(b).filter(([k]) => k.startsWith('flavor')))).toEqual(v2);
  });

  test.each<[string, unknown, unknown]>([
    ['a name', 'ubuntu', { filter: { name: 'ubuntu' } }],
    ['a name and tags', { name: 'ubuntu', tags: ['k8s'] }, { filter: { name: 'ubuntu', tags: ['k8s'] } }],
    ['tags alone', { tags: ['k8s', 'v1.31'] }, { filter: { tags: ['k8s', 'v1.31'] } }],
    ['an id', { id: '0b6b8d0c-8a1d-4d0e-9a4a-2b1f8f1c2d3e' }, { id: '0b6b8d0c-8a1d-4d0e-9a4a-2b1f8f1c2d3e' }],
    ['an ORC image', { imageRef: 'ubuntu-orc' }, { imageRef: { name: 'ubuntu-orc' } }],
  ])('image as %s', (_what, image, emitted) => {
    expect(make({ image }).spec.image).toEqual(emitted);
  });

  test('identityRef from cloudName and secretName; type defaults to Secret', () => {
    expect(make({ cloudName: 'prod', secretName: 'prod-clouds', region: 'RegionOne' }).spec.identityRef)
      .toEqual({ type: 'Secret', name: 'prod-clouds', cloudName: 'prod', region: 'RegionOne' });
    expect(make({ cloudName: 'prod', secretName: 'id', identityType: 'ClusterIdentity' }).spec.identityRef)
      .toEqual({ type: 'ClusterIdentity', name: 'id', cloudName: 'prod' });
  });

  test('rootVolume maps volumeType to type and availabilityZone to {name}', () => {
    expect(make({ rootVolume: { sizeGiB: 50, volumeType: 'ssd', availabilityZone: 'nova' } }).spec.rootVolume)
      .toEqual({ sizeGiB: 50, type: 'ssd', availabilityZone: { name: 'nova' } });
  });

  test.each<[string, Record<string, unknown>, string, RegExp]>([
    ['no flavor', { flavor: undefined }, 'flavor', /is required/],
    ['flavor and flavorId', { flavorId: 'x' }, 'flavorId', /not both/],
    ['empty flavor', { flavor: '' }, 'flavor', /non-empty string/],
    ['no image', { image: undefined }, 'image', /is required/],
    ['two image selectors', { image: { name: 'a', id: '0b6b8d0c-8a1d-4d0e-9a4a-2b1f8f1c2d3e' } }, 'image', /exactly one of .*got name\/tags and id/],
    ['an empty image object', { image: {} }, 'image', /exactly one of .*got none/],
    ['an image id that is not a UUID', { image: { id: 'ubuntu' } }, 'image.id', /not a UUID/],
    ['cloudName without secretName', { cloudName: 'prod' }, 'secretName', /Secret holding clouds.yaml/],
    ['secretName without cloudName', { secretName: 's' }, 'cloudName', /is required/],
    ['an invalid Secret name', { cloudName: 'prod', secretName: 'Not_A_Name' }, 'secretName', /not a valid object name/],
    ['region without identity', { region: 'r1' }, 'region', /needs cloudName and secretName/],
    ['an unknown identityType', { cloudName: 'p', secretName: 's', identityType: 'Password' }, 'identityType', /one of "Secret", "ClusterIdentity"/],
    ['rootVolume without size', { rootVolume: { volumeType: 'ssd' } }, 'rootVolume.sizeGiB', /is required/],
    ['rootVolume size 0', { rootVolume: { sizeGiB: 0 } }, 'rootVolume.sizeGiB', /at least 1/],
    ['rootVolume AZ with a space', { rootVolume: { sizeGiB: 10, availabilityZone: 'az 1' } }, 'rootVolume.availabilityZone', /spaces/],
    ['inline clouds.yaml', { cloudsYaml: 'clouds: {}' }, 'cloudsYaml', /never inline credentials/],
    ['an inline password', { password: 'x' }, 'password', /never inline credentials/],
    ['credentials via additionalFields', { additionalFields: { applicationCredentialSecret: 'x' } }, 'additionalFields.applicationCredentialSecret', /never inline credentials/],
    ['providerID via additionalFields', { additionalFields: { providerID: 'openstack:///x' } }, 'additionalFields.providerID', /cannot be set in templates/],
    ['templateMetadata (the CRD has none)', { templateMetadata: { labels: { a: 'b' } } }, 'templateMetadata', /not a known field/],
    ['an unknown version', { version: 'v1alpha7' }, 'version', /one of "v1beta1", "v1beta2"/],
  ])('rejects %s', (_what, over, path, message) => {
    const err = validationError(() => make(over));
    expect(err.subject).toBe('OpenStackMachineTemplate');
    expect(err.issues.find((i) => i.path === path)?.message).toMatch(message);
  });

  test.each([null, 7, 'm1.large'])('props %p give a ValidationError', (props) => {
    expect(() => new OpenStackMachineTemplate(props as any)).toThrow(ValidationError);
  });

  test('no credential ever reaches a manifest: only the Secret name', () => {
    const t = make({ cloudName: 'prod', secretName: 'prod-clouds' });
    expect(JSON.stringify(groupChart(t, 'worker').toJson())).not.toMatch(/password|application_credential|auth_url/);
  });

  test('works in both roles without CPU/RAM checks (the flavor sizes the machine)', () => {
    expect(() => groupChart(make({}), 'control-plane')).not.toThrow();
  });
});
