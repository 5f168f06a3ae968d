/**
 * Evaluates the CEL rules of the upstream CRDs (`x-kubernetes-validations`, generated into
 * ./crd-rules.ts) with a real CEL engine (@bufbuild/cel), the way the API server does:
 * - a rule runs on every value its schema path reaches in the new object; an absent or null value is
 *   not checked;
 * - a transition rule (one that names `oldSelf`) runs only on update and only where the stored object
 *   has a value at the same place (object fields by name, list-map items by their keys, map values by
 *   key; items of other lists never have an `oldSelf`), unless the rule sets `optionalOldSelf`;
 * - validation ratcheting (on by default since Kubernetes 1.33): a rule whose value equals the stored
 *   value is not re-checked on update;
 * - a rule that fails to evaluate (e.g. `no such key`) refuses the object, as the API server does.
 * Integer fields are given to CEL as `int` (from the schema shape), everything else as JSON gives it.
 */
import { celEnv, CelScalar, isCelError, parse, plan } from '@bufbuild/cel';
import { Manifest } from '../../output/manifest';
import { deepEqual, formatPath, isPlainObject } from '../diff';
import { apiGroup, apiVersionOnly } from '../manifests';
import { CRD_CEL_RULES } from './crd-rules';
import { CelIntShape, CrdCelRule, CrdCelRules } from './types';

export * from './types';
export { CRD_CEL_RULES };

/** A CEL rule of a CRD that the object does not satisfy. */
export interface CelViolation {
  /** The field the API server names, e.g. `spec.region`. */
  readonly path: string;
  readonly old?: unknown;
  readonly new?: unknown;
  /** The rule's message (or its evaluation error), as the API server reports it. */
  readonly message: string;
  /** The CEL expression. */
  readonly rule: string;
  /** The CRD file the rule comes from, e.g. `openstack/v0.14.7/infrastructure.cluster.x-k8s.io_openstackclusters.yaml`. */
  readonly crd: string;
  readonly transition: boolean;
}

type Program = (ctx: { self: unknown; oldSelf: unknown }) => unknown;

const env = celEnv({ variables: { self: CelScalar.DYN, oldSelf: CelScalar.DYN } });
const programs = new Map<string, Program>();

/** The compiled program of a CEL expression (cached). Throws when the expression does not parse. */
export function celProgram(expr: string): Program {
  let p = programs.get(expr);
  if (!p) {
    p = plan(env, parse(expr)) as unknown as Program;
    programs.set(expr, p);
  }
  return p;
}

const isTransition = (r: CrdCelRule) => /\boldSelf\b/.test(r.rule);

/** A JSON value as CEL input: objects as maps, integers (by the schema shape) as int. */
export function toCel(v: unknown, shape?: CelIntShape): unknown {
  if (typeof v === 'number') return shape === 'i' && Number.isInteger(v) ? BigInt(v) : v;
  if (Array.isArray(v)) return v.map((x) => toCel(x, typeof shape === 'object' ? shape.l : undefined));
  if (isPlainObject(v)) {
    const s = typeof shape === 'object' ? shape : undefined;
    return new Map(Object.entries(v).filter(([, x]) => x !== undefined).map(([k, x]) => [k, toCel(x, s?.p?.[k] ?? s?.m)]));
  }
  return v;
}

/** The rules of an object's group, kind and version (none when no targeted CRD has rules for it). */
export function crdRulesFor(m: { apiVersion: string; kind: string }): CrdCelRules | undefined {
  const group = apiGroup(m.apiVersion);
  const version = apiVersionOnly(m.apiVersion);
  return CRD_CEL_RULES.find((c) => c.group === group && c.kind === m.kind && c.version === version);
}

const ABSENT = Symbol('absent');
type Old = unknown | typeof ABSENT;

interface Node {
  readonly at: (string | number)[];
  readonly value: unknown;
  readonly old: Old;
}

/** Every value the rule path reaches in `value`, with its stored counterpart. */
function nodes(path: readonly string[], value: unknown, old: Old, at: (string | number)[] = []): Node[] {
  if (value === undefined || value === null) return [];
  if (path.length === 0) return [{ at, value, old }];
  const [seg, ...rest] = path;
  if (seg === '{}') {
    if (!isPlainObject(value)) return [];
    const o = isPlainObject(old) ? old : undefined;
    return Object.keys(value).flatMap((k) => nodes(rest, value[k], o && k in o ? o[k] : ABSENT, [...at, k]));
  }
  if (seg.startsWith('[')) {
    if (!Array.isArray(value)) return [];
    const keys = seg.slice(1, -1).split(',').filter((k) => k !== '');
    const olds = Array.isArray(old) ? old : [];
    return value.flatMap((item, i) => {
      const match = keys.length === 0 || !isPlainObject(item) ? undefined
        : olds.find((o) => isPlainObject(o) && keys.every((k) => deepEqual(o[k], item[k])));
      return nodes(rest, item, match === undefined ? ABSENT : match, [...at, i]);
    });
  }
  if (!isPlainObject(value)) return [];
  const o = isPlainObject(old) && seg in old ? old[seg] : ABSENT;
  return nodes(rest, value[seg], o === undefined ? ABSENT : o, [...at, seg]);
}

function message(r: CrdCelRule, self: unknown, oldSelf: unknown): string {
  if (r.messageExpression) {
    try {
      const m = celProgram(r.messageExpression)({ self, oldSelf });
      if (typeof m === 'string' && m !== '') return m;
    } catch { /* falls back to the message */ }
  }
  return r.message ?? `failed rule: ${r.rule}`;
}

function fieldOf(at: readonly (string | number)[], fieldPath: string | undefined): (string | number)[] {
  if (!fieldPath) return [...at];
  const extra = fieldPath.split(/\.|\[|\]/).filter((s) => s !== '').map((s) => s.replace(/^'(.*)'$/, '$1'));
  return [...at, ...extra];
}

/**
 * The CEL rules of `next`'s CRD that `next` breaks. `previous` is the stored object (undefined on
 * create), in the same API version as `next` (convert it first).
 */
export function celViolations(previous: Manifest | undefined, next: Manifest): CelViolation[] {
  const crd = crdRulesFor(next);
  if (!crd) return [];
  const out: CelViolation[] = [];
  for (const r of crd.rules) {
    const transition = isTransition(r);
    for (const n of nodes(r.path, next, previous === undefined ? ABSENT : previous)) {
      if (transition && n.old === ABSENT && !r.optionalOldSelf) continue;
      if (n.old !== ABSENT && deepEqual(n.old, n.value)) continue; // ratcheting
      const self = toCel(n.value, r.ints);
      const oldSelf = n.old === ABSENT ? null : toCel(n.old, r.ints);
      let ok = false;
      let error: string | undefined;
      try {
        const result = celProgram(r.rule)({ self, oldSelf });
        if (isCelError(result)) error = result.message;
        else ok = result === true;
      } catch (e) {
        error = (e as Error).message;
      }
      if (ok) continue;
      const field = fieldOf(n.at, r.fieldPath);
      const text = message(r, self, oldSelf);
      out.push({
        path: formatPath(field), rule: r.rule, crd: crd.source, transition,
        message: error ? `${text} (evaluation error: ${error})` : text,
        ...(n.old !== ABSENT && n.old !== undefined ? { old: n.old } : {}),
        new: n.value,
      });
    }
  }
  return out;
}
