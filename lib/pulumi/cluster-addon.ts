/**
 * ClusterAddon as a Pulumi component (`capi-constructs:index:ClusterAddon`), over the core's
 * renderClusterAddon: the same props, validation and objects as the cdk8s ClusterAddon, plus one
 * Pulumi-only prop, `waitForReady`.
 */
import * as pulumi from '@pulumi/pulumi';
import { AddonModel, ClusterAddonProps, HELM_RELEASE_API_VERSION, renderClusterAddon } from '../core/addons/addon';
import { AddonName } from '../core/addons/catalog';
import { AddonMode, AddonNames } from '../core/addons/naming';
import { SecurityGroupPort } from '../core/addons/network';
import { Problems, show, ValidationError, Warning } from '../core/errors';
import { Manifest } from '../core/manifest';
import { reportWarnings } from '../core/warnings';
import { ComponentOptions, objectIds, prepare, registerManifests, TYPE_PREFIX } from './emit';

/**
 * Annotation of the Pulumi Kubernetes provider (v4.18+): `pulumi up` waits until the object meets the
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
function render(props: PulumiClusterAddonProps): { model: AddonModel; waitForReady: boolean } {
  const isObject = props !== null && typeof props === 'object';
  const waitForReady = isObject ? props.waitForReady : undefined;
  const p = new Problems(`ClusterAddon ${show(isObject ? props.addon : undefined)}`);
  if (waitForReady !== undefined && typeof waitForReady !== 'boolean') p.error('waitForReady', `must be a boolean, got ${show(waitForReady)}`);
  let model: AddonModel;
  try {
    // The core sees exactly the props cdk8s passes it.
    const core = isObject ? (({ waitForReady: _pulumiOnly, ...rest }) => rest)(props) : props;
    model = renderClusterAddon(core as ClusterAddonProps);
  } catch (e) {
    if (e instanceof ValidationError && p.hasErrors) throw new ValidationError(e.subject, [...e.issues, ...p.errors]);
    throw e;
  }
  p.throwIfErrors();
  return { model, waitForReady: waitForReady === true };
}

/**
 * A catalog add-on on a workload cluster (Flux HelmRepository and HelmRelease(s), the add-on
 * namespace's NetworkPolicy, a PrometheusRule; see docs/addons.md), as a Pulumi component.
 * Throws ValidationError (statusCode 400) before anything is registered.
 */
export class ClusterAddon extends pulumi.ComponentResource {
  public readonly addon: AddonName;
  public readonly mode: AddonMode;
  /** Every name the add-on uses (namespace, releases, ...). */
  public readonly names: AddonNames;
  /** Namespace of the HelmReleases. */
  public readonly releaseNamespace: string;
  /** Ports to open in the cluster's security groups. */
  public readonly securityGroupPorts: readonly SecurityGroupPort[];
  public readonly warnings: readonly Warning[];
  /** The objects sent to Kubernetes, in emit order (cdk8s's objects, plus the `waitForReady` annotation if set). */
  public readonly manifests: readonly Manifest[];
  /** One child resource per object, in the same order. */
  public readonly resources: readonly pulumi.CustomResource[];

  constructor(name: string, props: PulumiClusterAddonProps, opts?: ComponentOptions) {
    const { result: { model, waitForReady }, provider } = prepare(`ClusterAddon ${show(props?.addon)}`, opts, () => render(props));
    super(`${TYPE_PREFIX}ClusterAddon`, name, {}, opts);
    this.addon = model.addon;
    this.mode = model.mode;
    this.names = model.names;
    this.releaseNamespace = model.releaseNamespace;
    this.securityGroupPorts = model.securityGroupPorts;
    this.warnings = model.warnings;
    this.manifests = waitForReady ? withWaitForReady(model.manifests) : model.manifests;
    this.resources = registerManifests(this, this.manifests, provider);
    const subject = `ClusterAddon "${model.addon}" on cluster "${props.cluster.name}"`;
    reportWarnings(subject, model.warnings);
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
}
