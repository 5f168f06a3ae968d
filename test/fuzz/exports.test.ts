/**
 * Issue 33, item 2: every function and class `capi-constructs/core` exports, called with hostile whole
 * arguments (null, numbers for names, cycles, 100k-deep values, Maps, Dates, boxed values, BigInt,
 * Symbols, functions, huge strings, malformed manifests), returns a value or
 * throws a ValidationError, never another error. And every ValidationError prints the bad value
 * safely: never "[object Object]", never longer than the bound, whatever the value.
 * Bounded by count (fixed seed under CI, test/setup.ts).
 */
import fc from 'fast-check';
import * as core from '../../lib/core';
import { show } from '../../lib/core/rules/errors';

process.env.CAPI_CONSTRUCTS_WARNINGS = 'silent';

const circular = () => { const o: Record<string, unknown> = { a: 1 }; o.self = o; return o; };
// built once: the library never mutates its arguments (test/fuzz/public-api.test.ts checks it)
const DEEP = (() => { let d: unknown = 1; for (let i = 0; i < 100_000; i++) d = { d }; return d; })();
const DEEP_LIST = (() => { let d: unknown = 1; for (let i = 0; i < 100_000; i++) d = [d]; return d; })();
const HUGE = 'x'.repeat(10_000_000);
const deep = () => DEEP;
const deepList = () => DEEP_LIST;
const throwingProxy = () => new Proxy({}, { get() { throw new Error('trap'); }, ownKeys() { throw new Error('trap'); }, getPrototypeOf() { throw new Error('trap'); } });
const manifest = (patch: Record<string, unknown>) => ({ apiVersion: 'controlplane.cluster.x-k8s.io/v1beta2', kind: 'KubeadmControlPlane', metadata: { name: 'a', namespace: 'n' }, spec: { replicas: 3, version: 'v1.31.4' }, ...patch });

const hostile: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom<unknown>(undefined, null, 0, -1, 5, NaN, Infinity, 1e300, 2 ** 53 + 2, '', 'x', '\ud800', '<<', true, [], [null], [[]], {}, { name: 5 }),
  fc.constant(HUGE as unknown),
  fc.constant(null).map(() => Object.create(null) as unknown),
  fc.constant(null).map(circular as () => unknown),
  fc.constant(null).map(deep),
  fc.constant(null).map(deepList),
  fc.constant(null).map(() => new Map([['a', 1]]) as unknown),
  fc.constant(null).map(() => new Date(0) as unknown),
  fc.constant(null).map(() => new Number(1) as unknown),
  fc.constant(null).map(() => 5n as unknown),
  fc.constant(null).map(() => Symbol('s') as unknown),
  fc.constant(null).map(() => (() => 1) as unknown),
  fc.constant(null).map(() => manifest({ metadata: null }) as unknown),
  fc.constant(null).map(() => manifest({ spec: deep() }) as unknown),
  fc.constant(null).map(() => manifest({ spec: circular() }) as unknown),
  fc.constant(null).map(() => manifest({ spec: { replicas: new Map() } }) as unknown),
  fc.constant(null).map(() => manifest({}) as unknown),
  fc.constant(null).map(() => new Map([['k', manifest({ metadata: { name: 5 } })]]) as unknown),
  fc.constant(null).map(() => ({ clusters: [{ status: 'changed' }] }) as unknown),
  fc.anything({ maxDepth: 3, withNullPrototype: true, withBigInt: true, withDate: true, withMap: true, withSet: true, withBoxedValues: true }),
);

/** Functions that write files or belong to the fleet writer are exercised by test/fleet and test/fuzz/public-api.test.ts. */
const ELSEWHERE = new Set(['writeFleet', 'setWarningHandler']);

type Target = { name: string; call: (args: unknown[]) => unknown };
const targets: Target[] = [];
for (const [name, v] of Object.entries(core)) {
  if (typeof v !== 'function' || ELSEWHERE.has(name)) continue;
  const isClass = /^class\b/.test(Function.prototype.toString.call(v));
  if (isClass) {
    targets.push({ name, call: (args) => Reflect.construct(v as new (...a: unknown[]) => unknown, args) });
    for (const k of Object.getOwnPropertyNames(v)) {
      const d = Object.getOwnPropertyDescriptor(v, k)!;
      if (!['length', 'name', 'prototype'].includes(k) && typeof d.value === 'function') targets.push({ name: `${name}.${k}`, call: (args) => d.value.apply(v, args) });
    }
  } else {
    targets.push({ name, call: (args) => (v as (...a: unknown[]) => unknown)(...args) });
  }
}

