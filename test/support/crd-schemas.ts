/**
 * Validates synthesized objects against the upstream CRDs in ../shared/crds (never copied into this
 * repository), the way a management cluster's API server would, plus one stricter rule:
 *
 * - Every CRD YAML under the directory is indexed by (group, kind) from its header (cheap regex);
 *   a file is parsed, and a version's openAPIV3Schema compiled with ajv, only when an object of that
 *   kind is validated (some CRDs are 300+ KB). Both are cached.
 * - Kubernetes extensions: `x-kubernetes-int-or-string` (integer or string), `x-kubernetes-list-type`
 *   (`set`: unique items; `map`: unique `x-kubernetes-list-map-keys` tuples), `x-kubernetes-validations`
 *   (CEL, evaluated by the library's engine, @bufbuild/cel; transition rules that need `oldSelf` are
 *   skipped and listed by {@link skippedCelRules}),
 *   `x-kubernetes-preserve-unknown-fields`, `x-kubernetes-map-type` (no effect on a single object);
 *   formats int32/int64 (range-checked), date-time, uuid, byte, ipv4, uri.
 * - `pattern` is Go RE2 syntax (e.g. prometheus-operator's `(?i)`), translated to an equivalent JavaScript
 *   RegExp by ./re2.ts, so a string is accepted exactly when Go's regexp would accept it.
 * - Unknown fields: the API server prunes fields a structural schema does not list instead of rejecting
 *   them. For this library that is a bug (the setting would be silently lost), so `additionalProperties:
 *   false` is injected into every object schema that has `properties`, no `additionalProperties` and no
 *   `x-kubernetes-preserve-unknown-fields`, and unknown fields are reported as failures.
 * - `metadata` (which the CRDs leave as `type: object`) is checked like ObjectMeta: known fields only,
 *   DNS-1123 name and namespace, valid label keys and values, string annotations.
 *
 * Set CAPI_SHARED_CRDS to use another directory. When the directory is missing every entry point
 * throws {@link CrdsMissingError}, whose message says where it looked.
 */
import * as fs from 'fs';
import * as path from 'path';
import Ajv, { ErrorObject, ValidateFunction } from 'ajv';
import { parse } from 'yaml';
import { celProgram, toCel } from '../../lib/core/plan/cel/evaluate';
import { intShape } from './crd-cel-rules';
import { re2RegExp } from './re2';

export const CRDS_ENV = 'CAPI_SHARED_CRDS';

/** Where the upstream CRDs are read from. */
export function crdsDir(): string {
  const fromEnv = process.env[CRDS_ENV];
  return fromEnv ? path.resolve(fromEnv) : path.resolve(__dirname, '../../../shared/crds');
}

export class CrdsMissingError extends Error {
  constructor(dir: string, why: string) {
    super(`Upstream CRDs not found: looked in ${dir} (${why}). The conformance tests read the Cluster API, Flux, vSphere, `
      + `OpenStack, Metal3, Docker (CAPD) and prometheus-operator CRDs from ../shared/crds next to the repository: the CRD files `
      + `those projects publish with their releases, at the versions of README.md's compatibility table (README.md, Contributing). `
      + `Put them there, or set ${CRDS_ENV} to the directory that holds them.`);
    this.name = 'CrdsMissingError';
  }
}

interface CrdFile {
  readonly file: string;
  readonly group: string;
  readonly kind: string;
  doc?: { versions: Map<string, { served: boolean; schema: any }> };
}

const compiled = new Map<string, ValidateFunction>();
let index: CrdFile[] | undefined;

function listYaml(dir: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...listYaml(p));
    else if (/\.ya?ml$/.test(e.name)) out.push(p);
  }
  return out.sort();
}

/** Every CRD file found, indexed by group and kind (without parsing the schemas). */
export function crdFiles(): readonly CrdFile[] {
  if (index) return index;
  const dir = crdsDir();
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) throw new CrdsMissingError(dir, 'no such directory');
  const files: CrdFile[] = [];
  for (const file of listYaml(dir)) {
    const text = fs.readFileSync(file, 'utf8');
    if (!/^kind:\s*CustomResourceDefinition\s*$/m.test(text)) continue;
    const group = /^ {2}group:\s*(\S+)\s*$/m.exec(text)?.[1];
    const kind = /^ {4}kind:\s*(\S+)\s*$/m.exec(text)?.[1];
    if (group && kind) files.push({ file, group, kind });
  }
  if (files.length === 0) throw new CrdsMissingError(dir, 'the directory holds no CustomResourceDefinition YAML');
  index = files;
  return files;
}

