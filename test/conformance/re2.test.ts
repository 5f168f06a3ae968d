/**
 * The CRDs' `pattern`s are Go RE2; the conformance suite translates them (test/support/re2.ts). These
 * cases pin the translation to what Go's regexp does (each expectation is Go's answer, from the RE2 syntax
 * reference and Go's `regexp` documentation), including where a plain JavaScript RegExp would differ.
 */
import { allPatterns, validateManifest } from '../support/crd-schemas';
import { caseOrbit, re2RegExp, translateRe2 } from '../support/re2';

describe('RE2 to JavaScript translation', () => {
  test('every pattern of every shared CRD translates and compiles', () => {
    const patterns = allPatterns();
    expect(patterns.size).toBeGreaterThan(20);
    const failures = [...patterns].flatMap(([p, where]) => {
      try { re2RegExp(p); return []; } catch (e) { return [`${p} (${where[0]}): ${(e as Error).message}`]; }
    });
    expect(failures).toEqual([]);
    // The pattern that broke the suite: a Go inline flag, a syntax error for a JavaScript RegExp.
    expect(patterns.has('^(?i)(abort|warn)?$')).toBe(true);
    expect(() => new RegExp('^(?i)(abort|warn)?$')).toThrow(SyntaxError);
  });

  test.each<[string, string, boolean]>([
    // (?i): case-insensitive from there on, with Unicode simple folding (k ~ KELVIN SIGN, s ~ LONG S).
    ['^(?i)(abort|warn)?$', 'Abort', true],
    ['^(?i)(abort|warn)?$', 'WARN', true],
    ['^(?i)(abort|warn)?$', '', true],
    ['^(?i)(abort|warn)?$', 'abort ', false],
    ['^(?i)k$', '\u212A', true],
    ['^(?i)s$', '\u017F', true],
    ['^(?i)[a-c]$', 'B', true],
    ['^(?i)[[:lower:]]$', 'Q', true],
    // Scoped and cleared flags.
    ['^(?i:a)b$', 'Ab', true],
    ['^(?i:a)b$', 'AB', false],
    ['^(?i)a(?-i)b$', 'Ab', true],
    ['^(?i)a(?-i)b$', 'AB', false],
    ['^(a(?i)b)c$', 'aBc', true],
    ['^(a(?i)b)c$', 'aBC', false],
    // `.` is any rune but \n (JavaScript's also excludes \r, U+2028, U+2029); (?s) includes \n.
    ['^.$', '\r', true],
    ['^.$', '\u2028', true],
    ['^.$', '\n', false],
    ['^(?s).$', '\n', true],
    ['^.$', '\u{1F600}', true],
    // \s is [\t\n\f\r ] in Go; JavaScript's \s also has \v and Unicode spaces.
    ['^\\s$', '\v', false],
    ['^\\s$', '\u00A0', false],
    ['^\\S$', '\u00A0', true],
    ['^[\\s]$', '\t', true],
    // Anchors: $ is the end of the text (not before a final \n) unless (?m).
    ['^a$', 'a\n', false],
    ['^(?m)a$', 'b\na', false], // the ^ before (?m) anchors at the start of the text
    ['(?m)^a$', 'b\na', true],
    ['(?m)^b$', 'a\nb\nc', true],
    ['^b$', 'a\nb\nc', false],
    ['\\Aa\\z', 'a', true],
    ['\\Aa\\z', 'a\n', false],
    // A { that does not start a repetition is a literal.
    ['^a{,3}$', 'a{,3}', true],
    ['^a{2}$', 'aa', true],
    ['^x{$', 'x{', true],
    // Escapes.
    ['^\\Q.*\\E$', '.*', true],
    ['^\\Q.*\\E$', 'ab', false],
    ['^\\x{41}\\x42$', 'AB', true],
    ['^\\101$', 'A', true],
    ['^[[:alpha:]]+$', 'abcXYZ', true],
    ['^[[:alpha:]]+$', 'ab1', false],
    ['^\\pL+$', 'Äß', true],
    ['^\\p{Greek}$', 'λ', true],
    ['^\\p{^Greek}$', 'λ', false],
    ['^(?P<x>a)$', 'a', true],
    ['^[\\-._a-zA-Z0-9]+$', 'a-b.c', true],
    // Unanchored patterns find a match anywhere, as Go's MatchString does.
    ['b', 'abc', true],
  ])('%s on %j: %s', (pattern, input, expected) => {
    expect(re2RegExp(pattern).test(input)).toBe(expected);
  });

  test.each([
    ['(?U)a*', /ungreedy/],
    ['\\C', /not supported/],
    ['\\1', /backreference/],
    ['\\e', /invalid escape/],
    ['(a', /missing \)/],
    ['a)', /unexpected \)/],
    ['[a', /unterminated character class/],
  ])('%s is refused with a reason, never approximated', (pattern, why) => {
    expect(() => translateRe2(pattern)).toThrow(why);
  });

  test('case orbits are Unicode simple case folding', () => {
    expect(caseOrbit('k'.codePointAt(0)!).map((c) => String.fromCodePoint(c)).sort()).toEqual(['K', 'k', '\u212A'].sort());
    expect(caseOrbit('1'.codePointAt(0)!)).toEqual([0x31]);
  });

  test('the API server\'s answer for the PrometheusRule group field that uses (?i)', () => {
    const rule = (strategy: string) => ({
      apiVersion: 'monitoring.coreos.com/v1',
      kind: 'PrometheusRule',
      metadata: { name: 'r', namespace: 'default' },
      spec: { groups: [{ name: 'g', partial_response_strategy: strategy, rules: [{ alert: 'A', expr: 'up == 0' }] }] },
    });
    expect(validateManifest(rule('Abort'))).toEqual([]);
    expect(validateManifest(rule('warn'))).toEqual([]);
    expect(validateManifest(rule('ignore')).join('\n')).toMatch(/partial_response_strategy.*pattern/);
  });
});
