/**
 * The Pulumi side of emitting core manifests: one Kubernetes resource per object, as a child of the
 * component, plus the component options every capi-constructs component accepts.
 *
 * Resource class: objects of a named API group (everything Cluster API, the providers and Flux emit,
 * but also e.g. `networking.k8s.io/v1` NetworkPolicy) become `kubernetes.apiextensions.CustomResource`.
 * It takes any apiVersion/kind and passes the object through unchanged, and its type token
 * `kubernetes:<group>/<version>:<Kind>` is the same token the typed class of a built-in kind uses, so
 * the provider treats both the same (await logic included). Objects of the core group (`apiVersion: v1`:
 * Namespace, ConfigMap, Secret, ...) use the typed `kubernetes.core.v1.<Kind>` class instead: a
 * CustomResource for them would get the token `kubernetes:v1:<Kind>`, which the provider cannot parse
 * (it needs `core/v1`).
 */
import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import { Problems, show } from '../core/rules/errors';
import { isNameArgument, MAX_NAME_ARGUMENT } from '../core/rules/arguments';
import { checkObject } from '../core/rules/validation';
import { Manifest } from '../core/output/manifest';
import { objectKey, ObjectRegistry } from '../core/output/object-identity';
import { requiredObjectKey, requiredObjects } from '../core/output/references';

/** Options of every capi-constructs component. */
export type ComponentOptions = pulumi.ComponentResourceOptions & {
  /**
   * Kubernetes provider for the management cluster; every object of the component is created with it.
   * @default the default provider (ambient kubeconfig, or `kubernetes:kubeconfig` / `kubernetes:context` config)
   */
  provider?: k8s.Provider;
};

/** Prefix of the components' type tokens: `capi-constructs:index:<Component>`. */
export const TYPE_PREFIX = 'capi-constructs:index:';

/**
 * Logical (Pulumi) name of an object's resource: `<Kind>/<namespace>/<name>` (`<Kind>/<name>` for
 * cluster-scoped objects). Deterministic, and unique as long as the objects are: Kubernetes itself
 * identifies an object by kind, namespace and name.
 */
export function resourceName(m: Manifest): string {
  return m.metadata.namespace ? `${m.kind}/${m.metadata.namespace}/${m.metadata.name}` : `${m.kind}/${m.metadata.name}`;
}

/**
 * Checks the component options before anything is registered (an invalid provider would otherwise
 * fail inside Pulumi with a TypeError). Returns the provider, if any.
 */
export function checkOptions(p: Problems, opts: unknown): k8s.Provider | undefined {
  if (opts === undefined) return undefined;
  const shape = new Problems('opts');
  if (!checkObject(shape, 'opts', opts)) {
    p.error('opts', `must be an object of Pulumi resource options: it ${shape.errors[0].message}`);
    return undefined;
  }
  const provider = opts.provider as unknown;
  if (provider === undefined) return undefined;
  // getPackage() is public at runtime but not in the SDK's declarations.
  const getPackage = (provider as { getPackage?: () => string } | null)?.getPackage;
  const pkg = pulumi.CustomResource.isInstance(provider) && typeof getPackage === 'function' ? getPackage.call(provider) : undefined;
  if (pkg !== 'kubernetes') {
    p.error('opts.provider', `must be a Kubernetes provider (new kubernetes.Provider(...)) for the management cluster, got ${pkg ? `a "${pkg}" provider` : show(provider)}`);
    return undefined;
  }
  return provider as k8s.Provider;
}

type CoreV1Constructor = new (name: string, args: Record<string, unknown>, opts?: pulumi.CustomResourceOptions) => pulumi.CustomResource;

