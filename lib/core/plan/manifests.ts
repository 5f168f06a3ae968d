/**
 * A set of manifests (the previous or the next state), checked and indexed by cluster: every object
 * is filed under the Cluster it belongs to, then by identity (API group, kind, namespace, name). The
 * API version is not part of the identity, so an object moved from v1beta1 to v1beta2 is the same
 * object.
 */
import { parseAllDocuments } from 'yaml';
import { LABEL_ADDON_CLUSTER } from '../addons/addon';
import { CLUSTER_GROUP, LABEL_CLUSTER_NAME } from '../output/api-versions';
import { Problems, show } from '../rules/errors';
import { checkArguments } from '../rules/arguments';
import { Manifest } from '../output/manifest';
import { getPath, isPlainObject } from './diff';
import { ObjectId } from './types';

/** The objects of one cluster, by {@link objectKey}. */
export interface ClusterObjects {
  readonly namespace: string;
  /** Empty for objects that name no cluster. */
  readonly name: string;
  readonly objects: ReadonlyMap<string, Manifest>;
}

/** A checked manifest set: clusters by `<namespace>/<name>`. */
export interface ManifestSet {
  readonly clusters: ReadonlyMap<string, ClusterObjects>;
}

/** The API group of an apiVersion (`""` for the core group). */
export function apiGroup(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

/** The API version without its group: `v1beta2`. */
export function apiVersionOnly(apiVersion: string): string {
  return apiVersion.slice(apiVersion.indexOf('/') + 1);
}

export function objectId(m: Manifest): ObjectId {
  return { apiVersion: m.apiVersion, kind: m.kind, namespace: m.metadata.namespace ?? 'default', name: m.metadata.name };
}

/** Identity of an object across versions: `<group>/<kind>/<namespace>/<name>`. */
export function objectKey(m: Manifest): string {
  return `${apiGroup(m.apiVersion)}/${m.kind}/${m.metadata.namespace ?? 'default'}/${m.metadata.name}`;
}

const KUBECONFIG_SUFFIX = '-kubeconfig';

/**
 * The cluster an object belongs to: a Cluster is its own; other objects name theirs by the
 * `cluster.x-k8s.io/cluster-name` label (on every node-group object the library emits), the add-on
 * label `addons.capi-constructs.io/cluster`, an owner reference to a Cluster, `spec.clusterName`, or, for a Flux object that deploys
 * to a workload cluster, its `spec.kubeConfig.secretRef.name` (Cluster API names that Secret
 * `<cluster>-kubeconfig`). Objects with none of these belong to no cluster (name `""`).
 */
export function clusterNameOf(m: Manifest): string {
  if (m.kind === 'Cluster' && apiGroup(m.apiVersion) === CLUSTER_GROUP) return m.metadata.name;
  for (const key of [LABEL_CLUSTER_NAME, LABEL_ADDON_CLUSTER]) {
    const label = m.metadata.labels?.[key];
    if (typeof label === 'string' && label !== '') return label;
  }
  const owners = (m.metadata as { ownerReferences?: unknown }).ownerReferences;
  if (Array.isArray(owners)) {
    const owner = owners.find((o) => isPlainObject(o) && o.kind === 'Cluster' && typeof o.apiVersion === 'string' && apiGroup(o.apiVersion) === CLUSTER_GROUP);
    if (owner && typeof owner.name === 'string' && owner.name !== '') return owner.name;
  }
  const spec = m.spec;
  if (!isPlainObject(spec)) return '';
  if (typeof spec.clusterName === 'string' && spec.clusterName !== '') return spec.clusterName;
  const secret = getPath(spec, ['kubeConfig', 'secretRef', 'name']);
  if (typeof secret === 'string' && secret.endsWith(KUBECONFIG_SUFFIX) && secret.length > KUBECONFIG_SUFFIX.length) return secret.slice(0, -KUBECONFIG_SUFFIX.length);
  return '';
}

/**
 * Checks and indexes a manifest set. `what` names the set in errors (`previous`, `next`). Every
 * entry must be an object with apiVersion, kind and metadata.name; an object given twice is an
 * error. All problems are reported together.
 */
export function indexManifests(objects: readonly unknown[], what: string): ManifestSet {
  const p = new Problems(`Manifest set ${show(what)}`);
  if (!Array.isArray(objects)) {
    p.error(what, `must be a list of Kubernetes objects, got ${show(objects)}`);
    p.throwIfErrors();
  }
  const clusters = new Map<string, { namespace: string; name: string; objects: Map<string, Manifest> }>();
  const seen = new Map<string, number>();
  objects.forEach((o, i) => {
    const path = `${what}[${i}]`;
    if (!isManifest(p, path, o)) return;
    const key = objectKey(o);
    const first = seen.get(key);
    if (first !== undefined) {
      p.error(path, `${o.kind} ${show(`${o.metadata.namespace ?? 'default'}/${o.metadata.name}`)} is given twice (first at ${what}[${first}])`);
      return;
    }
    seen.set(key, i);
    const namespace = o.metadata.namespace ?? 'default';
    const name = clusterNameOf(o);
    const ck = `${namespace}/${name}`;
    let c = clusters.get(ck);
    if (!c) {
      c = { namespace, name, objects: new Map() };
      clusters.set(ck, c);
    }
    c.objects.set(key, o);
  });
  p.throwIfErrors();
  return { clusters };
}

function isManifest(p: Problems, path: string, o: unknown): o is Manifest {
  if (!isPlainObject(o)) {
    p.error(path, `must be a Kubernetes object, got ${show(o)}`);
    return false;
  }
  let ok = true;
  for (const f of ['apiVersion', 'kind'] as const) {
    if (typeof o[f] !== 'string' || o[f] === '') {
      p.error(`${path}.${f}`, `is required, got ${show(o[f])}`);
      ok = false;
    }
  }
  const meta = o.metadata;
  if (!isPlainObject(meta) || typeof meta.name !== 'string' || meta.name === '') {
    p.error(`${path}.metadata.name`, `is required, got ${show(isPlainObject(meta) ? meta.name : meta)}`);
    ok = false;
  } else if (meta.namespace !== undefined && (typeof meta.namespace !== 'string' || meta.namespace === '')) {
    p.error(`${path}.metadata.namespace`, `must be a non-empty string, got ${show(meta.namespace)}`);
    ok = false;
  }
  return ok;
}

/** Bounds of the YAML that {@link parseManifestFile} reads: characters per file, alias expansions per document, nesting. */
export const MAX_MANIFEST_FILE_CHARS = 64 * 1024 * 1024;
export const MAX_ALIAS_COUNT = 100;
export const MAX_MANIFEST_DEPTH = 100;
/** A broken document reports its first errors; the rest follow from them. */
const MAX_ERRORS_PER_DOCUMENT = 5;

/** Why the YAML reader gave up, in words (an alias bomb, a nesting too deep for the reader's stack). */
function unreadable(e: unknown): string {
  if (e instanceof RangeError) return `nests deeper than the YAML reader can follow (at most ${MAX_MANIFEST_DEPTH} levels are expected)`;
  const message = e instanceof Error ? e.message.split('\n')[0] : String(e);
  if (/alias/i.test(message)) return `expands YAML aliases more than ${MAX_ALIAS_COUNT} times (refused: a document that grows this way exhausts memory)`;
  return `cannot be read as YAML: ${message}`;
}

/** Whether `value` nests (maps and lists) deeper than `max` levels; iterative, so any depth is safe. */
function depthExceeds(value: unknown, max: number): boolean {
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length > 0) {
    const [v, d] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (d > max) return true;
    for (const c of Array.isArray(v) ? v : Object.values(v)) stack.push([c, d + 1]);
  }
  return false;
}

