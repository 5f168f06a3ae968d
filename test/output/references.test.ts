/**
 * lib/core/output/references.ts: the objects an emitted object names that must exist before it (the
 * templates of a node group), for every kind and Cluster API version the library emits.
 */
import * as fc from 'fast-check';
import { ClusterProps, CustomMachineTemplate } from '../../lib/core';
import { buildCluster } from '../../lib/core/cluster/cluster';
import { renderControlPlane } from '../../lib/core/nodes/control-plane';
import { renderWorkerGroup } from '../../lib/core/nodes/worker-group';
import type { Manifest } from '../../lib/core/output/manifest';
import { objectKey } from '../../lib/core/output/object-identity';
import { requiredObjectKey, requiredObjects } from '../../lib/core/output/references';
import { loadExamples } from '../../examples/load';
import { synthCdk8s } from '../pulumi/harness';
import { TEST_INFRA } from '../support/infrastructure';

const template = () => new CustomMachineTemplate({ kind: 'DockerMachineTemplate', version: 'v1beta2', spec: { customImage: 'kindest/node:v1.31.4' } });
const cluster = (apiVersion: 'v1beta1' | 'v1beta2') => buildCluster({ infrastructure: TEST_INFRA, cni: 'calico', name: 'demo', namespace: 'tenants', kubernetesVersion: 'v1.31.4', apiVersion } as ClusterProps);
const byKind = (ms: readonly Manifest[], kind: string) => ms.filter((m) => m.kind === kind);
/** The emitted object a required object is, by identity (`undefined`: not among `ms`). */
const find = (ms: readonly Manifest[], key: string) => ms.find((m) => objectKey(m) === key);

describe.each(['v1beta2', 'v1beta1'] as const)('Cluster API %s', (capi) => {
  test('a KubeadmControlPlane requires the machine template it names, emitted beside it', () => {
    const c = cluster(capi);
    const { manifests } = renderControlPlane({ cluster: c.ref, machineTemplate: template() });
    const [kcp] = byKind(manifests, 'KubeadmControlPlane');
    const [infra] = byKind(manifests, 'DockerMachineTemplate');
    const required = requiredObjects(kcp);
    expect(required).toEqual([{
      apiGroup: 'infrastructure.cluster.x-k8s.io', kind: 'DockerMachineTemplate', namespace: 'tenants', name: infra.metadata.name,
      field: capi === 'v1beta2' ? 'spec.machineTemplate.spec.infrastructureRef' : 'spec.machineTemplate.infrastructureRef',
    }]);
    expect(find(manifests, requiredObjectKey(required[0]))).toBe(infra);
  });

  test('a MachineDeployment requires its machine template and its KubeadmConfigTemplate, both emitted beside it', () => {
    const c = cluster(capi);
    const { manifests } = renderWorkerGroup({ cluster: c.ref, name: 'md', machineTemplate: template(), scaling: { replicas: 2 } });
    const [md] = byKind(manifests, 'MachineDeployment');
    const [infra] = byKind(manifests, 'DockerMachineTemplate');
    const [bootstrap] = byKind(manifests, 'KubeadmConfigTemplate');
    const required = requiredObjects(md);
    expect(required).toEqual([
      { apiGroup: 'infrastructure.cluster.x-k8s.io', kind: 'DockerMachineTemplate', namespace: 'tenants', name: infra.metadata.name, field: 'spec.template.spec.infrastructureRef' },
      { apiGroup: 'bootstrap.cluster.x-k8s.io', kind: 'KubeadmConfigTemplate', namespace: 'tenants', name: bootstrap.metadata.name, field: 'spec.template.spec.bootstrap.configRef' },
    ]);
    expect(required.map((r) => find(manifests, requiredObjectKey(r)))).toEqual([infra, bootstrap]);
  });

  test('a MachineSet requires what its template names, like a MachineDeployment', () => {
    const refs = capi === 'v1beta2'
      ? { infrastructureRef: { apiGroup: 'infrastructure.cluster.x-k8s.io', kind: 'VSphereMachineTemplate', name: 'ms-1' }, configRef: { apiGroup: 'bootstrap.cluster.x-k8s.io', kind: 'KubeadmConfigTemplate', name: 'ms-2' } }
      : { infrastructureRef: { apiVersion: 'infrastructure.cluster.x-k8s.io/v1beta1', kind: 'VSphereMachineTemplate', name: 'ms-1', namespace: 'tenants' }, configRef: { apiVersion: 'bootstrap.cluster.x-k8s.io/v1beta1', kind: 'KubeadmConfigTemplate', name: 'ms-2' } };
    const ms: Manifest = {
      apiVersion: `cluster.x-k8s.io/${capi}`, kind: 'MachineSet', metadata: { name: 'ms', namespace: 'tenants' },
      spec: { clusterName: 'demo', template: { spec: { clusterName: 'demo', infrastructureRef: refs.infrastructureRef, bootstrap: { configRef: refs.configRef } } } },
    };
    expect(requiredObjects(ms).map((r) => `${r.apiGroup} ${r.kind} ${r.namespace}/${r.name}`)).toEqual([
      'infrastructure.cluster.x-k8s.io VSphereMachineTemplate tenants/ms-1',
      'bootstrap.cluster.x-k8s.io KubeadmConfigTemplate tenants/ms-2',
    ]);
  });

  test('a Cluster requires nothing: its infrastructureRef and controlPlaneRef are not templates', () => {
    const { manifests } = cluster(capi);
    const [c] = byKind(manifests, 'Cluster');
    expect(JSON.stringify(c.spec)).toContain('infrastructureRef');
    expect(JSON.stringify(c.spec)).toContain('controlPlaneRef');
    for (const m of manifests) expect(requiredObjects(m)).toEqual([]);
  });
});

