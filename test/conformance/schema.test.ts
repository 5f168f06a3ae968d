/**
 * Schema conformance: every object of every example and every snapshot is validated against the
 * openAPIV3Schema of its kind and version from the upstream CRDs in ../shared/crds (see
 * test/support/crd-schemas.ts for what "valid" means, including the unknown-field rule).
 */
import * as path from 'path';
import { App, Testing } from 'cdk8s';
import { loadExamples } from '../../examples/load';
import {
  allCelRules, celSkipReason, crdFiles, CRDS_ENV, hasSchema, validateManifest,
} from '../support/crd-schemas';
import { readSnapshot, snapshotFiles } from '../support/snapshots';
import { conformanceFailures } from './check';
import { NO_SCHEMA_KINDS } from './no-schema-kinds';

const REPO = path.resolve(__dirname, '../..');

describe('upstream CRDs', () => {
  test(`are read from ${CRDS_ENV} or ../shared/crds`, () => {
    // Throws CrdsMissingError ("Upstream CRDs not found: looked in <dir> ...") when absent.
    expect(crdFiles().length).toBeGreaterThan(0);
  });

  test.each([
    ['cluster.x-k8s.io', 'Cluster'], ['cluster.x-k8s.io', 'MachineDeployment'], ['cluster.x-k8s.io', 'MachineHealthCheck'],
    ['controlplane.cluster.x-k8s.io', 'KubeadmControlPlane'], ['bootstrap.cluster.x-k8s.io', 'KubeadmConfigTemplate'],
    ['infrastructure.cluster.x-k8s.io', 'VSphereMachineTemplate'], ['infrastructure.cluster.x-k8s.io', 'OpenStackMachineTemplate'],
    ['infrastructure.cluster.x-k8s.io', 'Metal3MachineTemplate'],
  ])('%s %s is served as v1beta1 and v1beta2', (group, kind) => {
    expect([hasSchema(`${group}/v1beta1`, kind), hasSchema(`${group}/v1beta2`, kind)]).toEqual([true, true]);
  });

  test.each([
    ['helm.toolkit.fluxcd.io/v2', 'HelmRelease'], ['source.toolkit.fluxcd.io/v1', 'HelmRepository'],
    ['source.toolkit.fluxcd.io/v1', 'OCIRepository'], ['source.toolkit.fluxcd.io/v1', 'HelmChart'],
  ])('%s %s is served', (apiVersion, kind) => {
    expect(hasSchema(apiVersion, kind)).toBe(true);
  });

  test('an absent directory gives a plain message naming where it looked', () => {
    const prev = process.env[CRDS_ENV];
    process.env[CRDS_ENV] = '/nonexistent/shared/crds';
    try {
      jest.isolateModules(() => {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const fresh = require('../support/crd-schemas');
        expect(() => fresh.validateManifest({ apiVersion: 'cluster.x-k8s.io/v1beta2', kind: 'Cluster', metadata: { name: 'a' } }))
          .toThrow(/Upstream CRDs not found: looked in \/nonexistent\/shared\/crds/);
        expect(() => fresh.hasSchema('cluster.x-k8s.io/v1beta2', 'Cluster')).toThrow(fresh.CrdsMissingError);
      });
    } finally {
      if (prev === undefined) delete process.env[CRDS_ENV]; else process.env[CRDS_ENV] = prev;
    }
  });

  test('every CEL rule of every CRD is evaluated by the CEL engine, except transition rules (update-only)', () => {
    const unhandled = [...allCelRules()].filter(([rule]) => celSkipReason(rule) !== undefined && !/\boldSelf\b/.test(rule));
    expect(unhandled).toEqual([]);
  });
});

/** A hand-written v1beta2 MachineDeployment (from shared/facts/cluster-api.md §2), valid as is. */
function machineDeployment(): any {
  return {
    apiVersion: 'cluster.x-k8s.io/v1beta2',
    kind: 'MachineDeployment',
    metadata: { name: 'c-md', namespace: 'ns', labels: { 'cluster.x-k8s.io/cluster-name': 'c' } },
    spec: {
      clusterName: 'c',
      replicas: 2,
      selector: { matchLabels: { 'cluster.x-k8s.io/deployment-name': 'c-md' } },
      rollout: { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: '25%' } } },
      template: {
        metadata: { labels: { 'cluster.x-k8s.io/deployment-name': 'c-md' } },
        spec: {
          clusterName: 'c',
          version: 'v1.31.4',
          bootstrap: { configRef: { apiGroup: 'bootstrap.cluster.x-k8s.io', kind: 'KubeadmConfigTemplate', name: 'c-md-1' } },
          infrastructureRef: { apiGroup: 'infrastructure.cluster.x-k8s.io', kind: 'VSphereMachineTemplate', name: 'c-md-2' },
          deletion: { nodeDrainTimeoutSeconds: 300 },
        },
      },
    },
  };
}