/** One resource for one object (see the file comment for the class chosen). */
export function newResource(m: Manifest, opts: pulumi.CustomResourceOptions): pulumi.CustomResource {
  const name = resourceName(m);
  if (m.apiVersion.includes('/')) {
    return new k8s.apiextensions.CustomResource(name, m as unknown as k8s.apiextensions.CustomResourceArgs, opts);
  }
  const ctor = (k8s.core.v1 as unknown as Record<string, CoreV1Constructor | undefined>)[m.kind];
  if (m.apiVersion !== 'v1' || typeof ctor !== 'function') {
    throw new Error(`capi-constructs/pulumi: no Pulumi resource class for ${m.apiVersion} ${m.kind}`);
  }
  const { apiVersion: _apiVersion, kind: _kind, ...args } = m;
  return new ctor(name, args, opts);
}

/**
 * Registers every manifest as a child of `parent`, in emit order. Pulumi creates resources in parallel,
 * so a resource depends (`dependsOn`, behind the registration gate) on the resources of the same
 * component that must exist before it:
 * - an object in a namespace that the component creates, on that Namespace (the API server rejects an
 *   object whose namespace does not exist yet);
 * - a KubeadmControlPlane, MachineDeployment or MachineSet, on the templates it names
 *   (`requiredObjects`, core/output/references.ts): a changed template is a new, hashed object, and the
 *   engine creates it before it updates the reference, and deletes the old one only after that.
 * A group's templates are objects of the group's own component, so no dependency crosses components.
 */
export function registerManifests(parent: pulumi.ComponentResource, manifests: readonly Manifest[], provider: k8s.Provider | undefined): pulumi.CustomResource[] {
  const namespaces = new Map<string, pulumi.CustomResource>();
  // every object of the component by objectKey, complete once the loop below has run (the dependencies
  // on it are read then: a referenced object may come later in emit order)
  const byKey = new Map<string, pulumi.CustomResource>();
  let registered!: () => void;
  const allRegistered = new Promise<void>((resolve) => { registered = resolve; });
  try {
    return manifests.map((m) => {
      const ns = m.metadata.namespace === undefined ? undefined : namespaces.get(m.metadata.namespace);
      const required = requiredObjects(m).map(requiredObjectKey);
      let dependsOn: DependsOn = ns && [ns];
      if (required.length > 0) {
        const withRequired: Promise<pulumi.Resource[]> = allRegistered.then(() => [...(ns ? [ns] : []), ...required.flatMap((k) => byKey.get(k) ?? [])]);
        dependsOn = withRequired;
      }
      const resource = newResource(m, { parent, provider, dependsOn: gated(dependsOn) });
      if (m.apiVersion === 'v1' && m.kind === 'Namespace') namespaces.set(m.metadata.name, resource);
      byKey.set(objectKey(m), resource);
      return resource;
    });
  } finally {
    registered();
  }
}

/** `<apiVersion>/<Kind>/<namespace>/<name>` of each object, for the components' registered outputs. */
export function objectIds(manifests: readonly Manifest[]): string[] {
  return manifests.map((m) => `${m.apiVersion}/${resourceName(m)}`);
}

/**
 * The registration gate: validate the whole program before the first registration.
 *
 * cdk8s validates every construct before it writes a file. A Pulumi component instead registers in its
 * constructor, so a ValidationError in a later component would come after the earlier ones (and their
 * objects) were already sent to the engine. Therefore every component and every child resource of
 * capi-constructs waits, through `dependsOn`, for the gate of its batch: the components declared in one
 * synchronous run of the program (a top-level program, or an inline program up to its first `await`).
 * The gate opens once that run has finished (`setImmediate`) if no component of the batch failed. If one
 * failed, the gate rejects with that component's error, so no resource of the batch is registered, and
 * Pulumi reports the error (once: its runtime reports an error object only once).
 */
interface Batch {
  readonly gate: Promise<void>;
  error?: unknown;
}

let batch: Batch | undefined;

function currentBatch(): Batch {
  if (batch) return batch;
  let open!: () => void;
  let fail!: (e: unknown) => void;
  const b: Batch = { gate: new Promise<void>((resolve, reject) => { open = resolve; fail = reject; }) };
  // Each gated registration reports the rejection itself; the gate promise alone is not an unhandled rejection.
  b.gate.catch(() => undefined);
  setImmediate(() => {
    batch = undefined;
    if (b.error === undefined) open();
    else fail(b.error);
  });
  batch = b;
  return b;
}

