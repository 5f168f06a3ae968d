/**
 * YAML exactly as cdk8s writes it (`ApiObject.toJson` normalization + `Yaml.stringify`), without
 * the cost of the `yaml` package for the common case. Used by the direct fleet render
 * (render.ts), the FleetApp (lib/cdk8s/fleet.ts) and wherever the core itself embeds YAML (the
 * add-on ClusterResourceSet ConfigMaps).
 */
import * as YAML from 'yaml';
import { Manifest, sortKeys } from './manifest';
import { BoundedCache } from '../rules/memo';

/**
 * Normalizes one manifest the way cdk8s's `ApiObject.toJson` does, so YAML written from it is
 * byte-identical to `cdk8s synth`:
 * - metadata: keys sorted recursively; null/undefined values, empty objects and empty lists dropped;
 * - body: keys sorted recursively (unless `CDK8S_DISABLE_SORT` is set, as in cdk8s); null and
 *   undefined object values dropped;
 * - top level: apiVersion, kind, metadata first, then the other keys.
 * Only plain JSON values are accepted (cdk8s throws on class instances too).
 */
export function toCdk8sJson(m: Manifest): Record<string, unknown> {
  const sortKeys = !process.env.CDK8S_DISABLE_SORT;
  const metadata = sanitize(m.metadata, { filterEmpty: true, sortKeys: true }, 'metadata');
  const body = sanitize({ ...m, metadata }, { filterEmpty: false, sortKeys }, '') as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const k of ['apiVersion', 'kind', 'metadata', ...Object.keys(body)]) {
    if (k in body && !(k in out)) out[k] = body[k];
  }
  return out;
}

function sanitize(value: unknown, o: { filterEmpty: boolean; sortKeys: boolean }, at: string): unknown {
  if (value === null || value === undefined) return undefined;
  if (typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    if (o.filterEmpty && value.length === 0) return undefined;
    return value.map((x, i) => sanitize(x, o, `${at}[${i}]`));
  }
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) {
    throw new Error(`can't render non-simple object of type '${(value as object).constructor?.name}' at ${at || '(root)'}`);
  }
  const keys = o.sortKeys ? sortKeys(Object.keys(value)) : Object.keys(value);
  const out: Record<string, unknown> = {};
  for (const k of keys) {
    const v = sanitize((value as Record<string, unknown>)[k], o, at ? `${at}.${k}` : k);
    if (v !== null && v !== undefined) out[k] = v;
  }
  if (o.filterEmpty && Object.keys(out).length === 0) return undefined;
  return out;
}

/**
 * Strings the Kubernetes YAML reader (go-yaml v2 through sigs.k8s.io/yaml) cannot read back as they
 * were written by the `yaml` package, whatever the quoting yaml picks: line and paragraph separators
 * (U+0085, U+2028, U+2029, which go-yaml folds or splits on), C1 controls and DEL (U+007F to U+009F),
 * the non-characters U+FFFE and U+FFFF, and unpaired surrogates. yaml writes them raw, even inside
 * double quotes; {@link kubernetesSafeString} escapes them.
 */
const NEEDS_ESCAPES = /[\x7f-\x9f\u2028\u2029\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** go-yaml v2's plain-scalar words that are not strings (resolve.go): booleans, null, special floats and the merge key. */
const GO_YAML_WORDS = new Set([
  'y', 'Y', 'yes', 'Yes', 'YES', 'on', 'On', 'ON', 'n', 'N', 'no', 'No', 'NO', 'off', 'Off', 'OFF', 'true', 'True', 'TRUE', 'false', 'False', 'FALSE',
  '', '~', 'null', 'Null', 'NULL', '.nan', '.NaN', '.NAN', '.inf', '.Inf', '.INF', '+.inf', '+.Inf', '+.INF', '-.inf', '-.Inf', '-.INF', '<<',
]);
/** strconv.ParseInt/ParseUint with base 0, after go-yaml removed every `_`: 0x, 0o, 0b prefixes in either case, legacy octal. */
const GO_INT = /^[-+]?(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)$/;
/** go-yaml v2's yamlStyleFloat. */
const GO_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;
/** go-yaml v2's timestamp layouts (2006-1-2, with a time after T, t or a space). */
const GO_TIMESTAMP = /^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}([Tt][0-9]{1,2}:[0-9]{1,2}:[0-9]{1,2}(\.[0-9]+)?(Z|[-+][0-9]{2}(:?[0-9]{2})?)|[ ][0-9]{1,2}:[0-9]{1,2}:[0-9]{1,2}(\.[0-9]+)?)?$/;