/**
 * Parses one YAML file of one or more documents (`---`), as cdk8s and the library write them, into
 * objects. Empty documents are skipped. A syntax error is a ValidationError naming the file and the
 * line.
 */
export function parseManifestFile(file: string, content: string): unknown[] {
  if (typeof file !== 'string' || typeof content !== 'string') {
    checkArguments('parseManifestFile', [['file', file, typeof file === 'string', 'a file name as a string'], ['content', content, typeof content === 'string', 'the file\'s text as a string']]);
  }
  const p = new Problems(`Manifest file ${show(file)}`);
  const out: unknown[] = [];
  if (content.length > MAX_MANIFEST_FILE_CHARS) {
    p.error(file, `has ${content.length} characters, more than the ${MAX_MANIFEST_FILE_CHARS} a manifest file may have`);
    p.throwIfErrors();
  }
  let docs: ReturnType<typeof parseAllDocuments>;
  try {
    docs = parseAllDocuments(content);
  } catch (e) {
    p.error(file, unreadable(e));
    p.throwIfErrors();
    return out;
  }
  (Array.isArray(docs) ? docs : [docs]).forEach((doc, i) => {
    if (doc.errors.length > 0) {
      // a reader that ran out of stack reports it at every position after: one message for it
      if (doc.errors.some((e) => /Maximum call stack size exceeded/.test(e.message))) p.error(`${file}#${i}`, unreadable(new RangeError()));
      else for (const e of doc.errors.slice(0, MAX_ERRORS_PER_DOCUMENT)) p.error(`${file}#${i}`, `${e.message.split('\n')[0]}`);
      return;
    }
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    } catch (e) {
      p.error(`${file}#${i}`, unreadable(e));
      return;
    }
    if (value === null || value === undefined) return;
    if (depthExceeds(value, MAX_MANIFEST_DEPTH)) {
      p.error(`${file}#${i}`, `nests deeper than ${MAX_MANIFEST_DEPTH} levels: not a Kubernetes object`);
      return;
    }
    out.push(value);
  });
  p.throwIfErrors();
  return out;
}
