/**
 * A bounded sample of the valid inputs the property suite generates (test/conformance/valid-props.ts),
 * each synthesized and sent to the real management cluster as a server-side dry run: the real schemas,
 * CEL rules, webhooks and conversion accept all of them. The sample is fixed by its seed.
 */
import { Chart, Testing } from 'cdk8s';
import fc from 'fast-check';
import { Cluster, ControlPlaneGroup, WorkerGroup } from '../../lib';
import { validInput } from '../conformance/valid-props';
import { apply, deleteNamespaces, freshNamespace } from '../support/real-cluster';

const SAMPLE = 40;
const SEED = 2026;

let ns: string;
beforeAll(() => { ns = freshNamespace('props'); });
afterAll(() => deleteNamespaces([ns]));

test(`${SAMPLE} generated valid inputs are accepted by the real API server (0 rejections)`, () => {
  const rejections: string[] = [];
  const versions = new Set<string>();
  for (const { cluster: cp, cp: cpInput, workers } of fc.sample(validInput, { numRuns: SAMPLE, seed: SEED })) {
    const chart = new Chart(Testing.app(), 'sample');
    const cluster = new Cluster(chart, 'c', { ...cp, namespace: ns });
    new ControlPlaneGroup(chart, 'cp', { cluster, ...cpInput });
    workers.forEach((w, i) => new WorkerGroup(chart, `w${i}`, { cluster, ...w }));
    const objects = chart.toJson();
    objects.forEach((o: any) => versions.add(o.apiVersion));
    const r = apply(objects, { dryRun: true });
    if (r.status !== 0) rejections.push(`${JSON.stringify({ cluster: cp.name, version: cp.kubernetesVersion, apiVersion: cp.apiVersion })}: ${r.stderr.trim()}`);
  }
  expect(rejections).toEqual([]);
  expect([...versions]).toEqual(expect.arrayContaining(['cluster.x-k8s.io/v1beta2', 'cluster.x-k8s.io/v1beta1']));
});
