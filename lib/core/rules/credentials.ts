/**
 * No credential in any manifest. Free-form fields (`additionalFields`, infrastructure and custom
 * template specs) and every string prop are checked for:
 *
 * - secret-like keys: password, passwd, secret, token, apiKey, privateKey, clientSecret, kubeconfig,
 *   credential(s), anywhere in the key (`adminPassword`, `sshPrivateKey`), in any case, with
 *   separators, Unicode compatibility forms (NFKC), look-alike letters (Cyrillic and Greek) and
 *   digit/symbol spellings (`passw0rd`, `p@ssword`) folded first. A key ending in `Ref`, `Refs`,
 *   `Name`, `Names`, `Namespace` or `Selector` names where a secret lives and is allowed
 *   (`passwordSecretRef`, `tokenSecretName`);
 * - credential-shaped text: a URL with user info (`https://user:pw@host`, `http://user@host`), a PEM
 *   block (`-----BEGIN ...-----`), clouds.yaml text (`clouds:` with `auth`) and kubeconfig text
 *   (`kind: Config` with clusters/users/contexts, or `client-key-data`, `client-certificate-data`).
 *
 * The error says where the value belongs: in a Secret, referenced by name.
 */
import { gunzipSync } from 'zlib';
import { show } from './errors';
import { memoize } from './memo';
import { SecretlintFinding, secretlintFinding, secretlintFindings } from './secretlint';

const SECRET_WORDS = ['password', 'passwd', 'passphrase', 'secret', 'token', 'apikey', 'privatekey', 'clientsecret', 'kubeconfig', 'credential'];
/** Secret words too short to look for inside a key: a key must be or end with them (`pwd`, `db_pwd`). */
const SHORT_SECRET_WORDS = ['pwd'];
const REFERENCE_SUFFIXES = ['ref', 'refs', 'name', 'names', 'namespace', 'selector'];

/** Look-alike letters (Unicode confusables of Latin letters that NFKC keeps) and digit/symbol spellings. */
const CONFUSABLES: Readonly<Record<string, string>> = {
  // Cyrillic
  а: 'a', в: 'b', е: 'e', ё: 'e', к: 'k', м: 'm', н: 'h', о: 'o', р: 'p', с: 'c', т: 't', у: 'y', х: 'x', ѕ: 's', і: 'i', ї: 'i', ј: 'j', ԁ: 'd', ԛ: 'q', ԝ: 'w', ӏ: 'l', һ: 'h',
  // Greek
  α: 'a', β: 'b', ε: 'e', η: 'n', ι: 'i', κ: 'k', ν: 'v', ο: 'o', ρ: 'p', τ: 't', υ: 'u', χ: 'x', ω: 'w',
  // Latin extras NFKC keeps
  ı: 'i', ȷ: 'j', ɑ: 'a', ɡ: 'g', ɩ: 'i', ʂ: 's',
  // digits and symbols
  0: 'o', 1: 'l', 3: 'e', 4: 'a', 5: 's', 7: 't', '@': 'a', $: 's',
};

/** The key as compared: NFKC, lower case, confusables folded, everything but a-z removed. */
export function foldKey(key: string): string {
  let out = '';
  for (const ch of key.normalize('NFKC').toLowerCase()) {
    const c = CONFUSABLES[ch] ?? ch;
    if (c >= 'a' && c <= 'z') out += c;
  }
  return out;
}

const SECRET_HINT = 'put the value in a Secret and reference the Secret by name (for example through the provider\'s identityRef, a *SecretRef field, or a kubeadm file\'s contentFrom.secret)';

/** Why a key of a free-form map looks like a credential, or undefined. */
export function credentialKeyProblem(key: string): string | undefined {
  return keyProblems(key);
}

/** Keys repeat from object to object (label and annotation keys above all): each is folded once. */
const keyProblems = memoize(keyProblem, 8192);

