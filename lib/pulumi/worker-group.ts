import * as pulumi from '@pulumi/pulumi';
import { Warning } from '../core/rules/errors';
import { Manifest } from '../core/output/manifest';
import { workerGroupName } from '../core/output/naming';
import { reportWarnings } from '../core/rules/warnings';
import { IngressWorkerGroupProps, ingressWorkerGroupProps, renderWorkerGroup, WorkerGroupProps } from '../core/nodes/worker-group';
import { claimObjects, ComponentOptions, objectIds, prepare, registerManifests, TYPE_PREFIX, validate, whenOpen } from './emit';
import { isAutoscaled } from '../core/components/cluster-autoscaler';
import { Cluster } from './cluster';

/**
 * A worker node group as a Pulumi component (`capi-constructs:index:WorkerGroup`): MachineDeployment
 * `<cluster>-<name>`, KubeadmConfigTemplate, machine template and an optional MachineHealthCheck.
 * Same props and validation as the cdk8s WorkerGroup.
 */
export class WorkerGroup extends pulumi.ComponentResource {
  /** Dedicated ingress nodes: group `ingress`, role `ingress`, 2 nodes (overridable via `scaling`). */
  static ingress(name: string, props: IngressWorkerGroupProps, opts?: ComponentOptions): WorkerGroup {
    // the props' problems with those of the name and options, and failing the batch as the constructor does
    return new WorkerGroup(name, validate('WorkerGroup "ingress"', name, opts, () => ingressWorkerGroupProps(props)).result, opts);
  }

  /** The group's base name `<cluster>-<name>`: its MachineDeployment, or the prefix of one per failure domain. */
  public readonly name: string;
  /** The MachineDeployments, in order: `[name]`, or `<name>-<domain>` per entry of `failureDomains`. */
  public readonly machineDeployments: readonly string[];
  public readonly warnings: readonly Warning[];
  /** The objects sent to Kubernetes, in emit order (the same objects cdk8s synthesizes). */
  public readonly manifests: readonly Manifest[];
  /** One child resource per object, in the same order. */
  public readonly resources: readonly pulumi.CustomResource[];

  /** Registers the outputs once the program's components are known to be valid (see the registration gate in the adapter). */
  protected override registerOutputs(outputs?: pulumi.Inputs | Promise<pulumi.Inputs> | pulumi.Output<pulumi.Inputs>): void {
    whenOpen(() => super.registerOutputs(outputs));
  }

  constructor(name: string, props: WorkerGroupProps, opts?: ComponentOptions) {
    const { result: rendered, provider, opts: gatedOpts } = prepare('WorkerGroup', name, opts, () => renderWorkerGroup(props));
    // warnings first: a throwing handler fails the component before anything is claimed or registered
    reportWarnings(`WorkerGroup "${workerGroupName(props.cluster.name, props.name)}"`, rendered.warnings);
    claimObjects(`WorkerGroup "${workerGroupName(props.cluster.name, props.name)}"`, `${TYPE_PREFIX}WorkerGroup "${name}"`, provider, rendered.manifests);
    super(`${TYPE_PREFIX}WorkerGroup`, name, {}, gatedOpts);
    this.name = workerGroupName(props.cluster.name, props.name);
    this.machineDeployments = rendered.manifests.filter((m) => m.kind === 'MachineDeployment').map((m) => m.metadata.name);
    this.warnings = rendered.warnings;
    this.manifests = rendered.manifests;
    this.resources = registerManifests(this, rendered.manifests, provider);
    if (isAutoscaled(rendered) && props.cluster instanceof Cluster) props.cluster.addClusterAutoscaler();
    this.registerOutputs({
      name: this.name,
      objects: objectIds(rendered.manifests),
      warnings: rendered.warnings.map((w) => `${w.path}: ${w.message}`),
    });
  }
}
