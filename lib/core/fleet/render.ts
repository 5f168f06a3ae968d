/**
 * lib/core/fleet/: a fleet of clusters as specs, rendered without a construct tree (this file) and
 * written to a directory atomically (write-fleet.ts). It is the top of the core's render path: it
 * imports the concept folders, and none of them imports it.
 *
 * Direct render: a fleet description (one {@link ClusterSpec} per cluster) straight to YAML files,
 * with no construct tree. For pipelines that only need the manifests.
 *
 * The output is byte-identical to what `cdk8s synth` writes for the same clusters in a
 * `FleetChart`/`ClusterChart` per cluster (file `<cluster>.k8s.yaml`): every object goes through the
 * same core render functions as the constructs, then through {@link toCdk8sJson} (cdk8s's
 * `ApiObject.toJson` normalization) and {@link stringifyManifests} (cdk8s's `Yaml.stringify`).
 */
import { checkArguments, isNameArgument, MAX_NAME_ARGUMENT } from '../rules/arguments';
import { addonComponentArguments } from '../addons/addon';
import { buildCluster, ClusterComponent, ClusterProps, ClusterRef } from '../cluster/cluster';
import { ControlPlaneGroupProps, renderControlPlaneFor } from '../nodes/control-plane';
import { checkEmittedObjects } from '../rules/credentials';
import { peek, Problems, show, Warning } from '../rules/errors';
import { Manifest, Rendered } from '../output/manifest';
import { describeObject, objectKey } from '../output/object-identity';
import { checkPropKeys, PropKeys, propKeys } from '../rules/strict-props';
import { checkProps, checkReadable, isPlainRecord } from '../rules/validation';
import { controlPlaneName, workerGroupName } from '../output/naming';
import { stringifyManifests } from '../output/yaml';
import { renderWorkerGroupFor, WorkerGroupProps } from '../nodes/worker-group';
import { isAutoscaled, renderClusterAutoscaler } from '../components/cluster-autoscaler';

/** One cluster of a fleet: the same props the Cluster, ControlPlaneGroup and WorkerGroup constructs take. */
export interface ClusterSpec {
  /** The Cluster (and infrastructure cluster). Its name names the output file. */
  readonly cluster: ClusterProps;
  /** The control-plane group; `cluster` is filled in. */
  readonly controlPlane: Omit<ControlPlaneGroupProps, 'cluster'>;
  /** Worker groups, in emit order; `cluster` is filled in. @default none */
  readonly workers?: readonly Omit<WorkerGroupProps, 'cluster'>[];
  /** Add-ons and other per-cluster components, emitted after the node groups. @default none */
  readonly components?: readonly ClusterComponent[];
}

/** The known keys of {@link ClusterSpec} (strict props). */
export const CLUSTER_SPEC_PROPS = propKeys<ClusterSpec>()('ClusterSpec', { cluster: true, controlPlane: true, workers: true, components: true });
/** The known keys of {@link RenderFleetOptions} (strict props). */
export const RENDER_FLEET_OPTIONS = propKeys<RenderFleetOptions>()('RenderFleetOptions', { outputFileExtension: true });

/** One rendered part of a cluster: what one construct emits. */
export interface RenderedPart extends Rendered {
  /** Construct id in the cdk8s adapter: `cluster`, `control-plane`, `workers-<name>` or the component id. */
  readonly id: string;
  /** Subject for warnings, e.g. `WorkerGroup "prod-md"`. */
  readonly subject: string;
}

/** A validated, rendered cluster. */
export interface RenderedCluster {
  readonly ref: ClusterRef;
  /** In emit order: Cluster, control plane, worker groups, components. */
  readonly parts: readonly RenderedPart[];
}

/**
 * Validates one cluster spec and renders every object with the core render functions (the ones the
 * constructs use). Collects the problems of all parts and throws one ValidationError, with paths
 * such as `workers[1].scaling.max`.
 */
