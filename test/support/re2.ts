/**
 * Go RE2 syntax (what the API server evaluates a CRD's `pattern` with: Go's `regexp` package) translated
 * to an equivalent JavaScript RegExp, so that the conformance suite accepts and rejects exactly the strings
 * a management cluster would.
 *
 * The translation is semantic, not textual; where Go and JavaScript differ it rewrites:
 * - flags `(?i)`, `(?m)`, `(?s)` anywhere, scoped `(?i:...)` and `(?-i)`: JavaScript (node 20) has no
 *   inline or scoped flags, so case-insensitivity is expanded per character to its Unicode simple case-folding
 *   orbit (as Go's `(?i)` does: `k` also matches U+212A KELVIN SIGN, `s` also U+017F LONG S), `(?m)` anchors
 *   become lookarounds and `(?s)` dots match everything;
 * - `.` is any character but `\n` (JavaScript's `.` also excludes `\r`, U+2028, U+2029);
 * - `\s` is `[\t\n\f\r ]` and `\S` its complement (JavaScript's `\s` also matches `\v` and Unicode spaces);
 * - `\A`, `\z`, `\Q...\E`, `\x{...}`, octal `\123`, `\pL`/`\p{Greek}`/`\p{^Greek}`, POSIX classes
 *   `[[:alpha:]]`/`[[:^alpha:]]`, named groups `(?P<name>...)`;
 * - a `{` that does not start a repetition is a literal in Go, a syntax error in a `u`-mode JavaScript RegExp.
 * The result is compiled with the `u` flag, so that it matches code points, as Go matches runes.
 *
 * Not supported, and thrown as errors rather than approximated: the `(?U)` (ungreedy) flag, `\C`, and a
 * case-insensitive range wider than 0x4000 code points. Character classes under `(?i)` fold
 * their members the same way as single characters; the perl classes `\w`, `\d` and `\b` are ASCII in both
 * engines and are passed through unchanged.
 */

type Flags = { i: boolean; m: boolean; s: boolean };

const SPACE = '\\t\\n\\f\\r ';
/** Go's POSIX classes (`[[:alpha:]]`), as code point ranges. */
const POSIX: Readonly<Record<string, ReadonlyArray<readonly [number, number]>>> = {
  alnum: [[0x30, 0x39], [0x41, 0x5A], [0x61, 0x7A]], alpha: [[0x41, 0x5A], [0x61, 0x7A]], ascii: [[0, 0x7F]],
  blank: [[9, 9], [0x20, 0x20]], cntrl: [[0, 0x1F], [0x7F, 0x7F]], digit: [[0x30, 0x39]], graph: [[0x21, 0x7E]],
  lower: [[0x61, 0x7A]], print: [[0x20, 0x7E]], punct: [[0x21, 0x2F], [0x3A, 0x40], [0x5B, 0x60], [0x7B, 0x7E]],
  space: [[9, 0x0D], [0x20, 0x20]], upper: [[0x41, 0x5A]], word: [[0x30, 0x39], [0x41, 0x5A], [0x61, 0x7A], [0x5F, 0x5F]],
  xdigit: [[0x30, 0x39], [0x41, 0x46], [0x61, 0x66]],
};

let orbits: Map<number, number[]> | undefined;

/** The Unicode simple case-folding orbit of a code point (the code points `(?i)` makes it match). */
export function caseOrbit(cp: number): number[] {
  if (!orbits) {
    // Connected components of x -> lower(x), x -> upper(x), over single-code-point mappings.
    const parent = new Map<number, number>();
    const find = (x: number): number => {
      let r = x;
      while (parent.has(r) && parent.get(r) !== r) r = parent.get(r)!;
      return r;
    };
    const union = (a: number, b: number) => {
      const ra = find(a); const rb = find(b);
      if (ra !== rb) parent.set(ra, rb);
      if (!parent.has(rb)) parent.set(rb, rb);
    };
    for (let c = 0; c <= 0x1FFFF; c++) {
      if (c >= 0xD800 && c <= 0xDFFF) continue;
      const s = String.fromCodePoint(c);
      for (const t of [s.toLowerCase(), s.toUpperCase()]) {
        const tc = t.codePointAt(0)!;
        if (t !== s && t.length === String.fromCodePoint(tc).length) union(c, tc);
      }
    }
    const groups = new Map<number, number[]>();
    for (const c of parent.keys()) {
      const r = find(c);
      groups.set(r, [...(groups.get(r) ?? []), c]);
    }
    orbits = new Map();
    for (const members of groups.values()) {
      const sorted = [...new Set(members)].sort((a, b) => a - b);
      if (sorted.length > 1) for (const m of sorted) orbits.set(m, sorted);
    }
  }
  return orbits.get(cp) ?? [cp];
}