/** True when go-yaml v2 would resolve `s`, written as a plain scalar, to something other than the string `s`. */
export function goYamlReadsPlainAsNonString(s: string): boolean {
  if (GO_YAML_WORDS.has(s)) return true;
  const c = s.charCodeAt(0);
  // go-yaml tries numbers and timestamps only for plain scalars starting with a digit, a sign or a dot
  if (!((c >= 48 && c <= 57) || c === 43 || c === 45 || c === 46)) return false;
  const plain = s.includes('_') ? s.replace(/_/g, '') : s;
  return GO_INT.test(plain) || GO_FLOAT.test(plain) || GO_TIMESTAMP.test(s);
}

/** Multi-line text made only of blanks and line breaks: yaml writes a block scalar whose blanks go-yaml drops. */
const BLANK_LINES_ONLY = /^[ \t\n]*$/;
/** A line starting with a tab: in the block scalar yaml writes, go-yaml rejects it ("found a tab character where an indentation space is expected"). */
const TAB_LINE = /(^|\n)\t/;

/**
 * True for strings that the `yaml` package writes in a form Kubernetes misreads or rejects, whatever
 * the position: characters that need escapes, and multi-line text made only of blanks or with a
 * line starting with a tab.
 */
export function needsKubernetesEscapes(s: string): boolean {
  return NEEDS_ESCAPES.test(s) || (s.includes('\n') && ((BLANK_LINES_ONLY.test(s) && /[ \t]/.test(s)) || TAB_LINE.test(s)));
}

/**
 * A double-quoted YAML scalar on one line that go-yaml reads back as exactly `s`: `\` and `"` escaped,
 * C0 controls, DEL and C1 controls as `\xHH`, U+0085, U+2028, U+2029, U+FFFE, U+FFFF and unpaired
 * surrogates as `\uHHHH` (Kubernetes rejects the last; validation refuses them before they get here).
 */
export function kubernetesSafeString(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x22) out += '\\"';
    else if (c === 0x5c) out += '\\\\';
    else if (c === 0x0a) out += '\\n';
    else if (c === 0x09) out += '\\t';
    else if (c === 0x0d) out += '\\r';
    else if (c < 0x20 || (c >= 0x7f && c <= 0x9f && c !== 0x85)) out += `\\x${c.toString(16).padStart(2, '0')}`;
    else if (c === 0x85 || c === 0x2028 || c === 0x2029 || c === 0xfffe || c === 0xffff) out += `\\u${c.toString(16).padStart(4, '0')}`;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && s.charCodeAt(i + 1) >= 0xdc00 && s.charCodeAt(i + 1) <= 0xdfff) {
      out += s[i] + s[i + 1];
      i++;
    } else if (c >= 0xd800 && c <= 0xdfff) out += `\\u${c.toString(16)}`;
    else out += s[i];
  }
  return `${out}"`;
}

/**
 * The `yaml` package's string tag with Kubernetes' reader in mind: strings that need escapes, and
 * strings yaml writes plain that go-yaml would read as another type (`0o17`, `0X1F`, `-0o7`, `<<`), are
 * written by {@link kubernetesSafeString}; every other string exactly as yaml writes it. Without the
 * YAML 1.1 merge tag: with it, yaml identifies the key `<<` as a merge key and writes it plain, which
 * Kubernetes reads as a merge key; without it `<<` is a string like any other, and quoted.
 */
const KUBERNETES_SAFE_TAGS = (tags: YAML.Tags): YAML.Tags => tags.filter((t) => (t as YAML.ScalarTag).tag !== 'tag:yaml.org,2002:merge').map((t) => {
  const tag = t as YAML.ScalarTag;
  if (tag.tag !== 'tag:yaml.org,2002:str' || typeof tag.stringify !== 'function') return t;
  const base = tag.stringify.bind(tag);
  return {
    ...tag,
    stringify(item, ctx, onComment, onChompKeep) {
      const v = (item as YAML.Scalar).value;
      if (typeof v !== 'string') return base(item, ctx, onComment, onChompKeep);
      if (needsKubernetesEscapes(v)) return kubernetesSafeString(v);
      const r = base(item, ctx, onComment, onChompKeep);
      return r === v && goYamlReadsPlainAsNonString(v) ? kubernetesSafeString(v) : r;
    },
  } as YAML.ScalarTag;
});

