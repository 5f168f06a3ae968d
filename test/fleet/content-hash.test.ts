/**
 * Template names carry a hash of the template's content; a different hash renames the template and
 * rolls every machine of the group. The fast serializer behind the hash (lib/core/output/manifest.ts) must
 * therefore produce exactly what the original formulation produced, for any JSON-like value.
 */
import fc from 'fast-check';
import { compact, sortKeys, stableStringify } from '../../lib/core/output/manifest';
import { createHash } from 'crypto';
import { contentHash, sha256 } from '../../lib/core/output/naming';

/** The first formulation of stableStringify (map/join), kept here as the specification. */
function reference(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(reference).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const keys = Object.keys(value as object).filter((k) => (value as Record<string, unknown>)[k] !== undefined).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${reference((value as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

const key = fc.oneof(fc.string({ maxLength: 6 }), fc.string({ unit: 'binary', maxLength: 4 }), fc.constantFrom('a', 'b', 'B', '10', '9', '', '"', '\\', '\u2028', '\ud800', 'é'));
const leaf = fc.oneof(
  fc.string({ maxLength: 8 }), fc.string({ unit: 'binary', maxLength: 6 }), fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.constant(undefined),
  fc.constantFrom('q"x', 'b\\s', 't\tx', '\n', '\u0000', '\udc00x', () => 1),
);
const value = fc.letrec((tie) => ({
  v: fc.oneof({ depthSize: 'small' }, leaf, fc.array(tie('v'), { maxLength: 4 }), fc.dictionary(key, tie('v'), { maxKeys: 5 }), fc.sparseArray(leaf, { maxLength: 4 })),
})).v;

describe('content hash serialization', () => {
  test('stableStringify equals the original formulation on arbitrary values', () => {
    fc.assert(fc.property(value, (v) => {
      expect(stableStringify(v)).toBe(reference(v));
    }), { numRuns: 3000 });
  });

  test('stableStringify ignores key order, and a changed value changes the hash', () => {
    expect(stableStringify({ b: 1, a: { d: [1, 'x'], c: null } })).toBe('{"a":{"c":null,"d":[1,"x"]},"b":1}');
    expect(contentHash({ b: 1, a: 2 })).toBe(contentHash({ a: 2, b: 1 }));
    expect(contentHash({ a: 2, b: 1 })).not.toBe(contentHash({ a: 2, b: 2 }));
  });

  test('sha256 (one-shot crypto.hash where node has it) equals createHash', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 64 }), (t) => {
      expect(Buffer.from(sha256(t)).equals(createHash('sha256').update(t).digest())).toBe(true);
    }), { numRuns: 500 });
  });

  test('sortKeys sorts like Array.prototype.sort, in place', () => {
    fc.assert(fc.property(fc.array(key, { maxLength: 40 }), (keys) => {
      const copy = [...keys];
      expect(sortKeys(copy)).toBe(copy);
      expect(copy).toEqual([...keys].sort());
    }), { numRuns: 2000 });
  });

  test('compact drops undefined values, empty objects and empty lists, and copies the rest', () => {
    const input = { a: undefined, b: {}, c: [], d: [undefined, {}, 1], e: { f: { g: undefined } }, h: '', i: 0, j: false, k: null };
    const out = compact(input) as Record<string, unknown>;
    expect(out).toEqual({ d: [1], h: '', i: 0, j: false, k: null });
    expect(out.d).not.toBe(input.d);
    expect(compact({ a: undefined })).toBeUndefined();
  });
});
