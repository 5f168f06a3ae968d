import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { Warning } from '../core/rules/errors';
import { workerGroupName } from '../core/output/naming';
import { IngressWorkerGroupProps, ingressWorkerGroupProps, renderWorkerGroup, WorkerGroupProps } from '../core/nodes/worker-group';
import { checkUnique, emit } from './emit';

/**
 * A worker node group: MachineDeployment `<cluster>-<name>`, KubeadmConfigTemplate, machine template
 * and an optional MachineHealthCheck.
 */
export class WorkerGroup extends Construct {
  /** Dedicated ingress nodes: group `ingress`, role `ingress`, 2 nodes (overridable via `scaling`). */
  static ingress(scope: Construct, id: string, props: IngressWorkerGroupProps): WorkerGroup {
    return new WorkerGroup(scope, id, ingressWorkerGroupProps(props));
  }

  /** The MachineDeployment name. */
  public readonly name: string;
  public readonly warnings: readonly Warning[];
  public readonly apiObjects: readonly ApiObject[];

  constructor(scope: Construct, id: string, props: WorkerGroupProps) {
    const rendered = renderWorkerGroup(props);
    checkUnique(scope, id, new.target.name, `WorkerGroup "${workerGroupName(props.cluster.name, props.name)}"`, rendered.manifests);
    super(scope, id);
    this.name = workerGroupName(props.cluster.name, props.name);
    this.warnings = rendered.warnings;
    this.apiObjects = emit(this, `WorkerGroup "${this.name}"`, rendered);
  }
}
