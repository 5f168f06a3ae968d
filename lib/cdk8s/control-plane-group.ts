import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { Warning } from '../core/rules/errors';
import { ControlPlaneGroupProps, renderControlPlane } from '../core/nodes/control-plane';
import { controlPlaneName } from '../core/output/naming';
import { checkUnique, emit, validated } from './emit';

/**
 * The control-plane node group: KubeadmControlPlane `<cluster>-control-plane`, its machine template
 * and an optional MachineHealthCheck.
 */
export class ControlPlaneGroup extends Construct {
  /** The KubeadmControlPlane name. */
  public readonly name: string;
  public readonly warnings: readonly Warning[];
  public readonly apiObjects: readonly ApiObject[];

  constructor(scope: Construct, id: string, props: ControlPlaneGroupProps) {
    const rendered = validated('ControlPlaneGroup', scope, id, 'in-chart', () => renderControlPlane(props));
    checkUnique(scope, id, new.target.name, `ControlPlaneGroup "${controlPlaneName(props.cluster.name)}"`, rendered.manifests);
    super(scope, id);
    this.name = controlPlaneName(props.cluster.name);
    this.warnings = rendered.warnings;
    this.apiObjects = emit(this, `ControlPlaneGroup "${this.name}"`, rendered);
  }
}
