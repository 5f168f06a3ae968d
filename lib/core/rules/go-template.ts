/**
 * A small evaluator for the subset of Go `text/template` that CAPV documents for VSphereMachine
 * naming templates (cluster-api-provider-vsphere v1.16.1 `pkg/util/template.go`
 * `GenerateMachineNameFromTemplate`, `VSphereVMNamingStrategy` docs):
 * - text and actions `{{ ... }}`, with the `{{-` / `-}}` whitespace trims and `{{/* comments *\/}}`;
 * - field chains on the data (`.machine.name`, `.`) with `missingkey=error` (an unknown key is an
 *   error, e.g. `.random`, which CAPV does not provide);
 * - string (`"..."`, raw `` `...` ``) and integer literals, parentheses, and pipelines (`a | f`: the
 *   value is passed as the last argument);
 * - the functions of the template's FuncMap, given by the caller (CAPV: `trimSuffix`, `trunc`).
 * Control structures (`if`, `range`, `with`, variables, ...) are valid Go templates but outside the
 * subset: {@link evaluateGoTemplate} returns `unsupported` for them rather than guess.
 */
import { checkArguments } from './arguments';
import { isPlainRecord } from './validation';

/** The data a template reads: strings, numbers, booleans and objects of them (e.g. `{ machine: { name } }`). */
export type TemplateValue = string | number | boolean | { readonly [k: string]: TemplateValue };

/** A template function: typed arguments (checked), one result. */
export interface TemplateFunction {
  readonly params: readonly ('string' | 'int')[];
  readonly fn: (...args: never[]) => TemplateValue;
}

/** The rendered text, Go's error, or why the template is outside the evaluated subset. */
export type TemplateResult =
  | { readonly kind: 'ok'; readonly output: string }
  | { readonly kind: 'error'; readonly message: string }
  | { readonly kind: 'unsupported'; readonly message: string };

/** sprig's `trunc` (c < 0 keeps the last -c characters) and `trimSuffix` (suffix first, as sprig). */
export const SPRIG_NAME_FUNCTIONS: Readonly<Record<string, TemplateFunction>> = {
  trunc: {
    params: ['int', 'string'],
    fn: ((c: number, s: string) => (c < 0 && s.length + c > 0 ? s.slice(s.length + c) : c >= 0 && s.length > c ? s.slice(0, c) : s)) as never,
  },
  trimSuffix: { params: ['string', 'string'], fn: ((suffix: string, s: string) => (suffix !== '' && s.endsWith(suffix) ? s.slice(0, s.length - suffix.length) : s)) as never },
};

class TemplateError extends Error {
  constructor(message: string, public readonly unsupported = false) {
    super(message);
  }
}

const KEYWORDS = ['if', 'else', 'end', 'range', 'with', 'define', 'template', 'block', 'break', 'continue', 'and', 'or', 'not', 'len', 'index', 'print', 'printf', 'println', 'eq', 'ne', 'lt', 'le', 'gt', 'ge', 'html', 'js', 'urlquery', 'call', 'slice'];

type Token = { t: 'field'; path: string[] } | { t: 'string'; v: string } | { t: 'int'; v: number } | { t: 'ident'; v: string } | { t: '|' | '(' | ')' };

