/**
 * A portable encoding of fleet specs, so that a render thread (render-worker.ts) can render a cluster
 * exactly as the calling thread would: `decodeSpec(encodeSpec(spec))` renders the same objects, warnings
 * and problems as `spec`.
 *
 * What is portable:
 * - plain data: strings, numbers (also -0, NaN, ±Infinity), booleans, bigint, null, undefined, arrays
 *   (dense, no extra fields) and objects whose prototype is `Object.prototype` or null, with plain data
 *   fields only (no getter or setter, no symbol key, no hidden field); a frozen object comes back frozen;
 * - instances whose prototype is exactly one of the library's own classes ({@link PORTABLE_CLASSES}:
 *   the machine templates, OpenStackCluster, VSphereCluster, HealthCheck): sent as their own data
 *   fields and a class tag, rebuilt with that prototype (the constructor does not run again: nothing
 *   is validated twice);
 * - the results of `addonComponent(props, id)` while they are unchanged ({@link addonComponentArguments}):
 *   rebuilt by calling `addonComponent(props, id)` with the decoded props.
 *
 * Anything else is not portable: user functions (a hand-written component, a hand-written machine
 * template with a `validateFor`), getters and setters, symbol keys, Proxies, cycles, Maps, Sets,
 * Dates, other prototypes and subclasses. Such a spec is rendered on the calling thread.
 *
 * Tags are `Map`s: the structured clone carries them, and no portable value is a Map, so a tag is never
 * mistaken for data. Within one encoding pass (one message), a value met twice is encoded once, so
 * that the structured clone keeps shared instances shared.
 */
import * as util from 'util';
import { addonComponent, addonComponentArguments } from '../addons/addon';
import { CustomMachineTemplate } from '../nodes/machine-template';
import { HealthCheck } from '../nodes/health-check';
import { BasisMachineTemplate } from '../providers/basis';
import { OpenStackCluster, OpenStackMachineTemplate } from '../providers/openstack';
import { OVirtMachineTemplate } from '../providers/ovirt';
import { ShturvalMachineTemplate } from '../providers/shturval';
import { VSphereCluster, VSphereMachineTemplate } from '../providers/vsphere';
import type { AddonName } from '../addons/catalog';
import type { ClusterAddonProps } from '../addons/addon';

/** The library's classes whose instances are portable, by tag. */
export const PORTABLE_CLASSES: Readonly<Record<string, { readonly prototype: object }>> = Object.freeze({
  OpenStackMachineTemplate, OpenStackCluster, VSphereMachineTemplate, VSphereCluster, OVirtMachineTemplate,
  BasisMachineTemplate, ShturvalMachineTemplate, CustomMachineTemplate, HealthCheck,
});

const TAG_OF_PROTOTYPE = new Map<object, string>(Object.entries(PORTABLE_CLASSES).map(([tag, c]) => [c.prototype, tag]));

/** Tag kinds (the first entry of a tag Map). */
const KIND = 'k';
const FROZEN = 'frozen';
const INSTANCE = 'instance';
const ADDON = 'addon';
const NULL_PROTOTYPE = 'null';

/** Deeper than this is not portable (also keeps the walk far from the stack limit). */
const MAX_DEPTH = 200;

const NOT_PORTABLE: unique symbol = Symbol('not portable');

/** Property flags of a data field: writable 1, enumerable 2, configurable 4. */
const ALL_FLAGS = 7;
/** A frozen object's fields: enumerable only. */
const FROZEN_FLAGS = 2;

function flagsOf(d: PropertyDescriptor): number {
  return (d.writable ? 1 : 0) | (d.enumerable ? 2 : 0) | (d.configurable ? 4 : 0);
}

/**
 * Encodes values for one message. Keep one encoder per message (a batch of specs): values met twice
 * are encoded once, so they stay one value on the other side.
 */
export class SpecEncoder {
  private readonly done = new Map<object, unknown>();
  private readonly open = new Set<object>();

