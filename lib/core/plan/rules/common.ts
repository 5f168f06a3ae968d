/** What every update rule shares: the rule signature and the upstream versions the rules were read from. */
import { Manifest } from '../../output/manifest';
import { getPath } from '../diff';
import { objectId } from '../manifests';
import { CelViolation } from '../cel/evaluate';
import { RejectedChange, RejectionEffect } from '../types';

/** The Cluster API release the Cluster API rules were read from. */
export const CAPI_SOURCE = 'cluster-api v1.14.0';
/** The CAPO release the OpenStack rules were read from. */
export const CAPO_SOURCE = 'cluster-api-provider-openstack v0.14.7';
/** The CAPV release the vSphere rules were read from. */
export const CAPV_SOURCE = 'cluster-api-provider-vsphere v1.16.1';

/** An update rule: the changes of `previous` -> `next` (the same object) that the rule refuses. */
export type UpdateRule = (previous: Manifest, next: Manifest) => RejectedChange[];

export interface RejectionFields {
  readonly path: string;
  readonly old?: unknown;
  readonly new?: unknown;
  readonly effect?: RejectionEffect;
  readonly rule: string;
  readonly source: string;
  readonly instead: string;
}

export function rejection(next: Manifest, f: RejectionFields): RejectedChange {
  const r: { -readonly [K in keyof RejectedChange]: RejectedChange[K] } = {
    object: objectId(next), path: f.path, effect: f.effect ?? 'rejected', rule: f.rule, source: f.source, instead: f.instead,
  };
  if (f.old !== undefined) r.old = f.old;
  if (f.new !== undefined) r.new = f.new;
  return r;
}

/** A field the webhook fixes at creation ("Forbidden: field is immutable"): one rejection when it changes. */
export function immutableField(previous: Manifest, next: Manifest, path: readonly string[], source: string, instead: string): RejectedChange[] {
  const before = getPath(previous, path);
  const after = getPath(next, path);
  if (before === after) return [];
  return [rejection(next, { path: path.join('.'), old: before, new: after, rule: 'Forbidden: field is immutable', source, instead })];
}

/** A CEL rule of the object's CRD that the object breaks, as a rejection (the API server refuses the request). */
export function celRejection(next: Manifest, v: CelViolation): RejectedChange {
  return rejection(next, {
    path: v.path, old: v.old, new: v.new,
    rule: `Invalid: ${v.message} (CEL: ${v.rule})`,
    source: `CRD ${v.crd} x-kubernetes-validations`,
    instead: v.transition
      ? 'the CRD fixes this value once set: keep the previous value, or create a new object under another name'
      : 'change the object so that the rule holds',
  });
}