/**
 * cdk8s's `Yaml.stringify` options (cdk8s 2.70: YAML 1.1 schema, no line folding), with the string
 * tag that writes what Kubernetes would misread double-quoted (identical output for every other string).
 */
const YAML_OPTIONS = { keepUndefined: true, lineWidth: 0, version: '1.1', customTags: KUBERNETES_SAFE_TAGS } as const;

/**
 * Multi-document YAML exactly as cdk8s writes a chart file: each object normalized like
 * {@link toCdk8sJson}, serialized as `Yaml.stringify` does (the `yaml` package with cdk8s's
 * options), joined with `---\n`.
 *
 * The `yaml` package costs about 0.1 ms per object, most of the time of a large render, so objects
 * made of maps, non-empty lists, strings, safe integers and booleans are written directly, in one
 * pass that also sorts the keys and drops null values: block maps, lists indented under their key,
 * and each scalar exactly as `yaml` writes it in that position (plain when it is an unambiguous
 * plain scalar, otherwise the text `yaml` itself produced for that value, cached). Anything else
 * (null list items, nested lists, multi-line or marker-like strings, empty maps in lists) goes
 * through the `yaml` package for the whole object. test/fleet compares both on random documents.
 */
export function stringifyManifests(manifests: readonly Manifest[]): string {
  const sortKeys = !process.env.CDK8S_DISABLE_SORT;
  const o: WriteOptions = { sortKeys, strict: false };
  // all documents go into one list of pieces, joined once (no intermediate string per object)
  const out: string[] = [];
  for (let i = 0; i < manifests.length; i++) {
    if (i > 0) out.push('---\n');
    if (!(i in manifests)) continue; // a hole: an empty document, as Array.map + join wrote it
    const m = manifests[i];
    const mark = out.length;
    if (!writeManifest(m, o, out)) {
      out.length = mark;
      out.push(YAML.stringify(toCdk8sJson(m), YAML_OPTIONS));
    }
  }
  return out.join('');
}

/**
 * YAML of objects cdk8s already normalized (`ApiObject.toJson()` / `Chart.toJson()` output), exactly
 * as cdk8s's `Yaml.stringify(...docs)` writes them (keys in the objects' own order).
 */
export function stringifyCdk8sJson(docs: readonly unknown[]): string {
  const o: WriteOptions = { sortKeys: false, strict: true };
  const out: string[] = [];
  for (let i = 0; i < docs.length; i++) {
    if (i > 0) out.push('---\n');
    if (!(i in docs)) continue; // a hole: an empty document, as Array.map + join wrote it
    const d = docs[i];
    const mark = out.length;
    if (d === undefined) out.push('\n');
    else if (!writeDoc(d, o, out)) {
      out.length = mark;
      out.push(YAML.stringify(d, YAML_OPTIONS));
    }
  }
  return out.join('');
}

interface WriteOptions {
  /** Sort map keys (cdk8s's sanitize). */
  readonly sortKeys: boolean;
  /** Input is already normalized: a null or undefined map value is not dropped but sends the document to the `yaml` package. */
  readonly strict: boolean;
}

/** Appends one document to `out`; false (with `out` partly written) if it is outside the fast subset or empty. */
function writeDoc(d: unknown, o: WriteOptions, out: string[]): boolean {
  if (!isPlainObject(d)) return false;
  const mark = out.length;
  for (const k of Object.keys(d)) {
    const v = d[k];
    if (v === null || v === undefined || !writePair(k, v, '', out, o, false)) return false;
  }
  return out.length > mark;
}

/** Appends one manifest to `out` as cdk8s writes it; false (with `out` partly written) if it is outside the fast subset or empty. */
function writeManifest(m: Manifest, o: WriteOptions, out: string[]): boolean {
  if (!isPlainObject(m)) return false;
  const metadata = sanitize(m.metadata, { filterEmpty: true, sortKeys: true }, 'metadata');
  const rest = Object.keys(m).filter((k) => k !== 'apiVersion' && k !== 'kind' && k !== 'metadata');
  if (o.sortKeys) sortKeys(rest);
  const mark = out.length;
  for (const k of jsKeyOrder(['apiVersion', 'kind', 'metadata', ...rest])) {
    const v = k === 'metadata' ? metadata : (m as Record<string, unknown>)[k];
    if (v === null || v === undefined) continue;
    if (!writePair(k, v, '', out, o, false)) return false;
  }
  return out.length > mark;
}