function outcome(t: Target, args: unknown[]): 'ok' | 'invalid' {
  try {
    const r = t.call(args);
    if (r && typeof (r as Promise<unknown>).then === 'function') (r as Promise<unknown>).catch(() => undefined);
    return 'ok';
  } catch (e: any) {
    if (e?.name !== 'ValidationError' || !Array.isArray(e.issues) || e.issues.length === 0) {
      throw new Error(`${t.name}: not a ValidationError: ${e?.name}: ${String(e?.message).slice(0, 300)}`);
    }
    for (const i of e.issues) {
      expect(i.message).not.toContain('[object Object]');
      expect(i.message.length).toBeLessThan(2000);
    }
    return 'invalid';
  }
}

describe('every export of capi-constructs/core with hostile whole arguments', () => {
  it('covers the exports', () => {
    expect(targets.length).toBeGreaterThan(60);
  });

  it('returns a value or throws a ValidationError: 3000 calls', () => {
    const counts = { ok: 0, invalid: 0 };
    fc.assert(fc.property(fc.nat({ max: targets.length - 1 }), fc.array(hostile, { minLength: 0, maxLength: 3 }), (which, args) => {
      counts[outcome(targets[which], args)]++;
    }), { numRuns: 3000 });
    expect(counts.invalid).toBeGreaterThan(1000);
  });

  it('the repros of the issue', () => {
    const kcp = manifest({});
    const calls: [string, () => unknown][] = [
      ['addonSecurityGroupPorts(null)', () => core.addonSecurityGroupPorts(null as never)],
      ['parseGoCidr(5)', () => core.parseGoCidr(5 as never)],
      ["parseManifestFile('f', 5)", () => core.parseManifestFile('f', 5 as never)],
      ['rejectedUpdate(<10 MB string>, kcp)', () => core.rejectedUpdate('x'.repeat(10_000_000) as never, kcp as never)],
      ['rejectedUpdate(kcp, 100k-deep)', () => core.rejectedUpdate(kcp as never, manifest({ spec: deep() }) as never)],
      ['diffFields(cycle, cycle)', () => core.diffFields(circular(), circular())],
      ['controlPlaneName(Symbol)', () => core.controlPlaneName(Symbol('s') as never)],
      ['splitEvenly(5, 1e9)', () => core.splitEvenly(5, 1e9)],
      ['formatPlan({ clusters: [{}] })', () => core.formatPlan({ clusters: [{}] } as never)],
      ['new ValidationError(undefined, undefined)', () => { throw new core.ValidationError(undefined as never, undefined as never); }],
    ];
    for (const [what, call] of calls) {
      let error: any;
      try {
        call();
      } catch (e) {
        error = e;
      }
      expect([what, error?.name]).toEqual([what, 'ValidationError']);
    }
  });
});

describe('error messages print any value safely', () => {
  it('cycles, throwing getters, Proxies, huge and deep values: bounded text, never "[object Object]"', () => {
    const values: unknown[] = [
      circular(), { get x() { throw new Error('getter'); } }, throwingProxy(), deep(), Array.from({ length: 1_000_000 }, (_, i) => ({ i })),
      new Map([[1, 2]]), new Date(0), new Number(3), Object.create(null), 5n, Symbol('q'), () => 1,
    ];
    for (const v of values) {
      const s = show(v);
      expect(s).not.toContain('[object Object]');
      expect(s.length).toBeLessThanOrEqual(220);
    }
    expect(show(circular())).toBe('{"a":1,"self":[Circular]}');
    expect(show({ get x() { throw new Error('getter'); }, y: 2 })).toBe('{"x":[getter],"y":2}');
  });

  it('property: any value prints within the bound', () => {
    fc.assert(fc.property(fc.oneof(hostile, fc.anything({ maxDepth: 5, withNullPrototype: true, withBigInt: true, withDate: true, withMap: true, withSet: true, withBoxedValues: true, withTypedArray: true, withSparseArray: true })), (v) => {
      const s = show(v);
      expect(typeof s).toBe('string');
      expect(s.length).toBeLessThanOrEqual(230);
      expect(s).not.toContain('[object Object]');
    }), { numRuns: 1000 });
  });
});