function load(f: CrdFile): NonNullable<CrdFile['doc']> {
  if (!f.doc) {
    const crd = parse(fs.readFileSync(f.file, 'utf8'));
    const versions = new Map<string, { served: boolean; schema: any }>();
    for (const v of crd.spec.versions ?? []) versions.set(v.name, { served: v.served !== false, schema: v.schema?.openAPIV3Schema });
    f.doc = { versions };
  }
  return f.doc;
}

function splitApiVersion(apiVersion: string): { group: string; version: string } {
  const i = apiVersion.lastIndexOf('/');
  return i < 0 ? { group: '', version: apiVersion } : { group: apiVersion.slice(0, i), version: apiVersion.slice(i + 1) };
}

/** CRD files that serve (apiVersion, kind). Several files may (e.g. two OpenStack provider releases). */
function filesFor(apiVersion: string, kind: string): CrdFile[] {
  const { group, version } = splitApiVersion(apiVersion);
  return crdFiles().filter((f) => f.group === group && f.kind === kind && load(f).versions.get(version)?.served);
}

/** True if some CRD under the shared directory serves this apiVersion and kind. */
export function hasSchema(apiVersion: string, kind: string): boolean {
  return typeof apiVersion === 'string' && typeof kind === 'string' && filesFor(apiVersion, kind).length > 0;
}

/** The CRD files that define `kind` in `group` (any version), relative to the CRD directory. */
export function schemaFilesFor(apiVersion: string, kind: string): string[] {
  return filesFor(apiVersion, kind).map((f) => path.relative(crdsDir(), f.file));
}

// ---------------------------------------------------------------------------------------------------
// CEL rules (x-kubernetes-validations): evaluated with the library's CEL engine (@bufbuild/cel, see
// lib/core/plan/cel/evaluate.ts). `self` is the value the rule sits on; integers typed by the schema.

type Json = any;

/** The compiled rule, or the reason it cannot run on a single new object. */
function celCheck(rule: string): ((self: unknown) => unknown) | string {
  if (/\boldSelf\b/.test(rule)) return 'transition rule (compares with the stored object; applies to updates only)';
  try {
    const program = celProgram(rule);
    return (self: unknown) => program({ self, oldSelf: null });
  } catch (e) {
    return `does not compile: ${(e as Error).message}`;
  }
}

const skipped = new Map<string, string>();

/** CEL rules met while compiling schemas that were not evaluated, with the reason. */
export function skippedCelRules(): ReadonlyMap<string, string> {
  return skipped;
}

/** Every distinct CEL rule in every CRD under the shared directory (parses every file). */
export function allCelRules(): Map<string, string[]> {
  const rules = new Map<string, string[]>();
  const walk = (s: Json, where: string): void => {
    if (Array.isArray(s)) { s.forEach((x) => walk(x, where)); return; }
    if (!s || typeof s !== 'object') return;
    for (const r of s['x-kubernetes-validations'] ?? []) {
      const list = rules.get(r.rule) ?? [];
      if (!list.includes(where)) list.push(where);
      rules.set(r.rule, list);
    }
    for (const v of Object.values(s)) walk(v, where);
  };
  for (const f of crdFiles()) {
    for (const [v, { schema }] of load(f).versions) walk(schema, `${path.relative(crdsDir(), f.file)}@${v}`);
  }
  return rules;
}

/** Every distinct `pattern` (and `patternProperties` key) in every CRD under the shared directory. */
export function allPatterns(): Map<string, string[]> {
  const patterns = new Map<string, string[]>();
  const note = (p: string, where: string) => {
    const list = patterns.get(p) ?? [];
    if (!list.includes(where)) list.push(where);
    patterns.set(p, list);
  };
  const walk = (s: Json, where: string): void => {
    if (Array.isArray(s)) { s.forEach((x) => walk(x, where)); return; }
    if (!s || typeof s !== 'object') return;
    if (typeof s.pattern === 'string') note(s.pattern, where);
    for (const k of Object.keys(s.patternProperties ?? {})) note(k, where);
    for (const v of Object.values(s)) walk(v, where);
  };
  for (const f of crdFiles()) {
    for (const [v, { schema }] of load(f).versions) walk(schema, `${path.relative(crdsDir(), f.file)}@${v}`);
  }
  return patterns;
}

