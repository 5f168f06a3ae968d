import * as pulumi from '@pulumi/pulumi';
import { CapiVersion } from '../core/output/api-versions';
import { buildCluster, ClusterProps, ClusterRef } from '../core/cluster/cluster';
import { peek, show, Warning } from '../core/rules/errors';
import { Manifest } from '../core/output/manifest';
import { ProviderBootstrap } from '../core/kubeadm/provider-bootstrap';
import { ResolvedNodeFailureDetection } from '../core/cluster/node-failure-detection';
import { reportWarnings } from '../core/rules/warnings';
import { claimObjects, ComponentOptions, objectIds, prepare, registerManifests, TYPE_PREFIX, whenOpen } from './emit';
import { renderClusterAutoscaler, ResolvedClusterAutoscaler } from '../core/components/cluster-autoscaler';
import * as k8s from '@pulumi/kubernetes';

/**
 * A Cluster API Cluster as a Pulumi component (`capi-constructs:index:Cluster`): the Cluster object
 * and, if its spec is given, the infrastructure cluster object, as children. Node groups and add-ons
 * take it as their `cluster` prop. Same props and validation as the cdk8s Cluster; throws
 * ValidationError (statusCode 400, every problem listed) before anything is registered.
 */
export class Cluster extends pulumi.ComponentResource implements ClusterRef {
  public readonly name: string;
  public readonly namespace: string;
  public readonly kubernetesVersion: string;
  public readonly apiVersion: CapiVersion;
  public readonly nodeFailureDetection?: ResolvedNodeFailureDetection;
  /** The infrastructure provider's additions to every node's kubeadm configuration. */
  public readonly bootstrap?: ProviderBootstrap;
  /** The failure domains the infrastructure will report, where known (a VSphereCluster's `failureDomains`). */
  public readonly failureDomains?: readonly string[];
  /** The CNI's HelmRelease, which management-mode add-ons depend on. */
  public readonly cniRelease?: string;
  /** The cluster-autoscaler installed when a group is autoscaled; undefined when `clusterAutoscaler: false`. */
  public readonly clusterAutoscaler?: ResolvedClusterAutoscaler;
  /** Legal but risky settings found in the props. */
  public readonly warnings: readonly Warning[];
  private readonly provider?: k8s.Provider;
  /** The component's Pulumi name, for duplicate reports. */
  private readonly componentName: string;
  private autoscalerResources?: readonly pulumi.CustomResource[];
  /** The objects sent to Kubernetes, in emit order (the same objects cdk8s synthesizes). */
  public readonly manifests: readonly Manifest[];
  /** One child resource per object, in the same order. */
  public readonly resources: readonly pulumi.CustomResource[];

  /** Registers the outputs once the program's components are known to be valid (see the registration gate in the adapter). */
  protected override registerOutputs(outputs?: pulumi.Inputs | Promise<pulumi.Inputs> | pulumi.Output<pulumi.Inputs>): void {
    whenOpen(() => super.registerOutputs(outputs));
  }

  constructor(name: string, props: ClusterProps, opts?: ComponentOptions) {
    const { result: model, provider, opts: gatedOpts } = prepare(`Cluster ${show(peek(props, 'name'))}`, name, opts, () => buildCluster(props));
    // warnings first: a throwing handler fails the component before anything is claimed or registered
    reportWarnings(`Cluster "${model.ref.name}"`, model.warnings);
    claimObjects(`Cluster "${model.ref.name}"`, `${TYPE_PREFIX}Cluster "${name}"`, provider, model.manifests);
    super(`${TYPE_PREFIX}Cluster`, name, {}, gatedOpts);
    this.name = model.ref.name;
    this.namespace = model.ref.namespace;
    this.kubernetesVersion = model.ref.kubernetesVersion;
    this.apiVersion = model.ref.apiVersion;
    this.nodeFailureDetection = model.ref.nodeFailureDetection;
    this.bootstrap = model.ref.bootstrap;
    this.failureDomains = model.ref.failureDomains;
    this.cniRelease = model.ref.cniRelease;
    this.clusterAutoscaler = model.ref.clusterAutoscaler;
    this.provider = provider;
    this.componentName = name;
    this.warnings = model.warnings;
    this.manifests = model.manifests;
    this.resources = registerManifests(this, model.manifests, provider);
    this.registerOutputs({
      name: this.name,
      namespace: this.namespace,
      kubernetesVersion: this.kubernetesVersion,
      apiVersion: this.apiVersion,
      objects: objectIds(model.manifests),
      warnings: model.warnings.map((w) => `${w.path}: ${w.message}`),
    });
  }

  /**
   * Registers the cluster-autoscaler's HelmRepository and HelmRelease (children of this Cluster) once;
   * an autoscaled WorkerGroup calls it. Returns them, or `[]` when `clusterAutoscaler: false`.
   */
  public addClusterAutoscaler(): readonly pulumi.CustomResource[] {
    if (!this.clusterAutoscaler?.imageTag) return [];
    if (this.autoscalerResources === undefined) {
      const manifests = renderClusterAutoscaler(this, this.clusterAutoscaler);
      // duplicate detection as for every component's objects (a duplicate closes the registration gate)
      claimObjects(`Cluster "${this.name}" (cluster-autoscaler)`, `${TYPE_PREFIX}Cluster "${this.componentName}" cluster-autoscaler`, this.provider, manifests);
      this.autoscalerResources = registerManifests(this, manifests, this.provider);
    }
    return this.autoscalerResources;
  }
}