export function renderClusterSpec(spec: ClusterSpec): RenderedCluster {
  const p = new Problems(`ClusterSpec ${show(peek(peek(spec, 'cluster'), 'name'))}`);
  // an object with cluster, controlPlane and workers
  if (!checkProps(p, spec, 'spec')) p.throwIfErrors();
  checkPropKeys(p, '', spec, CLUSTER_SPEC_PROPS);
  const parts: RenderedPart[] = [];
  const pathOf = new Map<string, string>([['cluster', 'cluster'], ['control-plane', 'controlPlane']]);
  let ref: ClusterRef | undefined;
  try {
    const model = buildCluster(spec.cluster);
    ref = model.ref;
    p.subject = `ClusterSpec "${ref.name}"`;
    parts.push({ id: 'cluster', subject: `Cluster "${ref.name}"`, manifests: model.manifests, warnings: model.warnings });
  } catch (e) {
    p.absorb('cluster', e);
  }
  const cp = spec.controlPlane as unknown;
  if (cp === null || typeof cp !== 'object' || Array.isArray(cp)) {
    p.error('controlPlane', `must be the control-plane group props, got ${show(cp)}`);
  } else if (ref) {
    try {
      const r = renderControlPlaneFor(cp as Omit<ControlPlaneGroupProps, 'cluster'>, ref);
      parts.push({ id: 'control-plane', subject: `ControlPlaneGroup "${controlPlaneName(ref.name)}"`, ...r });
    } catch (e) {
      p.absorb('controlPlane', e);
    }
  }
  const workers = spec.workers ?? [];
  if (!Array.isArray(workers)) {
    p.error('workers', `must be a list of worker group props, got ${show(workers)}`);
  } else {
    const seen = new Map<string, number>();
    workers.forEach((w: unknown, i) => {
      const path = `workers[${i}]`;
      if (w === null || typeof w !== 'object' || Array.isArray(w)) {
        p.error(path, `must be worker group props, got ${show(w)}`);
        return;
      }
      const name = (w as { name?: unknown }).name;
      if (typeof name === 'string') {
        if (seen.has(name)) p.error(`${path}.name`, `${show(name)} is already used by workers[${seen.get(name)}]: group names must be unique within a cluster`);
        else seen.set(name, i);
      }
      if (!ref) return;
      try {
        const r = renderWorkerGroupFor(w as Omit<WorkerGroupProps, 'cluster'>, ref);
        pathOf.set(`workers-${name}`, path);
        parts.push({ id: `workers-${name}`, subject: `WorkerGroup "${workerGroupName(ref.name, name as string)}"`, ...r });
        if (isAutoscaled(r) && ref.clusterAutoscaler?.imageTag && !parts.some((x) => x.id === 'cluster-autoscaler')) {
          // right after the cluster's own objects: where the Cluster construct emits it in cdk8s
          parts.splice(parts.findIndex((x) => x.id === 'cluster') + 1, 0, {
            id: 'cluster-autoscaler', subject: `Cluster "${ref.name}"`, manifests: renderClusterAutoscaler(ref, ref.clusterAutoscaler), warnings: [],
          });
        }
      } catch (e) {
        p.absorb(path, e);
      }
    });
  }
  const components = spec.components ?? [];
  if (!Array.isArray(components)) {
    p.error('components', `must be a list of cluster components, got ${show(components)}`);
  } else {
    const ids = new Set<string>(parts.map((x) => x.id));
    components.forEach((c: unknown, i) => {
      const path = `components[${i}]`;
      const comp = c as ClusterComponent;
      if (comp === null || typeof comp !== 'object' || typeof comp.render !== 'function' || typeof comp.id !== 'string' || comp.id === '') {
        p.error(path, `must be a cluster component (an add-on spec with an id and a render function), got ${show(c)}`);
        return;
      }
      if (ids.has(comp.id)) {
        p.error(`${path}.id`, `${show(comp.id)} is already used in this cluster: component ids must be unique`);
        return;
      }
      ids.add(comp.id);
      if (!ref) return;
      try {
        const r = comp.render(ref);
        if (!isRendered(r)) {
          p.error(path, `render() must return { manifests, warnings } with objects that have apiVersion, kind and metadata.name, got ${show(r)}`);
          return;
        }
        // a component's objects are emitted as they are: the same credential scan as the library's own
        // (an unchanged addonComponent's render is renderClusterAddon, which has scanned what it returns)
        if (addonComponentArguments(comp) === undefined) {
          const before = p.errors.length;
          checkEmittedObjects({ error: (at, message) => p.error(`${path} ${at}`, message) }, r.manifests);
          if (p.errors.length > before) return;
        }
        pathOf.set(comp.id, path);
        parts.push({ id: comp.id, subject: typeof comp.subject === 'string' ? comp.subject : comp.id, manifests: r.manifests, warnings: r.warnings });
      } catch (e) {
        p.absorb(path, e);
      }
    });
  }
  if (!p.hasErrors) checkUniqueObjects(p, parts, pathOf);
  p.throwIfErrors();
  return { ref: ref!, parts };
}

