/**
 * The fast paths of the core YAML writer (lib/core/output/yaml.ts) against cdk8s's own serialization:
 * strings written plain without a cache lookup, and multi-line strings (block scalars, cached per
 * key and value, including lines that look like document markers).
 */
import fc from 'fast-check';
import { ApiObject, App, Chart } from 'cdk8s';
import { stringifyManifests, writerCachesHeld } from '../../lib/core/output/yaml';
import { cdk8sYamlStringify, hasSaferStrings, writtenSaferThanCdk8s } from '../support/cdk8s-yaml';

function cdk8sYaml(manifest: any): string {
  return cdk8sYamlStringify(new ApiObject(new Chart(new App(), 'c'), 'o', structuredClone(manifest)).toJson());
}

describe('core YAML writer fast paths', () => {
  test('strings of [A-Za-z0-9._/-] of 6+ characters, in every position', () => {
    // (not Object.prototype names such as 'constructor' as keys: cdk8s itself cannot serialize those)
    const simple = fc.stringMatching(/^[A-Za-z0-9._/-]{6,14}$/).filter((t) => !(t in Object.prototype));
    const lookalikes = fc.constantFrom('e12345', 'E-1234', 'e+1234', 'E12345', 'false1', 'FALSE', 'nullnull', 'yes123', '1e3456', '.infin', '2001-12-14', '0x1F00', '123456', 'abcdef',
      // numbers to Go's YAML reader once it drops the underscores (strconv), plain in cdk8s's YAML 1.1 writer
      '-_0.0__', '0E_-00', '0o1_7');
    fc.assert(fc.property(fc.oneof(simple, lookalikes), (t) => {
      const manifest = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: t, labels: { [t]: t } }, data: { [t]: t, list: [t, { [t]: [t] }] } };
      if (writtenSaferThanCdk8s(t)) {
        // cdk8s writes these plain, and Kubernetes would read a number: the library quotes every occurrence
        // (what the API server then reads: test/conformance/kubernetes-yaml.test.ts)
        const out = stringifyManifests([manifest]);
        expect(out.split(JSON.stringify(t)).length - 1).toBe(8);
        expect(out.split(t).length).toBe(out.split(JSON.stringify(t)).length);
        return;
      }
      expect(stringifyManifests([manifest])).toBe(cdk8sYaml(manifest));
    }), { numRuns: 2000 });
  });

  test('multi-line strings, including document markers, repeated (cached) at other depths', () => {
    const line = fc.oneof(fc.constantFrom('', 'a', 'b: c', '---', '--- x', '...', '%YAML 1.1', '- x', '  y', '#c'), fc.string({ maxLength: 5 }));
    fc.assert(fc.property(fc.array(line, { minLength: 2, maxLength: 5 }).map((ls) => ls.join('\n')), (v) => {
      const manifest = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'n' }, data: { v }, spec: { deep: { v }, list: [{ v }] } };
      if (hasSaferStrings(manifest)) return; // written safer than cdk8s: test/conformance/kubernetes-yaml.test.ts
      expect(stringifyManifests([manifest])).toBe(cdk8sYaml(manifest));
      expect(stringifyManifests([manifest])).toBe(cdk8sYaml(manifest));
    }), { numRuns: 1500 });
  });
});

describe('the writer\'s caches are bounded by size', () => {
  test('3,000 documents with a distinct 3 KB multi-line value and distinct quoted strings (about 20M code units as cache entries): the caches keep at most 16M', () => {
    const line = 'x'.repeat(60);
    for (let i = 0; i < 3000; i++) {
      const block = Array.from({ length: 50 }, (_, j) => `${line} ${i} ${j}`).join('\n');
      const text = stringifyManifests([{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `cm-${i}` }, data: { 'doc.yaml': block, note: `cluster ${i}: ${line}` } }]);
      // the written text is still yaml's: the block scalar, and the quoted one-liner
      if (i === 0) expect(text).toContain(`  doc.yaml: |-\n    ${line} 0 0\n`);
    }
    const held = writerCachesHeld();
    expect(held.chars).toBeLessThanOrEqual(16 * 1024 * 1024);
    expect(held.entries).toBeGreaterThan(0);
  });
});
