/**
 * Opt-in: read-only `show` against a real management cluster. Runs only when KUBECONFIG is set and
 * CAPI_CLUSTER (`<namespace>/<name>`) and CAPI_NODE name a cluster and one of its nodes; sends no write
 * request (show only reads).
 */
import { KubeConfig } from '@kubernetes/client-node';
import { NodeOperations } from '../../lib/ops';

const { KUBECONFIG, CAPI_CLUSTER, CAPI_NODE } = process.env;
const enabled = Boolean(KUBECONFIG && CAPI_CLUSTER && CAPI_NODE);
const maybe = enabled ? test : test.skip;

maybe(`real cluster (opt-in: set KUBECONFIG, CAPI_CLUSTER=<namespace>/<name>, CAPI_NODE): show ${CAPI_NODE ?? '<node>'} reads its Machine and groups`, async () => {
  const [namespace, name] = CAPI_CLUSTER!.split('/');
  const kc = new KubeConfig();
  kc.loadFromDefault();
  const report = await new NodeOperations(kc, { name, namespace }).show(CAPI_NODE!);
  expect(report.node.name).toBe(CAPI_NODE);
  expect(['v1beta2', 'v1beta1']).toContain(report.apiVersion);
  expect(report.machine.name).toBeTruthy();
  expect(report.groups.length).toBeGreaterThan(0);
}, 60_000);
