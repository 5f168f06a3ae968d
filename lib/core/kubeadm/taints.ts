/**
 * Node taints set at registration (`nodeRegistration.taints`).
 *
 * kubeadm applies the list when the node registers. On control-plane nodes an unset list means
 * kubeadm's default `node-role.kubernetes.io/control-plane:NoSchedule`; a given list REPLACES that
 * default, and an empty list leaves the nodes untainted. The library emits exactly the list given
 * (an empty one too: v1beta2 allows `taints: []` for this reason) and warns when a control-plane
 * list lacks the control-plane taint. Rules (Kubernetes `validateTaint`): the key is a qualified
 * name (optional DNS prefix and `/`, then at most 63 characters), the value a label value, the
 * effect NoSchedule, PreferNoSchedule or NoExecute, and key plus effect unique.
 */
import { Problems, show } from '../rules/errors';
import { checkEnum, checkObject, isLabelKey, isLabelValue } from '../rules/validation';

/** What a taint does to pods that do not tolerate it. */
export type TaintEffect = 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';
/** Every taint effect Kubernetes knows. */
export const TAINT_EFFECTS: readonly TaintEffect[] = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'];

/** A taint a node registers with (`nodeRegistration.taints[]`). */
export interface Taint {
  /** A qualified name, e.g. `dedicated` or `example.com/gpu`. */
  readonly key: string;
  /** A label value. @default none (empty) */
  readonly value?: string;
  readonly effect: TaintEffect;
}

/** kubeadm's default taint of control-plane nodes. */
export const CONTROL_PLANE_TAINT: Taint = { key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' };

/** Validates a taint list; `[]` stays `[]` (it means "no taints", not "default"). */
export function checkTaints(p: Problems, path: string, value: unknown): Taint[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value)) {
    p.error(path, `must be a list of { key, value, effect }, got ${show(value)}`);
    return undefined;
  }
  if (value.length > 100) {
    p.error(path, `has ${value.length} taints; Cluster API allows at most 100`);
    return undefined;
  }
  const out: Taint[] = [];
  const seen = new Map<string, number>();
  let ok = true;
  value.forEach((t: unknown, i) => {
    const at = `${path}[${i}]`;
    if (!checkObject(p, at, t)) {
      ok = false;
      return;
    }
    for (const k of Object.keys(t)) {
      if (!['key', 'value', 'effect'].includes(k) && t[k] !== undefined) {
        p.error(`${at}.${k}`, `${show(k)} is not a field of a taint; a taint has key, value and effect`);
        ok = false;
      }
    }
    if (typeof t.key !== 'string' || !isLabelKey(t.key)) {
      p.error(`${at}.key`, `${show(t.key)} is not a valid taint key: an optional DNS subdomain prefix and '/', then at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit`);
      ok = false;
    }
    if (t.value !== undefined && (typeof t.value !== 'string' || !isLabelValue(t.value))) {
      p.error(`${at}.value`, `${show(t.value)} is not a valid taint value: at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit`);
      ok = false;
    }
    const effect = checkEnum(p, `${at}.effect`, t.effect, TAINT_EFFECTS);
    if (!effect) ok = false;
    if (typeof t.key === 'string' && effect) {
      const id = `${t.key}:${effect}`;
      if (seen.has(id)) {
        p.error(at, `taint ${show(id)} is already given at ${path}[${seen.get(id)}]: Kubernetes requires key and effect to be unique`);
        ok = false;
      } else seen.set(id, i);
    }
    if (ok) out.push(t.value === undefined || t.value === '' ? { key: t.key as string, effect: effect! } : { key: t.key as string, value: t.value as string, effect: effect! });
  });
  return ok ? out : undefined;
}
