/**
 * Many clusters in one cdk8s app, with synthesis time linear in the number of clusters.
 *
 * Why: `App.synth()` calls `chart.toJson()` for every chart, and cdk8s's `Chart.toJson()`
 * (`App._synthChart`) first re-walks the WHOLE app (`resolveDependencies` and `validate` over
 * `node.findAll()` of the root) before rendering the one chart. With one Chart per cluster that is
 * N walks over N charts: time grows with N². `FleetChart` renders a chart from its own subtree only,
 * so each chart costs what it contains; `App.synth()` (and so `cdk8s synth`) stays the command and
 * still writes one `<chart>.k8s.yaml` per chart.
 */
import * as path from 'path';
import { ApiObject, App, AppProps, Chart, ChartProps, DependencyGraph, Names, YamlOutputType } from 'cdk8s';
import { Construct, IConstruct, Node } from 'constructs';
import { ClusterRef } from '../core/cluster/cluster';
import { ClusterSpec, RenderedCluster, renderClusterSpec } from '../core/fleet/render';
import { ClusterOutput, clusterOutput, ClusterOutputPart, forEachClusterOutput, outputManifests } from '../core/fleet/cluster-output';
import { publishFleet, syncDirectory, writeNewFile } from '../core/fleet/publish';
import { stringifyCdk8sJson } from '../core/output/yaml';
import { checkId, checkUnique, definitionOf, emit, emitObjects, ID_FROM_PROPS, isConstruct, recordEmitted, registryOf, validated } from './emit';
import { compactYaml, hasDefaultRendering, isCompact, keepCompact, materialize, mayKeepCompact, walkCompact } from './compact';
import { Manifest } from '../core/output/manifest';
import { reportWarnings } from '../core/rules/warnings';
import { Problems, show, ValidationError } from '../core/rules/errors';
import { checkPropKeys, propKeys } from '../core/rules/strict-props';
import { checkBoolean, checkLabels, checkObject, checkString } from '../core/rules/validation';

/** The known keys of cdk8s's ChartProps and AppProps (strict props, as the library's own). */
const CHART_PROPS = propKeys<ChartProps>()('ChartProps', { namespace: true, labels: true, disableResourceNameHashes: true });
const APP_PROPS = propKeys<AppProps>()('AppProps', { outdir: true, outputFileExtension: true, yamlOutputType: true, recordConstructMetadata: true, resolvers: true });

/** Checks cdk8s ChartProps (`props` of FleetChart) into `p`: a TypeError inside cdk8s otherwise. */
function checkChartProps(p: Problems, props: unknown): void {
  if (props === undefined || !checkObject(p, 'props', props)) return;
  checkPropKeys(p, '', props, CHART_PROPS);
  if (props.namespace !== undefined) checkString(p, 'namespace', props.namespace);
  checkLabels(p, 'labels', props.labels, 'labels');
  checkBoolean(p, 'disableResourceNameHashes', props.disableResourceNameHashes);
}

/** Checks cdk8s AppProps (`props` of FleetApp): a wrong value would fail at synth, or write to a strange place. */
function checkAppProps(props: unknown): void {
  const p = new Problems('FleetApp');
  if (props !== undefined && checkObject(p, 'props', props)) {
    checkPropKeys(p, '', props, APP_PROPS);
    for (const key of ['outdir', 'outputFileExtension'] as const) {
      const v = props[key];
      if (v !== undefined && checkString(p, key, v) && v === '') p.error(key, 'must not be empty');
    }
    const types = Object.values(YamlOutputType).filter((v) => typeof v === 'number');
    if (props.yamlOutputType !== undefined && !types.includes(props.yamlOutputType as YamlOutputType)) {
      p.error('yamlOutputType', `must be a YamlOutputType (${types.map((t) => `YamlOutputType.${YamlOutputType[t as YamlOutputType]}`).join(', ')}), got ${show(props.yamlOutputType)}`);
    }
    checkBoolean(p, 'recordConstructMetadata', props.recordConstructMetadata);
    if (props.resolvers !== undefined && !Array.isArray(props.resolvers)) p.error('resolvers', 'must be a list of cdk8s resolvers');
  }
  p.throwIfErrors();
}

/**
 * A drop-in replacement for `Chart` in apps with many charts (e.g. one per cluster). Its output is
 * identical to `Chart`'s; only `toJson()` differs in cost: it validates and orders the chart's own
 * subtree instead of re-walking the whole app, so `App.synth()` of N charts is O(N) instead of O(N²).
 *
 * Applies cdk8s's rules within the chart: `node.validate()` of every construct in the chart,
 * nested charts as dependencies of their parent chart, construct dependencies turned into
 * ApiObject dependencies, then the ApiObjects in dependency order. Dependencies that point at other
 * charts are still honoured by `App.synth()`, which resolves them for the whole app once.
 */
