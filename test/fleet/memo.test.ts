import { BoundedCache, memoize } from '../../lib/core/rules/memo';

describe('memoize', () => {
  test('calls the function once per argument, including for an undefined result, and empties itself at the limit', () => {
    const calls: string[] = [];
    const f = memoize((k) => {
      calls.push(k);
      return k === 'none' ? undefined : k.length;
    }, 3);
    expect([f('ab'), f('ab'), f('none'), f('none'), f('abc')]).toEqual([2, 2, undefined, undefined, 3]);
    expect(calls).toEqual(['ab', 'none', 'abc']);
    f('abcd'); // the memo held 3 entries: emptied, then 'abcd' stored
    f('ab');
    expect(calls).toEqual(['ab', 'none', 'abc', 'abcd', 'ab']);
  });
});

describe('BoundedCache', () => {
  test('empties itself when the next entry would take it beyond its size, and does not store an entry of more than an eighth of it', () => {
    const c = new BoundedCache<number>(100, 800);
    for (let i = 0; i < 8; i++) c.set(`k${i}`, i, 100);
    expect([c.size, c.chars, c.get('k0'), c.get('k7')]).toEqual([8, 800, 0, 7]);
    c.set('k8', 8, 1); // 801 > 800: emptied first
    expect([c.size, c.chars, c.has('k0'), c.has('k7'), c.get('k8')]).toEqual([1, 1, false, false, 8]);
    c.set('big', 9, 101); // more than 800 / 8: computed each time, never stored
    expect([c.size, c.chars, c.has('big')]).toEqual([1, 1, false]);
  });

  test('empties itself at its entry limit', () => {
    const c = new BoundedCache<number>(2, 1000);
    c.set('a', 1, 1);
    c.set('b', 2, 1);
    c.set('c', 3, 1);
    expect([c.size, c.has('a'), c.get('c')]).toEqual([1, false, 3]);
  });
});