/** Why a rule is not evaluated on a new object, or undefined when the CEL engine evaluates it. */
export function celSkipReason(rule: string): string | undefined {
  const c = celCheck(rule);
  return typeof c === 'string' ? c : undefined;
}

// ---------------------------------------------------------------------------------------------------
// Schema preparation and ajv

const KNOWN_FORMATS = new Set(['int32', 'int64', 'date-time', 'uuid', 'byte', 'ipv4', 'uri', 'double', 'float']);
const toleratedFormats = new Set<string>();

/** Formats found in the CRDs that the validator does not know and therefore ignores. */
export function ignoredFormats(): ReadonlySet<string> {
  return toleratedFormats;
}

/** Deep-copies a CRD schema into a JSON schema ajv understands (see the file comment). */
function prepare(node: Json, inCombinator = false): Json {
  if (Array.isArray(node)) return node.map((n) => prepare(n, inCombinator));
  if (!node || typeof node !== 'object') return node;
  const out: Json = {};
  for (const [k, v] of Object.entries(node)) {
    if (k === 'properties' || k === 'patternProperties') {
      out[k] = Object.fromEntries(Object.entries(v as object).map(([pk, pv]) => [pk, prepare(pv)]));
    } else if (k === 'anyOf' || k === 'allOf' || k === 'oneOf' || k === 'not') {
      out[k] = prepare(v, true);
    } else if (k === 'default' || k === 'example' || k === 'enum' || k === 'x-kubernetes-validations' || k === 'x-kubernetes-list-map-keys') {
      out[k] = v;
    } else {
      out[k] = prepare(v, inCombinator);
    }
  }
  if (out['x-kubernetes-int-or-string']) {
    delete out.type;
    if (!out.anyOf) out.anyOf = [{ type: 'integer' }, { type: 'string' }];
  }
  if (typeof out.format === 'string' && !KNOWN_FORMATS.has(out.format)) {
    toleratedFormats.add(out.format);
    delete out.format;
  }
  if (out.nullable && out.type === undefined) delete out.nullable;
  if (!inCombinator && out.type === 'object' && out.properties && out.additionalProperties === undefined
    && !out['x-kubernetes-preserve-unknown-fields']) {
    out.additionalProperties = false;
  }
  return out;
}

const deepEqual = (a: Json, b: Json): boolean => JSON.stringify(a) === JSON.stringify(b);

let ajvInstance: Ajv | undefined;