export class FleetChart extends Chart {
  constructor(scope: Construct, id: string, props: ChartProps = {}) {
    validated(new.target.name, scope, id, 'chart', () => {
      const p = new Problems(new.target.name);
      checkChartProps(p, props);
      p.throwIfErrors();
    });
    super(scope, id, props);
  }

  /** Renders this chart to Kubernetes JSON objects, like `Chart.toJson()`, in time proportional to the chart. */
  public toJson(): any[] {
    const all = this.node.findAll();
    validateSubtree(all);
    resolveSubtreeDependencies(all);
    return chartObjects(this, hasDependencies(all) ? undefined : all);
  }
}

/**
 * The ApiObjects of one chart (not of its nested charts) in dependency order, as JSON: cdk8s's `chartToKube`.
 * `noDeps`: the chart's subtree (`chart.node.findAll()`), known to have no dependencies at all. Then the
 * dependency order is that construct order (see {@link topologyWithoutDependencies}) and building the
 * dependency graph, the most expensive part of a large synth after `toJson`, is skipped.
 */
function chartObjects(chart: Chart, noDeps?: readonly IConstruct[]): any[] {
  return (noDeps ?? topology(walkCompact(chart)))
    .filter((x): x is ApiObject => ApiObject.isApiObject(x) && Chart.of(x) === chart)
    .map((x) => x.toJson());
}

/** Whether any construct of `all` depends on another (what cdk8s's DependencyGraph reads). */
function hasDependencies(all: readonly IConstruct[]): boolean {
  return all.some((c) => c.node.dependencies.length > 0);
}

/**
 * `new DependencyGraph(app.node).topology()` for an app without any dependency. cdk8s collects the
 * vertices in an object keyed by construct path, so its order is `findAll()` order except that
 * integer-like keys come first, ascending. Only a direct child of the app can have an integer-like
 * path (deeper paths contain `/`), so those are keyed by id (= path) and everything else by a unique
 * key with `/` (which no id contains), keeping the insertion order. Within a chart's subtree every
 * path but the chart's own contains `/`, so there the order is plain `findAll()` order.
 */
function topologyWithoutDependencies(app: App, all: readonly IConstruct[]): IConstruct[] {
  const byKey: Record<string, IConstruct> = {};
  all.forEach((c, i) => {
    byKey[c.node.scope === app ? c.node.id : `/${i}`] = c;
  });
  return Object.values(byKey);
}

/**
 * The charts of {@link topologyWithoutDependencies}, in its order, without keying every construct of
 * the app (an object of 400,000 keys for 10,000 clusters): leaving the other constructs out changes no
 * chart's place, since integer-like keys come first and the others keep their insertion order.
 */
function chartsWithoutDependencies(app: App, all: readonly IConstruct[]): Chart[] {
  return topologyWithoutDependencies(app, all.filter((c): c is Chart => Chart.isChart(c))) as Chart[];
}

/**
 * An `App` for many charts: `synth()` writes the same files as `App.synth()`, byte for byte, in time
 * linear in the number of charts, with any Chart (plain `Chart`s included, so one-Chart-per-cluster
 * code only swaps `new App()` for `new FleetApp()`; `cdk8s synth` stays the command).
 *
 * - The app is validated and its dependencies resolved once, then each chart's objects are taken
 *   from its own subtree (cdk8s re-walks the whole app for every chart: O(N²)).
 * - YAML is written by the library's writer, which produces exactly `Yaml.stringify`'s text and
 *   falls back to it for anything outside plain JSON maps, lists and scalars (about 10x faster).
 * - The output is published as one unit, like `writeFleet`'s: the files go into a new
 *   generation directory, renamed into place at `outdir` only when every chart has rendered and every file is
 *   written and made durable (one sync of the directory); a reader sees the previous output or the new one, never a mix, also after a
 *   crash; a chart that throws leaves the output as it was. Two synths of the same `outdir` exclude
 *   each other with `writeFleet`'s lock (the second fails with `FleetLockedError`).
 * - A {@link ClusterChart} that nothing has reached into is written from the YAML its cluster was
 *   rendered to (the same bytes), without creating its ApiObjects: the app holds each cluster compact.
 * - Charts that override `toJson()` are still asked for their JSON. Output types other than the
 *   default `FILE_PER_CHART`, and `recordConstructMetadata`, go through `App.synth()` unchanged.
 */
