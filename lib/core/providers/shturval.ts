/**
 * Shturval: ShturvalMachineTemplate, which places machines on hosts chosen by their labels.
 *
 * NO PUBLIC CLUSTER API CRD EXISTS for this kind. The platform documentation says only that hosts are
 * chosen "by selecting or directly specifying host labels"; the selector is shaped like Metal3's
 * `hostSelector` (Metal3MachineTemplate) with Kubernetes LabelSelector operators:
 *
 * ```yaml
 * apiVersion: infrastructure.cluster.x-k8s.io/v1beta1   # apiGroup / version overridable
 * kind: ShturvalMachineTemplate                          # overridable
 * spec:
 *   template:
 *     metadata: {labels, annotations}                    # templateMetadata, optional
 *     spec:
 *       hostSelector:                                    # field name overridable (selectorField)
 *         matchLabels: {<key>: <value>}                  # labels given directly
 *         matchExpressions:                              # labels chosen by expression
 *         - {key, operator: In|NotIn|Exists|DoesNotExist, values: [...]}
 * ```
 * Rules (as for a LabelSelector): keys are label keys, values label values; In/NotIn need at least
 * one value, Exists/DoesNotExist take none; at least one label or expression (an empty selector would
 * match every host); one expression per key. The same layout is described in docs/providers.md.
 */
import { checkGvk } from '../output/api-versions';
import { Problems, show, Warning } from '../rules/errors';
import { checkTemplateMetadata, MachineTemplate, MachineTemplateMetadata } from '../nodes/machine-template';
import { compact } from '../output/manifest';
import { checkEnum, checkLabels, checkObject, checkProps, isLabelKey, isLabelValue } from '../rules/validation';
import {
  checkAdditionalFields, checkKnownKeys, MachineTemplateObject, mergeOverrides, readTemplateObject, takeRest,
} from './common';
import { checkPropKeys, propKeys } from '../rules/strict-props';

export const SHTURVAL_DEFAULT_VERSION = 'v1beta1';
export const SHTURVAL_KIND = 'ShturvalMachineTemplate';
export const SHTURVAL_DEFAULT_SELECTOR_FIELD = 'hostSelector';

/** The operators of a Shturval host selector expression. */
export type HostSelectorOperator = 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
export const HOST_SELECTOR_OPERATORS: readonly HostSelectorOperator[] = ['In', 'NotIn', 'Exists', 'DoesNotExist'];

/** One expression of a Shturval host selector: a field, an operator and values. */
export interface HostSelectorExpression {
  /** Label key of the host. */
  readonly key: string;
  readonly operator: HostSelectorOperator;
  /** Required (non-empty) for In and NotIn; must be omitted for Exists and DoesNotExist. */
  readonly values?: readonly string[];
}

/** Which hosts the machines may use. Both parts are ANDed. */
export interface HostSelector {
  /** Labels the host must carry with exactly these values. @default none */
  readonly matchLabels?: Record<string, string>;
  /** Label expressions the host must satisfy. @default none */
  readonly matchExpressions?: readonly HostSelectorExpression[];
}

/** Props of a {@link ShturvalMachineTemplate} (Shturval hosts chosen by a host selector). */
export interface ShturvalMachineTemplateProps {
  /** @default 'infrastructure.cluster.x-k8s.io' */
  readonly apiGroup?: string;
  /** @default 'v1beta1' */
  readonly version?: string;
  /** @default 'ShturvalMachineTemplate' */
  readonly kind?: string;
  /** Host selection by labels. Required: at least one label or expression. */
  readonly hostSelector: HostSelector;
  /** Name of the `spec.template.spec` field the selector is emitted at. @default 'hostSelector' */
  readonly selectorField?: string;
  /** Labels/annotations at `spec.template.metadata`. @default none */
  readonly templateMetadata?: MachineTemplateMetadata;
  /** Other `spec.template.spec` fields, emitted verbatim. @default none */
  readonly additionalFields?: Record<string, unknown>;
}

/** Props changed when a Shturval template is copied with `ShturvalMachineTemplate.from`. */
export type ShturvalMachineTemplateOverrides = Partial<ShturvalMachineTemplateProps>;

const KNOWN = propKeys<ShturvalMachineTemplateProps>()('ShturvalMachineTemplateProps', {
  apiGroup: true, version: true, kind: true, hostSelector: true, selectorField: true, templateMetadata: true, additionalFields: true,
});

const HOST_SELECTOR_PROPS = propKeys<HostSelector>()('HostSelector', { matchLabels: true, matchExpressions: true });
const HOST_SELECTOR_EXPRESSION_PROPS = propKeys<HostSelectorExpression>()('HostSelectorExpression', { key: true, operator: true, values: true });

