/**
 * Cluster API admission-webhook rules (shared/facts/cluster-api.md §1.2 KubeadmControlPlane, §2.2
 * MachineDeployment, §3 MachineHealthCheck, §8 Cluster), table-driven: for each rule one input the
 * library must reject (ValidationError, issue at the expected path, nothing added to the chart) and
 * one it must accept (objects schema-valid, and the emitted field obeys the webhook rule).
 *
 * The CEL rules the schema validator evaluates itself are listed in docs/conformance.md; the webhook
 * rules (test/conformance/webhook-rules.table.ts) are the ones no schema can express. The same table
 * runs against the real webhooks in test/cluster/webhook-rules.test.ts (`npm run test:cluster`).
 */
import { Chart, Testing } from 'cdk8s';
import { HealthCheck } from '../../lib';
import { conformanceFailures } from './check';
import { Row, clusterRows, kcpRows, mdRows, openstackRows, vsphereRows } from './webhook-rules.table';

const show = (v: unknown) => JSON.stringify(v, (_k, x) => (x instanceof HealthCheck ? `HealthCheck.${x.role}(${JSON.stringify(x.options)})` : x));

function runRows(rows: readonly Row[]): void {
  describe.each(rows.map((r) => [r.rule, r] as const))('%s', (_rule, row) => {
    if (row.reject !== undefined) test(`rejects ${show(row.reject)} at "${row.path}" and adds nothing`, () => {
      const chart = new Chart(Testing.app(), 'reject');
      let err: any;
      try {
        row.build(chart, row.reject);
      } catch (e) {
        err = e;
      }
      expect(err?.name).toBe('ValidationError');
      expect(err.statusCode).toBe(400);
      const paths: string[] = err.issues.map((i: any) => i.path);
      if (typeof row.path === 'string') expect(paths).toContain(row.path);
      else expect(paths.some((p) => (row.path as RegExp).test(p))).toBe(true);
      // Objects of constructs built before the failing one (the Cluster and its components) may exist; the failing construct added none.
      const kinds = chart.toJson().map((o: any) => o.kind);
      expect(kinds.filter((k: string) => !['Cluster', 'HelmRepository', 'HelmRelease'].includes(k))).toEqual([]);
    });

    test(`accepts ${show(row.accept)}`, () => {
      const chart = new Chart(Testing.app(), 'accept');
      row.build(chart, row.accept);
      const objs = chart.toJson();
      expect(conformanceFailures(objs, row.rule)).toEqual([]);
      row.check(objs);
    });
  });
}

describe('Cluster webhook rules', () => runRows(clusterRows));
describe.each(['v1beta2', 'v1beta1'] as const)('KubeadmControlPlane webhook rules, %s', (capi) => runRows(kcpRows(capi)));
describe.each(['v1beta2', 'v1beta1'] as const)('MachineDeployment and MachineHealthCheck webhook rules, %s', (capi) => runRows(mdRows(capi)));
describe('vSphere template rules', () => runRows(vsphereRows));
describe('OpenStack template rules', () => runRows(openstackRows));
