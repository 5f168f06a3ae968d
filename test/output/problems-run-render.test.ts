/** Problems.runRender: the one way the adapters merge their own problems into a core render's ValidationError. */
import { Problems, ValidationError } from '../../lib/core/rules/errors';

describe('Problems.runRender', () => {
  test('a core ValidationError comes back with the caller\'s problems after its own', () => {
    const p = new Problems('Adapter');
    p.error('id', 'is taken');
    let thrown: unknown;
    try {
      p.runRender(() => { throw new ValidationError('Core "x"', [{ path: 'replicas', message: 'must be odd' }]); });
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(ValidationError);
    expect((thrown as ValidationError).subject).toBe('Core "x"');
    expect((thrown as ValidationError).issues.map((i) => i.path)).toEqual(['replicas', 'id']);
  });

  test('without problems of its own, the render\'s error passes through as it is; other errors too', () => {
    const core = new ValidationError('Core', [{ path: 'a', message: 'b' }]);
    expect(() => new Problems('A').runRender(() => { throw core; })).toThrow(core);
    const other = new RangeError('x');
    const p = new Problems('A');
    p.error('id', 'bad');
    expect(() => p.runRender(() => { throw other; })).toThrow(other);
  });

  test('returns the render\'s result and leaves the caller\'s problems to throwIfErrors', () => {
    const p = new Problems('A');
    p.error('id', 'bad');
    expect(p.runRender(() => 42)).toBe(42);
    expect(() => p.throwIfErrors()).toThrow(ValidationError);
  });
});