const isSpace = (c: string) => c === ' ' || c === '\t' || c === '\n' || c === '\r';
const isDigit = (c: string) => c >= '0' && c <= '9';
const isIdentChar = (c: string) => (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c === '_' || isDigit(c);

function unquote(s: string, start: number): { value: string; end: number } {
  let out = '';
  for (let i = start + 1; i < s.length; i++) {
    const c = s[i];
    if (c === '"') return { value: out, end: i + 1 };
    if (c === '\n') break;
    if (c === '\\') {
      const e = s[++i];
      const map: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', '"': '"', "'": "'" };
      if (map[e] === undefined) throw new TemplateError(`unsupported escape \\${e} in a string`, true);
      out += map[e];
      continue;
    }
    out += c;
  }
  throw new TemplateError('unterminated quoted string');
}

function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (isSpace(c)) { i++; continue; }
    if (c === '|' || c === '(' || c === ')') { out.push({ t: c }); i++; continue; }
    if (c === '"') { const q = unquote(src, i); out.push({ t: 'string', v: q.value }); i = q.end; continue; }
    if (c === '`') {
      const end = src.indexOf('`', i + 1);
      if (end < 0) throw new TemplateError('unterminated raw quoted string');
      out.push({ t: 'string', v: src.slice(i + 1, end) });
      i = end + 1;
      continue;
    }
    if (c === '.') {
      const path: string[] = [];
      let j = i;
      while (src[j] === '.') {
        let k = j + 1;
        while (k < src.length && isIdentChar(src[k])) k++;
        if (k === j + 1) break;
        path.push(src.slice(j + 1, k));
        j = k;
      }
      if (path.length === 0) j = i + 1;
      out.push({ t: 'field', path });
      i = j;
      continue;
    }
    if (isDigit(c) || ((c === '-' || c === '+') && isDigit(src[i + 1] ?? ''))) {
      let j = i + 1;
      while (j < src.length && isDigit(src[j])) j++;
      if (j < src.length && (isIdentChar(src[j]) || src[j] === '.')) throw new TemplateError(`number syntax ${src.slice(i, j + 1)} is outside the supported subset (integers only)`, true);
      out.push({ t: 'int', v: Number(src.slice(i, j)) });
      i = j;
      continue;
    }
    if (isIdentChar(c)) {
      let j = i;
      while (j < src.length && isIdentChar(src[j])) j++;
      out.push({ t: 'ident', v: src.slice(i, j) });
      i = j;
      continue;
    }
    throw new TemplateError(`${JSON.stringify(c)} (variables, assignments, ...) is outside the supported subset`, true);
  }
  return out;
}

function typeName(v: TemplateValue): string {
  return typeof v === 'string' ? 'string' : typeof v === 'number' ? 'int' : typeof v === 'boolean' ? 'bool' : 'map[string]interface {}';
}

/** Go's fmt of a value: maps print as `map[k:v ...]` with sorted keys. */
function print(v: TemplateValue): string {
  if (typeof v === 'object') return `map[${Object.keys(v).sort().map((k) => `${k}:${print(v[k])}`).join(' ')}]`;
  return String(v);
}

class Evaluator {
  private pos = 0;
  constructor(private readonly tokens: Token[], private readonly data: TemplateValue, private readonly funcs: Readonly<Record<string, TemplateFunction>>) {}

  pipeline(): TemplateValue {
    let value = this.command(undefined);
    while (this.peek()?.t === '|') {
      this.pos++;
      value = this.command(value);
    }
    return value;
  }

  private peek(): Token | undefined {
    return this.tokens[this.pos];
  }

  private operand(): TemplateValue {
    const tok = this.tokens[this.pos++];
    if (!tok) throw new TemplateError('missing value for command');
    switch (tok.t) {
      case 'string': return tok.v;
      case 'int': return tok.v;
      case 'field': return this.field(tok.path);
      case '(': {
        const v = this.pipeline();
        if (this.tokens[this.pos++]?.t !== ')') throw new TemplateError('unclosed left paren');
        return v;
      }
      case 'ident':
        if (tok.v === 'true' || tok.v === 'false') return tok.v === 'true';
        throw new TemplateError(`function ${JSON.stringify(tok.v)} used as an argument needs parentheses`);
      default: throw new TemplateError(`unexpected "${tok.t}" in operand`);
    }
  }

  private field(path: readonly string[]): TemplateValue {
    let cur: TemplateValue = this.data;
    for (const k of path) {
      if (typeof cur !== 'object') throw new TemplateError(`can't evaluate field ${k} in type ${typeName(cur)}`);
      if (!Object.prototype.hasOwnProperty.call(cur, k)) throw new TemplateError(`map has no entry for key ${JSON.stringify(k)}`);
      cur = cur[k];
    }
    return cur;
  }

