/**
 * ClusterAddon as a Pulumi component (`capi-constructs:index:ClusterAddon`), over the core's
 * renderClusterAddon: the same props, validation and objects as the cdk8s ClusterAddon, plus one
 * Pulumi-only prop, `waitForReady`.
 */
import * as pulumi from '@pulumi/pulumi';
import {
  addonCleanupCommands, AddonMode, AddonModel, AddonName, AddonNames, ClusterAddonProps, FluxResourceMetricsProps, HELM_RELEASE_API_VERSION,
  renderClusterAddon, renderFluxResourceMetrics, SecurityGroupPort,
} from '../core/addons';
import { peek, Problems, show, Warning } from '../core/rules/errors';
import { checkBoolean, checkObject } from '../core/rules/validation';
import { Manifest } from '../core/output/manifest';
import { reportWarnings } from '../core/rules/warnings';
import { claimObjects, ComponentOptions, objectIds, prepare, registerManifests, TYPE_PREFIX, whenOpen } from './emit';

/**
 * Annotation of the Pulumi Kubernetes provider (4.18.4+, experimental upstream): `pulumi up` waits until the object meets the
 * condition (here its `Ready` condition is True) before it counts the resource as created or updated.
 */
export const PULUMI_WAIT_FOR_ANNOTATION = 'pulumi.com/waitFor';
/** The condition ClusterAddon waits for: Flux sets Ready=True on a HelmRelease once the release is installed and healthy. */
export const PULUMI_WAIT_FOR_READY = 'condition=Ready';

/** Props of the Pulumi ClusterAddon: the core props, plus what only Pulumi can do. */
export type PulumiClusterAddonProps<A extends AddonName = AddonName> = ClusterAddonProps<A> & {
  /**
   * Annotate the HelmReleases with `pulumi.com/waitFor: condition=Ready`, so `pulumi up` waits until
   * Flux reports each release Ready (and fails if it does not become Ready within the provider's
   * await timeout). Pulumi only: the objects differ from cdk8s's by this annotation alone.
   * @default false (Pulumi counts a HelmRelease as created once the API server accepted it)
   */
  readonly waitForReady?: boolean;
};

/** The core objects with the `pulumi.com/waitFor` annotation added to every HelmRelease (copies; the input is not changed). */
export function withWaitForReady(manifests: readonly Manifest[]): Manifest[] {
  return manifests.map((m) => (m.apiVersion === HELM_RELEASE_API_VERSION && m.kind === 'HelmRelease'
    ? { ...m, metadata: { ...m.metadata, annotations: { ...m.metadata.annotations, [PULUMI_WAIT_FOR_ANNOTATION]: PULUMI_WAIT_FOR_READY } } }
    : m));
}

/** Renders with the core, adding the problems of the Pulumi-only prop to the core's. */
function render<A extends AddonName>(props: PulumiClusterAddonProps<A>): { model: AddonModel; waitForReady: boolean } {
  // props that are not a plain object (a Proxy that throws, getters, ...) go to the core as they are, which reports them
  const isObject = checkObject(new Problems('ClusterAddon'), 'props', props);
  const waitForReady = isObject ? props.waitForReady : undefined;
  const p = new Problems(`ClusterAddon ${show(peek(props, 'addon'))}`);
  checkBoolean(p, 'waitForReady', waitForReady);
  // The core sees exactly the props cdk8s passes it.
  const core = isObject ? (({ waitForReady: _pulumiOnly, ...rest }) => rest)(props) : props;
  const model: AddonModel = p.runRender(() => renderClusterAddon(core as ClusterAddonProps));
  p.throwIfErrors();
  return { model, waitForReady: waitForReady === true };
}

/**
 * A catalog add-on on a workload cluster (Flux HelmRepository and HelmRelease(s), the add-on
 * namespace's NetworkPolicy, a PrometheusRule; see docs/addons.md), as a Pulumi component.
 * Throws ValidationError (statusCode 400) before anything is registered.
 */
export class ClusterAddon<A extends AddonName = AddonName> extends pulumi.ComponentResource {
  public readonly addon: AddonName;
  public readonly mode: AddonMode;
  /** Every generated name (namespace, releases, ...). */
  public readonly names: AddonNames;
  /** The add-on namespace on the workload cluster: `iaas-addon-<addon>-<suffix>`. */
  public readonly namespace: string;
  /** The primary Helm release / HelmRelease name: `<addon>-<suffix>`. */
  public readonly releaseName: string;
  /** The workload cluster's name and the namespace of its Cluster object. */
  public readonly clusterName: string;
  public readonly clusterNamespace: string;
  /** Namespace of the HelmReleases. */
  public readonly releaseNamespace: string;
  /** Ports to open in the cluster's security groups. */
  public readonly securityGroupPorts: readonly SecurityGroupPort[];
  public readonly warnings: readonly Warning[];
  /** The objects sent to Kubernetes, in emit order (cdk8s's objects, plus the `waitForReady` annotation if set). */
  public readonly manifests: readonly Manifest[];
  /** One child resource per object, in the same order. */
  public readonly resources: readonly pulumi.CustomResource[];