export class FleetApp extends App {
  constructor(props: AppProps = {}) {
    checkAppProps(props);
    super(props);
  }

  public synth(): void {
    if (this.yamlOutputType !== YamlOutputType.FILE_PER_CHART || (this as unknown as { recordConstructMetadata?: boolean }).recordConstructMetadata) {
      super.synth();
      return;
    }
    // the app's constructs, compact charts as leaves (their objects are not created)
    let all = walkCompact(this);
    if (openCompactCharts(this, all)) all = walkCompact(this);
    validateSubtree(all);
    const hasDependantCharts = resolveSubtreeDependencies(all);
    // without any dependency (the usual fleet), the charts' and objects' order is construct order: no dependency graphs
    const noDeps = !hasDependencies(all);
    const charts = noDeps ? chartsWithoutDependencies(this, all) : topology(all).filter((c): c is Chart => Chart.isChart(c));
    // published as one unit, under the same lock as writeFleet: a new generation directory, renamed into
    // place only when every chart has rendered and is written (a chart that throws leaves the output as it was)
    publishFleet(this.outdir, this.outputFileExtension, (generation) => {
      const files: string[] = [];
      charts.forEach((chart, i) => {
        const name = hasDependantCharts ? `${String(i).padStart(4, '0')}-${Names.toDnsLabel(chart)}` : Names.toDnsLabel(chart);
        const own = chart.toJson === Chart.prototype.toJson || chart.toJson === FleetChart.prototype.toJson || chart.toJson === ClusterChart.prototype.toJson;
        // a compact chart's file is the YAML its cluster was rendered to (the bytes its objects would give)
        const content = (own ? compactYaml(chart) : undefined)
          ?? stringifyCdk8sJson(own ? chartObjects(chart, noDeps ? walkCompact(chart) : undefined) : Object.values(chart.toJson()));
        const file = name + this.outputFileExtension;
        writeNewFile(path.join(generation, file), content);
        files.push(file);
      });
      // durable before it is published: one sync of the directory, as writeFleet does
      syncDirectory(generation, files);
      return { files };
    });
  }
}

/**
 * Creates the objects of the compact charts that cdk8s's rules reach into, so that they apply as to
 * any chart: every compact chart when the app renders objects differently from the library's writer
 * (resolvers of its own), and otherwise those with dependencies either way (cdk8s turns a chart's
 * dependencies into dependencies between its objects) and those directly in another chart (which
 * cdk8s makes dependencies of that chart). Returns whether any was opened.
 */
function openCompactCharts(app: App, all: readonly IConstruct[]): boolean {
  const open = new Set<IConstruct>();
  const defaultRendering = hasDefaultRendering(app);
  for (const c of all) {
    if (isCompact(c) && (!defaultRendering || c.node.dependencies.length > 0 || (c.node.scope !== undefined && Chart.isChart(c.node.scope)))) open.add(c);
    for (const target of c.node.dependencies) for (const t of walkCompact(target)) if (isCompact(t)) open.add(t);
  }
  for (const c of open) materialize(c);
  return open.size > 0;
}

/** `new DependencyGraph(root.node).topology()` over the constructs `all` (the root's subtree, compact charts as leaves). */
function topology(all: readonly IConstruct[]): IConstruct[] {
  return new DependencyGraph({ findAll: () => [...all] } as unknown as Node).topology();
}

function validateSubtree(all: IConstruct[]): void {
  const errors: string[] = [];
  for (const c of all) for (const e of c.node.validate()) errors.push(`[${c.node.path}] ${e}`);
  if (errors.length > 0) throw new Error(`Validation failed with the following errors:\n  ${errors.join('\n  ')}`);
}

/**
 * cdk8s's `resolveDependencies`, restricted to dependencies whose source lies in `all`. Returns
 * whether any chart depends on another chart (cdk8s then prefixes the file names with an index).
 */
