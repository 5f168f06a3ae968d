/**
 * Label and field selectors of list requests, parsed as kube-apiserver parses them
 * (k8s.io/apimachinery pkg/labels and pkg/fields). Malformed selectors answer 400.
 */
import { errors } from './status';

type Requirement =
  | { key: string; op: 'in' | 'notin'; values: string[] }
  | { key: string; op: 'exists' | '!exists' };

/** `a=b,c!=d,e,!f,g in (x,y),h notin (z)` -> a predicate over labels. */
export function parseLabelSelector(text: string): (labels: Record<string, string> | undefined) => boolean {
  const reqs: Requirement[] = [];
  for (const part of splitTopLevel(text)) {
    const s = part.trim();
    if (!s) continue;
    let m: RegExpExecArray | null;
    if ((m = /^([^\s=!()]+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(s))) {
      reqs.push({ key: checkKey(m[1], text), op: m[2] as 'in' | 'notin', values: m[3].split(',').map((v) => checkValue(v.trim(), text)) });
    } else if ((m = /^([^\s=!()]+)\s*(==|=|!=)\s*([^\s=!(),]*)$/.exec(s))) {
      reqs.push({ key: checkKey(m[1], text), op: m[2] === '!=' ? 'notin' : 'in', values: [checkValue(m[3], text)] });
    } else if ((m = /^!\s*([^\s=!()]+)$/.exec(s))) {
      reqs.push({ key: checkKey(m[1], text), op: '!exists' });
    } else if (/^[^\s=!()]+$/.test(s)) {
      reqs.push({ key: checkKey(s, text), op: 'exists' });
    } else {
      throw errors.badRequest(`unable to parse requirement: ${JSON.stringify(s)} in label selector ${JSON.stringify(text)}`);
    }
  }
  return (labels) => reqs.every((r) => {
    const has = labels !== undefined && Object.prototype.hasOwnProperty.call(labels, r.key);
    switch (r.op) {
      case 'exists': return has;
      case '!exists': return !has;
      case 'in': return has && r.values.includes(labels![r.key]);
      case 'notin': return !has || !r.values.includes(labels![r.key]);
    }
  });
}

/** Matches a `metav1.LabelSelector` ({matchLabels, matchExpressions}) as PDBs and Services use it. */
export function matchesLabelSelector(selector: any, labels: Record<string, string> | undefined): boolean {
  if (!selector || typeof selector !== 'object') return false;
  const l = labels ?? {};
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) if (l[k] !== v) return false;
  for (const e of selector.matchExpressions ?? []) {
    const has = Object.prototype.hasOwnProperty.call(l, e.key);
    const values: string[] = e.values ?? [];
    switch (e.operator) {
      case 'In': if (!has || !values.includes(l[e.key])) return false; break;
      case 'NotIn': if (has && values.includes(l[e.key])) return false; break;
      case 'Exists': if (!has) return false; break;
      case 'DoesNotExist': if (has) return false; break;
      default: return false;
    }
  }
  return true;
}

/** Field labels each kind supports beyond metadata.name and metadata.namespace (as registered in kube-apiserver). */
const FIELD_LABELS: Record<string, string[]> = {
  Pod: ['spec.nodeName', 'spec.restartPolicy', 'spec.schedulerName', 'spec.serviceAccountName', 'spec.hostNetwork',
    'status.phase', 'status.podIP', 'status.nominatedNodeName'],
  Node: ['spec.unschedulable'],
  Secret: ['type'],
  Namespace: ['status.phase'],
  Event: ['involvedObject.kind', 'involvedObject.namespace', 'involvedObject.name', 'involvedObject.uid', 'reason', 'type', 'source'],
};

/** `metadata.name=x,spec.nodeName!=y` -> a predicate over objects; an unsupported field label answers 400. */
export function parseFieldSelector(text: string, kind: string): (obj: any) => boolean {
  const supported = new Set(['metadata.name', 'metadata.namespace', ...(FIELD_LABELS[kind] ?? [])]);
  const reqs: { path: string; neg: boolean; value: string }[] = [];
  for (const part of text.split(',')) {
    const s = part.trim();
    if (!s) continue;
    const m = /^([^=!]+)(==|=|!=)(.*)$/.exec(s);
    if (!m) throw errors.badRequest(`invalid selector: '${text}'; can't understand '${s}'`);
    const path = m[1].trim();
    if (!supported.has(path)) throw errors.badRequest(`field label not supported: ${path}`);
    reqs.push({ path, neg: m[2] === '!=', value: m[3].trim() });
  }
  return (obj) => reqs.every((r) => (fieldValue(obj, r.path) === r.value) !== r.neg);
}

function fieldValue(obj: any, path: string): string {
  let v: any = obj;
  for (const k of path.split('.')) v = v?.[k];
  return v === undefined || v === null ? '' : String(v);
}

/** Splits on commas that are not inside parentheses (`a in (x,y),b`). */
function splitTopLevel(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of text) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) { out.push(cur); cur = ''; } else cur += ch;
  }
  out.push(cur);
  return out;
}

const LABEL_KEY = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const LABEL_VALUE = /^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?$/;

function checkKey(key: string, text: string): string {
  if (!LABEL_KEY.test(key)) throw errors.badRequest(`unable to parse requirement: invalid label key ${JSON.stringify(key)} in ${JSON.stringify(text)}`);
  return key;
}

function checkValue(value: string, text: string): string {
  if (!LABEL_VALUE.test(value) || value.length > 63) {
    throw errors.badRequest(`unable to parse requirement: invalid label value ${JSON.stringify(value)} in ${JSON.stringify(text)}`);
  }
  return value;
}
