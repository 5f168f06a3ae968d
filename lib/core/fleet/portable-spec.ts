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
 * mistaken for data. The message lists where its tags are ({@link Envelope}), so the other side
 * rebuilds them without walking the data. Within one message, a value met twice is encoded once, so
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
 * What one message carries: the encoded values (`v`) and where their tags are (`f`: container, key,
 * container, key, ..., innermost first), so that the other side rebuilds the tags without walking
 * the data around them.
 */
export interface Envelope {
  readonly v: unknown[];
  readonly f: unknown[];
}

/**
 * Encodes values for one message. Keep one encoder per message (a batch of specs): values met twice
 * are encoded once, so they stay one value on the other side.
 */
export class SpecEncoder {
  readonly envelope: Envelope = { v: [], f: [] };
  private readonly done = new Map<object, unknown>();
  private readonly open = new Set<object>();
  /** What the current {@link add} encoded. */
  private readonly added: object[] = [];

  /** Adds the portable form of `value` to the envelope: its position there, or -1 when it is not portable. */
  add(value: unknown): number {
    const tags = this.envelope.f.length;
    this.added.length = 0;
    const x = this.walk(value, 0);
    if (x === NOT_PORTABLE) {
      // nothing of it is sent: its tags' places are dropped, and so is what was encoded for it (whose places were among them)
      this.envelope.f.length = tags;
      for (const o of this.added) this.done.delete(o);
      return -1;
    }
    const i = this.envelope.v.push(x) - 1;
    this.placed(this.envelope.v, i, x);
    return i;
  }

  /** `x` was put at `container[key]`: a tag is recorded, to be rebuilt there. */
  private placed(container: object, key: string | number, x: unknown): void {
    if (x instanceof Map) this.envelope.f.push(container, key);
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
    this.added.push(o);
    return out;
  }

  private object(o: object, depth: number): unknown {
    const proto = Object.getPrototypeOf(o);
    if (proto === Object.prototype) {
      const args = addonComponentArguments(o);
      if (args) {
        const props = this.walk(args.props, depth + 1);
        if (props === NOT_PORTABLE) return NOT_PORTABLE;
        const tag = new Map<string, unknown>([[KIND, ADDON], ['props', props], ['id', args.id]]);
        this.placed(tag, 'props', props);
        return tag;
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
    const descriptors = Object.getOwnPropertyDescriptors(o);
    if (Object.getOwnPropertySymbols(descriptors).length > 0) return NOT_PORTABLE;
    for (const k of Object.keys(descriptors)) {
      const d = descriptors[k];
      if (!('value' in d)) return NOT_PORTABLE;
      const x = this.walk(d.value, depth + 1);
      if (x === NOT_PORTABLE) return NOT_PORTABLE;
      names.push(k);
      this.placed(values, values.push(x) - 1, x);
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
      if (x !== d.value) {
        (copy ??= o.slice())[i] = x;
        this.placed(copy, i, x);
      }
    }
    return copy ?? o;
  }

  /** A plain object's fields, encoded (the object itself when none needs a tag), or NOT_PORTABLE. */
  private fields(o: object, flags: number, depth: number): unknown {
    const descriptors = Object.getOwnPropertyDescriptors(o);
    if (Object.getOwnPropertySymbols(descriptors).length > 0) return NOT_PORTABLE;
    const keys = Object.keys(descriptors);
    let copy: Record<string, unknown> | undefined;
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i];
      if (k === '__proto__') return NOT_PORTABLE; // an own field of that name: not carried by a plain assignment
      const d = descriptors[k];
      if (!('value' in d) || flagsOf(d) !== flags) return NOT_PORTABLE;
      const x = this.walk(d.value, depth + 1);
      if (x === NOT_PORTABLE) return NOT_PORTABLE;
      if (x !== d.value && !copy) {
        copy = {};
        for (let j = 0; j < i; j++) copy[keys[j]] = descriptors[keys[j]].value;
      }
      if (copy) {
        copy[k] = x;
        this.placed(copy, k, x);
      }
    }
    return copy ?? o;
  }
}

/** The portable form of one value (a spec) in an envelope of its own, or undefined when it is not portable. */
export function encodeSpec(value: unknown): Envelope | undefined {
  const e = new SpecEncoder();
  return e.add(value) < 0 ? undefined : e.envelope;
}

/**
 * Rebuilds, in place, the values of an envelope made by a {@link SpecEncoder} and passed through a
 * structured clone (which makes the copy this changes), and returns them: only the tags are visited,
 * innermost first; a tag met twice is rebuilt once.
 */
export function decodeEnvelope(envelope: Envelope): unknown[] {
  const done = new Map<object, unknown>();
  const f = envelope.f;
  for (let i = 0; i < f.length; i += 2) {
    const container = f[i] as Record<string | number, unknown>;
    const key = f[i + 1] as string | number;
    // not instanceof: a message from another thread may be read into another realm (a vm context, as under jest)
    const map = util.types.isMap(container);
    const m = (map ? (container as unknown as Map<unknown, unknown>).get(key) : container[key]) as Map<string, unknown>;
    let x = done.get(m);
    if (x === undefined) {
      x = rebuild(m);
      done.set(m, x);
    }
    if (map) (container as unknown as Map<unknown, unknown>).set(key, x);
    else container[key] = x;
  }
  return envelope.v;
}

/** One tag, whose inner tags are rebuilt already. */
function rebuild(m: Map<string, unknown>): unknown {
  switch (m.get(KIND)) {
    case FROZEN:
      return Object.freeze(m.get('v'));
    case NULL_PROTOTYPE: {
      const o = Object.setPrototypeOf(m.get('v'), null) as object;
      return m.get('frozen') ? Object.freeze(o) : o;
    }
    case ADDON:
      return addonComponent(m.get('props') as Omit<ClusterAddonProps<AddonName>, 'cluster'>, m.get('id') as string);
    case INSTANCE: {
      const cls = PORTABLE_CLASSES[m.get('tag') as string];
      const o = Object.create(cls.prototype) as Record<string, unknown>;
      const names = m.get('names') as string[];
      const values = m.get('values') as unknown[];
      const flags = m.get('flags') as number[];
      for (let i = 0; i < names.length; i++) {
        const f = flags[i];
        // plain fields by assignment (the fast path); a frozen instance's fields become read-only below
        if (f === ALL_FLAGS || (f === FROZEN_FLAGS && m.get('frozen'))) o[names[i]] = values[i];
        else Object.defineProperty(o, names[i], { value: values[i], writable: (f & 1) !== 0, enumerable: (f & 2) !== 0, configurable: (f & 4) !== 0 });
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

/** The value encoded by {@link encodeSpec}, after a structured clone. */
export function decodeSpec(envelope: Envelope): unknown {
  return decodeEnvelope(envelope)[0];
}
