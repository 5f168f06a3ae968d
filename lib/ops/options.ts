/**
 * Validation of what callers pass to NodeOperations: every problem of one call reported together as
 * a ValidationError naming the field, before anything is read or written. Unknown options are errors.
 */
import { Problems, show } from '../core/rules/errors';
import { checkBoolean, checkDns1123Label, checkInt, checkLabels, isDns1123Subdomain, isLabelKey } from '../core/rules/validation';

const isPlainObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

function checkKeys(p: Problems, path: string, value: unknown, known: readonly string[], required = false): value is Record<string, unknown> {
  if (value === undefined && !required) return false;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    p.error(path, `must be an object, got ${show(value)}`);
    return false;
  }
  for (const k of Object.keys(value)) {
    if (!known.includes(k)) p.error(`${path}.${k}`, `is not an option (allowed: ${known.join(', ')})`);
  }
  return true;
}

/** Node names are DNS-1123 subdomains; anything else cannot name a Node (nor reach a URL path). */
function checkNodeName(p: Problems, node: unknown): void {
  if (typeof node !== 'string' || !isDns1123Subdomain(node)) p.error('node', `${show(node)} is not a node name (a DNS-1123 subdomain of at most 253 characters)`);
}

/** The methods of `KubeConfigLike` (./types): what the library calls on a KubeConfig of @kubernetes/client-node. */
const KUBE_CONFIG_METHODS = ['getCurrentCluster', 'makeApiClient', 'applySecurityAuthentication'] as const;

/**
 * `kubeConfig` must be a KubeConfig of @kubernetes/client-node (an object with the methods of
 * `KubeConfigLike`). The value itself is never shown: a kubeconfig's text or object holds credentials.
 */
export function checkKubeConfig(p: Problems, path: string, value: unknown): void {
  const rule = 'must be a KubeConfig of @kubernetes/client-node (new KubeConfig(), then loadFromDefault() or loadFromFile())';
  if (value === null || (typeof value !== 'object' && typeof value !== 'function')) {
    p.error(path, `${rule}, got ${value === null ? 'null' : value === undefined ? 'undefined' : `a ${typeof value}`}`);
    return;
  }
  const missing = KUBE_CONFIG_METHODS.filter((m) => typeof (value as Record<string, unknown>)[m] !== 'function');
  if (missing.length > 0) p.error(path, `${rule}, got an object without ${missing.join(', ')}`);
}

export function checkConstruction(kubeConfig: unknown, cluster: unknown, options: unknown): void {
  const p = new Problems('NodeOperations');
  checkKubeConfig(p, 'kubeConfig', kubeConfig);
  const c = cluster as { name?: unknown; namespace?: unknown } | undefined;
  if (checkKeys(p, 'cluster', cluster, ['name', 'namespace'], true)) {
    checkDns1123Label(p, 'cluster.name', c?.name);
    checkDns1123Label(p, 'cluster.namespace', c?.namespace);
  }
  if (checkKeys(p, 'options', options, ['dryRun', 'apiVersion', 'clock'])) {
    const o = options as Record<string, unknown>;
    checkBoolean(p, 'options.dryRun', o.dryRun);
    if (o.apiVersion !== undefined && !['preferred', 'v1beta2', 'v1beta1'].includes(o.apiVersion as string)) {
      p.error('options.apiVersion', `${show(o.apiVersion)} must be "preferred", "v1beta2" or "v1beta1"`);
    }
  }
  p.throwIfErrors();
}

export function checkCall(action: string, node: unknown, options?: unknown): void {
  const p = new Problems(`${action} ${typeof node === 'string' ? node : show(node)}`);
  checkNodeName(p, node);
  if (action === 'drain' && checkKeys(p, 'options', options, ['deleteEmptyDirData', 'force', 'timeoutSeconds', 'onProgress'])) {
    const o = options as Record<string, unknown>;
    checkBoolean(p, 'options.deleteEmptyDirData', o.deleteEmptyDirData);
    checkBoolean(p, 'options.force', o.force);
    if (o.timeoutSeconds !== undefined) checkInt(p, 'options.timeoutSeconds', o.timeoutSeconds, 1);
    if (o.onProgress !== undefined && typeof o.onProgress !== 'function') p.error('options.onProgress', `must be a function, got ${show(o.onProgress)}`);
  }
  if (action === 'delete') {
    if (checkKeys(p, 'options', options, ['replace', 'confirm'], true)) {
      const o = options as Record<string, unknown>;
      if (typeof o.replace !== 'boolean') p.error('options.replace', `must be true (replace the Machine) or false (remove it for good), got ${show(o.replace)}`);
      if (o.confirm !== undefined && typeof o.confirm !== 'string') p.error('options.confirm', `must be the node's name, got ${show(o.confirm)}`);
    }
  }
  if (action === 'label' || action === 'annotate') checkMetadataChange(p, options, action === 'label' ? 'labels' : 'annotations');
  p.throwIfErrors();
}

const TARGETS = ['machine', 'infra', 'node'];

/** `{on, set, remove}` of label/annotate: a target, valid keys and values, at least one change, no key both set and removed. */
function checkMetadataChange(p: Problems, options: unknown, kind: 'labels' | 'annotations'): void {
  if (!checkKeys(p, 'options', options, ['on', 'set', 'remove'], true)) return;
  const o = options as Record<string, unknown>;
  if (!TARGETS.includes(o.on as string)) p.error('options.on', `${show(o.on)} must be "machine", "infra" or "node"`);
  const set = checkLabels(p, 'options.set', o.set, kind) ?? {};
  const remove: string[] = [];
  if (o.remove !== undefined) {
    if (!Array.isArray(o.remove)) p.error('options.remove', `must be a list of keys, got ${show(o.remove)}`);
    else {
      o.remove.forEach((k, i) => {
        if (typeof k !== 'string' || !isLabelKey(k)) p.error(`options.remove[${i}]`, `${show(k)} is not a valid ${kind === 'labels' ? 'label' : 'annotation'} key: an optional DNS subdomain prefix and '/', then at most 63 letters, digits, '-', '_' or '.'`);
        else if (remove.includes(k)) p.error(`options.remove[${i}]`, `${show(k)} is given twice`);
        else {
          remove.push(k);
          if (Object.prototype.hasOwnProperty.call(set, k)) p.error(`options.remove[${i}]`, `${show(k)} is both set and removed`);
        }
      });
    }
  }
  if (o.remove === undefined || Array.isArray(o.remove)) {
    if (Object.keys(isPlainObject(o.set) ? o.set : {}).length + (Array.isArray(o.remove) ? o.remove.length : 0) === 0) p.error('options', 'give at least one key to set or remove');
  }
}

export function checkList(options: unknown): void {
  const p = new Problems('list');
  if (checkKeys(p, 'options', options, ['showIps'])) checkBoolean(p, 'options.showIps', (options as Record<string, unknown>).showIps);
  p.throwIfErrors();
}