/** yaml's own rule (stringifyString.js, plainString) for strings that cannot be plain. */
const PLAIN_FORBIDDEN = /^[\n\t ,[\]{}#&*!|>'"%@`]|^[?-]$|^[?-][ \t]|[\n:][ \t]|[ \t]\n|[\n\t ]#|[\n\t :]$/;
/** yaml forces double quotes on these (control characters, unpaired surrogates). */
const FORCE_DOUBLE = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u{D800}-\u{DFFF}]/u;
/** A plain string that one of these matches would be read back as another type: yaml quotes it. Taken from yaml's YAML 1.1 schema itself. */
const TYPE_TESTS: readonly RegExp[] = (() => {
  const schema = new YAML.Document(null, { version: '1.1' }).schema as unknown as { tags: YamlTag[]; compat?: YamlTag[] };
  return [...schema.tags, ...(schema.compat ?? [])]
    .filter((t) => t.default === true && t.tag !== 'tag:yaml.org,2002:str' && t.test instanceof RegExp) // not the merge key '<<' (default 'key'): yaml writes it plain
    .map((t) => t.test as RegExp);
})();
interface YamlTag { default?: boolean | string; tag: string; test?: RegExp }
/**
 * The writer's caches are bounded by size as well as by entries (key and value text, in UTF-16 code
 * units): strings that are unique per cluster (names, embedded documents) would otherwise fill them to
 * their entry limits, which in a fleet of 10,000 clusters held about 30 MB, while the strings every
 * cluster repeats (keys, kinds, images, alert rules) are found again right after a cache is emptied.
 */
const CACHE_MAX_CHARS = 2 * 1024 * 1024;
const reprCache = new BoundedCache<string | null>(100_000, CACHE_MAX_CHARS);
/** fastString results per position: manifests repeat the same keys and values many times. */
const stringCache = {
  v: new BoundedCache<string | null>(200_000, CACHE_MAX_CHARS),
  s: new BoundedCache<string | null>(200_000, CACHE_MAX_CHARS),
  k: new BoundedCache<string | null>(200_000, CACHE_MAX_CHARS),
};

/** What the writer's caches hold now, in all: entries, and code units as they count them (see {@link CACHE_MAX_CHARS}). */
export function writerCachesHeld(): { readonly entries: number; readonly chars: number } {
  const caches = [reprCache, stringCache.v, stringCache.s, stringCache.k, blockCache];
  return { entries: caches.reduce((n, c) => n + c.size, 0), chars: caches.reduce((n, c) => n + c.chars, 0) };
}

/** What an entry of a writer cache counts as (see {@link CACHE_MAX_CHARS}). */
function entryChars(key: string, value: string | null): number {
  return key.length + (value === null ? 0 : value.length);
}

function fastString(v: string, where: 'v' | 's' | 'k'): string | null {
  if (isSimplePlain(v)) return v;
  const cache = stringCache[where];
  let r = cache.get(v);
  if (r === undefined) {
    r = uncachedFastString(v, where);
    cache.set(v, r, entryChars(v, r));
  }
  return r;
}

/**
 * Fast path, no cache lookup: most strings in manifests (names, kinds, image references) are at
 * least 6 characters of [A-Za-z0-9._/-] starting with a letter other than e/E. yaml writes those plain
 * everywhere: none of PLAIN_FORBIDDEN's characters, and no YAML 1.1 type test matches (null and bool
 * words are at most 5 characters; numbers, timestamps and .inf/.nan start with a sign, digit or dot;
 * the only float starting with a letter is `e<digits>`). test/fleet compares with yaml on random strings.
 */
function isSimplePlain(v: string): boolean {
  const n = v.length;
  if (n < 6 || n > 1000) return false;
  const c0 = v.charCodeAt(0) | 0x20; // lower-cased letter
  if (c0 < 97 || c0 > 122 || c0 === 101) return false; // a-z, not e
  for (let i = 1; i < n; i++) {
    const c = v.charCodeAt(i);
    // a-z A-Z 0-9 - . / _
    if (!((c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 45 && c <= 57) || c === 95)) return false;
  }
  return true;
}