/** Checks a host selector with the usual LabelSelector rules; returns it in emitted form. */
export function checkHostSelector(p: Problems, path: string, value: unknown): Record<string, unknown> | undefined {
  if (value === undefined || value === null) {
    p.error(path, 'is required: give matchLabels, matchExpressions or both');
    return undefined;
  }
  if (!checkObject(p, path, value)) return undefined;
  const errorsBefore = p.errors.length;
  checkPropKeys(p, path, value, HOST_SELECTOR_PROPS);
  const matchLabels = checkLabels(p, `${path}.matchLabels`, value.matchLabels, 'labels');
  let expressions: Record<string, unknown>[] | undefined;
  const me = value.matchExpressions;
  if (me !== undefined) {
    if (!Array.isArray(me)) {
      p.error(`${path}.matchExpressions`, `must be a list of { key, operator, values }, got ${show(me)}`);
    } else {
      expressions = [];
      const seen = new Set<string>();
      me.forEach((e: unknown, i: number) => {
        const ep = `${path}.matchExpressions[${i}]`;
        if (!checkObject(p, ep, e)) return;
        checkPropKeys(p, ep, e, HOST_SELECTOR_EXPRESSION_PROPS);
        const key = typeof e.key === 'string' && isLabelKey(e.key) ? e.key : undefined;
        if (!key) p.error(`${ep}.key`, `${show(e.key)} is not a valid label key: an optional DNS subdomain prefix and '/', then at most 63 letters, digits, '-', '_' or '.'`);
        else if (seen.has(key)) p.error(`${ep}.key`, `${show(key)} already has an expression: combine its values into one (one expression per key)`);
        else seen.add(key);
        const operator = checkEnum(p, `${ep}.operator`, e.operator, HOST_SELECTOR_OPERATORS);
        let values: string[] | undefined;
        if (operator === 'In' || operator === 'NotIn') {
          if (!Array.isArray(e.values) || e.values.length === 0) {
            p.error(`${ep}.values`, `operator ${operator} needs at least one value, got ${show(e.values)}`);
          } else {
            values = [];
            // a set, not values.includes: linear in the number of values (100k values took 11 s)
            const listed = new Set<string>();
            e.values.forEach((v: unknown, j: number) => {
              if (typeof v !== 'string' || !isLabelValue(v)) p.error(`${ep}.values[${j}]`, `${show(v)} is not a valid label value: at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit`);
              else if (listed.has(v)) p.error(`${ep}.values[${j}]`, `${show(v)} is listed twice`);
              else {
                listed.add(v);
                values!.push(v);
              }
            });
          }
        } else if (operator && e.values !== undefined && !(Array.isArray(e.values) && e.values.length === 0)) {
          p.error(`${ep}.values`, `operator ${operator} takes no values (it tests only whether the label exists), got ${show(e.values)}`);
        }
        if (key && operator) expressions!.push({ key, operator, values });
      });
    }
  }
  const hasLabels = matchLabels !== undefined && Object.keys(matchLabels).length > 0;
  const hasExpressions = Array.isArray(me) && me.length > 0;
  if (!hasLabels && !hasExpressions && p.errors.length === errorsBefore) {
    p.error(path, 'selects every host: give at least one label in matchLabels or one expression in matchExpressions');
  }
  return { matchLabels: hasLabels ? { ...matchLabels } : undefined, matchExpressions: expressions };
}

/**
 * A Shturval machine template: machines go to hosts chosen by label. Usable as the `machineTemplate`
 * of a ControlPlaneGroup or WorkerGroup. Layout per the platform documentation (see the file header).
 */
export class ShturvalMachineTemplate implements MachineTemplate {
  /** A copy of `existing` (a value or an object read from a cluster) with `overrides` applied. */
  static from(existing: ShturvalMachineTemplate | MachineTemplateObject, overrides?: ShturvalMachineTemplateOverrides): ShturvalMachineTemplate {
    const base = existing instanceof ShturvalMachineTemplate ? existing.props : propsFromObject(existing, overrides);
    return new ShturvalMachineTemplate(mergeOverrides('ShturvalMachineTemplate', base, overrides));
  }

  public readonly apiGroup: string;
  public readonly version: string;
  public readonly kind: string;
  public readonly spec: Readonly<Record<string, unknown>>;
  public readonly templateMetadata?: MachineTemplateMetadata;
  public readonly warnings: readonly Warning[];
  public readonly props: Readonly<ShturvalMachineTemplateProps>;

  constructor(props: ShturvalMachineTemplateProps) {
    const p = new Problems('ShturvalMachineTemplate');
    if (!checkProps(p, props)) p.throwIfErrors();
    checkKnownKeys(p, props, KNOWN, 'the platform credentials belong to the provider, not to a template');
    const gvk = checkGvk(p, props, { version: SHTURVAL_DEFAULT_VERSION, kind: SHTURVAL_KIND });
    let field: string | undefined = SHTURVAL_DEFAULT_SELECTOR_FIELD;
    if (props.selectorField !== undefined) {
      field = typeof props.selectorField === 'string' && /^[a-z][A-Za-z0-9]*$/.test(props.selectorField) ? props.selectorField : undefined;
      if (!field) p.error('selectorField', `${show(props.selectorField)} is not a field name: use a lowerCamelCase name such as "hostSelector"`);
    }
    const selector = checkHostSelector(p, 'hostSelector', props.hostSelector);
    const templateMetadata = checkTemplateMetadata(p, 'templateMetadata', props.templateMetadata);
    const extra = checkAdditionalFields(p, 'additionalFields', props.additionalFields, field ? [field] : []);
    p.throwIfErrors();
    this.apiGroup = gvk.apiGroup!;
    this.version = gvk.version!;
    this.kind = gvk.kind!;
    this.spec = compact({ ...extra, [field!]: selector });
    this.templateMetadata = templateMetadata;
    this.warnings = p.warnings;
    this.props = Object.freeze({ ...props });
  }
}

function propsFromObject(existing: unknown, overrides: unknown): ShturvalMachineTemplateProps {
  const o = readTemplateObject('ShturvalMachineTemplate', existing);
  const wanted = (overrides as { selectorField?: unknown } | undefined)?.selectorField;
  const field = typeof wanted === 'string' ? wanted : SHTURVAL_DEFAULT_SELECTOR_FIELD;
  const props: Record<string, unknown> = { apiGroup: o.apiGroup, version: o.version, kind: o.kind, hostSelector: o.spec[field] };
  if (field !== SHTURVAL_DEFAULT_SELECTOR_FIELD) props.selectorField = field;
  const rest = takeRest(o.spec, [field]);
  if (rest) props.additionalFields = rest;
  if (o.metadata) props.templateMetadata = o.metadata;
  return props as unknown as ShturvalMachineTemplateProps;
}
