/**
 * Issue 15, defects 1, 3, 4, 5 and 8: strict props at every depth, hostile keys, values outside JSON,
 * silent loss, quadratic checks. Every case failed (silently accepted, or crashed with another error)
 * before the strict-props rule.
 */
import * as path from 'path';
import { Chart, Testing } from 'cdk8s';
import * as ts from 'typescript';
import {
  addonComponent, Cluster, ClusterSpec, ControlPlaneGroup, CustomMachineTemplate, HealthCheck, OpenStackMachineTemplate, OVirtMachineTemplate,
  renderFleet, ShturvalMachineTemplate, VSphereCluster, VSphereMachineTemplate, WorkerGroup,
  existingInfrastructureCluster,
} from '../../lib';
import { renderClusterSpec } from '../../lib/core/fleet/render';
import { nearestKey } from '../../lib/core/rules/strict-props';
import { countArrayScans } from '../support/array-scans';
import { validationError } from '../support/validation-error';

const docker = () => new CustomMachineTemplate({ kind: 'DockerMachineTemplate', version: 'v1beta2', spec: { customImage: 'kindest/node:v1.31.4' } });
const base = (): ClusterSpec => ({
  cluster: { name: 'c1', cni: 'calico', kubernetesVersion: 'v1.31.4', infrastructure: existingInfrastructureCluster({ version: 'v1beta1', kind: 'DockerCluster' }) },
  controlPlane: { machineTemplate: docker() },
  workers: [{ name: 'md', machineTemplate: docker() }],
});

/** The issues of rendering `spec`, as `path: message`. */
function issues(spec: unknown): string[] {
  return validationError(() => renderClusterSpec(spec as ClusterSpec)).issues.map((i) => `${i.path}: ${i.message}`);
}

