import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import {
  addonCleanupCommands, AddonMode, AddonName, AddonNames, ClusterAddonProps, FluxResourceMetricsProps, renderClusterAddon,
  renderFluxResourceMetrics, SecurityGroupPort,
} from '../core/addons';
import { peek, show, Warning } from '../core/rules/errors';
import { checkUnique, emit, validated } from './emit';

/**
 * A catalog add-on (JupyterHub, KubeRay) on a workload cluster, installed by Flux: a HelmRepository and
 * HelmRelease(s), the add-on namespace's NetworkPolicies, and a PrometheusRule.
 *
 * Throws ValidationError (statusCode 400, every problem listed) for an unknown add-on or parameter,
 * invalid quantities, or a cluster whose Kubernetes version fails the add-on's constraint — before
 * anything is added to the construct tree.
 */
export class ClusterAddon<A extends AddonName = AddonName> extends Construct {
  public readonly addon: AddonName;
  public readonly mode: AddonMode;
  /** Every generated name (namespace, releases, ...). */
  public readonly names: AddonNames;
  /** The add-on namespace on the workload cluster: `iaas-addon-<addon>-<suffix>`. */
  public readonly namespace: string;
  /** The primary Helm release / HelmRelease name: `<addon>-<suffix>`. */
  public readonly releaseName: string;
  /** Ports to open in the cluster's security groups. */
  public readonly securityGroupPorts: readonly SecurityGroupPort[];
  /** Legal but risky settings found in the props. */
  public readonly warnings: readonly Warning[];
  public readonly apiObjects: readonly ApiObject[];
  /** The workload cluster's name and the namespace of its Cluster object. */
  public readonly clusterName: string;
  public readonly clusterNamespace: string;

  constructor(scope: Construct, id: string, props: ClusterAddonProps<A>) {
    const model = validated(`ClusterAddon ${show(peek(props, 'addon'))}`, scope, id, 'in-chart', () => renderClusterAddon(props));
    checkUnique(scope, id, new.target.name, `ClusterAddon "${model.addon}" on cluster "${props.cluster.name}"`, model.manifests);
    super(scope, id);
    this.addon = model.addon;
    this.mode = model.mode;
    this.names = model.names;
    this.namespace = model.names.namespace;
    this.releaseName = model.names.release;
    this.securityGroupPorts = model.securityGroupPorts;
    this.warnings = model.warnings;
    this.clusterName = props.cluster.name;
    this.clusterNamespace = props.cluster.namespace;
    const subject = `ClusterAddon "${this.addon}" on cluster "${this.clusterName}"`;
    // Plain ApiObjects, the NetworkPolicy too: no cdk8s-plus, so any cdk8s-plus version can sit beside the library.
    this.apiObjects = emit(this, subject, model);
  }

  /** The kubectl commands that remove this add-on's release and namespace (same as `npx capi-constructs addon-cleanup`). */
  cleanupCommands(): string[] {
    return addonCleanupCommands({ cluster: this.clusterName, namespace: this.clusterNamespace, addon: this.addon, mode: this.mode });
  }
}

/**
 * The kube-state-metrics config that defines `gotk_resource_info` for Flux HelmReleases and
 * HelmRepositories (which the ClusterAddon alerts read), and a ClusterRole to read them. Add it once
 * per cluster where Flux runs.
 */
export class FluxResourceMetrics extends Construct {
  public readonly apiObjects: readonly ApiObject[];

  constructor(scope: Construct, id: string, props: FluxResourceMetricsProps) {
    const rendered = validated('FluxResourceMetrics', scope, id, 'in-chart', () => renderFluxResourceMetrics(props));
    checkUnique(scope, id, new.target.name, 'FluxResourceMetrics', rendered.manifests);
    super(scope, id);
    this.apiObjects = emit(this, 'FluxResourceMetrics', rendered);
  }
}
