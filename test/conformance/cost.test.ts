/**
 * Issue 33, item 7: cost traps, counted rather than timed (docs/conformance.md).
 * - Shturval hostSelector.matchExpressions[].values: the duplicate check scanned the values seen so
 *   far (Array.prototype.includes), 5e9 elements for 100k values (11.4 s).
 * - The content-hash memo kept every hashed text: 300 renders with a distinct 1 MB value held 600 MB
 *   after garbage collection.
 */
import { ShturvalMachineTemplate } from '../../lib';
import { contentHash, contentHashMemoHeld } from '../../lib/core/output/naming';
import { memoize } from '../../lib/core/rules/memo';
import { countArrayScans } from '../support/array-scans';

describe('Shturval hostSelector values are checked in linear time', () => {
  it('100k values: the check scans fewer than 10 elements per value', () => {
    const values = Array.from({ length: 100_000 }, (_, i) => `rack-${i}`);
    const { result: t, scanned } = countArrayScans(() => new ShturvalMachineTemplate({ hostSelector: { matchExpressions: [{ key: 'rack', operator: 'In', values }] } }));
    expect(scanned).toBeLessThan(10 * values.length);
    expect((t.spec as { hostSelector: { matchExpressions: { values: string[] }[] } }).hostSelector.matchExpressions[0].values).toHaveLength(values.length);
  });

  it('a value listed twice is still an error naming both places', () => {
    expect(() => new ShturvalMachineTemplate({ hostSelector: { matchExpressions: [{ key: 'rack', operator: 'In', values: ['a', 'b', 'a'] }] } }))
      .toThrow(/hostSelector\.matchExpressions\[0\]\.values\[2\]: "a" is listed twice/);
  });
});

describe('memory does not grow with distinct inputs', () => {
  it('300 templates with a distinct 1 MB value: the content-hash memo keeps at most 16 MB of content', () => {
    const big = 'x'.repeat(1024 * 1024);
    // the hash a render takes of each template's content (templateName)
    for (let i = 0; i < 300; i++) contentHash({ blob: `${i}${big}` });
    const held = contentHashMemoHeld();
    expect(held.keyChars).toBeLessThanOrEqual(8 * 1024 * 1024);
  });

  it('memoize is bounded by the length of its keys as well as by entries, and does not store a key beyond an eighth of it', () => {
    let calls = 0;
    const f = memoize((k) => {
      calls++;
      return k.length;
    }, 1000, 800);
    for (let i = 0; i < 100; i++) f(`${i}`.padEnd(50, '-'));
    expect(f.held().keyChars).toBeLessThanOrEqual(800);
    expect(f.held().entries).toBeLessThanOrEqual(16);
    const long = 'y'.repeat(101);
    f(long);
    f(long);
    expect(calls).toBe(102); // the long key is computed each time, never kept
    expect(f.held().keyChars).toBeLessThanOrEqual(800);
    f('short-key');
    f('short-key');
    expect(calls).toBe(103);
  });
});
