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
