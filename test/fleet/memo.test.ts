import { memoize } from '../../lib/core/rules/memo';

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