  /** The portable form of `value`, or undefined when it is not portable. */
  encode(value: unknown): { readonly value: unknown } | undefined {
    const v = this.walk(value, 0);
    return v === NOT_PORTABLE ? undefined : { value: v };
  }

  private walk(v: unknown, depth: number): unknown {
    switch (typeof v) {
      case 'string': case 'number': case 'boolean': case 'bigint': case 'undefined':
        return v;
      case 'object':
        if (v === null) return v;
        break;
      default:
        return NOT_PORTABLE; // functions, symbols
    }
    const o = v as object;
    const known = this.done.get(o);
    if (known !== undefined) return known;
    if (this.open.has(o) || depth > MAX_DEPTH || util.types.isProxy(o)) return NOT_PORTABLE;
    this.open.add(o);
    let out: unknown;
    try {
      out = this.object(o, depth);
    } catch {
      out = NOT_PORTABLE;
    }
    this.open.delete(o);
    this.done.set(o, out);
    return out;
  }

  private object(o: object, depth: number): unknown {
    const proto = Object.getPrototypeOf(o);
    if (proto === Object.prototype) {
      const args = addonComponentArguments(o);
      if (args) {
        const props = this.walk(args.props, depth + 1);
        return props === NOT_PORTABLE ? NOT_PORTABLE : new Map<string, unknown>([[KIND, ADDON], ['props', props], ['id', args.id]]);
      }
    }
    const array = Array.isArray(o);
    if ((array && proto === Array.prototype) || (!array && (proto === Object.prototype || proto === null))) {
      // plain data: writable fields of an extensible object, or read-only ones of a frozen object; no other mix is carried
      const frozen = Object.isFrozen(o);
      if (!frozen && !Object.isExtensible(o)) return NOT_PORTABLE;
      const data = array ? this.elements(o, frozen ? FROZEN_FLAGS : ALL_FLAGS, depth) : this.fields(o, frozen ? FROZEN_FLAGS : ALL_FLAGS, depth);
      if (data === NOT_PORTABLE) return NOT_PORTABLE;
      // the structured clone gives every object Object.prototype and drops the frozen state: both are put back
      if (proto === null) return new Map<string, unknown>([[KIND, NULL_PROTOTYPE], ['v', data], ['frozen', frozen]]);
      return frozen ? new Map<string, unknown>([[KIND, FROZEN], ['v', data]]) : data;
    }
    const tag = TAG_OF_PROTOTYPE.get(proto);
    if (tag === undefined) return NOT_PORTABLE;
    const names: string[] = [];
    const values: unknown[] = [];
    const flags: number[] = [];
    for (const k of Reflect.ownKeys(o)) {
      if (typeof k !== 'string') return NOT_PORTABLE;
      const d = Object.getOwnPropertyDescriptor(o, k)!;
      if (!('value' in d)) return NOT_PORTABLE;
      const x = this.walk(d.value, depth + 1);
      if (x === NOT_PORTABLE) return NOT_PORTABLE;
      names.push(k);
      values.push(x);
      flags.push(flagsOf(d));
    }
    return new Map<string, unknown>([[KIND, INSTANCE], ['tag', tag], ['names', names], ['values', values], ['flags', flags],
      ['sealed', Object.isSealed(o)], ['frozen', Object.isFrozen(o)], ['extensible', Object.isExtensible(o)]]);
  }

  /** An array's elements, encoded (the array itself when none needs a tag), or NOT_PORTABLE. */
  private elements(o: unknown[], flags: number, depth: number): unknown {
    // the indices and length, nothing else (no hole: the structured clone and the original could differ there)
    if (Reflect.ownKeys(o).length !== o.length + 1) return NOT_PORTABLE;
    let copy: unknown[] | undefined;
    for (let i = 0; i < o.length; i++) {
      const d = Object.getOwnPropertyDescriptor(o, i);
      if (!d || !('value' in d) || flagsOf(d) !== flags) return NOT_PORTABLE;
      const x = this.walk(d.value, depth + 1);
      if (x === NOT_PORTABLE) return NOT_PORTABLE;
      if (x !== d.value) (copy ??= o.slice())[i] = x;
    }
    return copy ?? o;
  }