/** A code point written so that it is literal inside or outside a `u`-mode character class. */
function lit(cp: number, inClass = false): string {
  if (cp < 0x20 || cp === 0x7F || (cp >= 0x80 && cp <= 0x9F) || (cp >= 0xD800 && cp <= 0xDFFF) || cp === 0x2028 || cp === 0x2029) {
    return `\\u{${cp.toString(16)}}`;
  }
  const ch = String.fromCodePoint(cp);
  return /[\\^$.*+?()[\]{}|/]/.test(ch) || (inClass && ch === '-') ? `\\${ch}` : ch;
}

function literal(cp: number, f: Flags): string {
  if (!f.i) return lit(cp);
  const orbit = caseOrbit(cp);
  return orbit.length === 1 ? lit(cp) : `[${orbit.map((o) => lit(o, true)).join('')}]`;
}

class Re2SyntaxError extends Error {
  constructor(pattern: string, at: number, why: string) {
    super(`RE2 pattern ${JSON.stringify(pattern)} at offset ${at}: ${why}`);
    this.name = 'Re2SyntaxError';
  }
}

function unicodeClass(name: string, negated: boolean): string {
  let neg = negated;
  let n = name;
  if (n.startsWith('^')) { neg = !neg; n = n.slice(1); }
  // Go accepts general categories (L, Lu, ...) and script names (Greek, Latin, ...); `Any` is every code point.
  const body = n === 'Any' ? 'Any' : /^[A-Z][a-z]?$/.test(n) ? n : `Script=${n}`;
  return `\\${neg ? 'P' : 'p'}{${body}}`;
}

