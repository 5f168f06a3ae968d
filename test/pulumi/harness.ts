/**
 * Runs Pulumi programs under pulumi.runtime.setMocks (no CLI, no engine, no provider plugin) and
 * records what each resource registration sends, and runs cdk8s examples into a Testing app.
 *
 * @swc/jest hoists imports above any top-level setMocks call (toolchain.md P9), so callers invoke
 * {@link runPulumi} inside a test and `require()` the program there.
 */
import * as pulumi from '@pulumi/pulumi';
import { App, Testing } from 'cdk8s';

export interface Registration {
  readonly type: string;
  readonly name: string;
  readonly custom: boolean;
  /** Reference of the resource's provider: `<provider urn>::<provider id>`. */
  readonly provider?: string;
  readonly inputs: Record<string, any>;
  /** URNs of the resources this one depends on (`dependsOn`, resolved by Pulumi). */
  dependencies: string[];
}

export interface PulumiRun {
  /** Every registration, in order (components, providers and Kubernetes resources). */
  readonly registrations: Registration[];
  /** State of every registered resource by URN after the run: a component's state is what it passed to registerOutputs. */
  readonly state: Map<string, { urn: string; state: Record<string, unknown> }>;
  /** The inputs of the `kubernetes:*` resources: the objects Kubernetes would receive. */
  readonly objects: Record<string, any>[];
  /**
   * The errors of failed registrations, each once: what Pulumi's runtime reports as the program's
   * errors (it catches unhandled rejections and reports an error object once).
   */
  readonly errors: unknown[];
}

/**
 * Waits until every outstanding resource registration (and registerOutputs) has reached the mock monitor.
 * The components hold their registrations until the end of the program's synchronous run (the
 * registration gate, lib/pulumi/emit.ts), so this waits for that turn too, and asks the @pulumi/pulumi
 * instance the program loaded (a test may have reset the module registry).
 */
async function settle(): Promise<void> {
  for (let i = 0; i < 2; i++) {
    await new Promise((resolve) => setImmediate(resolve));
    // `waitForRPCs` is exported at runtime (used by pulumi.runtime.disconnect) but marked internal.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const runtime = (require('@pulumi/pulumi') as typeof pulumi).runtime as unknown as { waitForRPCs?: () => Promise<void> };
    if (typeof runtime.waitForRPCs !== 'function') throw new Error('pulumi.runtime.waitForRPCs is missing: the harness needs updating for this @pulumi/pulumi version');
    await runtime.waitForRPCs();
  }
}

/** Runs `program` under fresh mocks (preview=false, so outputs are known) and returns what was registered. */
export async function runPulumi(program: () => unknown): Promise<PulumiRun> {
  const registrations: Registration[] = [];
  await pulumi.runtime.setMocks({
    newResource: (args) => {
      registrations.push({ type: args.type, name: args.name, custom: args.custom ?? false, provider: args.provider || undefined, inputs: args.inputs, dependencies: [] });
      return { id: `${args.name}-id`, state: args.inputs };
    },
    call: (args) => args.inputs,
  }, 'project', 'stack', false);
  // The mock monitor does not pass dependencies on to newResource: read them off the request.
  const dependencies = new Map<string, string[]>();
  const monitor0 = pulumi.runtime.getMonitor() as unknown as { registerResource(req: any, cb: unknown): unknown };
  const registerResource = monitor0.registerResource.bind(monitor0);
  monitor0.registerResource = (req: any, cb: unknown) => {
    dependencies.set(`${req.getType()}::${req.getName()}`, req.getDependenciesList());
    return registerResource(req, cb);
  };
  // As Pulumi's runtime does while a program runs: unhandled rejections (failed registrations) are the
  // program's errors. Jest's own handler would fail the test instead, so it is set aside meanwhile.
  const errors: unknown[] = [];
  const collect = (e: unknown) => {
    if (!errors.includes(e)) errors.push(e);
  };
  const jestHandlers = process.listeners('unhandledRejection');
  process.removeAllListeners('unhandledRejection');
  process.on('unhandledRejection', collect);
  try {
    program();
    await settle();
  } finally {
    process.off('unhandledRejection', collect);
    for (const h of jestHandlers) process.on('unhandledRejection', h);
  }
  const monitor = pulumi.runtime.getMonitor() as unknown as { getRegisteredResources(): Map<string, { urn: string; state: Record<string, unknown> }> };
  const state = new Map<string, { urn: string; state: Record<string, unknown> }>();
  for (const [urn, r] of monitor.getRegisteredResources()) {
    state.set(urn, { urn, state: deserialize(r.state) });
  }
  for (const r of registrations) r.dependencies = dependencies.get(`${r.type}::${r.name}`) ?? [];
  const objects = registrations.filter((r) => r.type.startsWith('kubernetes:')).map((r) => r.inputs);
  return { registrations, state, objects, errors };
}

/** The mock monitor keeps registered outputs as a protobuf Struct; turn it back into plain JSON. */
function deserialize(state: unknown): Record<string, unknown> {
  const s = state as { toJavaScript?: () => Record<string, unknown> } | Record<string, unknown> | undefined;
  if (s && typeof (s as { toJavaScript?: unknown }).toJavaScript === 'function') return (s as { toJavaScript: () => Record<string, unknown> }).toJavaScript();
  return (s ?? {}) as Record<string, unknown>;
}

/** Every object a cdk8s example synthesizes, over all its charts. */
export function synthCdk8s(build: (app: App) => void): Record<string, any>[] {
  const app = Testing.app();
  build(app);
  return app.charts.flatMap((c) => c.toJson());
}

/** JSON with object keys sorted, recursively: two objects are equal iff their canonical forms are. */
export function canonical(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.keys(value as object).sort().map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]));
  }
  return value;
}

/** `<apiVersion> <Kind> <namespace>/<name>` of an object. */
export function identity(o: Record<string, any>): string {
  return `${o.apiVersion} ${o.kind} ${o.metadata?.namespace ?? ''}/${o.metadata?.name}`;
}

/** Objects sorted by identity, each in canonical key order. */
export function normalize(objects: Record<string, any>[]): Record<string, any>[] {
  return [...objects].sort((a, b) => identity(a).localeCompare(identity(b))).map((o) => JSON.parse(canonical(o)));
}
