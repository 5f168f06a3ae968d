/**
 * The Pulumi project at the repository root: Pulumi.yaml names a `main` program that runs under
 * mocks (what `pulumi up` would run, minus the engine) and creates the node-groups example.
 */
import { existsSync, readFileSync } from 'fs';
import { join, resolve } from 'path';
import * as pulumi from '@pulumi/pulumi';
import * as YAML from 'yaml';
import { normalize, runPulumi } from './harness';

const ROOT = resolve(__dirname, '../..');
const project = YAML.parse(readFileSync(join(ROOT, 'Pulumi.yaml'), 'utf8'));
const main = join(ROOT, project.main);

function freshRequire(path: string): unknown {
  jest.resetModules();
  return require(path);
}

test('Pulumi.yaml is a nodejs project whose main program exists', () => {
  expect(project.name).toBe('capi-constructs-example');
  expect(project.runtime.name).toBe('nodejs');
  expect(existsSync(main)).toBe(true);
  expect(project.config.example.default).toBe('node-groups');
  // The program runs with tsx (nodeargs), which must be installed.
  expect(project.runtime.options.nodeargs).toBe('--import tsx');
  expect(() => require.resolve('tsx')).not.toThrow();
});

test('the main program exports nothing (Pulumi would publish exports as stack outputs)', async () => {
  let exported: unknown;
  await runPulumi(() => {
    exported = freshRequire(main);
  });
  expect(Object.keys(exported as object)).toEqual([]);
}, 30_000); // a fresh load of @pulumi/pulumi and @pulumi/kubernetes: seconds on a busy machine

test('the main program runs under mocks and registers the node-groups example', async () => {
  const run = await runPulumi(() => freshRequire(main));
  const twin = await runPulumi(() => (freshRequire(join(ROOT, 'examples/pulumi/node-groups')) as { default: () => void }).default());
  expect(run.objects.length).toBeGreaterThan(0);
  expect(normalize(run.objects)).toEqual(normalize(twin.objects));
  expect(run.registrations.filter((r) => !r.custom).map((r) => r.name)).toContain('node-groups-cluster');
}, 30_000); // two fresh loads of @pulumi/pulumi and @pulumi/kubernetes: seconds each on a busy machine

test('the `example` config selects the twin, and an unknown one fails with the choices', async () => {
  let error: Error | undefined;
  await runPulumi(() => {
    pulumi.runtime.setConfig('project:example', 'no-such-example');
    try {
      freshRequire(main);
    } catch (e) {
      error = e as Error;
    } finally {
      pulumi.runtime.setConfig('project:example', 'node-groups');
    }
  });
  expect(error?.message).toMatch(/"no-such-example" is not an example; choose one of .*node-groups/);
});