test('a v1beta1 reference with a namespace names the object there; without one, in the referencing object\'s namespace', () => {
  const md = (ref: Record<string, string>): Manifest => ({
    apiVersion: 'cluster.x-k8s.io/v1beta1', kind: 'MachineDeployment', metadata: { name: 'md', namespace: 'tenants' },
    spec: { template: { spec: { infrastructureRef: ref, bootstrap: { dataSecretName: 'data' } } } },
  });
  expect(requiredObjects(md({ apiVersion: 'infrastructure.cluster.x-k8s.io/v1beta1', kind: 'T', name: 'a', namespace: 'other' }))[0].namespace).toBe('other');
  expect(requiredObjects(md({ apiVersion: 'infrastructure.cluster.x-k8s.io/v1beta1', kind: 'T', name: 'a' }))[0].namespace).toBe('tenants');
  // a reference to a core-group object: group ''
  expect(requiredObjectKey(requiredObjects(md({ apiVersion: 'v1', kind: 'ConfigMap', name: 'a' }))[0]))
    .toBe(objectKey({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a', namespace: 'tenants' } }));
});

test('other versions, other kinds and incomplete references require nothing', () => {
  const ref = { apiGroup: 'infrastructure.cluster.x-k8s.io', kind: 'T', name: 'a' };
  const kcp = (apiVersion: string, r: unknown): Manifest => ({ apiVersion, kind: 'KubeadmControlPlane', metadata: { name: 'cp', namespace: 'tenants' }, spec: { machineTemplate: { spec: { infrastructureRef: r } } } });
  expect(requiredObjects(kcp('controlplane.cluster.x-k8s.io/v1beta2', ref))).toHaveLength(1);
  expect(requiredObjects(kcp('controlplane.cluster.x-k8s.io/v1alpha4', ref))).toEqual([]);
  expect(requiredObjects(kcp('example.com/v1beta2', ref))).toEqual([]);
  expect(requiredObjects({ ...kcp('controlplane.cluster.x-k8s.io/v1beta2', ref), kind: 'Machine' })).toEqual([]);
  for (const bad of [undefined, null, 'a', [], {}, { ...ref, name: '' }, { ...ref, name: 3 }, { kind: 'T', name: 'a' }]) {
    expect(requiredObjects(kcp('controlplane.cluster.x-k8s.io/v1beta2', bad))).toEqual([]);
  }
});

test('any object, however malformed, gives a list and never throws', () => {
  const kinds = fc.constantFrom('KubeadmControlPlane', 'MachineDeployment', 'MachineSet', 'Cluster');
  const versions = fc.constantFrom('controlplane.cluster.x-k8s.io/v1beta2', 'controlplane.cluster.x-k8s.io/v1beta1', 'cluster.x-k8s.io/v1beta2', 'cluster.x-k8s.io/v1beta1');
  fc.assert(fc.property(versions, kinds, fc.jsonValue(), fc.jsonValue(), (apiVersion, kind, metadata, spec) => {
    expect(Array.isArray(requiredObjects({ apiVersion, kind, metadata, spec } as unknown as Manifest))).toBe(true);
  }));
  for (const junk of [null, undefined, 1, 'x', [], {}]) expect(requiredObjects(junk as unknown as Manifest)).toEqual([]);
});

/**
 * Completeness: in every example, an object that names an emitted template (any `...Ref` field with a
 * kind and a name) requires it. A new kind that names a template fails here until references.ts knows it.
 */
test.each(loadExamples().map((e) => [e.file, e.build] as const))('examples/%s: every reference to an emitted template is a required object', (_file, build) => {
  const objects = synthCdk8s(build) as Manifest[];
  const templates = new Map(objects.filter((o) => o.kind.endsWith('Template')).map((o) => [`${o.kind} ${o.metadata.namespace}/${o.metadata.name}`, o]));
  let seen = 0;
  for (const o of objects) {
    const named: string[] = [];
    const walk = (v: unknown, key: string) => {
      if (Array.isArray(v)) v.forEach((x) => walk(x, key));
      else if (v !== null && typeof v === 'object') {
        const r = v as Record<string, unknown>;
        if (key.endsWith('Ref') && typeof r.kind === 'string' && typeof r.name === 'string') {
          const id = `${r.kind} ${typeof r.namespace === 'string' ? r.namespace : o.metadata.namespace}/${r.name}`;
          if (templates.has(id)) named.push(id);
        }
        for (const [k, x] of Object.entries(r)) walk(x, k);
      }
    };
    walk(o.spec, 'spec');
    const required = requiredObjects(o).map((r) => `${r.kind} ${r.namespace}/${r.name}`);
    expect({ object: `${o.kind} ${o.metadata.name}`, required: required.sort() }).toEqual({ object: `${o.kind} ${o.metadata.name}`, required: named.sort() });
    seen += named.length;
  }
  if (objects.some((o) => o.kind === 'MachineDeployment' || o.kind === 'KubeadmControlPlane')) expect(seen).toBeGreaterThan(0);
});