describe('defect 1: misspelled props are errors with a suggestion, at every depth', () => {
  it.each<[string, (s: any) => void, string, string]>([
    ['Cluster', (s) => { s.cluster.kubernetesVerison = 'v1.31.4'; }, 'cluster.kubernetesVerison', 'kubernetesVersion'],
    ['ClusterNetwork', (s) => { s.cluster.clusterNetwork = { pod: ['10.0.0.0/16'] }; }, 'cluster.clusterNetwork.pod', 'pods'],
    ['controlPlaneEndpoint', (s) => { s.cluster.controlPlaneEndpoint = { host: 'a', prot: 6443 }; }, 'cluster.controlPlaneEndpoint.prot', 'port'],
    ['InfrastructureCluster', (s) => { s.cluster.infrastructure = { apiGroup: 'infrastructure.cluster.x-k8s.io', version: 'v1beta1', kind: 'DockerCluster', specs: {} }; }, 'cluster.infrastructure.specs', 'spec'],
    ['NodeFailureDetection', (s) => { s.cluster.nodeFailureDetection = { nodeMonitorPeriods: '5s' }; }, 'cluster.nodeFailureDetection.nodeMonitorPeriods', 'nodeMonitorPeriod'],
    ['ControlPlaneGroup replica', (s) => { s.controlPlane.replica = 5; }, 'controlPlane.replica', 'replicas'],
    ['ControlPlaneGroup rollout', (s) => { s.controlPlane.rollout = { maxSurges: 0 }; }, 'controlPlane.rollout.maxSurges', 'maxSurge'],
    ['ControlPlaneGroup remediation', (s) => { s.controlPlane.remediation = { maxRetries: 3 }; }, 'controlPlane.remediation.maxRetries', 'maxRetry'],
    ['ControlPlaneGroup deletion', (s) => { s.controlPlane.nodeDrainTimout = '5m'; }, 'controlPlane.nodeDrainTimout', 'nodeDrainTimeout'],
    ['WorkerGroup scalling', (s) => { s.workers[0].scalling = { replicas: 5 }; }, 'workers[0].scalling', 'scaling'],
    ['WorkerGroup scaling', (s) => { s.workers[0].scaling = { replica: 5 }; }, 'workers[0].scaling.replica', 'replicas'],
    ['WorkerGroup strategy', (s) => { s.workers[0].strategy = { type: 'RollingUpdate', maxSurg: 2 }; }, 'workers[0].strategy.maxSurg', 'maxSurge'],
    ['HealthCheck', (s) => { s.workers[0].healthCheck = HealthCheck.workers({ maxUnhealty: '60%' } as any); }, 'workers[0].healthCheck.maxUnhealty', 'maxUnhealthy'],
    ['UnhealthyCondition', (s) => { s.workers[0].healthCheck = HealthCheck.workers({ unhealthyConditions: [{ type: 'Ready', status: 'False', timeout: '5m', timout: '1m' }] } as any); }, 'workers[0].healthCheck.unhealthyConditions[0].timout', 'timeout'],
    ['ClusterSpec compnents', (s) => { s.compnents = [addonComponent({ addon: 'kuberay' })]; }, 'compnents', 'components'],
    ['ClusterAddonProps', (s) => { s.components = [addonComponent({ addon: 'kuberay', mdoe: 'tenant' } as any)]; }, 'components[0].mdoe', 'mode'],
    ['AddonMonitoringOptions', (s) => { s.components = [addonComponent({ addon: 'kuberay', monitoring: { notReadyFour: '1m' } } as any)]; }, 'components[0].monitoring.notReadyFour', 'notReadyFor'],
  ])('%s', (_name, mutate, at, suggestion) => {
    const spec: any = base();
    mutate(spec);
    const found = issues(spec).find((i) => i.startsWith(`${at}: `));
    expect(found).toContain(`did you mean "${suggestion}"?`);
  });

  it('the constructs reject the same typos and add nothing to the chart', () => {
    const chart = new Chart(Testing.app(), 't');
    const cluster = new Cluster(chart, 'c', { name: 'c1', cni: 'calico', kubernetesVersion: 'v1.31.4', infrastructure: existingInfrastructureCluster({ version: 'v1beta1', kind: 'DockerCluster' }) });
    const before = chart.node.findAll().length;
    const e = validationError(() => new ControlPlaneGroup(chart, 'cp', { cluster, machineTemplate: docker(), replica: 5 } as any));
    expect(e.issues).toEqual([{ path: 'replica', message: '"replica" is not a known field of ControlPlaneGroupProps; did you mean "replicas"?' }]);
    validationError(() => new WorkerGroup(chart, 'w', { cluster, name: 'md', machineTemplate: docker(), scalling: { replicas: 3 } } as any));
    expect(chart.node.findAll().length).toBe(before);
  });

  it('a key far from every known key lists the known keys; a key set to undefined is accepted', () => {
    const i = issues({ ...base(), cluster: { ...base().cluster, zzzzzzzz: 1 } as any });
    expect(i[0]).toMatch(/known fields are name, namespace, kubernetesVersion/);
    expect(() => renderClusterSpec({ ...base(), cluster: { ...base().cluster, replica: undefined } as any })).not.toThrow();
  });

  it('machine templates and CustomMachineTemplate use the same rule', () => {
    expect(validationError(() => new VSphereMachineTemplate({ template: 't', networkName: 'n', numCpus: 2 } as any)).issues[0].message).toContain('did you mean "numCPUs"?');
    expect(validationError(() => new CustomMachineTemplate({ kind: 'DockerMachineTemplate', version: 'v1beta2', spec: {}, templateMetdata: {} } as any)).issues[0].message).toContain('did you mean "templateMetadata"?');
  });

  it.each<[string, () => unknown, string, string]>([
    ['vSphere network device', () => new VSphereMachineTemplate({ template: 't', networks: [{ netwrokName: 'n' }] } as any), 'networks[0].netwrokName', 'networkName'],
    ['vSphere IP pool', () => new VSphereMachineTemplate({ template: 't', networks: [{ networkName: 'n', addressesFromPools: [{ kind: 'InClusterIPPool', nmae: 'p' }] }] } as any), 'networks[0].addressesFromPools[0].nmae', 'name'],
    ['vSphere identityRef', () => new VSphereCluster({ server: 'vc', identityRef: { kind: 'Secret', nam: 's' } } as any), 'identityRef.nam', 'name'],
    ['OpenStack rootVolume', () => new OpenStackMachineTemplate({ flavor: 'm1', image: 'u', rootVolume: { sizeGib: 10 } } as any), 'rootVolume.sizeGib', 'sizeGiB'],
    ['OpenStack image', () => new OpenStackMachineTemplate({ flavor: 'm1', image: { nme: 'u' } } as any), 'image.nme', 'name'],
    ['oVirt cpu', () => new OVirtMachineTemplate({ template: 't', cpu: { core: 2 } } as any), 'cpu.core', 'cores'],
    ['Shturval host selector', () => new ShturvalMachineTemplate({ hostSelector: { matchLabel: { a: 'b' } } } as any), 'hostSelector.matchLabel', 'matchLabels'],
    ['templateMetadata', () => new CustomMachineTemplate({ kind: 'K', version: 'v1', spec: {}, templateMetadata: { label: {} } } as any), 'templateMetadata.label', 'labels'],
  ])('nested provider props: %s', (_n, make, at, suggestion) => {
    expect(validationError(make).issues.find((i) => i.path === at)?.message).toContain(`did you mean "${suggestion}"?`);
  });

  it('nearestKey: transpositions and case count as one edit; far keys get no suggestion', () => {
    expect(nearestKey('rpelicas', ['replicas', 'rollout'])).toBe('replicas');
    expect(nearestKey('MAXSURGE', ['maxSurge'])).toBe('maxSurge');
    expect(nearestKey('colour', ['name', 'namespace'])).toBeUndefined();
  });
});

