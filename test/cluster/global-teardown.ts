/** Stops the clusters when the global setup started them (a running pair from `npm run mgmt:up` stays). */
import { down } from '../../mgmt/cluster';

export default async function globalTeardown(): Promise<void> {
  if ((globalThis as { __capiMgmtStarted?: boolean }).__capiMgmtStarted && !process.env.CAPI_MGMT_KEEP) await down();
}
