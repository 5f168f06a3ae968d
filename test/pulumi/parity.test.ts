/**
 * Output parity (issue #6): for every cdk8s example in examples/*.ts, its Pulumi twin in
 * examples/pulumi/<same file> makes Pulumi register exactly the objects cdk8s synthesizes, object for
 * object (compared as key-sorted JSON, sorted by apiVersion/kind/namespace/name).
 *
 * Pulumi-only props change the objects on purpose and are accounted for here, explicitly:
 * - ClusterAddon `waitForReady` adds the annotation `pulumi.com/waitFor: condition=Ready` to
 *   HelmReleases. The twins do not set it; test/pulumi/cluster-addon.test.ts covers it.
 */
import { existsSync, readdirSync } from 'fs';
import { join } from 'path';
import { loadExamples } from '../../examples/load';
import { identity, normalize, runPulumi, synthCdk8s } from './harness';

const TWINS = join(__dirname, '../../examples/pulumi');
const examples = loadExamples();

test('there are examples to compare', () => {
  expect(examples.map((e) => e.file)).toContain('node-groups.ts');
});

test('every twin belongs to a cdk8s example (index.ts is the Pulumi.yaml entry point)', () => {
  const twins = readdirSync(TWINS).filter((f) => f.endsWith('.ts') && f !== 'index.ts').sort();
  expect(twins).toEqual(examples.map((e) => e.file).sort());
});

describe.each(examples.map((e) => [e.file, e] as const))('examples/%s', (file, example) => {
  const requireTwin = () => {
    if (!existsSync(join(TWINS, file))) {
      throw new Error(`examples/pulumi/${file} is missing: every cdk8s example needs a Pulumi twin exporting default function program(): void`);
    }
    return require(join(TWINS, file));
  };

  test('has a Pulumi twin in examples/pulumi/', () => {
    const twin = requireTwin();
    expect(typeof twin.default).toBe('function');
  });

  test('Pulumi registers exactly the objects cdk8s synthesizes', async () => {
    const expected = synthCdk8s(example.build);
    expect(expected.length).toBeGreaterThan(0);
    const run = await runPulumi(() => requireTwin().default());
    const actual = run.objects;

    // Same set of objects first (a readable diff if one is missing or extra) ...
    expect(actual.map(identity).sort()).toEqual(expected.map(identity).sort());
    // ... then each object field for field.
    expect(normalize(actual)).toEqual(normalize(expected));
    // Every object is its own resource: no two registrations share a logical name and type.
    const keys = run.registrations.filter((r) => r.type.startsWith('kubernetes:')).map((r) => `${r.type}::${r.name}`);
    expect(new Set(keys).size).toBe(keys.length);
  });
});

/**
 * Issue 15, defect 9: the fuzz cases. Random free-form values (additionalFields of a machine template:
 * nested maps and lists, null map values, hostile strings, Pulumi's secret signature key) through both
 * adapters: either both throw the same ValidationError, or Pulumi registers exactly the objects cdk8s
 * synthesizes, and no registered input is a Pulumi secret.
 */