  /** Registers the outputs once the program's components are known to be valid (see the registration gate in the adapter). */
  protected override registerOutputs(outputs?: pulumi.Inputs | Promise<pulumi.Inputs> | pulumi.Output<pulumi.Inputs>): void {
    whenOpen(() => super.registerOutputs(outputs));
  }

  constructor(name: string, props: PulumiClusterAddonProps<A>, opts?: ComponentOptions) {
    const { result: { model, waitForReady }, provider, opts: gatedOpts } = prepare(`ClusterAddon ${show(peek(props, 'addon'))}`, name, opts, () => render(props));
    const manifests = waitForReady ? withWaitForReady(model.manifests) : model.manifests;
    // warnings first: a throwing handler fails the component before anything is claimed or registered
    reportWarnings(`ClusterAddon "${model.addon}" on cluster "${props.cluster.name}"`, model.warnings);
    claimObjects(`ClusterAddon "${model.addon}" on cluster "${props.cluster.name}"`, `${TYPE_PREFIX}ClusterAddon "${name}"`, provider, manifests);
    super(`${TYPE_PREFIX}ClusterAddon`, name, {}, gatedOpts);
    this.addon = model.addon;
    this.mode = model.mode;
    this.names = model.names;
    this.namespace = model.names.namespace;
    this.releaseName = model.names.release;
    this.clusterName = props.cluster.name;
    this.clusterNamespace = props.cluster.namespace;
    this.releaseNamespace = model.releaseNamespace;
    this.securityGroupPorts = model.securityGroupPorts;
    this.warnings = model.warnings;
    this.manifests = manifests;
    this.resources = registerManifests(this, this.manifests, provider);
    this.registerOutputs({
      addon: this.addon,
      mode: this.mode,
      namespace: model.names.namespace,
      releases: model.names.releases.map((r) => r.name),
      releaseNamespace: this.releaseNamespace,
      objects: objectIds(this.manifests),
      warnings: model.warnings.map((w) => `${w.path}: ${w.message}`),
    });
  }

  /** The kubectl commands that remove this add-on's release and namespace (same as `npx capi-constructs addon-cleanup`). */
  cleanupCommands(): string[] {
    return addonCleanupCommands({ cluster: this.clusterName, namespace: this.clusterNamespace, addon: this.addon, mode: this.mode });
  }
}

/**
 * The kube-state-metrics config that defines `gotk_resource_info` for Flux HelmReleases and
 * HelmRepositories (which the ClusterAddon alerts read), and a ClusterRole to read them, as a Pulumi
 * component (`capi-constructs:index:FluxResourceMetrics`). Add it once per cluster where Flux runs.
 */
export class FluxResourceMetrics extends pulumi.ComponentResource {
  public readonly warnings: readonly Warning[];
  public readonly manifests: readonly Manifest[];
  public readonly resources: readonly pulumi.CustomResource[];

  /** Registers the outputs once the program's components are known to be valid (see the registration gate in the adapter). */
  protected override registerOutputs(outputs?: pulumi.Inputs | Promise<pulumi.Inputs> | pulumi.Output<pulumi.Inputs>): void {
    whenOpen(() => super.registerOutputs(outputs));
  }

  constructor(name: string, props: FluxResourceMetricsProps, opts?: ComponentOptions) {
    const { result: rendered, provider, opts: gatedOpts } = prepare('FluxResourceMetrics', name, opts, () => renderFluxResourceMetrics(props));
    reportWarnings('FluxResourceMetrics', rendered.warnings);
    claimObjects('FluxResourceMetrics', `${TYPE_PREFIX}FluxResourceMetrics "${name}"`, provider, rendered.manifests);
    super(`${TYPE_PREFIX}FluxResourceMetrics`, name, {}, gatedOpts);
    this.warnings = rendered.warnings;
    this.manifests = rendered.manifests;
    this.resources = registerManifests(this, rendered.manifests, provider);
    this.registerOutputs({ objects: objectIds(rendered.manifests), warnings: rendered.warnings.map((w) => `${w.path}: ${w.message}`) });
  }
}
