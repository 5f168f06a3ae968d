/**
 * The shape of the CEL rules of the upstream CRDs (`x-kubernetes-validations`), as the generated
 * `crd-rules.ts` holds them: only what evaluating them needs.
 */

/**
 * Where a rule sits, from the object root: a key, `[]` for every item of a list that cannot be
 * matched with the stored list (atomic or set), `[k1,k2]` for the items of a list-map matched by
 * those keys, `{}` for every value of a map.
 */
export type CelPathSegment = string;

/**
 * The integer-valued parts of the schema below the rule (CEL types JSON numbers there as `int`, not
 * `double`): `i` an integer or int-or-string, `{ p }` the properties holding integers, `{ l }` the
 * items of a list, `{ m }` the values of a map. Absent: nothing below the rule holds an integer.
 */
export type CelIntShape = 'i' | { readonly p?: Readonly<Record<string, CelIntShape>>; readonly l?: CelIntShape; readonly m?: CelIntShape };

/** One `x-kubernetes-validations` entry. */
export interface CrdCelRule {
  readonly path: readonly CelPathSegment[];
  readonly rule: string;
  readonly message?: string;
  readonly messageExpression?: string;
  /** The field the error names, relative to the rule's node (`.region`). */
  readonly fieldPath?: string;
  readonly reason?: string;
  /** True for a transition rule that also runs on create (`oldSelf` is then an absent optional). */
  readonly optionalOldSelf?: boolean;
  readonly ints?: CelIntShape;
}

/** The rules of one served version of one CRD. */
export interface CrdCelRules {
  readonly group: string;
  readonly kind: string;
  readonly version: string;
  /** The upstream CRD file the rules come from (relative to the CRD set). */
  readonly source: string;
  readonly rules: readonly CrdCelRule[];
}
