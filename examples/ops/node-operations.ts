/**
 * Node operations (docs/operations.md): drain a worker, then remove it for good, on the cluster
 * `tenants/prod` of the management cluster in $KUBECONFIG (or ~/.kube/config).
 *
 *   npx tsx examples/ops/node-operations.ts <node> [--apply]
 *
 * Without --apply it is a dry run: it prints the requests it would send and sends none.
 */
import { KubeConfig } from '@kubernetes/client-node';
import { describeRequest, NodeOperationError, NodeOperations } from '../../lib/ops';

async function main(node: string, apply: boolean): Promise<number> {
  const kc = new KubeConfig();
  kc.loadFromDefault();
  const ops = new NodeOperations(kc, { name: 'prod', namespace: 'tenants' }, { dryRun: !apply });
  try {
    const report = await ops.show(node);
    console.log(`${node}: ${report.role}, groups ${report.groups.map((g) => `${g.kind} ${g.name}`).join(', ')}`);
    for (const result of [await ops.drain(node, { timeoutSeconds: 300 }), await ops.delete(node, { replace: false })]) {
      console.log(result.summary);
      for (const r of result.requests) console.log(`  ${describeRequest(r)}`);
    }
    return 0;
  } catch (e) {
    if (e instanceof NodeOperationError) {
      console.error(`${e.reason}: ${e.message}`);
      return 3;
    }
    throw e;
  }
}

if (require.main === module) {
  const [node, flag] = process.argv.slice(2);
  if (!node) {
    console.error('usage: npx tsx examples/ops/node-operations.ts <node> [--apply]');
    process.exitCode = 2;
  } else {
    main(node, flag === '--apply').then((code) => { process.exitCode = code; });
  }
}