/** A string on one line, as yaml writes it as a value, list item or key, when that does not depend on the position. */
function uncachedFastString(v: string, where: 'v' | 's' | 'k'): string | null {
  if (needsKubernetesEscapes(v)) return kubernetesSafeString(v);
  if (v.includes('\n') || FORCE_DOUBLE.test(v) || /^(?:---|\.\.\.)/.test(v) || (where === 'k' && v.length > 1000)) return slowRepr(v, where);
  if (!PLAIN_FORBIDDEN.test(v) && !TYPE_TESTS.some((t) => t.test(v))) return goYamlReadsPlainAsNonString(v) ? kubernetesSafeString(v) : v;
  // quoted: double quotes unless the string has `"` (then yaml may pick single quotes); JSON-escaping changes nothing without `"`, `\`, tabs
  if (!v.includes('"') && !v.includes('\\') && !v.includes('\t')) return `"${v}"`;
  return slowRepr(v, where);
}

/** How `yaml` writes a scalar as a map value (`v`), list item (`s`) or map key (`k`) at depth 2; null if not on one line. */
function slowRepr(value: string | number, where: 'v' | 's' | 'k'): string | null {
  const key = `${where}${typeof value === 'number' ? 'n' : 's'}${value}`;
  let r = reprCache.get(key);
  if (r !== undefined) return r;
  const probe = where === 'k' ? { a: { [value]: 0 } } : where === 's' ? { a: [value] } : { a: { b: value } };
  const text = YAML.stringify(probe, YAML_OPTIONS);
  const prefix = where === 'k' ? 'a:\n  ' : where === 's' ? 'a:\n  - ' : 'a:\n  b: ';
  const suffix = where === 'k' ? ': 0\n' : '\n';
  r = null;
  if (text.startsWith(prefix) && text.endsWith(suffix)) {
    const inner = text.slice(prefix.length, text.length - suffix.length);
    if (!inner.includes('\n') && !/^[|>]/.test(inner) && (typeof value === 'number' || !/^(?:---|\.\.\.)|^%/m.test(String(value)))) r = inner;
  }
  reprCache.set(key, r, entryChars(key, r));
  return r;
}