type DependsOn = pulumi.ResourceOptions['dependsOn'];

/** `dependsOn` that first waits for the gate of the current batch, then is the given one. */
export function gated(dependsOn: DependsOn): DependsOn {
  const after = currentBatch().gate.then(() => dependsOn ?? []);
  // A registration that waits on it reports the rejection (through Pulumi); one that never happens (the
  // component failed after it was prepared, e.g. on a duplicate object) leaves no unhandled rejection.
  after.catch(() => undefined);
  return after as unknown as DependsOn;
}

/**
 * Runs `then` once the gate of the current batch has opened (a component's registerOutputs: it waits for
 * the component's URN, which a rejected registration never resolves).
 */
export function whenOpen(then: () => void): void {
  currentBatch().gate.then(then, () => undefined);
}

/**
 * Validates the component options and runs the core render function, before the component registers
 * anything. A core ValidationError is rethrown as is (the same error cdk8s throws), with any option
 * problems added to it. Any error also closes the gate of the current batch (see {@link Batch}): the
 * components declared before it in the same run register nothing either.
 *
 * Returns the render result, the provider, and the options to register the component with (the gated
 * `dependsOn`).
 */
export function prepare<T>(subject: string, name: unknown, opts: ComponentOptions | undefined, render: () => T): { result: T; provider?: k8s.Provider; opts: ComponentOptions } {
  const { result, provider } = validate(subject, name, opts, render);
  return { result, provider, opts: { ...opts, dependsOn: gated(opts?.dependsOn) } };
}

/**
 * {@link prepare} without the gated options: validates the name, the options and the props (`render`),
 * and fails the current batch on any error. For a static factory that turns its props into a
 * component's props before it calls the constructor.
 */
export function validate<T>(subject: string, name: unknown, opts: ComponentOptions | undefined, render: () => T): { result: T; provider?: k8s.Provider } {
  try {
    const p = new Problems(subject);
    // the resource name: Pulumi would fail on anything but a non-empty string with a TypeError or its own assertion
    if (!isNameArgument(name) || name === '') p.error('name', `the Pulumi resource name must be a non-empty string of at most ${MAX_NAME_ARGUMENT} characters, got ${show(name)}`);
    const provider = checkOptions(p, opts);
    const result = p.runRender(render);
    p.throwIfErrors();
    return { result, provider };
  } catch (e) {
    failBatch(e);
    throw e;
  }
}

/** Marks the current batch failed with `e` (its first error), so the gate rejects (see {@link Batch}). */
function failBatch(e: unknown): void {
  const b = currentBatch();
  if (b.error === undefined) b.error = e;
}

/** Stands for "no Pulumi monitor" and "the default provider" in the registry keys. */
const NONE = {};
/** The objects defined per program (keyed by its resource monitor) and per Kubernetes provider. */
const registries = new WeakMap<object, WeakMap<object, ObjectRegistry>>();

/**
 * Before a component registers anything: throws a ValidationError naming both definitions if any of
 * `manifests` is already defined by a component of this program that sends its objects to the same
 * Kubernetes provider; otherwise records them as defined by `definition`
 * (`capi-constructs:index:WorkerGroup "workers-b"`).
 */
export function claimObjects(subject: string, definition: string, provider: k8s.Provider | undefined, manifests: readonly Manifest[]): void {
  const monitor = (pulumi.runtime.getMonitor() as object | undefined) ?? NONE;
  let perProvider = registries.get(monitor);
  if (!perProvider) {
    perProvider = new WeakMap();
    registries.set(monitor, perProvider);
  }
  let registry = perProvider.get(provider ?? NONE);
  if (!registry) {
    registry = new ObjectRegistry('in a Pulumi program (per Kubernetes provider)');
    perProvider.set(provider ?? NONE, registry);
  }
  try {
    registry.check(subject, definition, manifests);
  } catch (e) {
    failBatch(e); // a duplicate, like any other error of a component, registers nothing of the program
    throw e;
  }
  registry.add(definition, manifests);
}