function keyProblem(key: string): string | undefined {
  const f = foldKey(key);
  if (f.length < 3) return undefined; // shorter than every secret word
  const word = SECRET_WORDS.find((w) => f.includes(w)) ?? SHORT_SECRET_WORDS.find((w) => f.endsWith(w));
  if (word === undefined) return undefined;
  if (REFERENCE_SUFFIXES.some((s) => f.endsWith(s))) return undefined;
  return `${show(key.length > 80 ? `${key.slice(0, 80)}…` : key)} looks like a credential (${word}): never inline credentials in a manifest; ${SECRET_HINT}`;
}

const URL_USERINFO = /\b[a-z][a-z0-9+.-]*:\/\/[^\s/@:]*:[^\s/@]*@|\bhttps?:\/\/[^\s/@]+@/i;
const PEM = /-----BEGIN [A-Z0-9 ]{0,40}-----/;
const SSH2_KEY = /----[ ]?BEGIN SSH2 (ENCRYPTED )?PRIVATE KEY[ ]?----/;
const PUTTY_KEY = /PuTTY-User-Key-File-\d+:|(^|\n)Private-Lines:\s*\d/;
// YAML block, flow and JSON forms: a key at a line start or after `{`, `,` or `[`, quoted or not
const KEY_AT = String.raw`(^|[\n{,\[])[ \t]*["']?`;
const KEY_END = String.raw`["']?[ \t]*:`;
const CLOUDS_YAML = new RegExp(`${KEY_AT}clouds${KEY_END}`);
const CLOUDS_AUTH = /\bauth(_url|_type)?["']?[ \t]*:/;
const KUBECONFIG_KIND = new RegExp(`${KEY_AT}kind${KEY_END}[ \\t]*["']?Config\\b`);
const KUBECONFIG_SECTIONS = new RegExp(`${KEY_AT}(clusters|users|contexts)${KEY_END}`);
const KUBECONFIG_DATA = /client-(key|certificate)-data/;
const DOCKER_AUTHS = new RegExp(`${KEY_AT}auths${KEY_END}`);
const DOCKER_AUTH = /["']?(auth|identitytoken|password)["']?[ \t]*:[ \t]*["']?[^\s"',}]{4,}/;
const DOCKERCFG_AUTH = /["']auth["'][ \t]*:[ \t]*["'][A-Za-z0-9+/]{8,}={0,2}["']/;
const JWT = /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*/;
const AUTH_HEADER = /\b(Basic|Bearer)[ \t]+[A-Za-z0-9._~+/-]{16,}=*/;
/** `key = value` (INI such as cloud.conf and vsphere.conf, env files), `key: value` (YAML) and `--key=value` (command lines). */
const ASSIGNMENT = /(?:^|[\n \t{,])(?:--?)?[ \t]*["']?([A-Za-z][A-Za-z0-9_.-]*)["']?[ \t]*(?:=|:(?=[ \t]))[ \t]*["']?([^\s"'#;,}]+)|(?:^|[ \t])--?([A-Za-z][A-Za-z0-9_.-]*)[ \t]+["']?([^\s"'-][^\s"']*)/g;
/** A value that refers to a secret kept elsewhere: a shell or template variable, a path, an environment lookup. */
const REFERENCE_VALUE = /^(\$|\{\{|<|\/|~\/|\.\/|os\.environ|os\.getenv|process\.env|ENV\[|getenv\()/;
/**
 * A kubeadm bootstrap token (`abcdef.0123456789abcdef`): what `/\b[a-z0-9]{6}\.[a-z0-9]{16}\b/` finds,
 * looked for from each `.` (the expression tries every position of the text, the dots are few).
 */
export function hasBootstrapToken(s: string): boolean {
  for (let dot = s.indexOf('.', 6); dot >= 0 && dot + 16 < s.length; dot = s.indexOf('.', dot + 1)) {
    if (!isTokenRun(s, dot - 6, dot) || !isTokenRun(s, dot + 1, dot + 17)) continue;
    if ((dot < 7 || !isWordChar(s.charCodeAt(dot - 7))) && (dot + 17 >= s.length || !isWordChar(s.charCodeAt(dot + 17)))) return true;
  }
  return false;
}

/** Whether s[from..to) is all `[a-z0-9]`. */
function isTokenRun(s: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i);
    if (!((c >= 97 && c <= 122) || (c >= 48 && c <= 57))) return false;
  }
  return true;
}

/** `[A-Za-z0-9_]`, the word characters of `\b`. */
function isWordChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95;
}
/** The secret words a key of an assignment ends with: a name that ends with them sets a secret (`admin_password`, `--client-secret`). */
const ASSIGNED_SECRET_WORDS = ['password', 'passwd', 'pwd', 'passphrase', 'secret', 'token', 'apikey', 'privatekey', 'secretkey', 'accesskey'];
/**
 * Text that an assignment of a secret needs: a key of {@link ASSIGNMENT} is ASCII, and folded (lower
 * case, only letters kept) ends with a secret word, so the text holds the word's letters in either case
 * with nothing but digits, `_`, `.` and `-` between them. Text without (nearly all) skips the assignments.
 */
const ASSIGNED_SECRET_WORD = new RegExp(lettersApart(ASSIGNED_SECRET_WORDS, '[0-9_.-]*'), 'i');

/**
 * A regular expression source that matches text holding one of `words`, with `between` between their
 * letters. The words share their beginnings (one branch per first letter, as in a trie): the engine then
 * tries few branches at each position. A word that begins with another (`secretkey`) adds nothing.
 */
function lettersApart(words: readonly string[], between: string): string {
  type Node = { end: boolean; next: Map<string, Node> };
  const root: Node = { end: false, next: new Map() };
  for (const w of words) {
    let node = root;
    for (const ch of w) {
      let child = node.next.get(ch);
      if (child === undefined) node.next.set(ch, (child = { end: false, next: new Map() }));
      node = child;
    }
    node.end = true;
  }
  const branches = (node: Node): string => [...node.next].map(([ch, child]) => (child.end ? ch : `${ch}${between}(?:${branches(child)})`)).join('|');
  return branches(root);
}

/** Encoded text is decoded at most this many times (base64 of gzip of base64 …). */
const MAX_DECODE_DEPTH = 3;
/** gzip data is decompressed up to this many bytes; more is an error (it could hide anything). */
export const MAX_GUNZIPPED_BYTES = 1024 * 1024;

const HINT = `never inline credentials in a manifest; ${SECRET_HINT}`;

/**
 * Why a string looks like a credential, or undefined. Checked, in this order: the Kubernetes, OpenStack
 * and vSphere formats (a URL with user info, PEM/SSH2/PuTTY private keys, clouds.yaml and kubeconfig in
 * YAML, flow or JSON form, cloud.conf and vsphere.conf INI or any `key = value`, `key: value` or
 * `--key=value` whose key names a password, token or secret, a JWT, an HTTP Basic or Bearer
 * credential, docker `auths`), then the rules of secretlint's recommended preset (AWS, GCP, GitHub,
 * Slack, npm, OpenAI, database connection strings, …: secretlint.ts), then the same on every base64
 * run of the string, decoded (and gunzipped when it is gzip data). The message never quotes the value.
 */
export function credentialTextProblem(s: string): string | undefined {
  if (s.length < 8) return undefined;
  return textProblem(s, 0, true);
}

/**
 * {@link credentialTextProblem} without secretlint's rules on the string itself (they still run on what
 * its base64 runs decode to). The field checks use it; {@link checkEmittedCredentials} runs the rules
 * over all strings of the emitted objects at once, which costs one pass instead of one per string.
 */
export function credentialFormatProblem(s: string): string | undefined {
  if (s.length < 8) return undefined;
  return formatProblems(s) || undefined;
}

/**
 * The same strings are checked again and again: a field's value when it is validated and again in the
 * emitted object, and the texts every cluster of a fleet shares. Each is checked once while the memo
 * holds it (bounded by the total length of its keys, see memo.ts). '' stands for no problem.
 */
const formatProblems = memoize((s) => textProblem(s, 0, false) ?? '', 8192);

/**
 * The checks of one text. `full` runs every check on the whole text, without the tests that skip a
 * check when the text lacks what it needs (a character, a word, a secretlint rule's trigger): the scan
 * the skipping must agree with, which the tests compare it to.
 */
function textProblem(s: string, depth: number, rules: boolean, full = false): string | undefined {
  const own = formatProblem(s, full);
  if (own) return `${own}: ${HINT}`;
  if (rules) {
    const found = full ? secretlintFindings(s, { triggers: false })[0] : secretlintFinding(s);
    if (found) return secretlintProblem(found);
  }
  return depth < MAX_DECODE_DEPTH ? encodedProblem(s, depth, full) : undefined;
}

function secretlintProblem(found: SecretlintFinding): string {
  return `holds a credential (${found.messageId}, found by ${found.ruleId}): ${HINT}`;
}

/** The library's own formats: what the text holds, or undefined (`full`: see {@link textProblem}). */
function formatProblem(s: string, full: boolean): string | undefined {
  // each format needs one of these characters or words: most strings (names, versions, paths) have none
  if ((full || s.includes('@')) && URL_USERINFO.test(s)) return 'is a URL with user info (user name or password before "@")';
  if (full || s.includes('BEGIN')) {
    if (PEM.test(s)) return 'holds a PEM block (a key or certificate)';
    if (SSH2_KEY.test(s)) return 'holds an SSH2 private key';
  }
  if ((full || s.includes('PuTTY') || s.includes('Private-Lines')) && PUTTY_KEY.test(s)) return 'holds a PuTTY private key';
  if ((full || s.includes('eyJ')) && JWT.test(s)) return 'holds a JSON Web Token';
  if ((full || s.includes('Basic') || s.includes('Bearer')) && AUTH_HEADER.test(s)) return 'holds an HTTP Basic or Bearer credential';
  if (hasBootstrapToken(s)) return 'holds a kubeadm bootstrap token';
  const colon = full || s.includes(':');
  const equals = full || s.includes('=');
  // each expression needs its key word, and all but the first a colon
  if ((full || s.includes('client-')) && KUBECONFIG_DATA.test(s)) return 'looks like a kubeconfig';
  if (colon) {
    if ((full || s.includes('clouds')) && CLOUDS_YAML.test(s) && CLOUDS_AUTH.test(s)) return 'looks like clouds.yaml (OpenStack credentials; put clouds.yaml in a Secret, key "clouds.yaml", and name the entry with cloudName)';
    if ((full || s.includes('Config')) && KUBECONFIG_KIND.test(s) && KUBECONFIG_SECTIONS.test(s)) return 'looks like a kubeconfig';
    if ((full || s.includes('auth')) && ((DOCKER_AUTHS.test(s) && DOCKER_AUTH.test(s)) || DOCKERCFG_AUTH.test(s))) return 'looks like a docker config with registry credentials (auths)';
  }
  // `key = value` and `key: value` need `=` or `: `; `--key value` needs a `-` at the start or after a blank
  const dashed = s.charCodeAt(0) === 45 || s.includes(' -') || s.includes('\t-');
  if (full || ((equals || (colon && (s.includes(': ') || s.includes(':\t'))) || dashed) && ASSIGNED_SECRET_WORD.test(s))) {
    const assigned = assignedSecret(s);
    if (assigned) return `sets ${show(assigned)} inline (a cloud.conf, vsphere.conf, env file, YAML or command-line credential)`;
  }
  return undefined;
}

/** The key of the first `key = value` / `key: value` / `--key=value` that assigns a secret, or undefined. */
function assignedSecret(s: string): string | undefined {
  ASSIGNMENT.lastIndex = 0;
  for (let m = ASSIGNMENT.exec(s); m; m = ASSIGNMENT.exec(s)) {
    const key = m[1] ?? m[3];
    const value = m[2] ?? m[4];
    // a reference, not a value: a variable, a template, a path
    if (REFERENCE_VALUE.test(value)) continue;
    // ASCII keys (nearly all) fold without the Unicode normalization of foldKey
    const f = /^[\x20-\x7e]*$/.test(key) ? key.toLowerCase().replace(/[^a-z]/g, '') : foldKey(key);
    if (ASSIGNED_SECRET_WORDS.some((w) => f.endsWith(w))) return key.length > 40 ? `${key.slice(0, 40)}…` : key;
  }
  return undefined;
}

/** A credential inside a base64 run of the text (gunzipped when it is gzip data), or undefined. */
function encodedProblem(s: string, depth: number, full: boolean): string | undefined {
  if (s.length < MIN_BASE64_RUN) return undefined;
  for (const run of base64Runs(s)) {
    const decoded = decodeBase64Text(run);
    if (decoded === undefined) continue;
    if (decoded.tooLarge) return `holds gzip data that decompresses to more than ${MAX_GUNZIPPED_BYTES} bytes, which cannot be checked for credentials: ${HINT}`;
    const inner = textProblem(decoded.text, depth + 1, true, full);
    if (inner) return `holds ${decoded.gzip ? 'gzip+base64' : 'base64'} text that, decoded, ${inner}`;
  }
  return undefined;
}

/** Base64 runs need this many characters to hold a credential worth decoding. */
const MIN_BASE64_RUN = 24;

/**
 * The runs of base64 characters (standard or URL-safe, with `=` padding) of at least
 * {@link MIN_BASE64_RUN} characters that mix upper and lower case (base64 of text does; names, hex
 * digests and UUIDs do not).
 */
export function base64Runs(s: string): string[] {
  // a loop over the characters, not a regular expression: V8's backtracking stack overflows on a run of
  // ten million characters even for a single greedy class
  const runs: string[] = [];
  let start = -1;
  let cases = 0;
  const n = s.length;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    const kind = c < 128 ? BASE64_CHARS[c] : 0;
    if (kind !== 0) {
      if (start < 0) {
        start = i;
        cases = 0;
      }
      cases |= kind;
    } else if (start >= 0) {
      if (i - start >= MIN_BASE64_RUN && (cases & MIXED_CASE) === MIXED_CASE) runs.push(s.slice(start, i));
      start = -1;
    }
  }
  if (start >= 0 && n - start >= MIN_BASE64_RUN && (cases & MIXED_CASE) === MIXED_CASE) runs.push(s.slice(start, n));
  return runs;
}

/** Per ASCII code: 0 for no base64 character, else {@link UPPER} for `[A-Z]`, {@link LOWER} for `[a-z]`, 1 for `[0-9+/=_-]`. */
const UPPER = 2;
const LOWER = 4;
const MIXED_CASE = UPPER | LOWER;
const BASE64_CHARS = (() => {
  const table = new Uint8Array(128);
  for (let c = 65; c <= 90; c++) table[c] = UPPER;
  for (let c = 97; c <= 122; c++) table[c] = LOWER;
  for (const ch of '0123456789+/=_-') table[ch.charCodeAt(0)] = 1;
  return table;
})();

/** A base64 run decoded to text (gunzipped when gzip), or undefined when it is not text. */
function decodeBase64Text(run: string): { text: string; gzip: boolean; tooLarge?: boolean } | undefined {
  // padding dropped and the URL-safe alphabet mapped, each only where present (a run can be megabytes long)
  let b64 = run;
  if (b64.includes('=')) b64 = b64.replace(/=+/g, '');
  if (b64.includes('-')) b64 = b64.replace(/-/g, '+');
  if (b64.includes('_')) b64 = b64.replace(/_/g, '/');
  const bytes = Buffer.from(b64, 'base64');
  if (bytes.length < 8) return undefined;
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
    const text = gunzipText(bytes);
    return text === undefined ? undefined : text === TOO_LARGE ? { text: '', gzip: true, tooLarge: true } : { text, gzip: true };
  }
  return isMostlyText(bytes) ? { text: bytes.toString('utf8'), gzip: false } : undefined;
}

const TOO_LARGE = Symbol('too large');

/** gzip data decompressed to text, TOO_LARGE beyond {@link MAX_GUNZIPPED_BYTES}, or undefined (not gzip, or not text). */
function gunzipText(bytes: Uint8Array): string | typeof TOO_LARGE | undefined {
  let out: Buffer;
  try {
    out = gunzipSync(bytes, { maxOutputLength: MAX_GUNZIPPED_BYTES });
  } catch (e) {
    return (e as { code?: unknown }).code === 'ERR_BUFFER_TOO_LARGE' ? TOO_LARGE : undefined;
  }
  return isMostlyText(out) ? out.toString('utf8') : undefined;
}

/** At least 90% printable ASCII, tabs and newlines, or bytes of UTF-8 sequences. */
function isMostlyText(bytes: Uint8Array): boolean {
  let text = 0;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    if ((b >= 0x20 && b < 0x7f) || b === 0x09 || b === 0x0a || b === 0x0d || b >= 0x80) text++;
  }
  return text >= bytes.length * 0.9;
}

/** How a kubeadm file's inline content is encoded (KubeadmConfigSpec.files[].encoding). */
export type ContentEncoding = 'base64' | 'gzip' | 'gzip+base64';

/**
 * Why a file's inline content holds a credential once decoded as its `encoding` says (base64, gzip,
 * gzip+base64), or undefined. Content that does not decode is checked as it is.
 */
export function encodedContentProblem(content: string, encoding: ContentEncoding | undefined): string | undefined {
  const plain = credentialTextProblem(content);
  if (plain || encoding === undefined) return plain;
  const bytes: Buffer = encoding === 'gzip' ? Buffer.from(content, 'latin1') : Buffer.from(content.replace(/\s+/g, ''), 'base64');
  let text: string | undefined;
  if (encoding === 'base64') {
    text = bytes.toString('utf8');
  } else {
    const out = gunzipText(bytes);
    if (out === TOO_LARGE) return `is gzip data that decompresses to more than ${MAX_GUNZIPPED_BYTES} bytes, which cannot be checked for credentials: ${HINT}`;
    text = out;
  }
  const inner = text === undefined ? undefined : credentialTextProblem(text);
  return inner ? `(encoding ${encoding}) decoded, ${inner}` : undefined;
}

/** Maps whose keys are the user's (labels, annotations, arguments): a key naming a secret is refused there. */
const USER_KEYED_MAPS: ReadonlySet<string> = new Set(['labels', 'annotations', 'matchLabels', 'extraArgs', 'kubeletExtraArgs', 'nodeLabels']);
const ENCODINGS: ReadonlySet<string> = new Set(['base64', 'gzip', 'gzip+base64']);

/** Why a key of a label, annotation or argument map names a secret (its name part, after any `prefix/`), or undefined. */
export function userKeyProblem(key: string): string | undefined {
  return credentialKeyProblem(key.slice(key.lastIndexOf('/') + 1));
}

/**
 * The last line of defence, over what is emitted rather than what was passed: records an error for
 * every string of `value` (an object about to be emitted, at `path`) that holds a credential, for every
 * key of its labels, annotations, matchLabels and extra arguments (map or `{ name, value }` list) that names a
 * secret, and for kubeadm file content that holds one once decoded as its `encoding` says.
 */
export function checkEmittedCredentials(p: Reporter, path: string, value: unknown): void {
  const scan = new EmittedScan(p);
  scan.walk(path, value, undefined);
  scan.finish();
}

type Reporter = { error(path: string, message: string): void };

/** A step of the path from an emitted object's root to a value: a map key or a list index. */
type Step = string | number;

/**
 * One walk over emitted objects. Each string gets the library's formats (memoized, so a string the field
 * checks or an earlier cluster already saw costs one lookup) and, when they find nothing, secretlint's
 * rules (which skip it in one pass when it holds none of their triggers). The error path of a value is
 * built only when there is an error: the walk keeps the steps to it on a stack. Errors come in the order
 * of the earlier scan: the keys and file contents as they are met, then the strings' format problems,
 * then the rules' findings.
 */
class EmittedScan {
  private root = '';
  private readonly steps: Step[] = [];
  private readonly formatErrors: [string, string][] = [];
  private readonly ruleErrors: [string, string][] = [];

  constructor(private readonly p: Reporter) {}

  /** The path of the value the walk is at, plus `last` (a key or index) when given. */
  private path(last?: Step): string {
    let out = this.root;
    for (const step of last === undefined ? this.steps : [...this.steps, last]) {
      out += typeof step === 'number' ? `[${step}]` : `.${step.length > 80 ? `${step.slice(0, 80)}…` : step}`;
    }
    return out;
  }

  walk(root: string, v: unknown, parentKey: string | undefined): void {
    this.root = root;
    this.steps.length = 0;
    this.value(v, parentKey);
  }

  private value(v: unknown, parentKey: string | undefined): void {
    if (typeof v === 'string') {
      this.string(v);
      return;
    }
    if (v === null || typeof v !== 'object') return;
    const steps = this.steps;
    const userKeys = parentKey !== undefined && USER_KEYED_MAPS.has(parentKey);
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        const item: unknown = v[i];
        if (userKeys && item !== null && typeof item === 'object' && typeof (item as { name?: unknown }).name === 'string') {
          const problem = userKeyProblem((item as { name: string }).name);
          if (problem) this.p.error(`${this.path(i)}.name`, problem);
        }
        steps.push(i);
        this.value(item, undefined);
        steps.pop();
      }
      return;
    }
    const map = v as Record<string, unknown>;
    const encoding = typeof map.encoding === 'string' && ENCODINGS.has(map.encoding) && typeof map.content === 'string' ? map.encoding as ContentEncoding : undefined;
    for (const k of Object.keys(map)) {
      if (userKeys) {
        const problem = userKeyProblem(k);
        if (problem) this.p.error(this.path(k), problem);
      }
      if (encoding !== undefined && k === 'content') {
        const problem = encodedContentProblem(map.content as string, encoding);
        if (problem) this.p.error(this.path(k), problem);
        continue;
      }
      steps.push(k);
      this.value(map[k], k);
      steps.pop();
    }
  }

  private string(s: string): void {
    if (s.length < 8) return; // shorter than every format and every rule's match
    const verdict = emittedStringVerdicts(s);
    if (verdict === CLEAN) return;
    (verdict.rule ? this.ruleErrors : this.formatErrors).push([this.path(), verdict.message]);
  }

  /** Reports the strings' problems. */
  finish(): void {
    for (const [at, message] of this.formatErrors) this.p.error(at, message);
    for (const [at, message] of this.ruleErrors) this.p.error(at, message);
  }
}

/** What the scan of an emitted string found: a problem with the library's formats, or a finding of secretlint's rules. */
interface Verdict {
  readonly message: string;
  readonly rule: boolean;
}
const CLEAN: Verdict = { message: '', rule: false };

/** The formats first, then, only when they find nothing, the rules: for each emitted string of 8 characters or more. */
const emittedStringVerdicts = memoize((s): Verdict => {
  const problem = credentialFormatProblem(s);
  if (problem) return { message: problem, rule: false };
  const found = secretlintFinding(s);
  return found ? { message: secretlintProblem(found), rule: true } : CLEAN;
}, 8192);

/** What the scan of emitted objects reports for the string `s`, or undefined. */
export function emittedStringProblem(s: string): string | undefined {
  if (s.length < 8) return undefined;
  return emittedStringVerdicts(s).message || undefined;
}

/**
 * {@link emittedStringProblem} by the full scan: every format and every rule on the whole text, nothing
 * skipped and nothing remembered. Slower; the fast path must give the same (the tests compare them).
 */
export function emittedStringProblemFull(s: string): string | undefined {
  if (s.length < 8) return undefined;
  const problem = textProblem(s, 0, false, true);
  if (problem) return problem;
  const found = secretlintFindings(s, { triggers: false })[0];
  return found ? secretlintProblem(found) : undefined;
}

/**
 * {@link checkEmittedCredentials} over the objects a render function is about to return, each at
 * `<Kind> <name>` (`KubeadmControlPlane prod-control-plane.spec.kubeadmConfigSpec.files[0].content`).
 * The render functions call it after their field checks and throw before returning anything.
 */
export function checkEmittedObjects(p: Reporter, objects: readonly { readonly kind: string; readonly metadata: { readonly name: string } }[]): void {
  const scan = new EmittedScan(p);
  for (const o of objects) scan.walk(`${o.kind} ${o.metadata.name}`, o, undefined);
  scan.finish();
}