function ajv(): Ajv {
  if (ajvInstance) return ajvInstance;
  // CRD patterns are Go RE2 (the API server's regexp package), not ECMAScript: translated, see ./re2.ts.
  const regExp = Object.assign((pattern: string) => re2RegExp(pattern), { code: 'require("./re2").re2RegExp' });
  const a = new Ajv({ strict: false, allErrors: true, validateFormats: true, logger: false, code: { regExp } });
  const INT32 = 2 ** 31;
  a.addFormat('int32', { type: 'number', validate: (n: number) => Number.isInteger(n) && n >= -INT32 && n < INT32 });
  a.addFormat('int64', { type: 'number', validate: (n: number) => Number.isSafeInteger(n) });
  a.addFormat('double', { type: 'number', validate: () => true });
  a.addFormat('float', { type: 'number', validate: () => true });
  a.addFormat('date-time', /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/);
  a.addFormat('uuid', /^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$/);
  a.addFormat('byte', /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/);
  a.addFormat('ipv4', /^((25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/);
  a.addFormat('uri', /^[a-zA-Z][a-zA-Z0-9+.-]*:[^\s]*$/);
  for (const k of ['x-kubernetes-int-or-string', 'x-kubernetes-preserve-unknown-fields', 'x-kubernetes-map-type',
    'x-kubernetes-list-map-keys', 'x-kubernetes-embedded-resource']) a.addKeyword({ keyword: k });

  a.addKeyword({
    keyword: 'x-kubernetes-list-type',
    type: 'array',
    schemaType: 'string',
    errors: true,
    validate: function listType(kind: string, data: Json[], parent: Json) {
      const self = listType as unknown as { errors: Partial<ErrorObject>[] };
      self.errors = [];
      if (kind === 'set') {
        data.forEach((x, i) => {
          if (data.findIndex((y) => deepEqual(x, y)) < i) self.errors.push({ keyword: 'x-kubernetes-list-type', message: `duplicate item ${JSON.stringify(x)} in a list of type set`, params: {} });
        });
      } else if (kind === 'map') {
        const keys: string[] = parent['x-kubernetes-list-map-keys'] ?? [];
        const tuple = (x: Json) => JSON.stringify(keys.map((k) => x?.[k]));
        data.forEach((x, i) => {
          if (data.findIndex((y) => tuple(y) === tuple(x)) < i) self.errors.push({ keyword: 'x-kubernetes-list-type', message: `duplicate entry for key ${keys.join(',')}=${tuple(x)} in a list of type map`, params: {} });
        });
      }
      return self.errors.length === 0;
    },
  });

  a.addKeyword({
    keyword: 'x-kubernetes-validations',
    schemaType: 'array',
    errors: true,
    compile(rules: { rule: string; message?: string; messageExpression?: string }[], parentSchema: Json) {
      const ints = intShape(parentSchema);
      const checks = rules.flatMap((r) => {
        const fn = celCheck(r.rule);
        if (typeof fn === 'string') {
          skipped.set(r.rule, fn);
          return [];
        }
        return [{ fn, rule: r.rule, message: r.message ?? r.messageExpression ?? `failed rule ${r.rule}` }];
      });
      const validate = (data: Json): boolean => {
        const errors: Partial<ErrorObject>[] = [];
        const self = toCel(data, ints);
        for (const c of checks) {
          let ok: boolean;
          try { ok = c.fn(self) === true; } catch { ok = false; }
          if (!ok) errors.push({ keyword: 'x-kubernetes-validations', message: `${c.message} (CEL: ${c.rule})`, params: {} });
        }
        (validate as unknown as { errors: Partial<ErrorObject>[] }).errors = errors;
        return errors.length === 0;
      };
      return validate;
    },
  });
  ajvInstance = a;
  return a;
}

function validatorFor(f: CrdFile, version: string): ValidateFunction {
  const key = `${f.file}@${version}`;
  let v = compiled.get(key);
  if (!v) {
    const schema = load(f).versions.get(version)?.schema;
    if (!schema) throw new Error(`${path.relative(crdsDir(), f.file)}: version ${version} has no openAPIV3Schema`);
    v = ajv().compile(prepare(schema));
    compiled.set(key, v);
  }
  return v;
}

function fieldPath(instancePath: string): string {
  return instancePath.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((acc, seg) => (/^\d+$/.test(seg) ? `${acc}[${seg}]` : acc ? `${acc}.${seg}` : seg), '');
}

function describe(e: ErrorObject): string {
  const at = fieldPath(e.instancePath);
  const join = (p: string, k: string) => (p ? `${p}.${k}` : k);
  switch (e.keyword) {
    case 'additionalProperties':
      return `${join(at, (e.params as any).additionalProperty)}: unknown field (not in the schema; the API server would silently prune it)`;
    case 'required':
      return `${join(at, (e.params as any).missingProperty)}: required field is missing`;
    default:
      return `${at || '(root)'}: ${e.message}${e.keyword === 'enum' ? ` ${JSON.stringify((e.params as any).allowedValues)}` : ''}`;
  }
}

// ---------------------------------------------------------------------------------------------------
// ObjectMeta

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const META_FIELDS = new Set(['name', 'generateName', 'namespace', 'labels', 'annotations', 'finalizers', 'ownerReferences']);

function isQualifiedKey(k: string): boolean {
  const i = k.lastIndexOf('/');
  const prefix = i >= 0 ? k.slice(0, i) : undefined;
  const name = i >= 0 ? k.slice(i + 1) : k;
  if (prefix !== undefined && !(prefix.length <= 253 && DNS1123_SUBDOMAIN.test(prefix))) return false;
  return name.length <= 63 && QUALIFIED_NAME.test(name);
}

/** ObjectMeta checks the API server applies to every object (the CRDs leave `metadata` untyped). */
export function validateObjectMeta(meta: Json, namespaced = true): string[] {
  if (!meta || typeof meta !== 'object' || Array.isArray(meta)) return [`metadata: must be an object, got ${JSON.stringify(meta)}`];
  const out: string[] = [];
  for (const k of Object.keys(meta)) if (!META_FIELDS.has(k)) out.push(`metadata.${k}: unknown or server-set field`);
  if (typeof meta.name !== 'string' || meta.name.length > 253 || !DNS1123_SUBDOMAIN.test(meta.name)) {
    out.push(`metadata.name: ${JSON.stringify(meta.name)} is not a DNS-1123 subdomain`);
  }
  if (namespaced && meta.namespace !== undefined && (typeof meta.namespace !== 'string' || meta.namespace.length > 63 || !DNS1123_LABEL.test(meta.namespace))) {
    out.push(`metadata.namespace: ${JSON.stringify(meta.namespace)} is not a DNS-1123 label`);
  }
  for (const field of ['labels', 'annotations'] as const) {
    const m = meta[field];
    if (m === undefined) continue;
    if (!m || typeof m !== 'object' || Array.isArray(m)) { out.push(`metadata.${field}: must be a map of strings`); continue; }
    if (Object.keys(m).length === 0) out.push(`metadata.${field}: empty map`);
    for (const [k, v] of Object.entries(m)) {
      if (!isQualifiedKey(k)) out.push(`metadata.${field}.${k}: invalid key`);
      if (typeof v !== 'string') out.push(`metadata.${field}.${k}: value must be a string, got ${JSON.stringify(v)}`);
      else if (field === 'labels' && !(v.length <= 63 && LABEL_VALUE.test(v))) out.push(`metadata.labels.${k}: ${JSON.stringify(v)} is not a valid label value`);
    }
    if (field === 'annotations' && JSON.stringify(m).length > 256 * 1024) out.push('metadata.annotations: larger than 256 KiB');
  }
  return out;
}

/**
 * Validates one object against the CRD of its apiVersion and kind. Returns the failures as
 * `<field path>: <problem>` (empty = accepted). An object whose kind no CRD serves yields one failure;
 * check {@link hasSchema} first for kinds that legitimately have no public CRD.
 */
export function validateManifest(obj: Json): string[] {
  if (!obj || typeof obj !== 'object' || Array.isArray(obj)) return [`(root): not an object: ${JSON.stringify(obj)}`];
  const { apiVersion, kind } = obj;
  if (typeof apiVersion !== 'string' || typeof kind !== 'string') return [`(root): apiVersion and kind must be strings, got ${JSON.stringify({ apiVersion, kind })}`];
  const files = filesFor(apiVersion, kind);
  if (files.length === 0) {
    const { group } = splitApiVersion(apiVersion);
    const other = crdFiles().filter((f) => f.group === group && f.kind === kind);
    const served = other.flatMap((f) => [...load(f).versions].filter(([, v]) => v.served).map(([n]) => n));
    return [other.length > 0
      ? `(root): ${kind} ${apiVersion} is not served by its CRD (served versions: ${[...new Set(served)].join(', ')})`
      : `(root): no CRD in ${crdsDir()} defines ${kind} in group "${group}"`];
  }
  const { version } = splitApiVersion(apiVersion);
  const out = new Set<string>(validateObjectMeta(obj.metadata));
  for (const f of files) {
    const validate = validatorFor(f, version);
    if (validate(obj)) continue;
    // Several provider releases may serve the same version: the object must be accepted by each.
    const label = files.length > 1 ? ` [${path.relative(crdsDir(), f.file)}]` : '';
    for (const e of (validate.errors ?? []).map(describe)) out.add(`${e}${label}`);
  }
  return [...out];
}

/**
 * Validates an object against the CRD in `crdFile` (a CRD outside the shared CRD directory, e.g. one a
 * chart in ../shared/charts ships), the same way as {@link validateManifest}.
 */
export function validateAgainstCrd(obj: Json, crdFile: string): string[] {
  const text = fs.readFileSync(crdFile, 'utf8');
  const group = /^ {2}group:\s*(\S+)\s*$/m.exec(text)?.[1];
  const kind = /^ {4}kind:\s*(\S+)\s*$/m.exec(text)?.[1];
  const { group: g, version } = splitApiVersion(obj.apiVersion);
  if (group !== g || kind !== obj.kind) return [`(root): ${crdFile} defines ${kind} in group ${group}, not ${obj.kind} ${obj.apiVersion}`];
  const f: CrdFile = { file: crdFile, group: g, kind: obj.kind };
  const out = new Set<string>(validateObjectMeta(obj.metadata));
  const validate = validatorFor(f, version);
  if (!validate(obj)) for (const e of (validate.errors ?? []).map(describe)) out.add(e);
  return [...out];
}