function resolveSubtreeDependencies(all: IConstruct[]): boolean {
  let chartDeps = false;
  for (const parent of all) {
    // a compact chart has no children yet (a construct added under it would have created its objects)
    if (!Chart.isChart(parent) || isCompact(parent)) continue;
    for (const child of parent.node.children) {
      if (Chart.isChart(child)) {
        parent.node.addDependency(child);
        chartDeps = true;
      }
    }
  }
  // as cdk8s: first chart-level dependencies, then (seeing those too) ApiObject-level ones
  for (const source of all) {
    for (const target of source.node.dependencies) {
      const sourceChart = Chart.of(source);
      const targetChart = Chart.of(target);
      if (sourceChart !== targetChart) {
        sourceChart.node.addDependency(targetChart);
        chartDeps = true;
      }
    }
  }
  for (const source of all) {
    for (const target of source.node.dependencies) {
      const sourceChart = Chart.of(source);
      const targetChart = Chart.of(target);
      const targets = target.node.findAll().filter((x) => ApiObject.isApiObject(x) && Chart.of(x) === targetChart);
      const sources = source.node.findAll().filter((x) => ApiObject.isApiObject(x) && Chart.of(x) === sourceChart);
      for (const t of targets) for (const s of sources) if (t !== s) s.node.addDependency(t);
    }
  }
  return chartDeps;
}

/** Props of {@link ClusterChart}. */
export interface ClusterChartProps {
  /** The cluster, its node groups and components, as the direct render (`writeFleet`) takes them. */
  readonly spec: ClusterSpec;
}

/** The objects of each ClusterChart by part id, once created. */
const partsOf = new WeakMap<IConstruct, ReadonlyMap<string, readonly ApiObject[]>>();

/**
 * One cluster as one chart: the Cluster, its control plane, worker groups and components from a
 * {@link ClusterSpec}. The chart id is the cluster name, so `cdk8s synth` writes
 * `<cluster>.k8s.yaml`, byte-identical to `writeFleet()` for the same spec. Validates the whole spec
 * (every part, all problems in one ValidationError) before anything is added to the tree.
 *
 * The chart keeps its cluster compact (its YAML and JSON, deflated: about 12 KB where its ApiObjects
 * take about 95 KB) and creates its ApiObjects only when something needs them: reading
 * {@link ClusterChart.parts}, anything that reads or changes the chart's children (`node.children`,
 * `node.findAll()`, `node.tryFindChild()`, a construct added under the chart, ...), `toJson()`,
 * cdk8s's `App.synth()` and `Testing.synth`, or a dependency on or of the chart. The result is the
 * chart an eager build makes. {@link FleetApp}'s `synth()` writes an untouched chart's file straight
 * from its YAML, without creating its objects. Objects whose JSON would not give them back exactly,
 * and apps with resolvers of their own, get their ApiObjects right away.
 *
 * ```ts
 * const app = new App();
 * for (const spec of fleet) new ClusterChart(app, { spec });
 * app.synth();
 * ```
 */
export class ClusterChart extends FleetChart {
  /** The cluster, for constructs added to this chart later (add-ons take it as `cluster`). */
  public readonly cluster: ClusterRef;

  constructor(scope: Construct, props: ClusterChartProps) {
    const prerendered = prerenderedOf(props);
    const rendered = prerendered ? undefined : validated(new.target.name, scope, ID_FROM_PROPS, 'chart', () => {
      const p = new Problems(new.target.name);
      if (!checkObject(p, 'props', props)) p.throwIfErrors();
      checkPropKeys(p, '', props, CLUSTER_CHART_PROPS);
      // the spec's problems as renderClusterSpec names them (paths within the spec), with those of the props
      const rc = p.runRender(() => renderClusterSpec(props.spec));
      // the chart's id is the cluster's name
      p.subject = `ClusterChart "${rc.ref.name}"`;
      if (isConstruct(scope)) checkId(p, scope, rc.ref.name, 'cluster.name');
      p.throwIfErrors();
      return rc;
    });
    if (rendered) {
      checkUnique(scope, rendered.ref.name, new.target.name, `Cluster "${rendered.ref.name}"`, allManifests(rendered));
      // warnings before the chart is added: a throwing handler fails the chart and adds nothing
      reportParts(rendered);
    }
    const ref = prerendered?.ref ?? rendered!.ref;
    super(scope, ref.name);
    this.cluster = ref;
    const out = prerendered ?? (hasDefaultRendering(this.node.root) ? clusterOutput(rendered!, 0, '.k8s.yaml') : undefined);
    if (out && mayKeepCompact(this, out)) {
      recordEmitted(this, out.identities, out.parts.flatMap((part) => part.warnings));
      keepCompact(this, out, buildCompact);
    } else if (out?.json) {
      recordEmitted(this, out.identities, out.parts.flatMap((part) => part.warnings));
      partsOf.set(this, emitParts(this, out.parts, outputManifests(out)!));
    } else {
      const rc = rendered ?? renderClusterSpec(props.spec);
      const parts = new Map<string, readonly ApiObject[]>();
      // objects directly under the chart, ids `<part>-<Kind>` (the same in every cluster): a shallower tree synthesizes faster
      for (const part of rc.parts) parts.set(part.id, emit(this, part.subject, part, `${part.id}-`, true));
      partsOf.set(this, parts);
    }
  }