/** Translates a Go RE2 pattern into the source of an equivalent `u`-mode JavaScript RegExp. */
export function translateRe2(pattern: string): string {
  const cps = Array.from(pattern);
  let i = 0;
  let flags: Flags = { i: false, m: false, s: false };
  const stack: Flags[] = [];
  let out = '';
  const fail = (why: string): never => { throw new Re2SyntaxError(pattern, i, why); };
  const peek = (k = 0) => cps[i + k];

  const parseFlagSpec = (spec: string, base: Flags): Flags => {
    const next = { ...base };
    let on = true;
    for (const c of spec) {
      if (c === '-') { on = false; continue; }
      if (c === 'i' || c === 'm' || c === 's') next[c] = on;
      else if (c === 'U') fail('the (?U) ungreedy flag is not supported by this translation');
      else fail(`unknown flag ${JSON.stringify(c)}`);
    }
    return next;
  };

  /** The `{...}` argument of an escape such as `\p{Greek}` or `\x{41}`, if one follows; moves past it. */
  const braced = (escapeName: string): string | undefined => {
    if (peek() !== '{') return undefined;
    const end = cps.indexOf('}', i);
    if (end < 0) return fail(`unterminated ${escapeName}{`);
    const arg = cps.slice(i + 1, end).join('');
    i = end + 1;
    return arg;
  };

  /** One escape after `\`, outside or inside a class. Returns JS source, or a code point for a literal. */
  const escape = (inClass: boolean): string | number => {
    const c = cps[i++];
    if (c === undefined) return fail('trailing backslash');
    switch (c) {
      case 'a': return 0x07;
      case 'f': return 0x0C;
      case 't': return 0x09;
      case 'n': return 0x0A;
      case 'r': return 0x0D;
      case 'v': return 0x0B;
      case 'd': case 'D': case 'w': case 'W': return `\\${c}`;
      case 's': return inClass ? SPACE : `[${SPACE}]`;
      case 'S':
        if (inClass) return fail('\\S inside a character class is not supported by this translation');
        return `[^${SPACE}]`;
      case 'p': case 'P': {
        const name = braced('\\p') ?? cps[i++] ?? fail('\\p needs a class name');
        return unicodeClass(name, c === 'P');
      }
      case 'x': {
        let hex = braced('\\x');
        if (hex === undefined) {
          hex = cps.slice(i, i + 2).join('');
          i += 2;
        }
        if (!/^[0-9A-Fa-f]{1,6}$/.test(hex) || parseInt(hex, 16) > 0x10FFFF) return fail(`bad hex escape \\x${hex}`);
        return parseInt(hex, 16);
      }
      case 'C': return fail('\\C is not supported');
      default:
        if (/[0-7]/.test(c)) {
          let oct = c;
          while (oct.length < 3 && /[0-7]/.test(peek() ?? '')) oct += cps[i++];
          if (c !== '0' && oct.length === 1) return fail(`backreference \\${c} is not valid RE2`);
          return parseInt(oct, 8);
        }
        if (/[A-Za-z0-9]/.test(c)) return fail(`invalid escape \\${c}`);
        return c.codePointAt(0)!;
    }
  };

  const classItem = (cp: number, f: Flags): string => (f.i ? caseOrbit(cp) : [cp]).map((o) => lit(o, true)).join('');

  const classRange = (lo: number, hi: number, f: Flags): string => {
    if (lo > hi) fail('character class range out of order');
    if (!f.i) return `${lit(lo, true)}-${lit(hi, true)}`;
    if (hi - lo > 0x4000) fail('case-insensitive range too wide for this translation');
    const members = new Set<number>();
    for (let c = lo; c <= hi; c++) for (const o of caseOrbit(c)) members.add(o);
    return `${lit(lo, true)}-${lit(hi, true)}${[...members].filter((m) => m < lo || m > hi).map((m) => lit(m, true)).join('')}`;
  };

  const parseClass = (): string => {
    // after '['
    let negated = false;
    if (peek() === '^') { negated = true; i++; }
    let body = '';
    let first = true;
    while (true) {
      const c = cps[i];
      if (c === undefined) return fail('unterminated character class');
      if (c === ']' && !first) { i++; break; }
      first = false;
      if (c === '[' && peek(1) === ':') {
        let end = -1;
        for (let k = i + 2; k < cps.length - 1 && end < 0; k++) if (cps[k] === ':' && cps[k + 1] === ']') end = k;
        if (end >= 0) {
          const name = cps.slice(i + 2, end).join('');
          const set = POSIX[name.replace(/^\^/, '')];
          if (!set) return fail(`unknown POSIX class [:${name}:]`);
          if (name.startsWith('^')) return fail('negated POSIX classes are not supported by this translation');
          for (const [lo, hi] of set) body += lo === hi ? classItem(lo, flags) : classRange(lo, hi, flags);
          i = end + 2;
          continue;
        }
      }
      let lo: number;
      i++;
      if (c === '\\') {
        const e = escape(true);
        if (typeof e === 'string') { body += e; continue; }
        lo = e;
      } else {
        lo = c.codePointAt(0)!;
      }
      if (peek() === '-' && peek(1) !== undefined && peek(1) !== ']') {
        i++;
        let hi: number;
        const h = cps[i++];
        if (h === '\\') {
          const e = escape(true);
          if (typeof e === 'string') return fail('a class escape cannot end a range');
          hi = e;
        } else hi = h.codePointAt(0)!;
        body += classRange(lo, hi, flags);
      } else {
        body += classItem(lo, flags);
      }
    }
    return `[${negated ? '^' : ''}${body}]`;
  };

  while (i < cps.length) {
    const c = cps[i];
    if (c === '\\') {
      i++;
      if (peek() === 'Q') {
        i++;
        while (i < cps.length && !(cps[i] === '\\' && cps[i + 1] === 'E')) out += literal(cps[i++].codePointAt(0)!, flags);
        if (i < cps.length) i += 2;
        continue;
      }
      if (peek() === 'A') { i++; out += '^'; continue; }
      if (peek() === 'z') { i++; out += '$'; continue; }
      if (peek() === 'b' || peek() === 'B') { out += `\\${cps[i++]}`; continue; }
      const e = escape(false);
      out += typeof e === 'string' ? e : literal(e, flags);
      continue;
    }
    i++;
    switch (c) {
      case '[': out += parseClass(); break;
      case '(': {
        if (peek() === '?') {
          i++;
          if (peek() === 'P' && peek(1) === '<') i++;
          if (peek() === '<') {
            const end = cps.indexOf('>', i);
            if (end < 0) fail('unterminated group name');
            const name = cps.slice(i + 1, end).join('');
            i = end + 1;
            stack.push(flags);
            out += `(?<${name}>`;
            break;
          }
          let spec = '';
          while (peek() !== undefined && peek() !== ')' && peek() !== ':') spec += cps[i++];
          const term = cps[i++];
          if (term === undefined) fail('unterminated group');
          if (term === ')') { flags = parseFlagSpec(spec, flags); break; }
          stack.push(flags);
          flags = parseFlagSpec(spec, flags);
          out += '(?:';
          break;
        }
        stack.push(flags);
        out += '(';
        break;
      }
      case ')':
        if (stack.length === 0) fail('unexpected )');
        flags = stack.pop()!;
        out += ')';
        break;
      case '.': out += flags.s ? '[^]' : '[^\\n]'; break;
      case '^': out += flags.m ? '(?<![^\\n])' : '^'; break;
      case '$': out += flags.m ? '(?![^\\n])' : '$'; break;
      case '{': {
        const m = /^\{(\d+)(,(\d*))?\}/.exec(cps.slice(i - 1, i + 24).join(''));
        if (m) { out += m[0]; i += m[0].length - 1; } else out += '\\{';
        break;
      }
      case '*': case '+': case '?': case '|': out += c; break;
      default: out += literal(c.codePointAt(0)!, flags);
    }
  }
  if (stack.length > 0) fail('missing )');
  return out;
}

/** A RegExp that matches what Go's `regexp.MatchString(pattern, s)` matches. */
export function re2RegExp(pattern: string): RegExp {
  return new RegExp(translateRe2(pattern), 'u');
}
