import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { Warning } from '../core/rules/errors';
import { workerGroupName } from '../core/output/naming';
import { IngressWorkerGroupProps, ingressWorkerGroupProps, renderWorkerGroup, WorkerGroupProps } from '../core/nodes/worker-group';
import { checkUnique, emit, validated } from './emit';
import { isAutoscaled } from '../core/components/cluster-autoscaler';
import { Cluster } from './cluster';

/**
 * A worker node group: MachineDeployment `<cluster>-<name>`, KubeadmConfigTemplate, machine template
 * and an optional MachineHealthCheck.
 */
export class WorkerGroup extends Construct {
  /** Dedicated ingress nodes: group `ingress`, role `ingress`, 2 nodes (overridable via `scaling`). */
  static ingress(scope: Construct, id: string, props: IngressWorkerGroupProps): WorkerGroup {
    return new WorkerGroup(scope, id, validated('WorkerGroup "ingress"', scope, id, 'in-chart', () => ingressWorkerGroupProps(props)));
  }

  /** The group's base name `<cluster>-<name>`: its MachineDeployment, or the prefix of one per failure domain. */
  public readonly name: string;
  /** The MachineDeployments, in order: `[name]`, or `<name>-<domain>` per entry of `failureDomains`. */
  public readonly machineDeployments: readonly string[];
  public readonly warnings: readonly Warning[];
  public readonly apiObjects: readonly ApiObject[];

  constructor(scope: Construct, id: string, props: WorkerGroupProps) {
    const rendered = validated('WorkerGroup', scope, id, 'in-chart', () => renderWorkerGroup(props));
    checkUnique(scope, id, new.target.name, `WorkerGroup "${workerGroupName(props.cluster.name, props.name)}"`, rendered.manifests);
    super(scope, id);
    this.name = workerGroupName(props.cluster.name, props.name);
    this.machineDeployments = rendered.manifests.filter((m) => m.kind === 'MachineDeployment').map((m) => m.metadata.name);
    this.warnings = rendered.warnings;
    this.apiObjects = emit(this, `WorkerGroup "${this.name}"`, rendered);
    if (isAutoscaled(rendered) && props.cluster instanceof Cluster) props.cluster.addClusterAutoscaler();
  }
}