  /** A plain object's fields, encoded (the object itself when none needs a tag), or NOT_PORTABLE. */
  private fields(o: object, flags: number, depth: number): unknown {
    const keys = Reflect.ownKeys(o);
    let copy: Record<string, unknown> | undefined;
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i];
      if (typeof k !== 'string') return NOT_PORTABLE;
      const d = Object.getOwnPropertyDescriptor(o, k)!;
      if (!('value' in d) || flagsOf(d) !== flags) return NOT_PORTABLE;
      const x = this.walk(d.value, depth + 1);
      if (x === NOT_PORTABLE) return NOT_PORTABLE;
      if (x !== d.value && !copy) {
        copy = {};
        for (let j = 0; j < i; j++) copy[keys[j] as string] = (o as Record<string, unknown>)[keys[j] as string];
      }
      if (copy) copy[k] = x;
    }
    return copy ?? o;
  }
}

/** The portable form of one value (a spec), or undefined when it is not portable. */
export function encodeSpec(value: unknown): { readonly value: unknown } | undefined {
  return new SpecEncoder().encode(value);
}

/**
 * Rebuilds values encoded by a {@link SpecEncoder} and passed through a structured clone. Decodes in
 * place (the clone is its own); keep one decoder per message, so that shared values stay shared.
 */
export class SpecDecoder {
  private readonly done = new Map<object, unknown>();

  decode(v: unknown): unknown {
    if (v === null || typeof v !== 'object') return v;
    const known = this.done.get(v);
    if (known !== undefined) return known;
    // not instanceof: a message from another thread may be read into another realm (a vm context, as under jest)
    if (util.types.isMap(v)) {
      const out = this.tag(v as Map<string, unknown>);
      this.done.set(v, out);
      return out;
    }
    this.done.set(v, v);
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        const x = v[i];
        if (x !== null && typeof x === 'object') v[i] = this.decode(x);
      }
    } else {
      const r = v as Record<string, unknown>;
      for (const k of Object.keys(r)) {
        const x = r[k];
        if (x !== null && typeof x === 'object') r[k] = this.decode(x);
      }
    }
    return v;
  }

  private tag(m: Map<string, unknown>): unknown {
    switch (m.get(KIND)) {
      case FROZEN:
        return Object.freeze(this.decode(m.get('v')));
      case NULL_PROTOTYPE: {
        const o = Object.setPrototypeOf(this.decode(m.get('v')), null) as object;
        return m.get('frozen') ? Object.freeze(o) : o;
      }
      case ADDON:
        return addonComponent(this.decode(m.get('props')) as Omit<ClusterAddonProps<AddonName>, 'cluster'>, m.get('id') as string);
      case INSTANCE: {
        const cls = PORTABLE_CLASSES[m.get('tag') as string];
        const o = Object.create(cls.prototype) as Record<string, unknown>;
        const names = m.get('names') as string[];
        const values = m.get('values') as unknown[];
        const flags = m.get('flags') as number[];
        for (let i = 0; i < names.length; i++) {
          const f = flags[i];
          Object.defineProperty(o, names[i], { value: this.decode(values[i]), writable: (f & 1) !== 0, enumerable: (f & 2) !== 0, configurable: (f & 4) !== 0 });
        }
        if (m.get('frozen')) Object.freeze(o);
        else if (m.get('sealed')) Object.seal(o);
        else if (!m.get('extensible')) Object.preventExtensions(o);
        return o;
      }
      default:
        throw new Error(`portable-spec: unknown tag ${String(m.get(KIND))}`);
    }
  }
}

/** The value encoded by {@link encodeSpec}, after a structured clone. */
export function decodeSpec(value: unknown): unknown {
  return new SpecDecoder().decode(value);
}