describe('the declaration of known keys is tied to the interface by the compiler', () => {
  const strictProps = path.resolve(__dirname, '../../lib/core/rules/strict-props.ts').replace(/\\/g, '/');
  function diagnostics(body: string): string[] {
    const file = path.resolve(__dirname, '__strict_props_probe__.ts');
    const source = `import { propKeys } from '${strictProps.replace(/\.ts$/, '')}';\ninterface P { a: string; b?: number }\n${body}\n`;
    const host = ts.createCompilerHost({ strict: true, noEmit: true, skipLibCheck: true, target: ts.ScriptTarget.ES2022, types: [] });
    const read = host.readFile.bind(host);
    host.readFile = (f) => (path.resolve(f) === file ? source : read(f));
    const exists = host.fileExists.bind(host);
    host.fileExists = (f) => path.resolve(f) === file || exists(f);
    const program = ts.createProgram([file], { strict: true, noEmit: true, skipLibCheck: true, target: ts.ScriptTarget.ES2022, types: [] }, host);
    return ts.getPreEmitDiagnostics(program).filter((d) => d.file && path.resolve(d.file.fileName) === file)
      .map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
  }

  it('accepts exactly the keys of the interface', () => {
    expect(diagnostics(`export const K = propKeys<P>()('P', { a: true, b: true });`)).toEqual([]);
  });
  it('fails when the interface has a prop the declaration lacks', () => {
    expect(diagnostics(`export const K = propKeys<P>()('P', { a: true });`).join('\n')).toMatch(/Property 'b' is missing/);
  });
  it('fails when the declaration has a key the interface lacks', () => {
    expect(diagnostics(`export const K = propKeys<P>()('P', { a: true, b: true, c: true });`).join('\n')).toMatch(/not assignable to type 'never'/);
  });
});

describe('defect 3: hostile keys', () => {
  it('a label key "constructor" is a ValidationError before cdk8s sees it', () => {
    for (const k of ['constructor', '__proto__', 'prototype']) {
      const labels = JSON.parse(`{"${k}": "x"}`);
      const i = issues({ ...base(), cluster: { name: 'c1', kubernetesVersion: 'v1.31.4', labels } });
      expect(i.join('\n')).toContain(`cluster.labels.${k}: "${k}" cannot be a key`);
    }
  });

  it('additionalFields: constructor / toString / hasOwnProperty / __proto__ get real messages, not Object internals', () => {
    const make = (extra: Record<string, unknown>) => () => new VSphereMachineTemplate({ template: 't', networkName: 'n', additionalFields: extra });
    const messages = validationError(make(JSON.parse('{"constructor": 1, "__proto__": 2}'))).issues.map((i) => i.message).join('\n');
    expect(messages).not.toContain('native code');
    expect(messages).toContain('"constructor" cannot be a key');
    expect(messages).toContain('"__proto__" cannot be a key');
    // legal provider field names that happen to be Object.prototype members are emitted as given
    const t = new VSphereMachineTemplate({ template: 't', networkName: 'n', additionalFields: { toString: 'a', hasOwnProperty: 'b' } });
    expect(t.spec).toMatchObject({ toString: 'a', hasOwnProperty: 'b' });
  });

  it('a "<<" key is rejected in free-form fields', () => {
    expect(validationError(() => new CustomMachineTemplate({ kind: 'K', version: 'v1', spec: { a: { '<<': { b: 1 } } } })).issues[0])
      .toEqual({ path: 'spec.a.<<', message: expect.stringContaining('merge key') });
  });
});