function scalar(v: unknown, where: 'v' | 's' | 'k'): string | null {
  if (typeof v === 'string') return fastString(v, where);
  if (typeof v === 'number') return Number.isSafeInteger(v) && !Object.is(v, -0) ? String(v) : slowRepr(v, where);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  return null;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/**
 * The keys of a map that are written: null/undefined values dropped (as cdk8s's sanitize does), sorted
 * if asked. Undefined in strict mode when a value is null or undefined.
 */
function liveKeys(map: Record<string, unknown>, o: WriteOptions): string[] | undefined {
  let keys = Object.keys(map);
  for (let i = 0; i < keys.length; i++) {
    const v = map[keys[i]];
    if (v === null || v === undefined) {
      // (rare: only then build the filtered list)
      if (o.strict) return undefined;
      keys = keys.filter((k) => map[k] !== null && map[k] !== undefined);
      break;
    }
  }
  return o.sortKeys ? jsKeyOrder(sortKeys(keys)) : keys;
}

/**
 * The order in which a JS object built by inserting `keys` enumerates them: integer-like keys first,
 * ascending, then the others in insertion order. cdk8s builds its sorted objects that way, so a key
 * "10" comes before "9" and before "apiVersion".
 */
function jsKeyOrder(keys: string[]): string[] {
  if (!keys.some((k) => k.charCodeAt(0) >= 48 && k.charCodeAt(0) <= 57)) return keys;
  const o: Record<string, true> = {};
  for (const k of keys) o[k] = true;
  return Object.keys(o);
}

/** `indent` plus one level (two spaces), without building a new string each time. */
const indents: string[] = [''];
function deeper(indent: string): string {
  const level = indent.length / 2 + 1;
  while (indents.length <= level) indents.push(`${indents[indents.length - 1]}  `);
  return indents[level];
}

/** Writes `key: value` at `indent` (or right after `- ` when `inline`). False: not in the fast subset. */
function writePair(k: string, v: unknown, indent: string, out: string[], o: WriteOptions, inline: boolean): boolean {
  const key = scalar(k, 'k');
  if (key === null) return false;
  if (!inline) out.push(indent);
  if (Array.isArray(v)) {
    if (v.length === 0) {
      out.push(key, ': []\n');
      return true;
    }
    out.push(key, ':\n');
    return writeSeq(v, deeper(indent), out, o);
  }
  if (typeof v === 'object') {
    if (!isPlainObject(v)) return false;
    const keys = liveKeys(v, o);
    if (keys === undefined) return false;
    if (keys.length === 0) {
      out.push(key, ': {}\n');
      return true;
    }
    out.push(key, ':\n');
    const inner = deeper(indent);
    for (const kk of keys) if (!writePair(kk, v[kk], inner, out, o, false)) return false;
    return true;
  }
  // a multi-line string is usually a block scalar: try that first (skips probing yaml for a one-line form)
  if (typeof v === 'string' && v.includes('\n') && writeBlockString(k, v, indent, out)) return true;
  const r = scalar(v, 'v');
  if (r === null) return false;
  out.push(key, ': ', r, '\n');
  return true;
}

/** writeBlockString results per (indent, key, value): add-ons repeat the same multi-line strings (alert rules) in every cluster. */
const blockCache = new BoundedCache<string | null>(10_000, 4 * CACHE_MAX_CHARS);
const BLOCK_CACHE_MAX_VALUE = 4096;

/**
 * A multi-line string value: yaml writes it as a block scalar whose lines are indented relative to
 * the key, so the pair as yaml writes it at the top level, re-indented, is what it writes nested.
 * Only for strings where that holds: no leading blank, at most one trailing newline. Lines starting
 * with a document marker (`---`, `...`, `%`) are fine here: yaml only indents such a block
 * differently when it is a whole document (no indentation), never as a map value.
 */
function writeBlockString(k: string, v: string, indent: string, out: string[]): boolean {
  // long values (whole embedded documents, unique per cluster) are not worth keeping
  const cacheKey = v.length <= BLOCK_CACHE_MAX_VALUE ? `${indent.length}\0${k}\0${v}` : undefined;
  let text = cacheKey === undefined ? undefined : blockCache.get(cacheKey);
  if (text === undefined) {
    text = blockText(k, v, indent);
    if (cacheKey !== undefined) blockCache.set(cacheKey, text, entryChars(cacheKey, text));
  }
  if (text === null) return false;
  out.push(text);
  return true;
}

/**
 * `k: |` + block as yaml writes the pair at the top level, every non-empty line after the first
 * prefixed with `indent`; null if yaml does not write a block there.
 */
function blockText(k: string, v: string, indent: string): string | null {
  if (/^[\s]|\n\s*\n$/.test(v) || FORCE_DOUBLE.test(v) || NEEDS_ESCAPES.test(v) || /[\t\r]/.test(v)) return null;
  const direct = literalBlock(k, v, indent);
  if (direct !== null) return direct;
  const text = YAML.stringify({ [k]: v }, YAML_OPTIONS);
  const nl = text.indexOf('\n');
  const head = text.slice(0, nl);
  if (!head.endsWith(': |-') && !head.endsWith(': |')) return null;
  return indent === '' ? text : head + text.slice(nl).replace(/\n(?=[^\n])/g, `\n${indent}`);
}

/**
 * The literal block yaml writes for a multi-line map value (stringifyString.js, blockString with
 * cdk8s's lineWidth 0, which never folds), for the values where its rules reduce to: header `|` when
 * the value ends with exactly one newline (clip), `|-` when it ends with no whitespace at all (strip);
 * each line indented two spaces deeper than the key, empty lines left empty. The whole embedded
 * documents of the add-on ClusterResourceSets are such values. Null (caller asks yaml) when the value
 * ends with other whitespace or the key has no one-line form. Like blockText, without the leading indent.
 */
function literalBlock(k: string, v: string, indent: string): string | null {
  const key = scalar(k, 'k');
  if (key === null) return null;
  const last = v.charCodeAt(v.length - 1);
  let chomp: string;
  let body: string;
  if (last === 10) {
    const before = v.charCodeAt(v.length - 2);
    if (before === 10 || before === 32) return null;
    chomp = '';
    body = v.slice(0, -1);
  } else {
    if (last === 32) return null;
    chomp = '-';
    body = v;
  }
  const inner = deeper(indent);
  return `${key}: |${chomp}\n${inner}${body.replace(/\n+/g, `$&${inner}`)}\n`;
}

function writeSeq(seq: unknown[], indent: string, out: string[], o: WriteOptions): boolean {
  for (const item of seq) {
    out.push(indent, '- ');
    if (item !== null && typeof item === 'object' && !Array.isArray(item)) {
      if (!isPlainObject(item)) return false;
      const keys = liveKeys(item, o);
      if (keys === undefined || keys.length === 0) return false;
      const inner = deeper(indent);
      for (let i = 0; i < keys.length; i++) if (!writePair(keys[i], item[keys[i]], inner, out, o, i === 0)) return false;
    } else {
      const r = Array.isArray(item) ? null : scalar(item, 's');
      if (r === null) return false;
      out.push(r, '\n');
    }
  }
  return true;
}