function mutate(base: any, fn: (o: any) => void): any {
  const o = JSON.parse(JSON.stringify(base));
  fn(o);
  return o;
}

describe('the validator itself (so that an empty failure list means something)', () => {
  test('accepts a valid object', () => {
    expect(validateManifest(machineDeployment())).toEqual([]);
  });

  test.each<[string, (o: any) => void, RegExp]>([
    ['an unknown field (would be pruned)', (o) => { o.spec.template.spec.nodeDrainTimeout = '5m'; }, /spec\.template\.spec\.nodeDrainTimeout: unknown field/],
    ['a v1beta1 field in v1beta2', (o) => { o.spec.strategy = { type: 'RollingUpdate' }; }, /spec\.strategy: unknown field/],
    ['a missing required field', (o) => { delete o.spec.selector; }, /spec\.selector: required field is missing/],
    ['an empty object (minProperties)', (o) => { o.spec.template.spec.deletion = {}; }, /spec\.template\.spec\.deletion: must NOT have fewer than 1 properties/],
    ['a value outside an enum', (o) => { o.spec.rollout.strategy.type = 'Recreate'; }, /spec\.rollout\.strategy\.type: must be equal to one of the allowed values/],
    ['a boolean where int-or-string is expected', (o) => { o.spec.rollout.strategy.rollingUpdate.maxSurge = true; }, /maxSurge/],
    ['a string where an integer is expected', (o) => { o.spec.replicas = '2'; }, /spec\.replicas: must be integer/],
    ['an int32 overflow', (o) => { o.spec.template.spec.deletion.nodeDrainTimeoutSeconds = 2 ** 31; }, /nodeDrainTimeoutSeconds: must match format "int32"/],
    ['a negative number below minimum', (o) => { o.spec.template.spec.deletion.nodeDrainTimeoutSeconds = -1; }, /must be >= 0/],
    ['a v1beta1 reference (apiVersion) in v1beta2', (o) => { o.spec.template.spec.infrastructureRef.apiVersion = 'x/v1'; }, /infrastructureRef\.apiVersion: unknown field/],
    ['an empty list (minItems)', (o) => { o.spec.template.spec.readinessGates = []; }, /readinessGates: must NOT have fewer than 1 items/],
    ['an invalid metadata name', (o) => { o.metadata.name = 'Bad_Name'; }, /metadata\.name: "Bad_Name" is not a DNS-1123 subdomain/],
    ['an invalid label value', (o) => { o.metadata.labels.x = 'a b'; }, /metadata\.labels\.x: "a b" is not a valid label value/],
    ['an unknown metadata field', (o) => { o.metadata.uid = '1'; }, /metadata\.uid: unknown or server-set field/],
    ['an unknown top-level field', (o) => { o.extra = 1; }, /^extra: unknown field/],
  ])('rejects %s', (_what, fn, expected) => {
    const failures = validateManifest(mutate(machineDeployment(), fn));
    expect(failures.some((f) => expected.test(f))).toBe(true);
  });

  test('honours x-kubernetes-list-type: map (duplicate extraArgs name)', () => {
    const kct = {
      apiVersion: 'bootstrap.cluster.x-k8s.io/v1beta2', kind: 'KubeadmConfigTemplate', metadata: { name: 'k' },
      spec: { template: { spec: { joinConfiguration: { nodeRegistration: { kubeletExtraArgs: [{ name: 'a', value: '1' }, { name: 'a', value: '1' }] } } } } },
    };
    expect(validateManifest(kct).join('\n')).toMatch(/kubeletExtraArgs: duplicate entry/);
    kct.spec.template.spec.joinConfiguration.nodeRegistration.kubeletExtraArgs[1].name = 'b';
    expect(validateManifest(kct)).toEqual([]);
  });

  test('evaluates CEL rules (kubeletExtraArgs names unique; HelmRelease chart xor chartRef)', () => {
    const kct = {
      apiVersion: 'bootstrap.cluster.x-k8s.io/v1beta2', kind: 'KubeadmConfigTemplate', metadata: { name: 'k' },
      spec: { template: { spec: { joinConfiguration: { nodeRegistration: { kubeletExtraArgs: [{ name: 'a', value: '1' }, { name: 'a', value: '2' }] } } } } },
    };
    expect(validateManifest(kct).join('\n')).toMatch(/kubeletExtraArgs name must be unique/);
    const hr = {
      apiVersion: 'helm.toolkit.fluxcd.io/v2', kind: 'HelmRelease', metadata: { name: 'h', namespace: 'ns' },
      spec: { interval: '5m' },
    };
    expect(validateManifest(hr).join('\n')).toMatch(/either chart or chartRef must be set/);
    expect(validateManifest({ ...hr, spec: { interval: '5m', chartRef: { kind: 'OCIRepository', name: 'r' } } })).toEqual([]);
  });

  test('checks a pattern (MachineHealthCheck unhealthyInRange) and a CEL rule (machine condition type)', () => {
    const mhc: any = {
      apiVersion: 'cluster.x-k8s.io/v1beta2', kind: 'MachineHealthCheck', metadata: { name: 'm' },
      spec: { clusterName: 'c', selector: { matchLabels: { a: 'b' } }, remediation: { triggerIf: { unhealthyInRange: '1-3' } } },
    };
    expect(validateManifest(mhc).join('\n')).toMatch(/unhealthyInRange: must match pattern/);
    mhc.spec.remediation.triggerIf.unhealthyInRange = '[1-3]';
    mhc.spec.checks = { unhealthyMachineConditions: [{ type: 'Ready', status: 'False', timeoutSeconds: 60 }] };
    expect(validateManifest(mhc).join('\n')).toMatch(/type must not be one of/);
    mhc.spec.checks.unhealthyMachineConditions[0].type = 'Custom';
    expect(validateManifest(mhc)).toEqual([]);
  });

  test('an object must be accepted by every provider release that serves its version', () => {
    const osmt = {
      apiVersion: 'infrastructure.cluster.x-k8s.io/v1beta1', kind: 'OpenStackMachineTemplate', metadata: { name: 'o' },
      spec: { template: { spec: { flavor: 'm1.large', image: { filter: { name: 'ubuntu' } } } } },
    };
    expect(validateManifest(osmt)).toEqual([]);
    const noFlavor = mutate(osmt, (o) => { delete o.spec.template.spec.flavor; });
    const failures = validateManifest(noFlavor);
    expect(failures.filter((f) => /at least one of flavor or flavorID must be set/.test(f)).map((f) => /\[(openstack\/[^/]+)/.exec(f)?.[1]).sort())
      .toEqual(['openstack/v0.14.7', 'openstack/v0.15.0-beta.0']);
  });

  test('reports a version the CRD does not serve, and a kind no CRD defines', () => {
    expect(validateManifest({ apiVersion: 'helm.toolkit.fluxcd.io/v2beta1', kind: 'HelmRelease', metadata: { name: 'h' } }).join())
      .toMatch(/not served by its CRD \(served versions: v2\)/);
    expect(validateManifest({ apiVersion: 'example.com/v1', kind: 'Nothing', metadata: { name: 'n' } }).join())
      .toMatch(/no CRD in .* defines Nothing/);
  });

  test('the no-schema allow-list does not hide kinds that do have a CRD', () => {
    for (const kind of Object.keys(NO_SCHEMA_KINDS)) {
      expect({ kind, files: crdFiles().filter((f) => f.kind === kind).map((f) => f.file) }).toEqual({ kind, files: [] });
    }
  });
});

describe('every example', () => {
  const examples = loadExamples();

  test('there are examples to check', () => {
    expect(examples.length).toBeGreaterThan(0);
  });

  test.each(examples.map((e) => [e.file, e] as const))('examples/%s synthesizes only schema-valid objects', (file, example) => {
    const app: App = Testing.app();
    example.build(app);
    const charts = app.charts;
    expect(charts.length).toBeGreaterThan(0);
    const failures: string[] = [];
    let count = 0;
    for (const chart of charts) {
      const objects = chart.toJson();
      count += objects.length;
      failures.push(...conformanceFailures(objects, `examples/${file} chart ${chart.node.id}:`));
    }
    expect(count).toBeGreaterThan(0);
    expect(failures).toEqual([]);
  });
});

describe('every snapshot', () => {
  const files = snapshotFiles(path.join(REPO, 'test'));

  test.each(files.map((f) => [path.relative(REPO, f)]))('%s holds only schema-valid objects', (rel) => {
    const entries = readSnapshot(path.join(REPO, rel));
    const failures: string[] = [];
    for (const e of entries) {
      if (!Array.isArray(e.objects)) failures.push(`${rel} "${e.name}": ${e.objects.error}`);
      else failures.push(...conformanceFailures(e.objects, `${rel} "${e.name}":`));
    }
    expect(failures).toEqual([]);
  });
});
