import * as pulumi from '@pulumi/pulumi';
import { ControlPlaneGroupProps, renderControlPlane } from '../core/nodes/control-plane';
import { Warning } from '../core/rules/errors';
import { Manifest } from '../core/output/manifest';
import { controlPlaneName } from '../core/output/naming';
import { reportWarnings } from '../core/rules/warnings';
import { claimObjects, ComponentOptions, objectIds, prepare, registerManifests, TYPE_PREFIX, whenOpen } from './emit';

/**
 * The control-plane node group as a Pulumi component (`capi-constructs:index:ControlPlaneGroup`):
 * KubeadmControlPlane `<cluster>-control-plane`, its machine template and an optional
 * MachineHealthCheck. Same props and validation as the cdk8s ControlPlaneGroup; `cluster` takes the
 * Pulumi (or any) Cluster.
 */
export class ControlPlaneGroup extends pulumi.ComponentResource {
  /** The KubeadmControlPlane name. */
  public readonly name: string;
  public readonly warnings: readonly Warning[];
  /** The objects sent to Kubernetes, in emit order (the same objects cdk8s synthesizes). */
  public readonly manifests: readonly Manifest[];
  /** One child resource per object, in the same order. */
  public readonly resources: readonly pulumi.CustomResource[];

  /** Registers the outputs once the program's components are known to be valid (see the registration gate in the adapter). */
  protected override registerOutputs(outputs?: pulumi.Inputs | Promise<pulumi.Inputs> | pulumi.Output<pulumi.Inputs>): void {
    whenOpen(() => super.registerOutputs(outputs));
  }

  constructor(name: string, props: ControlPlaneGroupProps, opts?: ComponentOptions) {
    const { result: rendered, provider, opts: gatedOpts } = prepare('ControlPlaneGroup', name, opts, () => renderControlPlane(props));
    // warnings first: a throwing handler fails the component before anything is claimed or registered
    reportWarnings(`ControlPlaneGroup "${controlPlaneName(props.cluster.name)}"`, rendered.warnings);
    claimObjects(`ControlPlaneGroup "${controlPlaneName(props.cluster.name)}"`, `${TYPE_PREFIX}ControlPlaneGroup "${name}"`, provider, rendered.manifests);
    super(`${TYPE_PREFIX}ControlPlaneGroup`, name, {}, gatedOpts);
    this.name = controlPlaneName(props.cluster.name);
    this.warnings = rendered.warnings;
    this.manifests = rendered.manifests;
    this.resources = registerManifests(this, rendered.manifests, provider);
    this.registerOutputs({
      name: this.name,
      objects: objectIds(rendered.manifests),
      warnings: rendered.warnings.map((w) => `${w.path}: ${w.message}`),
    });
  }
}
