/**
 * The argument checks of the exported plan functions (public.ts): manifests are plain JSON objects
 * with apiVersion, kind and metadata.name, nesting at most {@link MAX_MANIFEST_DEPTH} levels (so no
 * cycle), with no accessor, Map, Date, BigInt, function or other non-JSON value anywhere. Each check
 * returns what is wrong, or undefined; {@link checkPlanArguments} throws one ValidationError naming
 * every wrong argument. Nothing here calls a getter or a method of the value.
 */
import { Problems, show, ValidationError } from '../rules/errors';
import { describeValue, isPlainRecord } from '../rules/validation';
import { MAX_MANIFEST_DEPTH } from './manifests';

/** Manifests found valid, by identity: the plan functions call each other on the same objects. */
const validManifests = new WeakSet<object>();

/** Throws a ValidationError for `subject` naming every argument whose problem is set. */
export function checkPlanArguments(subject: string, args: readonly (readonly [name: string, value: unknown, problem: string | undefined])[]): void {
  if (args.every((a) => a[2] === undefined)) return;
  const p = new Problems(subject);
  for (const [name, , problem] of args) if (problem !== undefined) p.error(name, problem);
  p.throwIfErrors();
}

/**
 * Why `value` is not plain JSON data nesting at most `maxDepth` levels, or undefined. `lenient` checks
 * only what the planner cannot survive (nesting, so cycles too, and getters): planFleet takes any
 * objects and reports the malformed ones itself.
 */
export function jsonProblem(value: unknown, maxDepth = MAX_MANIFEST_DEPTH, lenient = false): string | undefined {
  const stack: [unknown, string, number][] = [[value, '', 0]];
  while (stack.length > 0) {
    const [v, at, depth] = stack.pop()!;
    const where = at === '' ? '' : ` at ${at}`;
    if (v === null || typeof v === 'string' || typeof v === 'boolean') continue;
    if (typeof v === 'number') {
      if (!lenient && !Number.isFinite(v)) return `holds ${String(v)}${where}, which JSON has not`;
      continue;
    }
    if (typeof v !== 'object') {
      if (lenient) continue;
      return `holds ${describeValue(v)}${where}: a manifest is JSON data`;
    }
    if (depth >= maxDepth) return `nests deeper than ${maxDepth} levels${where} (or contains itself)`;
    let keys: string[];
    try {
      if (!lenient && !Array.isArray(v) && !isPlainRecord(v)) return `holds ${describeValue(v)}${where}: a manifest is JSON data`;
      keys = Object.keys(v);
    } catch {
      return `cannot be read${where} (a Proxy that throws)`;
    }
    for (const k of keys) {
      const d = Object.getOwnPropertyDescriptor(v, k);
      const kAt = Array.isArray(v) ? `${at}[${k}]` : `${at}${at === '' ? '' : '.'}${k.length > 40 ? `${k.slice(0, 40)}…` : k}`;
      if (d === undefined) continue;
      if (!('value' in d)) return `has a getter at ${kAt}: a manifest is plain data`;
      if (d.value !== undefined) stack.push([d.value, kAt, depth + 1]);
    }
  }
  return undefined;
}

/** Why `value` is not a Kubernetes object (apiVersion, kind, metadata.name; plain JSON), or undefined. */
export function manifestProblem(value: unknown): string | undefined {
  if (value !== null && typeof value === 'object' && validManifests.has(value)) return undefined;
  if (!isPlainRecord(value)) return `must be a Kubernetes object { apiVersion, kind, metadata: { name } }, got ${describeValue(value)}`;
  let shape: string[];
  try {
    shape = shapeProblems(value);
  } catch {
    // a getter or a Proxy that throws: the walk names where
    return jsonProblem(value) ?? 'cannot be read (a getter or Proxy that throws): a manifest is plain data';
  }
  if (shape.length > 0) return shape.join('; ');
  const json = jsonProblem(value);
  if (json !== undefined) return json;
  validManifests.add(value);
  return undefined;
}

