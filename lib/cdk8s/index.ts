// First: a missing cdk8s or constructs is reported as an instruction (./peers).
import './peers';
// cdk8s's Yaml.stringify writes strings Kubernetes would misread double-quoted (./yaml-output)
import './yaml-output';

export { Cluster } from './cluster';
export { ControlPlaneGroup } from './control-plane-group';
export { WorkerGroup } from './worker-group';
export { addFleet, ClusterChart, FleetApp, FleetChart } from './fleet';
export type { ClusterChartProps } from './fleet';
export { ClusterAddon, FluxResourceMetrics } from './cluster-addon';
