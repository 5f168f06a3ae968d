/**
 * Issue 31: writeFleet renders, serializes and writes on render threads, with the same bytes as the
 * single-thread path and as renderFleet, also for objects the JSON round trip would change (clusters
 * with hand-written components are rendered on the calling thread and sent as finished text), and in
 * fleet order.
 */
import * as fs from 'fs';
import * as path from 'path';
import { ClusterSpec, renderFleet, writeFleet } from '../../lib/core';
import { isJsonExact } from '../../lib/core/fleet/thread-writer';
import { cleanTmp, featureFleet, readDir, tmpDir } from './fixtures';

afterAll(cleanTmp);

/** A component whose objects hold values JSON cannot carry exactly: -0, holes and undefined in lists, NaN, Infinity. */
function oddComponent(i: number): ClusterSpec['components'] {
  return [{
    id: 'odd',
    subject: 'odd',
    render: (c) => ({
      manifests: [{
        apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `${c.name}-odd`, namespace: c.namespace },
        spec: i % 2 === 0 ? { zero: -0, list: [1, undefined, null, [2, 3]], nan: NaN, inf: -Infinity, big: 1e21 } : { plain: ['a', 'b'], n: 3 },
      } as any],
      warnings: [],
    }),
  }];
}

function fleet(n: number): ClusterSpec[] {
  const [a, b] = featureFleet();
  return Array.from({ length: n }, (_, i) => {
    const base = i % 2 === 0 ? a : b;
    return { ...base, cluster: { ...base.cluster, name: `c-${String(i).padStart(3, '0')}` }, components: [...(base.components ?? []), ...oddComponent(i)!] };
  });
}

describe('writeFleet on render threads', () => {
  it('writes byte for byte what renderFleet renders and the single-thread path writes, in fleet order', () => {
    const specs = fleet(40);
    const expected = renderFleet(specs);
    const threaded = writeFleet(path.join(tmpDir(), 'threaded'), specs, { parallel: true });
    const inline = writeFleet(path.join(tmpDir(), 'inline'), specs, { parallel: false });
    const byDefault = writeFleet(path.join(tmpDir(), 'default'), specs);
    for (const r of [threaded, inline, byDefault]) {
      expect(r.files).toEqual([...expected.files.keys()]);
      expect(r.objectCount).toBe(expected.objectCount);
      expect(readDir(r.outdir)).toEqual(Object.fromEntries([...expected.files].sort(([x], [y]) => (x < y ? -1 : 1))));
    }
    // the odd values really are in the output (-0, NaN and the nested list went through the calling thread)
    expect(fs.readFileSync(path.join(threaded.outdir, 'c-000.k8s.yaml'), 'utf8')).toMatch(/nan: \.nan\n(.|\n)*zero: -0\n/);
  });

  it('an invalid cluster late in the fleet stops the thread and publishes nothing', () => {
    const out = path.join(tmpDir(), 'out');
    const specs = fleet(40);
    writeFleet(out, specs.slice(0, 3), { parallel: true });
    const before = readDir(out);
    const bad = [...specs, { ...specs[0], cluster: { ...specs[0].cluster, name: 'zz', kubernetesVersion: 'v1.31' } }];
    expect(() => writeFleet(out, bad, { parallel: true })).toThrow(/clusters\[40\]\.cluster\.kubernetesVersion/);
    expect(readDir(out)).toEqual(before);
    expect(fs.readdirSync(path.dirname(out))).toEqual(['out']);
  });
});

describe('isJsonExact: what the thread may get as JSON', () => {
  it.each([
    [{ a: 'x', b: [1, true, null, { c: 2.5 }], d: undefined }, true],
    [Object.assign(Object.create(null), { a: 1 }), true],
    [{ a: -0 }, false],
    [{ a: NaN }, false],
    [{ a: Infinity }, false],
    [{ a: [1, undefined] }, false],
    // eslint-disable-next-line no-sparse-arrays
    [{ a: [1, , 2] }, false],
    [{ a: new Date(0) }, false],
    [{ a: 1n }, false],
    [{ a: () => 1 }, false],
    [{ a: new Map() }, false],
    [{ toJSON: () => 'x' }, false],
  ])('%p: %p', (v, exact) => {
    expect(isJsonExact(v)).toBe(exact);
  });
});