/** The shape a component's render() must return: lists of objects with apiVersion, kind and metadata.name, and of warnings. */
function isRendered(r: unknown): r is Rendered {
  if (!isPlainRecord(r) || !Array.isArray(r.manifests) || !Array.isArray(r.warnings)) return false;
  return r.manifests.every((m: unknown) => isPlainRecord(m) && typeof m.apiVersion === 'string' && typeof m.kind === 'string'
    && isPlainRecord(m.metadata) && typeof m.metadata.name === 'string')
    && r.warnings.every((w: unknown) => isPlainRecord(w) && typeof w.path === 'string' && typeof w.message === 'string');
}

/**
 * No two parts of a cluster may emit the same object (apiVersion, kind, namespace and name): the same
 * add-on added twice under two ids would otherwise write every object twice, and the second apply
 * would silently win. Linear in the number of objects.
 */
function checkUniqueObjects(p: Problems, parts: readonly RenderedPart[], pathOf: ReadonlyMap<string, string>): void {
  const owner = new Map<string, string>();
  for (const part of parts) {
    for (const m of part.manifests) {
      const key = objectKey(m);
      const first = owner.get(key);
      if (first === undefined) owner.set(key, part.id);
      else {
        p.error(pathOf.get(part.id) ?? part.id, `emits ${describeObject(m)}, which ${show(first)} already emits: each object may be defined once in a cluster (is the same add-on listed twice?)`);
        return;
      }
    }
  }
}

/** The file a cluster is written to, by the direct render and by `ClusterChart`/`FleetChart` under `cdk8s synth`. */
export function clusterFileName(cluster: string, extension = '.k8s.yaml'): string {
  if (typeof cluster !== 'string' || typeof extension !== 'string') {
    checkArguments('clusterFileName', [
      ['cluster', cluster, isNameArgument(cluster), `a cluster name (a string of at most ${MAX_NAME_ARGUMENT} characters)`],
      ['extension', extension, isNameArgument(extension), 'a file extension such as ".k8s.yaml"'],
    ]);
  }
  return `${cluster}${extension}`;
}

/** Result of {@link renderFleet}. */
export interface RenderedFleet {
  /** File name (relative to the output directory) -> content, in fleet order. */
  readonly files: ReadonlyMap<string, string>;
  /** Every warning, per cluster part, with the subject it is reported under. */
  readonly warnings: readonly { readonly subject: string; readonly warning: Warning }[];
  /** Number of objects rendered. */
  readonly objectCount: number;
}

/** Options of {@link renderFleet}: the file extension of each cluster's file. */
export interface RenderFleetOptions {
  /** @default '.k8s.yaml' (as cdk8s) */
  readonly outputFileExtension?: string;
}

/**
 * Validates and renders every cluster of a fleet (the objects, not yet YAML). Collects the problems
 * of all clusters (paths `clusters[3].workers[1].scaling.max`) and throws one ValidationError;
 * cluster names must be unique (they name the files).
 */
export function renderClusters(specs: readonly ClusterSpec[], ext = '.k8s.yaml'): RenderedCluster[] {
  const out: RenderedCluster[] = [];
  forEachCluster(specs, ext, (rc) => out.push(rc));
  return out;
}

/**
 * {@link renderClusters}, handing each valid cluster to `use` as soon as it is rendered (only while no
 * problem has been found), then throwing the collected problems, if any. Lets the direct render turn
 * a cluster into YAML and drop its objects right away: holding the objects of every cluster until
 * the end made the garbage collector copy them all (a large part of a big render's time).
 */