/** What is wrong with the apiVersion, kind and metadata of a manifest (may throw on a getter or Proxy). */
function shapeProblems(value: Record<string, any>): string[] {
  return [
    typeof value.apiVersion === 'string' && value.apiVersion !== '' ? undefined : `apiVersion must be a non-empty string, got ${describeValue(value.apiVersion)}`,
    typeof value.kind === 'string' && value.kind !== '' ? undefined : `kind must be a non-empty string, got ${describeValue(value.kind)}`,
    isPlainRecord(value.metadata) && typeof value.metadata.name === 'string' && value.metadata.name !== ''
      ? undefined : `metadata.name must be a non-empty string, got ${describeValue(isPlainRecord(value.metadata) ? value.metadata.name : value.metadata)}`,
    isPlainRecord(value.metadata) && value.metadata.namespace !== undefined && typeof value.metadata.namespace !== 'string'
      ? `metadata.namespace must be a string, got ${describeValue(value.metadata.namespace)}` : undefined,
    isPlainRecord(value.metadata) && value.metadata.labels !== undefined && !isStringMap(value.metadata.labels)
      ? `metadata.labels must map strings to strings, got ${describeValue(value.metadata.labels)}` : undefined,
  ].filter((s): s is string => s !== undefined);
}

function isStringMap(v: unknown): boolean {
  return isPlainRecord(v) && Object.keys(v).every((k) => typeof v[k] === 'string');
}

/** A list of objects of bounded nesting (planFleet checks the objects themselves and reports each malformed one). */
export function listProblem(value: unknown): string | undefined {
  if (!Array.isArray(value)) return `must be a list, got ${describeValue(value)}`;
  for (let i = 0; i < value.length; i++) {
    const problem = jsonProblem(value[i], MAX_MANIFEST_DEPTH, true);
    if (problem !== undefined) return `[${i}] ${problem}`;
  }
  return undefined;
}

/** A field path: a list of keys (strings) and indexes (non-negative integers). */
export function pathProblem(value: unknown): string | undefined {
  return Array.isArray(value) && value.length <= MAX_MANIFEST_DEPTH && value.every((s) => typeof s === 'string' || (Number.isSafeInteger(s) && s >= 0))
    ? undefined : `must be a field path (a list of at most ${MAX_MANIFEST_DEPTH} keys and indexes), got ${describeValue(value)}`;
}

export function planOptionsProblem(value: unknown): string | undefined {
  if (!isPlainRecord(value)) return `must be an object { reportedControlPlaneVersions? }, got ${describeValue(value)}`;
  for (const k of Object.keys(value)) {
    if (k !== 'reportedControlPlaneVersions' && value[k] !== undefined) return `${show(k)} is not an option: the one option is reportedControlPlaneVersions`;
  }
  const r = value.reportedControlPlaneVersions;
  if (r !== undefined && (!(r instanceof Map) || ![...r].every(([k, v]) => typeof k === 'string' && typeof v === 'string'))) {
    return `reportedControlPlaneVersions must be a Map of "<namespace>/<cluster>" to version strings, got ${describeValue(r)}`;
  }
  return undefined;
}

/** A FleetPlan as planFleet returns it: { clusters: [...] }, plain JSON data. */
export function planProblem(value: unknown): string | undefined {
  if (!isPlainRecord(value) || !Array.isArray(value.clusters)) return `must be a plan made by planFleet ({ clusters: [...] }), got ${describeValue(value)}`;
  return jsonProblem(value, 2 * MAX_MANIFEST_DEPTH, true);
}

/**
 * Formats a plan that passed {@link planProblem}: a plan whose inner objects were made by hand with
 * another shape is refused as a ValidationError naming what could not be read.
 */
export function readPlan(subject: string, format: () => string): string {
  try {
    return format();
  } catch (e) {
    if (e instanceof ValidationError) throw e;
    throw new ValidationError(subject, [{ path: 'plan', message: `is not a plan made by planFleet or planCluster: ${e instanceof Error ? e.message.split('\n')[0].slice(0, 200) : show(e)}` }]);
  }
}
