/**
 * A vSphere cluster with one worker group whose machine template and Kubernetes version come from the
 * stack config (`numCPUs`, `kubernetesVersion`), for the change tests of test/cluster/pulumi.test.ts.
 */
import * as pulumi from '@pulumi/pulumi';
import { Cluster, ControlPlaneGroup, VSphereCluster, VSphereMachineTemplate, WorkerGroup } from '../../../../lib/pulumi';

export default function program(): void {
  const config = new pulumi.Config();
  const kubernetesVersion = config.require('kubernetesVersion');
  const cluster = new Cluster('changes', {
    name: 'changes', namespace: 'pulumi-changes', kubernetesVersion, cni: 'none', cloudController: { credentialsSecret: 'changes-cloud-controller' },
    infrastructure: new VSphereCluster({ server: 'vcenter.example.com', controlPlaneEndpoint: { host: '10.20.0.20' } }),
  });
  const machineTemplate = new VSphereMachineTemplate({ template: 'ubuntu-2404', networkName: 'VM Network', numCPUs: Number(config.require('numCPUs')) });
  new ControlPlaneGroup('changes-cp', { cluster, replicas: 1, machineTemplate });
  new WorkerGroup('changes-md', { cluster, name: 'md', scaling: { replicas: 1 }, machineTemplate });
}