describe('fuzz: free-form values give the same objects in cdk8s and Pulumi', () => {
  // required lazily: @swc/jest hoists imports above the mocks (see harness.ts)
  const lib = () => require('../../lib') as typeof import('../../lib');
  const pulumiLib = () => require('../../lib/pulumi') as typeof import('../../lib/pulumi');
  const fc = require('fast-check') as typeof import('fast-check');
  const SEED = 915;
  const cluster = { name: 'fz', namespace: 'default', kubernetesVersion: 'v1.31.4', apiVersion: 'v1beta2' as const };
  const key = fc.oneof(fc.constantFrom('a', 'b', 'vmx', 'nested', 'list', '4dabf18193072939515e22adb298388d', 'value', '0o17', 'yes', 'x y'), fc.string({ maxLength: 4 }));
  const leaf = fc.oneof(fc.string({ maxLength: 6 }), fc.constantFrom('0o17', '\u2028', 'a\u0085b', '1b47061264138c4ac30d75fd1eb44270', ''), fc.integer(), fc.boolean(), fc.constant(null));
  const value = fc.letrec((tie) => ({
    v: fc.oneof({ depthSize: 'small' }, leaf, fc.array(tie('v'), { maxLength: 3 }), fc.dictionary(key, tie('v'), { maxKeys: 3 })),
  })).v;
  const fields = fc.dictionary(key, value, { minKeys: 1, maxKeys: 4 });

  const render = (additionalFields: Record<string, unknown>) => ({
    name: 'md',
    cluster,
    machineTemplate: new (lib().VSphereMachineTemplate)({ template: 't', networkName: 'n', additionalFields }),
  });

  test('either the same ValidationError or the same objects, never a secret', async () => {
    const { Chart, Testing } = require('cdk8s') as typeof import('cdk8s');
    const samples = fc.sample(fields, { numRuns: 30, seed: SEED });
    let valid = 0;
    for (const f of samples) {
      let props: ReturnType<typeof render>;
      try {
        props = render(structuredClone(f));
      } catch (e: any) {
        expect(e.name).toBe('ValidationError'); // the template rejects it for both adapters alike
        continue;
      }
      valid++;
      const chart = new Chart(Testing.app(), 'c');
      new (lib().WorkerGroup)(chart, 'w', props);
      const expected = chart.toJson();
      const run = await runPulumi(() => new (pulumiLib().WorkerGroup)('w', props));
      expect(normalize(run.objects)).toEqual(normalize(expected));
      expect(JSON.stringify(run.objects)).not.toContain('4dabf18193072939515e22adb298388d');
    }
    expect(valid).toBeGreaterThan(3);
  }, 60_000);

  test('null in a free-form map is dropped by both; the secret signature key is rejected', async () => {
    const { Chart, Testing } = require('cdk8s') as typeof import('cdk8s');
    const props = render({ vmx: { a: null, b: 'x' } });
    const chart = new Chart(Testing.app(), 'c');
    new (lib().WorkerGroup)(chart, 'w', props);
    const run = await runPulumi(() => new (pulumiLib().WorkerGroup)('w', props));
    expect(normalize(run.objects)).toEqual(normalize(chart.toJson()));
    const template = run.objects.find((o) => o.kind === 'VSphereMachineTemplate');
    expect(template?.spec.template.spec.vmx).toEqual({ b: 'x' });
    expect(() => render({ x: { '4dabf18193072939515e22adb298388d': '1b47061264138c4ac30d75fd1eb44270', value: 's' } })).toThrow(/secret signature/);
  });
});

/** Issue 14: a Cluster's components (CNI, cloud controller manager, CSI, credentials ClusterResourceSet) through both adapters. */
describe('cluster components: the same objects in cdk8s and Pulumi', () => {
  const lib = () => require('../../lib') as typeof import('../../lib');
  const pulumiLib = () => require('../../lib/pulumi') as typeof import('../../lib/pulumi');

  test.each(['calico', 'cilium'] as const)('OpenStack with %s, the CCM and Cinder CSI', async (cni) => {
    const { Chart, Testing } = require('cdk8s') as typeof import('cdk8s');
    const props = {
      name: 'comp', namespace: 'tenants', kubernetesVersion: 'v1.33.1', cni, clusterNetwork: { pods: ['172.20.0.0/16'] },
      infrastructure: new (lib().OpenStackCluster)({ cloudName: 'openstack', secretName: 'comp-cloud-config', managedSecurityGroups: true }),
      cloudController: { credentialsSecret: 'comp-cloud-controller' },
      csi: { storageClasses: [{ name: 'ssd', default: true, volumeType: 'ssd' }] },
    };
    const chart = new Chart(Testing.app(), 'c');
    new (lib().Cluster)(chart, 'cluster', props);
    const expected = chart.toJson();
    expect(expected.filter((o: any) => o.kind === 'HelmRelease').map((o: any) => o.metadata.name)).toEqual(['comp-cni', 'comp-cloud-controller', 'comp-csi']);
    const run = await runPulumi(() => new (pulumiLib().Cluster)('cluster', props));
    expect(run.objects.map(identity).sort()).toEqual(expected.map(identity).sort());
    expect(normalize(run.objects)).toEqual(normalize(expected));
  });
});