export function forEachCluster(specs: readonly ClusterSpec[], ext: string, use: (rc: RenderedCluster, index: number) => void): void {
  const p = new Problems('Fleet');
  if (!Array.isArray(specs)) {
    p.error('clusters', `must be a list of cluster specs, got ${show(specs)}`);
    p.throwIfErrors();
  }
  const owner = new Map<string, number>();
  specs.forEach((spec, i) => {
    let rc: RenderedCluster;
    try {
      rc = renderClusterSpec(spec);
    } catch (e) {
      p.absorb(`clusters[${i}]`, e);
      return;
    }
    const name = rc.ref.name;
    if (owner.has(name)) {
      p.error(`clusters[${i}].cluster.name`, `${show(name)} is already used by clusters[${owner.get(name)}]: cluster names must be unique in a fleet (each names its file ${show(clusterFileName(name, ext))})`);
      return;
    }
    owner.set(name, i);
    if (!p.hasErrors) use(rc, i);
  });
  p.throwIfErrors();
}

/**
 * Checks the options of {@link renderFleet} / {@link writeFleet} and returns the file extension: a
 * string of at most 64 characters with no path separator, no NUL and no `..`, so that every file lands
 * directly in the output directory.
 */
export function checkFleetOptions<T extends RenderFleetOptions = RenderFleetOptions>(options: unknown, known: PropKeys<T> = RENDER_FLEET_OPTIONS as PropKeys<T>): string {
  const p = new Problems('Fleet');
  if (options === undefined) return '.k8s.yaml';
  if (!isPlainRecord(options)) {
    p.error('options', `must be an object such as { outputFileExtension: '.k8s.yaml' }, got ${show(options)}`);
    p.throwIfErrors();
  }
  if (!checkReadable(p, options, 'options')) p.throwIfErrors();
  checkPropKeys(p, 'options', options as object, known);
  const parallel = (options as { parallel?: unknown }).parallel;
  if (known.has('parallel') && parallel !== undefined && typeof parallel !== 'boolean') {
    p.error('options.parallel', `must be true or false, got ${show(parallel)}`);
  }
  const ext = (options as RenderFleetOptions).outputFileExtension ?? '.k8s.yaml';
  if (typeof ext !== 'string' || ext === '' || ext.length > 64) {
    p.error('options.outputFileExtension', `must be a non-empty string of at most 64 characters such as ".k8s.yaml", got ${show(ext)}`);
  } else if (/[/\\\0]/.test(ext) || ext.includes('..')) {
    p.error('options.outputFileExtension', `${show(ext)} must not contain a path separator, NUL or "..": every file is written directly into the output directory`);
  }
  p.throwIfErrors();
  return ext;
}

/** Validates every cluster of the fleet and renders one YAML file per cluster, in memory. */
export function renderFleet(specs: readonly ClusterSpec[], options: RenderFleetOptions = {}): RenderedFleet {
  const files = new Map<string, string>();
  const { warnings, objectCount } = forEachClusterFile(specs, checkFleetOptions(options), (file, content) => files.set(file, content));
  return { files, warnings, objectCount };
}

/**
 * Renders the fleet and hands each cluster's file name and YAML to `use` as soon as the cluster is
 * rendered (while no problem has been found), so that nothing needs to hold every file at once.
 * Throws the collected problems at the end.
 */
export function forEachClusterFile(specs: readonly ClusterSpec[], ext: string, use: (file: string, content: string) => void): Omit<RenderedFleet, 'files'> {
  return forEachClusterManifests(specs, ext, (file, manifests) => use(file, stringifyManifests(manifests)));
}

/**
 * {@link forEachClusterFile}, handing each cluster's file name and objects (in file order, not yet
 * YAML) to `use`; nothing of a cluster is kept once `use` returns.
 */
export function forEachClusterManifests(specs: readonly ClusterSpec[], ext: string, use: (file: string, manifests: readonly Manifest[]) => void): Omit<RenderedFleet, 'files'> {
  const warnings: { subject: string; warning: Warning }[] = [];
  let objectCount = 0;
  forEachCluster(specs, ext, (rc) => {
    const manifests = rc.parts.flatMap((part) => part.manifests);
    objectCount += manifests.length;
    for (const part of rc.parts) for (const w of part.warnings) warnings.push({ subject: part.subject, warning: w });
    use(clusterFileName(rc.ref.name, ext), manifests);
  });
  return { warnings, objectCount };
}