describe('defect 4: values outside JSON are ValidationErrors with the path', () => {
  const circular: any = { a: 1 };
  circular.self = circular;
  it.each<[string, unknown, string]>([
    ['BigInt', { n: 5n }, 'additionalFields.n'],
    ['Symbol', { s: Symbol('x') }, 'additionalFields.s'],
    ['function', { f: () => 1 }, 'additionalFields.f'],
    ['circular', circular, 'additionalFields.self'],
    ['Date', { d: new Date(0) }, 'additionalFields.d'],
    ['Map', { m: new Map([['a', 1]]) }, 'additionalFields.m'],
    ['Set', { s: new Set([1]) }, 'additionalFields.s'],
    ['NaN', { x: [1, NaN] }, 'additionalFields.x[1]'],
    ['Infinity', { x: Infinity }, 'additionalFields.x'],
    ['beyond 2^53', { memory: 9007199254740993 }, 'additionalFields.memory'],
    ['undefined list item', { x: [1, undefined] }, 'additionalFields.x[1]'],
  ])('%s', (_n, extra, at) => {
    const e = validationError(() => new VSphereMachineTemplate({ template: 't', networkName: 'n', additionalFields: extra as Record<string, unknown> }));
    expect(e.issues.map((i) => i.path)).toContain(at);
  });

  it('BigInt, null-prototype objects and symbols in typed props', () => {
    expect(issues({ ...base(), controlPlane: { machineTemplate: docker(), replicas: 3n } })).toEqual([expect.stringMatching(/^controlPlane\.replicas: must be an integer, got 3n/)]);
    const np = Object.create(null);
    expect(() => addonComponent({ addon: np })).not.toThrow();
    expect(issues({ ...base(), components: [addonComponent({ addon: np })] }).join('\n')).toMatch(/components\[0\]\.addon: \{\} is not an add-on/);
    expect(validationError(() => new CustomMachineTemplate({ kind: np, version: 'v1', spec: {} })).issues).toEqual([{ path: 'kind', message: expect.stringContaining('is not a kind') }]);
    expect(validationError(() => new CustomMachineTemplate({ kind: Symbol('k') as any, version: 'v1', spec: {} })).issues[0].path).toBe('kind');
  });

  it('infrastructure.apiGroup "a/b" and a bad kind are ValidationErrors', () => {
    const i = issues({ ...base(), cluster: { name: 'c1', cni: 'calico', kubernetesVersion: 'v1.31.4', infrastructure: { apiGroup: 'a/b', version: 'v1beta1', kind: 'not a kind' } } });
    expect(i).toEqual([expect.stringMatching(/^cluster\.infrastructure\.apiGroup: "a\/b" is not an API group/), expect.stringMatching(/^cluster\.infrastructure\.kind: "not a kind" is not a kind/)]);
  });

  it('messages show at most 200 characters of a bad value', () => {
    const huge = 'x'.repeat(10_000_000);
    const e = validationError(() => renderClusterSpec({ ...base(), cluster: { name: huge, cni: 'calico', kubernetesVersion: 'v1.31.4', infrastructure: existingInfrastructureCluster({ version: 'v1beta1', kind: 'DockerCluster' }) } }));
    expect(e.message.length).toBeLessThan(2000);
    expect(e.issues[0].message).toContain('(10000000 characters)');
  });
});

