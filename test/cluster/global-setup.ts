/**
 * Starts the real clusters for `npm run test:cluster` when none runs (mgmt/cluster.ts), and gives the
 * suites KUBECONFIG, WORKLOAD_KUBECONFIG, CAPI_COMPONENTS_BIN and CAPI_MGMT_LOGS.
 */
import { build, running, up } from '../../mgmt/cluster';

export default async function globalSetup(): Promise<void> {
  let state = running();
  const started = !state;
  if (!state) {
    const bin = process.env.CAPI_COMPONENTS_BIN ?? build();
    process.stderr.write('\ntest:cluster: starting the management and workload clusters (npm run mgmt:up)\n');
    state = await up(bin);
  } else {
    process.stderr.write('\ntest:cluster: using the running clusters (npm run mgmt:down stops them)\n');
  }
  process.env.KUBECONFIG = state.kubeconfig;
  process.env.WORKLOAD_KUBECONFIG = state.workloadKubeconfig;
  process.env.CAPI_COMPONENTS_BIN = state.bin;
  process.env.CAPI_MGMT_LOGS = state.logs;
  (globalThis as { __capiMgmtStarted?: boolean }).__capiMgmtStarted = started;
}