  private command(piped: TemplateValue | undefined): TemplateValue {
    const tok = this.peek();
    if (tok?.t === 'ident' && tok.v !== 'true' && tok.v !== 'false') {
      this.pos++;
      if (KEYWORDS.includes(tok.v)) throw new TemplateError(`"${tok.v}" is outside the supported subset`, true);
      const f = Object.prototype.hasOwnProperty.call(this.funcs, tok.v) ? this.funcs[tok.v] : undefined;
      if (!f) throw new TemplateError(`function ${JSON.stringify(tok.v)} not defined`);
      const args: TemplateValue[] = [];
      while (this.peek() && this.peek()!.t !== '|' && this.peek()!.t !== ')') args.push(this.operand());
      if (piped !== undefined) args.push(piped);
      if (args.length !== f.params.length) throw new TemplateError(`wrong number of args for ${tok.v}: want ${f.params.length} got ${args.length}`);
      args.forEach((a, i) => {
        if (typeName(a) !== f.params[i]) throw new TemplateError(`wrong type for value; expected ${f.params[i]}; got ${typeName(a)} (argument ${i + 1} of ${tok.v})`);
      });
      return (f.fn as (...a: TemplateValue[]) => TemplateValue)(...args);
    }
    if (piped !== undefined) throw new TemplateError('non executable command in pipeline stage 2');
    const v = this.operand();
    if (this.peek() && this.peek()!.t !== '|' && this.peek()!.t !== ')') throw new TemplateError(`can't give argument to non-function ${print(v)}`);
    return v;
  }

  done(): boolean {
    return this.pos >= this.tokens.length;
  }
}

/** Renders `template` with `data` and `funcs`, or says why Go's text/template would fail (or that the template is outside the subset). */
export function evaluateGoTemplate(template: string, data: TemplateValue, funcs: Readonly<Record<string, TemplateFunction>>): TemplateResult {
  const okFuncs = isPlainRecord(funcs) && Object.values(funcs).every((f) => isPlainRecord(f) && typeof f.fn === 'function' && Array.isArray(f.params));
  if (typeof template !== 'string' || !okFuncs) {
    checkArguments('evaluateGoTemplate', [['template', template, typeof template === 'string', 'a template as a string'], ['funcs', funcs, okFuncs, 'an object of template functions { params, fn }, e.g. SPRIG_NAME_FUNCTIONS']]);
  }
  try {
    let out = '';
    let i = 0;
    let trimNext = false;
    while (i < template.length) {
      const open = template.indexOf('{{', i);
      let text = open < 0 ? template.slice(i) : template.slice(i, open);
      if (trimNext) text = text.replace(/^[ \t\r\n]+/, '');
      trimNext = false;
      if (open < 0) { out += text; break; }
      let start = open + 2;
      if (template[start] === '-' && isSpace(template[start + 1] ?? '')) {
        text = text.replace(/[ \t\r\n]+$/, '');
        start += 2;
      }
      out += text;
      const close = template.indexOf('}}', start);
      if (close < 0) return { kind: 'error', message: 'unclosed action' };
      let end = close;
      if (template[close - 1] === '-' && isSpace(template[close - 2] ?? '')) {
        trimNext = true;
        end = close - 2;
      }
      const body = template.slice(start, end).trim();
      i = close + 2;
      if (body.startsWith('/*')) {
        if (!body.endsWith('*/')) return { kind: 'error', message: 'unclosed comment' };
        continue;
      }
      if (body === '') return { kind: 'error', message: 'missing value for command' };
      const ev = new Evaluator(tokenize(body), data, funcs);
      const value = ev.pipeline();
      if (!ev.done()) return { kind: 'error', message: 'unexpected ")" in command' };
      out += print(value);
    }
    return { kind: 'ok', output: out };
  } catch (e) {
    if (e instanceof TemplateError) return { kind: e.unsupported ? 'unsupported' : 'error', message: e.message };
    throw e;
  }
}