describe('defect 5: no silent loss', () => {
  it('CustomMachineTemplate checks kind, version, apiGroup and template metadata', () => {
    const e = validationError(() => new CustomMachineTemplate({ apiGroup: 'a/b', kind: 'not a kind', version: 'x', spec: {}, templateMetadata: { labels: { 'bad key!': 'v' } } }));
    expect(e.issues.map((i) => i.path).sort()).toEqual(['apiGroup', 'kind', 'templateMetadata.labels.bad key!', 'version']);
  });

  it('quantities that overflow or were already rounded are errors, not .inf or a different number', () => {
    const cpu = issues({ ...base(), components: [addonComponent({ addon: 'jupyterhub', parameters: { cpu: `1${'0'.repeat(400)}` } })] });
    expect(cpu).toEqual([expect.stringMatching(/^components\[0\]\.parameters\.cpu: .* is too large/)]);
    const memory = issues({ ...base(), components: [addonComponent({ addon: 'jupyterhub', parameters: { memory: 9007199254740993 } })] });
    expect(memory).toEqual([expect.stringMatching(/^components\[0\]\.parameters\.memory: 9007199254740992 is beyond 2\^53/)]);
  });

  it('the same add-on twice is an error, not duplicate objects', () => {
    const i = issues({ ...base(), components: [addonComponent({ addon: 'kuberay' }), addonComponent({ addon: 'kuberay' }, 'kuberay-again')] });
    expect(i).toEqual([expect.stringMatching(/^components\[1\]: emits HelmRepository .* which "kuberay" already emits/)]);
  });

  it('plain objects from another realm (a vm context) are plain; lone surrogates are rejected', () => {
    const foreign = require('vm').runInNewContext('({ vmx: { a: "1", list: [1, 2] } })');
    expect(new VSphereMachineTemplate({ template: 't', networkName: 'n', additionalFields: foreign }).spec).toMatchObject({ vmx: { a: '1', list: [1, 2] } });
    expect(validationError(() => new VSphereMachineTemplate({ template: 't', networkName: 'n', additionalFields: { a: 'x\ud800' } })).issues[0].message).toMatch(/unpaired UTF-16 surrogate/);
    expect(validationError(() => new CustomMachineTemplate({ kind: 'K', version: 'v1', spec: {}, templateMetadata: { annotations: { a: '\udc00' } } })).issues[0].path).toBe('templateMetadata.annotations.a');
  });

  it('free-form values are copied: changing the input afterwards changes nothing', () => {
    const extra = { vmx: { a: '1' } };
    const t = new VSphereMachineTemplate({ template: 't', networkName: 'n', additionalFields: extra });
    extra.vmx.a = '2';
    expect((t.spec as any).vmx.a).toBe('1');
  });
});

describe('defect 8: linear-time checks, no spreading strings', () => {
  it('100k roles and 100k security groups are checked in linear time', () => {
    // counted, not timed: the elements Array.prototype.includes/indexOf scan (quadratic before: 5e9 for 100k roles)
    const roles = Array.from({ length: 100_000 }, (_, i) => `r${i}`);
    const { scanned } = countArrayScans(() => {
      renderClusterSpec({ ...base(), workers: [{ name: 'md', machineTemplate: docker(), roles }] });
      new OpenStackMachineTemplate({ flavor: 'm1', image: 'ubuntu', securityGroups: roles });
    });
    expect(scanned).toBeLessThan(10 * roles.length);
  });

  it('HealthCheck.workers(<string>) keeps the string as one bad value', () => {
    const hc = HealthCheck.workers('x'.repeat(1_000_000) as any);
    expect(Object.keys(hc.options).length).toBeLessThan(10);
    expect(issues({ ...base(), workers: [{ name: 'md', machineTemplate: docker(), healthCheck: hc }] }))
      .toEqual([expect.stringMatching(/^workers\[0\]\.healthCheck: the overrides of HealthCheck\.workers\(\) must be an object/)]);
  });
});

describe('renderFleet options', () => {
  it('null options and unknown option keys are ValidationErrors', () => {
    expect(validationError(() => renderFleet([], null as any)).issues[0].path).toBe('options');
    expect(validationError(() => renderFleet([], { outputFileExtention: '.yaml' } as any)).issues[0].message).toContain('did you mean "outputFileExtension"?');
  });
});