  /** All objects of this chart, by part id (`cluster`, `control-plane`, `workers-<name>`, component ids). */
  public get parts(): ReadonlyMap<string, readonly ApiObject[]> {
    materialize(this);
    return partsOf.get(this)!;
  }

  /** Renders this chart to Kubernetes JSON objects, like `Chart.toJson()` (its ApiObjects are created first). */
  public toJson(): any[] {
    materialize(this);
    return super.toJson();
  }
}

/** Creates the ApiObjects of a compact ClusterChart. */
function buildCompact(chart: IConstruct, manifests: Manifest[], out: ClusterOutput): void {
  partsOf.set(chart, emitParts(chart as ClusterChart, out.parts, manifests));
}

/** The ApiObjects of a cluster's parts, from its objects in file order: what emit() creates for each part. */
function emitParts(chart: ClusterChart, parts: readonly ClusterOutputPart[], manifests: readonly Manifest[]): Map<string, readonly ApiObject[]> {
  const byPart = new Map<string, readonly ApiObject[]>();
  let at = 0;
  for (const part of parts) {
    // objects directly under the chart, ids `<part>-<Kind>` (the same in every cluster): a shallower tree synthesizes faster
    byPart.set(part.id, emitObjects(chart, manifests.slice(at, at + part.objectCount), `${part.id}-`));
    at += part.objectCount;
  }
  return byPart;
}

const PRERENDERED = Symbol('capi-constructs.prerendered');
type Prerendered = ClusterChartProps & { [PRERENDERED]?: ClusterOutput };
const CLUSTER_CHART_PROPS = propKeys<ClusterChartProps>()('ClusterChartProps', { spec: true });

/** The cluster addFleet rendered already, when `props` come from addFleet. */
function prerenderedOf(props: unknown): ClusterOutput | undefined {
  try {
    return (props as Prerendered | null)?.[PRERENDERED];
  } catch {
    return undefined;
  }
}

/**
 * Adds one {@link ClusterChart} per spec to the app and returns them. Every spec is validated first
 * (all problems of all clusters in one ValidationError, duplicate cluster names included), so
 * invalid input adds nothing to the app. The charts keep their clusters compact until their objects
 * are needed (see {@link ClusterChart}); under {@link FleetApp} an untouched chart never creates them.
 */
export function addFleet(app: App, specs: readonly ClusterSpec[]): ClusterChart[] {
  const outputs: (ClusterOutput | undefined)[] = validated('Fleet', app, ID_FROM_PROPS, 'app', () => {
    const p = new Problems('Fleet');
    let out: ClusterOutput[] = [];
    try {
      forEachClusterOutput(specs, '.k8s.yaml', (o) => out.push(o));
    } catch (e) {
      if (!(e instanceof ValidationError)) throw e;
      out = [];
      p.absorb('', e);
    }
    // each chart's id is its cluster's name: taken by no child of the app
    if (isConstruct(app)) for (const o of out) checkId(p, app, o.ref.name, `clusters[${o.index}].cluster.name`);
    p.throwIfErrors();
    return out;
  });
  checkFleetUnique(app, outputs as ClusterOutput[]);
  // every warning before any chart is added: a throwing handler fails addFleet and adds nothing
  for (const o of outputs as ClusterOutput[]) for (const part of o.parts) reportWarnings(part.subject, part.warnings);
  return outputs.map((o, i) => {
    outputs[i] = undefined; // the chart keeps what it needs of it
    return new ClusterChart(app, { spec: specs[o!.index], [PRERENDERED]: o } as Prerendered);
  });
}

/**
 * No object of the fleet may be defined already elsewhere in the app, nor twice in the fleet: checked
 * for all clusters before any chart is added. A function of its own, so that its trial registry (one
 * key per object of the fleet) is gone before the charts are built, not kept beside the app's.
 */
function checkFleetUnique(app: App, outputs: readonly ClusterOutput[]): void {
  const trial = registryOf(app).copy();
  for (const o of outputs) {
    trial.check(`Cluster "${o.ref.name}"`, definitionOf(ClusterChart.name, app, o.ref.name), o.identities);
    trial.add(definitionOf(ClusterChart.name, app, o.ref.name), o.identities);
  }
}

function reportParts(rc: RenderedCluster): void {
  for (const part of rc.parts) reportWarnings(part.subject, part.warnings);
}

function allManifests(rc: RenderedCluster): Manifest[] {
  return rc.parts.flatMap((part) => part.manifests);
}
