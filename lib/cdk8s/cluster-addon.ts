import { ApiObject } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import {
  addonCleanupCommands, AddonMode, AddonName, AddonNames, ClusterAddonProps, FluxResourceMetricsProps, renderClusterAddon,
  renderFluxResourceMetrics, SecurityGroupPort,
} from '../core/addons';
import { Warning } from '../core/errors';
import { Manifest } from '../core/manifest';
import { emit, objectId } from './emit';

interface PolicyRule {
  from?: k8s.NetworkPolicyPeer[];
  ports?: { protocol: string; port: number }[];
}

/**
 * The core NetworkPolicy object as a typed cdk8s-plus-28 L1 construct. The spec is the core's, field
 * for field, so cdk8s and the Pulumi adapter (which registers the plain object) emit the same object.
 */
function kubeNetworkPolicy(scope: Construct, m: Manifest): ApiObject {
  const spec = m.spec as { podSelector: k8s.LabelSelector; policyTypes: string[]; ingress: PolicyRule[] };
  return new k8s.KubeNetworkPolicy(scope, objectId(scope, m.kind), {
    metadata: m.metadata,
    spec: {
      podSelector: spec.podSelector,
      policyTypes: spec.policyTypes,
      ingress: spec.ingress.map((r) => ({
        from: r.from,
        ports: r.ports?.map((p) => ({ protocol: p.protocol, port: k8s.IntOrString.fromNumber(p.port) })),
      })),
    },
  });
}

/**
 * A catalog add-on (JupyterHub, KubeRay) on a workload cluster, installed by Flux: a HelmRepository and
 * HelmRelease(s), the add-on namespace's NetworkPolicy, and a PrometheusRule.
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
    const model = renderClusterAddon(props);
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
    const objects: ApiObject[] = [];
    for (const m of model.manifests) {
      objects.push(...(m.kind === 'NetworkPolicy' ? [kubeNetworkPolicy(this, m)] : emit(this, subject, { manifests: [m], warnings: [] })));
    }
    emit(this, subject, { manifests: [], warnings: model.warnings });
    this.apiObjects = objects;
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
    const rendered = renderFluxResourceMetrics(props);
    super(scope, id);
    this.apiObjects = emit(this, 'FluxResourceMetrics', rendered);
  }
}
