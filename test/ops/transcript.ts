/**
 * The CLI session docs/operations.md shows: every node action run against the two kube-fakes of the
 * harness, stdout and stderr as printed, and the exit code. test/ops/docs.test.ts checks that the doc
 * carries exactly this output; print it with `npx tsx test/ops/transcript.ts`.
 *
 * Drains run on a fake clock (backoff and timeouts without real waiting); Machine uids, random in the
 * fake, are shown as <uid>.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { UsageError } from '../../lib/cli/args';
import { nodeCommand } from '../../lib/cli/node';
import { fakeClock, node, pod, startClusters } from './harness';

export async function transcript(): Promise<string> {
  const c = await startClusters();
  const dir = mkdtempSync(join(tmpdir(), 'node-transcript-'));
  const kubeconfig = join(dir, 'management.yaml');
  writeFileSync(kubeconfig, c.management.kubeconfigYaml());
  const uids = c.management.list('Machine').map((m) => m.metadata.uid as string);
  let text = '';
  const sink = { write: (s: string) => { text += s; return true; } };
  const cmd = nodeCommand({ clock: fakeClock() });

  async function $(line: string): Promise<void> {
    text += `$ capi-constructs node ${line} --cluster prod --namespace tenants\n`;
    const args = line.split(' ');
    let code: number;
    try {
      code = await cmd.run([...args, '--cluster', 'prod', '--namespace', 'tenants', '--kubeconfig', kubeconfig], sink, sink);
    } catch (e) {
      if (!(e instanceof UsageError)) throw e;
      text += `capi-constructs: ${e.message}\n(usage follows)\n`;
      code = 2;
    }
    text += `[exit ${code}]\n\n`;
  }

  try {
    c.workload.seed([
      pod('web-1', 'w-1', { owner: 'ReplicaSet', labels: { app: 'web' } }),
      pod('cache-1', 'w-1', { owner: 'ReplicaSet', emptyDir: true }),
      pod('node-exporter-x7k2p', 'w-1', { owner: 'DaemonSet', namespace: 'monitoring' }),
      pod('static-web', 'w-1', { mirror: true, namespace: 'kube-system' }),
      pod('api-1', 'w-2', { owner: 'ReplicaSet', labels: { app: 'api' } }),
      { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'api', namespace: 'default' }, spec: { minAvailable: 1, selector: { matchLabels: { app: 'api' } } } },
    ]);
    await $('show w-1');
    await $('cordon w-1');
    await $('cordon w-1');
    await $('uncordon w-1');
    await $('drain w-1');
    c.workload.blockEvictions(2, { pod: 'web-1', pdb: 'web' });
    await $('drain w-1 --delete-emptydir-data');
    await $('drain w-2 --timeout 30s');
    await $('uncordon w-2');
    await $('delete w-2 --no-replace --dry-run');
    await $('delete w-2 --no-replace');
    await $('delete w-2 --no-replace');
    await $('delete a-1 --no-replace');
    await $('delete a-1 --replace');
    await $('delete cp-1 --no-replace');
    await $('delete cp-1 --replace --confirm cp1');
    c.workload.seed(node('cp-3', { ready: false, controlPlane: true }));
    await $('delete cp-1 --replace --confirm cp-1');
    c.workload.seed(node('cp-3', { controlPlane: true }));
    await $('delete cp-1 --replace --confirm cp-1');
    await $('exclude-from-autoscaling a-2');
    await $('exclude-from-autoscaling w-1');
    await $('show a-2 --output json');
    await $('include-in-autoscaling a-2');
    await $('show orphan');
    await $('delete w-1');
  } finally {
    await c.close();
    rmSync(dir, { recursive: true, force: true });
  }
  return uids.reduce((t, uid) => t.split(uid).join('<uid>'), text).replace(/\n+$/, '\n');
}


if (require.main === module) {
  transcript().then((t) => process.stdout.write(t), (e) => { process.stderr.write(`${e?.stack ?? e}\n`); process.exitCode = 1; });
}
