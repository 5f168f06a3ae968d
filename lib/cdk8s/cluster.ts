import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { CapiVersion } from '../core/output/api-versions';
import { buildCluster, ClusterProps, ClusterRef } from '../core/cluster/cluster';
import { peek, show, Warning } from '../core/rules/errors';
import { ProviderBootstrap } from '../core/kubeadm/provider-bootstrap';
import { ResolvedNodeFailureDetection } from '../core/cluster/node-failure-detection';
import { checkUnique, emit, validated } from './emit';
import { renderClusterAutoscaler, ResolvedClusterAutoscaler } from '../core/components/cluster-autoscaler';

/**
 * A Cluster API Cluster. Node groups and add-ons take it as their `cluster` prop.
 * Throws ValidationError (statusCode 400, every problem listed) on invalid props, before anything
 * is added to the construct tree.
 */
export class Cluster extends Construct implements ClusterRef {
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
  /** The emitted objects: the infrastructure cluster (if any), the Cluster and its components (docs/components.md). */
  public readonly apiObjects: readonly ApiObject[];
  private autoscalerObjects?: readonly ApiObject[];

  constructor(scope: Construct, id: string, props: ClusterProps) {
    const model = validated(`Cluster ${show(peek(props, 'name'))}`, scope, id, 'in-chart', () => buildCluster(props));
    checkUnique(scope, id, new.target.name, `Cluster "${model.ref.name}"`, model.manifests);
    super(scope, id);
    this.name = model.ref.name;
    this.namespace = model.ref.namespace;
    this.kubernetesVersion = model.ref.kubernetesVersion;
    this.apiVersion = model.ref.apiVersion;
    this.nodeFailureDetection = model.ref.nodeFailureDetection;
    this.bootstrap = model.ref.bootstrap;
    this.failureDomains = model.ref.failureDomains;
    this.cniRelease = model.ref.cniRelease;
    this.clusterAutoscaler = model.ref.clusterAutoscaler;
    this.warnings = model.warnings;
    this.apiObjects = emit(this, `Cluster "${this.name}"`, model);
  }

  /** The cluster-autoscaler's objects, once an autoscaled group has added them; `[]` before. */
  public get clusterAutoscalerObjects(): readonly ApiObject[] {
    return this.autoscalerObjects ?? [];
  }

  /**
   * Emits the cluster-autoscaler's HelmRepository and HelmRelease (child `ClusterAutoscaler`) once; an
   * autoscaled WorkerGroup calls it. Returns them, or `[]` when `clusterAutoscaler: false`.
   */
  public addClusterAutoscaler(): readonly ApiObject[] {
    if (!this.clusterAutoscaler?.imageTag) return [];
    if (this.autoscalerObjects === undefined) {
      const manifests = renderClusterAutoscaler(this, this.clusterAutoscaler);
      // duplicate detection as for every construct's objects, before the child is added to the tree
      checkUnique(this, 'ClusterAutoscaler', 'ClusterAutoscaler', `Cluster "${this.name}" (cluster-autoscaler)`, manifests);
      this.autoscalerObjects = emit(new Construct(this, 'ClusterAutoscaler'), `Cluster "${this.name}"`, { manifests, warnings: [] });
    }
    return this.autoscalerObjects;
  }
}
