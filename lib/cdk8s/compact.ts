/**
 * Charts that keep their objects compact until something needs them.
 *
 * A cluster's ApiObjects cost about 95 KB of memory each until synthesis (their props, and the
 * constructs library's bookkeeping of 39 children); the same cluster as a {@link ClusterOutput}
 * (deflated YAML and JSON) takes about 12 KB. A compact chart holds only that and creates its
 * ApiObjects (*materializes*) the first time anything reads or changes its children: every method and
 * accessor of its `node` that does (`children`, `findAll`, `tryFindChild`, `findChild`, `defaultChild`,
 * `addChild`, `tryRemoveChild`) is replaced on that node instance by one that materializes first, then
 * removes itself. So cdk8s's `App.synth()`, `Testing.synth`, a construct added under the chart, or a
 * dependency into the chart see exactly the chart an eager build makes; only `FleetApp.synth()` walks
 * the tree without opening compact charts ({@link walkCompact}) and writes their files from the YAML
 * rendered with them ({@link compactYaml}).
 */
import { App, ImplicitTokenResolver, LazyResolver, NumberStringUnionResolver } from 'cdk8s';
import { Construct, IConstruct, Node } from 'constructs';
import { ClusterOutput, outputManifests, outputYaml } from '../core/fleet/cluster-output';
import { Manifest } from '../core/output/manifest';

interface Compact {
  readonly chart: IConstruct;
  /** The cluster, without its identities (the app's registry holds them). */
  readonly out: ClusterOutput;
  /** Creates the chart's ApiObjects from the cluster's objects (in file order). */
  readonly build: Build;
}

/**
 * Creates a compact chart's ApiObjects from its cluster's objects (in file order). A function of its
 * own, not a closure of the chart's constructor, which would keep the constructor's props alive.
 */
export type Build = (chart: IConstruct, manifests: Manifest[], out: ClusterOutput) => void;

/** The compact charts, by their node (what the members that replace the node's own see as `this`). */
const compacts = new WeakMap<Node, Compact>();

/** The members of `Node` that read or change a node's children. */
const METHODS = ['findAll', 'tryFindChild', 'findChild', 'addChild', 'tryRemoveChild'] as const;
const ACCESSORS = ['children', 'defaultChild'] as const;

/**
 * Whether a chart in `scope` may keep `out` compact: only when creating its ApiObjects later gives
 * exactly the objects the ClusterOutput carries (its JSON is exact), and when cdk8s would write them
 * as the library's writer did (the app has only cdk8s's own resolvers, keys are sorted).
 */
export function mayKeepCompact(scope: IConstruct, out: ClusterOutput): boolean {
  return out.json !== undefined && hasDefaultRendering(scope.node.root);
}

/** Whether cdk8s renders the objects of `root`'s charts as the library's writer does. */
export function hasDefaultRendering(root: IConstruct): boolean {
  if (process.env.CDK8S_DISABLE_SORT) return false;
  const resolvers = (root as Partial<App>).resolvers;
  return Array.isArray(resolvers) && resolvers.length === 3 && resolvers[0] instanceof LazyResolver
    && resolvers[1] instanceof ImplicitTokenResolver && resolvers[2] instanceof NumberStringUnionResolver;
}

/**
 * Makes `chart` (which has no children yet) compact: it holds `out` (its buffers of their own size) until
 * its objects are needed, then `build` creates them. Its registry entries and warnings are the caller's to record now.
 */
export function keepCompact(chart: Construct, out: ClusterOutput, build: Build): void {
  compacts.set(chart.node, { chart, out: { ...out, identities: [] }, build });
  Object.defineProperties(chart.node, TRIGGERS);
}

/** The members that replace those of a compact chart's node, the same for every chart (the node's `host` is the chart). */
const TRIGGERS: PropertyDescriptorMap = {};
for (const name of METHODS) {
  TRIGGERS[name] = {
    configurable: true, enumerable: false, writable: true,
    value(this: Node, ...args: unknown[]): unknown {
      materializeNode(this);
      return (this[name] as (...a: unknown[]) => unknown)(...args);
    },
  };
}
for (const name of ACCESSORS) {
  TRIGGERS[name] = {
    configurable: true, enumerable: false,
    get(this: Node): unknown {
      materializeNode(this);
      return this[name];
    },
    set(this: Node, value: unknown) {
      materializeNode(this);
      (this as unknown as Record<string, unknown>)[name] = value;
    },
  };
}

/** Whether `c` is a compact chart (its objects not created yet). */
export function isCompact(c: IConstruct): boolean {
  return compacts.has(c.node);
}

/** Creates the ApiObjects of a compact chart (nothing if it is not compact). */
export function materialize(chart: IConstruct): void {
  materializeNode(chart.node);
}

function materializeNode(node: Node): void {
  const compact = compacts.get(node);
  if (!compact) return;
  compacts.delete(node);
  const own = node as unknown as Record<string, unknown>;
  for (const name of [...METHODS, ...ACCESSORS]) delete own[name];
  // the objects an eager chart has had since it was built: also in a tree locked since (`node.lock()`)
  Object.defineProperty(node, 'locked', { configurable: true, value: false });
  try {
    compact.build(compact.chart, outputManifests(compact.out)!, compact.out);
  } finally {
    delete own.locked;
  }
}

/** The file of a compact chart: the YAML its cluster was rendered to. */
export function compactYaml(chart: IConstruct): string | undefined {
  const compact = compacts.get(chart.node);
  return compact && outputYaml(compact.out);
}

/** `root.node.findAll()` (pre-order), without opening compact charts: each is a leaf. */
export function walkCompact(root: IConstruct): IConstruct[] {
  const all: IConstruct[] = [];
  const visit = (c: IConstruct): void => {
    all.push(c);
    if (compacts.has(c.node)) return;
    for (const child of c.node.children) visit(child);
  };
  visit(root);
  return all;
}
